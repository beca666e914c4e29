"""Session-cookie routes: ``POST /sesi/pasang`` sets it, ``POST /sesi/keluar`` ends it.

A Streamlit script cannot set response headers, so after a password login the page posts the
single-use ticket it got from :func:`geo.services.sessions.issue_ticket` to ``/sesi/pasang``
(same origin, JSON body ``{"tiket": ...}``), whose answer sets the cookie::

    Set-Cookie: peta_umkm_sesi=<id>.<hmac>; HttpOnly; SameSite=Strict; Path=/;
                Max-Age=<rest of the absolute limit>[; Secure]

``Secure`` is added when the request came over https (directly, or ``X-Forwarded-Proto:
https`` from the reverse proxy). ``/sesi/keluar`` revokes the cookie's session and clears the
cookie ("Keluar" has already revoked every session of the account server-side). Both refuse a
request whose ``Origin`` is another site, and answer ``Cache-Control: no-store``.
"""

from __future__ import annotations

import functools
import hmac
import json
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from geo.core import settings
from geo.services import sessions
from geo.store import Store

__all__ = ["ROUTES", "clear_cookie", "set_cookie"]

_MAX_BODY = 1024


@functools.lru_cache(maxsize=4)
def _store(url: str) -> Store:
    return Store(url)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:  # same-origin fetches may omit it; the cookie is SameSite=Strict
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def set_cookie(response: Response, value: str, *, max_age: int, secure: bool) -> None:
    """Set the session cookie on ``response`` (HttpOnly, SameSite=Strict, Path=/)."""
    response.set_cookie(
        sessions.COOKIE_NAME,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def clear_cookie(response: Response, *, secure: bool) -> None:
    """Clear the session cookie on ``response`` (same attributes, ``Max-Age=0``)."""
    response.delete_cookie(
        sessions.COOKIE_NAME, path="/", httponly=True, samesite="strict", secure=secure
    )


def _answer(status: int) -> Response:
    return Response(status_code=status, headers={"Cache-Control": "no-store"})


def _install(ticket: str | None, old_cookie: str | None) -> tuple[str, int] | None:
    """Redeem a ticket: return the cookie value and its Max-Age, or None (thread pool)."""
    session_id = sessions.redeem_ticket(ticket)
    if session_id is None:
        return None
    store = _store(settings.database_url())
    info = sessions.validate(store, session_id)
    if info is None:
        return None
    old = sessions.unsign(store, old_cookie)
    if old is not None and old != session_id:
        sessions.revoke(store, old)  # rotation: the replaced cookie's session ends
    return sessions.sign(store, session_id), sessions.cookie_max_age(info)


async def install(request: Request) -> Response:
    """``POST /sesi/pasang``: exchange a login's single-use ticket for the session cookie."""
    if not _same_origin(request):
        return _answer(403)
    body = await request.body()
    try:
        ticket = json.loads(body[:_MAX_BODY] or b"{}").get("tiket")
    except (ValueError, AttributeError):
        return _answer(400)
    if not isinstance(ticket, str):
        return _answer(400)
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    result = await run_in_threadpool(_install, ticket, cookie)
    if result is None:
        return _answer(403)
    value, max_age = result
    response = _answer(204)
    set_cookie(response, value, max_age=max_age, secure=_secure(request))
    return response


def _end(cookie: str | None, named: str) -> bool:
    """Revoke the cookie's session when it is the one named (by hash); True when it was."""
    store = _store(settings.database_url())
    session_id = sessions.unsign(store, cookie)
    if session_id is None or not hmac.compare_digest(sessions.id_hash(session_id), named):
        return False
    sessions.revoke(store, session_id)
    return True


async def sign_out(request: Request) -> Response:
    """``POST /sesi/keluar``: revoke the cookie's session, clear the cookie and the cache.

    The body names the session that signed out by its hash (``{"sesi": <sha256 hex>}``): a
    cookie of another, newer login of the same browser is left alone, so a stale tab that
    notices its session ended cannot sign the other tabs out. A cookie that no longer
    verifies is cleared in any case.
    """
    if not _same_origin(request):
        return _answer(403)
    body = await request.body()
    try:
        named = json.loads(body[:_MAX_BODY] or b"{}").get("sesi")
    except (ValueError, AttributeError):
        return _answer(400)
    if not isinstance(named, str):
        return _answer(400)
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    ended = bool(cookie) and await run_in_threadpool(_end, cookie, named)
    if cookie and not ended and await run_in_threadpool(_valid, cookie):
        return _answer(204)  # another login's cookie: keep it
    response = _answer(204)
    clear_cookie(response, secure=_secure(request))
    # The map's point files with personal fields sit in this browser's private cache
    # (web/point_routes.py, immutable for hours): drop them with the login.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


def _valid(cookie: str) -> bool:
    store = _store(settings.database_url())
    return sessions.validate(store, sessions.unsign(store, cookie)) is not None


ROUTES: list[BaseRoute] = [
    Route("/sesi/pasang", install, methods=["POST"]),
    Route("/sesi/keluar", sign_out, methods=["POST"]),
]
