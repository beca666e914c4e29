"""The explore page in headless Chromium: the map, its clusters and legend, a filter, a click."""

from __future__ import annotations

import re
from pathlib import Path

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
