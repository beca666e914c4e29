"""Dasbor Pimpinan in headless Chromium: signed in as pimpinan, figures, map, brief download."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from geo.core.i18n import format_number, t
from geo.core.settings import CURATED_NOW
from tests.conftest import login
from tests.test_browser import _save_screenshot

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000


def test_dasbor_shows_the_figures_and_downloads_the_brief(
    app_server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    login(page, app_server, "pimpinan")
    page.locator(".st-key-menu").get_by_role("link", name=t("nav.dasbor", "id")).click()
    expect(page.get_by_role("heading", name=t("dasbor.title", "id"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics).to_have_count(8, timeout=TIMEOUT_MS)
    map_image = page.locator('[data-testid="stImage"] img')
    expect(map_image).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(5, timeout=TIMEOUT_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=TIMEOUT_MS)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    box = map_image.bounding_box()
    assert box is not None and box["height"] > 200 and box["width"] > 200

    labels = metrics.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = metrics.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert labels[0].strip() == t("dasbor.kpi.curated", "id")
    # The full demo data set: every active UMKM is curated by the latest quarter's end.
    assert values[0].strip() == format_number(CURATED_NOW, "id") == "21.270"

    screenshot = _save_screenshot(page, tmp_path, "dasbor.png")
    assert screenshot.stat().st_size > 50_000

    page.get_by_role("button", name=t("dasbor.brief_button", "id")).click()
    download_button = page.get_by_role("button", name="laporan-ringkas-2026-Q4.pdf")
    expect(download_button).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        download_button.click()
    data = Path(info.value.path()).read_bytes()
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    for label, value in zip(labels, values, strict=True):
        assert lines[lines.index(label.strip()) + 1] == value.strip(), label
