"""Browser sessions behind the HttpOnly cookie: open, sign, validate, touch, revoke.

A password login opens a server-side session (:func:`open_session`): a random 256-bit id of
which only the sha256 is stored (``sesi_web``). The browser receives it in a cookie whose
value is ``<id>.<HMAC-SHA256(secret, id)>`` (:func:`sign`, :func:`unsign`), set by the
``/sesi/pasang`` route of :mod:`web.session_routes` in exchange for a single-use ticket
(:func:`issue_ticket`, :func:`redeem_ticket`): the Streamlit script cannot set response
headers, and the id itself never reaches the page's JavaScript.

A session ends, whichever comes first, :data:`geo.core.settings.SESSION_IDLE_MINUTES` minutes
after its last interaction, :data:`geo.core.settings.SESSION_MAX_HOURS` hours after the login
(the same rule as :func:`geo.services.auth.session_expired`), at "Keluar" (every session of the
account, :func:`revoke_user`), when its account is disabled, its role or password changes
(:mod:`geo.services.auth` revokes in the same unit of work) and at a restore of a backup
(:func:`revoke_everything`). The last interaction is written at most once per
:data:`geo.core.settings.SESSION_TOUCH_SECONDS`.

The signing secret is ``PETA_UMKM_SESSION_SECRET`` when set, else one generated on first use
and kept in the store's ``meta`` table (left out of backups; a data-set replacement, e.g.
``geo demo``, drops it, which ends every cookie). The HMAC is defence in depth: without the
stored hash an id signs nobody in, and with it the signature still has to match.

All times are naive UTC datetimes to the second, like the store's columns.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.core import settings
from geo.services.auth import account_fingerprint, session_expired, utcnow
from geo.store.sessions import SESSION_SECRET_KEY

if TYPE_CHECKING:
    from geo.store import Store

__all__ = [
    "COOKIE_NAME",
    "SessionInfo",
    "cookie_max_age",
    "id_hash",
    "issue_ticket",
    "open_session",
    "redeem_ticket",
    "revoke",
    "revoke_everything",
    "revoke_user",
    "sign",
    "unsign",
    "validate",
]

#: Name of the session cookie.
COOKIE_NAME = settings.SESSION_COOKIE_NAME
_ID_BYTES = 32  # 256 bits of randomness per session id
_TICKETS: dict[str, tuple[str, float]] = {}  # ticket -> (session id, monotonic deadline)
_TICKETS_LOCK = threading.Lock()


@dataclass(frozen=True)
class SessionInfo:
    """A valid session, as :func:`validate` returns it.

    Attributes
    ----------
    username : str
        The signed-in account.
    peran : str
        The account's current role.
    metode : str
        How it signed in (``"password"``).
    dibuat, terakhir : datetime.datetime
        Naive UTC times of the login and of the last recorded interaction.
    fingerprint : str
        :func:`geo.services.auth.account_fingerprint` of the account now.
    """

    username: str
    peran: str
    metode: str
    dibuat: dt.datetime
    terakhir: dt.datetime
    fingerprint: str


def id_hash(session_id: str) -> str:
    """Return the sha256 hex digest of a session id (what the store keeps)."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _secret(store: Store) -> bytes:
    """Return the signing secret, generating and storing one on first use."""
    configured = settings.session_secret_env()
    if configured:
        return configured.encode("utf-8")
    return store.session_secret(secrets.token_urlsafe(48)).encode("utf-8")


def _existing_secret(store: Store) -> bytes | None:
    """Return the signing secret, or None when none is stored yet (verifying never writes)."""
    configured = settings.session_secret_env()
    if configured:
        return configured.encode("utf-8")
    stored = store.get_meta(SESSION_SECRET_KEY)
    return stored.encode("utf-8") if stored else None


def _mac(secret: bytes, session_id: str) -> str:
    digest = hmac.new(secret, session_id.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign(store: Store, session_id: str) -> str:
    """Return the cookie value of a session: ``<id>.<HMAC-SHA256(secret, id)>`` (base64url)."""
    return f"{session_id}.{_mac(_secret(store), session_id)}"


def unsign(store: Store, value: str | None) -> str | None:
    """Return the session id of a cookie value whose signature is right, else None.

    Compares in constant time; anything malformed (no dot, too long, wrong MAC) gives None.
    """
    if not value or len(value) > 200 or "." not in value:
        return None
    session_id, _, mac = value.partition(".")
    if not session_id or not mac:
        return None
    secret = _existing_secret(store)  # an anonymous request stores nothing
    if secret is None:
        return None
    expected = _mac(secret, session_id)
    return session_id if hmac.compare_digest(expected, mac) else None


def open_session(
    store: Store, username: str, *, metode: str = "password", now: dt.datetime | None = None
) -> str:
    """Open a new session of ``username`` (a fresh id at every login) and return its id.

    Sessions older than the absolute limit are purged first (their rows are no longer
    useful). The caller has authenticated the account; this records no audit entry (the
    login's own entry, :data:`geo.core.audit.LOGIN`, covers it).

    Parameters
    ----------
    store
        The store.
    username
        The account that signed in.
    metode
        How it signed in.
    now
        Naive UTC time of the login (default: now).

    Returns
    -------
    str
        The session id (43 URL-safe characters). Keep it out of logs and pages.
    """
    now = now or utcnow()
    session_id = secrets.token_urlsafe(_ID_BYTES)
    stale = now - dt.timedelta(hours=settings.SESSION_MAX_HOURS) - dt.timedelta(days=1)
    with store.unit_of_work():
        store.purge_web_sessions(before=stale)
        store.add_web_session(id_hash(session_id), username=username, metode=metode, when=now)
    return session_id


def validate(
    store: Store, session_id: str | None, *, now: dt.datetime | None = None
) -> SessionInfo | None:
    """Return the session when it is still valid, recording the interaction; else None.

    Invalid: unknown, revoked, past the idle or absolute limit
    (:func:`geo.services.auth.session_expired`; an expired session is revoked here), or its
    account is unknown or disabled. A valid session's ``terakhir`` is moved to ``now`` when it
    is at least :data:`geo.core.settings.SESSION_TOUCH_SECONDS` old.

    Parameters
    ----------
    store
        The store.
    session_id
        The id (from :func:`unsign` or the Streamlit session).
    now
        Naive UTC time of the interaction (default: now).
    """
    if not session_id:
        return None
    now = now or utcnow()
    key = id_hash(session_id)
    row = store.get_web_session(key)
    if row is None or row["dicabut"] is not None:
        return None
    if session_expired(signed_in_at=row["dibuat"], last_seen=row["terakhir"], now=now):
        store.revoke_web_sessions(when=now, id_hash=key)
        return None
    user = store.get_user(row["username"])
    fingerprint = account_fingerprint(store, row["username"])
    if user is None or fingerprint is None:
        return None
    terakhir = row["terakhir"]
    if now - terakhir >= dt.timedelta(seconds=settings.SESSION_TOUCH_SECONDS):
        store.touch_web_session(key, when=now)
        terakhir = now
    return SessionInfo(
        username=str(row["username"]),
        peran=str(user["peran"]),
        metode=str(row["metode"]),
        dibuat=row["dibuat"],
        terakhir=terakhir,
        fingerprint=fingerprint,
    )


def cookie_max_age(info: SessionInfo, *, now: dt.datetime | None = None) -> int:
    """Return the cookie's ``Max-Age`` (s): what is left of the session's absolute limit."""
    now = now or utcnow()
    end = info.dibuat + dt.timedelta(hours=settings.SESSION_MAX_HOURS)
    return max(0, int((end - now).total_seconds()))


def revoke(store: Store, session_id: str | None, *, now: dt.datetime | None = None) -> int:
    """Revoke one session (an old cookie replaced at login); return 1 when it was active."""
    if not session_id:
        return 0
    return store.revoke_web_sessions(when=now or utcnow(), id_hash=id_hash(session_id))


def revoke_user(store: Store, username: str, *, now: dt.datetime | None = None) -> int:
    """Revoke every session of an account ("Keluar", disabled, changed); return how many.

    Joins the caller's :meth:`~geo.store.Store.unit_of_work` when there is one, so an
    account change and the end of its sessions commit together.
    """
    return store.revoke_web_sessions(when=now or utcnow(), username=str(username))


def revoke_everything(store: Store, *, now: dt.datetime | None = None) -> int:
    """Revoke every session of every account (a restore of a backup); return how many."""
    return store.revoke_web_sessions(when=now or utcnow())


def issue_ticket(session_id: str) -> str:
    """Return a single-use ticket for :func:`redeem_ticket`, valid for a short while.

    The ticket lives in this server process only (the route that redeems it runs in the same
    process as the Streamlit script) for :data:`geo.core.settings.SESSION_TICKET_SECONDS`.
    """
    ticket = secrets.token_urlsafe(_ID_BYTES)
    deadline = time.monotonic() + settings.SESSION_TICKET_SECONDS
    with _TICKETS_LOCK:
        now = time.monotonic()
        for old in [t for t, (_, until) in _TICKETS.items() if until <= now]:
            del _TICKETS[old]
        _TICKETS[ticket] = (session_id, deadline)
    return ticket


def redeem_ticket(ticket: str | None) -> str | None:
    """Return the session id of an unexpired ticket and forget the ticket; else None."""
    if not ticket or len(ticket) > 100:
        return None
    with _TICKETS_LOCK:
        entry = _TICKETS.pop(ticket, None)
    if entry is None or entry[1] <= time.monotonic():
        return None
    return entry[0]
