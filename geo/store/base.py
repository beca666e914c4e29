"""The store's engine, transactions and migration on opening: :class:`StoreBase`.

Every aggregate class of the store (register, imports, accounts, meta, backup) derives from
:class:`StoreBase` and writes through :meth:`StoreBase._write`; :class:`geo.store.Store`
combines them.

Writes are batches. Every public write runs in ONE transaction: either all of it is stored or
nothing is, and a failure is raised as :class:`~geo.store.schema.StoreError` (a ``ValueError``)
that names the table and, for a row problem, the id of the offending row. Several writes join
one transaction inside :meth:`StoreBase.unit_of_work`.

SQLite specifics
----------------
Every SQLite connection runs ``PRAGMA journal_mode=WAL`` (readers do not block the writer,
which suits Streamlit's many sessions) and ``PRAGMA foreign_keys=ON`` (SQLite ignores foreign
keys otherwise). The ``sqlite3`` driver's legacy transaction handling is switched off and the
store emits ``BEGIN`` itself, as the SQLAlchemy documentation recommends: without this, DDL
(the migrations) would be autocommitted statement by statement. Write transactions use
``BEGIN IMMEDIATE`` so that two writers queue on the lock (``timeout`` 30 s) instead of one of
them failing when it upgrades a read lock. These are the only SQLite-specific statements
(:func:`_sqlite_on_connect`, :func:`_sqlite_on_begin`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from geo.core import settings
from geo.store.rows import (
    existing_values,
)
from geo.store.schema import (
    SCHEMA_VERSION,
    Spec,
    StoreError,
    migrate,
)

__all__ = ["StoreBase"]

_SQLITE_TIMEOUT_S = 30.0
# Execution option read by the SQLite begin hook: write transactions take the lock at BEGIN.
_WRITE_OPTION = "peta_umkm_write"


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
    """Create the engine for ``url``; SQLite gets its hooks, a shared in-memory connection."""
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


# --- The shared base ---------------------------------------------------------------------------


class StoreBase:
    """The database connection every part of the store shares (SQLite or any SQLAlchemy URL).

    The engine, the transactions and the checks every aggregate of the store shares; use
    :class:`geo.store.Store`, which combines them. Creating one connects, creates the schema if
    missing and applies pending :data:`~geo.store.schema.MIGRATIONS`.

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
        self._local = threading.local()  # the connection of a unit of work, per thread
        try:
            self._migrate()
        except BaseException:
            self._engine.dispose()
            raise

    # -- lifecycle --------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    def __enter__(self) -> Self:
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
            return int(conn.scalar(select(func.max(SCHEMA_VERSION.c.version))) or 0)

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
        :meth:`~geo.store.meta.MetaStore.bump_data_version` commit together, or, on any
        exception, none of them does. Re-entrant (a nested block joins the outer one) and per
        thread (Streamlit sessions sharing one store each get their own).

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

    def serialise(self, name: str) -> None:
        """Inside a :meth:`unit_of_work`: wait until no other unit of work holds ``name``.

        A check-then-write use case (duplicates against the stored register) calls it first,
        so two of them never both pass the check. PostgreSQL: a transaction-level advisory
        lock, released at commit or rollback. SQLite: nothing to do, the unit of work already
        holds the database's write lock (``BEGIN IMMEDIATE``) from its start.

        Parameters
        ----------
        name
            What is being serialised, e.g. ``"umkm"``.
        """
        with self._write("serialise") as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": name})

    def _migrate(self) -> None:
        """Apply the pending migrations in one write transaction (see :func:`migrate`)."""
        with self._write("schema_version") as conn:
            migrate(conn)

    # -- checks inside a write transaction ----------------------------------------------------

    # Static methods, called through ``self`` so that tests can switch one off on the class.

    @staticmethod
    def _check_new_ids(conn: Connection, spec: Spec, records: list[dict[str, Any]]) -> None:
        """Refuse ``records`` when one of their ids is already in ``spec``'s table."""
        ids = [r["id"] for r in records]
        taken = existing_values(conn, spec.table.c.id, ids)
        if taken:
            first = next(i for i in ids if i in taken)
            raise StoreError(spec.name, "id already in the store", row_id=first)

    @staticmethod
    def _check_sentra_refs(records: list[dict[str, Any]], sentra_ids: set[Any]) -> None:
        """Refuse UMKM ``records`` whose ``sentra_id`` is set but not in ``sentra_ids``."""
        for r in records:
            if r["sentra_id"] is not None and r["sentra_id"] not in sentra_ids:
                raise StoreError("umkm", f"unknown sentra_id {r['sentra_id']!r}", row_id=r["id"])

    @staticmethod
    def _check_history_refs(records: list[dict[str, Any]], umkm_ids: set[Any]) -> None:
        """Refuse size-history ``records`` whose ``umkm_id`` is not in ``umkm_ids``."""
        for r in records:
            if r["umkm_id"] not in umkm_ids:
                raise StoreError(
                    "riwayat_skala",
                    f"unknown umkm_id {r['umkm_id']!r}",
                    row_id=f"{r['umkm_id']} {r['tanggal'].isoformat()}",
                )
