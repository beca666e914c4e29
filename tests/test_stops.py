"""Stops of a plan: clock times, builders from kelurahan/sentra/UMKM, CSV input, the depot."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest
import shapely

from geo import wilayah
from geo.planning.stops import (
    STOP_COLUMNS,
    StopError,
    combine_stops,
    depot_from_offices,
    format_hhmm,
    kelurahan_stops,
    parse_hhmm,
    read_stops_csv,
    sentra_stops,
    umkm_stops,
    validate_stops,
)
from geo.wilayah.sentra import load_offices, load_sentra


@pytest.fixture(scope="module")
def kel():
    return wilayah.kelurahan()


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        ("08:30", 510),
        ("8.05", 485),
        (" 17:00 ", 1020),
        ("24:00", 1440),
        (datetime.time(9, 15), 555),
        (600, 600),
        ("", None),
        (None, None),
        (float("nan"), None),
        (pd.NA, None),
    ],
)
def test_parse_hhmm(value, minutes):
    assert parse_hhmm(value) == minutes


@pytest.mark.parametrize("value", ["8", "08:60", "25:00", "pagi", "-1:00", 2000])
def test_parse_hhmm_refuses_non_times(value):
    with pytest.raises(ValueError):
        parse_hhmm(value)


def test_format_hhmm_rounds_to_the_minute():
    assert [format_hhmm(x) for x in (0, 59.4, 59.6, 510, None)] == [
        "00:00",
        "00:59",
        "01:00",
        "08:30",
        "",
    ]


def test_kelurahan_stops_sit_inside_their_kelurahan(kel):
    stops = kelurahan_stops(kel.assign(prioritas=range(len(kel))))
    assert list(stops.columns) == list(STOP_COLUMNS)
    assert len(stops) == 57 and stops["id"].is_unique
    assert (stops["presisi_lokasi"] == "kelurahan").all()
    assert stops["prioritas"].tolist() == list(map(float, range(57)))
    polygons = kel.set_index("kode").geometry
    for row in stops.itertuples():
        assert shapely.contains_xy(polygons[row.kode_kelurahan], row.lon, row.lat), row.nama
    assert stops["nama"].iloc[0].startswith("Kelurahan ")
    assert kelurahan_stops(kel.iloc[0:0]).empty


def test_sentra_and_umkm_stops_keep_their_points():
    sentra = load_sentra()
    s = sentra_stops(sentra)
    assert list(s["id"]) == [f"sentra:{i}" for i in sentra["id"]]
    assert list(s["presisi_lokasi"]) == list(sentra["presisi_lokasi"])
    register = pd.DataFrame(
        {
            "id": ["U1", "U2"],
            "nama_usaha": ["Keripik A", "Bolen B"],
            "kode_kelurahan": ["35.73.01.1007", "35.73.05.1009"],
            "lat": [-7.961, -7.937],
            "lon": [112.643, 112.628],
        }
    )
    u = umkm_stops(register)
    assert list(u["id"]) == ["umkm:U1", "umkm:U2"]
    assert u["alamat"].isna().all()  # no personal address without it in the input
    with_address = umkm_stops(register.assign(alamat=["Jl. A", "Jl. B"]))
    assert list(with_address["alamat"]) == ["Jl. A", "Jl. B"]
    both = combine_stops([s.head(2), s.head(1), u])
    assert len(both) == 4 and both["id"].is_unique


def test_validate_stops_names_row_and_column():
    bad = pd.DataFrame(
        {
            "id": ["a", "", "a"],
            "lat": [-7.9, 95, -7.9],
            "lon": [112.6, 112.6, "x"],
            "window_start": ["09:00", "", "10:70"],
            "window_end": ["08:00", "", ""],
            "must_visit": ["ya", "tidak", "mungkin"],
        }
    )
    with pytest.raises(StopError) as info:
        validate_stops(bad, file="uji.csv")
    found = [str(p) for p in info.value.problems]
    assert found == [
        "uji.csv, baris 2, kolom window_end: akhir jendela waktu sebelum awalnya",
        "uji.csv, baris 3, kolom id: id kosong",
        "uji.csv, baris 3, kolom lat: lat bukan koordinat yang sah",
        "uji.csv, baris 4, kolom id: id 'a' ganda",
        "uji.csv, baris 4, kolom lon: lon bukan koordinat yang sah",
        "uji.csv, baris 4, kolom must_visit: 'mungkin' bukan ya/tidak (true/false)",
        "uji.csv, baris 4, kolom window_start: '10:70' bukan jam HH:MM (menit 70 lebih dari 59)",
    ]
    good = validate_stops(pd.DataFrame({"id": ["x"], "lat": [-7.9], "lon": [112.6]}))
    assert list(good.columns) == list(STOP_COLUMNS)
    assert good["nama"].iloc[0] == "x" and not good["must_visit"].iloc[0]
    assert good["window_start"].isna().all() and good["jenis"].iloc[0] == "lain"


def test_read_stops_csv_checks_the_city_and_fills_the_kelurahan(tmp_path):
    path = tmp_path / "titik.csv"
    path.write_text(
        "id,nama,lat,lon,window_start,window_end,must_visit,catatan\n"
        "a,Sanan,-7.96090,112.64351,09:00,11:00,ya,abaikan\n"
        "b,Gubeng Surabaya,-7.2655,112.7520,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(StopError) as info:
        read_stops_csv(path)
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.column) == ("titik.csv", 3, "lat/lon")
    assert "di luar Kota Malang" in problem.message
    path.write_text(
        path.read_text().splitlines()[0] + "\n" + path.read_text().splitlines()[1] + "\n"
    )
    stops = read_stops_csv(path)
    assert stops["kode_kelurahan"].iloc[0] == "35.73.01.1007"
    assert (stops["window_start"].iloc[0], stops["window_end"].iloc[0]) == (540, 660)
    assert bool(stops["must_visit"].iloc[0])
    missing = tmp_path / "kurang.csv"
    missing.write_text("id,lat,lon\na,-7.96,112.64\n")
    with pytest.raises(StopError, match="baris 1, kolom nama: kolom wajib tidak ada"):
        read_stops_csv(missing)
    with pytest.raises(StopError, match="berkas tidak ditemukan"):
        read_stops_csv(tmp_path / "tidak-ada.csv")


def test_depot_by_id_or_name():
    offices = load_offices()
    assert depot_from_offices(offices).id == offices["id"].iloc[0]
    assert depot_from_offices(offices, "balai-kota").nama == "Balai Kota Malang"
    assert depot_from_offices(offices, "creative center").id == "mcc"
    with pytest.raises(ValueError, match="lebih dari satu kantor"):
        depot_from_offices(offices, "Malang")
    with pytest.raises(ValueError, match="tidak dikenal; pilihan: diskopindag"):
        depot_from_offices(offices, "Kantor Pos")


def test_validate_stops_reads_the_shared_vocabulary():
    # geo.core.rows: "wajib"/"y"/"1" are yes, "tidak wajib"/"n"/empty are no; "t" is refused
    # (it read as no before the vocabulary was shared); decimal commas are decimal points.
    table = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f"],
            "lat": ["-7,96", "-7.95", -7.94, "-7.93", "-7.92", "-7.91"],
            "lon": ["112,64", "112.63", 112.62, "112.61", "112.60", "112.59"],
            "must_visit": ["wajib", "tidak wajib", "y", "n", "", "1"],
            "prioritas": ["12,5", "", "80", None, "0", "100"],
        }
    )
    stops = validate_stops(table)
    assert stops["must_visit"].tolist() == [True, False, True, False, False, True]
    assert stops["lat"].iloc[0] == -7.96 and stops["lon"].iloc[0] == 112.64
    assert stops["prioritas"].iloc[0] == 12.5 and stops["prioritas"].isna().sum() == 2
    with pytest.raises(StopError) as info:
        validate_stops(table.assign(must_visit=["t", "ya", "f", "", "", ""]), file="uji.csv")
    assert [str(p) for p in info.value.problems] == [
        "uji.csv, baris 2, kolom must_visit: 't' bukan ya/tidak (true/false)",
        "uji.csv, baris 4, kolom must_visit: 'f' bukan ya/tidak (true/false)",
    ]


def test_validate_stops_other_columns():
    table = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "lat": [-7.96, -7.95, -7.94],
            "lon": [112.64, 112.63, 112.62],
            "prioritas": ["tinggi", "inf", "50"],
            "jenis": ["sentra", "pasar", ""],
        }
    )
    with pytest.raises(StopError) as info:
        validate_stops(table, file="uji.csv")
    assert [str(p) for p in info.value.problems] == [
        "uji.csv, baris 2, kolom prioritas: prioritas bukan angka",
        "uji.csv, baris 3, kolom jenis: jenis 'pasar'; pilihan: kelurahan, sentra, umkm, lain",
        "uji.csv, baris 3, kolom prioritas: prioritas bukan angka",
    ]
    good = validate_stops(table.assign(prioritas=[1, 2, 3], jenis=["sentra", "umkm", ""]))
    assert good["jenis"].tolist() == ["sentra", "umkm", "lain"]
    assert list(good.columns) == list(STOP_COLUMNS)
    assert good["prioritas"].tolist() == [1.0, 2.0, 3.0] and good["prioritas"].dtype == "float64"


def test_stops_module_imports_no_sibling_package():
    import geo.planning.stops as module

    with open(module.__file__, encoding="utf-8") as handle:
        text = handle.read()
    for sibling in ("geo.ingest", "geo.analysis"):
        assert f"from {sibling}" not in text and f"import {sibling}" not in text
