"""Browser sessions (``sesi_web``), the cookie-signing secret and the demo accounts' flags.

The rules (limits, signing, rotation, who may revoke) live in :mod:`geo.services.sessions`;
this module only stores. Only the sha256 of a session id is ever stored (``id_hash``), so the
table alone cannot sign anybody in. ``sesi_web`` is migrated with the rest of the schema but
is not part of :data:`~geo.store.schema.METADATA`, so backups leave it out; the secret is kept
in ``meta`` under :data:`SESSION_SECRET_KEY`, which :meth:`~geo.store.backup.BackupStore.dump`
leaves out too. Times are naive UTC datetimes to the second.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update

from geo.store.base import StoreBase
from geo.store.schema import META, PENGGUNA, SESI_WEB, StoreError

__all__ = ["SESSION_SECRET_KEY", "SessionStore"]

#: Key of the ``meta`` row holding the generated cookie-signing secret (never backed up).
SESSION_SECRET_KEY = "sesi_web.rahasia"


class SessionStore(StoreBase):
    """Signed-in browser sessions (``sesi_web``) and the demo accounts of ``pengguna``."""

    # -- sessions -------------------------------------------------------------------------------

    def add_web_session(
        self, id_hash: str, *, username: str, metode: str, when: dt.datetime
    ) -> None:
        """Store a new session (``dibuat`` = ``terakhir`` = ``when``, not revoked).

        Parameters
        ----------
        id_hash
            sha256 hex digest of the session id (64 characters; the id itself is never stored).
        username
            The signed-in account.
        metode
            How it signed in (``"password"``).
        when
            Naive UTC time of the sign-in.

        Raises
        ------
        StoreError
            ``id_hash`` is not 64 characters or already stored.
        """
        if not isinstance(id_hash, str) or len(id_hash) != 64:
            raise StoreError("sesi_web", "id_hash must be a sha256 hex digest")
        values = {
            "id_hash": id_hash,
            "username": str(username),
            "metode": str(metode),
            "dibuat": when,
            "terakhir": when,
            "dicabut": None,
        }
        with self._write("sesi_web") as conn:
            conn.execute(insert(SESI_WEB).values(**values))

    def get_web_session(self, id_hash: str) -> dict[str, Any] | None:
        """Return one session's row as a dict (keys are the columns), or None when unknown."""
        with self._engine.connect() as conn:
            row = (
                conn.execute(select(SESI_WEB).where(SESI_WEB.c.id_hash == id_hash))
                .mappings()
                .first()
            )
        return None if row is None else dict(row)

    def touch_web_session(self, id_hash: str, *, when: dt.datetime) -> None:
        """Record an interaction of a session that is not revoked (``terakhir = when``)."""
        with self._write("sesi_web") as conn:
            conn.execute(
                update(SESI_WEB)
                .where(SESI_WEB.c.id_hash == id_hash, SESI_WEB.c.dicabut.is_(None))
                .values(terakhir=when)
            )

    def revoke_web_sessions(
        self,
        *,
        when: dt.datetime,
        id_hash: str | None = None,
        username: str | None = None,
    ) -> int:
        """Revoke sessions that are not yet revoked (``dicabut = when``); return how many.

        Parameters
        ----------
        when
            Naive UTC time of the revocation.
        id_hash
            Only this session.
        username
            Only this account's sessions. With neither filter, every session is revoked.
        """
        stmt = update(SESI_WEB).where(SESI_WEB.c.dicabut.is_(None))
        if id_hash is not None:
            stmt = stmt.where(SESI_WEB.c.id_hash == id_hash)
        if username is not None:
            stmt = stmt.where(SESI_WEB.c.username == username)
        with self._write("sesi_web") as conn:
            return int(conn.execute(stmt.values(dicabut=when)).rowcount or 0)

    def count_web_sessions(self, username: str, *, active: bool = True) -> int:
        """Count an account's sessions (``active``: only those not revoked)."""
        stmt = select(func.count()).select_from(SESI_WEB).where(SESI_WEB.c.username == username)
        if active:
            stmt = stmt.where(SESI_WEB.c.dicabut.is_(None))
        with self._engine.connect() as conn:
            return int(conn.scalar(stmt) or 0)

    def purge_web_sessions(self, *, before: dt.datetime) -> int:
        """Delete sessions signed in before ``before`` or revoked before it; return how many."""
        stale = or_(
            SESI_WEB.c.dibuat < before,
            and_(SESI_WEB.c.dicabut.is_not(None), SESI_WEB.c.dicabut < before),
        )
        with self._write("sesi_web") as conn:
            return int(conn.execute(delete(SESI_WEB).where(stale)).rowcount or 0)

    def session_secret(self, candidate: str) -> str:
        """Return the stored cookie-signing secret, storing ``candidate`` when there is none.

        One write transaction, so concurrent first calls agree on one secret.
        """
        if not isinstance(candidate, str) or len(candidate) < 32:
            raise StoreError("meta", "the session secret must be at least 32 characters")
        key = META.c.key == SESSION_SECRET_KEY
        with self._write("meta") as conn:
            stored = conn.scalar(select(META.c.value).where(key))
            if stored is None:
                conn.execute(insert(META).values(key=SESSION_SECRET_KEY, value=candidate))
                return candidate
            return str(stored)

    # -- demo accounts ----------------------------------------------------------------------------

    def read_demo_users(self) -> list[dict[str, Any]]:
        """Return the demo accounts (``pengguna.demo``): username, peran, aktif; by username."""
        stmt = (
            select(PENGGUNA.c.username, PENGGUNA.c.peran, PENGGUNA.c.aktif)
            .where(PENGGUNA.c.demo.is_(True))
            .order_by(PENGGUNA.c.username)
        )
        with self._engine.connect() as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def count_real_admins(self) -> int:
        """Count the active admin accounts that are not demo accounts."""
        stmt = (
            select(func.count())
            .select_from(PENGGUNA)
            .where(
                PENGGUNA.c.peran == "admin",
                PENGGUNA.c.aktif.is_(True),
                PENGGUNA.c.demo.is_(False),
            )
        )
        with self._engine.connect() as conn:
            return int(conn.scalar(stmt) or 0)
