"""The register's database: the only module in the project that speaks SQL.

:class:`Store` keeps the UMKM register, the sentra list, the Sahabat UMKM roster, visits, size
history, import batches and a small key/value ``meta`` table in any database SQLAlchemy 2 can
reach. The default is the embedded SQLite file from :func:`geo.core.settings.database_url`;
PostgreSQL/PostGIS runs through the same code when ``DATABASE_URL`` points there
(``postgresql+psycopg://...``). Everything is SQLAlchemy Core (``Table``/``MetaData``, no ORM)
and portable SQL; the only SQLite-specific statements live in the connect and begin hooks
(:func:`_sqlite_on_connect`, :func:`_sqlite_on_begin`), the only PostgreSQL-specific ones in
migration 4 (:func:`_migrate_4_postgis`: point ``geom`` columns in SRID 4326 kept from lon/lat
by a trigger, GiST indexes, the ``kelurahan_batas`` boundary table), the spatial queries
(:meth:`Store.counts_per_kelurahan`, :meth:`Store.umkm_in_kelurahan`, pushed down to PostGIS
there and computed with geopandas on SQLite) and the migration lock.

Reads return the register model of :mod:`geo.core.register`: :meth:`Store.read_umkm` gives a
GeoDataFrame in EPSG:4326 with the columns and dtypes of
:data:`~geo.core.register.UMKM_COLUMNS`, the other reads give DataFrames with the dtypes of their
``*_COLUMNS`` mapping. Rows come back sorted by their key (sorted in pandas, so the order does
not depend on the database's collation) with a fresh ``RangeIndex``.

Writes are batches. Every public write runs in ONE transaction: either all of it is stored or
nothing is, and a failure is raised as :class:`StoreError` (a ``ValueError``) that names the
table and, for a row problem (duplicate id, unknown sentra, missing required value), the id of
the offending row. Row problems are found before anything is written, inside the write
transaction, so the message can name the row; whatever the database itself still rejects
rolls the whole batch back and is reported with the table name.

SQLite specifics
----------------
Every SQLite connection runs ``PRAGMA journal_mode=WAL`` (readers do not block the writer,
which suits Streamlit's many sessions) and ``PRAGMA foreign_keys=ON`` (SQLite ignores foreign
keys otherwise). The ``sqlite3`` driver's legacy transaction handling is switched off and the
store emits ``BEGIN`` itself, as the SQLAlchemy documentation recommends: without this, DDL
(the migrations) would be autocommitted statement by statement. Write transactions use
``BEGIN IMMEDIATE`` so that two writers queue on the lock (``timeout`` 30 s) instead of one of
them failing when it upgrades a read lock.

Migrations
----------
The schema version lives in the table ``schema_version`` (one row per applied step).
:data:`MIGRATIONS` is an ordered list of steps, each a function taking a SQLAlchemy
``Connection``; step *n* (1-based) brings the schema from version *n - 1* to *n*, and version 1
is the initial schema. On construction the store applies every pending step, and records it,
in one transaction: a step that fails leaves the database at its previous version. A database
whose version is newer than this code's is refused rather than guessed at.

Why a small runner in this module instead of Alembic: the schema is seven small tables owned
by this one module, and a list of functions is all the machinery it needs. Alembic would add a
dependency, a configuration file, a migrations directory and a command that every deployment
(including a laptop running the embedded SQLite file) would have to run. If the schema grows
or several services come to share the database, switching is straightforward: stamp the
Alembic baseline at the version recorded here and continue with Alembic revisions.

A step must not use the module-level tables (they describe the *latest* schema); it builds
what it needs itself, as :func:`_migrate_1_initial` does with :func:`_define_schema_v1`. A step
that changes a table also changes the current definition used for reads and writes.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import (
    ARRAY,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    any_,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from geo.core import register, settings

__all__ = [
    "AUDIT_COLUMNS",
    "COUNTABLE_COLUMNS",
    "IMPORT_BATCH_COLUMNS",
    "MIGRATIONS",
    "USER_COLUMNS",
    "Migration",
    "Store",
    "StoreError",
]

#: A migration step: receives a connection inside the migration transaction.
Migration = Callable[[Connection], None]

#: UMKM columns :meth:`Store.counts_by` may group on.
COUNTABLE_COLUMNS: tuple[str, ...] = ("kode_kelurahan", "sektor", "skala", "status")

#: Columns of :meth:`Store.read_import_batches`, with their pandas dtypes.
IMPORT_BATCH_COLUMNS: dict[str, str] = {
    "id": "int64",
    "nama_file": "string",
    "sha256": "string",
    "dibuat": "datetime64[s]",
    "jumlah_baris": "int64",
    "jumlah_umkm": "int64",
}

#: Columns of :meth:`Store.read_users` (never the password hash), with their pandas dtypes.
USER_COLUMNS: dict[str, str] = {
    "username": "string",
    "peran": "string",
    "aktif": "bool",
    "dibuat": "datetime64[s]",
    "gagal_login": "int64",
    "terkunci_sampai": "datetime64[s]",
}

#: Columns of :meth:`Store.read_audit`, with their pandas dtypes (``waktu`` in UTC).
AUDIT_COLUMNS: dict[str, str] = {
    "id": "int64",
    "waktu": "datetime64[s]",
    "pengguna": "string",
    "aksi": "string",
    "objek": "string",
    "rincian": "string",
}

#: Columns of ``pengguna`` that :meth:`Store.update_user` may change.
_USER_UPDATABLE = frozenset({"password_hash", "peran", "aktif", "gagal_login", "terkunci_sampai"})

# Rows per executemany call, and ids per ``IN (...)`` list (well under SQLite's and
# PostgreSQL's bound-parameter limits).
_CHUNK_ROWS = 5_000
_CHUNK_IN = 500
_SQLITE_TIMEOUT_S = 30.0
# Execution option read by the SQLite begin hook: write transactions take the lock at BEGIN.
_WRITE_OPTION = "peta_umkm_write"

_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class StoreError(ValueError):
    """A write or read the store refused; nothing was changed.

    Parameters
    ----------
    table
        The table concerned (``"umkm"``, ``"sentra"``, ...).
    message
        What went wrong, in plain words.
    row_id
        The id of the offending row when the problem is one row (for ``riwayat_skala``:
        ``"<umkm_id> <tanggal>"``), else None.

    Attributes
    ----------
    table : str
    row_id : str or None
    """

    def __init__(self, table: str, message: str, *, row_id: str | None = None) -> None:
        self.table = table
        self.row_id = row_id
        where = f"table {table!r}" + (f", row id {row_id!r}" if row_id is not None else "")
        super().__init__(f"{where}: {message}")


# --- Schema ------------------------------------------------------------------------------------


def _define_schema_v1(metadata: MetaData) -> None:
    """Define the version-1 tables on ``metadata``. Frozen: later changes are new steps."""
    Table(
        "import_batch",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("nama_file", Text, nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("dibuat", DateTime, nullable=False),  # UTC, naive
        Column("jumlah_baris", Integer, nullable=False),
    )
    Table(
        "sentra",
        metadata,
        Column("id", String, primary_key=True),
        Column("nama", Text),
        Column("komoditas", Text),
        Column("sektor", String),
        Column("kode_kelurahan", String),
        Column("alamat", Text),
        Column("lat", Float),
        Column("lon", Float),
        Column("presisi_lokasi", String),
        Column("deskripsi", Text),
        Column("publik", Boolean, nullable=False),
    )
    Table(
        "umkm",
        metadata,
        Column("id", String, primary_key=True),
        Column("nama_usaha", Text),
        Column("pemilik", Text),
        Column("telepon", String),
        Column("alamat", Text),
        Column("kode_kelurahan", String, index=True),
        Column("lat", Float),
        Column("lon", Float),
        Column("sektor", String, index=True),
        Column("skala", String, index=True),
        Column("sentra_id", String, ForeignKey("sentra.id"), index=True),
        Column("tanggal_terkurasi", Date),
        Column("status", String),
        Column("modal", Float),
        Column("omzet", Float),
        Column("sumber", Text),
        Column("batch_id", Integer, ForeignKey("import_batch.id"), index=True),
    )
    Table(
        "sahabat",
        metadata,
        Column("id", String, primary_key=True),
        Column("nama", Text),
        Column("tingkat", String),
        Column("kode_kelurahan", String),
        Column("aktif", Boolean, nullable=False),
    )
    Table(
        "kunjungan",
        metadata,
        Column("id", String, primary_key=True),
        Column("tanggal", Date, nullable=False, index=True),
        Column("petugas", Text),
        Column("kode_kelurahan", String),
        Column("sentra_id", String),
        Column("umkm_id", String),
        Column("kebutuhan", Text),
        Column("catatan", Text),
        Column("tindak_lanjut", Date, nullable=True),
    )
    Table(
        "riwayat_skala",
        metadata,
        Column(
            "umkm_id", String, ForeignKey("umkm.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        Column("tanggal", Date, nullable=False),
        Column("skala", String, nullable=False),
        # One recorded class per business per day.
        PrimaryKeyConstraint("umkm_id", "tanggal"),
    )
    Table(
        "meta",
        metadata,
        Column("key", String, primary_key=True),
        Column("value", Text, nullable=False),
    )


def _migrate_1_initial(conn: Connection) -> None:
    """Version 1: create the initial schema."""
    metadata = MetaData(naming_convention=_NAMING)
    _define_schema_v1(metadata)
    metadata.create_all(conn)


def _define_schema_v2_auth(metadata: MetaData) -> None:
    """Define the version-2 tables (users and audit log) on ``metadata``. Frozen."""
    Table(
        "pengguna",
        metadata,
        Column("username", String, primary_key=True),
        Column("password_hash", Text, nullable=True),  # None: single sign-on only
        Column("peran", String, nullable=False),
        Column("aktif", Boolean, nullable=False),
        Column("dibuat", DateTime, nullable=False),  # UTC, naive
        Column("gagal_login", Integer, nullable=False),
        Column("terkunci_sampai", DateTime, nullable=True),  # UTC, naive
    )
    Table(
        "audit_log",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("waktu", DateTime, nullable=False, index=True),  # UTC, naive
        Column("pengguna", String, nullable=False),
        Column("aksi", String, nullable=False),
        Column("objek", Text, nullable=False),
        Column("rincian", Text, nullable=False),
    )


def _migrate_2_auth(conn: Connection) -> None:
    """Version 2: users (``pengguna``) and the audit log (``audit_log``)."""
    metadata = MetaData(naming_convention=_NAMING)
    _define_schema_v2_auth(metadata)
    metadata.create_all(conn)


def _define_schema_v3_import_log(metadata: MetaData) -> None:
    """Define the version-3 table ``import_perubahan`` on ``metadata``. Frozen.

    One row per UMKM an import batch added (``aksi = "tambah"``) or updated (``"ubah"``, with
    the complete previous row as JSON in ``sebelum``), so that undoing the batch restores the
    exact previous state. ``metadata`` must hold ``import_batch``.
    """
    Table(
        "import_perubahan",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "batch_id",
            Integer,
            ForeignKey("import_batch.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("umkm_id", String, nullable=False, index=True),
        Column("aksi", String, nullable=False),
        Column("sebelum", Text, nullable=True),
    )


def _migrate_3_import_log(conn: Connection) -> None:
    """Version 3: ``umkm.presisi_lokasi`` and the import change log (``import_perubahan``)."""
    conn.execute(text("ALTER TABLE umkm ADD COLUMN presisi_lokasi VARCHAR"))
    metadata = MetaData(naming_convention=_NAMING)
    Table("import_batch", metadata, Column("id", Integer, primary_key=True))  # FK target only
    _define_schema_v3_import_log(metadata)
    metadata.create_all(conn, tables=[metadata.tables["import_perubahan"]])


#: The PostGIS boundary table of :meth:`Store.load_kelurahan` (PostgreSQL only).
_KELURAHAN_TABLE = "kelurahan_batas"

# PostGIS DDL of migration 4: a point ``geom`` (SRID 4326) kept equal to lon/lat by a trigger
# on every INSERT and UPDATE (so every write path, bulk or not, fills it), GiST indexes, and the
# kelurahan boundary table. Plain SQL: nothing outside this module depends on GeoAlchemy.
_POSTGIS_DDL = (
    """
    CREATE OR REPLACE FUNCTION peta_umkm_set_geom() RETURNS trigger AS $$
    BEGIN
        IF NEW.lon IS NULL OR NEW.lat IS NULL THEN
            NEW.geom := NULL;
        ELSE
            NEW.geom := ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4326);
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "ALTER TABLE umkm ADD COLUMN geom geometry(Point, 4326)",
    "ALTER TABLE sentra ADD COLUMN geom geometry(Point, 4326)",
    "UPDATE umkm SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)",
    "UPDATE sentra SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)",
    "CREATE TRIGGER umkm_geom BEFORE INSERT OR UPDATE ON umkm "
    "FOR EACH ROW EXECUTE FUNCTION peta_umkm_set_geom()",
    "CREATE TRIGGER sentra_geom BEFORE INSERT OR UPDATE ON sentra "
    "FOR EACH ROW EXECUTE FUNCTION peta_umkm_set_geom()",
    "CREATE INDEX ix_umkm_geom ON umkm USING gist (geom)",
    "CREATE INDEX ix_sentra_geom ON sentra USING gist (geom)",
    f"""
    CREATE TABLE {_KELURAHAN_TABLE} (
        kode VARCHAR PRIMARY KEY,
        nama TEXT,
        geom geometry(MultiPolygon, 4326) NOT NULL
    )
    """,
    f"CREATE INDEX ix_{_KELURAHAN_TABLE}_geom ON {_KELURAHAN_TABLE} USING gist (geom)",
)


def _migrate_4_postgis(conn: Connection) -> None:
    """Version 4: PostGIS geometry columns, GiST indexes and boundaries (PostgreSQL only).

    On PostgreSQL ``umkm`` and ``sentra`` get ``geom geometry(Point, 4326)``, filled from
    ``lon``/``lat`` (degrees) by a trigger on every write, with a GiST index, and the table
    ``kelurahan_batas`` (``kode``, ``nama``, ``geom geometry(MultiPolygon, 4326)``, GiST) is
    created empty (filled by :meth:`Store.load_kelurahan`). The ``postgis`` extension is
    created when missing, which needs the right to do so. On every other database (SQLite)
    the step changes nothing: ``lat``/``lon`` stay the stored location.
    """
    if conn.dialect.name != "postgresql":
        return
    installed = conn.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'"))
    if installed is None:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    for statement in _POSTGIS_DDL:
        conn.execute(text(statement))


#: Ordered migration steps; step ``n`` (1-based) brings the schema to version ``n``.
MIGRATIONS: list[Migration] = [
    _migrate_1_initial,
    _migrate_2_auth,
    _migrate_3_import_log,
    _migrate_4_postgis,
]

# The current schema, used by reads and writes. While the latest step is 1 this is the
# version-1 definition; a later step that changes a table changes this definition too.
_METADATA = MetaData(naming_convention=_NAMING)
_define_schema_v1(_METADATA)
_UMKM = _METADATA.tables["umkm"]
_SENTRA = _METADATA.tables["sentra"]
_SAHABAT = _METADATA.tables["sahabat"]
_KUNJUNGAN = _METADATA.tables["kunjungan"]
_RIWAYAT = _METADATA.tables["riwayat_skala"]
_BATCH = _METADATA.tables["import_batch"]
_META = _METADATA.tables["meta"]
_define_schema_v2_auth(_METADATA)
_PENGGUNA = _METADATA.tables["pengguna"]
_AUDIT = _METADATA.tables["audit_log"]
_UMKM.append_column(Column("presisi_lokasi", String))  # version 3
_define_schema_v3_import_log(_METADATA)
_PERUBAHAN = _METADATA.tables["import_perubahan"]

# Bookkeeping for the runner itself; never changed by a migration.
_VERSION_METADATA = MetaData(naming_convention=_NAMING)
_SCHEMA_VERSION = Table(
    "schema_version",
    _VERSION_METADATA,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied", DateTime, nullable=False),  # UTC, naive
)


@dataclass(frozen=True)
class _Spec:
    """How one model table maps onto one database table."""

    table: Table
    dtypes: Mapping[str, str]
    key: tuple[str, ...]
    required: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.table.name


_SPEC_UMKM = _Spec(_UMKM, register.UMKM_COLUMNS, ("id",), ("id",))
# The register plus ``presisi_lokasi`` (version 3): what imports write and may read back.
_SPEC_UMKM_PRESISI = _Spec(
    _UMKM, {**register.UMKM_COLUMNS, "presisi_lokasi": "string"}, ("id",), ("id",)
)
_SPEC_SENTRA = _Spec(_SENTRA, register.SENTRA_COLUMNS, ("id",), ("id", "publik"))
_SPEC_SAHABAT = _Spec(_SAHABAT, register.SAHABAT_COLUMNS, ("id",), ("id", "aktif"))
_SPEC_VISITS = _Spec(_KUNJUNGAN, register.VISIT_COLUMNS, ("id",), ("id", "tanggal"))
_SPEC_HISTORY = _Spec(
    _RIWAYAT, register.SIZE_HISTORY_COLUMNS, ("umkm_id", "tanggal"), ("umkm_id", "tanggal", "skala")
)


# --- Engine and SQLite hooks -------------------------------------------------------------------


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Turn on WAL and foreign keys; hand transaction control to :func:`_sqlite_on_begin`."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    """Emit BEGIN ourselves; writes take the write lock at once (BEGIN IMMEDIATE)."""
    write = conn.get_execution_options().get(_WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
    connect_args: dict[str, Any] = {"timeout": _SQLITE_TIMEOUT_S}
    if in_memory:
        # One shared connection, or every pooled connection would see its own empty database.
        connect_args["check_same_thread"] = False
        engine = create_engine(parsed, connect_args=connect_args, poolclass=StaticPool)
    else:
        if not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args=connect_args)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


# --- Frames <-> rows ---------------------------------------------------------------------------


def _row_label(
    spec: _Spec, frame: pd.DataFrame | Mapping[str, pd.Series], position: int
) -> str | None:
    """Return the id that names row ``position`` of ``frame`` in messages, or None."""
    parts = []
    for col in spec.key:
        value = frame[col].iloc[position] if col in frame else None
        if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
            return None
        if isinstance(value, pd.Timestamp | dt.datetime | dt.date | np.datetime64):
            value = pd.Timestamp(value).date().isoformat()
        parts.append(str(value))
    return " ".join(parts)


def _first_bad(original: pd.Series, dtype: str) -> int | None:
    """Return the position of the first value that cannot become ``dtype``, if found."""
    if dtype == "float64":
        coerced = pd.to_numeric(original, errors="coerce")
    elif dtype.startswith("datetime64"):
        coerced = pd.to_datetime(original, errors="coerce")
    else:
        return None
    bad = np.flatnonzero(coerced.isna().to_numpy() & original.notna().to_numpy())
    return int(bad[0]) if len(bad) else None


def _conform(df: pd.DataFrame, spec: _Spec) -> dict[str, pd.Series]:
    """Return the model columns of ``df`` with the model dtypes, or raise :class:`StoreError`.

    Extra columns (``geometry`` included: ``lon``/``lat`` are the stored location) are dropped.
    """
    if not isinstance(df, pd.DataFrame):
        raise StoreError(spec.name, f"expected a DataFrame, got {type(df).__name__}")
    missing = [c for c in spec.dtypes if c not in df.columns]
    if missing:
        raise StoreError(spec.name, f"missing columns: {', '.join(missing)}")
    rows = df.reset_index(drop=True)
    columns: dict[str, pd.Series] = {}
    for col, dtype in spec.dtypes.items():
        original = rows[col]
        if col in spec.required:
            nulls = np.flatnonzero(original.isna().to_numpy())
            if len(nulls):
                row = _row_label(spec, rows, int(nulls[0]))
                where = "" if row is not None else f" (row {int(nulls[0])} of the batch)"
                raise StoreError(spec.name, f"column {col!r} is required{where}", row_id=row)
        try:
            same = original.dtype == pd.api.types.pandas_dtype(dtype)
            converted = original if same else original.astype(dtype)
        except (TypeError, ValueError) as exc:
            bad = _first_bad(original, dtype)
            row = None if bad is None else _row_label(spec, rows, bad)
            raise StoreError(
                spec.name, f"column {col!r} cannot be read as {dtype}: {exc}", row_id=row
            ) from exc
        if dtype.startswith("datetime64"):
            converted = converted.dt.normalize()  # the columns hold calendar dates
        elif dtype == "string":
            # PostgreSQL text cannot hold NUL; refuse it on every backend alike.
            has_nul = converted.str.contains("\x00", regex=False)
            nul = np.flatnonzero(has_nul.to_numpy(dtype=bool, na_value=False))
            if len(nul):
                row = _row_label(spec, rows, int(nul[0]))
                raise StoreError(spec.name, f"column {col!r} contains a NUL character", row_id=row)
        columns[col] = converted
    if len(spec.key) == 1:
        duplicated = columns[spec.key[0]].duplicated()
    else:
        duplicated = pd.DataFrame({k: columns[k] for k in spec.key}).duplicated()
    positions = np.flatnonzero(duplicated.to_numpy())
    if len(positions):
        row = _row_label(spec, columns, int(positions[0]))
        raise StoreError(spec.name, "the same key occurs twice in the batch", row_id=row)
    return columns


def _db_values(series: pd.Series, dtype: str) -> list[Any]:
    """Python values for the driver: None for missing, ``datetime.date`` for dates."""
    if dtype == "float64":
        arr = series.to_numpy(dtype="float64")
        values = arr.tolist()
        missing = np.isnan(arr)
        if missing.any():
            values = [None if m else v for v, m in zip(values, missing.tolist(), strict=True)]
        return values
    if dtype == "bool":
        return series.to_numpy(dtype=bool).tolist()
    if dtype.startswith("datetime64"):
        # Calendar dates: a time of day is dropped. NaT becomes None.
        days = series.to_numpy(dtype="datetime64[s]").astype("datetime64[D]")
        return days.astype(object).tolist()
    return series.to_numpy(dtype=object, na_value=None).tolist()


def _records(columns: Mapping[str, pd.Series], spec: _Spec, **extra: Any) -> list[dict[str, Any]]:
    """Turn conformed columns into one parameter dict per row (plus constant ``extra``)."""
    keys = list(spec.dtypes)
    values = [_db_values(columns[c], spec.dtypes[c]) for c in keys]
    n = len(values[0])
    if extra:
        keys += list(extra)
        values += [[v] * n for v in extra.values()]
    return [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]


def _frame(rows: Sequence[Sequence[Any]], dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Build a DataFrame with ``dtypes`` from result rows (columns in ``dtypes`` order)."""
    n = len(rows)
    columns = list(zip(*rows, strict=True)) if n else [() for _ in dtypes]
    data: dict[str, Any] = {}
    for (col, dtype), values in zip(dtypes.items(), columns, strict=True):
        if dtype.startswith("datetime64"):
            arr = np.array(values, dtype="datetime64[us]")
            data[col] = pd.Series(arr.astype(dtype))
        elif dtype in ("float64", "bool", "int64"):
            data[col] = pd.Series(np.array(values, dtype=dtype))
        else:
            data[col] = pd.Series(list(values), dtype=dtype)
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- The store ---------------------------------------------------------------------------------


class Store:
    """The register's database (SQLite by default, any SQLAlchemy URL).

    Creating a store connects, creates the schema if missing and applies pending
    :data:`MIGRATIONS`.

    Parameters
    ----------
    url
        SQLAlchemy URL. Default: :func:`geo.core.settings.database_url` (``DATABASE_URL`` or the
        SQLite file ``data/umkm.sqlite``, whose folder is created if needed).

    Raises
    ------
    StoreError
        The database's schema version is newer than this code, or a migration failed (the
        database then stays at its previous version).
    """

    def __init__(self, url: str | None = None) -> None:
        self._engine = _make_engine(url if url is not None else settings.database_url())
        self._kelurahan: gpd.GeoDataFrame | None = None
        self._local = threading.local()  # the connection of a unit of work, per thread
        try:
            self._migrate()
        except BaseException:
            self._engine.dispose()
            raise

    # -- lifecycle --------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close all pooled connections (the store can still be used; it reconnects)."""
        self._engine.dispose()

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """The database kind: ``"sqlite"``, ``"postgresql"``, ..."""
        return self._engine.dialect.name

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        with self._engine.connect() as conn:
            return int(conn.scalar(select(func.max(_SCHEMA_VERSION.c.version))) or 0)

    # -- transactions -----------------------------------------------------------------------

    @contextmanager
    def _write(self, table: str) -> Iterator[Connection]:
        """One write transaction; database errors become :class:`StoreError` for ``table``.

        Inside :meth:`unit_of_work` (same thread) the write joins that transaction instead.
        """
        joined = getattr(self._local, "conn", None)
        if joined is not None:
            try:
                yield joined
            except SQLAlchemyError as exc:
                raise StoreError(table, f"the database refused the write: {exc}") from exc
            return
        try:
            with self._engine.connect() as conn:
                conn.execution_options(**{_WRITE_OPTION: True})
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            raise StoreError(table, f"the database refused the write: {exc}") from exc

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        """Make every store write inside the block one transaction: all of them or none.

        Services wrap a use case in it: the data change, its audit entry and
        :meth:`bump_data_version` commit together, or, on any exception, none of them does.
        Re-entrant (a nested block joins the outer one) and per thread (Streamlit sessions
        sharing one store each get their own).

        Raises
        ------
        StoreError
            The database refused a write (the whole block is rolled back).
        """
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        with self._write("unit_of_work") as conn:
            self._local.conn = conn
            try:
                yield
            finally:
                self._local.conn = None

    def bump_data_version(self, what: str) -> str:
        """Record that stored data changed, so every app process refreshes its caches.

        Pages key their caches on ``meta.data_version``; services call this inside the
        :meth:`unit_of_work` of every write.

        Parameters
        ----------
        what
            A short note of the change (``"impor 12"``, ``"kunjungan KJ-01401"``).

        Returns
        -------
        str
            The new version: the note, the UTC time and a random suffix (unique per change).
        """
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        version = f"{what} {now} {uuid.uuid4().hex[:8]}"
        self.set_meta("data_version", version)
        return version

    def _migrate(self) -> None:
        with self._write("schema_version") as conn:
            if conn.dialect.name == "postgresql":
                # Replicas starting at once: one migrates, the others wait and find it done.
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(current_schema()))"))
            _VERSION_METADATA.create_all(conn)
            current = int(conn.scalar(select(func.max(_SCHEMA_VERSION.c.version))) or 0)
            steps = list(MIGRATIONS)
            if current > len(steps):
                raise StoreError(
                    "schema_version",
                    f"the database is at schema version {current}, newer than this code "
                    f"({len(steps)}); upgrade the application",
                )
            for version in range(current + 1, len(steps) + 1):
                try:
                    steps[version - 1](conn)
                except SQLAlchemyError as exc:
                    raise StoreError(
                        "schema_version", f"migration to version {version} failed: {exc}"
                    ) from exc
                conn.execute(insert(_SCHEMA_VERSION).values(version=version, applied=_utcnow()))

    # -- checks inside a write transaction ----------------------------------------------------

    @staticmethod
    def _existing(conn: Connection, column: Column[Any], values: Sequence[Any]) -> set[Any]:
        """Return the subset of ``values`` present in ``column`` (queried in chunks)."""
        found: set[Any] = set()
        unique = list(dict.fromkeys(v for v in values if v is not None))
        if conn.dialect.name == "postgresql":
            # One array parameter (= ANY) instead of hundreds of bound values per query.
            for chunk in _chunks(unique, _CHUNK_ROWS * 10):
                param = bindparam("values", list(chunk), type_=ARRAY(column.type))
                found.update(conn.scalars(select(column).where(column == any_(param))).all())
            return found
        for chunk in _chunks(unique, _CHUNK_IN):
            found.update(conn.scalars(select(column).where(column.in_(chunk))).all())
        return found

    @staticmethod
    def _check_new_ids(conn: Connection, spec: _Spec, records: list[dict[str, Any]]) -> None:
        ids = [r["id"] for r in records]
        taken = Store._existing(conn, spec.table.c.id, ids)
        if taken:
            first = next(i for i in ids if i in taken)
            raise StoreError(spec.name, "id already in the store", row_id=first)

    @staticmethod
    def _check_sentra_refs(records: list[dict[str, Any]], sentra_ids: set[Any]) -> None:
        for r in records:
            if r["sentra_id"] is not None and r["sentra_id"] not in sentra_ids:
                raise StoreError("umkm", f"unknown sentra_id {r['sentra_id']!r}", row_id=r["id"])

    @staticmethod
    def _check_history_refs(records: list[dict[str, Any]], umkm_ids: set[Any]) -> None:
        for r in records:
            if r["umkm_id"] not in umkm_ids:
                raise StoreError(
                    "riwayat_skala",
                    f"unknown umkm_id {r['umkm_id']!r}",
                    row_id=f"{r['umkm_id']} {r['tanggal'].isoformat()}",
                )

    @staticmethod
    def _insert(conn: Connection, table: Table, records: list[dict[str, Any]]) -> None:
        """Insert ``records`` (all with the same keys) in chunks of executemany.

        Where SQLAlchemy has no batching of its own for the driver (``sqlite3``, psycopg 3),
        its per-row parameter handling costs more than the database does, so the compiled
        INSERT goes straight to the driver's executemany with each column's bind processor
        applied column-wise: the same SQL and values, about three times faster.
        """
        if not records:
            return
        dialect = conn.dialect
        if dialect.name == "postgresql" and dialect.driver == "psycopg":
            Store._copy(conn, table, records)
            return
        if dialect.use_insertmanyvalues_wo_returning:  # e.g. psycopg2: let SQLAlchemy batch
            for chunk in _chunks(records, _CHUNK_ROWS):
                conn.execute(insert(table), list(chunk))
            return
        keys = list(records[0])
        compiled = insert(table).compile(dialect=dialect, column_keys=keys)
        processors = {
            key: proc
            for key in keys
            if (proc := table.c[key].type.dialect_impl(dialect).bind_processor(dialect))
        }
        names = list(compiled.positiontup or []) if compiled.positional else keys
        for chunk in _chunks(records, _CHUNK_ROWS):
            columns = []
            for name in names:
                values = [r[name] for r in chunk]
                if name in processors:
                    values = [processors[name](v) for v in values]
                columns.append(values)
            rows = zip(*columns, strict=True)
            if compiled.positional:
                params: list[Any] = list(rows)
            else:
                params = [dict(zip(names, row, strict=True)) for row in rows]
            conn.exec_driver_sql(compiled.string, params)

    @staticmethod
    def _copy(conn: Connection, table: Table, records: list[dict[str, Any]]) -> None:
        """Insert ``records`` with PostgreSQL's ``COPY ... FROM STDIN`` (psycopg 3).

        Same transaction as ``conn``; row triggers fire as for INSERT (the ``geom`` trigger
        of migration 4), constraints are checked as usual. Many times faster than
        ``executemany`` for large batches.
        """
        keys = list(records[0])
        processors = {
            key: proc
            for key in keys
            if (proc := table.c[key].type.dialect_impl(conn.dialect).bind_processor(conn.dialect))
        }
        import psycopg  # the driver of this connection

        columns = ", ".join(f'"{k}"' for k in keys)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                for record in records:
                    copy.write_row(
                        [processors[k](record[k]) if k in processors else record[k] for k in keys]
                    )
        except psycopg.Error as exc:
            raise StoreError(table.name, f"the database refused the write: {exc}") from exc
        finally:
            cursor.close()

    @staticmethod
    def _upsert(conn: Connection, table: Table, records: list[dict[str, Any]]) -> None:
        """Insert rows whose id is new, update the others (portable: no ON CONFLICT)."""
        existing = Store._existing(conn, table.c.id, [r["id"] for r in records])
        Store._insert(conn, table, [r for r in records if r["id"] not in existing])
        changes = [
            {"b_id": r["id"], **{k: v for k, v in r.items() if k != "id"}}
            for r in records
            if r["id"] in existing
        ]
        if changes:
            stmt = update(table).where(table.c.id == bindparam("b_id"))
            for chunk in _chunks(changes, _CHUNK_ROWS):
                conn.execute(stmt, list(chunk))

    # -- reads --------------------------------------------------------------------------------

    def _read(self, spec: _Spec, *where: Any) -> pd.DataFrame:
        stmt = select(*(spec.table.c[c] for c in spec.dtypes)).where(*where)
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        frame = _frame(rows, spec.dtypes)
        return frame.sort_values(list(spec.key), kind="stable", ignore_index=True)

    def read_umkm(
        self, *, kode_kelurahan: Sequence[str] | None = None, presisi_lokasi: bool = False
    ) -> gpd.GeoDataFrame:
        """Read the UMKM register.

        Parameters
        ----------
        kode_kelurahan
            Only UMKM in these kelurahan (codes such as ``"35.73.02.1001"``; a single code is
            accepted as a one-item list); None for all.
        presisi_lokasi
            Also return the column ``presisi_lokasi`` (``alamat``, ``jalan``, ``kelurahan``:
            how precise the point is; missing for rows not written by an import), after the
            register columns.

        Returns
        -------
        geopandas.GeoDataFrame
            Columns and dtypes of :data:`geo.core.register.UMKM_COLUMNS` (plus ``presisi_lokasi``
            when asked), point geometry from ``lon``/``lat`` in EPSG:4326, sorted by ``id``;
            :func:`geo.core.register.empty_register` when nothing matches.
        """
        where = []
        if kode_kelurahan is not None:
            if isinstance(kode_kelurahan, str):
                kode_kelurahan = [kode_kelurahan]
            codes = list(dict.fromkeys(str(k) for k in kode_kelurahan))
            if not codes:
                empty = register.empty_register()
                return (
                    empty.assign(presisi_lokasi=pd.Series(dtype="string"))
                    if presisi_lokasi
                    else empty
                )
            where.append(_UMKM.c.kode_kelurahan.in_(codes))
        spec = _SPEC_UMKM_PRESISI if presisi_lokasi else _SPEC_UMKM
        frame = self._read(spec, *where)
        if frame.empty and not presisi_lokasi:
            return register.empty_register()
        return register.to_geodataframe(frame)

    def read_sentra(self) -> pd.DataFrame:
        """Read the sentra list.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`geo.core.register.SENTRA_COLUMNS` (``lat``/``lon`` in
            degrees, EPSG:4326), sorted by ``id``.
        """
        return self._read(_SPEC_SENTRA)

    def read_sahabat(self) -> pd.DataFrame:
        """Read the Sahabat UMKM roster.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`geo.core.register.SAHABAT_COLUMNS`, sorted by ``id``.
        """
        return self._read(_SPEC_SAHABAT)

    def read_visits(self) -> pd.DataFrame:
        """Read all visits.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`geo.core.register.VISIT_COLUMNS` (dates at midnight,
            ``tindak_lanjut`` NaT when none), sorted by ``id``.
        """
        return self._read(_SPEC_VISITS)

    def read_size_history(self) -> pd.DataFrame:
        """Read the size history.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`geo.core.register.SIZE_HISTORY_COLUMNS`, sorted by
            ``umkm_id`` then ``tanggal``.
        """
        return self._read(_SPEC_HISTORY)

    def read_import_batches(self) -> pd.DataFrame:
        """Read the import batches, with how many of their UMKM are still in the store.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`IMPORT_BATCH_COLUMNS` (``dibuat`` in UTC), sorted by
            ``id``.
        """
        b = _BATCH.c
        stmt = (
            select(b.id, b.nama_file, b.sha256, b.dibuat, b.jumlah_baris, func.count(_UMKM.c.id))
            .select_from(_BATCH.outerjoin(_UMKM, _UMKM.c.batch_id == b.id))
            .group_by(b.id, b.nama_file, b.sha256, b.dibuat, b.jumlah_baris)
        )
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        frame = _frame(rows, IMPORT_BATCH_COLUMNS)
        return frame.sort_values("id", kind="stable", ignore_index=True)

    def is_empty(self) -> bool:
        """Return True when the store holds no UMKM."""
        with self._engine.connect() as conn:
            return conn.execute(select(_UMKM.c.id).limit(1)).first() is None

    def count_umkm(self) -> int:
        """Return the number of UMKM in the store."""
        with self._engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(_UMKM)) or 0)

    def counts_by(self, column: str) -> pd.Series:
        """Count UMKM per value of one column (SQL ``GROUP BY``).

        Parameters
        ----------
        column
            One of :data:`COUNTABLE_COLUMNS`: ``kode_kelurahan``, ``sektor``, ``skala``,
            ``status``.

        Returns
        -------
        pandas.Series
            ``int64`` counts named ``"jumlah"``, indexed by the column's values (``string``
            dtype, index named ``column``, missing values as ``<NA>`` last), sorted by value.

        Raises
        ------
        ValueError
            ``column`` is not one of :data:`COUNTABLE_COLUMNS`.
        """
        if column not in COUNTABLE_COLUMNS:
            raise ValueError(
                f"cannot count by {column!r}; choose one of {', '.join(COUNTABLE_COLUMNS)}"
            )
        col = _UMKM.c[column]
        with self._engine.connect() as conn:
            rows = conn.execute(select(col, func.count()).group_by(col)).fetchall()
        index = pd.Index([r[0] for r in rows], dtype="string", name=column)
        counts = pd.Series([int(r[1]) for r in rows], index=index, dtype="int64", name="jumlah")
        return counts.sort_index()

    # -- spatial queries (pushed down to PostGIS on PostgreSQL) ---------------------------------

    @property
    def is_postgis(self) -> bool:
        """True when the backend is PostgreSQL with the PostGIS columns (schema version 4)."""
        return self.dialect == "postgresql"

    def _boundaries(self) -> gpd.GeoDataFrame:
        """Return the kelurahan layer of the spatial queries (EPSG:4326): loaded or shipped."""
        if self._kelurahan is None:
            from geo import wilayah  # lazily: the store itself needs no boundaries

            self._kelurahan = wilayah.kelurahan()[["kode", "nama", "geometry"]]
        return self._kelurahan

    def load_kelurahan(self, kel: gpd.GeoDataFrame | None = None) -> int:
        """Set the kelurahan boundaries used by the spatial queries.

        On PostgreSQL the layer replaces the table ``kelurahan_batas`` (MultiPolygon, SRID
        4326, GiST index) in one transaction, so every replica shares it; on SQLite it is kept
        by this :class:`Store` object. The spatial queries load the shipped layer
        (:func:`geo.wilayah.kelurahan`) on first use when this was never called.

        Parameters
        ----------
        kel
            Columns ``kode``, ``nama`` and polygon ``geometry`` in EPSG:4326 (other CRS are
            reprojected); None for the shipped layer of the 57 kelurahan.

        Returns
        -------
        int
            The number of kelurahan loaded.

        Raises
        ------
        StoreError
            A kode is missing or repeated, or a geometry is not a polygon. Nothing is changed.
        """
        if kel is None:
            self._kelurahan = None
            kel = self._boundaries()
        if kel.crs is not None and kel.crs.to_epsg() != 4326:
            kel = kel.to_crs(4326)
        kel = kel[["kode", "nama", "geometry"]].reset_index(drop=True)
        if kel["kode"].isna().any() or kel["kode"].duplicated().any():
            raise StoreError(_KELURAHAN_TABLE, "every kelurahan needs one distinct kode")
        bad = ~kel.geom_type.isin(["Polygon", "MultiPolygon"])
        if bad.any():
            row = str(kel["kode"][bad].iloc[0])
            raise StoreError(_KELURAHAN_TABLE, "geometry is not a polygon", row_id=row)
        if self.is_postgis:
            records = [
                {"kode": str(k), "nama": None if pd.isna(n) else str(n), "wkb": g.wkb}
                for k, n, g in zip(kel["kode"], kel["nama"], kel.geometry, strict=True)
            ]
            with self._write(_KELURAHAN_TABLE) as conn:
                conn.execute(text(f"DELETE FROM {_KELURAHAN_TABLE}"))
                conn.execute(
                    text(
                        f"INSERT INTO {_KELURAHAN_TABLE} (kode, nama, geom) "
                        "VALUES (:kode, :nama, ST_Multi(ST_GeomFromWKB(:wkb, 4326)))"
                    ),
                    records,
                )
        self._kelurahan = gpd.GeoDataFrame(kel, geometry="geometry", crs=4326)
        return len(kel)

    def _ensure_postgis_boundaries(self, conn: Connection) -> None:
        if conn.scalar(text(f"SELECT count(*) FROM {_KELURAHAN_TABLE}")) == 0:
            self.load_kelurahan(self._boundaries())

    def counts_per_kelurahan(self, *, by_point: bool = False) -> pd.Series:
        """Count UMKM per kelurahan, by their stored kode or by where their point lies.

        Parameters
        ----------
        by_point
            False: group by the stored ``kode_kelurahan`` (UMKM without one are not counted).
            True: count the points (``lon``/``lat``, EPSG:4326) inside each kelurahan polygon
            (``ST_Contains``: a point on an edge or in a sliver between polygons is in none, a
            point where two polygons overlap is in both); on PostgreSQL this is a PostGIS
            spatial join on the GiST indexes, on SQLite a geopandas ``sjoin`` in-process, with
            the same result. Boundaries as in :meth:`load_kelurahan`.

        Returns
        -------
        pandas.Series
            ``int64`` counts named ``"jumlah"`` indexed by kode (``string``, named
            ``"kode_kelurahan"``), sorted by kode; kelurahan without UMKM are absent.
        """
        if not by_point:
            counts = self.counts_by("kode_kelurahan")
            return counts[counts.index.notna()]
        if self.is_postgis:
            stmt = text(
                f"SELECT k.kode, count(*) FROM {_KELURAHAN_TABLE} k "
                "JOIN umkm u ON ST_Contains(k.geom, u.geom) GROUP BY k.kode"
            )
            with self._engine.connect() as conn:
                self._ensure_postgis_boundaries(conn)
                rows = conn.execute(stmt).fetchall()
            codes, values = [r[0] for r in rows], [int(r[1]) for r in rows]
        else:
            inside = self._points_in_boundaries()
            tally = inside["kode"].value_counts()
            codes, values = list(tally.index), [int(v) for v in tally.to_numpy()]
        index = pd.Index(codes, dtype="string", name="kode_kelurahan")
        return pd.Series(values, index=index, dtype="int64", name="jumlah").sort_index()

    def _points_in_boundaries(self, kode: str | None = None) -> pd.DataFrame:
        """In-process join (SQLite): ``id`` and ``kode`` of every UMKM point inside a polygon."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(_UMKM.c.id, _UMKM.c.lon, _UMKM.c.lat).where(
                    _UMKM.c.lon.is_not(None), _UMKM.c.lat.is_not(None)
                )
            ).fetchall()
        kel = self._boundaries()
        if kode is not None:
            kel = kel[kel["kode"] == kode]
        frame = pd.DataFrame(rows, columns=["id", "lon", "lat"])
        points = gpd.GeoDataFrame(
            {"id": frame["id"]},
            geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
            crs=4326,
        )
        joined = gpd.sjoin(points, kel[["kode", "geometry"]], predicate="within", how="inner")
        return pd.DataFrame({"id": joined["id"].to_numpy(), "kode": joined["kode"].to_numpy()})

    def umkm_in_kelurahan(self, kode: str) -> gpd.GeoDataFrame:
        """Read the UMKM whose point lies inside one kelurahan polygon.

        Pushed down to PostGIS (``ST_Contains`` on the GiST indexes) on PostgreSQL, computed
        in-process with geopandas on SQLite; same rows on both (see
        :meth:`counts_per_kelurahan` for points on edges, slivers and overlaps).

        Parameters
        ----------
        kode
            A kode of the boundary layer, e.g. ``"35.73.01.1001"``.

        Returns
        -------
        geopandas.GeoDataFrame
            As :meth:`read_umkm` (EPSG:4326, sorted by ``id``), whatever ``kode_kelurahan``
            the rows carry.

        Raises
        ------
        ValueError
            ``kode`` is not in the boundary layer.
        """
        if kode not in set(self._boundaries()["kode"]):
            raise ValueError(f"{kode!r} is not a kelurahan kode of the boundary layer")
        if self.is_postgis:
            with self._engine.connect() as conn:
                self._ensure_postgis_boundaries(conn)
            inside = text(
                f"umkm.id IN (SELECT u.id FROM umkm u JOIN {_KELURAHAN_TABLE} k "
                "ON ST_Contains(k.geom, u.geom) WHERE k.kode = :kode)"
            ).bindparams(kode=kode)
            frame = self._read(_SPEC_UMKM, inside)
        else:
            ids = set(self._points_in_boundaries(kode)["id"])
            frame = pd.DataFrame(self.read_umkm())
            frame = frame[frame["id"].isin(ids)].drop(columns="geometry")
            frame = frame.reset_index(drop=True)
        if frame.empty:
            return register.empty_register()
        return register.to_geodataframe(frame)

    # -- whole-store dump and restore (see geo.store.backup for the file) --------------------------

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
            for table in _METADATA.sorted_tables:
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
        known = {t.name for t in _METADATA.sorted_tables}
        unknown = sorted(set(tables) - known)
        missing = sorted(known - set(tables))
        if unknown or missing:
            raise StoreError(
                "dataset",
                f"backup does not match the schema: unknown tables {unknown}, missing {missing}",
            )
        decoded: dict[str, list[dict[str, Any]]] = {}
        for table in _METADATA.sorted_tables:
            rows = []
            for position, row in enumerate(tables[table.name]):
                extra = sorted(set(row) - {c.name for c in table.columns})
                if extra:
                    raise StoreError(
                        table.name, f"row {position}: unknown columns {extra}", row_id=None
                    )
                rows.append(_python_row(table, row))
            decoded[table.name] = rows
        with self._write("dataset") as conn:
            for table in reversed(_METADATA.sorted_tables):
                conn.execute(delete(table))
            for table in _METADATA.sorted_tables:
                rows = decoded[table.name]
                columns = [c.name for c in table.columns]
                self._insert(conn, table, [{c: r.get(c) for c in columns} for r in rows])
            if conn.dialect.name == "postgresql":
                for table in _METADATA.sorted_tables:
                    if table.autoincrement_column is not None:
                        conn.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                            )
                        )
        return {name: len(rows) for name, rows in decoded.items()}

    def read_meta(self) -> dict[str, str]:
        """Return the whole ``meta`` table as a dict (key -> value), keys sorted."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(_META.c.key, _META.c.value)).fetchall()
        return {str(k): str(v) for k, v in sorted(rows)}

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """Return a value from the ``meta`` table.

        Parameters
        ----------
        key
            The key, e.g. ``"dataset"``.
        default
            Returned when ``key`` is not stored.

        Returns
        -------
        str or None
            The stored value, or ``default``.
        """
        with self._engine.connect() as conn:
            value = conn.scalar(select(_META.c.value).where(_META.c.key == key))
        return default if value is None else str(value)

    # -- writes -------------------------------------------------------------------------------

    def write_umkm(self, df: pd.DataFrame, *, batch_id: int | None = None) -> None:
        """Insert new UMKM, all or nothing.

        Parameters
        ----------
        df
            Register rows with (at least) the columns of :data:`geo.core.register.UMKM_COLUMNS`;
            ``lat``/``lon`` in degrees (EPSG:4326) are the stored location, a ``geometry``
            column and other extra columns are ignored. Dates keep their calendar day only.
        batch_id
            The import batch the rows belong to (from :meth:`create_import_batch`), so that
            :meth:`delete_batch` can undo the import.

        Raises
        ------
        StoreError
            A column is missing or has values of the wrong type, an id is missing, repeated in
            ``df`` or already in the store, a ``sentra_id`` is not a known sentra, or
            ``batch_id`` is unknown. Nothing is written.
        TypeError
            ``batch_id`` is not an integer.
        """
        if batch_id is not None:
            batch_id = operator.index(batch_id)  # numpy integers too; floats are refused
        records = _records(_conform(df, _SPEC_UMKM), _SPEC_UMKM, batch_id=batch_id)
        with self._write("umkm") as conn:
            if batch_id is not None and not self._existing(conn, _BATCH.c.id, [batch_id]):
                raise StoreError("import_batch", f"unknown batch_id {batch_id!r}")
            self._check_new_ids(conn, _SPEC_UMKM, records)
            sentra_ids = self._existing(conn, _SENTRA.c.id, [r["sentra_id"] for r in records])
            self._check_sentra_refs(records, sentra_ids)
            self._insert(conn, _UMKM, records)

    def upsert_umkm(self, df: pd.DataFrame) -> None:
        """Insert UMKM whose id is new and update those already stored, all or nothing.

        Updated rows keep their import batch; inserted rows belong to none.

        Parameters
        ----------
        df
            As for :meth:`write_umkm`.

        Raises
        ------
        StoreError
            As for :meth:`write_umkm`, except that an id already in the store is updated.
        """
        records = _records(_conform(df, _SPEC_UMKM), _SPEC_UMKM)
        with self._write("umkm") as conn:
            sentra_ids = self._existing(conn, _SENTRA.c.id, [r["sentra_id"] for r in records])
            self._check_sentra_refs(records, sentra_ids)
            self._upsert(conn, _UMKM, records)

    def write_sentra(self, df: pd.DataFrame) -> None:
        """Insert or update sentra by id, all or nothing; sentra not in ``df`` stay.

        Parameters
        ----------
        df
            Rows with the columns of :data:`geo.core.register.SENTRA_COLUMNS` (``lat``/``lon`` in
            degrees, EPSG:4326; ``publik`` required).

        Raises
        ------
        StoreError
            A column is missing or mistyped, a required value is missing or an id repeats.
        """
        records = _records(_conform(df, _SPEC_SENTRA), _SPEC_SENTRA)
        with self._write("sentra") as conn:
            self._upsert(conn, _SENTRA, records)

    def write_sahabat(self, df: pd.DataFrame) -> None:
        """Insert or update Sahabat UMKM by id, all or nothing; people not in ``df`` stay.

        Parameters
        ----------
        df
            Rows with the columns of :data:`geo.core.register.SAHABAT_COLUMNS` (``aktif``
            required).

        Raises
        ------
        StoreError
            A column is missing or mistyped, a required value is missing or an id repeats.
        """
        records = _records(_conform(df, _SPEC_SAHABAT), _SPEC_SAHABAT)
        with self._write("sahabat") as conn:
            self._upsert(conn, _SAHABAT, records)

    def add_visits(self, df: pd.DataFrame) -> None:
        """Insert new visits, all or nothing.

        Parameters
        ----------
        df
            Rows with the columns of :data:`geo.core.register.VISIT_COLUMNS` (``tanggal``
            required, ``tindak_lanjut`` may be NaT; dates keep their calendar day only).

        Raises
        ------
        StoreError
            A column is missing or mistyped, a required value is missing, or an id repeats in
            ``df`` or is already in the store.
        """
        records = _records(_conform(df, _SPEC_VISITS), _SPEC_VISITS)
        with self._write("kunjungan") as conn:
            self._check_new_ids(conn, _SPEC_VISITS, records)
            self._insert(conn, _KUNJUNGAN, records)

    def write_size_history(self, df: pd.DataFrame) -> None:
        """Insert size-history rows, all or nothing.

        Parameters
        ----------
        df
            Rows with the columns of :data:`geo.core.register.SIZE_HISTORY_COLUMNS`, all required;
            one row per business and calendar day.

        Raises
        ------
        StoreError
            A column is missing or mistyped, a value is missing, ``umkm_id`` is not in the
            store, or a business already has a class on that day (in ``df`` or the store).
            The row id is ``"<umkm_id> <tanggal>"``.
        """
        records = _records(_conform(df, _SPEC_HISTORY), _SPEC_HISTORY)
        with self._write("riwayat_skala") as conn:
            umkm_ids = [r["umkm_id"] for r in records]
            self._check_history_refs(records, self._existing(conn, _UMKM.c.id, umkm_ids))
            stored: set[tuple[str, dt.date]] = set()
            for chunk in _chunks(list(dict.fromkeys(umkm_ids)), _CHUNK_IN):
                stmt = select(_RIWAYAT.c.umkm_id, _RIWAYAT.c.tanggal).where(
                    _RIWAYAT.c.umkm_id.in_(chunk)
                )
                stored.update((u, t) for u, t in conn.execute(stmt))
            for r in records:
                if (r["umkm_id"], r["tanggal"]) in stored:
                    raise StoreError(
                        "riwayat_skala",
                        "this business already has a class recorded on that day",
                        row_id=f"{r['umkm_id']} {r['tanggal'].isoformat()}",
                    )
            self._insert(conn, _RIWAYAT, records)

    def replace_dataset(
        self,
        *,
        umkm: pd.DataFrame,
        sentra: pd.DataFrame,
        sahabat: pd.DataFrame,
        visits: pd.DataFrame,
        size_history: pd.DataFrame,
        meta: Mapping[str, str],
    ) -> None:
        """Replace the whole data set in one transaction (e.g. to load the demo data).

        Empties ``umkm``, ``sentra``, ``sahabat``, ``kunjungan``, ``riwayat_skala``,
        ``import_batch`` and ``meta`` and fills them from the arguments. On any failure the
        previous data set is kept untouched.

        Parameters
        ----------
        umkm, sentra, sahabat, visits, size_history
            As for :meth:`write_umkm`, :meth:`write_sentra`, :meth:`write_sahabat`,
            :meth:`add_visits` and :meth:`write_size_history`; references are checked against
            the new data (``umkm.sentra_id`` against ``sentra``, ``size_history.umkm_id``
            against ``umkm``). The new UMKM belong to no import batch.
        meta
            The complete new ``meta`` table (key -> value, both strings).

        Raises
        ------
        StoreError
            Any table would be refused by its own write method, or ``meta`` holds a
            non-string key or value. Nothing is changed.
        """
        rec_sentra = _records(_conform(sentra, _SPEC_SENTRA), _SPEC_SENTRA)
        rec_sahabat = _records(_conform(sahabat, _SPEC_SAHABAT), _SPEC_SAHABAT)
        rec_umkm = _records(_conform(umkm, _SPEC_UMKM), _SPEC_UMKM, batch_id=None)
        rec_visits = _records(_conform(visits, _SPEC_VISITS), _SPEC_VISITS)
        rec_history = _records(_conform(size_history, _SPEC_HISTORY), _SPEC_HISTORY)
        rec_meta = _meta_records(meta)
        self._check_sentra_refs(rec_umkm, {r["id"] for r in rec_sentra})
        self._check_history_refs(rec_history, {r["id"] for r in rec_umkm})
        with self._write("dataset") as conn:
            for table in (_RIWAYAT, _KUNJUNGAN, _UMKM, _BATCH, _SENTRA, _SAHABAT, _META):
                conn.execute(delete(table))
            self._insert(conn, _SENTRA, rec_sentra)
            self._insert(conn, _SAHABAT, rec_sahabat)
            self._insert(conn, _UMKM, rec_umkm)
            self._insert(conn, _RIWAYAT, rec_history)
            self._insert(conn, _KUNJUNGAN, rec_visits)
            self._insert(conn, _META, rec_meta)

    def create_import_batch(self, nama_file: str, sha256: str, jumlah_baris: int) -> int:
        """Record an import and return its batch id (for :meth:`write_umkm`).

        Parameters
        ----------
        nama_file
            The uploaded file's name.
        sha256
            Hex SHA-256 of the uploaded file's bytes.
        jumlah_baris
            Number of data rows in the file.

        Returns
        -------
        int
            The new batch id. Its creation time is stored in UTC.
        """
        if jumlah_baris < 0:
            raise StoreError("import_batch", f"jumlah_baris must be >= 0, got {jumlah_baris}")
        values = {
            "nama_file": str(nama_file),
            "sha256": str(sha256),
            "dibuat": _utcnow(),
            "jumlah_baris": int(jumlah_baris),
        }
        with self._write("import_batch") as conn:
            result = conn.execute(insert(_BATCH).values(**values))
            return int(result.inserted_primary_key[0])

    def delete_batch(self, batch_id: int) -> int:
        """Undo an import: delete the batch's UMKM (and their size history) and the batch.

        Rows the batch updated are restored to their previous version (see
        :meth:`undo_import`, which also returns how many were restored).

        Parameters
        ----------
        batch_id
            An id from :meth:`create_import_batch`.

        Returns
        -------
        int
            The number of UMKM deleted.

        Raises
        ------
        StoreError
            The batch is unknown, or a later batch changed its rows. Nothing is changed.
        TypeError
            ``batch_id`` is not an integer.
        """
        return self.undo_import(batch_id)[0]

    def commit_import(
        self,
        *,
        nama_file: str,
        sha256: str,
        jumlah_baris: int,
        new: pd.DataFrame,
        updates: pd.DataFrame,
    ) -> int:
        """Record an import batch, insert its new UMKM and update matched ones: all or nothing.

        The previous version of every updated row is kept (``import_perubahan``) so that
        :meth:`undo_import` can restore it exactly.

        Parameters
        ----------
        nama_file, sha256, jumlah_baris
            As for :meth:`create_import_batch`.
        new
            UMKM to insert: the columns of :data:`geo.core.register.UMKM_COLUMNS` plus
            ``presisi_lokasi``; ``lat``/``lon`` in degrees (EPSG:4326). Their ids must be new.
        updates
            UMKM to replace, same columns; every id must be in the store. The updated rows
            move to the new batch.

        Returns
        -------
        int
            The new batch id.

        Raises
        ------
        StoreError
            A column is missing or mistyped, an id of ``new`` is taken or one of ``updates``
            unknown, an id is in both, a ``sentra_id`` is unknown. Nothing is changed (no batch
            is recorded either).
        """
        if jumlah_baris < 0:
            raise StoreError("import_batch", f"jumlah_baris must be >= 0, got {jumlah_baris}")
        rec_new = _records(_conform(new, _SPEC_UMKM_PRESISI), _SPEC_UMKM_PRESISI)
        rec_upd = _records(_conform(updates, _SPEC_UMKM_PRESISI), _SPEC_UMKM_PRESISI)
        both = {r["id"] for r in rec_new} & {r["id"] for r in rec_upd}
        if both:
            raise StoreError("umkm", "id both inserted and updated", row_id=min(both))
        with self._write("import_batch") as conn:
            result = conn.execute(
                insert(_BATCH).values(
                    nama_file=str(nama_file),
                    sha256=str(sha256),
                    dibuat=_utcnow(),
                    jumlah_baris=int(jumlah_baris),
                )
            )
            batch_id = int(result.inserted_primary_key[0])
            self._check_new_ids(conn, _SPEC_UMKM, rec_new)
            sentra_ids = self._existing(
                conn, _SENTRA.c.id, [r["sentra_id"] for r in rec_new + rec_upd]
            )
            self._check_sentra_refs(rec_new + rec_upd, sentra_ids)
            previous = self._rows_by_id(conn, [r["id"] for r in rec_upd])
            for r in rec_upd:
                if r["id"] not in previous:
                    raise StoreError("umkm", "id to update is not in the store", row_id=r["id"])
            self._insert(conn, _UMKM, [{**r, "batch_id": batch_id} for r in rec_new])
            if rec_upd:
                stmt = update(_UMKM).where(_UMKM.c.id == bindparam("b_id"))
                changes = [
                    {"b_id": r["id"], **{k: v for k, v in r.items() if k != "id"}}
                    | {"batch_id": batch_id}
                    for r in rec_upd
                ]
                for chunk in _chunks(changes, _CHUNK_ROWS):
                    conn.execute(stmt, list(chunk))
            log = [
                {"batch_id": batch_id, "umkm_id": r["id"], "aksi": "tambah", "sebelum": None}
                for r in rec_new
            ] + [
                {
                    "batch_id": batch_id,
                    "umkm_id": r["id"],
                    "aksi": "ubah",
                    "sebelum": _snapshot(previous[r["id"]]),
                }
                for r in rec_upd
            ]
            self._insert(conn, _PERUBAHAN, log)
        return batch_id

    def undo_import(self, batch_id: int) -> tuple[int, int]:
        """Undo an import batch: delete the UMKM it added, restore the ones it updated.

        The store returns to exactly the state before the batch (updated rows get back every
        value, their ``presisi_lokasi`` and their previous batch), except for what later
        batches did; a batch whose rows a later batch changed is refused until that later
        batch is undone. The size history of deleted UMKM goes with them.

        Parameters
        ----------
        batch_id
            An id from :meth:`commit_import` (or :meth:`create_import_batch`).

        Returns
        -------
        tuple of int
            (UMKM deleted, UMKM restored).

        Raises
        ------
        StoreError
            The batch is unknown, or a later batch changed one of its rows (the message names
            that batch). Nothing is changed.
        TypeError
            ``batch_id`` is not an integer.
        """
        batch_id = operator.index(batch_id)
        p = _PERUBAHAN.c
        with self._write("import_batch") as conn:
            if not self._existing(conn, _BATCH.c.id, [batch_id]):
                raise StoreError("import_batch", f"unknown batch_id {batch_id!r}")
            changes = conn.execute(
                select(p.umkm_id, p.aksi, p.sebelum).where(p.batch_id == batch_id)
            ).fetchall()
            ids = [c.umkm_id for c in changes]
            for chunk in _chunks(ids, _CHUNK_IN):
                later = conn.execute(
                    select(p.batch_id, p.umkm_id)
                    .where(p.batch_id > batch_id, p.umkm_id.in_(chunk))
                    .order_by(p.batch_id.desc())
                ).first()
                if later is not None:
                    raise StoreError(
                        "import_batch",
                        f"batch {later.batch_id} later changed UMKM {later.umkm_id!r} of batch "
                        f"{batch_id}; undo batch {later.batch_id} first",
                        row_id=str(batch_id),
                    )
            restored = 0
            for change in changes:
                if change.aksi != "ubah":
                    continue
                values = _restore(change.sebelum)
                done = conn.execute(
                    update(_UMKM).where(_UMKM.c.id == change.umkm_id).values(**values)
                )
                if done.rowcount == 0:  # deleted since: put it back as it was
                    conn.execute(insert(_UMKM).values(id=change.umkm_id, **values))
                restored += 1
            deleted = conn.execute(delete(_UMKM).where(_UMKM.c.batch_id == batch_id)).rowcount
            conn.execute(delete(_PERUBAHAN).where(p.batch_id == batch_id))
            conn.execute(delete(_BATCH).where(_BATCH.c.id == batch_id))
        return int(deleted), restored

    def read_import_changes(self) -> pd.DataFrame:
        """Count, per import batch, the UMKM it added and the ones it updated.

        Returns
        -------
        pandas.DataFrame
            Columns ``batch_id``, ``ditambah``, ``diperbarui`` (int64), sorted by batch; batches
            written without the change log (older imports) are absent.
        """
        p = _PERUBAHAN.c
        stmt = select(p.batch_id, p.aksi, func.count()).group_by(p.batch_id, p.aksi)
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        counts: dict[int, dict[str, int]] = {}
        for batch, aksi, n in rows:
            counts.setdefault(int(batch), {"tambah": 0, "ubah": 0})[str(aksi)] = int(n)
        frame = pd.DataFrame(
            {
                "batch_id": pd.Series(list(counts), dtype="int64"),
                "ditambah": pd.Series([c["tambah"] for c in counts.values()], dtype="int64"),
                "diperbarui": pd.Series([c["ubah"] for c in counts.values()], dtype="int64"),
            }
        )
        return frame.sort_values("batch_id", ignore_index=True)

    @staticmethod
    def _rows_by_id(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Return the complete stored rows (every column) of ``ids`` that exist, by id."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), _CHUNK_IN):
            for row in conn.execute(select(_UMKM).where(_UMKM.c.id.in_(chunk))).mappings():
                found[str(row["id"])] = dict(row)
        return found

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the ``meta`` table, replacing any earlier value under ``key``.

        Parameters
        ----------
        key, value
            Strings.

        Raises
        ------
        StoreError
            ``key`` or ``value`` is not a string.
        """
        (record,) = _meta_records({key: value})
        with self._write("meta") as conn:
            done = conn.execute(update(_META).where(_META.c.key == key).values(value=value))
            if done.rowcount == 0:
                conn.execute(insert(_META).values(**record))

    # -- users and audit log (see geo.services.auth and geo.core.audit for the rules) --------------

    def add_user(
        self, username: str, *, password_hash: str | None, peran: str, aktif: bool = True
    ) -> None:
        """Create a user, with no failed logins and no lock.

        Parameters
        ----------
        username
            The login name (primary key).
        password_hash
            An encoded password hash (see :mod:`geo.services.auth`), or None for a
            single-sign-on-only
            account. The store never sees a password.
        peran
            The role (:data:`geo.core.access.ROLES`; checked by :mod:`geo.services.auth`).
        aktif
            False creates a disabled account.

        Raises
        ------
        StoreError
            The username is empty or already taken. Nothing is changed.
        """
        if not isinstance(username, str) or not username:
            raise StoreError("pengguna", "username must be a non-empty string")
        values = {
            "username": username,
            "password_hash": password_hash,
            "peran": str(peran),
            "aktif": bool(aktif),
            "dibuat": _utcnow(),
            "gagal_login": 0,
            "terkunci_sampai": None,
        }
        with self._write("pengguna") as conn:
            if self._existing(conn, _PENGGUNA.c.username, [username]):
                raise StoreError("pengguna", "username already taken", row_id=username)
            conn.execute(insert(_PENGGUNA).values(**values))

    def get_user(self, username: str) -> dict[str, Any] | None:
        """Return one user's row (password hash included) as a dict, or None when unknown.

        Keys: ``username``, ``password_hash``, ``peran``, ``aktif``, ``dibuat``,
        ``gagal_login``, ``terkunci_sampai`` (datetimes naive UTC, ``terkunci_sampai`` None
        when not locked).
        """
        with self._engine.connect() as conn:
            row = (
                conn.execute(select(_PENGGUNA).where(_PENGGUNA.c.username == username))
                .mappings()
                .first()
            )
        return None if row is None else dict(row)

    def read_users(self) -> pd.DataFrame:
        """Read all users without their password hashes.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`USER_COLUMNS` (times in UTC), sorted by username.
        """
        stmt = select(*(_PENGGUNA.c[c] for c in USER_COLUMNS))
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        frame = _frame(rows, USER_COLUMNS)
        return frame.sort_values("username", kind="stable", ignore_index=True)

    def update_user(self, username: str, **changes: Any) -> None:
        """Change some fields of one user in one transaction.

        Parameters
        ----------
        username
            An existing user.
        **changes
            Any of ``password_hash``, ``peran``, ``aktif``, ``gagal_login``,
            ``terkunci_sampai`` (naive UTC datetime or None).

        Raises
        ------
        StoreError
            The user is unknown or a field may not be changed. Nothing is changed.
        """
        unknown = sorted(set(changes) - _USER_UPDATABLE)
        if unknown:
            raise StoreError("pengguna", f"cannot change {', '.join(unknown)}", row_id=username)
        if not changes:
            return
        with self._write("pengguna") as conn:
            done = conn.execute(
                update(_PENGGUNA).where(_PENGGUNA.c.username == username).values(**changes)
            )
            if done.rowcount == 0:
                raise StoreError("pengguna", "unknown user", row_id=username)

    def record_login_failure(
        self, username: str, *, lock_after: int, lock_until: dt.datetime
    ) -> int:
        """Count one failed login of a user, locking the account at ``lock_after`` failures.

        The count is incremented in the database (one transaction), so concurrent sessions
        cannot lose a failure.

        Parameters
        ----------
        username
            An existing user (unknown names are ignored and give 0).
        lock_after
            Number of consecutive failures that locks the account.
        lock_until
            Naive UTC datetime the lock lasts until, set when the count reaches
            ``lock_after``.

        Returns
        -------
        int
            The user's consecutive failures after this one.
        """
        column = _PENGGUNA.c.gagal_login
        with self._write("pengguna") as conn:
            conn.execute(
                update(_PENGGUNA)
                .where(_PENGGUNA.c.username == username)
                .values(gagal_login=column + 1)
            )
            failures = conn.scalar(select(column).where(_PENGGUNA.c.username == username))
            if failures is None:
                return 0
            if int(failures) >= lock_after:
                conn.execute(
                    update(_PENGGUNA)
                    .where(_PENGGUNA.c.username == username)
                    .values(terkunci_sampai=lock_until)
                )
            return int(failures)

    def log_audit(self, pengguna: str, aksi: str, objek: str, rincian: str = "") -> int:
        """Append one entry to the audit log and return its id.

        Parameters
        ----------
        pengguna
            Who acted (a username, ``"cli:<os user>"`` for the command line, ...).
        aksi
            What was done: a short code such as ``"import"``, ``"kunjungan.tambah"``,
            ``"pengguna.tambah"``.
        objek
            What it was done to (a file name, a visit id, a username).
        rincian
            Free-text details (counts, changed fields); never a password.

        Returns
        -------
        int
            The entry's id. Its time (``waktu``) is stored in UTC.
        """
        values = {
            "waktu": _utcnow(),
            "pengguna": str(pengguna),
            "aksi": str(aksi),
            "objek": str(objek),
            "rincian": str(rincian),
        }
        with self._write("audit_log") as conn:
            result = conn.execute(insert(_AUDIT).values(**values))
            return int(result.inserted_primary_key[0])

    def read_audit(self, *, limit: int | None = None) -> pd.DataFrame:
        """Read the audit log, newest first.

        Parameters
        ----------
        limit
            At most this many entries (the newest); None for all.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`AUDIT_COLUMNS` (``waktu`` in UTC), newest first.
        """
        stmt = select(*(_AUDIT.c[c] for c in AUDIT_COLUMNS)).order_by(_AUDIT.c.id.desc())
        if limit is not None:
            stmt = stmt.limit(operator.index(limit))
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        return _frame(rows, AUDIT_COLUMNS)


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


def _snapshot(row: Mapping[str, Any]) -> str:
    """Encode a stored UMKM row (all but ``id``) as JSON; floats keep every bit (repr)."""
    values = {}
    for key, value in row.items():
        if key == "id":
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        values[key] = value
    return json.dumps(values, sort_keys=True)


def _restore(snapshot: str) -> dict[str, Any]:
    """Decode :func:`_snapshot` into UPDATE values (dates back to ``datetime.date``)."""
    values = json.loads(snapshot)
    for column in _UMKM.columns:
        if isinstance(column.type, Date) and values.get(column.name) is not None:
            values[column.name] = dt.date.fromisoformat(values[column.name])
    return {k: v for k, v in values.items() if k in _UMKM.c}


def _meta_records(meta: Mapping[str, str]) -> list[dict[str, str]]:
    for key, value in meta.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise StoreError("meta", f"keys and values must be strings, got {key!r}: {value!r}")
    return [{"key": k, "value": v} for k, v in meta.items()]


def _utcnow() -> dt.datetime:
    """Now in UTC as a naive datetime, to the second (what the DateTime columns hold)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
