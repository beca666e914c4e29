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


def test_generic_ids_are_source_ids_unless_they_look_like_register_ids() -> None:
    import pandas as pd

    from geo.ingest.headers import looks_foreign_id

    for header in ("ID", "id", "fid", "OBJECTID", "osm_id", "gid"):
        assert guess_mapping([header])[header] == "id_sumber", header
    assert guess_mapping(["ID UMKM"])["ID UMKM"] == "id"
    osm = pd.DataFrame({"ID": ["1544238704", "1544238705"]})
    own = pd.DataFrame({"id": ["UMKM-00012", None]})
    assert guess_mapping(["ID"], cells=osm) == {"ID": "id_sumber"}
    assert guess_mapping(["id"], cells=own) == {"id": "id"}
    assert guess_mapping(["fid"], cells=own.rename(columns={"id": "fid"})) == {"fid": "id_sumber"}
    assert looks_foreign_id(osm["ID"]) and not looks_foreign_id(own["id"])


def test_overrides_json_and_map_options() -> None:
    from geo.ingest.headers import (
        apply_overrides,
        mapping_from_json,
        mapping_to_json,
        parse_map_options,
    )

    guessed = guess_mapping(["NAMA", "Label", "ID", "Telp"])
    assert guessed == {"NAMA": "nama_usaha", "Label": None, "ID": "id_sumber", "Telp": "telepon"}
    overrides = parse_map_options(["nama_usaha=Label", "id=ID", "telepon="])
    assert overrides == {"nama_usaha": "Label", "id": "ID", "telepon": None}
    mapping, problems = apply_overrides(guessed, overrides)
    assert problems == []
    assert mapping == {"NAMA": None, "Label": "nama_usaha", "ID": "id", "Telp": None}
    assert mapping_from_json(mapping_to_json(mapping))["nama_usaha"] == "Label"
    again, _ = apply_overrides(guessed, mapping_from_json(mapping_to_json(mapping)))
    assert again == mapping  # the downloaded JSON gives back the same mapping
    _, problems = apply_overrides(guessed, {"nama": "Label", "alamat": "Jalan"})
    assert problems[0].startswith("bidang 'nama' tidak dikenal; pilihan: id, nama_usaha")
    assert (
        problems[1] == "kolom 'Jalan' tidak ada di berkas; kolom di berkas: NAMA, Label, ID, Telp"
    )
    with pytest.raises(ValueError, match="BIDANG=KOLOM"):
        parse_map_options(["nama_usaha"])
    with pytest.raises(ValueError, match="bukan JSON"):
        mapping_from_json("{")


def test_sector_hints_name_unmapped_concept_columns() -> None:
    from geo.ingest.headers import sector_hints

    mapping = guess_mapping(["NAME", "AMENITY", "CUISINE", "Jenis Usaha", "Bidang", "KBLI", "X"])
    assert mapping["Jenis Usaha"] == "sektor"
    assert sector_hints(mapping) == {
        "AMENITY": "amenity",
        "CUISINE": "cuisine",
        "Bidang": "teks",
        "KBLI": "kbli",
    }
