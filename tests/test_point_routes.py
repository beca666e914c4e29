"""The map's point payloads: registry (web/point_payloads.py) and route (web/point_routes.py).

The route is called as the ASGI app it is (a plain ``Starlette`` with :data:`ROUTES`), without
an HTTP client library.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import json
import re
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from starlette.applications import Starlette

from geo import wilayah
from geo.core.register import to_geodataframe
from geo.render import mapview
from web import point_payloads, point_routes
from web.point_payloads import PayloadRegistry

DATA = json.dumps({"p": [1, 2, 3, 4, 5], "names": ["Warung </script> & Co"]}).encode()


class FakeClock:
    """A settable clock (Unix seconds)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _request(path: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> Any:
    """Send one request to the routes; return (status, headers (lower-case), body)."""
    app = Starlette(routes=point_routes.ROUTES)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8501),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # In a thread of its own: a worker that ran Playwright's sync API has a loop in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    head = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], head, body


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> tuple[PayloadRegistry, FakeClock]:
    """A fresh registry with a fake clock in place of the app's."""
    clock = FakeClock()
    reg = PayloadRegistry(clock=clock)
    monkeypatch.setattr(point_payloads, "REGISTRY", reg)
    monkeypatch.setattr(point_routes.time, "time", clock)
    return reg, clock


# --- registry ---------------------------------------------------------------------------------
def test_publish_gives_a_content_addressed_unguessable_url(registry):
    reg, _ = registry
    entry = reg.publish(DATA, personal=False)
    path = entry.path()
    assert re.fullmatch(r"/peta-data/[A-Za-z0-9_-]{43}/[0-9a-f]{64}\.json", path)
    assert path.endswith(f"/{entry.sha256}.json")
    assert gzip.decompress(entry.gzip) == DATA
    # The same bytes again: the same URL (the browser's cache keeps working) ...
    assert reg.publish(DATA, personal=False).path() == path
    # ... but each variant has its own token, and other bytes another hash and token.
    personal = reg.publish(DATA, personal=True)
    assert personal.token != entry.token and personal.sha256 == entry.sha256
    other = reg.publish(DATA + b" ", personal=False)
    assert other.token != entry.token and other.sha256 != entry.sha256
    assert len(reg) == 3


def test_tokens_expire_and_are_renewed_at_half_life(registry):
    reg, clock = registry
    first = reg.publish(DATA, personal=True)
    clock.now += point_payloads.TOKEN_TTL_S / 2 - 1
    assert reg.publish(DATA, personal=True).token == first.token
    clock.now += 2  # less than half the lifetime left: a new token, the old one still answers
    second = reg.publish(DATA, personal=True)
    assert second.token != first.token
    assert reg.get(first.token, first.sha256) is first
    clock.now = first.expires
    assert reg.get(first.token, first.sha256) is None
    assert reg.get(second.token, second.sha256) is second
    clock.now = second.expires + 1
    assert reg.get(second.token, second.sha256) is None


def test_a_token_reads_only_its_own_payload(registry):
    reg, _ = registry
    public = reg.publish(DATA, personal=False)
    private = reg.publish(b'{"personal":[]}', personal=True)
    assert reg.get(public.token, public.sha256) is public
    assert reg.get(public.token, private.sha256) is None
    assert reg.get(private.token, public.sha256) is None
    reg.revoke(private.token)
    assert reg.get(private.token, private.sha256) is None


def test_memory_bound_evicts_the_oldest():
    reg = PayloadRegistry(max_bytes=1_500)  # random bytes: gzip keeps ~620 of 600
    blobs = [
        bytes(np.random.default_rng(i).integers(0, 255, 600, dtype=np.uint8)) for i in range(4)
    ]
    entries = [reg.publish(b, personal=False) for b in blobs]
    assert reg.held_bytes <= 1_500 and len(reg) == 2
    assert reg.get(entries[0].token, entries[0].sha256) is None
    assert reg.get(entries[-1].token, entries[-1].sha256) is entries[-1]


# --- route ------------------------------------------------------------------------------------
def test_route_serves_json_cacheable_and_inert(registry):
    reg, clock = registry
    entry = reg.publish(DATA, personal=False)
    clock.now += 3600
    status, head, body = _request(entry.path())
    assert status == 200
    assert body == DATA
    assert head["content-type"] == "application/json"
    assert head["x-content-type-options"] == "nosniff"
    assert head["cache-control"] == (
        f"private, max-age={point_payloads.TOKEN_TTL_S - 3600}, immutable"
    )
    assert head["etag"] == f'"{entry.sha256}"'
    assert "content-encoding" not in head


def test_route_gzips_when_accepted_and_answers_304(registry):
    reg, _ = registry
    entry = reg.publish(DATA * 50, personal=False)
    status, head, body = _request(entry.path(), headers={"Accept-Encoding": "gzip, br"})
    assert status == 200 and head["content-encoding"] == "gzip"
    assert head["vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == DATA * 50 and len(body) < len(DATA * 50)
    status, _, body = _request(entry.path(), headers={"Accept-Encoding": "gzip;q=0"})
    assert status == 200 and body == DATA * 50
    status, again, body = _request(
        entry.path(), headers={"Accept-Encoding": "gzip", "If-None-Match": head["etag"]}
    )
    assert status == 304 and body == b"" and "immutable" in again["cache-control"]
    status, head, body = _request(entry.path(), method="HEAD")
    assert status == 200 and body == b"" and head["content-length"] == str(len(DATA * 50))


def test_route_answers_404_without_a_valid_token(registry):
    reg, clock = registry
    entry = reg.publish(DATA, personal=True)
    fake = "A" * 43
    other = "0" * 64
    for path in (
        f"/peta-data/{fake}/{entry.sha256}.json",  # unknown token
        f"/peta-data/{entry.token}/{other}.json",  # not the token's payload
        f"/peta-data/{entry.token}/{entry.sha256.upper()}.json",  # malformed hash
        f"/peta-data/x/{entry.sha256}.json",  # malformed token
        f"/peta-data/{entry.sha256}.json",  # the hash alone
    ):
        status, head, body = _request(path)
        assert status == 404, path
        assert DATA not in body
    clock.now = entry.expires
    status, head, _ = _request(entry.path())
    assert status == 404 and head["cache-control"] == "no-store"


# --- the page's map: payload out of the HTML, personal fields only in their variant ----------
@pytest.fixture(scope="module")
def kel() -> gpd.GeoDataFrame:
    return wilayah.kelurahan()


def _umkm(n: int = 40) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(3)
    return to_geodataframe(
        pd.DataFrame(
            {
                "id": [f"U{i:03d}" for i in range(n)],
                "nama_usaha": [f"Usaha Rahasia {i}" for i in range(n)],
                "pemilik": [f"Pemilik Pribadi {i}" for i in range(n)],
                "telepon": [f"+6281299{i:05d}" for i in range(n)],
                "alamat": [f"Jl. Pribadi {i}" for i in range(n)],
                "lat": -7.97 + rng.normal(0, 0.01, n),
                "lon": 112.63 + rng.normal(0, 0.01, n),
                "kode_kelurahan": "35.73.01.1007",
                "sektor": "kuliner",
                "skala": "mikro",
                "status": ["aktif"] * (n - 5) + ["tidak_aktif"] * 5,
            }
        )
    )


def _map(kel: gpd.GeoDataFrame, *, personal: bool) -> Any:
    return mapview.build_map(
        kelurahan=kel,
        kecamatan=None,
        umkm=_umkm(),
        sentra=None,
        options=mapview.MapOptions(show_personal=personal, offline=False, inactive="layer"),
    )


@pytest.mark.parametrize("personal", [False, True])
def test_served_map_carries_only_urls_and_the_variant_of_the_role(kel, registry, personal):
    m = _map(kel, personal=personal)
    urls = point_payloads.serve_points(m)
    assert len(urls) == 2  # active and inactive layers
    assert [layer.payload for layer in mapview.point_layers(m)] == [None, None]
    html = m.get_root().render()
    assert "Usaha Rahasia" not in html and "Pemilik Pribadi" not in html
    assert all(url in html for url in urls)
    texts = []
    for url in urls:
        status, head, body = _request(url)
        assert status == 200 and head["content-type"] == "application/json"
        payload = json.loads(body)
        assert ("personal" in payload) is personal
        texts.append(body.decode())
    served = "".join(texts)
    assert "Usaha Rahasia 0" in served
    for needle in ("Pemilik Pribadi", "+6281299", "Jl. Pribadi"):
        assert (needle in served) is personal, needle
    # Publishing again (another session, a rerun) gives the same URLs.
    assert point_payloads.serve_points(_map(kel, personal=personal)) == urls


def test_personal_and_public_variants_never_share_a_token(kel, registry):
    public = point_payloads.serve_points(_map(kel, personal=False))
    private = point_payloads.serve_points(_map(kel, personal=True))
    token = re.compile(r"/peta-data/([\w-]+)/")
    assert not {token.search(u).group(1) for u in public} & {
        token.search(u).group(1) for u in private
    }
    # A public URL with the hash of a personal payload finds nothing.
    sha = private[0].rsplit("/", 1)[1]
    status, _, _ = _request(public[0].rsplit("/", 1)[0] + "/" + sha)
    assert status == 404


def test_url_prefix_follows_base_url_path(monkeypatch):
    from streamlit import config

    monkeypatch.setattr(config, "get_option", lambda name: "/peta/")
    assert point_payloads.url_prefix() == "/peta"
    monkeypatch.setattr(config, "get_option", lambda name: "")
    assert point_payloads.url_prefix() == ""
