"""Whole-store backup and restore in a portable file (SQLite <-> PostgreSQL/PostGIS).

A backup is a ZIP archive holding ``manifest.json`` (format, schema version, rows per table)
and one ``tables/<name>.jsonl`` per table (one JSON object per row, rows sorted by primary
key; dates and times ISO 8601 in UTC, floats written with every bit). The archive does not
depend on the backend or on the time it was made: the same data gives the same bytes, so a
SQLite store backed up, restored into PostGIS and backed up again gives an identical file.

Restore replaces the whole store in one transaction (:meth:`geo.store.Store.restore`): a bad
file changes nothing. The PostGIS ``geom`` columns are rebuilt from lon/lat by the database
and the boundary table is reloaded on demand, so neither is in the file.

For a PostgreSQL deployment ``pg_dump``/``pg_restore`` remain the first choice for disaster
recovery (see the README); this file format moves a store between backends and is what
``python -m geo backup`` and ``python -m geo restore`` read and write.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from geo.store import Store, StoreError

__all__ = ["BACKUP_FORMAT", "BackupError", "read_backup", "restore_backup", "write_backup"]

#: Format tag in ``manifest.json``; bumped when the layout of the archive changes.
BACKUP_FORMAT = "peta-umkm-backup/1"

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # ZIP entries carry no real time: same data, same bytes


class BackupError(ValueError):
    """A backup file that cannot be read or restored; names the file and the entry."""


def _entry(archive: zipfile.ZipFile, name: str, data: str) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data.encode("utf-8"))


def write_backup(store: Store, path: str | Path) -> dict[str, Any]:
    """Write every table of ``store`` to the backup file ``path``.

    Parameters
    ----------
    store
        The store to back up (any backend).
    path
        The ``.zip`` file to write (replaced if it exists; written to a temporary name first,
        so an interrupted backup never leaves a half file under ``path``).

    Returns
    -------
    dict
        The manifest: ``format``, ``schema_version``, ``rows`` (table -> count).
    """
    path = Path(path)
    tables = store.dump()
    manifest = {
        "format": BACKUP_FORMAT,
        "schema_version": store.schema_version,
        "rows": {name: len(rows) for name, rows in tables.items()},
    }
    partial = path.with_name(path.name + ".part")
    with zipfile.ZipFile(partial, "w") as archive:
        _entry(archive, "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        for name, rows in tables.items():
            lines = "".join(
                json.dumps(row, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"
                for row in rows
            )
            _entry(archive, f"tables/{name}.jsonl", lines)
    partial.replace(path)
    return manifest


def read_backup(path: str | Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Read a backup file.

    Parameters
    ----------
    path
        A file written by :func:`write_backup`.

    Returns
    -------
    tuple
        (manifest, tables): table name -> rows as written.

    Raises
    ------
    BackupError
        Not a backup of this format, or an entry is missing, unreadable or has a different
        row count than the manifest (the message names the file, the entry and the line).
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{path}: not a backup file ({exc})") from exc
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError) as exc:
            raise BackupError(f"{path}: manifest.json missing or unreadable ({exc})") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
            raise BackupError(f"{path}: manifest.json: not a {BACKUP_FORMAT} backup")
        tables: dict[str, list[dict[str, Any]]] = {}
        for name, count in dict(manifest.get("rows", {})).items():
            entry = f"tables/{name}.jsonl"
            try:
                text = archive.read(entry).decode("utf-8")
            except KeyError as exc:
                raise BackupError(f"{path}: {entry} is missing") from exc
            rows = []
            for number, line in enumerate(text.splitlines(), start=1):
                try:
                    row = json.loads(line)
                except ValueError as exc:
                    raise BackupError(f"{path}: {entry}, line {number}: {exc}") from exc
                if not isinstance(row, dict):
                    raise BackupError(f"{path}: {entry}, line {number}: not a JSON object")
                rows.append(row)
            if len(rows) != count:
                raise BackupError(
                    f"{path}: {entry} holds {len(rows)} rows, the manifest says {count}"
                )
            tables[name] = rows
    return manifest, tables


def restore_backup(store: Store, path: str | Path) -> dict[str, int]:
    """Replace the whole content of ``store`` with the backup ``path``, in one transaction.

    Parameters
    ----------
    store
        The target store (any backend; migrated to the current schema on opening).
    path
        A file written by :func:`write_backup`.

    Returns
    -------
    dict
        Table name -> rows restored.

    Raises
    ------
    BackupError
        The file is unreadable, of another schema version than ``store``, or the store
        refused its rows (the message says which table and row). The store is unchanged.
    """
    manifest, tables = read_backup(path)
    if manifest.get("schema_version") != store.schema_version:
        raise BackupError(
            f"{path}: written at schema version {manifest.get('schema_version')}, the store "
            f"is at {store.schema_version}; restore with the matching version of the app"
        )
    try:
        return store.restore(tables)
    except StoreError as exc:
        raise BackupError(f"{path}: {exc}") from exc
