"""Sign-in state of one browser session: login, logout, expiry, single sign-on, refusal.

Streamlit only; the rules (hashing, throttling, expiry, identity -> role) live in
:mod:`geo.services.auth`. Session state after a login: ``role`` (:data:`pages._common.ROLE_KEY`)
holds the role, ``user`` (:data:`pages._common.USER_KEY`) the username.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import streamlit as st

from geo.core import settings
from geo.core.access import can_open
from geo.services import auth
from pages._common import ROLE_KEY, USER_KEY, current_role, get_store, tr

__all__ = [
    "account_sidebar",
    "check_account",
    "format_wib",
    "record_failure",
    "refuse_unless_allowed",
    "session_retry_at",
    "sign_in",
    "sign_out",
    "sso_configured",
]

_SIGNED_IN_AT = "auth_signed_in_at"
_LAST_SEEN = "auth_last_seen"
_METHOD = "auth_method"
_CLIENT = "auth_client"  # this session's throttling key when the client's address is unknown
_EXPIRED = "auth_expired"
_ACCOUNT = "auth_account"
_WIB = dt.timedelta(hours=7)
_THROTTLE_WINDOW = dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def format_wib(when: dt.datetime) -> str:
    """Format a naive UTC datetime as Kota Malang's local time (WIB, UTC+7), ``HH:MM``."""
    return (when + _WIB).strftime("%H:%M")


def sign_in(username: str, peran: str, *, method: str) -> None:
    """Mark the session as signed in as ``username`` with role ``peran``."""
    now = auth.utcnow()
    st.session_state[ROLE_KEY] = peran
    st.session_state[USER_KEY] = username
    st.session_state[_SIGNED_IN_AT] = now
    st.session_state[_LAST_SEEN] = now
    st.session_state[_METHOD] = method
    if method == "password":
        st.session_state[_ACCOUNT] = auth.account_fingerprint(get_store(), username)
    st.session_state.pop(_EXPIRED, None)


def sign_out(*, reason: str = "keluar") -> None:
    """Forget the session's login (audited) and, after single sign-on, the identity cookie."""
    user = st.session_state.get(USER_KEY)
    method = st.session_state.get(_METHOD)
    if user:
        auth.record_logout(get_store(), str(user), reason=reason)
    for key in (ROLE_KEY, USER_KEY, _SIGNED_IN_AT, _LAST_SEEN, _METHOD, _ACCOUNT):
        st.session_state.pop(key, None)
    if method == "sso" and _sso_logged_in():
        st.logout()


@st.cache_resource(show_spinner=False)
def _client_failures() -> tuple[threading.Lock, dict[str, list[dt.datetime]]]:
    """Failed login times per client, shared by every session of this server process."""
    return threading.Lock(), {}


def _client_key() -> str:
    """Return the throttling key: the client's address, or this session when unknown.

    Behind a reverse proxy every connection comes from the proxy: set
    ``PETA_UMKM_CLIENT_IP_HEADER`` (e.g. ``X-Real-IP``, which the proxy must overwrite) so
    clients are told apart; never trust such a header without a proxy that sets it.
    """
    header = settings.client_ip_header()
    ip = st.context.headers.get(header) if header else getattr(st.context, "ip_address", None)
    if ip:
        return f"ip:{ip}"
    return "sesi:" + st.session_state.setdefault(_CLIENT, uuid.uuid4().hex)


def record_failure() -> None:
    """Remember a failed login attempt of this client (for throttling, across its tabs)."""
    lock, failures = _client_failures()
    key, now = _client_key(), auth.utcnow()
    with lock:
        # Forget clients whose failures are all older than the window (a long-running server).
        for stale in [k for k, times in failures.items() if now - times[-1] >= _THROTTLE_WINDOW]:
            del failures[stale]
        recent = [t for t in failures.get(key, []) if now - t < _THROTTLE_WINDOW]
        failures[key] = [*recent, now]


def session_retry_at() -> dt.datetime | None:
    """Return when this client may try to sign in again (None: now)."""
    lock, failures = _client_failures()
    with lock:
        times = list(failures.get(_client_key(), []))
    return auth.session_locked_until(times, now=auth.utcnow())


def sso_configured() -> bool:
    """Return True when Streamlit's OIDC login is configured (``[auth]`` in the secrets)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, OSError):
        return False
    except Exception:
        return False


def _sso_logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def _sso_roles() -> dict[str, Any]:
    try:
        return dict(st.secrets.get("peta_umkm", {}).get("roles", {}))
    except Exception:
        return {}


def _sync_sso() -> None:
    """Give a session signed in through OIDC its role, once."""
    if st.session_state.get(USER_KEY) or not sso_configured() or not _sso_logged_in():
        return
    email = st.user.get("email")
    role = auth.role_for_identity(
        str(email) if email else None,
        email_verified=st.user.get("email_verified"),
        roles=_sso_roles(),
        store=get_store(),
    )
    if role == "publik":
        st.session_state["auth_sso_no_role"] = str(email or "")
        return
    name = str(email).strip().lower()
    sign_in(name, role, method="sso")
    auth.record_sso_login(get_store(), name, peran=role)


def _check_expiry() -> None:
    signed_in_at = st.session_state.get(_SIGNED_IN_AT)
    if signed_in_at is None:
        return
    now = auth.utcnow()
    last_seen = st.session_state.get(_LAST_SEEN, signed_in_at)
    if auth.session_expired(signed_in_at=signed_in_at, last_seen=last_seen, now=now):
        sign_out(reason="sesi berakhir")
        st.session_state[_EXPIRED] = True
    else:
        st.session_state[_LAST_SEEN] = now


def check_account() -> None:
    """End a password session whose account was disabled, or whose role or password changed.

    Runs in ``app.py`` before the menu is built and again in :func:`pages._common.require_page`
    (a page script can run without ``app.py``); one primary-key query each.
    """
    if st.session_state.get(_METHOD) != "password" or not st.session_state.get(USER_KEY):
        return
    user = str(st.session_state[USER_KEY])
    if auth.account_fingerprint(get_store(), user) != st.session_state.get(_ACCOUNT):
        sign_out(reason="akun dinonaktifkan atau diubah")
        st.warning(tr("auth.revoked"), icon=":material/person_off:")


def account_sidebar() -> None:
    """Run on every page load before the navigation is built (``app.py``).

    Ends an expired session, maps a single-sign-on identity to its role, and shows who is
    signed in with a "Keluar" button.
    """
    _check_expiry()
    check_account()
    _sync_sso()
    if st.session_state.pop(_EXPIRED, False):
        st.info(tr("auth.expired"), icon=":material/timer_off:")
    user = st.session_state.get(USER_KEY)
    if not user:
        return
    role = current_role()
    with st.sidebar:
        st.markdown(tr("auth.signed_in_as", user=user, peran=tr(f"auth.role.{role}")))
        if st.button(tr("auth.logout"), key="auth_logout", icon=":material/logout:"):
            sign_out()
            st.switch_page("pages/beranda.py")


def refuse_unless_allowed(page: str) -> None:
    """Stop the run with a refusal when the session's role may not open ``page``."""
    role = current_role()
    if can_open(role, page):
        return
    if role == "publik":
        st.error(tr("access.refused"))
        st.page_link("pages/masuk.py", label=tr("nav.masuk"), icon=":material/login:")
    else:
        st.error(tr("access.refused_role"))
    st.stop()
