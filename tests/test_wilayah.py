import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from geo import wilayah
from geo.core import settings

SHARED_SQL = (
    Path(__file__).resolve().parents[2]
    / "shared/data/wilayah_boundaries/wilayah_boundaries_kel_35.73.sql"
)


@pytest.fixture(scope="module")
def kel():
    return wilayah.kelurahan()


# --- conversion -----------------------------------------------------------------------------
def test_shipped_geojson_equals_fresh_conversion():
    assert SHARED_SQL.is_file(), "../shared must lie beside the project root"
    fresh = wilayah.convert_sql(wilayah.read_source(SHARED_SQL))
    assert settings.BOUNDARIES_PATH.read_text(encoding="utf-8") == fresh


def test_shipped_provenance_and_notice():
    meta = json.loads(settings.BOUNDARIES_SOURCE_PATH.read_text())
    assert meta["commit"] == settings.UPSTREAM_COMMIT
    assert meta["sha256"] == hashlib.sha256(SHARED_SQL.read_bytes()).hexdigest()
    notice = settings.BOUNDARIES_LICENSE_PATH.read_text()
    assert "MIT License" in notice and "Cahya" in notice and settings.UPSTREAM_COMMIT in notice


def test_build_writes_all_three_files(tmp_path):
    out = wilayah.build_boundaries(SHARED_SQL, output=tmp_path / "kel.geojson")
    assert out.read_text() == settings.BOUNDARIES_PATH.read_text()
    assert (tmp_path / "kel.source.json").is_file()
    assert "MIT License" in (tmp_path / "LICENSE.wilayah_boundaries").read_text()


def test_lat_lng_order_is_swapped_into_geojson():
    text = SHARED_SQL.read_text()
    raw = wilayah.parse_upstream_sql(text)
    purwantoro = raw.set_index("nama").loc["Purwantoro", "geometry"]
    # Upstream centroid of Purwantoro: lat -7.9541, lng 112.6445 -> x is the longitude.
    assert purwantoro.contains(shapely.Point(112.6445, -7.9541))
    minx, miny, maxx, maxy = raw.total_bounds
    assert 112.5 < minx < maxx < 112.8 and -8.1 < miny < maxy < -7.8


def test_wrong_checksum_is_refused(tmp_path):
    bad = tmp_path / "x.sql"
    bad.write_bytes(SHARED_SQL.read_bytes() + b"\n")
    with pytest.raises(wilayah.BoundaryError, match="Checksum mismatch"):
        wilayah.read_source(bad)


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(wilayah.BoundaryError, match=r"not found.*wilayah_boundaries"):
        wilayah.read_source(tmp_path / "nope.sql")


def test_no_network_says_what_to_do():
    # Port 9 (discard) on loopback is closed here: the download fails at once.
    with pytest.raises(wilayah.BoundaryError, match="Without network"):
        wilayah.read_source("http://127.0.0.1:9/wilayah_boundaries_kel_35.73.sql")


def test_multipolygon_wonokoyo_survives(kel):
    row = kel.set_index("nama").loc["Wonokoyo"]
    assert row.geometry.geom_type == "MultiPolygon"


# --- layers ---------------------------------------------------------------------------------
def test_kelurahan_facts(kel):
    assert len(kel) == 57
    assert kel["kode"].is_unique
    per_kec = kel.groupby("kode_kecamatan").size().to_dict()
    assert per_kec == {
        "35.73.01": 11,
        "35.73.02": 11,
        "35.73.03": 12,
        "35.73.04": 11,
        "35.73.05": 12,
    }
    assert kel.crs.to_epsg() == 4326
    assert kel.is_valid.all()
    assert kel["area_km2"].sum() == pytest.approx(111.0, abs=0.5)
    assert list(kel.columns) == [
        "kode",
        "nama",
        "kode_kecamatan",
        "kecamatan",
        "geometry",
        "area_km2",
    ]


def test_kecamatan_dissolve(kel):
    kec = wilayah.kecamatan(kel)
    assert kec["nama"].tolist() == ["Blimbing", "Klojen", "Kedungkandang", "Sukun", "Lowokwaru"]
    assert kec["jumlah_kelurahan"].tolist() == [11, 11, 12, 11, 12]
    assert kec["area_km2"].sum() == pytest.approx(kel["area_km2"].sum())
    assert kec.crs.to_epsg() == 4326


def test_city_outline_fills_slivers(kel):
    city = wilayah.city_outline(kel)
    assert len(city) == 1
    # Filled: a bit larger than the sum of the kelurahan minus their overlaps.
    assert city["area_km2"].iloc[0] == pytest.approx(111.07, abs=0.2)
    parts = shapely.get_parts(city.geometry.iloc[0])
    assert shapely.get_num_interior_rings(parts).sum() == 0


def test_user_supplied_layer(tmp_path, kel):
    custom = kel.rename(columns={"kode": "KODE_KEL", "nama": "NAMOBJ"})[
        ["KODE_KEL", "NAMOBJ", "geometry"]
    ].to_crs(settings.CRS_METRIC)
    path = tmp_path / "kel.gpkg"
    custom.to_file(path)
    loaded = wilayah.load_boundary_layer(path, kode_column="KODE_KEL", nama_column="NAMOBJ")
    assert len(loaded) == 57 and loaded.crs.to_epsg() == 4326
    assert loaded["area_km2"].sum() == pytest.approx(kel["area_km2"].sum(), rel=1e-6)
    shp = tmp_path / "kel.shp"
    kel[["kode", "nama", "geometry"]].to_file(shp)
    assert len(wilayah.load_boundary_layer(shp)) == 57


def test_user_layer_errors_name_the_problem(tmp_path, kel):
    path = tmp_path / "bad.geojson"
    kel[["nama", "geometry"]].to_file(path)
    with pytest.raises(wilayah.BoundaryError, match=r"missing column.*kode"):
        wilayah.load_boundary_layer(path)
    other = kel[["kode", "nama", "geometry"]].copy()
    other.loc[3, "kode"] = "35.78.01.1001"
    path2 = tmp_path / "other.geojson"
    other.to_file(path2)
    with pytest.raises(wilayah.BoundaryError, match=r"35\.78\.01\.1001.*row 4"):
        wilayah.load_boundary_layer(path2)


# --- names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spelling", "official"),
    [
        ("Tasikmadu", "Tasik Madu"),
        ("Tasik Madu", "Tasik Madu"),
        ("Oro Oro Dowo", "Oro-oro Dowo"),
        ("ORO-ORO DOWO", "Oro-oro Dowo"),
        ("Rampal Celaket", "Rampalcelaket"),
        ("Bakalan Krajan", "Bakalankrajan"),
        ("Kel. Purwantoro", "Purwantoro"),
        ("Kelurahan Gadingkasri", "Gading Kasri"),
        ("  kel mojolangu ", "Mojolangu"),
        ("Bandung Rejosari", "Bandungrejosari"),
    ],
)
def test_resolve_variants_exactly(spelling, official):
    match = wilayah.resolve_kelurahan(spelling)
    assert match is not None and match.nama == official and match.confidence == 1.0
    assert match.kode.startswith("35.73.")


@pytest.mark.parametrize(
    ("typo", "official"),
    [("Purwantor", "Purwantoro"), ("Ketawanggde", "Ketawanggede"), ("Lesanpuru", "Lesanpuro")],
)
def test_resolve_close_typos_with_lower_confidence(typo, official):
    match = wilayah.resolve_kelurahan(typo)
    assert match is not None and match.nama == official
    assert 0.85 <= match.confidence < 1.0


@pytest.mark.parametrize("outside", ["Gubeng", "Kademangan", "Dau", "Batu", "Singosari", ""])
def test_places_outside_kota_malang_are_rejected(outside):
    assert wilayah.resolve_kelurahan(outside) is None


def test_kecamatan_hint_restricts_candidates():
    assert wilayah.resolve_kelurahan("Sukun", kecamatan="Sukun").kode == "35.73.04.1005"
    # Purwantoro lies in Blimbing: with a Sukun hint it is not forced onto a Sukun kelurahan.
    assert wilayah.resolve_kelurahan("Purwantoro", kecamatan="Kec. Sukun") is None
    assert wilayah.resolve_kelurahan("Purwantoro", kecamatan="35.73.01").nama == "Purwantoro"


def test_resolve_kecamatan():
    assert wilayah.resolve_kecamatan("Kec. Lowokwaru").kode == "35.73.05"
    assert wilayah.resolve_kecamatan("Kedung Kandang").kode == "35.73.03"
    assert wilayah.resolve_kecamatan("Gubeng") is None


def test_resolve_many_matches_single():
    import pandas as pd

    names = pd.Series(["Tasikmadu", "Gubeng", None, "Tasikmadu"], index=[10, 11, 12, 13])
    out = wilayah.resolve_kelurahan_many(names)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out.loc[10, "kode"] == out.loc[13, "kode"] == "35.73.05.1012"
    assert out["kode"].isna().tolist() == [False, True, True, False]


# --- points ---------------------------------------------------------------------------------
def _gap_point(kel):
    metric = kel.to_crs(settings.CRS_METRIC).geometry.to_numpy()
    union = shapely.union_all(metric)
    filled = shapely.union_all([shapely.Polygon(p.exterior) for p in shapely.get_parts(union)])
    gaps = shapely.get_parts(filled.difference(union))
    largest = gaps[np.argmax(shapely.area(gaps))]
    centre = shapely.maximum_inscribed_circle(largest)
    return shapely.get_point(centre, 0)


def _to_lonlat(point_metric):
    from pyproj import Transformer

    t = Transformer.from_crs(settings.CRS_METRIC, settings.CRS_STORAGE, always_xy=True)
    return t.transform(point_metric.x, point_metric.y)


def test_point_in_gap_gets_exactly_one_kelurahan(kel):
    lon, lat = _to_lonlat(_gap_point(kel))
    assert not kel.contains(shapely.Point(lon, lat)).any()
    out = wilayah.assign_kelurahan([lon], [lat], kel=kel)
    assert out.loc[0, "metode"] == "terdekat"
    assert out.loc[0, "kode_kelurahan"] in set(kel["kode"])
    assert 0 < out.loc[0, "jarak_m"] < 10


def test_point_on_overlap_gets_the_deeper_polygon(kel):
    geoms = kel.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="overlaps")
    i, j = next((a, b) for a, b in zip(left, right, strict=True) if a < b)
    overlap = shapely.intersection(geoms[i], geoms[j])
    p = shapely.point_on_surface(overlap)
    out = wilayah.assign_kelurahan([p.x], [p.y], kel=kel)
    assert out.loc[0, "metode"] == "tumpang_tindih"
    assert out.loc[0, "kode_kelurahan"] in {kel["kode"].iloc[i], kel["kode"].iloc[j]}


def test_points_inside_outside_and_missing(kel):
    out = wilayah.assign_kelurahan(
        [112.64351, 112.52, np.nan], [-7.96090, -7.87, -7.9], kel=kel
    )  # Kampung Sanan, Kota Batu, no longitude
    assert out.loc[0, "kode_kelurahan"] == "35.73.01.1007"  # Purwantoro
    assert out.loc[0, "metode"] == "di_dalam" and out.loc[0, "jarak_m"] == 0
    assert out.loc[1, "kode_kelurahan"] is pd_na()
    assert out.loc[1, "metode"] == "di_luar" and out.loc[1, "jarak_m"] > 5_000
    assert "di luar Kota Malang" in out.loc[1, "alasan"] and "km" in out.loc[1, "alasan"]
    assert out.loc[2, "metode"] == "tanpa_koordinat"


def pd_na():
    import pandas as pd

    return pd.NA


def test_every_point_inside_the_city_gets_exactly_one(kel):
    rng = np.random.default_rng(7)
    city = wilayah.city_outline(kel).geometry.iloc[0]
    minx, miny, maxx, maxy = city.bounds
    lon = rng.uniform(minx, maxx, 50_000)
    lat = rng.uniform(miny, maxy, 50_000)
    inside = shapely.contains_xy(city, lon, lat)
    out = wilayah.assign_kelurahan(lon[inside], lat[inside], kel=kel)
    assert out["kode_kelurahan"].notna().all()
    assert set(out["metode"]) <= {"di_dalam", "tumpang_tindih", "terdekat"}
