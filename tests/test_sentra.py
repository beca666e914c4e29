import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo import wilayah
from geo.core import settings
from geo.core.register import (
    PRESISI_LOKASI,
    SECTORS,
    SENTRA_COLUMNS,
    empty_register,
    to_geodataframe,
)
from geo.wilayah.sentra import (
    OFFICE_COLUMNS,
    load_offices,
    load_sentra,
    sentra_summary,
    validate_offices,
    validate_sentra,
)


def _raw(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def sentra():
    return load_sentra()


# --- the shipped files ----------------------------------------------------------------------
def test_shipped_sentra_validates_clean_and_loads_typed(sentra):
    assert validate_sentra(_raw(settings.SENTRA_PATH)) == []
    assert validate_sentra(sentra) == []  # the loaded (typed) frame passes too
    assert isinstance(sentra, gpd.GeoDataFrame)
    assert sentra.crs.to_epsg() == 4326
    assert list(sentra.columns) == [*SENTRA_COLUMNS, "geometry"]
    for col, dtype in SENTRA_COLUMNS.items():
        assert sentra[col].dtype == dtype, col
    assert (sentra.geometry.geom_type == "Point").all()
    np.testing.assert_array_equal(sentra.geometry.x, sentra["lon"])
    np.testing.assert_array_equal(sentra.geometry.y, sentra["lat"])


def test_shipped_sentra_content(sentra):
    assert len(sentra) >= 12
    assert sentra["id"].is_unique
    assert sentra["sektor"].isin(list(SECTORS)).all()
    assert sentra["presisi_lokasi"].isin(PRESISI_LOKASI).all()
    assert sentra["publik"].all()
    assert sentra[["id", "nama", "komoditas", "alamat", "deskripsi"]].notna().all().all()
    # Every point lies in its own kelurahan, well inside rather than on a sliver.
    assigned = wilayah.assign_kelurahan(sentra["lon"], sentra["lat"])
    assert (assigned["kode_kelurahan"].to_numpy() == sentra["kode_kelurahan"].to_numpy()).all()
    assert (assigned["metode"] == "di_dalam").all()
    # Precision is stated honestly in the description of kelurahan-level points.
    kel_level = sentra[sentra["presisi_lokasi"] == "kelurahan"]
    assert kel_level["deskripsi"].str.contains("belum diverifikasi").all()


def _one(sentra, mask, what):
    rows = sentra[mask]
    assert len(rows) >= 1, f"no sentra for {what}"
    return rows


def test_news_sentra_in_the_right_kelurahan(sentra):
    text = sentra["nama"] + " " + sentra["komoditas"] + " " + sentra["alamat"]
    tempe = _one(sentra, text.str.contains("Sanan") & text.str.contains("tempe"), "tempe Sanan")
    assert set(tempe["kode_kelurahan"]) == {"35.73.01.1007"}  # Purwantoro
    assert set(tempe["sektor"]) == {"kuliner"}

    rotan = _one(sentra, text.str.contains("Bulu Tangkis") & text.str.contains("rotan"), "rotan")
    assert set(rotan["kode_kelurahan"]) == {"35.73.05.1012"}  # Tasik Madu
    assert set(rotan["sektor"]) == {"kriya"}

    borobudur = text.str.contains("Borobudur Agung")
    for trade, sektor in (("daster", "fesyen"), ("bolen", "kuliner"), ("arem-arem", "kuliner")):
        rows = _one(sentra, borobudur & text.str.contains(trade), trade)
        assert set(rows["kode_kelurahan"]) == {"35.73.05.1009"}  # Mojolangu
        assert set(rows["sektor"]) == {sektor}

    raket = _one(sentra, text.str.contains("Kemantren II No. 26"), "Kampung Raket")
    assert raket["komoditas"].str.contains("raket").all()
    assert set(raket["kode_kelurahan"]) == {"35.73.04.1004"}  # Bandungrejosari
    assert set(raket["sektor"]) == {"kriya"}


def test_shipped_offices_validate_clean_and_load():
    assert validate_offices(_raw(settings.OFFICES_PATH)) == []
    offices = load_offices()
    assert list(offices.columns) == [*OFFICE_COLUMNS, "geometry"]
    for col, dtype in OFFICE_COLUMNS.items():
        assert offices[col].dtype == dtype, col
    assert offices.crs.to_epsg() == 4326
    assert {"diskopindag", "balai-kota", "mcc"} <= set(offices["id"])
    balai = offices.set_index("id").loc["balai-kota"]
    assert balai["kode_kelurahan"] == "35.73.02.1004"  # Kiduldalem (Jl. Tugu No. 1)
    assert offices["sumber"].notna().all()


# --- validation on hand-broken copies ---------------------------------------------------------
def _broken(tmp_path, edit):
    raw = _raw(settings.SENTRA_PATH)
    edit(raw)
    path = tmp_path / "sentra.csv"
    raw.to_csv(path, index=False)
    return path


def _problems(path):
    with pytest.raises(ValueError) as info:
        load_sentra(path)
    return str(info.value)


def _set(row, col, value):
    # CSV row numbers: header is row 1, so data position i is row i + 2.
    def edit(raw):
        raw.loc[row - 2, col] = value

    return edit


@pytest.mark.parametrize(
    ("row", "col", "value", "expected"),
    [
        (5, "sektor", "kulinerr", r"row 5, column sektor: unknown sektor 'kulinerr'"),
        (6, "sektor", "", r"row 6, column sektor: empty"),
        (3, "presisi_lokasi", "rt", r"row 3, column presisi_lokasi: unknown presisi_lokasi 'rt'"),
        (
            4,
            "kode_kelurahan",
            "35.73.09.1001",
            r"row 4, column kode_kelurahan: '35.73.09.1001' is not the kode of a kelurahan",
        ),
        (
            7,
            "kode_kelurahan",
            "Tasikmadu",
            r"row 7, column kode_kelurahan: 'Tasikmadu' is not the kode.*write 35\.73\.05\.1012",
        ),
        (8, "lat", "-7;95", r"row 8, column lat: '-7;95' is not a number"),
        (11, "lon", "inf", r"row 11, column lon: 'inf' is not a number"),
        (9, "lon", "", r"row 9, column lon: empty"),
        (10, "publik", "mungkin", r"row 10, column publik: 'mungkin' is not true or false"),
        (2, "nama", " ", r"row 2, column nama: empty"),
    ],
)
def test_each_field_problem_names_row_and_column(tmp_path, row, col, value, expected):
    message = _problems(_broken(tmp_path, _set(row, col, value)))
    assert re.search(expected, message), message
    assert "1 problem(s)" in message


def test_cells_are_read_in_the_shared_vocabulary(tmp_path):
    # geo.core.rows: a decimal comma is a decimal point; "ya"/"1" are yes, "t" is refused.
    raw = _raw(settings.SENTRA_PATH)
    lat = raw.loc[0, "lat"]
    raw.loc[0, "lat"] = lat.replace(".", ",")
    raw.loc[1, "publik"] = "ya"
    raw.loc[2, "publik"] = "1"
    assert validate_sentra(raw) == []
    path = tmp_path / "sentra.csv"
    raw.to_csv(path, index=False)
    loaded = load_sentra(path)
    assert loaded["lat"].iloc[0] == float(lat)
    assert loaded["publik"].iloc[:3].all()
    raw.loc[3, "publik"] = "t"
    raw.loc[4, "publik"] = ""
    assert validate_sentra(raw) == [
        "row 5, column publik: 't' is not true or false (write true or false)",
        "row 6, column publik: '' is not true or false (write true or false)",
    ]


def test_point_not_in_its_kelurahan_names_both_and_the_distance(tmp_path):
    raw = _raw(settings.SENTRA_PATH)
    row = int(raw.index[raw["id"] == "sanan-tempe"][0]) + 2
    # Sanan's point lies in Purwantoro; claim the neighbouring Bunulrejo instead.
    message = _problems(_broken(tmp_path, _set(row, "kode_kelurahan", "35.73.01.1008")))
    pattern = (
        rf"row {row}, columns lat/lon: point \(-7\.96090, 112\.64351\) lies in Purwantoro "
        r"\(35\.73\.01\.1007\), not in the stated kelurahan Bunulrejo \(35\.73\.01\.1008\): "
        r"(\d+) m from it"
    )
    found = re.search(pattern, message)
    assert found, message
    assert 80 <= int(found.group(1)) <= 130  # measured: about 105 m


def test_point_outside_the_city(tmp_path):
    message = _problems(_broken(tmp_path, _set(3, "lat", "-7.8")))
    assert re.search(r"row 3, columns lat/lon: point \(-7\.80000, .*outside Kota Malang", message)
    assert re.search(r"km from it", message)


def test_duplicate_id_names_both_rows(tmp_path):
    def edit(raw):
        raw.loc[4, "id"] = raw.loc[1, "id"]  # rows 6 and 3

    message = _problems(_broken(tmp_path, edit))
    assert re.search(r"row 6, column id: duplicate id '[^']+' \(first on row 3\)", message)


def test_header_problems(tmp_path):
    def missing(raw):
        del raw["sektor"]

    message = _problems(_broken(tmp_path, missing))
    assert "row 1 (header): missing column 'sektor'" in message

    def extra(raw):
        raw["catatan"] = ""

    message = _problems(_broken(tmp_path, extra))
    assert "row 1 (header): unexpected column 'catatan'" in message


def test_several_problems_are_all_listed_in_row_order(tmp_path):
    def edit(raw):
        raw.loc[5, "sektor"] = "x"  # row 7
        raw.loc[0, "presisi_lokasi"] = "y"  # row 2
        raw.loc[3, "lat"] = "z"  # row 5

    path = _broken(tmp_path, edit)
    message = _problems(path)
    assert "3 problem(s)" in message
    rows = [int(r) for r in re.findall(r"^- row (\d+)", message, flags=re.MULTILINE)]
    assert rows == [2, 5, 7]
    assert validate_sentra(_raw(path)) == [m[2:] for m in message.splitlines()[1:]]


def test_broken_office_file_is_refused(tmp_path):
    raw = _raw(settings.OFFICES_PATH)
    raw.loc[1, "presisi_lokasi"] = "tepat"
    raw.loc[2, "id"] = raw.loc[0, "id"]
    path = tmp_path / "kantor.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"row 3, column presisi_lokasi") as info:
        load_offices(path)
    assert "row 4, column id: duplicate id" in str(info.value)


# --- summary ----------------------------------------------------------------------------------
def test_sentra_summary_counts_register_rows(sentra):
    register = to_geodataframe(
        pd.DataFrame(
            {
                "id": ["U1", "U2", "U3", "U4", "U5", "U6"],
                "sentra_id": [
                    "sanan-tempe",
                    "sanan-tempe",
                    "keramik-dinoyo",
                    None,
                    "not-a-sentra",
                    "sanan-tempe",
                ],
                "lon": [112.64351] * 6,
                "lat": [-7.96090] * 6,
            }
        )
    )
    out = sentra_summary(sentra, register)
    assert isinstance(out, gpd.GeoDataFrame) and out.crs == sentra.crs
    assert out["jumlah_umkm"].dtype == "int64"
    counts = out.set_index("id")["jumlah_umkm"]
    assert counts["sanan-tempe"] == 3
    assert counts["keramik-dinoyo"] == 1
    assert counts.drop(["sanan-tempe", "keramik-dinoyo"]).eq(0).all()
    assert "jumlah_umkm" not in sentra.columns  # the input is not modified
    assert len(out) == len(sentra)


@pytest.mark.parametrize("register", [None, "empty"])
def test_sentra_summary_without_register_is_zero(sentra, register):
    reg = empty_register() if register == "empty" else None
    out = sentra_summary(sentra, reg)
    assert out["jumlah_umkm"].dtype == "int64"
    assert (out["jumlah_umkm"] == 0).all()


def test_sentra_summary_needs_sentra_id(sentra):
    with pytest.raises(ValueError, match="sentra_id"):
        sentra_summary(sentra, pd.DataFrame({"id": ["U1"]}))
