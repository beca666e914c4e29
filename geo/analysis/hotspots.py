"""Hot and cold spots of UMKM counts: Getis-Ord Gi* on kelurahan and on a hexagon grid.

What a hot spot is
------------------
Gi* (Getis and Ord 1992; Ord and Getis 1995) adds up a unit's value and its neighbours' values
(the "star": the unit itself is included) and compares that sum with what the city's values,
placed at random, would give. A **hot spot** is a place where the unit and its neighbours
together hold more UMKM (of the chosen sector) than such a random placement plausibly gives; a
**cold spot** holds fewer. It says where businesses concentrate compared with the city as a
whole. It does not say that the businesses there do better, that the place causes it, or
anything about a single business, and a place that is not significant is not "average": the
data just do not show a difference.

Units and neighbours
--------------------
``kelurahan``
    The 57 kelurahan; neighbours by queen contiguity (sharing an edge or a corner). The shipped
    polygons are simplified and leave slivers up to about 11 m wide between neighbours, so
    polygons are snapped by :data:`KELURAHAN_SNAP_M` (6 m) before testing contiguity: plain
    queen contiguity misses 8 of the 147 neighbour pairs. The value is UMKM per km² by default
    (kelurahan range from 0.46 to 5.7 km², so raw counts would mostly measure
    area); ``measure="jumlah"`` uses the count.
``hexagon grid``
    Flat-topped hexagons :data:`DEFAULT_HEX_SIZE_M` (500 m) apart, centre to centre (21.7 ha
    each), built in EPSG:32749 from the south-west corner of the city and clipped to it;
    neighbours are the six hexagons sharing an edge (queen contiguity on a hexagon grid). A
    business counts in the hexagon whose full extent holds it. All hexagons have the same
    size, so the value is the count by default; hexagons on the city edge are clipped and hold
    less city.

Inference
---------
The statistic and its analytical z-score come from PySAL's ``esda.G_Local`` (binary weights,
``star=True``) on ``libpysal`` weights. The p-values come from permutations with a fixed seed
(:data:`DEFAULT_PERMUTATIONS`, 9,999): all values are shuffled over the units (total
randomisation) and each unit's star sum is compared with its shuffled sums. Total rather than
esda's conditional randomisation, which keeps the unit's own value in place: Gi* counts the
unit's own value, and with that value held fixed the test only asks whether the neighbours are
high (Gi rather than Gi*). The p-value is two-sided,
``2 × min(P(sum ≥ observed), P(sum ≤ observed))`` with the usual ``+1`` correction, so the
smallest possible value is ``2 / (permutations + 1)``.

One consequence to know: a single extreme unit among ordinary ones is not a hot spot. Its value
falls into some other unit's star in a share of the permutations about equal to the
neighbourhood size divided by the number of units, which bounds how small the p-values near it
can be, and after the correction below nothing there is significant. Gi* finds high values next
to high values; a lone dense place is what the cluster layer (:mod:`geo.analysis.clusters`) shows.

Testing every unit at once would call about 1 unit in 10 "significant at 90 %" by chance, so
the p-values are corrected with the Benjamini-Hochberg false-discovery-rate procedure
(:func:`benjamini_hochberg`) and the classes use the corrected values (q): **panas 99 %** (hot,
q ≤ 0.01), **panas 95 %** (q ≤ 0.05), **panas 90 %** (q ≤ 0.10), the same for **dingin**
(cold), and **tidak signifikan** otherwise.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy import sparse

from geo import wilayah
from geo.core.register import SECTORS
from geo.core.settings import CRS_METRIC, CRS_STORAGE

if TYPE_CHECKING:  # esda and libpysal take seconds to import: imported where used
    from libpysal.weights import W

__all__ = [
    "DEFAULT_HEX_SIZE_M",
    "DEFAULT_PERMUTATIONS",
    "DEFAULT_SEED",
    "HOTSPOT_CLASSES",
    "HOTSPOT_COLUMNS",
    "KELURAHAN_SNAP_M",
    "SIGNIFICANCE",
    "benjamini_hochberg",
    "classify",
    "getis_ord_star",
    "hex_grid",
    "hex_neighbors",
    "hotspots_hex",
    "hotspots_kelurahan",
    "kelurahan_neighbors",
    "weights_from_neighbors",
]

DEFAULT_HEX_SIZE_M = 500.0
DEFAULT_PERMUTATIONS = 9999
DEFAULT_SEED = 3573
#: Snapping tolerance (metres) for kelurahan contiguity: closes the slivers of the layer.
KELURAHAN_SNAP_M = 6.0

#: Classes, hot to cold.
HOTSPOT_CLASSES: tuple[str, ...] = (
    "panas_99",
    "panas_95",
    "panas_90",
    "tidak_signifikan",
    "dingin_90",
    "dingin_95",
    "dingin_99",
)
#: Confidence level -> largest corrected p-value (q) of the class.
SIGNIFICANCE: dict[str, float] = {"99": 0.01, "95": 0.05, "90": 0.10}

#: Columns of the hot-spot tables (besides ``geometry``), with their dtypes.
HOTSPOT_COLUMNS: dict[str, str] = {
    "id": "string",
    "nama": "string",
    "unit": "string",
    "jumlah": "int64",
    "luas_km2": "float64",
    "nilai": "float64",
    "gi_z": "float64",
    "p_sim": "float64",
    "q": "float64",
    "kelas": "string",
}

Measure = Literal["jumlah", "per_km2"]

_TO_METRIC = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)
_SQRT3 = math.sqrt(3.0)
# Axial directions of the six edge neighbours of a flat-topped hexagon.
_HEX_DIRECTIONS = ((1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1))


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------
def benjamini_hochberg(p: Sequence[float] | np.ndarray) -> np.ndarray:
    """Return Benjamini-Hochberg adjusted p-values (q-values), in the input order.

    ``q_(i) = min_{j >= i} min(1, p_(j) · n / j)`` over the p-values sorted ascending
    (Benjamini and Hochberg 1995). Rejecting every hypothesis with ``q <= alpha`` keeps the
    expected share of false discoveries among the rejected at most ``alpha``. Missing p-values
    stay missing and do not count in ``n``.
    """
    values = np.asarray(p, dtype="float64")
    out = np.full(values.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(values))
    n = len(ok)
    if not n:
        return out
    order = ok[np.argsort(values[ok], kind="stable")]
    scaled = values[order] * n / np.arange(1, n + 1)
    out[order] = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    return out


def classify(direction: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Return the class of each unit from its direction (+1 hot, -1 cold) and q-value.

    Units with direction 0 or a missing q are ``tidak_signifikan``.
    """
    direction = np.asarray(direction)
    q = np.asarray(q, dtype="float64")
    out = np.full(len(q), "tidak_signifikan", dtype=object)
    # From the weakest to the strongest level, so the strongest met wins.
    for level in ("90", "95", "99"):
        hit = np.isfinite(q) & (q <= SIGNIFICANCE[level])
        out[hit & (direction > 0)] = f"panas_{level}"
        out[hit & (direction < 0)] = f"dingin_{level}"
    return out


def weights_from_neighbors(neighbors: Mapping[str, Sequence[str]], ids: Sequence[str]) -> W:
    """Build binary libpysal weights from a neighbour mapping, in the order of ``ids``."""
    from libpysal.weights import W

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands and disconnected parts are allowed
        return W({i: list(neighbors.get(i, [])) for i in ids}, id_order=list(ids))


def _star_matrix(w: W) -> sparse.csr_matrix:
    binary = w.sparse.copy().tocsr()
    binary.data[:] = 1.0
    return (binary + sparse.identity(w.n, format="csr")).tocsr()


def getis_ord_star(
    values: Sequence[float] | np.ndarray,
    w: W,
    *,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
    chunk: int = 1000,
) -> pd.DataFrame:
    """Gi* of each unit with permutation p-values, FDR-corrected q-values and classes.

    Parameters
    ----------
    values
        One non-negative value per unit (counts or densities), in the order of ``w.id_order``.
    w
        Binary contiguity weights (libpysal), without self-neighbours: the unit itself is added
        (Gi*, ``star=True``).
    permutations
        Number of random shuffles of all values over the units (total randomisation).
    seed
        Seed of the shuffles: same inputs and seed, same p-values.
    chunk
        Shuffles evaluated at once (memory: ``chunk × units`` floats).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``w.id_order``: ``gi_z`` (esda's analytical z-score of Gi*; 0 when all
        values are equal), ``p_sim`` (two-sided permutation p-value), ``q``
        (:func:`benjamini_hochberg` of ``p_sim``) and ``kelas`` (:data:`HOTSPOT_CLASSES`).
    """
    y = np.asarray(values, dtype="float64")
    n = w.n
    if len(y) != n:
        raise ValueError(f"{len(y)} values for {n} units")
    if permutations < 1:
        raise ValueError("permutations must be at least 1")
    if n < 3 or np.all(y == y[0]):
        # Nothing varies (or nothing to compare with): no unit differs from the others.
        z = np.zeros(n)
        p = np.ones(n)
        direction = np.zeros(n)
    else:
        z = _esda_z(y, w)
        star = _star_matrix(w)
        observed = star @ y
        tol = 1e-9 * max(1.0, float(np.abs(observed).max()))
        rng = np.random.default_rng(seed)
        above = np.zeros(n)
        below = np.zeros(n)
        base = np.broadcast_to(np.arange(n), (min(chunk, permutations), n))
        done = 0
        while done < permutations:
            k = min(chunk, permutations - done)
            shuffled = y[rng.permuted(base[:k], axis=1)]
            sums = (star @ shuffled.T).T
            above += (sums >= observed - tol).sum(axis=0)
            below += (sums <= observed + tol).sum(axis=0)
            done += k
        p_above = (above + 1) / (permutations + 1)
        p_below = (below + 1) / (permutations + 1)
        p = np.minimum(1.0, 2 * np.minimum(p_above, p_below))
        direction = np.sign(p_below - p_above)
    q = benjamini_hochberg(p)
    return pd.DataFrame(
        {"gi_z": z, "p_sim": p, "q": q, "kelas": classify(direction, q)},
        index=pd.Index(w.id_order),
    )


def _esda_z(y: np.ndarray, w: W) -> np.ndarray:
    from esda import G_Local

    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = G_Local(y, w, transform="B", permutations=0, star=True)
    return np.nan_to_num(np.asarray(g.Zs, dtype="float64"), nan=0.0)


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------
def kelurahan_neighbors(
    kel: gpd.GeoDataFrame, *, snap_m: float = KELURAHAN_SNAP_M
) -> dict[str, list[str]]:
    """Queen contiguity of kelurahan after snapping the polygons by ``snap_m`` metres.

    Parameters
    ----------
    kel
        Kelurahan polygons with ``kode`` (any CRS; tested in EPSG:32749).
    snap_m
        Each polygon is buffered by this many metres: gaps up to twice as wide still count as
        a shared edge.

    Returns
    -------
    dict
        kode -> sorted list of neighbouring kode.
    """
    codes = kel["kode"].astype(str).to_numpy()
    grown = shapely.buffer(kel.to_crs(CRS_METRIC).geometry.to_numpy(), snap_m)
    left, right = shapely.STRtree(grown).query(grown, predicate="intersects")
    out: dict[str, set[str]] = {c: set() for c in codes}
    for i, j in zip(left, right, strict=True):
        if i != j:
            out[codes[i]].add(codes[j])
    return {c: sorted(v) for c, v in out.items()}


@functools.lru_cache(maxsize=4)
def _city_hex_grid(size_m: float) -> gpd.GeoDataFrame:
    return _build_hex_grid(size_m, wilayah.city_outline())


def hex_grid(
    *, size_m: float = DEFAULT_HEX_SIZE_M, area: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """Build a flat-topped hexagon grid over the area, clipped to it.

    Parameters
    ----------
    size_m
        Distance between the centres of neighbouring hexagons, in metres (EPSG:32749). A
        hexagon covers ``√3/2 · size_m²`` (21.65 ha for 500 m).
    area
        Polygons to cover (any CRS); the city outline by default (then cached).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per hexagon touching the area: ``id`` (``"q12r-3"``: axial
        coordinates from the area's south-west corner), ``q``, ``r``, ``luas_km2`` (area
        inside the area, km²) and the clipped polygon.
    """
    if size_m <= 0:
        raise ValueError("size_m must be positive")
    grid = _city_hex_grid(float(size_m)) if area is None else _build_hex_grid(size_m, area)
    return grid.copy()


def _hex_origin(area_metric: shapely.Geometry) -> tuple[float, float]:
    minx, miny, _, _ = area_metric.bounds
    return math.floor(minx), math.floor(miny)


def _build_hex_grid(size_m: float, area: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    region = shapely.union_all(area.to_crs(CRS_METRIC).geometry.to_numpy())
    x0, y0 = _hex_origin(region)
    radius = size_m / _SQRT3
    _, miny, maxx, maxy = region.bounds
    q_max = math.ceil((maxx - x0) / (1.5 * radius)) + 1
    qs, rs = [], []
    for q in range(-1, q_max + 1):
        r_min = math.floor((miny - y0) / size_m - q / 2) - 1
        r_max = math.ceil((maxy - y0) / size_m - q / 2) + 1
        for r in range(r_min, r_max + 1):
            qs.append(q)
            rs.append(r)
    q_arr = np.array(qs)
    r_arr = np.array(rs)
    cx = x0 + 1.5 * radius * q_arr
    cy = y0 + size_m * (r_arr + q_arr / 2)
    angles = np.deg2rad(np.arange(0, 360, 60))
    rings = np.stack(
        [cx[:, None] + radius * np.cos(angles), cy[:, None] + radius * np.sin(angles)], axis=2
    )
    hexes = shapely.polygons(rings)
    shapely.prepare(region)
    keep = shapely.intersects(region, hexes)
    clipped = shapely.intersection(hexes[keep], region)
    area_km2 = shapely.area(clipped) / 1e6
    nonempty = area_km2 > 0
    q_arr, r_arr = q_arr[keep][nonempty], r_arr[keep][nonempty]
    frame = pd.DataFrame(
        {
            "id": pd.array(
                [f"q{q}r{r}" for q, r in zip(q_arr, r_arr, strict=True)], dtype="string"
            ),
            "q": q_arr,
            "r": r_arr,
            "luas_km2": area_km2[nonempty],
        }
    )
    geometry = gpd.GeoSeries(clipped[nonempty], crs=CRS_METRIC).to_crs(CRS_STORAGE)
    out = gpd.GeoDataFrame(frame, geometry=geometry.values, crs=CRS_STORAGE)
    out.attrs.update({"size_m": float(size_m), "origin": (x0, y0)})
    return out


def hex_neighbors(grid: gpd.GeoDataFrame) -> dict[str, list[str]]:
    """Return the edge neighbours (up to six) of each hexagon of :func:`hex_grid`."""
    ids = dict(zip(zip(grid["q"], grid["r"], strict=True), grid["id"].astype(str), strict=True))
    return {
        hid: sorted(ids[(q + dq, r + dr)] for dq, dr in _HEX_DIRECTIONS if (q + dq, r + dr) in ids)
        for (q, r), hid in ids.items()
    }


def _hex_of(xy: np.ndarray, *, size_m: float, origin: tuple[float, float]) -> np.ndarray:
    """Axial (q, r) of the hexagon holding each metric point (cube rounding)."""
    radius = size_m / _SQRT3
    qf = (xy[:, 0] - origin[0]) / (1.5 * radius)
    rf = (xy[:, 1] - origin[1]) / size_m - qf / 2
    sf = -qf - rf
    q, r, s = np.round(qf), np.round(rf), np.round(sf)
    dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    return np.column_stack([q, r]).astype(int)


# --------------------------------------------------------------------------------------------
# Hot spots of the register
# --------------------------------------------------------------------------------------------
def _select(
    register: pd.DataFrame, *, sector: str | Sequence[str] | None, active_only: bool
) -> pd.DataFrame:
    rows = register
    if active_only and "status" in rows.columns:
        rows = rows[rows["status"].astype("string").eq("aktif").fillna(False)]
    if sector is not None:
        wanted = [sector] if isinstance(sector, str) else list(sector)
        unknown = [s for s in wanted if s not in SECTORS]
        if unknown:
            raise ValueError(f"unknown sektor {unknown!r} (expected one of {', '.join(SECTORS)})")
        rows = rows[rows["sektor"].astype("string").isin(wanted).fillna(False)]
    return rows


def _result(
    units: gpd.GeoDataFrame,
    *,
    unit: str,
    counts: np.ndarray,
    measure: Measure,
    neighbors: Mapping[str, Sequence[str]],
    permutations: int,
    seed: int,
) -> gpd.GeoDataFrame:
    if measure not in ("jumlah", "per_km2"):
        raise ValueError(f"measure must be 'jumlah' or 'per_km2'; got {measure!r}")
    ids = units["id"].astype(str).tolist()
    area = units["luas_km2"].to_numpy(dtype="float64")
    value = counts.astype("float64")
    if measure == "per_km2":
        value = np.divide(value, area, out=np.zeros_like(value), where=area > 0)
    stats = getis_ord_star(
        value, weights_from_neighbors(neighbors, ids), permutations=permutations, seed=seed
    )
    frame = pd.DataFrame(
        {
            "id": ids,
            "nama": units["nama"].to_numpy() if "nama" in units else pd.NA,
            "unit": unit,
            "jumlah": counts.astype("int64"),
            "luas_km2": area,
            "nilai": value,
            "gi_z": stats["gi_z"].to_numpy(),
            "p_sim": stats["p_sim"].to_numpy(),
            "q": stats["q"].to_numpy(),
            "kelas": stats["kelas"].to_numpy(),
        }
    )
    for column, dtype in HOTSPOT_COLUMNS.items():
        frame[column] = frame[column].astype(dtype)
    out = gpd.GeoDataFrame(frame, geometry=units.geometry.to_numpy(), crs=units.crs)
    out.attrs.update({"measure": measure, "permutations": permutations, "seed": seed})
    return out


def hotspots_kelurahan(
    register: pd.DataFrame,
    *,
    kel: gpd.GeoDataFrame | None = None,
    sector: str | Sequence[str] | None = None,
    measure: Measure = "per_km2",
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
    active_only: bool = True,
) -> gpd.GeoDataFrame:
    """Gi* hot and cold spots of UMKM on the kelurahan (see the module notes).

    Parameters
    ----------
    register
        UMKM rows with ``kode_kelurahan`` (or ``lon``/``lat`` in EPSG:4326 to assign it),
        ``sektor`` and, for ``active_only``, ``status``. Filter by size class or anything else
        before; only counts leave this function.
    kel
        Kelurahan layer with ``kode``, ``nama``, ``area_km2``; the shipped one by default.
    sector
        Count only this sector (or these sectors); None counts all.
    measure
        ``"per_km2"`` (UMKM per km², default) or ``"jumlah"`` (count).
    permutations, seed
        Permutations of :func:`getis_ord_star` and their seed.
    active_only
        Count only rows with ``status == "aktif"`` (when the column exists).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per kelurahan, EPSG:4326, columns :data:`HOTSPOT_COLUMNS` (``id`` = kode,
        ``unit`` = ``"kelurahan"``, ``luas_km2`` in km², ``nilai`` the value tested) and the
        kelurahan polygon.
    """
    kel = wilayah.kelurahan() if kel is None else kel
    rows = _select(register, sector=sector, active_only=active_only)
    kode = (
        rows["kode_kelurahan"].astype("string")
        if "kode_kelurahan" in rows
        else pd.Series(pd.NA, index=rows.index, dtype="string")
    )
    missing = (
        kode.isna().to_numpy() & rows["lon"].notna().to_numpy() & rows["lat"].notna().to_numpy()
    )
    if missing.any():
        assigned = wilayah.assign_kelurahan(
            rows["lon"].to_numpy(dtype="float64")[missing],
            rows["lat"].to_numpy(dtype="float64")[missing],
            kel=kel,
        )["kode_kelurahan"].to_numpy()
        kode = kode.copy()
        kode.iloc[np.flatnonzero(missing)] = assigned
    per = kode.dropna().astype(str).value_counts()
    units = kel.assign(id=kel["kode"].astype(str), luas_km2=kel["area_km2"].astype("float64"))
    counts = units["id"].map(per).fillna(0).to_numpy()
    return _result(
        units,
        unit="kelurahan",
        counts=counts,
        measure=measure,
        neighbors=kelurahan_neighbors(kel),
        permutations=permutations,
        seed=seed,
    )


def hotspots_hex(
    register: pd.DataFrame,
    *,
    grid: gpd.GeoDataFrame | None = None,
    size_m: float = DEFAULT_HEX_SIZE_M,
    sector: str | Sequence[str] | None = None,
    measure: Measure = "jumlah",
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
    active_only: bool = True,
) -> gpd.GeoDataFrame:
    """Gi* hot and cold spots of UMKM on a hexagon grid (see the module notes).

    Parameters
    ----------
    register
        UMKM rows with ``lon``/``lat`` (EPSG:4326), ``sektor`` and, for ``active_only``,
        ``status``. Rows outside the grid are not counted.
    grid
        A grid from :func:`hex_grid`; by default the city grid of ``size_m``.
    size_m
        Centre-to-centre distance of the default grid, metres.
    sector
        Count only this sector (or these sectors); None counts all.
    measure
        ``"jumlah"`` (count, default: the hexagons are equal) or ``"per_km2"``.
    permutations, seed
        Permutations of :func:`getis_ord_star` and their seed.
    active_only
        Count only rows with ``status == "aktif"`` (when the column exists).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per hexagon, EPSG:4326, columns :data:`HOTSPOT_COLUMNS` (``unit`` =
        ``"heksagon"``, ``nama`` missing) and the clipped hexagon.
    """
    grid = hex_grid(size_m=size_m) if grid is None else grid
    rows = _select(register, sector=sector, active_only=active_only)
    rows = rows[rows["lon"].notna() & rows["lat"].notna()]
    x, y = _TO_METRIC.transform(
        rows["lon"].to_numpy(dtype="float64"), rows["lat"].to_numpy(dtype="float64")
    )
    axial = _hex_of(
        np.column_stack([x, y]), size_m=grid.attrs["size_m"], origin=grid.attrs["origin"]
    )
    gq = grid["q"].to_numpy(dtype=int)
    gr = grid["r"].to_numpy(dtype=int)
    lookup = np.full((gq.max() - gq.min() + 1, gr.max() - gr.min() + 1), -1)
    lookup[gq - gq.min(), gr - gr.min()] = np.arange(len(grid))
    qi = axial[:, 0] - gq.min()
    ri = axial[:, 1] - gr.min()
    inside = (qi >= 0) & (qi < lookup.shape[0]) & (ri >= 0) & (ri < lookup.shape[1])
    index = lookup[qi[inside], ri[inside]]
    counts = np.bincount(index[index >= 0], minlength=len(grid))
    return _result(
        grid,
        unit="heksagon",
        counts=counts,
        measure=measure,
        neighbors=hex_neighbors(grid),
        permutations=permutations,
        seed=seed,
    )
