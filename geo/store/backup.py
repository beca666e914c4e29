"""Whole-store backup and restore in a portable file (SQLite <-> PostgreSQL/PostGIS).

A backup is a ZIP archive holding ``manifest.json`` (format, schema version, rows per table)
and one ``tables/<name>.jsonl`` per table (one JSON object per row, rows sorted by primary
key; dates and times ISO 8601 in UTC, floats written with every bit, binary values (visit
photos) as base64 text). The archive does not depend on the backend or on the time it was
made: the same data gives the same bytes, so a SQLite store backed up, restored into PostGIS
and backed up again gives an identical file.

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

import base64
import binascii
import datetime as dt
import json
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    delete,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from geo.core.access import ROLES
from geo.core.register import (
    KEBUTUHAN,
    PRESISI_LOKASI,
    SAHABAT_TINGKAT,
    SECTORS,
    SIZE_CLASSES,
    STATUS,
)
from geo.store.base import StoreBase
from geo.store.rows import insert_records
from geo.store.schema import KELURAHAN_TABLE, METADATA, StoreError
from geo.store.sessions import SESSION_SECRET_KEY

if TYPE_CHECKING:
    from geo.store.database import Store

__all__ = [
    "BACKUP_FORMAT",
    "BackupError",
    "BackupStore",
    "check_tables",
    "read_backup",
    "restore_backup",
    "write_backup",
]

#: Format tag in ``manifest.json``; bumped when the layout of the archive changes.
BACKUP_FORMAT = "peta-umkm-backup/1"

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # ZIP entries carry no real time: same data, same bytes
# What a damaged or hostile archive member may raise while it is read.
_ARCHIVE_ERRORS = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,  # an unsupported compression method
    RuntimeError,  # an encrypted member
)
_SHOWN_CHARS = 40  # a refused value is shown up to this many characters


class BackupError(ValueError):
    """A backup file that cannot be read, written or restored; names the file and the entry.

    A refused row is named by its entry and line (``tables/umkm.jsonl, line 3, column
    sektor``); the message shows the refused value only for coded columns (sector, role,
    kode, ...) and ids, never the content of a personal or free-text field.
    """


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

    Raises
    ------
    BackupError
        ``path`` cannot be written (a folder, under a file, a read-only place); nothing is left
        behind.
    """
    path = Path(path)
    tables = store.dump()
    manifest = {
        "format": BACKUP_FORMAT,
        "schema_version": store.schema_version,
        "rows": {name: len(rows) for name, rows in tables.items()},
    }
    partial = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            _entry(archive, "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            for name, rows in tables.items():
                lines = "".join(
                    json.dumps(row, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"
                    for row in rows
                )
                _entry(archive, f"tables/{name}.jsonl", lines)
        partial.replace(path)
    except OSError as exc:
        if partial.is_file():
            partial.unlink()
        raise BackupError(f"{path}: cannot be written ({exc.strerror or exc})") from exc
    return manifest


def read_backup(path: str | Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Read a backup file and check every row against the schema and the app's rules.

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
        Not a backup of this format; an entry is missing, unreadable (not UTF-8, not JSON) or
        has a different row count than the manifest; or a row breaks a rule of
        :func:`check_tables`. The message names the file, the entry, the line and the column.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{path}: not a backup file ({exc})") from exc
    with archive:
        manifest = _read_manifest(archive, path)
        tables = {
            name: _read_entry(archive, path, name, count)
            for name, count in manifest["rows"].items()
        }
    check_tables(tables, where=str(path))
    return manifest, tables


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    """Read and check ``manifest.json``: format tag, and ``rows`` as table -> row count."""
    try:
        manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
    except KeyError as exc:
        raise BackupError(f"{path}: manifest.json is missing") from exc
    except (*_ARCHIVE_ERRORS, ValueError, RecursionError) as exc:
        raise BackupError(f"{path}: manifest.json unreadable ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise BackupError(f"{path}: manifest.json: not a {BACKUP_FORMAT} backup")
    rows = manifest.get("rows")
    if not isinstance(rows, dict):
        raise BackupError(f"{path}: manifest.json: 'rows' is not an object of table -> count")
    for name, count in rows.items():
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise BackupError(f"{path}: manifest.json: {_shown(name)} is not a table name")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise BackupError(f"{path}: manifest.json: rows of {name!r} is not a count")
    mismatch = _schema_mismatch(rows)
    if mismatch:
        raise BackupError(f"{path}: manifest.json: {mismatch}")
    return manifest


def _read_entry(
    archive: zipfile.ZipFile, path: Path, name: str, count: int
) -> list[dict[str, Any]]:
    """Read ``tables/<name>.jsonl``: one JSON object per line, ``count`` of them."""
    entry = f"tables/{name}.jsonl"
    try:
        data = archive.read(entry)
    except KeyError as exc:
        raise BackupError(f"{path}: {entry} is missing") from exc
    except _ARCHIVE_ERRORS as exc:
        raise BackupError(f"{path}: {entry} unreadable ({exc})") from exc
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BackupError(f"{path}: {entry}, line {line}: not UTF-8 text") from exc
    # Rows end in "\n" only: str.splitlines would also split inside a value at U+2028 or \x85.
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows = []
    for number, line in enumerate(lines, start=1):
        try:
            row = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise BackupError(f"{path}: {entry}, line {number}: {exc}") from exc
        if not isinstance(row, dict):
            raise BackupError(f"{path}: {entry}, line {number}: not a JSON object")
        rows.append(row)
    if len(rows) != count:
        raise BackupError(f"{path}: {entry} holds {len(rows)} rows, the manifest says {count}")
    return rows


def restore_backup(store: Store, path: str | Path) -> dict[str, int]:
    """Replace the whole content of ``store`` with the backup ``path``, in one transaction.

    Every row is checked (:func:`read_backup`) before anything is replaced.

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
        The file is unreadable, of another schema version than ``store``, breaks a rule of
        :func:`check_tables`, or the store refused its rows (the message says which table; it
        shows no row data). The store is unchanged.
    """
    manifest, tables = read_backup(path)
    if manifest.get("schema_version") != store.schema_version:
        raise BackupError(
            f"{path}: written at schema version {_shown(manifest.get('schema_version'))}, the "
            f"store is at {store.schema_version}; restore with the matching version of the app"
        )
    try:
        return store.restore(tables)
    except StoreError as exc:
        raise BackupError(f"{path}: {exc}") from exc


# --- The rules every restored row must keep ------------------------------------------------------

_OFFICER_ROLES = tuple(r for r in ROLES if r != "publik")
_KODE_KELURAHAN = re.compile(r"35\.73\.\d{2}\.\d{4}")

#: (table, column) -> the values the app writes there (:mod:`geo.core.register`,
#: :mod:`geo.core.access`, the import log's actions).
_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("umkm", "sektor"): tuple(SECTORS),
    ("umkm", "skala"): SIZE_CLASSES,
    ("umkm", "status"): STATUS,
    ("umkm", "presisi_lokasi"): PRESISI_LOKASI,
    ("sentra", "sektor"): tuple(SECTORS),
    ("sentra", "presisi_lokasi"): PRESISI_LOKASI,
    ("sahabat", "tingkat"): SAHABAT_TINGKAT,
    ("riwayat_skala", "skala"): SIZE_CLASSES,
    ("pengguna", "peran"): _OFFICER_ROLES,
    ("import_perubahan", "aksi"): ("tambah", "ubah"),
    ("kunjungan_foto", "mime"): ("image/jpeg",),
    # Saved plans (geo.services.plans): plan status, stop status, what a stop visits.
    ("rencana", "status"): ("aktif", "dibatalkan", "diganti"),
    ("rencana_henti", "status"): ("belum", "selesai", "tidak_bertemu"),
    ("rencana_henti", "jenis"): ("kelurahan", "sentra", "umkm", "lain"),
}
#: (table, column) of distances and accuracies in metres, never negative.
_NON_NEGATIVE: frozenset[tuple[str, str]] = frozenset(
    {
        ("kunjungan", "akurasi_m"),
        ("kunjungan", "jarak_m"),
        ("rencana_rute", "jarak_km"),
        ("rencana_rute", "durasi_menit"),
    }
)


def _shown(value: object) -> str:
    """Return ``repr(value)`` cut to a few characters, for a message."""
    shown = repr(value)
    return shown if len(shown) <= _SHOWN_CHARS else shown[: _SHOWN_CHARS - 1] + "…"


def _type_name(value: object) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "text"}.get(
        type(value), f"a JSON {type(value).__name__}"
    )


def _number_problem(value: Any, *, whole: bool) -> str | None:
    """Say why ``value`` is not a number a database column holds (64-bit, finite)."""
    want = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{_type_name(value)} where {want} is expected"
    if whole:
        if not isinstance(value, int):
            return f"{_type_name(value)} where {want} is expected"
        return None if -(2**63) <= value < 2**63 else "a whole number beyond 64 bits"
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    return None if finite else "not a finite number"


def _type_problem(column: Column[Any], value: Any) -> str | None:
    """Say why ``value`` (not None) cannot be stored in ``column``, by the column's type."""
    kind = column.type
    if isinstance(kind, LargeBinary):
        return _binary_problem(value)
    if isinstance(kind, Boolean):
        return (
            None
            if isinstance(value, bool)
            else f"{_type_name(value)} where true or false is expected"
        )
    if isinstance(kind, Integer | Float):
        return _number_problem(value, whole=isinstance(kind, Integer))
    if isinstance(kind, DateTime | Date):
        return _date_problem(value, with_time=isinstance(kind, DateTime))
    if isinstance(kind, String):  # Text too
        if not isinstance(value, str):
            return f"{_type_name(value)} where text is expected"
        return "text with a NUL character" if "\x00" in value else None
    return None  # a type without a rule here: the database decides


def _binary_problem(value: object) -> str | None:
    """Say why ``value`` is not the base64 text of a binary column (a visit photo)."""
    if not isinstance(value, str):
        return f"{_type_name(value)} where base64 text is expected"
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return "not base64 text"
    return None


def _date_problem(value: object, *, with_time: bool) -> str | None:
    """Say why ``value`` is not an ISO 8601 date (``with_time``: a UTC date and time)."""
    want = "an ISO date and time (2026-01-31T08:00:00)" if with_time else "an ISO date (2026-01-31)"
    if not isinstance(value, str):
        return f"{_type_name(value)} where {want} is expected"
    try:
        parsed = dt.datetime.fromisoformat(value) if with_time else dt.date.fromisoformat(value)
    except ValueError:
        return f"{_shown(value)} is not {want}"
    if isinstance(parsed, dt.datetime) and parsed.tzinfo is not None:
        return f"{_shown(value)} has a UTC offset; times are stored in UTC without one"
    return None


def _kebutuhan_problem(value: str) -> str | None:
    codes = {c.strip() for c in value.split(",")} - {""}
    unknown = sorted(codes - set(KEBUTUHAN))
    if unknown:
        return f"unknown support area {_shown(unknown[0])}; known: {', '.join(KEBUTUHAN)}"
    return None


def _rule_problem(table: str, column: str, value: Any) -> str | None:
    """Say why a well-typed ``value`` breaks a rule of the app (codes, ranges), or None."""
    choices = _CHOICES.get((table, column))
    if choices is not None and value not in choices:
        return f"{_shown(value)} is not one of {', '.join(choices)}"
    if column == "kode_kelurahan" and not _KODE_KELURAHAN.fullmatch(str(value)):
        return f"{_shown(value)} is not a kode kelurahan of Kota Malang (35.73.NN.NNNN)"
    if column == "lat" and not -90.0 <= float(value) <= 90.0:
        return f"latitude {value} outside -90..90 degrees (EPSG:4326)"
    if column == "lon" and not -180.0 <= float(value) <= 180.0:
        return f"longitude {value} outside -180..180 degrees (EPSG:4326)"
    if (table, column) == ("kunjungan", "kebutuhan"):
        return _kebutuhan_problem(str(value))
    if table == "kunjungan_foto" and column in ("lebar", "tinggi") and int(value) <= 0:
        return f"{column} {value} is not a size in pixels"
    if (table, column) in _NON_NEGATIVE and float(value) < 0:
        return f"{column} {value} is negative"
    return None


def _value_problem(table: Table, column: Column[Any], value: object) -> str | None:
    """Say why ``value`` cannot be restored into ``column`` of ``table``, or None."""
    if value is None:
        return None if column.nullable else "missing (this column may not be empty)"
    return _type_problem(column, value) or _rule_problem(table.name, column.name, value)


def _row_problem(table: Table, row: Mapping[str, Any]) -> tuple[str | None, str] | None:
    """Return (column, problem) of the first problem of ``row``, or None."""
    extra = sorted(set(row) - set(table.columns.keys()))
    if extra:
        return None, f"unknown columns {', '.join(_shown(c) for c in extra)}"
    for column in table.columns:
        problem = _value_problem(table, column, row.get(column.name))
        if problem:
            return column.name, problem
    return None


def _key_problems(
    table: Table, rows: Sequence[Mapping[str, Any]], known: Mapping[tuple[str, str], set[Any]]
) -> tuple[int, str | None, str] | None:
    """Return (line, column, problem) of a repeated key or a reference to a missing row."""
    key = [c.name for c in table.primary_key.columns]
    seen: dict[tuple[Any, ...], int] = {}
    references = [
        (fk.parent.name, fk.column.table.name, fk.column.name) for fk in table.foreign_keys
    ]
    for line, row in enumerate(rows, start=1):
        values = tuple(row.get(k) for k in key)
        if values in seen:
            return line, None, f"repeats the key {', '.join(key)} of line {seen[values]}"
        seen[values] = line
        for column, target, target_column in references:
            value = row.get(column)
            if value is not None and value not in known.get((target, target_column), set()):
                return (
                    line,
                    column,
                    f"refused: {_shown(value)} is not a {target_column} in {target}",
                )
    return None


def _schema_mismatch(names: Iterable[str]) -> str | None:
    """Say which tables a backup has that the schema has not, and the other way round."""
    names = set(names)
    known = [t.name for t in METADATA.sorted_tables]
    unknown = sorted(names - set(known))
    missing = [t for t in known if t not in names]
    if unknown or missing:
        return f"backup does not match the schema: unknown tables {unknown}, missing {missing}"
    return None


def check_tables(tables: Mapping[str, Sequence[Mapping[str, Any]]], *, where: str = "") -> None:
    """Check a backup's rows with the rules every other write of the app keeps.

    The checks: every table of the schema is there and no other; no row has unknown columns;
    every value has its column's type (text, whole number, finite number, true/false, ISO
    date or date-time) and is present where the column may not be empty; coded columns hold
    known codes (sectors, size classes and status of :mod:`geo.core.register`, officer roles
    of :mod:`geo.core.access`, presisi lokasi, Sahabat UMKM tingkat, support areas of a
    visit, import-log actions, plan and stop status, stop kinds); ``kode_kelurahan`` is
    ``35.73.NN.NNNN``; ``lat`` and ``lon``
    are degrees of EPSG:4326 within -90..90 and -180..180; no primary key repeats; every
    reference (foreign key) names a row of the backup.

    Parameters
    ----------
    tables
        Table name -> rows (JSON values, as :func:`read_backup` reads them); the line of a
        row is its position plus one.
    where
        The file, prefixed to every message.

    Raises
    ------
    BackupError
        The first problem found, as ``<file>: tables/<table>.jsonl, line <n>, column <c>:
        <problem>``; a refused value is shown only when it is a code or an id.
    """
    prefix = f"{where}: " if where else ""
    mismatch = _schema_mismatch(tables)
    if mismatch:
        raise BackupError(f"{prefix}{mismatch}")
    keys: dict[tuple[str, str], set[Any]] = {}
    for table in METADATA.sorted_tables:
        entry = f"tables/{table.name}.jsonl"
        rows = tables[table.name]
        for line, row in enumerate(rows, start=1):
            found = _row_problem(table, row)
            if found:
                column, problem = found
                at = f", column {column}" if column else ""
                raise BackupError(f"{prefix}{entry}, line {line}{at}: {problem}")
        clash = _key_problems(table, rows, keys)
        if clash:
            line, column, problem = clash
            at = f", column {column}" if column else ""
            raise BackupError(f"{prefix}{entry}, line {line}{at}: {problem}")
        for column in table.columns:
            if column.primary_key or column.unique:
                keys[(table.name, column.name)] = {r.get(column.name) for r in rows}


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
            columns (derived from lon/lat), ``kelurahan_batas`` (reloaded on demand), the
            browser sessions (``sesi_web``) and the cookie-signing secret in ``meta``.
        """
        out: dict[str, list[dict[str, Any]]] = {}
        with self._engine.connect() as conn:
            for table in METADATA.sorted_tables:
                key = [c.name for c in table.primary_key.columns]
                rows = [_json_row(table, dict(r)) for r in conn.execute(select(table)).mappings()]
                if table.name == "meta":  # the cookie-signing secret never leaves the store
                    rows = [r for r in rows if r["key"] != SESSION_SECRET_KEY]
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
                try:
                    insert_records(conn, table, rows)
                except SQLAlchemyError as exc:
                    raise StoreError(table.name, _refusal(exc)) from exc
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
                # The geometry table follows the restored active layer (reloaded on demand).
                conn.execute(text(f"DELETE FROM {KELURAHAN_TABLE}"))
        self._kelurahan = None  # SQLite's in-memory layer: reload from the restored store
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
            try:
                rows.append(_python_row(table, row))
            except (TypeError, ValueError) as exc:
                raise StoreError(
                    table.name, f"row {position}: a date or time is not ISO 8601", row_id=None
                ) from exc
        decoded[table.name] = rows
    return decoded


def _refusal(exc: SQLAlchemyError) -> str:
    """Say why the database refused rows without the statement or its parameters (row data).

    SQLAlchemy's message carries the SQL and the values of the rows sent; only the first line
    of the driver's own message is kept (for PostgreSQL without its ``DETAIL`` line).
    """
    driver = getattr(exc, "orig", None) or exc
    first = (str(driver).strip().splitlines() or [type(driver).__name__])[0]
    return f"the database refused the rows: {first[:200]}"


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
    """Return a stored row with dates and times as ISO strings, bytes as base64 (JSON-ready)."""
    out = {}
    for name in (c.name for c in table.columns):
        value = row.get(name)
        if isinstance(value, dt.date):  # datetime too
            value = value.isoformat()
        elif isinstance(value, bytes | bytearray | memoryview):
            value = base64.b64encode(bytes(value)).decode("ascii")
        out[name] = value
    return out


def _python_row(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """Decode :func:`_json_row`: ISO strings to ``date``/``datetime``, base64 to bytes."""
    out = dict(row)
    for column in table.columns:
        value = out.get(column.name)
        if value is None:
            continue
        if isinstance(column.type, LargeBinary):
            out[column.name] = base64.b64decode(value, validate=True)
        elif isinstance(column.type, DateTime):
            out[column.name] = dt.datetime.fromisoformat(value)
        elif isinstance(column.type, Date):
            out[column.name] = dt.date.fromisoformat(value)
    return out
