"""Tests for geo.headers: the column headers of the city's spreadsheets."""

from __future__ import annotations

import pytest

from geo.ingest.headers import FIELDS, check_mapping, count_known_headers, guess_mapping, header_key


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nama Usaha", "nama_usaha"),
        ("NAMA UMKM", "nama_usaha"),
        ("nama_usaha", "nama_usaha"),
        ("Pemilik", "pemilik"),
        ("No HP/WA", "telepon"),
        ("Alamat", "alamat"),
        ("Kel.", "kelurahan"),
        ("Kelurahan/Desa", "kelurahan"),
        ("Nama Kelurahan", "kelurahan"),
        ("Kec.", "kecamatan"),
        ("Jenis Usaha", "sektor"),
        ("Bidang Usaha", "sektor"),
        ("Skala", "skala"),
        ("Omzet", "omzet"),
        ("Omzet (Rp/tahun)", "omzet"),
        ("Omset/Bulan", "omzet_bulanan"),
        ("Aset", "modal"),
        ("Lat", "lat"),
        ("Lintang", "lat"),
        ("Long", "lon"),
        ("Bujur", "lon"),
        ("Longitude (BT)", "lon"),
        ("Koordinat", "koordinat"),
        ("Titik Koordinat (lat, long)", "koordinat"),
        ("Kode Wilayah", "kode_kelurahan"),
        ("Kelurhan", "kelurahan"),  # a typo
        ("No", None),
        ("NIK", None),  # never stored
        ("Tanggal Lahir", None),
    ],
)
def test_headers_people_write(header: str, field: str | None) -> None:
    assert guess_mapping([header])[header] == field


def test_a_field_is_proposed_once() -> None:
    mapping = guess_mapping(["Nama Usaha", "NAMA UMKM", "Lat", "Lintang"])
    assert mapping == {"Nama Usaha": "nama_usaha", "NAMA UMKM": None, "Lat": "lat", "Lintang": None}


def test_header_key_and_header_row_detection() -> None:
    assert header_key("No. HP / WA") == "no hp wa"
    assert count_known_headers(["Pendataan UMKM 2025", None]) == 0
    assert count_known_headers(["No", "Nama Usaha", "Kel.", "Lat", "Long"]) == 4


def test_check_mapping() -> None:
    good = {"A": "nama_usaha", "B": "kelurahan", "C": None}
    assert check_mapping(good) == []
    problems = check_mapping({"A": "telepon", "B": "telepon", "C": "lat", "D": "apa"})
    assert any("lebih dari satu kolom: 'A', 'B'" in p for p in problems)
    assert "kolom nama usaha belum dipilih" in problems
    assert "lintang dan bujur harus dipilih berdua" in problems
    assert any("'apa' tidak dikenal" in p for p in problems)
    assert check_mapping({"A": "nama_usaha"}) == [
        "tidak ada kolom lokasi (lintang/bujur, koordinat, atau kelurahan)"
    ]
    assert set(FIELDS) >= {"nama_usaha", "lat", "lon", "koordinat", "kelurahan"}
