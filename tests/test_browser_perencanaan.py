"""Visit planning in headless Chromium: plan a route for two officers and see both on the map."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from geo.render.routemap import officer_color
from tests.conftest import login
from tests.test_browser import _save_screenshot

pytestmark = pytest.mark.browser

TIMEOUT_MS = 90_000
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def test_plan_two_officers_and_see_both_routes(
    app_server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    login(page, app_server, "perencana")
    page.get_by_role("link", name="Perencanaan Kunjungan").click()
    expect(page.get_by_role("heading", name="Perencanaan Kunjungan")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.get_by_text("Data contoh.")).to_be_visible(timeout=TIMEOUT_MS)

    officers = page.get_by_label("Jumlah petugas")
    expect(officers).to_have_value("2", timeout=TIMEOUT_MS)  # the default: two officers
    page.get_by_role("button", name="Susun rute").click()
    expect(page.get_by_text("Rute tersusun")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("Rute heuristik")).to_be_visible(timeout=TIMEOUT_MS)

    # Wait for the script run to end: until then the map of the run before may linger.
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=TIMEOUT_MS)
    iframe = page.locator(MAP_IFRAME)
    expect(iframe).to_have_count(1, timeout=TIMEOUT_MS)
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    assert box is not None and box["height"] > 400, f"map iframe is {box}"
    frame = page.frame_locator(MAP_IFRAME)
    for officer in (1, 2):
        line = frame.locator(f"path.rute-petugas-{officer}")
        expect(line).to_have_count(1, timeout=TIMEOUT_MS)
        expect(line).to_have_attribute("stroke", officer_color(officer))
        line_box = line.bounding_box()
        assert line_box is not None and line_box["width"] > 5 and line_box["height"] > 5
    expect(frame.locator(".rute-stop").first).to_be_visible()
    expect(frame.locator(".rute-depot")).to_have_count(1)
    expect(frame.locator(".peta-umkm-legend")).to_contain_text("Petugas 2")
    # Both officers have their exports.
    expect(page.get_by_role("tab", name="Petugas 2")).to_be_visible()
    expect(page.get_by_role("button", name="Unduh GPX")).to_be_visible()
    _save_screenshot(page, tmp_path, "perencanaan.png")
