"""Gi* hot spots: planted hot area found, uniform grids find nothing, FDR, hexagons, kelurahan."""

from __future__ import annotations

import math
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo import wilayah
from geo.analysis import hotspots
from geo.core.settings import CRS_METRIC, CRS_STORAGE

#: Permutations of the grid tests. The 99 % class needs q <= 0.01: with n = 225 cells and about
#: 25 planted cells at the smallest p-value 2 / (permutations + 1), that takes 9,999 (0.3 s
#: for 225 cells); the other tests use fewer.
PERMUTATIONS = 9999
TO_LONLAT = Transformer.from_crs(CRS_METRIC, CRS_STORAGE, always_xy=True)


def _square_grid(side: int) -> tuple[list[str], dict[str, list[str]]]:
    """Ids and queen neighbours of a side × side grid of square cells."""
    ids = [f"{r}-{c}" for r in range(side) for c in range(side)]
    neighbors = {
        f"{r}-{c}": [
            f"{r + dr}-{c + dc}"
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (dr or dc) and 0 <= r + dr < side and 0 <= c + dc < side
        ]
        for r in range(side)
        for c in range(side)
    }
    return ids, neighbors


def _gi(
    values: np.ndarray, side: int, *, seed: int = 1, permutations: int = PERMUTATIONS
) -> pd.DataFrame:
    ids, neighbors = _square_grid(side)
    w = hotspots.weights_from_neighbors(neighbors, ids)
    return hotspots.getis_ord_star(values, w, permutations=permutations, seed=seed)


# --------------------------------------------------------------------------------------------
# False discovery rate
# --------------------------------------------------------------------------------------------
def test_benjamini_hochberg_by_hand() -> None:
    p = [0.01, 0.04, 0.03, 0.005, 0.5]
    # Sorted: .005 .01 .03 .04 .5 -> p·5/rank: .025 .025 .05 .05 .5 (already monotone).
    np.testing.assert_allclose(
        hotspots.benjamini_hochberg(p), [0.025, 0.05, 0.05, 0.025, 0.5], rtol=1e-12
    )
    # Monotone step-up: a larger p-value can lift the q of a smaller one's rank down.
    np.testing.assert_allclose(
        hotspots.benjamini_hochberg([0.02, 0.021, 0.9]), [0.0315] * 2 + [0.9]
    )
    q = hotspots.benjamini_hochberg([np.nan, 0.01, 0.02])
    assert np.isnan(q[0]) and np.allclose(q[1:], [0.02, 0.02])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_benjamini_hochberg_agrees_with_esda_cutoff(seed: int) -> None:
    from esda import fdr

    p = np.random.default_rng(seed).beta(0.3, 4, size=200)
    q = hotspots.benjamini_hochberg(p)
    cutoff = fdr(p, 0.05)
    rejected = q <= 0.05
    assert rejected.any()
    # esda returns the largest p-value BH rejects at (strict "<" on ties aside).
    assert np.array_equal(rejected, p <= cutoff)


def test_classes_follow_direction_and_q() -> None:
    direction = np.array([1, 1, 1, 1, -1, -1, 0])
    q = np.array([0.005, 0.03, 0.08, 0.2, 0.01, 0.1, 0.001])
    assert list(hotspots.classify(direction, q)) == [
        "panas_99",
        "panas_95",
        "panas_90",
        "tidak_signifikan",
        "dingin_99",
        "dingin_90",
        "tidak_signifikan",
    ]


# --------------------------------------------------------------------------------------------
# Planted hot spot, uniform grids
# --------------------------------------------------------------------------------------------
def test_planted_hot_cell_is_found_hot() -> None:
    # A 15 × 15 grid of counts (mean 10) with one hot cell at (7, 7) whose neighbourhood is
    # raised too, the way a concentration of businesses spills over cell edges.
    side = 15
    rng = np.random.default_rng(4)
    grid = rng.poisson(10, size=(side, side)).astype(float)
    grid[6:9, 6:9] = rng.poisson(30, size=(3, 3))
    grid[7, 7] = 60
    result = _gi(grid.ravel(), side)
    assert result.loc["7-7", "kelas"] == "panas_99"
    assert result.loc["7-7", "gi_z"] > 3
    assert result.loc["7-7", "p_sim"] == pytest.approx(2 / (PERMUTATIONS + 1))
    # Hot only at the plant: every cell of the raised block and its ring, none farther away
    # (Chebyshev distance > 2). Far away a few cells may come out cold at 90-95 %: with the hot
    # area in the city's values, an ordinary area holds fewer than the city-wide average would
    # give, which is what "cold" means (seen for 7 of 12 seeds; never hot, never 99 %).
    rows, cols = np.divmod(np.arange(side * side), side)
    distance = np.maximum(abs(rows - 7), abs(cols - 7))
    kelas = result["kelas"].to_numpy()
    assert all(k.startswith("panas") for k in kelas[distance <= 1])
    assert not any(k.startswith("panas") for k in kelas[distance > 2])
    assert not any(k == "dingin_99" for k in kelas)


def test_planted_cold_area_is_found_cold() -> None:
    side = 15
    grid = np.random.default_rng(5).poisson(20, size=(side, side)).astype(float)
    grid[5:10, 5:10] = 0
    result = _gi(grid.ravel(), side)
    assert result.loc["7-7", "kelas"] == "dingin_99"
    assert result.loc["7-7", "gi_z"] < -3


def test_constant_grid_finds_nothing() -> None:
    result = _gi(np.full(100, 7.0), 10)
    assert (result["kelas"] == "tidak_signifikan").all()
    assert (result["p_sim"] == 1.0).all()


@pytest.mark.parametrize("seed", [21, 22, 23, 24, 25])
def test_uniform_random_grid_finds_nothing_after_correction(seed: int) -> None:
    # Counts of points thrown uniformly at random: any "significant" cell is a false discovery.
    side = 15
    counts = np.random.default_rng(seed).poisson(12, size=side * side).astype(float)
    result = _gi(counts, side, seed=seed)
    assert (result["kelas"] == "tidak_signifikan").all()


def test_without_correction_a_uniform_grid_has_chance_findings() -> None:
    # Why the correction: uncorrected, about 1 cell in 10 passes p <= 0.10 by chance.
    counts = np.random.default_rng(21).poisson(12, size=225).astype(float)
    result = _gi(counts, 15, permutations=999)
    assert (result["p_sim"] <= 0.10).sum() >= 5
    assert (result["q"] > 0.10).all()


def test_single_outlier_is_not_a_hot_spot() -> None:
    # Documented limit: a lone extreme cell among ordinary ones is not significant after the
    # correction (its value could fall into any unit's star). The cluster layer shows it.
    side = 15
    grid = np.random.default_rng(6).poisson(10, size=(side, side)).astype(float)
    grid[7, 7] = 200
    result = _gi(grid.ravel(), side)
    assert result.loc["7-7", "kelas"] == "tidak_signifikan"
    assert result.loc["7-7", "gi_z"] > 3  # the analytical z alone would call it hot


def test_same_seed_same_result_and_esda_z() -> None:
    from esda import G_Local

    side = 10
    ids, neighbors = _square_grid(side)
    w = hotspots.weights_from_neighbors(neighbors, ids)
    values = np.random.default_rng(8).poisson(10, size=side * side).astype(float)
    values[44] = 40
    a = hotspots.getis_ord_star(values, w, permutations=199, seed=3)
    b = hotspots.getis_ord_star(values, w, permutations=199, seed=3)
    pd.testing.assert_frame_equal(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = G_Local(values, w, transform="B", permutations=0, star=True).Zs
    np.testing.assert_allclose(a["gi_z"].to_numpy(), expected)


def test_bad_inputs_are_refused() -> None:
    ids, neighbors = _square_grid(3)
    w = hotspots.weights_from_neighbors(neighbors, ids)
    with pytest.raises(ValueError, match="8 values for 9 units"):
        hotspots.getis_ord_star(np.ones(8), w)
    with pytest.raises(ValueError, match="measure"):
        hotspots.hotspots_kelurahan(_points([112.63], [-7.98]), measure="dichte")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown sektor"):
        hotspots.hotspots_hex(_points([112.63], [-7.98]), sector="kulinr")


# --------------------------------------------------------------------------------------------
# Units: hexagons and kelurahan
# --------------------------------------------------------------------------------------------
def _points(lon: list[float] | np.ndarray, lat: list[float] | np.ndarray) -> pd.DataFrame:
    n = len(lon)
    return pd.DataFrame(
        {
            "id": [f"U{i}" for i in range(n)],
            "lon": lon,
            "lat": lat,
            "sektor": "kuliner",
            "status": "aktif",
            "kode_kelurahan": pd.array([None] * n, dtype="string"),
        }
    )


@pytest.fixture(scope="module")
def grid() -> gpd.GeoDataFrame:
    return hotspots.hex_grid()


def test_hex_grid_covers_the_city(grid: gpd.GeoDataFrame) -> None:
    city = wilayah.city_outline()
    assert grid.crs == CRS_STORAGE
    assert grid["id"].is_unique
    assert grid["luas_km2"].sum() == pytest.approx(city["area_km2"].iloc[0], rel=1e-6)
    full = math.sqrt(3) / 2 * 0.5**2  # km² of a 500 m hexagon
    assert grid["luas_km2"].max() == pytest.approx(full, rel=1e-6)
    assert (grid["luas_km2"] > 0).all()
    assert 450 < len(grid) < 700


def test_hex_neighbours_are_the_six_around(grid: gpd.GeoDataFrame) -> None:
    neighbors = hotspots.hex_neighbors(grid)
    assert max(len(v) for v in neighbors.values()) == 6
    for hid, around in neighbors.items():
        for other in around:
            assert hid in neighbors[other]
    # Neighbours share an edge: full hexagons 500 m apart, centre to centre.
    metric = grid.to_crs(CRS_METRIC).set_index("id")
    full = metric[metric["luas_km2"] > 0.2165]
    hid = next(h for h in full.index if len(neighbors[h]) == 6)
    for other in neighbors[hid]:
        shared = metric.geometry[hid].intersection(metric.geometry[other])
        assert shared.length == pytest.approx(500 / math.sqrt(3), rel=1e-6)


def test_points_are_counted_in_the_hexagon_that_holds_them(grid: gpd.GeoDataFrame) -> None:
    rng = np.random.default_rng(9)
    city = wilayah.city_outline().geometry.iloc[0]
    minx, miny, maxx, maxy = city.bounds
    lon = rng.uniform(minx, maxx, 6000)
    lat = rng.uniform(miny, maxy, 6000)
    inside = shapely.contains_xy(city, lon, lat)
    lon, lat = lon[inside], lat[inside]
    # Two points far away (Surabaya) are in no hexagon of the grid.
    lon = np.append(lon, [112.75, 112.76])
    lat = np.append(lat, [-7.25, -7.26])
    result = hotspots.hotspots_hex(_points(lon, lat), grid=grid, permutations=99)
    assert result["jumlah"].sum() == len(lon) - 2
    polygons = result.set_index("id").geometry
    for hid in result.sort_values("jumlah", ascending=False)["id"].head(10):
        held = shapely.contains_xy(polygons[hid], lon, lat).sum()
        assert result.set_index("id").loc[hid, "jumlah"] == held


def test_kelurahan_neighbours_close_the_slivers() -> None:
    from libpysal.weights import Queen

    kel = wilayah.kelurahan()
    ours = hotspots.kelurahan_neighbors(kel)
    assert sum(len(v) for v in ours.values()) == 2 * 147
    assert min(len(v) for v in ours.values()) >= 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        queen = Queen.from_dataframe(kel.reset_index(drop=True), use_index=False)
    codes = kel["kode"].tolist()
    plain = {codes[i]: {codes[j] for j in queen.neighbors[i]} for i in queen.neighbors}
    # Every plain queen pair is kept; the slivers hid 8 more.
    assert all(plain[k] <= set(ours[k]) for k in codes)
    assert sum(len(set(ours[k]) - plain[k]) for k in codes) == 2 * 8


def test_planted_concentration_makes_hot_kelurahan() -> None:
    # 600 businesses spread over Purwantoro and its neighbours, 10 in every other kelurahan.
    kel = wilayah.kelurahan()
    neighbors = hotspots.kelurahan_neighbors(kel)
    hot = ["35.73.01.1007", *neighbors["35.73.01.1007"]]
    rng = np.random.default_rng(2)
    lon, lat = [], []
    for kode, poly in zip(kel["kode"], kel.geometry, strict=True):
        n = 600 // len(hot) if kode in hot else 10
        minx, miny, maxx, maxy = poly.bounds
        got = 0
        while got < n:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if poly.contains(shapely.Point(x, y)):
                lon.append(x)
                lat.append(y)
                got += 1
    register = _points(lon, lat)
    result = hotspots.hotspots_kelurahan(
        register, kel=kel, measure="jumlah", permutations=999
    ).set_index("id")
    assert result.loc["35.73.01.1007", "kelas"].startswith("panas")
    assert result["jumlah"].sum() == len(register)
    far = [k for k in kel["kode"] if k not in hot and not set(neighbors[k]) & set(hot)]
    assert not result.loc[far, "kelas"].str.startswith("panas").any()
    # Per km² (the default) the same plant is hot too.
    dense = hotspots.hotspots_kelurahan(register, kel=kel, permutations=999)
    assert dense.set_index("id").loc["35.73.01.1007", "kelas"].startswith("panas")
    assert list(dense.columns) == [*hotspots.HOTSPOT_COLUMNS, "geometry"]
