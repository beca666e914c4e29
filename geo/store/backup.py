"""Whole-store backup and restore in a portable file (SQLite <-> PostgreSQL/PostGIS).

A backup is a ZIP archive holding ``manifest.json`` (format, schema version, rows per table)
and one ``tables/<name>.jsonl`` per table (one JSON object per row, rows sorted by primary
key; dates and times ISO 8601 in UTC, floats written with every bit). The archive does not
depend on the backend or on the time it was made: the same data gives the same bytes, so a
SQLite store backed up, restored into PostGIS and backed up again gives an identical file.

:class:`BackupStore` is the store's part of it (:meth:`BackupStore.dump` reads every table,
:meth:`BackupStore.restore` replaces the whole store in one transaction: a bad file changes
nothing); :func:`write_backup`, :func:`read_backup` and :func:`restore_backup` handle the
file. The PostGIS ``geom`` columns are rebuilt from lon/lat by the database and the boundary
table is reloaded on demand, so neither is in the file.

For a PostgreSQL deployment ``pg_dump``/``pg_restore`` remain the first choice for disaster
recovery (see the README); this file format moves a store between backends and is what
``python -m geo backup`` and ``python -m geo restore`` read and write.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Date, DateTime, Table, delete, select, text

from geo.store.base import StoreBase
from geo.store.rows import insert_records
from geo.store.schema import METADATA, StoreError

if TYPE_CHECKING:
    from geo.store.database import Store

__all__ = [
    "BACKUP_FORMAT",
    "BackupError",
    "BackupStore",
    "read_backup",
    "restore_backup",
    "write_backup",
]

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


# --- The store's part: dump and restore ----------------------------------------------------------


class BackupStore(StoreBase):
    """Dump every table of the store to JSON-ready rows, and restore such a dump."""

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, as JSON-ready values, for a portable backup.

        Returns
        -------
        dict
            Table name -> rows (dicts column -> value), tables in dependency order
            (referenced tables first), rows sorted by primary key in Python (the order does
            not depend on the database's collation). Dates and times are ISO 8601 strings
            (times UTC, naive), floats keep every bit, booleans are ``True``/``False``. Not
            included: ``schema_version`` (see :attr:`schema_version`), the PostGIS ``geom``
            columns (derived from lon/lat) and ``kelurahan_batas`` (reloaded on demand).
        """
        out: dict[str, list[dict[str, Any]]] = {}
        with self._engine.connect() as conn:
            for table in METADATA.sorted_tables:
                key = [c.name for c in table.primary_key.columns]
                rows = [_json_row(table, dict(r)) for r in conn.execute(select(table)).mappings()]
                rows.sort(key=lambda r: tuple(str(r[k]) for k in key))
                out[table.name] = rows
        return out

    def restore(self, tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, int]:
        """Replace the whole store with a :meth:`dump`, in one transaction.

        Parameters
        ----------
        tables
            Table name -> rows, as :meth:`dump` returns them; every table of the schema must
            be present (an empty list for an empty table).

        Returns
        -------
        dict
            Table name -> rows restored.

        Raises
        ------
        StoreError
            A table is missing or unknown, a row has unknown columns or values the database
            refuses. The store keeps its previous content.
        """
        decoded = _decode_tables(tables)
        with self._write("dataset") as conn:
            for table in reversed(METADATA.sorted_tables):
                conn.execute(delete(table))
            for table in METADATA.sorted_tables:
                columns = [c.name for c in table.columns]
                rows = [{c: r.get(c) for c in columns} for r in decoded[table.name]]
                insert_records(conn, table, rows)
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
        return {name: len(rows) for name, rows in decoded.items()}


# --- Stages of dump and restore ------------------------------------------------------------------


def _decode_tables(
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
) -> dict[str, list[dict[str, Any]]]:
    """Check a dump against the schema and decode its rows (ISO strings back to dates).

    Returns
    -------
    dict
        Table name -> decoded rows, every table of the schema in dependency order.

    Raises
    ------
    StoreError
        A table is missing or unknown, or a row has unknown columns.
    """
    known = {t.name for t in METADATA.sorted_tables}
    unknown = sorted(set(tables) - known)
    missing = sorted(known - set(tables))
    if unknown or missing:
        raise StoreError(
            "dataset",
            f"backup does not match the schema: unknown tables {unknown}, missing {missing}",
        )
    decoded: dict[str, list[dict[str, Any]]] = {}
    for table in METADATA.sorted_tables:
        columns = {c.name for c in table.columns}
        rows = []
        for position, row in enumerate(tables[table.name]):
            extra = sorted(set(row) - columns)
            if extra:
                raise StoreError(
                    table.name, f"row {position}: unknown columns {extra}", row_id=None
                )
            rows.append(_python_row(table, row))
        decoded[table.name] = rows
    return decoded


def _reset_sequences(conn: Connection) -> None:
    """Move every ``id`` sequence past the restored rows (PostgreSQL)."""
    for table in METADATA.sorted_tables:
        if table.autoincrement_column is not None:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def _json_row(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """Return a stored row with dates and times as ISO strings (JSON-ready)."""
    out = {}
    for name in (c.name for c in table.columns):
        value = row.get(name)
        if isinstance(value, dt.date):  # datetime too
            value = value.isoformat()
        out[name] = value
    return out


def _python_row(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """Decode :func:`_json_row`: ISO strings back to ``date``/``datetime`` by column type."""
    out = dict(row)
    for column in table.columns:
        value = out.get(column.name)
        if value is None:
            continue
        if isinstance(column.type, DateTime):
            out[column.name] = dt.datetime.fromisoformat(value)
        elif isinstance(column.type, Date):
            out[column.name] = dt.date.fromisoformat(value)
    return out
