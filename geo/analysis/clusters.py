"""Clusters of one trade in the register: dense groups of UMKM and "kandidat sentra baru".

The city names a handful of sentra, but businesses of one trade also gather on their own. This
module finds such groups per sector (or among the businesses whose ``nama_usaha`` holds a
keyword such as "tempe"), describes each group and says which are far from every known sentra.

Method: DBSCAN with a local-contrast rule
-----------------------------------------
All distances are in metres in EPSG:32749 (UTM 49S); inputs and outputs are EPSG:4326.

DBSCAN (Ester et al. 1996) calls a business a *core* business when enough businesses lie
within a radius ``eps_m`` of it, links core businesses closer than ``eps_m`` into one cluster
and attaches the other businesses within ``eps_m`` of a core one (border businesses). Plain
DBSCAN with a fixed minimum cannot tell a sentra from a busy part of town: where food stalls
are everywhere, any 150 m circle in the city centre holds a dozen of them. So the minimum is
local here. A business is core when the businesses of its group within ``eps_m`` (itself
included) number at least

``max(min_samples, contrast × λ × π eps_m²)``

where ``λ`` is the density of the same group (per m²) in the square of side
``2 × background_m`` around it, counted on a 100 m grid and divided by the part of that square
inside the study area (the city by default), so the city's edge does not look empty. In words:
a core business has at least ``min_samples`` businesses of its trade within ``eps_m`` and at
least ``contrast`` times as many as the trade's density around it would put there. Clusters are
the ``eps_m``-connected groups of core businesses (scikit-learn's ``DBSCAN`` with
``min_samples=1`` on the core businesses, which is exactly that linkage) plus the other
businesses within ``eps_m / 2`` of a core one (:data:`BORDER_FRACTION`); groups under
``min_cluster_size`` are dropped. Plain DBSCAN attaches border businesses up to the full
radius; here that swallowed a ring of the background around each group (on planted clusters in
uniform noise: 25-40 % extra members, against 12-20 % at half the radius, which loses 3-5 %
of the planted members), which makes hulls too large and densities too low.

Defaults and why (measured on the demo data set, 21,270 UMKM, and a 100,000 UMKM version):

``eps_m = 150``
    A kampung sentra spans a few hundred metres (the demo places sentra businesses with a
    150 m standard deviation around the sentra point; the rattan shops of Jl. Bulu Tangkis
    line about 300 m of one street). With 100 m, the 40 to 45 workshops of the keramik and
    racket sentra were not found; with 150 m six of the seven kriya sentra of the
    demo are (the seventh, 25 rattan workshops spread over about 0.3 km² in Balearjosari, is
    too thin for any setting that keeps noise out).
``min_samples = 8``
    At least eight businesses of the trade within 150 m (about 7 ha): a sentra, not a pair of
    neighbours. For a small sector (kriya: about 8 per km²) a 150 m circle expects 0.6, and
    eight or more happen by chance with a probability of about 2e-7.
``contrast = 5``
    With 4, random clumps of shops (perdagangan) and services (jasa) in dense kelurahan were
    reported as clusters in the demo; with 5 none are, and the Sanan tempe cluster, the daster
    cluster and six of the seven kriya clusters still are.
``background_m = 1000``
    The trade's density around a business is counted over about 2 km × 2 km: wide enough that
    a sentra of a few hundred metres does not set its own background, narrow enough to follow
    the city's gradient from the dense centre to the periphery.
``min_cluster_size = 15``
    Fifteen businesses: the smallest groups the city's press calls a sentra (10 to 23 rattan
    workshops per place) fall around this size.

Each cluster
------------
Hull: :func:`shapely.concave_hull` of the members with ``ratio = 0.5`` (:data:`HULL_RATIO`:
0 is the tightest shape, 1 the convex hull; 0.5 follows the shape of a kampung without
spikes), buffered by :data:`HULL_BUFFER_M` (25 m) so that edge businesses lie inside the drawn
area rather than on its corners, which also keeps a hull's corners from being exact business
locations. Density is members per hectare of that drawn area.

Nearest sentra: the distance in metres from the hull to the sentra of the same sector (all
sentra with ``match_sector=False``); 0 when the sentra lies inside the hull. A sentra whose
``presisi_lokasi`` is ``kelurahan`` has only a placeholder point, so its distance is taken to
the whole kelurahan polygon instead. A cluster farther than ``candidate_distance_m`` (500 m by
default: sentra points of presisi ``jalan`` are good to a couple of hundred metres and a
sentra's own businesses spread a few hundred metres around it, so 500 m beyond the hull's edge
is another place) from every such sentra is a **kandidat sentra baru**.

Deterministic: the same rows (in any order) give the same clusters, ids and hulls.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy import ndimage
from scipy.spatial import cKDTree

from geo import wilayah
from geo.core.escape import spreadsheet_frame
from geo.core.register import SECTORS, SENTRA_COLUMNS
from geo.core.settings import CRS_METRIC, CRS_STORAGE

__all__ = [
    "AUDIT_PROMOTE",
    "BACKGROUND_CELL_M",
    "BORDER_FRACTION",
    "CLUSTER_COLUMNS",
    "DEFAULT_BACKGROUND_M",
    "DEFAULT_CANDIDATE_DISTANCE_M",
    "DEFAULT_CONTRAST",
    "DEFAULT_EPS_M",
    "DEFAULT_MIN_CLUSTER_SIZE",
    "DEFAULT_MIN_SAMPLES",
    "HULL_BUFFER_M",
    "HULL_RATIO",
    "ClusterParams",
    "candidate_to_sentra",
    "candidates",
    "cluster_labels",
    "detect_clusters",
    "export_csv",
    "export_geojson",
]

DEFAULT_EPS_M = 150.0
DEFAULT_MIN_SAMPLES = 8
DEFAULT_CONTRAST = 5.0
DEFAULT_BACKGROUND_M = 1000.0
DEFAULT_MIN_CLUSTER_SIZE = 15
DEFAULT_CANDIDATE_DISTANCE_M = 500.0
#: Cell of the grid on which the background density is counted (metres).
BACKGROUND_CELL_M = 100.0
#: :func:`shapely.concave_hull` ratio of the cluster hulls (0 tightest, 1 convex).
HULL_RATIO = 0.5
#: Buffer around a cluster's concave hull (metres): members sit inside the drawn area.
HULL_BUFFER_M = 25.0
#: Border businesses are attached within this fraction of ``eps_m`` of a core business.
BORDER_FRACTION = 0.5

#: Audit-log action of promoting a cluster to a sentra (:func:`geo.core.audit.record`).
AUDIT_PROMOTE = "sentra.dari_klaster"


@dataclass(frozen=True)
class ClusterParams:
    """Parameters of the clustering and of the candidate rule (see the module notes).

    Distances are metres in EPSG:32749 (UTM 49S).

    Attributes
    ----------
    eps_m
        Neighbourhood radius in metres.
    min_samples
        Businesses of the group within ``eps_m`` (itself included) that make a core business.
    contrast
        How many times the group's surrounding density a core business's neighbourhood must
        exceed.
    background_m
        Half the side of the square, in metres, over which the surrounding density is counted;
        larger than ``eps_m``.
    min_cluster_size
        Smallest cluster reported (businesses).
    candidate_distance_m
        A cluster whose hull is farther than this (metres) from every known sentra (of its
        sector with ``match_sector``) is a candidate (:func:`detect_clusters` only).
    match_sector
        Compare a cluster only with sentra of its own sector (a batik cluster beside the tempe
        sentra is still new); False compares with every sentra (:func:`detect_clusters` only).
    """

    eps_m: float = DEFAULT_EPS_M
    min_samples: int = DEFAULT_MIN_SAMPLES
    contrast: float = DEFAULT_CONTRAST
    background_m: float = DEFAULT_BACKGROUND_M
    min_cluster_size: int = DEFAULT_MIN_CLUSTER_SIZE
    candidate_distance_m: float = DEFAULT_CANDIDATE_DISTANCE_M
    match_sector: bool = True

    def check(self) -> None:
        """Raise ValueError for a parameter out of range."""
        if self.eps_m <= 0 or self.background_m <= self.eps_m:
            raise ValueError("eps_m must be positive and smaller than background_m")
        if self.min_samples < 1 or self.min_cluster_size < 1 or self.contrast <= 0:
            raise ValueError("min_samples, min_cluster_size and contrast must be positive")


#: Columns of :func:`detect_clusters`' result (besides ``geometry``), with their dtypes.
CLUSTER_COLUMNS: dict[str, str] = {
    "id": "string",
    "sektor": "string",
    "kata_kunci": "string",
    "komoditas_dugaan": "string",
    "jumlah_umkm": "int64",
    "lat": "float64",
    "lon": "float64",
    "luas_ha": "float64",
    "kepadatan_per_ha": "float64",
    "porsi_mikro": "float64",
    "kontras": "float64",
    "kode_kelurahan_utama": "string",
    "kode_kelurahan": "string",
    "kelurahan": "string",
    "sentra_terdekat": "string",
    "sentra_terdekat_nama": "string",
    "jarak_sentra_m": "float64",
    "kandidat": "bool",
}

_TO_METRIC = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)
_TO_STORAGE = Transformer.from_crs(CRS_METRIC, CRS_STORAGE, always_xy=True)

#: Words of business names that say nothing about the trade (for ``komoditas_dugaan``).
_GENERIC_WORDS = frozenset(
    {
        "usaha", "toko", "ud", "cv", "pt", "bu", "ibu", "pak", "bapak", "mbak", "mas", "mbok",
        "jaya", "abadi", "makmur", "sejahtera", "berkah", "barokah", "sumber", "rejeki",
        "rezeki", "mandiri", "sentosa", "indah", "baru", "putra", "putri", "dan", "contoh",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z][a-z\-]{2,}")


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------
def _metric_xy(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    x, y = _TO_METRIC.transform(lon, lat)
    return np.column_stack([np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")])


def _study_area_metric(area: gpd.GeoDataFrame | None) -> shapely.Geometry:
    area = wilayah.city_outline() if area is None else area
    return shapely.union_all(area.to_crs(CRS_METRIC).geometry.to_numpy())


class _Background:
    """Share of the study area in each window of the background grid (computed once)."""

    def __init__(self, area: shapely.Geometry, *, background_m: float) -> None:
        cell = BACKGROUND_CELL_M
        minx, miny, maxx, maxy = area.bounds
        self.origin = (minx - background_m, miny - background_m)
        self.nx = int(np.ceil((maxx - minx + 2 * background_m) / cell)) + 1
        self.ny = int(np.ceil((maxy - miny + 2 * background_m) / cell)) + 1
        cx = self.origin[0] + (np.arange(self.nx) + 0.5) * cell
        cy = self.origin[1] + (np.arange(self.ny) + 0.5) * cell
        gx, gy = np.meshgrid(cx, cy)
        inside = shapely.contains_xy(area, gx, gy).astype("float64")
        self.window = 2 * round(background_m / cell) + 1
        # Mean share of in-area cells over each window; a floor keeps far-outside points finite.
        self.share = np.maximum(
            ndimage.uniform_filter(inside, size=self.window, mode="constant"), 1.0 / self.window**2
        )

    def density(self, xy: np.ndarray) -> np.ndarray:
        """Density of the given points around each of them (points per m²)."""
        cell = BACKGROUND_CELL_M
        ix = np.clip(((xy[:, 0] - self.origin[0]) // cell).astype(int), 0, self.nx - 1)
        iy = np.clip(((xy[:, 1] - self.origin[1]) // cell).astype(int), 0, self.ny - 1)
        counts = np.zeros((self.ny, self.nx))
        np.add.at(counts, (iy, ix), 1.0)
        mean = ndimage.uniform_filter(counts, size=self.window, mode="constant")
        return (mean / self.share / (cell * cell))[iy, ix]


def _label_group(
    xy: np.ndarray, background: _Background, *, params: ClusterParams
) -> tuple[np.ndarray, np.ndarray]:
    """DBSCAN with the local-contrast minimum on one group; labels (-1 noise) and contrast."""
    eps_m, min_samples = params.eps_m, params.min_samples
    contrast, min_cluster_size = params.contrast, params.min_cluster_size
    n = len(xy)
    labels = np.full(n, -1)
    ratio = np.zeros(n)
    if n < min_cluster_size:
        return labels, ratio
    expected = contrast * background.density(xy) * np.pi * eps_m**2
    tree = cKDTree(xy)
    n_eps = tree.query_ball_point(xy, eps_m, return_length=True)
    core = n_eps >= np.maximum(min_samples, expected)
    ratio = n_eps / np.maximum(expected / contrast, 1e-12)
    if not core.any():
        return labels, ratio
    from sklearn.cluster import DBSCAN  # scikit-learn takes seconds to import: only when used

    core_idx = np.flatnonzero(core)
    core_labels = DBSCAN(eps=eps_m, min_samples=1).fit_predict(xy[core_idx])
    labels[core_idx] = core_labels
    border = np.flatnonzero(~core)
    if len(border):
        dist, nearest = cKDTree(xy[core_idx]).query(
            xy[border], distance_upper_bound=eps_m * BORDER_FRACTION
        )
        near = np.isfinite(dist)
        labels[border[near]] = core_labels[nearest[near]]
    sizes = np.bincount(labels[labels >= 0])
    labels[(labels >= 0) & (sizes[np.maximum(labels, 0)] < min_cluster_size)] = -1
    return labels, ratio


def _groups(
    rows: pd.DataFrame, *, sector: str | Sequence[str] | None, keyword: str | None
) -> list[tuple[str | None, np.ndarray]]:
    """Row positions of each group to cluster: one per sector, or one of the keyword."""
    positions = np.arange(len(rows))
    if sector is not None:
        wanted = [sector] if isinstance(sector, str) else list(sector)
        unknown = [s for s in wanted if s not in SECTORS]
        if unknown:
            raise ValueError(f"unknown sektor {unknown!r} (expected one of {', '.join(SECTORS)})")
        keep = rows["sektor"].astype("string").isin(wanted).fillna(False).to_numpy()
        positions = positions[keep]
    if keyword:
        # A keyword search clusters every matching business together, whatever its sector
        # (tempe makers are recorded as kuliner or as industri pengolahan).
        names = rows["nama_usaha"].astype("string").str.casefold().to_numpy()[positions]
        hit = np.array([keyword.casefold() in str(v) for v in names], dtype=bool)
        return [(None, positions[hit])]
    sektor = rows["sektor"].astype("string").fillna("lainnya").to_numpy()[positions]
    return [(code, positions[sektor == code]) for code in SECTORS if (sektor == code).any()]


def _prepare(register: pd.DataFrame, *, active_only: bool) -> pd.DataFrame:
    rows = register
    if active_only and "status" in rows.columns:
        rows = rows[rows["status"].astype("string").eq("aktif").fillna(False)]
    rows = rows[rows["lon"].notna() & rows["lat"].notna()]
    # Sort by id (then position) so that the result does not depend on the row order.
    order = np.lexsort((np.arange(len(rows)), rows["id"].astype(str).to_numpy()))
    return rows.iloc[order]


def _cluster_index(
    register: pd.DataFrame,
    *,
    sector: str | Sequence[str] | None,
    keyword: str | None,
    params: ClusterParams,
    active_only: bool,
    area: gpd.GeoDataFrame | None,
) -> tuple[pd.DataFrame, np.ndarray, list[dict[str, Any]]]:
    """Sorted rows, their metric coordinates and one record per cluster (members, contrast)."""
    params.check()
    rows = _prepare(register, active_only=active_only)
    xy = _metric_xy(rows["lon"].to_numpy(dtype="float64"), rows["lat"].to_numpy(dtype="float64"))
    background = _Background(_study_area_metric(area), background_m=params.background_m)
    clusters: list[dict[str, Any]] = []
    for code, positions in _groups(rows, sector=sector, keyword=keyword):
        labels, ratio = _label_group(xy[positions], background, params=params)
        found = []
        for label in np.unique(labels[labels >= 0]):
            members = positions[labels == label]
            found.append(
                {
                    "members": members,
                    "sektor": code,
                    "kontras": float(np.median(ratio[labels == label])),
                    "centre": xy[members].mean(axis=0),
                }
            )
        # Number clusters by size (largest first), then position: stable for the same data.
        found.sort(key=lambda c: (-len(c["members"]), c["centre"][0], c["centre"][1]))
        clusters.extend(found)
    return rows, xy, clusters


def cluster_labels(
    register: pd.DataFrame,
    *,
    sector: str | Sequence[str] | None = None,
    keyword: str | None = None,
    params: ClusterParams | None = None,
    active_only: bool = True,
    area: gpd.GeoDataFrame | None = None,
) -> pd.Series:
    """Return the cluster id of every register row (missing for rows in no cluster).

    Parameters are those of :func:`detect_clusters` (``params.candidate_distance_m`` and
    ``params.match_sector`` do not change the labels).

    Returns
    -------
    pandas.Series
        Indexed like ``register``, dtype string: the ``id`` of the row's cluster as in
        :func:`detect_clusters`, missing for noise, for rows not examined (other sectors,
        inactive, without coordinates).
    """
    rows, _, clusters = _cluster_index(
        register,
        sector=sector,
        keyword=keyword,
        params=ClusterParams() if params is None else params,
        active_only=active_only,
        area=area,
    )
    ids = _cluster_ids(rows, clusters, keyword=keyword)
    out = pd.Series(pd.NA, index=register.index, dtype="string")
    for cid, cluster in zip(ids, clusters, strict=True):
        out.loc[rows.index[cluster["members"]]] = cid
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "klaster"


def _cluster_ids(
    rows: pd.DataFrame, clusters: list[dict[str, Any]], *, keyword: str | None
) -> list[str]:
    ids = []
    counter: Counter[str] = Counter()
    for cluster in clusters:
        prefix = _slug(keyword) if keyword else str(cluster["sektor"])
        counter[prefix] += 1
        ids.append(f"{prefix}-{counter[prefix]:02d}")
    return ids


# --------------------------------------------------------------------------------------------
# Describing clusters
# --------------------------------------------------------------------------------------------
def _dominant_word(names: Iterable[Any]) -> str | None:
    """Return the trade word most names of a cluster share ("tempe"), if there is one."""
    counts: Counter[str] = Counter()
    positions: Counter[str] = Counter()
    total = 0
    for name in names:
        if name is None or (not isinstance(name, str) and pd.isna(name)):
            continue
        total += 1
        words = [w for w in _WORD.findall(str(name).casefold()) if w not in _GENERIC_WORDS]
        for position, word in enumerate(dict.fromkeys(words)):
            counts[word] += 1
            positions[word] += position
    if not counts:
        return None
    # Most frequent; among equals the one that comes first in the names ("raket bulu tangkis").
    word, n = min(counts.items(), key=lambda kv: (-kv[1], positions[kv[0]] / kv[1], kv[0]))
    return word if n >= 0.3 * total else None


def _hull(points: np.ndarray) -> shapely.Geometry:
    hull = shapely.concave_hull(shapely.multipoints(points), ratio=HULL_RATIO)
    return shapely.buffer(hull, HULL_BUFFER_M, quad_segs=4)


def _sentra_targets(
    sentra: pd.DataFrame, kel_metric: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, np.ndarray]:
    """Sentra with coordinates and the metric geometry distances are measured to."""
    rows = sentra[sentra["lat"].notna() & sentra["lon"].notna()].reset_index(drop=True)
    xy = _metric_xy(rows["lon"].to_numpy(dtype="float64"), rows["lat"].to_numpy(dtype="float64"))
    targets = shapely.points(xy)
    polygons = kel_metric.set_index(kel_metric["kode"].astype(str)).geometry
    presisi = rows.get("presisi_lokasi", pd.Series(pd.NA, index=rows.index)).astype("string")
    for i in np.flatnonzero(presisi.eq("kelurahan").fillna(False).to_numpy()):
        kode = str(rows.loc[i, "kode_kelurahan"])
        if kode in polygons.index:  # only the kelurahan is known: measure to all of it
            targets[i] = polygons[kode]
    return rows, targets


def _empty_clusters() -> gpd.GeoDataFrame:
    data = {c: pd.Series(dtype=d) for c, d in CLUSTER_COLUMNS.items()}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=CRS_STORAGE), crs=CRS_STORAGE)


def detect_clusters(
    register: pd.DataFrame,
    *,
    sector: str | Sequence[str] | None = None,
    keyword: str | None = None,
    sentra: pd.DataFrame | None = None,
    kel: gpd.GeoDataFrame | None = None,
    params: ClusterParams | None = None,
    active_only: bool = True,
    area: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Find dense groups of UMKM of one trade and describe each (see the module notes).

    Parameters
    ----------
    register
        UMKM rows with ``id``, ``lat``, ``lon`` (EPSG:4326), ``sektor``, ``skala`` and, for
        keywords, ``nama_usaha``; ``status`` when ``active_only``. Personal fields are not
        read and never reach the result.
    sector
        Cluster only this sector (or these sectors); each sector is clustered on its own.
        None: every sector.
    keyword
        Cluster only the businesses whose ``nama_usaha`` contains this text (case-insensitive),
        all together whatever their sector; combined with ``sector``, only within it.
    sentra
        Known sentra (:data:`geo.core.register.SENTRA_COLUMNS`; ``lat``/``lon`` in EPSG:4326).
        None: no sentra is known and every cluster is a candidate.
    kel
        Kelurahan layer; the shipped one by default.
    params
        Radius, minimum, contrast, background, smallest cluster and the candidate rule
        (:class:`ClusterParams`, metres in EPSG:32749; its defaults when None).
    active_only
        Use only rows with ``status == "aktif"`` (when the column exists).
    area
        Study area (polygons, any CRS) for the background density; the city outline by
        default.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cluster in EPSG:4326, largest first within each sector (sectors in the
        order of :data:`geo.core.register.SECTORS`), columns :data:`CLUSTER_COLUMNS` and the hull
        polygon as geometry:

        ``id`` (``"kuliner-01"``; ``"<keyword>-01"`` for a keyword search), ``sektor`` (the
        members' most common sector), ``kata_kunci``, ``komoditas_dugaan`` (a word at least
        30 % of the members' names share, else missing), ``jumlah_umkm``, ``lat``/``lon`` (mean
        of the members, degrees), ``luas_ha`` (drawn hull, hectares), ``kepadatan_per_ha``
        (members per hectare of the hull), ``porsi_mikro`` (share 0-1 of members in class
        mikro), ``kontras`` (median over members of their neighbourhood count divided by what
        the surrounding density predicts), ``kode_kelurahan_utama`` (the kelurahan with most
        members), ``kode_kelurahan`` and ``kelurahan`` (every kelurahan spanned, by
        :func:`geo.wilayah.assign_kelurahan` of the members, most members first, joined by
        ``", "``), ``sentra_terdekat`` / ``sentra_terdekat_nama`` (id and name of the nearest
        sentra, missing if none), ``jarak_sentra_m`` (metres from the hull, 0 when the sentra
        lies inside it) and ``kandidat`` (no sentra within ``params.candidate_distance_m``).

    Raises
    ------
    ValueError
        An unknown sector or a parameter out of range.
    """
    params = ClusterParams() if params is None else params
    rows, xy, clusters = _cluster_index(
        register, sector=sector, keyword=keyword, params=params, active_only=active_only, area=area
    )
    if not clusters:
        return _empty_clusters()
    kel = wilayah.kelurahan() if kel is None else kel
    kel_metric = kel.to_crs(CRS_METRIC)
    kel_names = dict(zip(kel["kode"].astype(str), kel["nama"].astype(str), strict=True))
    ids = _cluster_ids(rows, clusters, keyword=keyword)

    members_all = np.concatenate([c["members"] for c in clusters])
    assigned = wilayah.assign_kelurahan(
        rows["lon"].to_numpy(dtype="float64")[members_all],
        rows["lat"].to_numpy(dtype="float64")[members_all],
        kel=kel,
    )["kode_kelurahan"].to_numpy()
    offsets = np.cumsum([0] + [len(c["members"]) for c in clusters])

    sektor_all = rows["sektor"].astype("string").fillna("lainnya").to_numpy()
    skala_all = rows["skala"].astype("string").to_numpy() if "skala" in rows else None
    names_all = rows["nama_usaha"].to_numpy() if "nama_usaha" in rows else None

    records = []
    hulls = []
    for k, (cid, cluster) in enumerate(zip(ids, clusters, strict=True)):
        members = cluster["members"]
        pts = xy[members]
        hull = _hull(pts)
        hulls.append(hull)
        area_ha = float(shapely.area(hull)) / 10_000
        kodes = pd.Series(assigned[offsets[k] : offsets[k + 1]]).dropna().astype(str)
        per_kel = kodes.value_counts()
        order = sorted(per_kel.index, key=lambda c: (-per_kel[c], c))
        sektor = cluster["sektor"]
        if sektor is None:
            counts = Counter(sektor_all[members])
            sektor = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        mikro = np.nan
        if skala_all is not None:
            mikro = float(np.mean(skala_all[members] == "mikro"))
        lon, lat = _TO_STORAGE.transform(*cluster["centre"])
        records.append(
            {
                "id": cid,
                "sektor": sektor,
                "kata_kunci": keyword or pd.NA,
                "komoditas_dugaan": (
                    _dominant_word(names_all[members]) if names_all is not None else None
                ),
                "jumlah_umkm": len(members),
                "lat": float(lat),
                "lon": float(lon),
                "luas_ha": area_ha,
                "kepadatan_per_ha": len(members) / area_ha,
                "porsi_mikro": mikro,
                "kontras": cluster["kontras"],
                "kode_kelurahan_utama": order[0] if order else pd.NA,
                "kode_kelurahan": ", ".join(order),
                "kelurahan": ", ".join(kel_names.get(c, c) for c in order),
            }
        )
    out = pd.DataFrame.from_records(records)
    nearest = _nearest_sentra(
        out, np.array(hulls, dtype=object), sentra, kel_metric, match_sector=params.match_sector
    )
    out = pd.concat([out, nearest], axis=1)
    out["kandidat"] = ~(out["jarak_sentra_m"] <= params.candidate_distance_m).to_numpy()
    for column, dtype in CLUSTER_COLUMNS.items():
        out[column] = out[column].astype(dtype)
    geometry = gpd.GeoSeries(hulls, crs=CRS_METRIC).to_crs(CRS_STORAGE)
    return gpd.GeoDataFrame(out[list(CLUSTER_COLUMNS)], geometry=geometry.values, crs=CRS_STORAGE)


def _nearest_sentra(
    clusters: pd.DataFrame,
    hulls: np.ndarray,
    sentra: pd.DataFrame | None,
    kel_metric: gpd.GeoDataFrame,
    *,
    match_sector: bool,
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "sentra_terdekat": pd.Series(pd.NA, index=clusters.index, dtype="string"),
            "sentra_terdekat_nama": pd.Series(pd.NA, index=clusters.index, dtype="string"),
            "jarak_sentra_m": np.full(len(clusters), np.nan),
        }
    )
    if sentra is None or sentra.empty:
        return out
    rows, targets = _sentra_targets(sentra, kel_metric)
    if rows.empty:
        return out
    sektor = rows["sektor"].astype("string").to_numpy()
    for i, hull in enumerate(hulls):
        eligible = np.flatnonzero(sektor == clusters.loc[i, "sektor"]) if match_sector else None
        if eligible is None:
            eligible = np.arange(len(rows))
        if not len(eligible):
            continue
        dist = shapely.distance(hull, targets[eligible])
        best = int(np.lexsort((rows["id"].astype(str).to_numpy()[eligible], dist))[0])
        j = eligible[best]
        out.loc[i, "sentra_terdekat"] = str(rows.loc[j, "id"])
        out.loc[i, "sentra_terdekat_nama"] = str(rows.loc[j, "nama"])
        out.loc[i, "jarak_sentra_m"] = float(dist[best])
    return out


def candidates(clusters: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the clusters that are kandidat sentra baru, largest first.

    Parameters
    ----------
    clusters
        The result of :func:`detect_clusters`.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows with ``kandidat`` true, sorted by ``jumlah_umkm`` (descending) then ``id``.
    """
    rows = clusters[clusters["kandidat"].astype(bool)]
    return rows.sort_values(["jumlah_umkm", "id"], ascending=[False, True], kind="stable")


# --------------------------------------------------------------------------------------------
# Promotion
# --------------------------------------------------------------------------------------------
def candidate_to_sentra(
    cluster_row: pd.Series | dict[str, Any],
    *,
    nama: str,
    komoditas: str,
    existing_ids: Iterable[str] = (),
    publik: bool = False,
    kel: gpd.GeoDataFrame | None = None,
) -> dict[str, Any]:
    """Turn a detected cluster into a sentra row, ready for :meth:`geo.store.Store.write_sentra`.

    The sentra's point is the cluster's centre when it lies in the cluster's main kelurahan,
    otherwise a point inside both the hull and that kelurahan (never a member's location).
    ``presisi_lokasi`` is ``jalan``: the centre of a group of a few hundred metres is right to
    about a street block and has not been checked on the ground. ``alamat`` names only the
    kelurahan and kecamatan (no business's address).

    Parameters
    ----------
    cluster_row
        One row of :func:`detect_clusters` (with its ``geometry`` in EPSG:4326).
    nama
        The sentra's name (required, e.g. "Sentra Batik Contoh").
    komoditas
        What the sentra makes or sells (required, e.g. "batik tulis").
    existing_ids
        Sentra ids already used: the new id (a slug of ``nama``) gets a numeric suffix
        (``-2``, ``-3`` ...) until it is free.
    publik
        Show the sentra on the public page. False by default: publish after a visit.
    kel
        Kelurahan layer; the shipped one by default.

    Returns
    -------
    dict
        The columns of :data:`geo.core.register.SENTRA_COLUMNS`.

    Raises
    ------
    ValueError
        ``nama`` or ``komoditas`` is empty, or the cluster has no kelurahan.
    """
    nama = str(nama).strip()
    komoditas = str(komoditas).strip()
    if not nama:
        raise ValueError("nama: empty (give the sentra a name)")
    if not komoditas:
        raise ValueError("komoditas: empty (say what the sentra makes or sells)")
    row = dict(cluster_row)
    kode = row.get("kode_kelurahan_utama")
    if kode is None or pd.isna(kode):
        raise ValueError(f"cluster {row.get('id')}: no kelurahan (outside Kota Malang?)")
    kel = wilayah.kelurahan() if kel is None else kel
    info = kel.set_index(kel["kode"].astype(str)).loc[str(kode)]
    lon, lat = round(float(row["lon"]), 5), round(float(row["lat"]), 5)
    where = wilayah.assign_kelurahan(np.array([lon]), np.array([lat]), kel=kel)
    if where["kode_kelurahan"].iloc[0] != kode:
        inside = shapely.intersection(row["geometry"], info.geometry)
        if inside.is_empty:
            inside = info.geometry
        point = shapely.point_on_surface(inside)
        lon, lat = round(point.x, 5), round(point.y, 5)
    used = set(existing_ids)
    base = _slug(nama)
    sentra_id, n = base, 1
    while sentra_id in used:
        n += 1
        sentra_id = f"{base}-{n}"
    out = {
        "id": sentra_id,
        "nama": nama,
        "komoditas": komoditas,
        "sektor": str(row["sektor"]),
        "kode_kelurahan": str(kode),
        "alamat": f"Kel. {info['nama']}, Kec. {info['kecamatan']}",
        "lat": lat,
        "lon": lon,
        "presisi_lokasi": "jalan",
        "deskripsi": (
            f"Diusulkan dari klaster terdeteksi {row.get('id')}: {int(row['jumlah_umkm'])} UMKM, "
            f"{float(row['kepadatan_per_ha']):.1f} UMKM/ha, {float(row['luas_ha']):.1f} ha. "
            "Titik = pusat klaster dari register, belum dicek di lapangan."
        ),
        "publik": bool(publik),
    }
    return {c: out[c] for c in SENTRA_COLUMNS}


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------
def export_csv(clusters: gpd.GeoDataFrame) -> bytes:
    """Return clusters as CSV (UTF-8 with a byte-order mark, so spreadsheets read it right).

    One row per cluster with the columns of :data:`CLUSTER_COLUMNS` (``lat``/``lon`` = centre,
    EPSG:4326, 5 decimals) and ``hull_wkt``, the hull polygon as WKT (EPSG:4326).
    """
    table = pd.DataFrame(clusters[list(CLUSTER_COLUMNS)]).copy()
    decimals = {"lat": 5, "lon": 5, "luas_ha": 2, "kepadatan_per_ha": 2, "porsi_mikro": 3}
    decimals |= {"kontras": 2, "jarak_sentra_m": 1}
    table = table.round(decimals)
    geometry = clusters.to_crs(CRS_STORAGE).geometry.to_numpy()
    table["hull_wkt"] = shapely.to_wkt(geometry, rounding_precision=5)
    return spreadsheet_frame(table).to_csv(index=False).encode("utf-8-sig")


def export_geojson(clusters: gpd.GeoDataFrame) -> bytes:
    """Return clusters as a GeoJSON FeatureCollection (EPSG:4326, hull polygons, 5 decimals).

    The properties are the columns of :data:`CLUSTER_COLUMNS`; missing values are ``null``.
    """
    rows = clusters.to_crs(CRS_STORAGE)
    rounded = shapely.transform(rows.geometry.to_numpy(), lambda xy: np.round(xy, 5))
    out = gpd.GeoDataFrame(
        pd.DataFrame(rows[list(CLUSTER_COLUMNS)]), geometry=rounded, crs=CRS_STORAGE
    )
    return out.to_json(na="null", drop_id=True, ensure_ascii=False).encode("utf-8")
