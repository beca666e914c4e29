"""Back up and restore the whole store; a restore is audited and bumps the data version.

The file format and its checks are :mod:`geo.store.backup`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geo.core import audit
from geo.services.auth import utcnow
from geo.store import Store
from geo.store.backup import BackupError, restore_backup, write_backup

__all__ = ["BackupError", "backup", "restore"]


def backup(store: Store, path: str | Path) -> dict[str, Any]:
    """Write every table of ``store`` to the backup file ``path`` (reads only).

    Returns
    -------
    dict
        The backup's manifest (schema version, rows per table).
    """
    return write_backup(store, path)


def restore(store: Store, path: str | Path, *, user: str) -> dict[str, int]:
    """Replace the store's content with a backup, audited, in one transaction.

    Parameters
    ----------
    store
        The store.
    path
        The backup file (``python -m geo backup``).
    user
        Who restores, for the audit log (recorded after the restored rows, so it survives).

    Returns
    -------
    dict
        Rows restored per table.

    Raises
    ------
    BackupError
        The file is not a usable backup; nothing changes.
    """
    with store.unit_of_work():
        counts = restore_backup(store, path)
        audit.record(store, user, audit.RESTORE, Path(path).name, f"{sum(counts.values())} baris")
        # The restored accounts may differ from the signed-in ones: every browser signs in again.
        store.revoke_web_sessions(when=utcnow())
        store.bump_data_version(f"pulih {Path(path).name}")
    return counts
