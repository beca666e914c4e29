"""The public sentra page in headless Chromium: map, cards, download, phone screen, no leaks.

Everything Chromium receives is searched for every demo owner name, phone number and
home-business address: the DOM, each iframe's document (the map), every WebSocket frame the
Streamlit server sends (chart data and element payloads that are not in the DOM) and the CSV
download.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect

from geo.core import settings
from geo.core.i18n import t
from geo.ingest import demo
from tests.test_browser import SCREENSHOTS, _save_screenshot
from tests.test_publik import assert_no_personal

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def personal_needles() -> list[str]:
    # The app server's database holds demo.generate() with the default seed.
    umkm = demo.generate().umkm
    values = pd.concat([umkm["pemilik"], umkm["telepon"], umkm["alamat"]]).dropna().astype(str)
    return sorted(set(values))


class _Received:
    """Collects every WebSocket frame the page receives."""

    def __init__(self, page: Page) -> None:
        self.frames: list[str] = []
        page.on("websocket", self._on_socket)

    def _on_socket(self, ws: object) -> None:
        ws.on("framereceived", self._on_frame)  # type: ignore[attr-defined]

    def _on_frame(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            payload = payload.decode("utf-8", errors="replace")
        self.frames.append(payload)

    def text(self) -> str:
        return "\n".join(self.frames)


def _everything(page: Page) -> str:
    """The page's HTML plus the HTML of every frame in it (the map iframe included)."""
    return "\n".join([page.content(), *(frame.content() for frame in page.frames)])


def _wait_for_map(page: Page) -> None:
    # While Streamlit swaps a re-rendered map, the old and the new iframe coexist briefly.
    expect(page.locator(MAP_IFRAME)).to_have_count(1, timeout=TIMEOUT_MS)
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator(".peta-sentra-publik").first).to_be_attached(timeout=TIMEOUT_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=TIMEOUT_MS)
    expect(page.locator(MAP_IFRAME)).to_have_count(1, timeout=TIMEOUT_MS)


@pytest.fixture
def phone_page(_chromium: Browser) -> Iterator[Page]:
    """A 390x844 touch screen (a common phone), Indonesian locale."""
    context = _chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
    )
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_public_pages_send_no_personal_data(
    app_server: str, browser_page: Page, tmp_path: Path, personal_needles: list[str]
) -> None:
    page = browser_page
    received = _Received(page)
    # Beranda (the default page) first, then the sentra page through the menu.
    page.goto(app_server, wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=t("beranda.title", "id"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible(timeout=TIMEOUT_MS)
    beranda = _everything(page)
    page.get_by_role("link", name=t("nav.sentra_publik", "id")).click()
    expect(page.get_by_role("heading", name=t("publik.title", "id"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    _wait_for_map(page)

    # The map is really drawn: a visible iframe with a height, every public sentra, attribution.
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box is not None and box["height"] >= 400 and box["width"] >= 600
    frame = page.frame_locator(MAP_IFRAME)
    expect(frame.locator(".peta-sentra-publik")).to_have_count(16)
    expect(frame.get_by_text(settings.UPSTREAM_ATTRIBUTION)).to_be_visible()
    expect(page.get_by_text("Menampilkan 16 dari 16 sentra.")).to_be_visible()

    # A star's popup: the card, with a Google Maps directions link.
    frame.locator(".peta-sentra-publik").first.click()
    link = frame.locator(".leaflet-popup a", has_text=t("publik.card.arah", "id"))
    directions = re.compile(
        r"^https://www\.google\.com/maps/dir/\?api=1&destination=-7\.\d{6},112\.\d{6}$"
    )
    expect(link).to_have_attribute("href", directions)
    _save_screenshot(page, tmp_path, "sentra_publik.png")
    sentra_page = _everything(page)

    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.get_by_role("button", name=t("publik.download", "id")).click()
    download = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "Sentra Tempe dan Keripik Tempe Sanan" in download

    assert "Sentra Tempe dan Keripik Tempe Sanan" in sentra_page
    assert len(received.frames) > 5
    for text in (beranda, sentra_page, received.text(), download):
        assert_no_personal(text, personal_needles)


def test_search_filters_map_and_cards(app_server: str, browser_page: Page) -> None:
    page = browser_page
    page.goto(f"{app_server}/sentra_publik", wait_until="domcontentloaded")
    _wait_for_map(page)
    page.get_by_label(t("publik.search", "id")).fill("rotan")
    page.get_by_label(t("publik.search", "id")).press("Enter")
    expect(page.get_by_text("Menampilkan 2 dari 16 sentra.")).to_be_visible(timeout=TIMEOUT_MS)
    _wait_for_map(page)
    expect(page.frame_locator(MAP_IFRAME).locator(".peta-sentra-publik")).to_have_count(2)
    expect(page.get_by_role("heading", name="Sentra Rotan Jl. Bulu Tangkis")).to_be_visible()


def test_shared_link_on_a_phone(app_server: str, phone_page: Page, tmp_path: Path) -> None:
    page = phone_page
    page.goto(f"{app_server}/sentra_publik?sentra=kampung-raket", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name=t("publik.selected_header", "id"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.get_by_role("heading", name="Kampung Raket Bandungrejosari").first).to_be_visible()
    _wait_for_map(page)
    # The shared card's link is the page's own address with ?sentra=.
    expect(page.locator('[data-testid="stCode"]')).to_contain_text(
        f"{app_server}/sentra_publik?sentra=kampung-raket"
    )
    # The map fits the phone and has a height; nothing is wider than the screen.
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box is not None and box["height"] >= 400 and box["width"] <= 390
    main = page.locator('[data-testid="stMain"]')
    assert main.evaluate("m => m.scrollWidth <= m.clientWidth + 1")
    # The sidebar (menu, language) is collapsed on a phone, out of the way.
    expect(page.locator('[data-testid="stSidebar"]')).to_have_attribute("data-collapsed", "true")
    red_ring = page.frame_locator(MAP_IFRAME).locator('.peta-sentra-publik div[style*="#d7191c"]')
    expect(red_ring).to_have_count(1)
    # What the phone shows first (a full-page shot of 16 stacked cards is too long to read).
    path = tmp_path / "sentra_publik_mobile.png"
    page.screenshot(path=path)
    if os.environ.get("SAVE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / path.name)
