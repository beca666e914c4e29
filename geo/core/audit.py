"""The audit log: who imported, edited, logged visits or changed users, and when.

The store's write methods (``replace_dataset``, ``write_umkm``, ``add_visits``, ...) do not
write audit entries themselves: the caller knows who acted and why, so the caller records the
action. Pages and the command line use :func:`record` after a write, or :func:`audited` around
it (the entry is written only when the block succeeds)::

    with audit.audited(store, user, audit.VISIT_ADD, visit_id) as details:
        store.add_visits(visits)
        details.append(f"{len(visits)} kunjungan")

Entries are stored with their time in UTC (:meth:`geo.store.Store.log_audit`); admins read
them with :func:`read` on the Admin page.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from geo.store import Store

__all__ = [
    "ACTIONS",
    "BOUNDARY_RESET",
    "BOUNDARY_UNDO",
    "BOUNDARY_USE",
    "DATASET_REPLACE",
    "DEMO_ACCOUNTS",
    "DEMO_ACCOUNTS_OFF",
    "IMPORT",
    "IMPORT_UNDO",
    "LOGIN",
    "LOGIN_FAILED",
    "LOGOUT",
    "PLAN_ASSIGN",
    "PLAN_CANCEL",
    "PLAN_REPLAN",
    "PLAN_SAVE",
    "RESTORE",
    "SENTRA_PROMOTE",
    "STOP_STATUS",
    "UMKM_EDIT",
    "USER_ADD",
    "USER_DISABLE",
    "USER_ENABLE",
    "USER_PASSWORD",
    "USER_ROLE",
    "USER_UNLOCK",
    "VISIT_ADD",
    "audited",
    "cli_actor",
    "read",
    "record",
]

IMPORT = "import"
IMPORT_UNDO = "import.batal"
DATASET_REPLACE = "data.ganti"
UMKM_EDIT = "umkm.ubah"
VISIT_ADD = "kunjungan.tambah"
SENTRA_PROMOTE = "sentra.dari_klaster"
RESTORE = "restore"
LOGIN = "login"
LOGIN_FAILED = "login.gagal"
LOGOUT = "logout"
USER_ADD = "pengguna.tambah"
USER_DISABLE = "pengguna.nonaktif"
USER_ENABLE = "pengguna.aktif"
USER_PASSWORD = "pengguna.sandi"
USER_ROLE = "pengguna.peran"
USER_UNLOCK = "pengguna.buka_kunci"
DEMO_ACCOUNTS = "pengguna.demo"  # demo accounts (re)created with fresh passwords
DEMO_ACCOUNTS_OFF = "pengguna.demo_nonaktif"  # disabled by the first real import or admin
BOUNDARY_USE = "batas.pakai"
BOUNDARY_UNDO = "batas.batal"
BOUNDARY_RESET = "batas.reset"
PLAN_SAVE = "rencana.simpan"  # a solved plan saved with its date and assignees
PLAN_ASSIGN = "rencana.tugaskan"  # a route (re)assigned to an officer account
PLAN_CANCEL = "rencana.batal"
PLAN_REPLAN = "rencana.ulang"  # objek: the new plan; rincian names the old one
STOP_STATUS = "rencana.henti"  # a stop marked belum / selesai / tidak_bertemu

#: Every action code this project writes (other codes are accepted too).
ACTIONS: tuple[str, ...] = (
    IMPORT,
    IMPORT_UNDO,
    DATASET_REPLACE,
    UMKM_EDIT,
    VISIT_ADD,
    SENTRA_PROMOTE,
    RESTORE,
    LOGIN,
    LOGIN_FAILED,
    LOGOUT,
    USER_ADD,
    USER_DISABLE,
    USER_ENABLE,
    USER_PASSWORD,
    USER_ROLE,
    USER_UNLOCK,
    DEMO_ACCOUNTS,
    DEMO_ACCOUNTS_OFF,
    BOUNDARY_USE,
    BOUNDARY_UNDO,
    BOUNDARY_RESET,
    PLAN_SAVE,
    PLAN_ASSIGN,
    PLAN_CANCEL,
    PLAN_REPLAN,
    STOP_STATUS,
)


def cli_actor() -> str:
    """Return the actor name of the command line: ``"cli:<operating-system user>"``."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        name = "unknown"
    return f"cli:{name}"


def record(store: Store, pengguna: str, aksi: str, objek: str, rincian: str = "") -> int:
    """Append one audit entry (one transaction) and return its id.

    Parameters
    ----------
    store
        The store.
    pengguna
        Who acted: a username, or :func:`cli_actor` for the command line.
    aksi
        An action code such as :data:`IMPORT` or :data:`VISIT_ADD`.
    objek
        What was acted on (file name, visit id, username).
    rincian
        Details (counts, changed fields). Never a password or an owner's personal data.
    """
    return store.log_audit(pengguna, aksi, objek, rincian)


@contextmanager
def audited(store: Store, pengguna: str, aksi: str, objek: str) -> Iterator[list[str]]:
    """Record an audit entry when the ``with`` block finishes without an exception.

    Yields a list the block may append detail strings to; they become the entry's
    ``rincian`` (joined with ``"; "``). When the block raises, nothing is recorded (the
    store's write was rolled back, so there is nothing to audit) and the exception
    propagates.
    """
    details: list[str] = []
    yield details
    store.log_audit(pengguna, aksi, objek, "; ".join(details))


def read(store: Store, *, limit: int | None = 500) -> pd.DataFrame:
    """Return the newest audit entries (columns of :data:`geo.store.AUDIT_COLUMNS`, UTC)."""
    return store.read_audit(limit=limit)
