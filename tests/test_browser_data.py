"""The data page in headless Chromium: upload the messy fixture, preview, report, save, undo."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from geo.ingest.importer import plan_import
from geo.ingest.readers import read_source
from tests.conftest import login
from tests.test_browser import _save_screenshot

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "messy.xlsx"


def _metric_value(page: Page, label: str) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    text = metric.first.locator('[data-testid="stMetricValue"]').inner_text()
    return int(re.sub(r"\D", "", text))


def test_upload_preview_report_save_and_undo(
    app_server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    # What the page must show: the geo plan of the same file (the server's demo register holds
    # none of the fixture's businesses, so no duplicates against the store).
    expected = plan_import(read_source(FIXTURE))
    summary = expected.summary()
    assert summary["galat"] and summary["peringatan"] and summary["ok"]

    login(page, app_server, "perencana")
    page.get_by_role("link", name="Data").click()
    expect(page.get_by_role("heading", name="Data UMKM: impor dan ekspor")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(FIXTURE)
    expect(page.get_by_text("27 baris data; judul kolom di baris 3.")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.get_by_text("1. Pemetaan kolom")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()

    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_text("2. Hasil pemeriksaan")).to_be_visible(timeout=TIMEOUT_MS)
    assert _metric_value(page, "Baris") == summary["baris"] == 27
    assert _metric_value(page, "OK") == summary["ok"]
    assert _metric_value(page, "Peringatan") == summary["peringatan"]
    assert _metric_value(page, "Galat") == summary["galat"]
    assert _metric_value(page, "Akan ditambah") == summary["impor"]
    status_filter = page.locator(".st-key-data_status_filter")
    expect(status_filter).to_contain_text("galat")
    expect(status_filter).to_contain_text("peringatan")
    preview = page.locator(".st-key-data_preview")
    expect(preview).to_be_visible()
    box = preview.bounding_box()
    assert box is not None and box["height"] > 200, box
    expect(page.get_by_text("Duplikat: lewati atau perbarui")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    _save_screenshot(page, tmp_path, "data_impor.png")

    # The row-level report, as downloaded, is the geo report.
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh laporan (CSV)").click()
    report = pd.read_csv(download.value.path(), dtype="string", keep_default_na=False)
    want = expected.report()
    assert report["baris"].astype(int).tolist() == want["baris"].tolist()
    assert report["status"].tolist() == want["status"].tolist()
    assert report["pesan"].tolist() == want["pesan"].fillna("").tolist()

    # Save, then undo from the history: the server's register is as before afterwards.
    page.set_viewport_size({"width": 1400, "height": 900})
    save = page.get_by_role("button", name=f"Simpan: tambah {summary['impor']}, perbarui 0")
    save.click()
    expect(page.get_by_text(re.compile(r"Tersimpan sebagai impor #\d+"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    message = page.get_by_text(re.compile(r"Tersimpan sebagai impor #\d+")).inner_text()
    assert f"{summary['impor']} ditambah" in message
    page.get_by_role("tab", name="Riwayat impor").click()
    expect(page.locator(".st-key-data_batches")).to_be_visible(timeout=TIMEOUT_MS)
    page.locator(".st-key-data_undo_confirm").get_by_role("checkbox").check(force=True)
    undo = page.locator(".st-key-data_undo").get_by_role("button")
    expect(undo).to_be_enabled(timeout=TIMEOUT_MS)
    undo.click()
    expect(page.get_by_text(re.compile(r"dibatalkan: \d+ UMKM dihapus"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    assert (
        f"{summary['impor']} UMKM dihapus"
        in page.get_by_text(re.compile(r"dibatalkan:")).inner_text()
    )
