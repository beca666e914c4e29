"""Officer accounts: password hashing, login with throttling, session expiry, SSO roles.

Roles are those of :mod:`geo.core.access`; ``publik`` needs no account. Accounts live in the
store's ``pengguna`` table and are managed with ``python -m geo user add|list|disable|enable|
passwd`` (:func:`run_user_command`) or on the Admin page; every change is written to the audit
log (:mod:`geo.core.audit`).

Passwords are hashed with Argon2id (``argon2-cffi``, the algorithm OWASP recommends first,
with the library's RFC 9106 "low memory" defaults: 64 MiB, 3 passes). The encoded hash holds
its own salt and parameters, so stronger parameters later are picked up by
:func:`authenticate`, which rehashes on the next successful login.

Throttling: :data:`geo.core.settings.LOGIN_MAX_FAILURES` consecutive failures lock an account for
:data:`geo.core.settings.LOGIN_LOCK_MINUTES` minutes (stored, so it holds across browser sessions
and server restarts); the page also counts failures per browser session, so guessing at
unknown usernames is slowed the same way (:func:`session_locked_until`). An unknown username
costs the same hashing time as a known one, and the same message is shown, so the form does
not tell which usernames exist.

Sessions end after :data:`geo.core.settings.SESSION_IDLE_MINUTES` minutes without interaction or
:data:`geo.core.settings.SESSION_MAX_HOURS` hours after signing in (:func:`session_expired`).
Disabling an account, changing its role or password revokes its browser sessions
(:mod:`geo.services.sessions`) in the same unit of work.

Single sign-on: when Streamlit's OIDC login (``st.login``) is configured in
``.streamlit/secrets.toml`` (section ``[auth]``), a signed-in identity gets its role from
:func:`role_for_identity`: an active account in the store whose username is the e-mail
address, else the ``[peta_umkm.roles]`` table of the secrets (exact addresses, or ``"@domain"``
for a whole domain). An identity with no role stays ``publik``.

All times are naive datetimes in UTC, like the store's columns.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geo.core import audit, settings
from geo.core.access import ROLES

if TYPE_CHECKING:
    from geo.store import Store

__all__ = [
    "OFFICER_ROLES",
    "AuthError",
    "LoginResult",
    "account_fingerprint",
    "authenticate",
    "create_user",
    "disable_demo_accounts",
    "hash_password",
    "list_users",
    "read_new_password",
    "record_logout",
    "record_sso_login",
    "role_for_identity",
    "run_user_command",
    "session_expired",
    "session_locked_until",
    "set_active",
    "set_password",
    "set_role",
    "unlock",
    "utcnow",
    "validate_password",
    "validate_username",
    "verify_password",
]

#: Roles an account can hold (``publik`` needs no account).
OFFICER_ROLES: tuple[str, ...] = tuple(r for r in ROLES if r != "publik")

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{2,63}$")
_HASHER = PasswordHasher()
# Verified against when the username is unknown, so both cases cost the same time.
_DUMMY_HASH = _HASHER.hash("peta-umkm: no such user")

LoginReason = Literal["ok", "invalid", "locked"]


class AuthError(ValueError):
    """A user-management request that was refused; nothing was changed.

    Attributes
    ----------
    code : str
        A message key of :mod:`geo.core.messages.auth` (``"auth.err_..."``) for the UI.
    detail : dict
        Values for the message's placeholders.
    """

    def __init__(self, code: str, message: str, **detail: Any) -> None:
        self.code = code
        self.detail = detail
        super().__init__(message)


@dataclass(frozen=True)
class LoginResult:
    """The outcome of :func:`authenticate`.

    Attributes
    ----------
    ok : bool
        True when the password was right and the account active and unlocked.
    reason : {"ok", "invalid", "locked"}
        ``invalid`` covers unknown users, wrong passwords and disabled accounts alike.
    username : str
        The name as entered (normalised to lower case).
    peran : str
        The account's role when ``ok``, else ``"publik"``.
    locked_until : datetime.datetime or None
        Naive UTC end of the lock when ``reason == "locked"``.
    """

    ok: bool
    reason: LoginReason
    username: str
    peran: str = "publik"
    locked_until: dt.datetime | None = None


def utcnow() -> dt.datetime:
    """Now as a naive UTC datetime to the second (the store's convention)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


# --- Passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """Return the encoded Argon2id hash of ``password`` (salted; never equal to it)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return True when ``password`` matches ``password_hash`` (False for None or garbage)."""
    if not password_hash:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def validate_username(username: str) -> str:
    """Return ``username`` stripped and lower-cased, or raise :class:`AuthError`.

    3 to 64 characters: letters, digits and ``. _ @ + -`` (an e-mail address is accepted, for
    single sign-on accounts), starting with a letter or digit.
    """
    name = str(username).strip().lower()
    if not _USERNAME.match(name):
        raise AuthError(
            "auth.err_username",
            f"username {username!r}: use 3-64 letters, digits or . _ @ + -",
            username=username,
        )
    return name


def validate_password(password: str, *, username: str = "") -> None:
    """Raise :class:`AuthError` unless ``password`` is acceptable.

    At least :data:`geo.core.settings.PASSWORD_MIN_LENGTH` characters, not the username, and
    not easy to guess: zxcvbn's score at least :data:`geo.core.settings.PASSWORD_MIN_SCORE`
    (refuses ``password12``, ``aaaaaaaaaa``, ten spaces, keyboard patterns, dates).
    """
    if len(password) < settings.PASSWORD_MIN_LENGTH:
        raise AuthError(
            "auth.err_password_short",
            f"the password needs at least {settings.PASSWORD_MIN_LENGTH} characters",
            n=settings.PASSWORD_MIN_LENGTH,
        )
    if username and password.strip().lower() == username.strip().lower():
        raise AuthError("auth.err_password_username", "the password must not be the username")
    from zxcvbn import zxcvbn  # frequency lists of common passwords, names, words, patterns

    words = [w for w in (username, "malang", "umkm", "sentra", "diskopindag", "sahabat") if w]
    if zxcvbn(password[:100], user_inputs=words)["score"] < settings.PASSWORD_MIN_SCORE:
        raise AuthError(
            "auth.err_password_weak",
            "the password is too easy to guess (a common password, a pattern or a repetition)",
        )


def _check_role(peran: str) -> str:
    if peran not in OFFICER_ROLES:
        raise AuthError(
            "auth.err_role",
            f"unknown role {peran!r}; choose one of {', '.join(OFFICER_ROLES)}",
            peran=peran,
        )
    return peran


# --- Login -------------------------------------------------------------------------------------


def authenticate(
    store: Store, username: str, password: str, *, now: dt.datetime | None = None
) -> LoginResult:
    """Check a login and record it (audit log, failure count, lock).

    Parameters
    ----------
    store
        The store holding the accounts.
    username, password
        As typed into the form (the username is normalised to lower case).
    now
        Naive UTC time of the attempt (default: now); tests pass their own.

    Returns
    -------
    LoginResult
        ``ok`` with the role, or the reason for refusing. A locked account costs the same
        hashing time as any other attempt (the page shows one message for both, so neither
        timing nor text tells an attacker that an account exists or is locked). The
        :data:`geo.core.settings.LOGIN_MAX_FAILURES`-th consecutive failure locks the account
        for :data:`geo.core.settings.LOGIN_LOCK_MINUTES` minutes; a success resets the count.
    """
    now = now or utcnow()
    name = str(username).strip().lower()
    user = store.get_user(name) if name else None
    if user is None or not user["aktif"] or not user["password_hash"]:
        verify_password(_DUMMY_HASH, password)  # same cost as a real check
        if user is not None:
            audit.record(store, name, audit.LOGIN_FAILED, name, "akun nonaktif atau tanpa sandi")
        return LoginResult(ok=False, reason="invalid", username=name)
    correct = verify_password(user["password_hash"], password)  # same cost, locked or not
    locked = user["terkunci_sampai"]
    if locked is not None and locked > now:
        return LoginResult(ok=False, reason="locked", username=name, locked_until=locked)
    if not correct:
        lock_until = now + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        with store.unit_of_work():
            failures = store.record_login_failure(
                name, lock_after=settings.LOGIN_MAX_FAILURES, lock_until=lock_until
            )
            audit.record(store, name, audit.LOGIN_FAILED, name, f"gagal ke-{failures}")
        if failures >= settings.LOGIN_MAX_FAILURES:
            return LoginResult(ok=False, reason="locked", username=name, locked_until=lock_until)
        return LoginResult(ok=False, reason="invalid", username=name)
    changes: dict[str, Any] = {"gagal_login": 0, "terkunci_sampai": None}
    if _HASHER.check_needs_rehash(user["password_hash"]):
        changes["password_hash"] = hash_password(password)
    with store.unit_of_work():
        store.update_user(name, **changes)
        audit.record(store, name, audit.LOGIN, name, f"peran {user['peran']}")
    return LoginResult(ok=True, reason="ok", username=name, peran=str(user["peran"]))


def session_locked_until(
    failure_times: list[dt.datetime], *, now: dt.datetime
) -> dt.datetime | None:
    """Return when a browser session may try again, or None when it may try now.

    A client that failed :data:`geo.core.settings.CLIENT_MAX_FAILURES` times within the last
    :data:`geo.core.settings.LOGIN_LOCK_MINUTES` minutes waits until the oldest of those failures
    is that old. This throttles guessing at usernames that do not exist (which have no
    stored failure count).

    Parameters
    ----------
    failure_times
        Naive UTC times of the session's failed attempts (any order).
    now
        Naive UTC time of the new attempt.
    """
    window = dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    recent = sorted(t for t in failure_times if now - t < window)
    if len(recent) < settings.CLIENT_MAX_FAILURES:
        return None
    return recent[-settings.CLIENT_MAX_FAILURES] + window


def session_expired(*, signed_in_at: dt.datetime, last_seen: dt.datetime, now: dt.datetime) -> bool:
    """Return True when a signed-in session has ended.

    It ends :data:`geo.core.settings.SESSION_IDLE_MINUTES` minutes after ``last_seen`` (the last
    interaction) or :data:`geo.core.settings.SESSION_MAX_HOURS` hours after ``signed_in_at``,
    whichever comes first. All three are naive UTC datetimes.
    """
    idle = dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    absolute = dt.timedelta(hours=settings.SESSION_MAX_HOURS)
    return now - last_seen >= idle or now - signed_in_at >= absolute


def role_for_identity(
    email: str | None,
    *,
    email_verified: bool | None,
    roles: Mapping[str, str],
    store: Store | None = None,
) -> str:
    """Return the role of a single-sign-on identity; ``"publik"`` when it has none.

    Parameters
    ----------
    email
        The identity's e-mail address (``st.user.email``).
    email_verified
        The provider's ``email_verified`` claim. ``False`` gives ``publik``: an unverified
        address proves nothing. ``None`` (claim absent) is accepted, as for providers that
        only issue verified addresses.
    roles
        ``[peta_umkm.roles]`` from the secrets: address or ``"@domain"`` -> role.
    store
        When given, an active account whose username is the address decides first (so an
        admin can disable an SSO user in the app).

    Returns
    -------
    str
        One of :data:`geo.core.access.ROLES`. Unknown roles in ``roles`` are ignored.
    """
    if not email or email_verified is False:
        return "publik"
    address = email.strip().lower()
    if store is not None:
        user = store.get_user(address)
        if user is not None:
            return str(user["peran"]) if user["aktif"] else "publik"
    table = {str(k).strip().lower(): str(v) for k, v in roles.items()}
    domain = "@" + address.rpartition("@")[2]
    for key in (address, domain):
        role = table.get(key)
        if role in OFFICER_ROLES:
            return role
    return "publik"


# --- User management ---------------------------------------------------------------------------


def create_user(store: Store, username: str, password: str, peran: str, *, by: str) -> str:
    """Create an active account and audit it; return the normalised username.

    Raises
    ------
    AuthError
        Bad username, role or password, or the username is taken. Nothing is stored.
    """
    name = validate_username(username)
    _check_role(peran)
    validate_password(password, username=name)
    if store.get_user(name) is not None:
        raise AuthError("auth.err_exists", f"user {name!r} already exists", username=name)
    with store.unit_of_work():
        store.add_user(name, password_hash=hash_password(password), peran=peran)
        audit.record(store, by, audit.USER_ADD, name, f"peran {peran}")
        if peran == "admin":  # the first real admin ends the demo accounts
            disable_demo_accounts(store, by=by, reason=f"admin {name} dibuat")
    return name


def disable_demo_accounts(store: Store, *, by: str, reason: str) -> list[str]:
    """Disable every active demo account and end its sessions, audited; return their names.

    Called in the unit of work of the first real import and of the creation of a real admin
    (``geo user add NAME --peran admin``): from then on the store holds real data and the
    printed demo passwords must open nothing. Nothing is written when no demo account is
    active.

    Parameters
    ----------
    store
        The store.
    by
        Who acted, for the audit log.
    reason
        Why, for the audit entry (e.g. ``"impor pertama data nyata"``).
    """
    active = [str(u["username"]) for u in store.read_demo_users() if u["aktif"]]
    if not active:
        return []
    now = utcnow()
    with store.unit_of_work():
        for name in active:
            store.update_user(name, aktif=False)
            store.revoke_web_sessions(when=now, username=name)
        audit.record(store, by, audit.DEMO_ACCOUNTS_OFF, ", ".join(active), reason)
    return active


def _existing(store: Store, username: str) -> str:
    name = str(username).strip().lower()
    if store.get_user(name) is None:
        raise AuthError("auth.err_unknown_user", f"no user {name!r}", username=name)
    return name


def set_password(store: Store, username: str, password: str, *, by: str) -> None:
    """Give an account a new password, clear its failures and lock, and audit it."""
    name = _existing(store, username)
    validate_password(password, username=name)
    password_hash = hash_password(password)
    with store.unit_of_work():
        store.update_user(name, password_hash=password_hash, gagal_login=0, terkunci_sampai=None)
        store.revoke_web_sessions(when=utcnow(), username=name)
        audit.record(store, by, audit.USER_PASSWORD, name, "sandi diganti")


def set_active(store: Store, username: str, *, aktif: bool, by: str) -> None:
    """Disable (``aktif=False``) or re-enable an account, and audit it.

    Raises
    ------
    AuthError
        The user is unknown, or ``by`` would disable their own account.
    """
    name = _existing(store, username)
    if not aktif and name == by:
        raise AuthError("auth.err_self", "you cannot disable your own account")
    with store.unit_of_work():
        store.update_user(name, aktif=aktif, gagal_login=0, terkunci_sampai=None)
        if not aktif:
            store.revoke_web_sessions(when=utcnow(), username=name)
        audit.record(store, by, audit.USER_ENABLE if aktif else audit.USER_DISABLE, name)


def unlock(store: Store, username: str, *, by: str) -> None:
    """End an account's lock and clear its failure count (an admin's action), audited."""
    name = _existing(store, username)
    with store.unit_of_work():
        store.update_user(name, gagal_login=0, terkunci_sampai=None)
        audit.record(store, by, audit.USER_UNLOCK, name, "kunci dibuka")


def set_role(store: Store, username: str, peran: str, *, by: str) -> None:
    """Change an account's role and audit it."""
    name = _existing(store, username)
    _check_role(peran)
    with store.unit_of_work():
        store.update_user(name, peran=peran)
        store.revoke_web_sessions(when=utcnow(), username=name)
        audit.record(store, by, audit.USER_ROLE, name, f"peran {peran}")


def account_fingerprint(store: Store, username: str) -> str | None:
    """Return a short fingerprint of what a session's rights rest on, or None if disabled.

    The fingerprint changes when the account's role or password changes; None when the account
    is unknown or disabled. A signed-in session keeps the value from its sign-in and compares
    it on every run (one primary-key query), so ``python -m geo user disable``, a role change
    or a new password ends every open session of that account at its next interaction.

    Parameters
    ----------
    store
        The store.
    username
        The account.

    Returns
    -------
    str or None
        16 hex characters, or None.
    """
    user = store.get_user(str(username).strip().lower())
    if user is None or not user["aktif"]:
        return None
    basis = f"{user['peran']}|{user['password_hash'] or ''}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def record_logout(store: Store, username: str, *, reason: str = "keluar") -> None:
    """Audit the end of a session (sign-out, expiry, revoked account)."""
    audit.record(store, username, audit.LOGOUT, username, reason)


def record_sso_login(store: Store, username: str, *, peran: str) -> None:
    """Audit a single sign-on login (the identity provider checked the password)."""
    audit.record(store, username, audit.LOGIN, username, f"peran {peran}; SSO")


def list_users(store: Store) -> pd.DataFrame:
    """Return the accounts (columns of :data:`geo.store.USER_COLUMNS`; no hashes)."""
    return store.read_users()


def read_new_password(*, stdin: bool = False) -> str:
    """Read a new password for the command line: asked twice without echo, or one stdin line.

    Raises
    ------
    AuthError
        The two entries differ, there is no terminal to ask on (use ``--password-stdin``),
        standard input ended, or the line is not UTF-8.
    """
    if stdin:
        buffer = getattr(sys.stdin, "buffer", None)  # a text stream (tests) has none
        if buffer is None:
            return sys.stdin.readline().rstrip("\r\n")
        raw = buffer.readline()
        try:
            return raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise AuthError("auth.err_password_encoding", "the password is not UTF-8") from exc
    if not sys.stdin.isatty():
        raise AuthError(
            "auth.err_no_terminal", "no terminal to ask for the password: use --password-stdin"
        )
    try:
        first = getpass.getpass("Password: ")
        again = getpass.getpass("Repeat password: ")
    except EOFError as exc:
        raise AuthError("auth.err_no_terminal", "no password given (input ended)") from exc
    if again != first:
        raise AuthError("auth.err_password_mismatch", "the two passwords differ")
    return first


def run_user_command(
    store: Store,
    action: str,
    *,
    username: str | None = None,
    peran: str | None = None,
    password: str | None = None,
    by: str,
) -> str:
    """Carry out ``python -m geo user <action>`` and return the text to print.

    Parameters
    ----------
    store
        The store.
    action
        ``add`` (needs ``username``, ``peran``, ``password``), ``list``, ``disable``,
        ``enable`` (need ``username``), ``passwd`` (needs ``username``, ``password``),
        ``role`` (needs ``username``, ``peran``).
    username
        The account concerned (all actions but ``list``).
    peran
        The role for ``add`` and ``role``.
    password
        The new password for ``add`` and ``passwd`` (read by the caller, never echoed).
    by
        The actor recorded in the audit log (:func:`geo.core.audit.cli_actor`).

    Raises
    ------
    AuthError
        The request was refused; nothing was changed.
    """
    if action == "list":
        users = list_users(store)
        if users.empty:
            return "No users."
        lines = [f"{'username':<32}{'peran':<12}{'aktif':<7}{'gagal':>5}  terkunci_sampai"]
        for row in users.itertuples(index=False):
            locked = "" if pd.isna(row.terkunci_sampai) else f"{row.terkunci_sampai} UTC"
            aktif = "ya" if row.aktif else "tidak"
            lines.append(
                f"{row.username:<32}{row.peran:<12}{aktif:<7}{row.gagal_login:>5}  {locked}"
            )
        return "\n".join(lines)
    if not username:
        raise AuthError("auth.err_username", "a username is required", username="")
    if action == "add":
        name = create_user(store, username, password or "", peran or "", by=by)
        return f"User {name!r} created with role {peran}."
    if action == "passwd":
        set_password(store, username, password or "", by=by)
        return f"Password of {username!r} changed."
    if action in ("disable", "enable"):
        set_active(store, username, aktif=action == "enable", by=by)
        return f"User {username!r} {'enabled' if action == 'enable' else 'disabled'}."
    if action == "role":
        set_role(store, username, peran or "", by=by)
        return f"User {username!r} now has role {peran}."
    if action == "unlock":
        unlock(store, username, by=by)
        return f"User {username!r} unlocked."
    raise AuthError("auth.err_action", f"unknown action {action!r}")
