"""Spreadsheets that would take the server down are refused with a message, never read raw."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from geo.core import settings
from geo.ingest import spreadsheet
from geo.ingest.readers import SourceError, read_source
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "messy.xlsx"


def _bomb(tmp_path: Path, *, declared: bool = True) -> Path:
    """A 5 KB workbook: a small table and one cell at XFD1048576 (17 billion cells)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["nama_usaha", "kelurahan"])
    ws.append(["Warung Contoh", "Purwantoro"])
    ws["XFD1048576"] = "x"
    raw = io.BytesIO()
    wb.save(raw)
    path = tmp_path / ("bomb.xlsx" if declared else "bomb_nodim.xlsx")
    if declared:
        path.write_bytes(raw.getvalue())
        return path
    # Without the <dimension> element: only the real extent gives it away.
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            out.writestr(info, data)
    return path


def test_declared_dimension_is_refused_before_reading(tmp_path):
    path = _bomb(tmp_path)
    assert path.stat().st_size < 10_000
    with pytest.raises(SourceError) as err:
        read_source(path)
    reason = err.value.reason
    assert "A1:XFD1048576" in reason and "17.179.869.184 sel" in reason
    assert "batas 5.000.000 sel" in reason and "'Sheet'" in reason


def test_real_extent_is_refused_when_no_dimension_is_declared(tmp_path):
    path = _bomb(tmp_path, declared=False)
    assert b"<dimension" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    with pytest.raises(SourceError, match=r"berisi sel sampai rentang A1:XFD1048576"):
        read_source(path)


def test_extent_scan_finds_the_used_rectangle():
    data = FIXTURE.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        paths = spreadsheet._sheet_paths(book)
        with book.open(next(iter(paths.values()))) as stream:
            _declared, real = spreadsheet._scan_extent(stream)
    sheet = openpyxl.load_workbook(FIXTURE, read_only=False).worksheets[0]
    assert (real.last_row, real.last_col) == (sheet.max_row, sheet.max_column)
    spreadsheet.check_xlsx(data)  # an ordinary register passes


def test_reader_abort_stays_in_the_child_process(tmp_path):
    """Even unchecked, a bomb costs a SheetError, never this process."""
    data = _bomb(tmp_path).read_bytes()
    with pytest.raises(spreadsheet.SheetError, match="tidak dapat dibaca dengan aman"):
        spreadsheet.read_sheet_values(data)


def test_archive_expansion_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "SPREADSHEET_MAX_EXPANDED_BYTES", 1_000)
    with pytest.raises(SourceError, match=r"mengembang menjadi .* batas"):
        read_source(FIXTURE)


def test_chosen_sheet_and_unknown_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Ringkasan"
    wb.active.append(["judul"])
    data_sheet = wb.create_sheet("Data")
    data_sheet.append(["nama_usaha", "kelurahan"])
    data_sheet.append(["Warung", "Sanan"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    table = read_source(path, sheet="Data")
    assert table.sheet == "Data" and table.sheets == ("Ringkasan", "Data")
    assert table.cells.iloc[0].tolist() == ["Warung", "Sanan"]
    with pytest.raises(SourceError, match="sheet 'Tidak' tidak ada; pilihan: Ringkasan, Data"):
        read_source(path, sheet="Tidak")


def test_cli_refuses_the_bomb_and_exits_cleanly(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "geo", "import", str(_bomb(tmp_path)), "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2, out.stderr
    assert "A1:XFD1048576" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.browser
def test_data_page_refuses_the_bomb_and_the_server_lives(
    app_server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    login(page, app_server, "perencana")
    page.get_by_role("link", name="Data").click()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(_bomb(tmp_path))
    expect(page.get_by_text(re.compile("A1:XFD1048576"))).to_be_visible(timeout=60_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    # The server still answers: the page can be used again at once.
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(FIXTURE)
    expect(page.get_by_text("27 baris data; judul kolom di baris 3.")).to_be_visible(timeout=60_000)
