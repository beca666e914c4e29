"""The explore page in headless Chromium: the map, its clusters and legend, a filter, a click."""

from __future__ import annotations

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
    expect(frame.locator(".marker-cluster").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(frame.locator(".peta-umkm-legend").first).to_be_visible()
    layers = frame.locator(".leaflet-control-layers-overlays")
    expect(layers).to_contain_text("Klaster UMKM")
    expect(layers).to_contain_text("Hot spot Gi*")
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text(
        "cahyadsn/wilayah_boundaries (MIT)"
    )
    total = _metric_value(page, "UMKM aktif")
    assert total == 21_270
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
    expect(page.frame_locator(MAP_IFRAME).locator(".marker-cluster").first).to_be_visible(
        timeout=TIMEOUT_MS
    )


def test_clicking_a_kelurahan_opens_its_profile(
    app_server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    _open_peta(page, app_server)
    frame = page.frame_locator(MAP_IFRAME).last
    expect(frame.locator(".marker-cluster").first).to_be_visible(timeout=TIMEOUT_MS)
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
    expect(frame.locator(".marker-cluster").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"zoom="), timeout=TIMEOUT_MS)  # position reported
    _settle(page)
    opened = counter.received
    assert opened > 500_000, f"the map was not received over the WebSocket ({opened} bytes)"

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
    expect(frame.locator(".marker-cluster").first).to_be_visible()
