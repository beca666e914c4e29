"""Sign-in state of one browser session: login, logout, expiry, single sign-on, refusal.

Streamlit only; the rules (hashing, throttling, expiry, identity -> role) live in
:mod:`geo.services.auth`, the browser sessions behind the HttpOnly cookie in
:mod:`geo.services.sessions`. Session state after a login: ``role``
(:data:`pages._common.ROLE_KEY`) holds the role, ``user`` (:data:`pages._common.USER_KEY`) the
username.

A password login opens a server-side session; the next run of ``app.py`` renders a tiny
script that exchanges a single-use ticket for the cookie (``POST /sesi/pasang``,
:mod:`web.session_routes`).
A new Streamlit session (reload, new tab) reads the cookie from the WebSocket handshake
(``st.context.cookies``) and is signed in again while the server-side session is valid; every
run checks that session like the account itself (:func:`check_account`). "Keluar" revokes every
session of the account and clears the cookie (``POST /sesi/keluar``).
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import streamlit as st

from geo.core import settings
from geo.core.access import can_open
from geo.core.escape import script_json
from geo.services import auth, sessions
from pages._common import ROLE_KEY, USER_KEY, current_role, get_store, tr

__all__ = [
    "account_sidebar",
    "check_account",
    "format_wib",
    "pending_return",
    "record_failure",
    "refuse_unless_allowed",
    "return_target",
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
_SESSION = "auth_session"  # the server-side session id of a password login (never rendered)
_TICKET = "auth_ticket"  # a ticket waiting to be exchanged for the cookie
_CLEAR = "auth_clear_cookie"  # the session id whose cookie must be cleared
_COOKIE_TRIED = "auth_cookie_tried"  # the handshake's cookie was already tried
_RETURN = "auth_return"  # (page id, query params) a signed-out visitor asked for
_WIB = dt.timedelta(hours=7)
_THROTTLE_WINDOW = dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def format_wib(when: dt.datetime) -> str:
    """Format a naive UTC datetime as Kota Malang's local time (WIB, UTC+7), ``HH:MM``."""
    return (when + _WIB).strftime("%H:%M")


def _handshake_cookie() -> str | None:
    """Return the session cookie of this Streamlit session's WebSocket handshake, if any."""
    try:
        value = st.context.cookies.get(sessions.COOKIE_NAME)
    except Exception:  # no browser context (AppTest, bare mode)
        return None
    return value if isinstance(value, str) and value else None  # AppTest gives a mock


def sign_in(username: str, peran: str, *, method: str) -> None:
    """Mark the session as signed in as ``username`` with role ``peran``.

    A password login rotates the browser session: the cookie's previous session and this
    Streamlit session's previous one are revoked, a new one is opened, and its ticket waits
    for :func:`account_sidebar` to exchange it for the cookie.
    """
    now = auth.utcnow()
    store = get_store()
    if method == "password":
        sessions.revoke(store, sessions.unsign(store, _handshake_cookie()))
        sessions.revoke(store, st.session_state.get(_SESSION))
        session_id = sessions.open_session(store, username, metode="password", now=now)
        st.session_state[_SESSION] = session_id
        st.session_state[_TICKET] = sessions.issue_ticket(session_id)
        st.session_state[_ACCOUNT] = auth.account_fingerprint(store, username)
        st.session_state.pop(_CLEAR, None)
    st.session_state[ROLE_KEY] = peran
    st.session_state[USER_KEY] = username
    st.session_state[_SIGNED_IN_AT] = now
    st.session_state[_LAST_SEEN] = now
    st.session_state[_METHOD] = method
    st.session_state.pop(_EXPIRED, None)


def sign_out(*, reason: str = "keluar") -> None:
    """Forget the session's login (audited) and, after single sign-on, the identity cookie.

    "Keluar" (``reason="keluar"``) revokes every browser session of the account, so its other
    tabs end at their next interaction; the cookie of this session is cleared at the next run
    of :func:`account_sidebar`.
    """
    user = st.session_state.get(USER_KEY)
    method = st.session_state.get(_METHOD)
    session_id = st.session_state.get(_SESSION)
    store = get_store()
    if user:
        auth.record_logout(store, str(user), reason=reason)
        if reason == "keluar":
            sessions.revoke_user(store, str(user))
    sessions.revoke(store, session_id)
    if session_id:
        st.session_state[_CLEAR] = session_id
    for key in (ROLE_KEY, USER_KEY, _SIGNED_IN_AT, _LAST_SEEN, _METHOD, _ACCOUNT, _SESSION):
        st.session_state.pop(key, None)
    st.session_state.pop(_TICKET, None)
    if method == "sso" and _sso_logged_in():
        st.logout()


def _restore_from_cookie() -> None:
    """Sign a new Streamlit session in from a valid session cookie (reload, new tab), once."""
    if st.session_state.get(USER_KEY):
        return
    cookie = _handshake_cookie()
    if not cookie or st.session_state.get(_COOKIE_TRIED) == cookie:
        return
    st.session_state[_COOKIE_TRIED] = cookie
    store = get_store()
    session_id = sessions.unsign(store, cookie)
    info = sessions.validate(store, session_id)
    if info is None or session_id is None:
        return
    st.session_state[ROLE_KEY] = info.peran
    st.session_state[USER_KEY] = info.username
    st.session_state[_SIGNED_IN_AT] = info.dibuat
    st.session_state[_LAST_SEEN] = auth.utcnow()
    st.session_state[_METHOD] = "password"
    st.session_state[_ACCOUNT] = info.fingerprint
    st.session_state[_SESSION] = session_id


def _cookie_script() -> None:
    """Render the one-off script that sets or clears the cookie, when one is waiting.

    The ticket (not the session id) is the only value the page's JavaScript sees; the clear
    request names the session by its hash so it cannot end a newer login of another tab.
    """
    ticket = st.session_state.pop(_TICKET, None)
    cleared = st.session_state.pop(_CLEAR, None)
    if ticket:
        body = script_json({"tiket": ticket})
        url = "/sesi/pasang"
    elif cleared:
        body = script_json({"sesi": sessions.id_hash(str(cleared))})
        url = "/sesi/keluar"
    else:
        return
    st.html(
        "<script>fetch(" + script_json(url) + ",{method:'POST',credentials:'same-origin',"
        "headers:{'Content-Type':'application/json'},body:JSON.stringify(" + body + ")});"
        "</script>",
        unsafe_allow_javascript=True,
    )


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
    """End a password session whose account or browser session is no longer valid.

    The account was disabled, or its role or password changed; or its browser session was
    revoked ("Keluar" in another tab) or has expired.

    Runs in ``app.py`` before the menu is built and again in :func:`pages._common.require_page`
    (a page script can run without ``app.py``); a few primary-key queries each.
    """
    if st.session_state.get(_METHOD) != "password" or not st.session_state.get(USER_KEY):
        return
    user = str(st.session_state[USER_KEY])
    store = get_store()
    if auth.account_fingerprint(store, user) != st.session_state.get(_ACCOUNT):
        sign_out(reason="akun dinonaktifkan atau diubah")
        st.warning(tr("auth.revoked"), icon=":material/person_off:")
        return
    session_id = st.session_state.get(_SESSION)
    if session_id and sessions.validate(store, str(session_id)) is None:
        sign_out(reason="sesi dicabut atau berakhir")
        st.info(tr("auth.expired"), icon=":material/timer_off:")


def account_sidebar() -> None:
    """Run on every page load before the navigation is built (``app.py``).

    Ends an expired session, maps a single-sign-on identity to its role, and shows who is
    signed in with a "Keluar" button.
    """
    _check_expiry()
    check_account()
    _restore_from_cookie()
    _sync_sso()
    _cookie_script()
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
        # A deep link opened while signed out: the login brings the visitor back to it.
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        st.session_state[_RETURN] = (page, params)
        st.error(tr("access.refused"))
        st.page_link("pages/masuk.py", label=tr("nav.masuk"), icon=":material/login:")
    else:
        st.error(tr("access.refused_role"))
    st.stop()


def return_target(peran: str) -> tuple[str, dict[str, list[str]]] | None:
    """Pop the page (and its query parameters) a signed-out visitor asked for.

    Returns None when there is none or ``peran`` may not open it (the login then goes to
    Beranda).
    """
    target = st.session_state.pop(_RETURN, None)
    if not target:
        return None
    page, params = target
    return (str(page), dict(params)) if can_open(peran, str(page)) else None


def pending_return() -> bool:
    """Return True when a signed-out visitor's deep link waits for the login."""
    return bool(st.session_state.get(_RETURN))
