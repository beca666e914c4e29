"""The explore page in headless Chromium: the map, its clusters and legend, a filter, a click."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import login
from tests.test_browser import _save_screenshot

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: The map's points are clustered and drawn: markercluster's icons or the grid's mark (the
#: demo's 21,270 UMKM are over mapview.GRID_MIN_POINTS, so they cluster on the grid).
POINTS_DRAWN = ".marker-cluster, [data-umkm-loaded]"


def _metric_value(page: Page, label: str) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    text = metric.locator('[data-testid="stMetricValue"]').inner_text()
    return int(re.sub(r"\D", "", text))


def _open_peta(page: Page, app_server: str) -> None:
    login(page, app_server, "perencana")
    page.get_by_role("link", name="Peta UMKM").click()
    expect(page.get_by_role("heading", name="Peta UMKM")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(MAP_IFRAME).last).to_be_visible(timeout=TIMEOUT_MS)


def test_map_shows_clusters_legend_and_filters(
    app_server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    _open_peta(page, app_server)
    expect(page.get_by_text("Data contoh.")).to_be_visible()

    iframe = page.locator(MAP_IFRAME).last
    box = iframe.bounding_box()
    assert box is not None and box["height"] > 400, f"map iframe is {box}"
    frame = page.frame_locator(MAP_IFRAME).last
    expect(frame.locator(POINTS_DRAWN).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(frame.locator(".peta-umkm-legend").first).to_be_visible()
    layers = frame.locator(".leaflet-control-layers-overlays")
    expect(layers).to_contain_text("Klaster UMKM")
    expect(layers).to_contain_text("Hot spot Gi*")
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text(
        "cahyadsn/wilayah_boundaries (MIT)"
    )
    total = _metric_value(page, "UMKM aktif")
    assert total == 21_270
    # The city-sized register clusters on the grid, every active UMKM drawn (the headline).
    expect(frame.locator(f"[data-umkm-loaded='{total}']")).to_have_count(1)
    expect(frame.locator(".marker-cluster")).to_have_count(0)
    page.wait_for_timeout(2_000)  # the map reports its position once: one more rerun
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=TIMEOUT_MS)
    _save_screenshot(page, tmp_path, "peta.png")

    # Filter: only kuliner. The figure and the URL follow.
    sektor = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    sektor.click()
    page.get_by_role("option", name="Kuliner (makanan-minuman)").click()
    page.keyboard.press("Escape")
    expect(
        page.locator('[data-testid="stMetric"]').filter(has_text="UMKM aktif")
    ).not_to_contain_text("21.270", timeout=TIMEOUT_MS)
    kuliner = _metric_value(page, "UMKM aktif")
    assert 0 < kuliner < total
    expect(page).to_have_url(re.compile(r"sektor=kuliner"), timeout=TIMEOUT_MS)
    expect(page.locator(MAP_IFRAME)).to_have_count(1, timeout=TIMEOUT_MS)
    expect(page.frame_locator(MAP_IFRAME).locator(POINTS_DRAWN).first).to_be_visible(
        timeout=TIMEOUT_MS
    )


def test_clicking_a_kelurahan_opens_its_profile(
    app_server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    _open_peta(page, app_server)
    frame = page.frame_locator(MAP_IFRAME).last
    expect(frame.locator(POINTS_DRAWN).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("Klik sebuah kelurahan di peta")).to_be_visible()
    # Hide the points, sentra and cluster hulls so the click lands on a kelurahan polygon.
    overlays = frame.locator(".leaflet-control-layers-overlays label")
    for name in ("UMKM", "Sentra", "Klaster UMKM"):
        box = overlays.filter(has_text=re.compile(rf"^\s*{name}\s*$")).locator("input")
        box.dispatch_event("click")
        expect(box).not_to_be_checked()
    page.mouse.move(5, 5)
    page.locator(MAP_IFRAME).last.scroll_into_view_if_needed()
    box = frame.locator("path.leaflet-interactive").nth(20).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_text("Klik sebuah kelurahan di peta")).to_be_hidden(timeout=TIMEOUT_MS)
    profile = page.locator('[data-testid="stMetric"]').filter(has_text="Sahabat UMKM aktif")
    expect(profile.first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=TIMEOUT_MS)
    _save_screenshot(page, tmp_path, "peta_profil.png")


# --- pan and zoom stay light (issue 16) ------------------------------------------------------
#: Bytes the browser may receive over the WebSocket for one pan or one zoom (the page reruns
#: to put the position into the URL; the map itself must not be re-sent).
GESTURE_BUDGET_BYTES = 50_000


class _WebSocketBytes:
    """Count the bytes the page receives over Streamlit's WebSocket."""

    def __init__(self, page: Page) -> None:
        self.received = 0
        page.on("websocket", self._watch)

    def _watch(self, ws: Any) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        self.received += len(payload.encode() if isinstance(payload, str) else payload)


def _settle(page: Page) -> None:
    """Wait until the app is idle: no script run, and a moment for a reported position."""
    page.wait_for_timeout(1_500)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=TIMEOUT_MS)


def _gesture(page: Page, counter: _WebSocketBytes, action: Any) -> tuple[int, str]:
    """Run a map gesture, wait for the URL to change and the app to settle; bytes and URL."""
    before_url = page.url
    before = counter.received
    action()
    expect(page).not_to_have_url(before_url, timeout=TIMEOUT_MS)
    _settle(page)
    return counter.received - before, page.url


def test_pan_and_zoom_do_not_resend_the_map(app_server: str, browser_page: Page) -> None:
    page = browser_page
    counter = _WebSocketBytes(page)
    _open_peta(page, app_server)
    frame = page.frame_locator(MAP_IFRAME).last
    expect(frame.locator(POINTS_DRAWN).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"zoom="), timeout=TIMEOUT_MS)  # position reported
    _settle(page)
    opened = counter.received
    # The map (boundaries, layers; the points come over HTTP) came over the WebSocket.
    assert opened > 200_000, f"the map was not received over the WebSocket ({opened} bytes)"

    iframe = page.locator(MAP_IFRAME).last
    handle = iframe.element_handle()
    src = iframe.get_attribute("src")
    srcdoc = iframe.get_attribute("srcdoc")
    # A mark inside the map's window: gone if the iframe were reloaded or replaced.
    assert handle is not None
    inner = handle.content_frame()
    assert inner is not None
    inner.evaluate("window.__petaMark = 'tetap'")
    box = iframe.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def pan() -> None:
        page.mouse.move(cx, cy)
        page.mouse.down()
        page.mouse.move(cx - 150, cy - 80, steps=8)
        page.mouse.up()

    def zoom() -> None:
        frame.locator(".leaflet-control-zoom-in").click()

    sizes = {}
    for name, action in (("pan", pan), ("zoom", zoom), ("pan lagi", pan)):
        sizes[name], url = _gesture(page, counter, action)
        assert "pusat=" in url and "zoom=" in url
    assert all(size <= GESTURE_BUDGET_BYTES for size in sizes.values()), (
        f"bytes received per gesture {sizes} (budget {GESTURE_BUDGET_BYTES}; page {opened})"
    )
    # The map iframe is the same element with the same document: not rebuilt, not reloaded.
    expect(page.locator(MAP_IFRAME)).to_have_count(1)
    assert handle.evaluate("e => e.isConnected")
    assert iframe.get_attribute("src") == src
    assert iframe.get_attribute("srcdoc") == srcdoc
    assert inner.evaluate("window.__petaMark") == "tetap"
    expect(frame.locator(POINTS_DRAWN).first).to_be_visible()


# --- the points come once over HTTP, cacheable, not over the WebSocket (issue 16) ------------
#: WebSocket bytes to open the page, for 30,000 UMKM (issue 16's goal) ...
OPEN_BUDGET_30K_BYTES = 1_500_000
#: ... scaled to the test database's 21,270 active UMKM (the points are the part that grows).
OPEN_BUDGET_BYTES = int(OPEN_BUDGET_30K_BYTES * 21_270 / 30_000)
PAYLOAD_PATH = re.compile(r"/peta-data/([A-Za-z0-9_-]+)/([0-9a-f]{64})\.json$")


@pytest.fixture(scope="module")
def demo_umkm() -> Any:
    # The app server's database holds demo.generate() with the default seed.
    from geo.ingest import demo

    return demo.generate().umkm


class _Network:
    """What the page receives: WebSocket frames (text) and the payload fetches (CDP).

    The map runs in a same-origin iframe, so the page's CDP session sees its requests too;
    ``encodedDataLength`` is what came over the network (0 when served from the cache).
    """

    def __init__(self, page: Page) -> None:
        self.frames: list[str] = []
        self.ws_bytes = 0
        self.fetches: list[dict[str, Any]] = []
        self._by_id: dict[str, dict[str, Any]] = {}
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        self._cdp = cdp

    def _frame(self, payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        self.ws_bytes += len(data)
        self.frames.append(data.decode("utf-8", errors="replace"))

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if PAYLOAD_PATH.search(response["url"].split("?")[0]):
            entry = {
                "url": response["url"],
                "status": response["status"],
                "headers": {k.lower(): v for k, v in response["headers"].items()},
                "cached": bool(response.get("fromDiskCache") or response.get("fromMemoryCache")),
                "bytes": None,
            }
            self._by_id[event["requestId"]] = entry
            self.fetches.append(entry)

    def _finished(self, event: dict[str, Any]) -> None:
        entry = self._by_id.get(event["requestId"])
        if entry is not None:
            entry["bytes"] = int(event["encodedDataLength"])

    def text(self) -> str:
        return "\n".join(self.frames)


def _wait_points(page: Page) -> None:
    """Wait until the map has fetched and clustered every point."""
    frame = page.frame_locator(MAP_IFRAME).last
    expect(frame.locator("[data-umkm-loaded]")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(frame.locator("[data-umkm-error]")).to_have_count(0)


def test_points_are_fetched_once_over_http_not_sent_over_the_websocket(
    app_server: str, browser_page: Page, demo_umkm: Any, tmp_path: Path
) -> None:
    page = browser_page
    net = _Network(page)
    _open_peta(page, app_server)
    _wait_points(page)
    expect(page).to_have_url(re.compile(r"zoom="), timeout=TIMEOUT_MS)
    _settle(page)
    opened = net.ws_bytes
    assert opened <= OPEN_BUDGET_BYTES, f"{opened} bytes over the WebSocket to open the page"
    _save_screenshot(page, tmp_path, "peta_http.png")

    # The points came once over HTTP: JSON, gzip, cacheable for good, with an ETag.
    (fetch,) = net.fetches
    assert fetch["status"] == 200 and not fetch["cached"]
    head = fetch["headers"]
    assert head["content-type"] == "application/json"
    assert head["x-content-type-options"] == "nosniff"
    assert head["content-encoding"] == "gzip"
    assert "immutable" in head["cache-control"] and "private" in head["cache-control"]
    assert int(re.search(r"max-age=(\d+)", head["cache-control"]).group(1)) > 3600
    assert head["etag"]
    response = page.request.get(fetch["url"])
    payload = response.json()
    n_points = len(payload["p"]) // 5
    assert n_points == _metric_value(page, "UMKM aktif") == 21_270
    assert 0 < fetch["bytes"] < 0.5 * len(response.body())  # gzip on the wire

    # ... and not over the WebSocket: neither the array nor the names.
    text = net.text()
    assert '"p":[' not in text
    active = demo_umkm[demo_umkm["status"] == "aktif"]
    names = active["nama_usaha"].drop_duplicates().sample(20, random_state=1).tolist()
    assert [n for n in names if n in payload["names"]] == names
    assert not [n for n in names if json.dumps(n)[1:-1] in text]

    # Another page and back: the same URL, served from the browser's cache (nothing fetched).
    page.get_by_role("link", name="Beranda").click()
    expect(page.locator(MAP_IFRAME)).to_have_count(0, timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Peta UMKM").click()
    _wait_points(page)
    assert len(net.fetches) == 2, net.fetches
    again = net.fetches[1]
    assert again["url"] == fetch["url"]
    assert again["cached"] and again["bytes"] == 0, again

    # Without the token (anonymous, a guessed token, another hash) the route answers 404.
    token, sha = PAYLOAD_PATH.search(fetch["url"]).groups()
    for path in (
        f"/peta-data/{'A' * len(token)}/{sha}.json",
        f"/peta-data/{token[:-1]}{'B' if token[-1] != 'B' else 'C'}/{sha}.json",
        f"/peta-data/{token}/{'0' * 64}.json",
    ):
        refused = page.request.get(app_server + path)
        assert refused.status == 404, path
        assert "names" not in refused.text()
    # The hash alone is no route of ours (Streamlit answers with its app shell, no data).
    assert '"names"' not in page.request.get(f"{app_server}/peta-data/{sha}.json").text()


@pytest.mark.parametrize(("role", "personal"), [("pimpinan", False), ("perencana", True)])
def test_payload_has_personal_fields_only_for_roles_that_see_them(
    app_server: str, browser_page: Page, demo_umkm: Any, role: str, personal: bool
) -> None:
    page = browser_page
    net = _Network(page)
    login(page, app_server, role)
    page.get_by_role("link", name="Peta UMKM").click()
    _wait_points(page)
    (fetch,) = net.fetches
    body = page.request.get(fetch["url"]).text()
    payload = json.loads(body)
    assert ("personal" in payload) is personal
    sample = demo_umkm[demo_umkm["status"] == "aktif"].sample(30, random_state=2)
    for column in ("pemilik", "telepon"):
        found = [v for v in sample[column].dropna().astype(str) if json.dumps(v)[1:-1] in body]
        assert bool(found) is personal, (column, found[:3])


# --- canvas points: one canvas, points and kelurahan both clickable --------------------------
LAT0, LON0 = -7.9609, 112.6435


def _line_map(*, zoom: int) -> Any:
    """Twelve points on a line, 0.001 degree (~110 m) apart (alone at zoom 18), inline assets."""
    import numpy as np
    import pandas as pd

    from geo import wilayah
    from geo.core.register import to_geodataframe
    from geo.render import mapview

    kel = wilayah.kelurahan()
    lat0, lon0 = LAT0, LON0
    umkm = to_geodataframe(
        pd.DataFrame(
            {
                "id": [f"U{i}" for i in range(12)],
                "nama_usaha": [f"Titik <b>{i}</b>" for i in range(12)],
                "lat": lat0 + 0.001 * np.arange(12),
                "lon": np.full(12, lon0),
                "kode_kelurahan": "35.73.01.1007",
                "sektor": "kuliner",
                "skala": "mikro",
                "status": "aktif",
            }
        )
    )
    return mapview.build_map(
        kelurahan=kel,
        kecamatan=None,
        umkm=umkm,
        sentra=None,
        options=mapview.MapOptions(
            offline=True, inline=True, basemap="none", center=(lat0, lon0), zoom=zoom
        ),
    )


def _point_xy(page: Page, name: str, lat: float, lon: float) -> tuple[float, float]:
    """Page coordinates of a position on the map ``name``."""
    point = page.evaluate(
        "([name, lat, lon]) => window[name].latLngToContainerPoint([lat, lon])", [name, lat, lon]
    )
    box = page.locator(f"#{name}").bounding_box()
    assert box is not None
    return box["x"] + point["x"], box["y"] + point["y"]


def test_points_on_canvas_are_clickable_and_let_clicks_through(browser_page: Page) -> None:
    lat0, lon0 = LAT0, LON0
    m = _line_map(zoom=18)
    page = browser_page
    page.context.route("**/*", lambda route: route.abort())
    page.set_content(m.get_root().render(), wait_until="load")
    page.wait_for_selector("[data-umkm-loaded]", state="attached", timeout=TIMEOUT_MS)
    name = m.get_name()
    # Count clicks that reach a kelurahan polygon.
    page.evaluate(
        """(name) => {
        window.__kel = 0;
        window[name].eachLayer((l) => {
            if (l.feature && l.feature.properties && l.feature.properties.layer === "kelurahan")
                l.on("click", () => { window.__kel += 1; });
        });
    }""",
        name,
    )
    canvas = page.locator(".leaflet-petaUmkmTitik-pane canvas")
    expect(canvas).to_have_count(1)
    expect(page.locator(".leaflet-petaUmkmTitik-pane svg")).to_have_count(0)
    x, y = _point_xy(page, name, lat0, lon0)
    # Away from the points the canvas lets the click through to the kelurahan.
    page.mouse.move(x + 60, y)
    assert canvas.evaluate("c => getComputedStyle(c).pointerEvents") == "none"
    page.mouse.click(x + 60, y)
    assert page.evaluate("window.__kel") == 1
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    # Over a point it takes the click: the popup shows the name as text.
    page.mouse.move(x, y)
    assert canvas.evaluate("c => getComputedStyle(c).pointerEvents") == "auto"
    page.mouse.click(x, y)
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Titik <b>0</b>")
    assert page.evaluate("window.__kel") == 1


def test_grid_clusters_for_many_points(browser_page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.render import mapview

    monkeypatch.setattr(mapview, "GRID_MIN_POINTS", 10)  # the grid engine for 12 points
    m = _line_map(zoom=13)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.context.route("**/*", lambda route: route.abort())
    page.set_content(m.get_root().render(), wait_until="load")
    page.wait_for_selector("[data-umkm-loaded='12']", state="attached", timeout=TIMEOUT_MS)
    name = m.get_name()
    drawn = """(name) => {
        const out = {clusters: [], points: 0};
        window[name].eachLayer((l) => {
            if (l._petaCell) out.clusters.push(l.options.count);
            else if (l._petaUmkm !== undefined) out.points += 1;
        });
        return out;
    }"""
    # City zoom: clusters with counts on the canvas (no DOM icons), every point counted once.
    first = page.evaluate(drawn, name)
    assert first["clusters"] and sum(first["clusters"]) + first["points"] == 12, first
    expect(page.locator(".marker-cluster")).to_have_count(0)
    expect(page.locator(".leaflet-petaUmkmTitik-pane canvas")).to_have_count(1)
    # A click on a cluster zooms in towards its points.
    biggest = page.evaluate(
        """(name) => { let best = null; window[name].eachLayer((l) => {
            if (l._petaCell && (!best || l.options.count > best.options.count)) best = l; });
            const p = best.getLatLng(); return [p.lat, p.lng]; }""",
        name,
    )
    x, y = _point_xy(page, name, *biggest)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_function(
        f"() => window['{name}'].getZoom() > 13 && !window['{name}']._animatingZoom",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_timeout(300)
    # Street level: every point alone, clickable, its popup shows the name as text.
    page.evaluate(
        "([name, lat, lon]) => { window[name].setView([lat, lon], 18, {animate: false}); }",
        [name, LAT0, LON0],
    )
    street = page.evaluate(drawn, name)
    assert street["clusters"] == [] and street["points"] >= 3, street
    x, y = _point_xy(page, name, LAT0, LON0)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Titik <b>0</b>")
    assert errors == []
