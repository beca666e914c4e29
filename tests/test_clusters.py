"""Cluster detection: planted clusters recovered, noise left alone, Sanan found, promotion."""

from __future__ import annotations

import io
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from sklearn.metrics import adjusted_rand_score

from geo import wilayah
from geo.analysis import clusters
from geo.core.register import PERSONAL_COLUMNS, SENTRA_COLUMNS
from geo.core.settings import CRS_METRIC, CRS_STORAGE
from geo.ingest import demo
from geo.store import Store
from geo.wilayah import sentra as sentra_module
from geo.wilayah.sentra import validate_sentra

TO_METRIC = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)
TO_LONLAT = Transformer.from_crs(CRS_METRIC, CRS_STORAGE, always_xy=True)
#: Recovery floor for the planted clusters: adjusted Rand index of detected labels (noise = -1)
#: against the truth. Perfect is 1; the few noise points that fall inside a planted cluster's
#: footprint are rightly attached to it, which costs a little (measured 0.85-0.89).
ARI_FLOOR = 0.8
SQUARE_M = 4000.0


@pytest.fixture(scope="module")
def kel() -> gpd.GeoDataFrame:
    return wilayah.kelurahan()


@pytest.fixture(scope="module")
def square() -> tuple[float, float, gpd.GeoDataFrame]:
    """A 4 km square around the city's centre (metric origin and the square as study area)."""
    centre = wilayah.city_outline().to_crs(CRS_METRIC).geometry.iloc[0].centroid
    x0, y0 = centre.x - SQUARE_M / 2, centre.y - SQUARE_M / 2
    area = gpd.GeoDataFrame(
        geometry=[shapely.box(x0, y0, x0 + SQUARE_M, y0 + SQUARE_M)], crs=CRS_METRIC
    )
    return x0, y0, area


def _register(xy: np.ndarray, *, sektor: str = "kriya", prefix: str = "Rotan") -> gpd.GeoDataFrame:
    lon, lat = TO_LONLAT.transform(xy[:, 0], xy[:, 1])
    n = len(xy)
    skala = np.where(np.arange(n) % 10 == 0, "kecil", "mikro")
    return gpd.GeoDataFrame(
        {
            "id": [f"U{i:05d}" for i in range(n)],
            "nama_usaha": [f"{prefix} Uji {i}" for i in range(n)],
            "pemilik": [f"Pemilik {i}" for i in range(n)],
            "lon": lon,
            "lat": lat,
            "sektor": sektor,
            "skala": skala,
            "status": "aktif",
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=CRS_STORAGE,
    )


def _planted(
    rng: np.random.Generator, x0: float, y0: float, *, noise: int = 1500
) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian clusters (60 points, 70 m sd) in uniform noise over the 4 km square."""
    centres = np.array([[800, 900], [3100, 700], [1900, 2300], [700, 3300]], dtype=float)
    parts, truth = [], []
    for k, c in enumerate(centres):
        parts.append(c + rng.normal(0, 70, size=(60, 2)))
        truth += [k] * 60
    parts.append(rng.uniform(0, SQUARE_M, size=(noise, 2)))
    truth += [-1] * noise
    xy = np.concatenate(parts) + np.array([x0, y0])
    return xy, np.array(truth)


def _labels(found: pd.Series) -> np.ndarray:
    codes = {c: i for i, c in enumerate(sorted(found.dropna().unique()))}
    return np.array([codes[v] if isinstance(v, str) else -1 for v in found.tolist()])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_clusters_are_recovered(seed: int, square: tuple) -> None:
    x0, y0, area = square
    xy, truth = _planted(np.random.default_rng(seed), x0, y0)
    register = _register(xy)
    found = clusters.cluster_labels(register, area=area)
    labels = _labels(found)
    assert len(set(labels) - {-1}) == 4
    assert adjusted_rand_score(truth, labels) > ARI_FLOOR
    # Noise far from every planted centre is never in a cluster.
    centres = np.array([[800, 900], [3100, 700], [1900, 2300], [700, 3300]]) + np.array([x0, y0])
    far = np.min(np.linalg.norm(xy[:, None, :] - centres[None], axis=2), axis=1) > 500
    assert (labels[far] == -1).all()


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_uniform_noise_is_not_called_a_cluster(seed: int, square: tuple) -> None:
    x0, y0, area = square
    rng = np.random.default_rng(seed)
    register = _register(rng.uniform(0, SQUARE_M, size=(3000, 2)) + np.array([x0, y0]))
    assert clusters.detect_clusters(register, area=area).empty


def test_fixed_minimum_dbscan_would_call_dense_noise_a_cluster(square: tuple) -> None:
    # Why the contrast rule: at 3,000 points in 16 km², plain DBSCAN with the same radius and
    # minimum finds "clusters" in pure noise; the local-contrast rule finds none.
    from sklearn.cluster import DBSCAN

    x0, y0, area = square
    xy = np.random.default_rng(5).uniform(0, SQUARE_M, size=(6000, 2)) + np.array([x0, y0])
    plain = DBSCAN(eps=clusters.DEFAULT_EPS_M, min_samples=clusters.DEFAULT_MIN_SAMPLES).fit(xy)
    assert (plain.labels_ >= 0).any()
    assert clusters.detect_clusters(_register(xy), area=area).empty


def test_result_columns_figures_and_hull(square: tuple) -> None:
    x0, y0, area = square
    xy, _ = _planted(np.random.default_rng(1), x0, y0)
    register = _register(xy)
    found = clusters.detect_clusters(register, area=area)
    assert list(found.columns) == [*clusters.CLUSTER_COLUMNS, "geometry"]
    assert found.crs == CRS_STORAGE
    assert not set(PERSONAL_COLUMNS) & set(found.columns)
    assert list(found["id"]) == [f"kriya-{i:02d}" for i in range(1, 5)]
    assert found["jumlah_umkm"].is_monotonic_decreasing
    labels = clusters.cluster_labels(register, area=area)
    for _, row in found.iterrows():
        members = register[labels == row["id"]]
        assert len(members) == row["jumlah_umkm"]
        # Centre = mean of members; every member lies inside the drawn hull.
        assert row["lon"] == pytest.approx(members["lon"].mean(), abs=1e-9)
        assert row["lat"] == pytest.approx(members["lat"].mean(), abs=1e-9)
        assert shapely.contains_xy(row.geometry, members["lon"], members["lat"]).all()
        hull_m = gpd.GeoSeries([row.geometry], crs=CRS_STORAGE).to_crs(CRS_METRIC).iloc[0]
        assert row["luas_ha"] == pytest.approx(hull_m.area / 10_000, rel=1e-3)
        assert row["kepadatan_per_ha"] == pytest.approx(row["jumlah_umkm"] / row["luas_ha"])
        assert row["porsi_mikro"] == pytest.approx((members["skala"] == "mikro").mean())
        assert row["komoditas_dugaan"] == "rotan"
        assert row["kontras"] > clusters.DEFAULT_CONTRAST
        # Concave: the hull is clearly smaller than the buffered convex hull of the members.
        convex = shapely.buffer(
            shapely.convex_hull(shapely.multipoints(np.column_stack(TO_METRIC.transform(
                members["lon"].to_numpy(), members["lat"].to_numpy()
            )))),
            clusters.HULL_BUFFER_M,
        )  # fmt: skip
        assert hull_m.area < convex.area
    # No sentra given: every cluster is a candidate without a nearest sentra.
    assert found["kandidat"].all()
    assert found["jarak_sentra_m"].isna().all()


def test_same_data_same_clusters_in_any_row_order(square: tuple) -> None:
    x0, y0, area = square
    xy, _ = _planted(np.random.default_rng(4), x0, y0)
    register = _register(xy)
    first = clusters.detect_clusters(register, area=area)
    again = clusters.detect_clusters(register, area=area)
    shuffled = clusters.detect_clusters(
        register.sample(frac=1.0, random_state=7).reset_index(drop=True), area=area
    )
    pd.testing.assert_frame_equal(pd.DataFrame(first), pd.DataFrame(again))
    pd.testing.assert_frame_equal(
        first.drop(columns="geometry"), shuffled.drop(columns="geometry"), check_exact=False
    )
    assert all(
        a.equals_exact(b, 1e-9) for a, b in zip(first.geometry, shuffled.geometry, strict=True)
    )


def test_bad_options_are_refused(square: tuple) -> None:
    register = _register(np.zeros((3, 2)) + square[:2])
    with pytest.raises(ValueError, match="unknown sektor"):
        clusters.detect_clusters(register, sector="kulinr")
    with pytest.raises(ValueError, match="eps_m"):
        clusters.detect_clusters(
            register, params=clusters.ClusterParams(eps_m=2000, background_m=1000)
        )


# --------------------------------------------------------------------------------------------
# Demo data: the Sanan tempe cluster
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_data() -> demo.DemoData:
    return demo.generate(count=5_000)


def test_sanan_tempe_cluster_is_found_at_the_sanan_sentra(
    demo_data: demo.DemoData, kel: gpd.GeoDataFrame
) -> None:
    found = clusters.detect_clusters(
        demo_data.umkm, sector="kuliner", sentra=demo_data.sentra, kel=kel
    )
    sanan = found.iloc[0]  # the largest kuliner cluster
    assert sanan["sentra_terdekat"] == "sanan-tempe"
    assert sanan["jarak_sentra_m"] == 0.0  # the sentra point lies inside the hull
    assert not sanan["kandidat"]
    assert sanan["komoditas_dugaan"] == "tempe"
    assert sanan["kode_kelurahan_utama"] == "35.73.01.1007"  # Purwantoro
    members = demo_data.umkm[
        clusters.cluster_labels(demo_data.umkm, sector="kuliner") == sanan["id"]
    ]
    # Most of the 420 planted producers (active ones), and few others.
    in_sentra = (members["sentra_id"] == "sanan-tempe").sum()
    umkm = demo_data.umkm
    planted = ((umkm["sentra_id"] == "sanan-tempe") & (umkm["status"] == "aktif")).sum()
    assert in_sentra >= 0.9 * planted
    assert in_sentra >= 0.9 * len(members)
    # No cluster of the demo is a candidate: every planted cluster sits at its sentra.
    assert not found["kandidat"].any()


def test_without_the_sanan_sentra_the_cluster_is_a_candidate(demo_data: demo.DemoData) -> None:
    # Marning Pandanwangi (kuliner, located only to its kelurahan, which borders Purwantoro)
    # would still count as near: its distance is taken to the whole kelurahan.
    known = demo_data.sentra
    marning = clusters.detect_clusters(
        demo_data.umkm, sector="kuliner", sentra=known[known["id"] != "sanan-tempe"]
    ).iloc[0]
    assert marning["sentra_terdekat"] == "marning-pandanwangi"
    assert not marning["kandidat"]
    sentra = known[~known["id"].isin(["sanan-tempe", "marning-pandanwangi"])]
    found = clusters.detect_clusters(demo_data.umkm, sector="kuliner", sentra=sentra)
    sanan = found.iloc[0]
    assert sanan["kandidat"]
    assert sanan["jarak_sentra_m"] > clusters.DEFAULT_CANDIDATE_DISTANCE_M
    assert clusters.candidates(found)["id"].iloc[0] == sanan["id"]


def test_keyword_clusters_businesses_by_name(demo_data: demo.DemoData) -> None:
    found = clusters.detect_clusters(demo_data.umkm, keyword="TEMPE", sentra=demo_data.sentra)
    assert list(found["id"]) == ["tempe-01"]
    assert found.iloc[0]["kata_kunci"] == "TEMPE"
    assert found.iloc[0]["sentra_terdekat"] == "sanan-tempe"


# --------------------------------------------------------------------------------------------
# Sentra distance and promotion
# --------------------------------------------------------------------------------------------
def _cluster_in(kel: gpd.GeoDataFrame, kode: str, *, seed: int = 3) -> gpd.GeoDataFrame:
    """A register of 40 batik makers (fesyen) around a point inside kelurahan ``kode``."""
    poly = kel.set_index("kode").to_crs(CRS_METRIC).geometry[kode]
    c = poly.representative_point()
    rng = np.random.default_rng(seed)
    xy = np.array([c.x, c.y]) + rng.normal(0, 60, size=(40, 2))
    return _register(xy, sektor="fesyen", prefix="Batik")


def _sentra_row(kode: str, lon: float, lat: float, presisi: str) -> dict:
    return {
        "id": "uji",
        "nama": "Sentra Uji",
        "komoditas": "batik",
        "sektor": "fesyen",
        "kode_kelurahan": kode,
        "alamat": None,
        "lat": lat,
        "lon": lon,
        "presisi_lokasi": presisi,
        "deskripsi": None,
        "publik": True,
    }


def test_kelurahan_precision_sentra_counts_the_whole_kelurahan(kel: gpd.GeoDataFrame) -> None:
    kode = "35.73.04.1004"  # Bandungrejosari, a large kelurahan
    register = _cluster_in(kel, kode)
    poly = kel.set_index("kode").geometry[kode]
    # The sentra's placeholder point: the kelurahan vertex farthest from the cluster.
    cx, cy = register["lon"].mean(), register["lat"].mean()
    ring = np.asarray(poly.exterior.coords)
    far = ring[np.argmax(np.hypot(ring[:, 0] - cx, ring[:, 1] - cy))]
    inner = shapely.Point(far).buffer(1e-4).intersection(poly).representative_point()
    as_kelurahan = pd.DataFrame([_sentra_row(kode, inner.x, inner.y, "kelurahan")])
    as_street = pd.DataFrame([_sentra_row(kode, inner.x, inner.y, "jalan")])
    near = clusters.detect_clusters(register, sentra=as_kelurahan, kel=kel)
    away = clusters.detect_clusters(register, sentra=as_street, kel=kel)
    assert len(near) == len(away) == 1
    assert near.iloc[0]["jarak_sentra_m"] == 0.0 and not near.iloc[0]["kandidat"]
    assert away.iloc[0]["jarak_sentra_m"] > clusters.DEFAULT_CANDIDATE_DISTANCE_M
    assert away.iloc[0]["kandidat"]


def test_a_sentra_of_another_sector_does_not_count(kel: gpd.GeoDataFrame) -> None:
    kode = "35.73.04.1004"
    register = _cluster_in(kel, kode)
    lon, lat = register["lon"].mean(), register["lat"].mean()
    other = pd.DataFrame([{**_sentra_row(kode, lon, lat, "jalan"), "sektor": "kuliner"}])
    assert clusters.detect_clusters(register, sentra=other, kel=kel).iloc[0]["kandidat"]
    anyone = clusters.detect_clusters(
        register, sentra=other, kel=kel, params=clusters.ClusterParams(match_sector=False)
    )
    assert not anyone.iloc[0]["kandidat"]


def test_promoting_a_candidate_makes_a_valid_sentra(kel: gpd.GeoDataFrame, tmp_path: Path) -> None:
    kode = "35.73.04.1004"
    register = _cluster_in(kel, kode)
    store = Store(f"sqlite:///{tmp_path / 'umkm.sqlite'}")
    store.write_sentra(sentra_module.load_sentra())
    known = store.read_sentra()
    found = clusters.detect_clusters(register, sentra=known, kel=kel)
    candidate = clusters.candidates(found).iloc[0]
    row = clusters.candidate_to_sentra(
        candidate,
        nama="Sentra Batik Uji",
        komoditas="batik tulis",
        existing_ids=[*known["id"], "sentra-batik-uji"],
        kel=kel,
    )
    assert list(row) == list(SENTRA_COLUMNS)
    assert row["id"] == "sentra-batik-uji-2"
    assert row["sektor"] == "fesyen" and row["kode_kelurahan"] == kode
    assert row["presisi_lokasi"] == "jalan" and row["publik"] is False
    assert row["alamat"] == "Kel. Bandungrejosari, Kec. Sukun"
    # The point is the centre, not any business's location.
    same = (register["lon"].round(5) == row["lon"]) & (register["lat"].round(5) == row["lat"])
    assert not same.any()
    table = pd.DataFrame([row])
    assert validate_sentra(table, kel=kel) == []
    store.write_sentra(table)
    again = clusters.detect_clusters(register, sentra=store.read_sentra(), kel=kel)
    assert again.iloc[0]["sentra_terdekat"] == "sentra-batik-uji-2"
    assert not again.iloc[0]["kandidat"]
    store.close()


def test_promotion_needs_a_name_and_products(kel: gpd.GeoDataFrame) -> None:
    found = clusters.detect_clusters(_cluster_in(kel, "35.73.04.1004"), kel=kel)
    with pytest.raises(ValueError, match="nama"):
        clusters.candidate_to_sentra(found.iloc[0], nama="  ", komoditas="batik", kel=kel)
    with pytest.raises(ValueError, match="komoditas"):
        clusters.candidate_to_sentra(found.iloc[0], nama="Sentra", komoditas="", kel=kel)


def test_centre_outside_the_main_kelurahan_moves_inside_it(kel: gpd.GeoDataFrame) -> None:
    # A cluster whose centre lies outside its main kelurahan (e.g. a crescent along an edge).
    kode = "35.73.04.1004"
    register = _cluster_in(kel, kode)
    found = clusters.detect_clusters(register, kel=kel).iloc[0].copy()
    poly = kel.set_index("kode").geometry[kode]
    outside = poly.exterior.interpolate(0.5, normalized=True)
    moved = shapely.Point(outside.x + 0.02, outside.y)  # ~2 km beyond the edge
    found["lon"], found["lat"] = moved.x, moved.y
    row = clusters.candidate_to_sentra(found, nama="Sentra", komoditas="batik", kel=kel)
    assert validate_sentra(pd.DataFrame([row]), kel=kel) == []


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------
def test_exports_hold_the_figures_and_no_personal_data(kel: gpd.GeoDataFrame) -> None:
    found = clusters.detect_clusters(_cluster_in(kel, "35.73.04.1004"), kel=kel)
    csv = clusters.export_csv(found)
    assert csv.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert list(table.columns) == [*clusters.CLUSTER_COLUMNS, "hull_wkt"]
    assert table.loc[0, "jumlah_umkm"] == found.iloc[0]["jumlah_umkm"]
    assert table.loc[0, "lat"] == round(found.iloc[0]["lat"], 5)
    assert shapely.from_wkt(table.loc[0, "hull_wkt"]).equals_exact(found.geometry.iloc[0], 1e-5)
    geojson = json.loads(clusters.export_geojson(found))
    assert geojson["type"] == "FeatureCollection" and len(geojson["features"]) == len(found)
    feature = geojson["features"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["id"] == found.iloc[0]["id"]
    assert feature["properties"]["sentra_terdekat"] is None
    text = csv.decode("utf-8-sig") + json.dumps(geojson)
    assert "Pemilik" not in text and "pemilik" not in text


def test_cluster_params_defaults_and_check() -> None:
    p = clusters.ClusterParams()
    assert (p.eps_m, p.min_samples, p.contrast, p.background_m) == (
        clusters.DEFAULT_EPS_M,
        clusters.DEFAULT_MIN_SAMPLES,
        clusters.DEFAULT_CONTRAST,
        clusters.DEFAULT_BACKGROUND_M,
    )
    assert (p.min_cluster_size, p.candidate_distance_m, p.match_sector) == (
        clusters.DEFAULT_MIN_CLUSTER_SIZE,
        clusters.DEFAULT_CANDIDATE_DISTANCE_M,
        True,
    )
    p.check()
    for bad in (
        clusters.ClusterParams(eps_m=0),
        clusters.ClusterParams(eps_m=1000, background_m=1000),
        clusters.ClusterParams(min_samples=0),
        clusters.ClusterParams(min_cluster_size=0),
        clusters.ClusterParams(contrast=0),
    ):
        with pytest.raises(ValueError):
            bad.check()


def test_params_change_labels_and_the_candidate_rule(square: tuple) -> None:
    x0, y0, area = square
    xy, _ = _planted(np.random.default_rng(1), x0, y0)
    register = _register(xy)
    default = clusters.cluster_labels(register, area=area)
    same = clusters.cluster_labels(register, area=area, params=clusters.ClusterParams())
    assert default.equals(same)
    # No planted cluster has 10,000 members.
    huge = clusters.ClusterParams(min_cluster_size=10_000)
    assert clusters.cluster_labels(register, area=area, params=huge).isna().all()
    # Without sentra every cluster is a candidate, whatever the distance.
    found = clusters.detect_clusters(
        register, area=area, params=clusters.ClusterParams(candidate_distance_m=1e9)
    )
    assert len(found) == 4 and found["kandidat"].all()
    # The label stage takes the same bundle.
    background = clusters._Background(
        clusters._study_area_metric(area), background_m=clusters.DEFAULT_BACKGROUND_M
    )
    labels, ratio = clusters._label_group(
        clusters._metric_xy(register["lon"].to_numpy(), register["lat"].to_numpy()),
        background,
        params=clusters.ClusterParams(),
    )
    assert len(set(labels) - {-1}) == 4 and len(ratio) == len(register)
