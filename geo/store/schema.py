"""The store's schema: its tables, their migrations and the refusal every write raises.

The schema version lives in the table ``schema_version`` (one row per applied step).
:data:`MIGRATIONS` is an ordered list of steps, each a function taking a SQLAlchemy
``Connection``; step *n* (1-based) brings the schema from version *n - 1* to *n*, and version 1
is the initial schema. :func:`migrate` (run by every new :class:`geo.store.Store`) applies every
pending step, and records it, in the caller's transaction: a step that fails leaves the
database at its previous version. A database whose version is newer than this code's is refused
rather than guessed at. :func:`migrate` reads :data:`MIGRATIONS` of this module when it runs
(tests replace it here).

Why a small runner in this module instead of Alembic: the schema is a handful of small tables
owned by this package, and a list of functions is all the machinery it needs. Alembic would add
a dependency, a configuration file, a migrations directory and a command that every deployment
(including a laptop running the embedded SQLite file) would have to run. If the schema grows
or several services come to share the database, switching is straightforward: stamp the
Alembic baseline at the version recorded here and continue with Alembic revisions.

A step must not use the module-level tables (they describe the *latest* schema); it builds
what it needs itself, as :func:`_migrate_1_initial` does with :func:`_define_schema_v1`. A step
that changes a table also changes the current definition used for reads and writes
(:data:`METADATA` and the table constants below). The only PostgreSQL-specific DDL is
migration 4 (:func:`_migrate_4_postgis`: point ``geom`` columns in SRID 4326 kept from lon/lat
by a trigger, GiST indexes, the ``kelurahan_batas`` boundary table).

:class:`Spec` maps a table of the register model (:mod:`geo.core.register`: column names and
pandas dtypes) onto its database table; the ``SPEC_*`` constants are the ones the store uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from geo.core import register

__all__ = [
    "AUDIT",
    "BATAS_LAPISAN",
    "BATAS_PERUBAHAN",
    "BATCH",
    "KELURAHAN_TABLE",
    "KUNJUNGAN",
    "KUNJUNGAN_FOTO",
    "META",
    "METADATA",
    "MIGRATIONS",
    "NAMING",
    "PENGGUNA",
    "PERUBAHAN",
    "RENCANA",
    "RENCANA_HENTI",
    "RENCANA_RUTE",
    "RIWAYAT",
    "SAHABAT",
    "SCHEMA_VERSION",
    "SENTRA",
    "SESI_WEB",
    "SESSION_METADATA",
    "SPEC_HISTORY",
    "SPEC_SAHABAT",
    "SPEC_SENTRA",
    "SPEC_UMKM",
    "SPEC_UMKM_PRESISI",
    "SPEC_VISITS",
    "UMKM",
    "VERSION_METADATA",
    "Migration",
    "Spec",
    "StoreError",
    "migrate",
    "utcnow",
]

#: A migration step: receives a connection inside the migration transaction.
Migration = Callable[[Connection], None]

#: Naming convention of every constraint and index the store creates.
NAMING = {
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
    metadata = MetaData(naming_convention=NAMING)
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
    metadata = MetaData(naming_convention=NAMING)
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
    metadata = MetaData(naming_convention=NAMING)
    Table("import_batch", metadata, Column("id", Integer, primary_key=True))  # FK target only
    _define_schema_v3_import_log(metadata)
    metadata.create_all(conn, tables=[metadata.tables["import_perubahan"]])


#: The PostGIS boundary table of :meth:`Store.load_kelurahan` (PostgreSQL only).
KELURAHAN_TABLE = "kelurahan_batas"

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
    CREATE TABLE {KELURAHAN_TABLE} (
        kode VARCHAR PRIMARY KEY,
        nama TEXT,
        geom geometry(MultiPolygon, 4326) NOT NULL
    )
    """,
    f"CREATE INDEX ix_{KELURAHAN_TABLE}_geom ON {KELURAHAN_TABLE} USING gist (geom)",
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


def _define_schema_v5_boundaries(metadata: MetaData) -> None:
    """Define the version-5 tables of the city's boundary layers on ``metadata``. Frozen.

    ``batas_lapisan``: one row per boundary layer made active (``python -m geo boundaries
    use``): the normalised layer as GeoJSON text (EPSG:4326), its source label, the sha256 of
    that text, when (UTC) and by whom, and ``dibatalkan`` (UTC) once undone or reset. The
    active layer is the newest row not undone; none means the shipped layer.

    ``batas_perubahan``: one row per UMKM whose ``kode_kelurahan`` the layer changed (old and
    new kode), so that undoing the layer restores exactly the previous kode.
    """
    Table(
        "batas_lapisan",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("geojson", Text, nullable=False),
        Column("sumber", Text, nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("dipasang", DateTime, nullable=False),  # UTC, naive
        Column("pengguna", String, nullable=False),
        Column("dibatalkan", DateTime, nullable=True),  # UTC, naive
    )
    Table(
        "batas_perubahan",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "lapisan_id",
            Integer,
            ForeignKey("batas_lapisan.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("umkm_id", String, nullable=False, index=True),
        Column("kode_lama", String, nullable=True),
        Column("kode_baru", String, nullable=True),
    )


def _migrate_5_boundaries(conn: Connection) -> None:
    """Version 5: the city's boundary layers (``batas_lapisan``) and their kode changes."""
    metadata = MetaData(naming_convention=NAMING)
    _define_schema_v5_boundaries(metadata)
    metadata.create_all(conn)


def _migrate_6_id_sumber(conn: Connection) -> None:
    """Version 6: ``umkm.id_sumber``, a business's id in the system it was imported from."""
    conn.execute(text("ALTER TABLE umkm ADD COLUMN id_sumber VARCHAR"))


def _define_schema_v7_field(metadata: MetaData) -> None:
    """Define the version-7 tables of the field loop on ``metadata``. Frozen.

    ``rencana``: a saved visit plan (its date, title, status ``aktif``, ``dibatalkan`` or
    ``diganti`` (re-planned), the solver's inputs as JSON in ``parameter``, who made it and
    when, UTC), optionally the plan it re-planned (``asal_id``). ``rencana_rute``: one route of
    a plan (``nomor`` from 1) and the officer account it is assigned to (``petugas``, a
    ``pengguna.username``; None: not yet assigned), its length (km) and duration (minutes).
    ``rencana_henti``: the ordered stops of a route (``urutan`` from 1): what is visited
    (``jenis`` umkm/sentra/kelurahan and ``objek_id``), where (EPSG:4326 degrees), the planned
    arrival ``HH:MM`` (WIB), the status ``belum``/``selesai``/``tidak_bertemu`` with ``alasan``,
    and the visit that closed it. ``kunjungan_foto``: at most one downscaled JPEG per visit.
    """
    Table(
        "rencana",
        metadata,
        Column("id", String, primary_key=True),
        Column("tanggal", Date, nullable=False, index=True),
        Column("judul", Text, nullable=False),
        Column("status", String, nullable=False),
        Column("parameter", Text, nullable=False),
        Column("asal_id", String, nullable=True),
        Column("dibuat", DateTime, nullable=False),  # UTC, naive
        Column("pengguna", String, nullable=False),
        Column("dibatalkan", DateTime, nullable=True),  # UTC, naive
    )
    Table(
        "rencana_rute",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "rencana_id",
            String,
            ForeignKey("rencana.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("nomor", Integer, nullable=False),
        Column("petugas", String, nullable=True, index=True),
        Column("jarak_km", Float, nullable=True),
        Column("durasi_menit", Float, nullable=True),
        UniqueConstraint("rencana_id", "nomor"),
    )
    Table(
        "rencana_henti",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "rute_id",
            Integer,
            ForeignKey("rencana_rute.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("urutan", Integer, nullable=False),
        Column("jenis", String, nullable=False),
        Column("objek_id", String, nullable=False),
        Column("nama", Text, nullable=True),
        Column("kode_kelurahan", String, nullable=True),
        Column("lat", Float, nullable=False),
        Column("lon", Float, nullable=False),
        Column("rencana_tiba", String, nullable=True),
        Column("status", String, nullable=False),
        Column("alasan", Text, nullable=True),
        Column("kunjungan_id", String, nullable=True),
        Column("diperbarui", DateTime, nullable=True),  # UTC, naive
        UniqueConstraint("rute_id", "urutan"),
    )
    Table(
        "kunjungan_foto",
        metadata,
        Column(
            "kunjungan_id",
            String,
            ForeignKey("kunjungan.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("mime", String, nullable=False),
        Column("lebar", Integer, nullable=False),
        Column("tinggi", Integer, nullable=False),
        Column("data", LargeBinary, nullable=False),
    )


def _define_schema_v7_sessions(metadata: MetaData) -> None:
    """Define the version-7 table of signed-in browser sessions on ``metadata``. Frozen.

    ``sesi_web``: one row per login that set a session cookie. Only the sha256 of the session
    id is kept (``id_hash``); ``dibuat`` and ``terakhir`` (UTC) drive the absolute and idle
    limits, ``dicabut`` (UTC) ends it (Keluar, account disabled, expiry). Not part of backups.
    """
    Table(
        "sesi_web",
        metadata,
        Column("id_hash", String(64), primary_key=True),
        Column("username", String, nullable=False, index=True),
        Column("metode", String, nullable=False),
        Column("dibuat", DateTime, nullable=False),  # UTC, naive
        Column("terakhir", DateTime, nullable=False),  # UTC, naive
        Column("dicabut", DateTime, nullable=True),  # UTC, naive
    )


#: Columns version 7 adds to ``kunjungan``: the idempotency key of the submit that stored it
#: (unique), the plan stop it closed, and the check-in position (EPSG:4326 degrees), its
#: accuracy (m), its distance to the stop (m) and whether that is beyond the check-in radius.
_V7_KUNJUNGAN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kunci", "VARCHAR"),
    ("henti_id", "INTEGER"),
    ("lat", "FLOAT"),
    ("lon", "FLOAT"),
    ("akurasi_m", "FLOAT"),
    ("jarak_m", "FLOAT"),
    ("di_luar_radius", "BOOLEAN"),
)


def _migrate_7_field(conn: Connection) -> None:
    """Version 7: saved plans, visit check-in and photo, demo accounts, browser sessions."""
    for name, sql_type in _V7_KUNJUNGAN_COLUMNS:
        conn.execute(text(f"ALTER TABLE kunjungan ADD COLUMN {name} {sql_type}"))
    conn.execute(text("CREATE UNIQUE INDEX ux_kunjungan_kunci ON kunjungan (kunci)"))
    conn.execute(text("ALTER TABLE pengguna ADD COLUMN demo BOOLEAN NOT NULL DEFAULT FALSE"))
    metadata = MetaData(naming_convention=NAMING)
    Table("kunjungan", metadata, Column("id", String, primary_key=True))  # FK target only
    _define_schema_v7_field(metadata)
    _define_schema_v7_sessions(metadata)
    metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t.name != "kunjungan"])


#: Ordered migration steps; step ``n`` (1-based) brings the schema to version ``n``.
MIGRATIONS: list[Migration] = [
    _migrate_1_initial,
    _migrate_2_auth,
    _migrate_3_import_log,
    _migrate_4_postgis,
    _migrate_5_boundaries,
    _migrate_6_id_sumber,
    _migrate_7_field,
]

# The current schema, used by reads and writes. While the latest step is 1 this is the
# version-1 definition; a later step that changes a table changes this definition too.
METADATA = MetaData(naming_convention=NAMING)
_define_schema_v1(METADATA)
UMKM = METADATA.tables["umkm"]
SENTRA = METADATA.tables["sentra"]
SAHABAT = METADATA.tables["sahabat"]
KUNJUNGAN = METADATA.tables["kunjungan"]
RIWAYAT = METADATA.tables["riwayat_skala"]
BATCH = METADATA.tables["import_batch"]
META = METADATA.tables["meta"]
_define_schema_v2_auth(METADATA)
PENGGUNA = METADATA.tables["pengguna"]
AUDIT = METADATA.tables["audit_log"]
UMKM.append_column(Column("presisi_lokasi", String))  # version 3
UMKM.append_column(Column("id_sumber", String))  # version 6
_define_schema_v3_import_log(METADATA)
PERUBAHAN = METADATA.tables["import_perubahan"]
_define_schema_v5_boundaries(METADATA)
BATAS_LAPISAN = METADATA.tables["batas_lapisan"]
BATAS_PERUBAHAN = METADATA.tables["batas_perubahan"]
for _name, _type in (  # version 7
    ("kunci", String),
    ("henti_id", Integer),
    ("lat", Float),
    ("lon", Float),
    ("akurasi_m", Float),
    ("jarak_m", Float),
    ("di_luar_radius", Boolean),
):
    KUNJUNGAN.append_column(Column(_name, _type))
KUNJUNGAN.append_constraint(Index("ux_kunjungan_kunci", KUNJUNGAN.c.kunci, unique=True))
PENGGUNA.append_column(Column("demo", Boolean, nullable=False, server_default=false()))
_define_schema_v7_field(METADATA)
RENCANA = METADATA.tables["rencana"]
RENCANA_RUTE = METADATA.tables["rencana_rute"]
RENCANA_HENTI = METADATA.tables["rencana_henti"]
KUNJUNGAN_FOTO = METADATA.tables["kunjungan_foto"]

# Browser sessions: migrated with the rest, but outside METADATA so backups leave them out.
SESSION_METADATA = MetaData(naming_convention=NAMING)
_define_schema_v7_sessions(SESSION_METADATA)
SESI_WEB = SESSION_METADATA.tables["sesi_web"]

# Bookkeeping for the runner itself; never changed by a migration.
VERSION_METADATA = MetaData(naming_convention=NAMING)
SCHEMA_VERSION = Table(
    "schema_version",
    VERSION_METADATA,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied", DateTime, nullable=False),  # UTC, naive
)


@dataclass(frozen=True)
class Spec:
    """How one model table maps onto one database table.

    Attributes
    ----------
    table : sqlalchemy.Table
        The database table.
    dtypes : Mapping[str, str]
        Model column -> pandas dtype (what reads return and writes accept).
    key : tuple of str
        The columns that identify a row (sort order of reads, named in messages).
    required : tuple of str
        Columns that may not be missing.
    optional : tuple of str
        Columns a write may leave out of its frame (stored as missing values).
    """

    table: Table
    dtypes: Mapping[str, str]
    key: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The database table's name."""
        return self.table.name


SPEC_UMKM = Spec(UMKM, register.UMKM_COLUMNS, ("id",), ("id",))
# The register plus ``presisi_lokasi`` (version 3) and ``id_sumber`` (version 6, optional in
# writes): what imports write and may read back.
SPEC_UMKM_PRESISI = Spec(
    UMKM,
    {**register.UMKM_COLUMNS, "presisi_lokasi": "string", "id_sumber": "string"},
    ("id",),
    ("id",),
    ("id_sumber",),
)
SPEC_SENTRA = Spec(SENTRA, register.SENTRA_COLUMNS, ("id",), ("id", "publik"))
SPEC_SAHABAT = Spec(SAHABAT, register.SAHABAT_COLUMNS, ("id",), ("id", "aktif"))
SPEC_VISITS = Spec(KUNJUNGAN, register.VISIT_COLUMNS, ("id",), ("id", "tanggal"))
SPEC_HISTORY = Spec(
    RIWAYAT, register.SIZE_HISTORY_COLUMNS, ("umkm_id", "tanggal"), ("umkm_id", "tanggal", "skala")
)


def migrate(conn: Connection) -> None:
    """Bring the schema of ``conn``'s database to the latest version of :data:`MIGRATIONS`.

    Creates ``schema_version`` when missing, then applies and records every pending step in
    the transaction of ``conn`` (the caller commits). On PostgreSQL a transaction-level
    advisory lock makes replicas that start at once wait for the one that migrates.

    Parameters
    ----------
    conn
        A connection inside a write transaction.

    Raises
    ------
    StoreError
        The database is at a newer version than this code, or a step failed (the caller's
        transaction then rolls every step of this call back).
    """
    if conn.dialect.name == "postgresql":
        # Replicas starting at once: one migrates, the others wait and find it done.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(current_schema()))"))
    VERSION_METADATA.create_all(conn)
    current = int(conn.scalar(select(func.max(SCHEMA_VERSION.c.version))) or 0)
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
        conn.execute(insert(SCHEMA_VERSION).values(version=version, applied=utcnow()))


def utcnow() -> dt.datetime:
    """Now in UTC as a naive datetime, to the second (what the DateTime columns hold)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
