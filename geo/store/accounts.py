"""The accounts aggregate of the store: users, failed logins and the audit log.

The rules (roles, lock-out, what is audited) live in :mod:`geo.services.auth` and
:mod:`geo.core.audit`; this module only stores. Times are naive UTC datetimes to the second.
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any

import pandas as pd
from sqlalchemy import (
    insert,
    select,
    update,
)

from geo.store.base import StoreBase
from geo.store.rows import (
    existing_values,
    to_frame,
)
from geo.store.schema import (
    AUDIT,
    PENGGUNA,
    StoreError,
    utcnow,
)

__all__ = ["AUDIT_COLUMNS", "USER_COLUMNS", "AccountStore"]

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
_USER_UPDATABLE = frozenset(
    {"password_hash", "peran", "aktif", "gagal_login", "terkunci_sampai", "demo"}
)


class AccountStore(StoreBase):
    """Users (``pengguna``) and the audit log (``audit_log``)."""

    def add_user(
        self,
        username: str,
        *,
        password_hash: str | None,
        peran: str,
        aktif: bool = True,
        demo: bool = False,
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
        demo
            True marks a demo account (``geo demo``; disabled by the first real data).

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
            "dibuat": utcnow(),
            "gagal_login": 0,
            "terkunci_sampai": None,
            "demo": bool(demo),
        }
        with self._write("pengguna") as conn:
            if existing_values(conn, PENGGUNA.c.username, [username]):
                raise StoreError("pengguna", "username already taken", row_id=username)
            conn.execute(insert(PENGGUNA).values(**values))

    def get_user(self, username: str) -> dict[str, Any] | None:
        """Return one user's row (password hash included) as a dict, or None when unknown.

        Keys: ``username``, ``password_hash``, ``peran``, ``aktif``, ``dibuat``,
        ``gagal_login``, ``terkunci_sampai`` (datetimes naive UTC, ``terkunci_sampai`` None
        when not locked).
        """
        with self._engine.connect() as conn:
            row = (
                conn.execute(select(PENGGUNA).where(PENGGUNA.c.username == username))
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
        stmt = select(*(PENGGUNA.c[c] for c in USER_COLUMNS))
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        frame = to_frame(rows, USER_COLUMNS)
        return frame.sort_values("username", kind="stable", ignore_index=True)

    def update_user(self, username: str, **changes: Any) -> None:
        """Change some fields of one user in one transaction.

        Parameters
        ----------
        username
            An existing user.
        **changes
            Any of ``password_hash``, ``peran``, ``aktif``, ``gagal_login``,
            ``terkunci_sampai`` (naive UTC datetime or None), ``demo``.

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
                update(PENGGUNA).where(PENGGUNA.c.username == username).values(**changes)
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
        column = PENGGUNA.c.gagal_login
        with self._write("pengguna") as conn:
            conn.execute(
                update(PENGGUNA)
                .where(PENGGUNA.c.username == username)
                .values(gagal_login=column + 1)
            )
            failures = conn.scalar(select(column).where(PENGGUNA.c.username == username))
            if failures is None:
                return 0
            if int(failures) >= lock_after:
                conn.execute(
                    update(PENGGUNA)
                    .where(PENGGUNA.c.username == username)
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
            "waktu": utcnow(),
            "pengguna": str(pengguna),
            "aksi": str(aksi),
            "objek": str(objek),
            "rincian": str(rincian),
        }
        with self._write("audit_log") as conn:
            result = conn.execute(insert(AUDIT).values(**values))
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
        stmt = select(*(AUDIT.c[c] for c in AUDIT_COLUMNS)).order_by(AUDIT.c.id.desc())
        if limit is not None:
            stmt = stmt.limit(operator.index(limit))
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        return to_frame(rows, AUDIT_COLUMNS)
