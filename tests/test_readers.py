"""Tests for geo.readers: every format into text cells, with the source's row numbers."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from geo.ingest.readers import SourceError, read_source


def test_csv_delimiters_and_encodings(tmp_path: Path) -> None:
    rows = ["Nama Usaha{d}Kel.{d}Omzet", "Café Ijen{d}Oro-oro Dowo{d}1,5 juta", "Tempe{d}Sanan{d}2"]
    for delimiter in (",", ";", "\t", "|"):
        for encoding in ("utf-8", "utf-8-sig", "cp1252"):
            text = "\n".join(r.format(d=delimiter) for r in rows)
            if delimiter == ",":
                text = text.replace("1,5 juta", '"1,5 juta"')
            data = text.encode(encoding)
            source = read_source(data, name="daftar.csv")
            assert source.delimiter == delimiter, (delimiter, encoding)
            assert source.headers == ["Nama Usaha", "Kel.", "Omzet"]
            assert source.cells.iloc[0].tolist() == ["Café Ijen", "Oro-oro Dowo", "1,5 juta"]
            assert source.rows.tolist() == [2, 3]


def test_csv_title_rows_blank_lines_and_ragged_rows() -> None:
    text = (
        "Pendataan UMKM Kelurahan Dinoyo\n"
        "\n"
        "No,Nama Usaha,Kel.,Lat,Long\n"
        "1,Tempe,Dinoyo,-7.94,112.61\n"
        "\n"
        '2,"Kue ""Bu Sri""\nlantai 2",Dinoyo,-7.94,112.61\n'
        "3,Geser,Dinoyo,-7,94,112,61\n"
        ",,,,\n"
    )
    source = read_source(text.encode(), name="dinoyo.csv")
    assert source.header_row == 3
    assert source.rows.tolist() == [4, 6, 7]  # blank lines counted, a multi-line cell is one row
    assert source.cells["Nama Usaha"].tolist() == ["Tempe", 'Kue "Bu Sri"\nlantai 2', "Geser"]
    assert source.overflow == {7: 2}  # decimal commas in a comma-separated file


def test_xlsx_sheets_and_row_numbers(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Rekap"
    sheet.append(["Judul"])
    second = book.create_sheet("Data")
    second.append([None])
    second.append(["Nama Usaha", "No HP/WA", "Lat", "Long", "Tanggal"])
    second.append(["Tempe", 81234567890, -7.94356, 112.609608, None])
    second.append([])
    second.append(["Kue", "0812-1", -7.9, 112.6, None])
    import datetime as dt

    second["E3"] = dt.datetime(2025, 3, 1)
    path = tmp_path / "umkm.xlsx"
    book.save(path)
    first = read_source(path)  # the first sheet by default: a title and nothing below it
    assert first.sheet == "Rekap" and first.cells.empty
    source = read_source(path, sheet="Data")
    assert source.sheets == ("Rekap", "Data") and source.sheet == "Data"
    assert source.header_row == 2 and source.rows.tolist() == [3, 5]
    first = source.cells.iloc[0].tolist()
    assert first == ["Tempe", "81234567890", "-7.94356", "112.609608", "2025-03-01"]
    with pytest.raises(SourceError, match="sheet 'Tidak' tidak ada; pilihan: Rekap, Data"):
        read_source(path, sheet="Tidak")


def test_geojson_and_gpkg_geometry_becomes_a_coordinate_column(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"nama_usaha": ["Titik", "Poligon", "Kosong"], "omzet": [1.5e6, None, 2.0]},
        geometry=[Point(112.609608, -7.94356), Polygon([(0, 0), (1, 0), (1, 1)]), None],
        crs="EPSG:4326",
    )
    gpkg = tmp_path / "u.gpkg"
    frame.to_crs("EPSG:32749").to_file(gpkg, layer="umkm_utm", driver="GPKG")
    frame.to_file(gpkg, layer="lain", driver="GPKG")
    geojson = tmp_path / "u.geojson"
    frame.to_file(geojson, driver="GeoJSON")
    for path, layer in ((gpkg, None), (geojson, None)):
        source = read_source(path, sheet=layer)
        assert source.rows.tolist() == [1, 2, 3]  # features: 1 = the first
        lat, lon = (float(v) for v in source.cells["geometri"].iloc[0].split(","))
        assert lat == pytest.approx(-7.94356, abs=1e-7) and lon == pytest.approx(
            112.609608, abs=1e-7
        )
        assert source.cells["geometri"].iloc[1] == "bukan titik: Polygon"
        assert source.cells["geometri"].iloc[2] is None
        assert source.cells["omzet"].tolist() == ["1500000", None, "2"]
    assert read_source(gpkg).sheets == ("umkm_utm", "lain")
    with pytest.raises(SourceError, match="layer 'x' tidak ada"):
        read_source(gpkg, sheet="x")
    json.loads(geojson.read_text())  # a plain GeoJSON file


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("daftar.pdf", b"%PDF", "format tidak dikenal"),
        ("daftar.csv", b"", "berkas kosong"),
        ("daftar.csv", b"\n\n,,\n", "tidak ada baris berisi"),
        ("daftar.xlsx", b"PK\x03\x04 rusak", "XLSX tidak terbaca"),
        ("daftar.geojson", b"{bukan json", "GEOJSON tidak terbaca"),
        ("daftar.csv", b"a\x00b", "NUL"),
    ],
)
def test_unreadable_files_say_why(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(SourceError, match=reason) as err:
        read_source(data, name=name)
    assert err.value.file == name


def test_sha256_is_of_the_bytes(tmp_path: Path) -> None:
    import hashlib

    data = b"Nama Usaha,Kel.\nTempe,Sanan\n"
    assert read_source(data, name="a.csv").sha256 == hashlib.sha256(data).hexdigest()


def test_fast_and_careful_csv_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    import geo.ingest.readers as readers

    text = (
        b"Pendataan UMKM\n\n"
        b"No;Nama Usaha;Kel.;Koordinat;Catatan\n"
        b'1;Tempe;Dinoyo;"-7,94; 112,61";\n'
        b"\n"
        b'2;"Kue ""Bu Sri""\nlantai 2";Dinoyo;;  spasi  \n'
        b";;;;\n"
        b"3;Bakso;Sumbersari;-7.95, 112.61;\n"
    )
    fast = readers.read_source(text, name="a.csv")
    monkeypatch.setattr(readers, "_read_csv_fast", lambda *args: None)
    careful = readers.read_source(text, name="a.csv")
    pd.testing.assert_frame_equal(fast.cells, careful.cells)
    assert fast.rows.tolist() == careful.rows.tolist() == [4, 6, 8]
    assert fast.cells["Catatan"].tolist() == [None, "spasi", None]


# --- Hardening (issue 13.10, 13.12): clear errors, no server paths, UTF-16 -----------------------


def test_a_header_wider_than_the_limit_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.core import settings

    wide = ",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("x" * 100_000) + "\n"
    with pytest.raises(SourceError, match=r"terlalu banyak kolom: 100\.000 \(paling banyak 500\)"):
        read_source(wide.encode(), name="lebar.csv")
    monkeypatch.setattr(settings, "SOURCE_MAX_COLUMNS", 3)
    with pytest.raises(SourceError, match="terlalu banyak kolom: 4") as err:
        read_source(b"a,b,c,d\n1,2,3,4\n", name="empat.csv")
    assert err.value.file == "empat.csv"
    assert read_source(b"a,b,c\n1,2,3\n", name="tiga.csv").headers == ["a", "b", "c"]
    features = [{"type": "Feature", "properties": dict.fromkeys("abcd", "x"), "geometry": None}]
    collection = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    with pytest.raises(SourceError, match="terlalu banyak kolom: 4"):
        read_source(collection, name="lebar.geojson")


def test_a_cell_over_the_csv_field_limit_is_a_clear_error() -> None:
    # A ragged row sends the file down the careful path, where the csv module has a field limit.
    text = "nama_usaha,alamat\nTempe,Sanan,lebih\n" + 'Bolen,"' + "x" * 200_000 + '"\n'
    with pytest.raises(SourceError, match=r"baris 3 berisi sel lebih dari 131\.072 karakter"):
        read_source(text.encode(), name="panjang.csv")


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({"type": "Point", "coordinates": [112.63, -7.97]}, r"satu geometri GeoJSON \(Point\)"),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.6, -7.9]}}
                ],
            },
            r"1 fitur tanpa atribut \(properties kosong\)",
        ),
        ({"type": "FeatureCollection", "features": []}, "tidak ada fitur"),
    ],
)
def test_geojson_without_attributes_says_so(document: dict[str, object], reason: str) -> None:
    with pytest.raises(SourceError, match=reason) as err:
        read_source(json.dumps(document).encode(), name="titik.geojson")
    assert err.value.file == "titik.geojson"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rusak.geojson", b'{"type": "FeatureCollection", "features": [{"type": '),
        ("rusak.gpkg", b"SQLite format 3\x00" + b"\x00" * 200),
        ("rusak.gpkg", b"bukan geopackage"),
    ],
)
def test_vector_errors_show_no_server_path(name: str, data: bytes) -> None:
    import tempfile

    with pytest.raises(SourceError) as err:
        read_source(data, name=name)
    message = str(err.value)
    assert message.startswith(f"{name}: ")
    assert tempfile.gettempdir() not in message and "sumber." not in message
    assert "tidak terbaca" in message


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-16", "utf-16"),  # with a BOM (little-endian here)
        ("utf-16-be-bom", "utf-16"),
        ("utf-32", "utf-32"),
        ("utf-16-le", "utf-16-le"),  # no BOM: told by its zero bytes
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_utf16_and_utf32_csv_are_read(encoding: str, expected: str) -> None:
    import codecs

    text = "Nama Usaha;Kel.;Omzet\nCafé Ijen;Oro-oro Dowo;1,5 juta\nTempe;Sanan;2\n"
    if encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    source = read_source(data, name="excel-unicode.csv")
    assert source.encoding == expected
    assert source.delimiter == ";"
    assert source.headers == ["Nama Usaha", "Kel.", "Omzet"]
    assert source.cells.iloc[0].tolist() == ["Café Ijen", "Oro-oro Dowo", "1,5 juta"]


def test_broken_utf16_is_a_clear_error() -> None:
    data = "Nama Usaha,Kel.\nTempe,Sanan\n".encode("utf-16") + b"\x00\xd8"  # a lone surrogate
    with pytest.raises(SourceError, match="tampak UTF-16 tetapi tidak terbaca"):
        read_source(data, name="rusak.csv")
