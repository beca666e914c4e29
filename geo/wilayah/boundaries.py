"""Official boundaries of Kota Malang: conversion, kelurahan/kecamatan/city layers, names, points.

The upstream layer is cahyadsn/wilayah_boundaries (MIT), file
``db/kel/35/wilayah_boundaries_kel_35.73.sql``: MySQL ``INSERT`` rows whose ``path`` holds the
rings in **[lat, lng]** order. :func:`build_boundaries` converts it, after checking its sha256,
into the compact GeoJSON the project ships under ``data/``; everything else reads that file.

All layers are returned in EPSG:4326; areas and distances are computed in EPSG:32749.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from rapidfuzz import fuzz, process

from geo.core.settings import (
    BOUNDARIES_LICENSE_PATH,
    BOUNDARIES_PATH,
    BOUNDARIES_SOURCE_PATH,
    CITY_KODE,
    CRS_METRIC,
    CRS_STORAGE,
    KECAMATAN_NAMES,
    KELURAHAN_ASSIGN_TOLERANCE_M,
    NAME_MATCH_MIN_SCORE,
    UPSTREAM_COMMIT,
    UPSTREAM_SHA256,
    UPSTREAM_URL,
)

__all__ = [
    "BoundaryError",
    "NameMatch",
    "assign_kelurahan",
    "build_boundaries",
    "city_outline",
    "kecamatan",
    "kelurahan",
    "load_boundary_layer",
    "normalise_name",
    "parse_upstream_sql",
    "read_source",
    "resolve_kecamatan",
    "resolve_kelurahan",
    "resolve_kelurahan_many",
]

#: Decimal places kept in the shipped GeoJSON: 1e-5 degree is about 1.1 m at Malang.
COORD_DECIMALS = 5

_ROW = re.compile(
    r"\('(?P<kode>\d{2}\.\d{2}\.\d{2}\.\d{4})','(?P<nama>[^']*)',"
    r"(?P<lat>-?[\d.]+),(?P<lng>-?[\d.]+),'(?P<path>\[[^']*\])'\)"
)

_UPSTREAM_NOTICE = (
    "Kelurahan boundaries of Kota Malang converted from cahyadsn/wilayah_boundaries\n"
    "(https://github.com/cahyadsn/wilayah_boundaries), file\n"
    "db/kel/35/wilayah_boundaries_kel_35.73.sql at commit {commit}, sha256 {sha256}.\n"
    "Converted by `python -m geo boundaries build` of this project (coordinates rounded to\n"
    "{decimals} decimal places, [lat, lng] turned into GeoJSON [lng, lat]).\n\n"
)


class BoundaryError(RuntimeError):
    """The boundary source cannot be read, has the wrong checksum, or is malformed."""


# --------------------------------------------------------------------------------------------
# Conversion from the upstream SQL
# --------------------------------------------------------------------------------------------
def read_source(source: str | Path, *, expected_sha256: str | None = UPSTREAM_SHA256) -> bytes:
    """Read the upstream SQL file from a path or an http(s) URL and verify its sha256.

    Parameters
    ----------
    source
        Local path, or an ``http://``/``https://`` URL (pin one with a commit, as in
        :data:`geo.core.settings.UPSTREAM_URL`).
    expected_sha256
        Hex digest the bytes must have; ``None`` skips the check (a newer upstream release).

    Raises
    ------
    BoundaryError
        The file is missing, the download failed (no network), or the checksum differs; the
        message says what to do.
    """
    text_source = str(source)
    if text_source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(text_source, timeout=30) as response:
                data = response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise BoundaryError(
                f"Cannot download {text_source}: {exc}. Without network, download the file "
                "elsewhere and pass its local path with --source PATH."
            ) from exc
    else:
        path = Path(source)
        if not path.is_file():
            raise BoundaryError(
                f"Boundary source not found: {path}. Pass the path of "
                "wilayah_boundaries_kel_35.73.sql (e.g. ../shared/data/wilayah_boundaries/) or "
                f"its pinned URL {UPSTREAM_URL}."
            )
        data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 is not None and digest != expected_sha256:
        raise BoundaryError(
            f"Checksum mismatch for {text_source}: sha256 {digest}, expected {expected_sha256}. "
            f"Use the file at commit {UPSTREAM_COMMIT}, or pass --sha256 with the new digest "
            "after reviewing a newer upstream release."
        )
    return data


def _rings_to_polygon(rings: list) -> shapely.Polygon:
    # Upstream rings are [[lat, lng], ...]; shapely wants (x=lng, y=lat).
    shells = [np.asarray(ring, dtype="float64")[:, ::-1] for ring in rings]
    return shapely.Polygon(shells[0], shells[1:])


def _path_to_geometry(path: list) -> shapely.Polygon | shapely.MultiPolygon:
    depth = 0
    node = path
    while isinstance(node, list):
        depth += 1
        node = node[0]
    if depth == 3:  # [[[lat,lng],...], hole, ...]
        return _rings_to_polygon(path)
    if depth == 4:  # [[[[lat,lng],...]], ...]
        return shapely.MultiPolygon([_rings_to_polygon(p) for p in path])
    raise BoundaryError(f"Unexpected path nesting depth {depth}")


def parse_upstream_sql(text: str) -> gpd.GeoDataFrame:
    """Parse the upstream ``INSERT INTO wilayah_boundaries`` rows into kelurahan polygons.

    Parameters
    ----------
    text
        Contents of ``wilayah_boundaries_kel_35.73.sql``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns kode, nama, kode_kecamatan, kecamatan, geometry (EPSG:4326), sorted by kode,
        only kelurahan of Kota Malang (kode ``35.73.*``).
    """
    rows = []
    for m in _ROW.finditer(text):
        kode = m["kode"]
        if not kode.startswith(CITY_KODE + "."):
            continue
        geometry = _path_to_geometry(json.loads(m["path"]))
        kode_kec = kode[:8]
        rows.append(
            {
                "kode": kode,
                "nama": m["nama"],
                "kode_kecamatan": kode_kec,
                "kecamatan": KECAMATAN_NAMES.get(kode_kec, kode_kec),
                "geometry": geometry,
            }
        )
    if not rows:
        raise BoundaryError("No kelurahan rows of Kota Malang (35.73) found in the source")
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS_STORAGE)
    return gdf.sort_values("kode").reset_index(drop=True)


def _round_geometry(geom: shapely.Geometry) -> shapely.Geometry:
    rounded = shapely.set_precision(geom, 10.0**-COORD_DECIMALS, mode="valid_output")
    return shapely.make_valid(rounded) if not rounded.is_valid else rounded


def _geojson_text(gdf: gpd.GeoDataFrame) -> str:
    """Serialise deterministically: one feature per line, fixed key order and precision."""
    lines = []
    for row in gdf.itertuples(index=False):
        geom = shapely.geometry.mapping(row.geometry)
        feature = {
            "type": "Feature",
            "properties": {
                "kode": row.kode,
                "nama": row.nama,
                "kode_kecamatan": row.kode_kecamatan,
                "kecamatan": row.kecamatan,
            },
            "geometry": json.loads(
                json.dumps(geom, default=list),
                parse_float=lambda s: round(float(s), COORD_DECIMALS),
            ),
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def convert_sql(data: bytes) -> str:
    """Convert upstream SQL bytes into the shipped GeoJSON text (deterministic)."""
    gdf = parse_upstream_sql(data.decode("utf-8"))
    gdf["geometry"] = [_round_geometry(g) for g in gdf.geometry]
    return _geojson_text(gdf)


def build_boundaries(
    source: str | Path,
    *,
    output: Path = BOUNDARIES_PATH,
    expected_sha256: str | None = UPSTREAM_SHA256,
    license_source: Path | None = None,
) -> Path:
    """Convert the upstream SQL into the shipped GeoJSON, with notice and provenance beside it.

    Parameters
    ----------
    source
        Path or pinned URL of ``wilayah_boundaries_kel_35.73.sql``.
    output
        GeoJSON path to write (EPSG:4326, coordinates rounded to ~1 m).
    expected_sha256
        Checksum the source must have (``None`` skips the check).
    license_source
        Upstream ``LICENSE`` file to copy beside the output; by default the one next to a local
        source, else the MIT notice embedded in the SQL header.

    Returns
    -------
    pathlib.Path
        The written GeoJSON path.
    """
    data = read_source(source, expected_sha256=expected_sha256)
    text = convert_sql(data)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(data).hexdigest()
    provenance = {
        "upstream": "cahyadsn/wilayah_boundaries",
        "file": "db/kel/35/wilayah_boundaries_kel_35.73.sql",
        "commit": UPSTREAM_COMMIT,
        "url": UPSTREAM_URL,
        "sha256": digest,
        "license": "MIT",
        "coordinate_decimals": COORD_DECIMALS,
    }
    source_json = output.with_name(output.name.replace(".geojson", ".source.json"))
    if output == BOUNDARIES_PATH:
        source_json = BOUNDARIES_SOURCE_PATH
    source_json.write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    if license_source is None and not str(source).startswith(("http://", "https://")):
        candidate = Path(source).with_name("LICENSE")
        license_source = candidate if candidate.is_file() else None
    if license_source is not None:
        license_text = license_source.read_text(encoding="utf-8")
    else:
        header = data.decode("utf-8").split("*/", 1)[0]
        license_text = header[header.find("MIT License") :].strip() + "\n"
    license_path = (
        BOUNDARIES_LICENSE_PATH
        if output == BOUNDARIES_PATH
        else output.with_name("LICENSE.wilayah_boundaries")
    )
    notice = _UPSTREAM_NOTICE.format(commit=UPSTREAM_COMMIT, sha256=digest, decimals=COORD_DECIMALS)
    license_path.write_text(notice + license_text, encoding="utf-8")
    return output


# --------------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------------
def _with_area(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf = gdf.copy()
    gdf["area_km2"] = gdf.to_crs(CRS_METRIC).area / 1e6
    return gdf


def load_boundary_layer(
    path: str | Path, *, kode_column: str = "kode", nama_column: str = "nama"
) -> gpd.GeoDataFrame:
    """Read a kelurahan layer (GeoJSON, GeoPackage, Shapefile) with kode and nama columns.

    Used for the shipped file and for user-supplied layers, e.g. a higher-resolution one from
    the city's geoportal. Kecamatan are derived from the kode (first 8 characters).

    Returns
    -------
    geopandas.GeoDataFrame
        kode, nama, kode_kecamatan, kecamatan, area_km2 (km², computed in EPSG:32749),
        geometry in EPSG:4326, sorted by kode.
    """
    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"Boundary layer not found: {path}")
    raw = gpd.read_file(path)
    missing = [c for c in (kode_column, nama_column) if c not in raw.columns]
    if missing:
        raise BoundaryError(
            f"{path}: missing column(s) {', '.join(missing)}; columns are "
            f"{', '.join(map(str, raw.columns))}. Name the kode and nama columns explicitly."
        )
    if raw.crs is None:
        raise BoundaryError(f"{path}: the layer has no CRS")
    gdf = raw.rename(columns={kode_column: "kode", nama_column: "nama"}).to_crs(CRS_STORAGE)
    gdf["kode"] = gdf["kode"].astype("string").str.strip()
    bad = gdf.loc[~gdf["kode"].str.fullmatch(r"35\.73\.\d{2}\.\d{4}").fillna(False), "kode"]
    if len(bad):
        raise BoundaryError(
            f"{path}: kode {bad.iloc[0]!r} (row {bad.index[0] + 1}) is not a kelurahan kode "
            "of Kota Malang (35.73.KK.LLLL)"
        )
    gdf["nama"] = gdf["nama"].astype("string")
    gdf["kode_kecamatan"] = gdf["kode"].str.slice(0, 8)
    gdf["kecamatan"] = gdf["kode_kecamatan"].map(KECAMATAN_NAMES).astype("string")
    gdf = gdf[["kode", "nama", "kode_kecamatan", "kecamatan", "geometry"]]
    gdf = gdf.sort_values("kode").reset_index(drop=True)
    return _with_area(gdf)


@functools.cache
def _shipped_kelurahan() -> gpd.GeoDataFrame:
    if not BOUNDARIES_PATH.is_file():
        raise BoundaryError(
            f"{BOUNDARIES_PATH} is missing. Rebuild it with: python -m geo boundaries build "
            "--source ../shared/data/wilayah_boundaries/wilayah_boundaries_kel_35.73.sql"
        )
    return load_boundary_layer(BOUNDARIES_PATH)


def kelurahan(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Return the kelurahan of Kota Malang (EPSG:4326), the shipped layer by default.

    Returns
    -------
    geopandas.GeoDataFrame
        kode, nama, kode_kecamatan, kecamatan, area_km2 (km²), geometry; 57 rows for the
        shipped layer. A copy: callers may modify it.
    """
    return (_shipped_kelurahan() if path is None else load_boundary_layer(path)).copy()


def kecamatan(kel: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Dissolve kelurahan into kecamatan (EPSG:4326).

    Returns
    -------
    geopandas.GeoDataFrame
        kode, nama, jumlah_kelurahan, area_km2 (sum of kelurahan areas, km²), geometry.
    """
    kel = kelurahan() if kel is None else kel
    dissolved = kel.dissolve(
        by="kode_kecamatan", aggfunc={"kecamatan": "first", "kode": "count", "area_km2": "sum"}
    ).reset_index()
    dissolved = dissolved.rename(
        columns={"kode_kecamatan": "kode", "kecamatan": "nama", "kode": "jumlah_kelurahan"}
    )
    return dissolved[["kode", "nama", "jumlah_kelurahan", "area_km2", "geometry"]]


def city_outline(kel: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Return Kota Malang's outline: the union of the kelurahan with interior slivers filled.

    Returns
    -------
    geopandas.GeoDataFrame
        One row: kode ``35.73``, nama ``Kota Malang``, area_km2 (km²), geometry (EPSG:4326).
    """
    kel = kelurahan() if kel is None else kel
    union = shapely.union_all(kel.geometry.to_numpy())
    polygons = shapely.get_parts(union)
    filled = shapely.union_all([shapely.Polygon(p.exterior) for p in polygons])
    out = gpd.GeoDataFrame(
        {"kode": [CITY_KODE], "nama": ["Kota Malang"]}, geometry=[filled], crs=CRS_STORAGE
    )
    return _with_area(out)


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------
_PREFIX = re.compile(r"^(kelurahan|kel|desa|ds|kec|kecamatan)\b\.?\s*", re.IGNORECASE)


def normalise_name(name: str) -> str:
    """Reduce a place name to a comparison key.

    Lower case, accents removed, "Kel."/"Kelurahan"/"Desa" prefixes dropped, and every
    character that is not a letter or digit (spaces, hyphens, dots) removed, so "Oro Oro Dowo",
    "oro-oro dowo" and "Kel. Oro-oro Dowo" all give ``"oroorodowo"``.
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = text.strip().lower()
    previous = None
    while previous != text:
        previous = text
        text = _PREFIX.sub("", text).strip()
    return re.sub(r"[^a-z0-9]", "", text)


@dataclass(frozen=True)
class NameMatch:
    """A kelurahan (or kecamatan) name resolved to its official kode.

    ``confidence`` is 1.0 for an exact match after normalisation and the rapidfuzz ratio / 100
    for a close typo.
    """

    kode: str
    nama: str
    confidence: float


def _index(kel: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kode": kel["kode"].astype(str),
            "nama": kel["nama"].astype(str),
            "kode_kecamatan": kel["kode_kecamatan"].astype(str),
            "key": [normalise_name(n) for n in kel["nama"]],
        }
    )


@functools.cache
def _shipped_index() -> pd.DataFrame:
    return _index(_shipped_kelurahan())


def resolve_kecamatan(name: str) -> NameMatch | None:
    """Resolve a kecamatan name (any spelling, "Kec." prefix) to its kode, or None."""
    key = normalise_name(name)
    names = {normalise_name(n): (k, n) for k, n in KECAMATAN_NAMES.items()}
    if key in names:
        kode, nama = names[key]
        return NameMatch(kode, nama, 1.0)
    best = process.extractOne(key, list(names), scorer=fuzz.ratio)
    if best and best[1] >= NAME_MATCH_MIN_SCORE:
        kode, nama = names[best[0]]
        return NameMatch(kode, nama, round(best[1] / 100, 3))
    return None


def resolve_kelurahan(
    name: str,
    *,
    kecamatan: str | None = None,
    kel: gpd.GeoDataFrame | None = None,
    min_score: float = NAME_MATCH_MIN_SCORE,
) -> NameMatch | None:
    """Resolve an officer's spelling of a kelurahan to the official kode.

    Parameters
    ----------
    name
        Free text such as "Kel. Tasikmadu", "oro oro dowo", "Bakalan Krajan", "Purwantor".
    kecamatan
        Optional kecamatan name or kode that restricts (and so disambiguates) the candidates.
    kel
        Kelurahan layer to resolve against; the shipped one by default.
    min_score
        Lowest rapidfuzz ratio (0-100) accepted for a typo.

    Returns
    -------
    NameMatch or None
        None when the name is not a kelurahan of Kota Malang (e.g. "Gubeng", "Kademangan"):
        a name is never forced onto a near match below ``min_score``.
    """
    index = _shipped_index() if kel is None else _index(kel)
    if kecamatan:
        kec = kecamatan if re.fullmatch(r"35\.73\.\d{2}", kecamatan) else None
        if kec is None:
            match = resolve_kecamatan(kecamatan)
            kec = match.kode if match else None
        if kec is not None:
            index = index[index["kode_kecamatan"] == kec]
    key = normalise_name(name)
    if not key:
        return None
    exact = index[index["key"] == key]
    if len(exact) == 1:
        row = exact.iloc[0]
        return NameMatch(row["kode"], row["nama"], 1.0)
    candidates = exact if len(exact) > 1 else index
    best = process.extractOne(key, candidates["key"].tolist(), scorer=fuzz.ratio)
    if best is None or best[1] < min_score:
        return None
    row = candidates.iloc[best[2]]
    confidence = 1.0 if len(exact) > 1 else round(best[1] / 100, 3)
    return NameMatch(row["kode"], row["nama"], confidence)


def resolve_kelurahan_many(names: pd.Series, *, kecamatan: pd.Series | None = None) -> pd.DataFrame:
    """Resolve many names at once (each distinct name/kecamatan pair is resolved once).

    Returns
    -------
    pandas.DataFrame
        Same index as ``names``; columns kode, nama, confidence (missing where unresolved).
    """
    kec = kecamatan if kecamatan is not None else pd.Series(None, index=names.index)
    pairs = pd.DataFrame({"name": names.astype("string"), "kec": kec.astype("string")})
    cache: dict[tuple, NameMatch | None] = {}
    out = []
    for name, kc in pairs.itertuples(index=False):
        k = (name, kc)
        if k not in cache:
            cache[k] = (
                resolve_kelurahan(str(name), kecamatan=None if pd.isna(kc) else str(kc))
                if not pd.isna(name)
                else None
            )
        m = cache[k]
        out.append((m.kode, m.nama, m.confidence) if m else (None, None, np.nan))
    return pd.DataFrame(out, columns=["kode", "nama", "confidence"], index=names.index).astype(
        {"kode": "string", "nama": "string", "confidence": "float64"}
    )


# --------------------------------------------------------------------------------------------
# Points
# --------------------------------------------------------------------------------------------
def assign_kelurahan(
    lon: np.ndarray | pd.Series,
    lat: np.ndarray | pd.Series,
    *,
    kel: gpd.GeoDataFrame | None = None,
    tolerance_m: float = KELURAHAN_ASSIGN_TOLERANCE_M,
) -> pd.DataFrame:
    """Give every point exactly one kelurahan, or none with the reason.

    Parameters
    ----------
    lon, lat
        Coordinates in degrees (EPSG:4326).
    kel
        Kelurahan layer; the shipped one by default.
    tolerance_m
        A point outside every polygon but within this distance (metres, EPSG:32749) of one is
        given the nearest: this closes the slivers between the simplified upstream polygons.

    Returns
    -------
    pandas.DataFrame
        One row per point, in input order: ``kode_kelurahan`` (missing if none),
        ``metode`` (``"di_dalam"`` inside one polygon; ``"tumpang_tindih"`` inside several,
        where the one whose boundary is farthest from the point wins; ``"terdekat"`` nearest
        within tolerance; ``"di_luar"`` outside; ``"tanpa_koordinat"`` missing coordinates),
        ``jarak_m`` (metres to the assigned kelurahan, 0 inside; for points outside, to the
        city outline simplified by 5 m) and ``alasan`` (why no kelurahan was given).

    Notes
    -----
    Vectorised: containment is tested per polygon on the points inside its bounding box with
    ``shapely.contains_xy`` (exact in EPSG:4326, where the polygon edges are straight), and only
    the few points in slivers, on overlaps or outside are projected to EPSG:32749 for distances.
    """
    kel = kelurahan() if kel is None else kel
    x = np.asarray(lon, dtype="float64")
    y = np.asarray(lat, dtype="float64")
    n = len(x)
    codes = kel["kode"].astype(str).to_numpy()
    geoms = kel.geometry.to_numpy()
    kode_idx = np.full(n, -1)
    metode = np.full(n, "di_luar", dtype=object)
    jarak = np.full(n, np.nan)
    alasan = np.full(n, None, dtype=object)

    valid = np.isfinite(x) & np.isfinite(y)
    metode[~valid] = "tanpa_koordinat"
    alasan[~valid] = "koordinat kosong atau tidak valid"

    # 1. Containment, polygon by polygon, on the points inside its bounding box.
    hits = np.zeros(n, dtype=np.int16)
    hit_pairs: list[tuple[np.ndarray, int]] = []
    bounds = shapely.bounds(geoms)
    for i, geom in enumerate(geoms):
        minx, miny, maxx, maxy = bounds[i]
        cand = np.flatnonzero(valid & (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
        shapely.prepare(geom)
        inside = cand[shapely.contains_xy(geom, x[cand], y[cand])]
        hits[inside] += 1
        kode_idx[inside] = i
        hit_pairs.append((inside, i))
    single = hits == 1
    metode[single] = "di_dalam"
    jarak[single] = 0.0

    transformer = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)

    def metric_points(idx: np.ndarray) -> np.ndarray:
        mx, my = transformer.transform(x[idx], y[idx])
        return shapely.points(mx, my)

    metric = kel.to_crs(CRS_METRIC).geometry.to_numpy()

    # 2. Overlaps: the polygon whose boundary is farthest from the point wins.
    multi = np.flatnonzero(hits > 1)
    if len(multi):
        members = {int(j): [] for j in multi}
        for inside, i in hit_pairs:
            for j in inside[hits[inside] > 1]:
                members[int(j)].append(i)
        for j, p in zip(multi, metric_points(multi), strict=True):
            polys = np.array(members[int(j)])
            depth = shapely.distance(shapely.boundary(metric[polys]), p)
            kode_idx[j] = polys[np.argmax(depth)]
        metode[multi] = "tumpang_tindih"
        jarak[multi] = 0.0

    # 3. In no polygon: nearest kelurahan within tolerance, else outside with the distance.
    none = np.flatnonzero(valid & (hits == 0))
    if len(none):
        pts = metric_points(none)
        outline = shapely.union_all(metric)
        # Only points within the tolerance band of the city need a nearest-kelurahan search.
        band = shapely.buffer(outline, tolerance_m * 1.001)
        shapely.prepare(band)
        close = np.flatnonzero(shapely.contains(band, pts))
        (pt_i, poly_i), dist = shapely.STRtree(metric).query_nearest(
            pts[close], max_distance=tolerance_m, return_distance=True, all_matches=False
        )
        found = close[pt_i]
        kode_idx[none[found]] = poly_i
        metode[none[found]] = "terdekat"
        jarak[none[found]] = dist
        far = np.setdiff1d(np.arange(len(none)), found)
        if len(far):
            d = _distance_to_outline(outline, pts[far])
            jarak[none[far]] = d
            alasan[none[far]] = [
                f"di luar Kota Malang: {_format_distance(v)} dari batas kota" for v in d
            ]
    kode = np.where(kode_idx >= 0, codes[np.maximum(kode_idx, 0)], None)
    return pd.DataFrame(
        {
            "kode_kelurahan": pd.array(kode, dtype="string"),
            "metode": metode,
            "jarak_m": jarak,
            "alasan": pd.array(alasan, dtype="string"),
        }
    )


def _distance_to_outline(outline: shapely.Geometry, pts: np.ndarray) -> np.ndarray:
    """Distance (metres) from points outside to the city's outer edge, simplified by 5 m.

    The edge is cut into its segments and searched with an STRtree, which is two orders of
    magnitude faster than ``shapely.distance`` against the whole ring for many points.
    """
    rings = [shapely.Polygon(p.exterior) for p in shapely.get_parts(outline)]
    edge = shapely.boundary(shapely.simplify(shapely.union_all(rings), 5.0))
    segments = []
    for line in shapely.get_parts(edge):
        c = shapely.get_coordinates(line)
        segments.append(np.stack([c[:-1], c[1:]], axis=1))
    segs = shapely.linestrings(np.concatenate(segments))
    (pt_i, _), dist = shapely.STRtree(segs).query_nearest(
        pts, return_distance=True, all_matches=False
    )
    out = np.empty(len(pts))
    out[pt_i] = dist
    return out


def _format_distance(metres: float) -> str:
    if metres >= 1000:
        return f"{metres / 1000:.1f} km".replace(".", ",")
    return f"{metres:.0f} m"
