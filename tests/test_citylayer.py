"""Tests for geo.wilayah.citylayer: reading and completely validating the city's own layer.

Every test layer is made by hand from the shipped layer: two kode swapped, one dropped, one
repeated, an unknown kode, a renamed kelurahan, a BPS-coded column, names only, reprojected
to EPSG:32749, a Shapefile, an invalid (bow-tie) polygon, an empty geometry.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import wilayah
from geo.core.settings import UPSTREAM_ATTRIBUTION
from geo.wilayah import citylayer as cl

MERJOSARI = "35.73.05.1002"
DINOYO = "35.73.05.1004"


@functools.cache
def _shipped() -> gpd.GeoDataFrame:
    return wilayah.kelurahan()


def _raw() -> gpd.GeoDataFrame:
    """The shipped layer as a city file would hold it: kode, nama, geometry."""
    return _shipped()[["kode", "nama", "geometry"]].copy()


def _row(gdf: pd.DataFrame, kode: str) -> int:
    return int(gdf.index[gdf["kode"] == kode][0])


def _bps(kode: str) -> str:
    # 35.73.KK.1LLL -> 3573 KK0 LLL: the 3-digit BPS kecamatan and kelurahan numbers.
    return f"3573{kode[6:8]}0{kode[-3:]}"


# --- a valid layer -----------------------------------------------------------------------------


def test_shipped_layer_is_valid_and_normalised() -> None:
    result = cl.validate_layer(_raw())
    assert result.ok, result.problems
    assert list(result.layer.columns) == [*cl.LAYER_COLUMNS, "geometry"]
    assert len(result.layer) == 57
    assert result.layer["kode"].is_monotonic_increasing
    assert result.columns.kode_kind == "kemendagri"
    assert result.columns.describe().startswith("kolom terdeteksi: kode: kode (kode Kemendagri)")
    # The shipped upstream polygons leave slivers and overlap a little: measured, reported.
    assert 50_000 < result.gap_m2 < 100_000
    assert 40_000 < result.overlap_m2 < 90_000
    assert any(w.startswith("celah antar kelurahan") for w in result.warnings)
    assert any(w.startswith("tumpang tindih") for w in result.warnings)
    assert result.layer["area_km2"].sum() == pytest.approx(_shipped()["area_km2"].sum())


def test_kode_without_dots_and_upper_case_big_columns() -> None:
    raw = _raw().rename(columns={"kode": "KDPUMDES", "nama": "WADMKD"})
    raw["KDPUMDES"] = raw["KDPUMDES"].str.replace(".", "", regex=False)
    raw["WADMKC"] = _shipped()["kecamatan"].to_numpy()
    result = cl.validate_layer(raw)
    assert result.ok, result.problems
    assert result.columns == cl.ColumnChoice("KDPUMDES", "kemendagri", "WADMKD", "WADMKC")
    assert result.layer["kode"].tolist() == _shipped()["kode"].tolist()


def test_reprojected_layer_comes_back_in_4326() -> None:
    raw = _raw().to_crs(32749)
    result = cl.validate_layer(raw)
    assert result.ok, result.problems
    assert result.layer.crs.to_epsg() == 4326
    assert result.layer["area_km2"].to_numpy() == pytest.approx(
        _shipped()["area_km2"].to_numpy(), rel=1e-6
    )


def test_shapefile_in_utm_is_read(tmp_path: Path) -> None:
    path = tmp_path / "kelurahan.shp"
    _raw().rename(columns={"kode": "KDPUMDES", "nama": "WADMKD"}).to_crs(32749).to_file(path)
    result = cl.read_city_layer(path)
    assert result.ok, result.problems
    assert result.columns.kode_column == "KDPUMDES"
    assert result.layer.crs.to_epsg() == 4326


def test_geopackage_layer_option(tmp_path: Path) -> None:
    path = tmp_path / "batas.gpkg"
    _raw().to_file(path, layer="kelurahan")
    _raw().head(3).to_file(path, layer="lain")
    assert cl.read_city_layer(path, options=cl.LayerOptions(layer="kelurahan")).ok
    assert not cl.read_city_layer(path, options=cl.LayerOptions(layer="lain")).ok


def test_missing_file_and_missing_crs(tmp_path: Path) -> None:
    with pytest.raises(cl.CityLayerError, match="tidak ditemukan"):
        cl.read_city_layer(tmp_path / "tidak_ada.geojson")
    with pytest.raises(cl.CityLayerError, match="tidak punya CRS"):
        cl.validate_layer(_raw().set_crs(None, allow_override=True))


# --- the kode set -------------------------------------------------------------------------------


def test_two_kode_swapped_are_named() -> None:
    raw = _raw()
    i, j = _row(raw, MERJOSARI), _row(raw, DINOYO)
    raw.loc[i, "kode"], raw.loc[j, "kode"] = DINOYO, MERJOSARI
    result = cl.validate_layer(raw)
    assert not result.ok and result.layer is None
    assert set(result.problems) == {
        f"kode {DINOYO} bernama Merjosari di berkas, resmi Dinoyo",
        f"kode {MERJOSARI} bernama Dinoyo di berkas, resmi Merjosari",
    }


def test_missing_kelurahan() -> None:
    raw = _raw()
    raw = raw.drop(index=_row(raw, MERJOSARI))
    result = cl.validate_layer(raw)
    assert result.problems == (f"kelurahan Merjosari ({MERJOSARI}) tidak ada di berkas",)


def test_duplicate_kode() -> None:
    raw = _raw()
    raw = pd.concat([raw, raw.iloc[[0]]], ignore_index=True)
    result = cl.validate_layer(raw)
    assert result.problems == ("kode 35.73.01.1001 (Balearjosari) muncul 2 kali (fitur 1, 58)",)


def test_unknown_and_malformed_kode() -> None:
    raw = _raw()
    raw.loc[0, "kode"] = "35.73.01.1099"
    raw.loc[1, "kode"] = "35.73.01.1099x"
    result = cl.validate_layer(raw)
    assert "fitur 2: kode '35.73.01.1099x' bukan kode Kemendagri" in result.problems
    assert "kode 35.73.01.1099 (fitur 1) bukan kelurahan Kota Malang" in result.problems
    assert "kelurahan Balearjosari (35.73.01.1001) tidak ada di berkas" in result.problems


def test_name_kode_mismatch() -> None:
    raw = _raw()
    raw.loc[_row(raw, MERJOSARI), "nama"] = "Dinoyo"
    result = cl.validate_layer(raw)
    assert result.problems == (f"kode {MERJOSARI} bernama Dinoyo di berkas, resmi Merjosari",)


def test_other_spellings_of_a_name_are_consistent() -> None:
    raw = _raw()
    raw["nama"] = "Kel. " + raw["nama"].str.upper()
    assert cl.validate_layer(raw).ok


# --- BPS and names only -------------------------------------------------------------------------


def test_bps_column_is_recognised_and_matched_through_names() -> None:
    raw = _raw()
    raw = raw.assign(KDEBPS=raw["kode"].map(_bps)).drop(columns="kode")
    raw = raw.rename(columns={"nama": "WADMKD"})
    result = cl.validate_layer(raw)
    assert result.ok, result.problems
    assert result.columns.kode_kind == "bps"
    assert "kode BPS, dicocokkan lewat nama" in result.columns.describe()
    assert result.layer["kode"].tolist() == _shipped()["kode"].tolist()


def test_bps_column_without_names_says_it_is_bps() -> None:
    raw = _raw()
    raw = raw.assign(KDEBPS=raw["kode"].map(_bps))[["KDEBPS", "geometry"]]
    with pytest.raises(cl.CityLayerError, match="kode BPS"):
        cl.validate_layer(raw)


def test_bps_kode_given_as_kode_column_is_recognised() -> None:
    raw = _raw()
    raw["kode"] = raw["kode"].map(_bps)
    result = cl.validate_layer(raw, options=cl.LayerOptions(kode_column="kode", nama_column="nama"))
    assert result.ok
    assert result.columns.kode_kind == "bps"
    assert not result.columns.detected


def test_names_only_with_kecamatan() -> None:
    raw = _raw().drop(columns="kode")
    raw["kec"] = _shipped()["kecamatan"].to_numpy()
    options = cl.LayerOptions(nama_column="nama", kecamatan_column="kec")
    result = cl.validate_layer(raw, options=options)
    assert result.ok, result.problems
    assert result.columns.describe() == (
        "kolom dipilih: kode: dari nama saja; nama: nama; kecamatan: kec"
    )


def test_names_only_typo_warned_unknown_refused() -> None:
    raw = _raw().drop(columns="kode")
    raw.loc[_row(_raw(), "35.73.04.1009"), "nama"] = "Pisangcandi"  # typo of Pisang Candi
    raw.loc[_row(_raw(), MERJOSARI), "nama"] = "Gubeng"
    result = cl.validate_layer(raw, options=cl.LayerOptions(nama_column="nama"))
    assert any("'Gubeng' bukan kelurahan Kota Malang" in p for p in result.problems)
    assert any("tidak ada di berkas" in p and "Merjosari" in p for p in result.problems)


def test_ambiguous_name_is_an_error_not_a_guess() -> None:
    official = _shipped().copy()
    official.loc[1, "nama"] = official.loc[0, "nama"]  # two kelurahan with one name
    k, problem, _ = cl._resolve_name(official.loc[0, "nama"], None, official)
    assert k is None
    assert "ambigu" in problem


def test_no_usable_column_lists_the_columns() -> None:
    raw = _raw().rename(columns={"kode": "ID", "nama": "NAME"})
    with pytest.raises(cl.CityLayerError, match="kolom berkas: ID, NAME"):
        cl.validate_layer(raw)
    with pytest.raises(cl.CityLayerError, match="tidak ada"):
        cl.validate_layer(raw, options=cl.LayerOptions(kode_column="KODE_X"))
    with pytest.raises(cl.CityLayerError, match=r"bukan|maupun"):
        cl.validate_layer(raw, options=cl.LayerOptions(kode_column="NAME"))


def test_kode_kind() -> None:
    assert cl.kode_kind(pd.Series(["35.73.05.1002"])) == "kemendagri"
    assert cl.kode_kind(pd.Series(["3573051002"])) == "kemendagri"
    assert cl.kode_kind(pd.Series(["3573050002", None])) == "bps"
    assert cl.kode_kind(pd.Series(["3573050002", "35.73.05.1002"])) is None
    assert cl.normalise_kode("3573051002") == "35.73.05.1002"
    assert cl.normalise_kode(None) is None


# --- geometry ------------------------------------------------------------------------------------


def test_invalid_polygon_repaired_with_warning() -> None:
    raw = _raw()
    i = _row(raw, MERJOSARI)
    geom = raw.geometry.iloc[i]
    minx, miny, maxx, maxy = geom.bounds
    bowtie = shapely.Polygon([(minx, miny), (maxx, maxy), (maxx, miny), (minx, maxy)])
    raw.loc[i, "geometry"] = bowtie
    result = cl.validate_layer(raw)
    assert result.ok, result.problems
    assert any("diperbaiki dengan make_valid" in w and MERJOSARI in w for w in result.warnings)
    assert result.layer.geometry.is_valid.all()


def test_empty_and_non_polygon_geometry() -> None:
    raw = _raw()
    raw.loc[0, "geometry"] = shapely.Polygon()
    raw.loc[1, "geometry"] = shapely.Point(112.6, -7.9)
    result = cl.validate_layer(raw)
    assert "fitur 1 (35.73.01.1001): geometri kosong" in result.problems
    assert "fitur 2 (35.73.01.1002): geometri Point, bukan poligon" in result.problems


def test_gaps_and_overlaps_measured_in_square_metres() -> None:
    a = shapely.box(0, 0, 1000, 1000)
    b = shapely.box(900, 0, 2000, 1000)  # 100 x 1000 overlap
    c = shapely.box(0, 1000, 2000, 2000).difference(shapely.box(500, 1000, 600, 1100))
    geoms = gpd.GeoSeries([a, b, c], crs=32749)
    gap, overlap = cl.gaps_and_overlaps(geoms)
    assert overlap == pytest.approx(100_000)
    assert gap == pytest.approx(10_000)


@pytest.mark.parametrize(
    ("m2", "text"),
    [(72_349.4, "72.349 m²"), (950, "950 m²"), (125_000, "0,125 km²"), (2_345_600, "2,346 km²")],
)
def test_areas_are_written_the_indonesian_way(m2: float, text: str) -> None:
    assert cl._area_text(m2) == text


# --- storage form ---------------------------------------------------------------------------------


def test_geojson_round_trip_keeps_attribution() -> None:
    layer = cl.validate_layer(_raw()).layer
    back = cl.from_geojson(cl.to_geojson(layer), source_label="Batas wilayah: Pemkot Malang")
    assert back["kode"].tolist() == layer["kode"].tolist()
    assert back["nama"].tolist() == layer["nama"].tolist()
    assert back.geometry.geom_equals_exact(layer.geometry, tolerance=1e-9).all()
    assert cl.attribution(back) == "Batas wilayah: Pemkot Malang"
    assert cl.attribution(layer) == UPSTREAM_ATTRIBUTION
    assert cl.attribution(None) == UPSTREAM_ATTRIBUTION
