"""The Klaster & hot spot page in headless Chromium: map with hulls and hot spots, a filter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator, Locator, Page, expect

from geo.render.clustermap import HOTSPOT_COLORS
from tests.conftest import login
from tests.test_browser import _save_screenshot

pytestmark = pytest.mark.browser

TIMEOUT_MS = 120_000
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _metric_value(page: Page, label: str) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    text = metric.locator('[data-testid="stMetricValue"]').inner_text()
    return int(re.sub(r"\D", "", text))


def _wait_until_done(page: Page) -> None:
    """Wait until the script run is over (the status box says "Selesai", no run indicator)."""
    page.wait_for_timeout(500)  # let the rerun start
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=TIMEOUT_MS)
    expect(page.get_by_text("Selesai", exact=True)).to_be_visible(timeout=TIMEOUT_MS)


def _hot_spot_paths(frame: FrameLocator) -> Locator:
    return frame.locator(
        ", ".join(f'path.leaflet-interactive[fill="{c}"]' for c in HOTSPOT_COLORS.values())
    )


def test_klaster_page_shows_clusters_and_hot_spots(
    app_server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    login(page, app_server, "pimpinan")
    page.get_by_role("link", name="Klaster & hot spot").click()
    expect(page.get_by_role("heading", name="Klaster UMKM dan hot spot")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.get_by_text("Data contoh.")).to_be_visible()
    _wait_until_done(page)
    iframe = page.locator(MAP_IFRAME)
    expect(iframe).to_be_visible(timeout=TIMEOUT_MS)
    box = iframe.bounding_box()
    assert box is not None and box["height"] > 400, f"map iframe is {box}"
    frame = page.frame_locator(MAP_IFRAME)
    legend = frame.locator(".peta-umkm-legend").filter(has_text="Klaster dan hot spot")
    expect(legend).to_be_visible(timeout=TIMEOUT_MS)
    expect(legend).to_contain_text("Panas (99 %)")
    # Cluster hulls are drawn in their sector colour: the Sanan tempe hull is kuliner orange.
    expect(frame.locator('path.leaflet-interactive[fill="#f28e2b"]').first).to_be_attached(
        timeout=TIMEOUT_MS
    )
    assert _metric_value(page, "Klaster terdeteksi") >= 8
    assert _metric_value(page, "Kandidat sentra baru") == 0
    expect(page.get_by_text("Tidak ada kandidat").first).to_be_visible()
    # The admin-only promotion is not offered to leadership.
    expect(page.get_by_text("Hanya admin yang dapat menetapkan sentra baru.")).to_be_visible()
    _save_screenshot(page, tmp_path, "klaster.png")

    # Kuliner on 500 m hexagons: the hexagons around Sanan are hot.
    sektor = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    sektor.click()
    page.get_by_role("option", name="Kuliner (makanan-minuman)").click()
    page.keyboard.press("Escape")
    page.locator('[data-testid="stSidebar"]').get_by_text("heksagon 500 m").click()
    _wait_until_done(page)
    assert _metric_value(page, "Klaster terdeteksi") == 1  # Sanan
    hot = ", ".join(
        f'path.leaflet-interactive[fill="{HOTSPOT_COLORS[k]}"]'
        for k in ("panas_99", "panas_95", "panas_90")
    )
    expect(frame.locator(hot).first).to_be_attached(timeout=TIMEOUT_MS)
    # Hexagons, not kelurahan: more significant units than the city has kelurahan.
    for _ in range(120):
        if _hot_spot_paths(frame).count() > 57:
            break
        page.wait_for_timeout(500)
    assert _hot_spot_paths(frame).count() > 57
    assert _metric_value(page, "Wilayah panas") > 0
    _save_screenshot(page, tmp_path, "klaster_heksagon.png")
