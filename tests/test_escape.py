"""Text made inert for its context: spreadsheets (formula injection), script JSON, HTML.

The unit tests pin the functions of ``geo/core/escape.py``; the output tests open every
spreadsheet-bound file the app writes (register export CSV/XLSX, import report CSV/XLSX, route
CSV, sentra and cluster CSV) with a business name ``=HYPERLINK(...)`` and check that no cell is
a formula while numbers stay numbers.
"""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.core.escape import (
    markdown_text,
    script_json,
    spreadsheet_cell,
    spreadsheet_frame,
    xlsx_text_cells,
)
from geo.ingest import demo
from geo.ingest.export import export_bytes
from geo.ingest.importer import plan_import, report_csv, report_xlsx
from geo.ingest.readers import read_source
from geo.planning.routing import solve
from geo.planning.routing_export import route_csv
from geo.planning.stops import Depot

EVIL = '=HYPERLINK("http://example.invalid/x","klik")'
DEPOT = Depot("balai-kota", "Balai Kota Malang", "Jl. Tugu No. 1", -7.97724, 112.63411, "jalan")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-12.5", "-12.5"),  # a plain number written as text: nothing can run
        ("+6281234567", "+6281234567"),
        ("Warung =Sanan", "Warung =Sanan"),
        (42, 42),
        (None, None),
    ],
)
def test_spreadsheet_cell(value, expected):
    assert spreadsheet_cell(value) == expected


@given(st.text())
def test_no_neutralised_cell_starts_a_formula(text):
    out = spreadsheet_cell(text)
    assert not out.startswith(("=", "@", "\t", "\r"))
    if out.startswith(("+", "-")):
        float(out)  # only a plain number may start with a sign


@given(
    st.recursive(
        st.text() | st.integers(),
        lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids),
        max_leaves=8,
    )
)
def test_script_json_round_trips_without_jinja_or_html(obj):
    text = script_json(obj)
    assert json.loads(text) == obj
    assert not any(s in text for s in ("{{", "{%", "{#", "<", ">", "&"))


def test_spreadsheet_frame_keeps_numbers():
    frame = pd.DataFrame({"nama": [EVIL, "Warung"], "omzet": [-5.0, 10.0]})
    out = spreadsheet_frame(frame)
    assert out["nama"].tolist() == ["'" + EVIL, "Warung"]
    assert out["omzet"].tolist() == [-5.0, 10.0] and out["omzet"].dtype == "float64"


def _xlsx_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


def _no_formulas(data: bytes) -> None:
    cells = _xlsx_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert EVIL in [c.value for c in cells]  # the text itself is kept exactly


def test_xlsx_text_cells_turns_formulas_into_text():
    book = openpyxl.Workbook()
    book.active.append([EVIL, "=1+1", 3])
    assert xlsx_text_cells(book.active) == 2
    buffer = io.BytesIO()
    book.save(buffer)
    cells = _xlsx_cells(buffer.getvalue())
    assert [c.data_type for c in cells] == ["s", "s", "n"]


@pytest.fixture(scope="module")
def register():
    data = demo.generate(count=30, seed=4)
    umkm = data.umkm.copy()
    umkm.loc[umkm.index[0], "nama_usaha"] = EVIL
    umkm.loc[umkm.index[1], "alamat"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    return umkm


def test_register_export_csv_and_xlsx(register):
    csv = pd.read_csv(io.BytesIO(export_bytes(register, fmt="csv", role="admin")), dtype=str)
    assert "'" + EVIL in csv["nama_usaha"].tolist()
    assert not csv["nama_usaha"].str.startswith(("=", "+", "@")).any()
    assert pd.to_numeric(csv["lat"]).notna().all()  # numbers stay numbers
    _no_formulas(export_bytes(register, fmt="xlsx", role="admin"))


def test_import_report_csv_and_xlsx():
    data = f'nama_usaha,kelurahan,lat,lon\n"{EVIL.replace(chr(34), chr(34) * 2)}",Sanan,x,y\n'
    plan = plan_import(read_source(data.encode(), name="jahat.csv"))
    report = pd.read_csv(io.BytesIO(report_csv(plan)), dtype=str)
    assert "'" + EVIL in report["nama_usaha"].tolist()
    _no_formulas(report_xlsx(plan))


def test_route_csv():
    stops = pd.DataFrame({"id": ["a"], "nama": [EVIL], "lat": [-7.9609], "lon": [112.64351]})
    plan = solve(stops, DEPOT, officers=1)
    table = pd.read_csv(io.StringIO(route_csv(plan, 1)), dtype=str)
    assert "'" + EVIL in table["nama"].tolist()
    assert pd.to_numeric(table["lat"]).notna().all()


@given(st.text())
def test_markdown_text_escapes_every_markdown_character(text):
    out = markdown_text(text)
    assert "\n" not in out and "\r" not in out
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", out)
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped)
