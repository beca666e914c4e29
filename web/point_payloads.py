"""In-process registry of the map's point payloads, served by :mod:`web.point_routes`.

The Peta UMKM page builds its point layers (:class:`geo.render.mapview.UmkmClusterLayer`),
publishes each payload here and hands the map only its URL (issue 16)::

    /peta-data/<token>/<sha256>.json

``sha256`` is the hash of the payload's bytes (the content part: a new payload is a new URL,
so the browser may cache a URL forever, ``Cache-Control: immutable``). ``token`` is random
(32 bytes, URL-safe base64) and is the only way to the bytes: the route answers 404 to an
unknown or expired token, or to a hash that is not the token's payload. A token belongs to one
payload and so to one variant of it, with or without personal fields (``pemilik``,
``telepon``, ``alamat``); a URL seen by a role without personal data never reaches personal
data, and no URL can be guessed or derived from the data.

Tokens live :data:`TOKEN_TTL_S` (12 hours). Publishing the same bytes again (another session
of the same role and filter, the next rerun) returns the same URL while at least half of that
lifetime remains, so the browser cache keeps working; after that a fresh token is minted (the
old one still answers until it expires). Entries are held in memory, gzip-compressed only,
the oldest evicted first when more than :data:`MAX_BYTES` are held. Streamlit runs pages and
routes in one process, so a dict behind a lock is enough.
"""

from __future__ import annotations

import gzip
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.render import mapview

if TYPE_CHECKING:
    import folium

__all__ = [
    "MAX_BYTES",
    "REGISTRY",
    "ROUTE_PREFIX",
    "TOKEN_TTL_S",
    "Payload",
    "PayloadRegistry",
    "publish",
    "serve_points",
    "url_prefix",
]

#: Lifetime of a token, in seconds (12 hours).
TOKEN_TTL_S = 12 * 3600
#: Bytes (gzip-compressed payloads) the registry holds at most; the oldest entries go first.
#: About 1 MB per 100,000 points.
MAX_BYTES = 200_000_000
#: Path segment of the payload route (under ``server.baseUrlPath``, if any).
ROUTE_PREFIX = "peta-data"


@dataclass(frozen=True)
class Payload:
    """One published payload.

    Attributes
    ----------
    token
        Random URL-safe token (the capability to read the bytes).
    sha256
        Hex SHA-256 of the JSON document.
    gzip
        The JSON document gzip-compressed: what is held (about a quarter of the JSON) and
        what is served when the client accepts gzip (:attr:`data` decompresses it).
    personal
        Whether the payload carries personal fields.
    created
        Unix time (s) when the token was minted.
    expires
        Unix time (s) after which the token answers 404.
    """

    token: str
    sha256: str
    gzip: bytes
    personal: bool
    created: float
    expires: float

    @property
    def data(self) -> bytes:
        """The JSON document (UTF-8), for a client that does not accept gzip."""
        return gzip.decompress(self.gzip)

    @property
    def size(self) -> int:
        """Bytes held for this entry."""
        return len(self.gzip)

    def path(self, prefix: str = "") -> str:
        """Return the URL path of the payload, e.g. ``/peta-data/<token>/<sha256>.json``."""
        return f"{prefix}/{ROUTE_PREFIX}/{self.token}/{self.sha256}.json"


class PayloadRegistry:
    """Payloads by token, with expiry and a memory bound (thread-safe).

    Parameters
    ----------
    ttl_s
        Token lifetime in seconds.
    max_bytes
        Bytes held at most (gzip-compressed); the oldest entries are evicted first.
    clock
        Returns the current Unix time in seconds (tests pass a fake clock).
    """

    def __init__(
        self,
        *,
        ttl_s: float = TOKEN_TTL_S,
        max_bytes: int = MAX_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl_s = ttl_s
        self.max_bytes = max_bytes
        self._clock = clock
        self._lock = threading.Lock()
        self._by_token: OrderedDict[str, Payload] = OrderedDict()
        self._current: dict[tuple[str, bool], str] = {}  # (sha256, personal) -> token

    def publish(self, data: bytes, *, personal: bool) -> Payload:
        """Register ``data`` and return its entry (an existing one while it is fresh enough).

        Parameters
        ----------
        data
            The payload's bytes (a JSON document).
        personal
            Whether it carries personal fields (a payload is published per variant).

        Returns
        -------
        Payload
            The entry; :meth:`Payload.path` is its URL path.
        """
        sha = hashlib.sha256(data).hexdigest()
        now = self._clock()
        with self._lock:
            self._expire(now)
            token = self._current.get((sha, personal))
            entry = self._by_token.get(token) if token else None
            if entry is not None and entry.expires - now >= self.ttl_s / 2:
                self._by_token.move_to_end(entry.token)
                return entry
        packed = gzip.compress(data, compresslevel=6, mtime=0)  # outside the lock: slow
        entry = Payload(
            token=secrets.token_urlsafe(32),
            sha256=sha,
            gzip=packed,
            personal=personal,
            created=now,
            expires=now + self.ttl_s,
        )
        with self._lock:
            self._by_token[entry.token] = entry
            self._current[(sha, personal)] = entry.token
            self._evict()
        return entry

    def get(self, token: str, sha256: str) -> Payload | None:
        """Return the entry of ``token`` if it is alive and its hash is ``sha256``, else None."""
        now = self._clock()
        with self._lock:
            entry = self._by_token.get(token)
            if entry is None or entry.expires <= now:
                return None
        return entry if secrets.compare_digest(entry.sha256.encode(), sha256.encode()) else None

    def revoke(self, token: str) -> None:
        """Forget a token (its URL answers 404 from now on)."""
        with self._lock:
            entry = self._by_token.pop(token, None)
            if entry is not None and self._current.get((entry.sha256, entry.personal)) == token:
                del self._current[(entry.sha256, entry.personal)]

    def clear(self) -> None:
        """Forget every payload."""
        with self._lock:
            self._by_token.clear()
            self._current.clear()

    @property
    def held_bytes(self) -> int:
        """Bytes held (gzip-compressed payloads)."""
        with self._lock:
            return sum(e.size for e in self._by_token.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_token)

    # -- under the lock ------------------------------------------------------------------------
    def _drop(self, token: str) -> None:
        entry = self._by_token.pop(token)
        if self._current.get((entry.sha256, entry.personal)) == token:
            del self._current[(entry.sha256, entry.personal)]

    def _expire(self, now: float) -> None:
        for token in [t for t, e in self._by_token.items() if e.expires <= now]:
            self._drop(token)

    def _evict(self) -> None:
        held = sum(e.size for e in self._by_token.values())
        while held > self.max_bytes and len(self._by_token) > 1:
            token = next(iter(self._by_token))
            held -= self._by_token[token].size
            self._drop(token)


#: The app's registry (one per server process).
REGISTRY = PayloadRegistry()


def url_prefix() -> str:
    """Return the app's URL prefix: ``/<server.baseUrlPath>`` or ``""``."""
    try:
        from streamlit import config

        base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:
        base = ""
    return f"/{base}" if base else ""


def publish(data: bytes, *, personal: bool) -> str:
    """Publish a payload in :data:`REGISTRY` and return its URL path (with the app's prefix).

    Parameters
    ----------
    data
        The payload's bytes (:meth:`geo.render.mapview.UmkmClusterLayer.payload_bytes`).
    personal
        Whether it carries personal fields.

    Returns
    -------
    str
        ``[/<baseUrlPath>]/peta-data/<token>/<sha256>.json``.
    """
    return REGISTRY.publish(data, personal=personal).path(url_prefix())


def serve_points(m: folium.Map) -> list[str]:
    """Publish the payload of every point layer of ``m`` and make the map fetch it by URL.

    Call it on a finished map of :func:`geo.render.mapview.build_map`. Each
    :class:`~geo.render.mapview.UmkmClusterLayer` is published as its own variant (with or
    without personal fields, as the layer was built for the role) and then carries only its
    URL (:meth:`~geo.render.mapview.UmkmClusterLayer.fetch_from`).

    Parameters
    ----------
    m
        The map; changed in place.

    Returns
    -------
    list of str
        The URL paths, one per point layer.
    """
    urls = []
    for layer in mapview.point_layers(m):
        if layer.payload_url is not None:
            urls.append(layer.payload_url)
            continue
        url = publish(layer.payload_bytes(), personal=layer.has_personal)
        layer.fetch_from(url)
        urls.append(url)
    return urls
