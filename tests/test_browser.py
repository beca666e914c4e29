"""Smoke test in headless Chromium: the app starts and the landing page renders cleanly."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from geo.core.i18n import t

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _save_screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    """Screenshot the whole page into ``tmp_path``; copy it to docs/ if SAVE_SCREENSHOTS=1.

    Streamlit scrolls inside its main container, so the viewport is first made as tall as
    that container's content.
    """
    height = page.locator('[data-testid="stMain"]').evaluate("main => main.scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": max(900, height)})
    page.wait_for_timeout(1_000)  # let the charts re-layout to the new size
    path = tmp_path / name
    page.screenshot(path=path, full_page=True)
    if os.environ.get("SAVE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / name)
    return path


def test_beranda_renders_without_exception(
    app_server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    page.goto(app_server, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    title = page.get_by_role("heading", name=t("beranda.title", "id"))
    expect(title).to_be_visible(timeout=TIMEOUT_MS)
    # Wait for the script run to finish: the page's last element is either the empty-store
    # button or the charts.
    body = page.locator('[data-testid="stButton"], [data-testid="stVegaLiteChart"]').first
    expect(body).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=TIMEOUT_MS)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    screenshot = _save_screenshot(page, tmp_path, "beranda.png")
    assert screenshot.stat().st_size > 10_000


def test_first_paint_of_a_fresh_server_lists_no_private_script(
    tmp_path: Path, browser_page: Page
) -> None:
    """The sidebar never shows admin, _auth, _common ... to a visitor, not even at first paint.

    A freshly started server is in Streamlit's legacy pages/ mode until a session has run
    app.py's st.navigation; that mode's own list is switched off in .streamlit/config.toml.
    """
    from tests.conftest import serve_app

    with serve_app(tmp_path) as base_url:
        page = browser_page
        page.goto(f"{base_url}/sentra_publik")  # the first visitor, on a sub-path
        seen: set[str] = set()
        for _ in range(40):
            seen.update(page.locator('[data-testid="stSidebar"]').all_inner_texts())
            page.wait_for_timeout(150)
        text = "\n".join(seen)
        assert "Sentra UMKM" in text and "Masuk petugas" in text
        for private in ("admin", "Admin", "_auth", "auth", "_common", "common", "data", "dasbor"):
            assert private not in text.replace("Bahasa", ""), private
