"""Map point payload route: ``GET /peta-data/<token>/<sha256>.json`` (issue 16).

Serves a payload published in :data:`web.point_payloads.REGISTRY` by the Peta UMKM page:

* ``200`` with the JSON (``application/json``, ``X-Content-Type-Options: nosniff``),
  ``Cache-Control: private, max-age=<token's remaining lifetime>, immutable`` (the URL names
  the content, so it never changes) and an ``ETag``; gzip-compressed (``Content-Encoding:
  gzip``, ``Vary: Accept-Encoding``) when the request accepts gzip;
* ``304`` when ``If-None-Match`` names the ETag;
* ``404`` for an unknown or expired token, a hash that is not the token's payload, or a
  malformed path. No other detail is given.

``HEAD`` answers like ``GET`` without the body. The route sits under ``server.baseUrlPath``
when one is configured (read when this module is imported, i.e. when ``server.py`` starts).
"""

from __future__ import annotations

import math
import re
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from web import point_payloads

__all__ = ["ROUTES", "payload"]

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,128}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEADERS = {"X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding"}


def _not_found() -> Response:
    return Response(
        "Not Found",
        status_code=404,
        media_type="text/plain",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            return not (q.startswith("q=") and _zero(q[2:]))
    return False


def _zero(text: str) -> bool:
    try:
        return float(text) == 0
    except ValueError:
        return False


async def payload(request: Request) -> Response:
    """Answer a payload request (see the module docstring)."""
    token = request.path_params.get("token", "")
    sha = request.path_params.get("sha", "")
    if not (_TOKEN.fullmatch(token) and _SHA256.fullmatch(sha)):
        return _not_found()
    entry = point_payloads.REGISTRY.get(token, sha)
    if entry is None:
        return _not_found()
    gz = _accepts_gzip(request)
    etag = f'"{entry.sha256}{"-gz" if gz else ""}"'
    max_age = max(0, math.floor(entry.expires - time.time()))
    headers = {
        **_HEADERS,
        "ETag": etag,
        "Cache-Control": f"private, max-age={max_age}, immutable",
    }
    if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    body = entry.gzip if gz else entry.data
    if gz:
        headers["Content-Encoding"] = "gzip"
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, media_type="application/json", headers=headers)
    return Response(body, media_type="application/json", headers=headers)


ROUTES: list[BaseRoute] = [
    Route(
        f"{point_payloads.url_prefix()}/{point_payloads.ROUTE_PREFIX}/{{token}}/{{sha}}.json",
        payload,
        methods=["GET", "HEAD"],
    ),
]
