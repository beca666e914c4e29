"""The store: SQLAlchemy 2 over SQLite (default) or PostgreSQL/PostGIS; the only module with SQL.

Only :mod:`geo.services` calls its write methods.
"""

from geo.store.database import (
    AUDIT_COLUMNS,
    COUNTABLE_COLUMNS,
    IMPORT_BATCH_COLUMNS,
    MIGRATIONS,
    USER_COLUMNS,
    Migration,
    Store,
    StoreError,
)

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
