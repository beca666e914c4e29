"""The register's database: :class:`Store`, composed from one class per aggregate.

:class:`Store` keeps the UMKM register, the sentra list, the Sahabat UMKM roster, visits, size
history, import batches, users, the audit log and a small key/value ``meta`` table in any
database SQLAlchemy 2 can reach. The default is the embedded SQLite file from
:func:`geo.core.settings.database_url`; PostgreSQL/PostGIS runs through the same code when
``DATABASE_URL`` points there (``postgresql+psycopg://...``). Everything is SQLAlchemy Core
(``Table``/``MetaData``, no ORM) and portable SQL; :mod:`geo.store` is the only package in the
project that speaks SQL, and only :mod:`geo.services` calls its write methods.

The store is split by aggregate, each a class on the shared :class:`~geo.store.base.StoreBase`
(engine, transactions, :meth:`~geo.store.base.StoreBase.unit_of_work`, migration on opening):

========================================  ======================================================
:mod:`geo.store.register`                 UMKM, sentra, Sahabat UMKM, visits, size history,
                                          counts, :meth:`~RegisterStore.replace_dataset`
:mod:`geo.store.spatial`                  kelurahan boundaries and the PostGIS spatial queries
:mod:`geo.store.aggregates`               filtered counts and map points, pushed down to SQL
:mod:`geo.store.layers`                   the city's active boundary layer, its kode changes
:mod:`geo.store.imports`                  import batches, commit, undo and change log
:mod:`geo.store.accounts`                 users, failed logins, audit log
:mod:`geo.store.sessions`                 browser sessions, cookie secret, demo accounts
:mod:`geo.store.plans`                    saved visit plans, their routes, stops and status
:mod:`geo.store.meta`                     the ``meta`` table and the data version
:mod:`geo.store.backup`                   dump and restore of every table (and the backup file)
========================================  ======================================================

Tables, migrations and :class:`~geo.store.schema.StoreError` are in :mod:`geo.store.schema`,
the frame/row conversions and bulk statements in :mod:`geo.store.rows`.

Writes are batches. Every public write runs in ONE transaction: either all of it is stored or
nothing is, and a failure is raised as :class:`StoreError` (a ``ValueError``) that names the
table and, for a row problem (duplicate id, unknown sentra, missing required value), the id of
the offending row.
"""

from __future__ import annotations

from geo.store.accounts import AUDIT_COLUMNS, USER_COLUMNS, AccountStore
from geo.store.aggregates import AggregateStore
from geo.store.backup import BackupStore
from geo.store.imports import IMPORT_BATCH_COLUMNS, ImportStore
from geo.store.layers import LayerStore
from geo.store.meta import MetaStore
from geo.store.plans import PlanStore
from geo.store.register import COUNTABLE_COLUMNS
from geo.store.schema import MIGRATIONS, Migration, StoreError
from geo.store.sessions import SessionStore

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


class Store(
    LayerStore,
    AggregateStore,
    ImportStore,
    AccountStore,
    SessionStore,
    PlanStore,
    MetaStore,
    BackupStore,
):
    """The register's database (SQLite by default, any SQLAlchemy URL).

    Creating a store connects, creates the schema if missing and applies pending
    :data:`~geo.store.schema.MIGRATIONS`. Its methods come from the aggregate classes
    (:class:`~geo.store.register.RegisterStore` through
    :class:`~geo.store.spatial.SpatialStore` and :class:`~geo.store.layers.LayerStore`,
    :class:`~geo.store.imports.ImportStore`,
    :class:`~geo.store.accounts.AccountStore`, :class:`~geo.store.meta.MetaStore`,
    :class:`~geo.store.backup.BackupStore`) on :class:`~geo.store.base.StoreBase`.

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
