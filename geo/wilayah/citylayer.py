"""The city's own kelurahan layer: read, recognise its columns, validate it completely.

A city office may replace the shipped boundaries (:func:`geo.wilayah.kelurahan`) with its own
layer (GeoJSON, GeoPackage or Shapefile, any CRS). Before anything changes the layer is checked
against the official kelurahan set of Kota Malang (the shipped layer's 57 kode and names):

* every official kode exactly once: none missing, none unknown, none repeated;
* each name consistent with its kode (through :func:`geo.wilayah.resolve_kelurahan`); a
  mismatch is named: ``kode 35.73.05.1002 bernama Dinoyo di berkas, resmi Merjosari``;
* valid, non-empty polygons (an invalid one is repaired with ``shapely.make_valid``, with a
  warning);
* gaps and overlaps between kelurahan measured in m² (EPSG:32749) and reported as warnings.

The kode may come from a Kemendagri column (``35.73.KK.LLLL``, with or without dots), from a
BPS 10-digit column (``3573050002``: recognised, said so, and matched through the names, since
BPS and Kemendagri number kelurahan differently) or from names alone (``nama`` plus an optional
``kecamatan`` column). A name that fits several kelurahan is an error, never a guess.

Everything here is pure (no store): :func:`read_city_layer` reads a file,
:func:`validate_layer` checks an in-memory layer; both return a :class:`CityLayer` whose
``layer`` is the normalised GeoDataFrame (``kode``, ``nama``, ``kode_kecamatan``,
``kecamatan``, ``area_km2``, ``geometry`` in EPSG:4326, sorted by kode) or None when a problem
was found. :func:`to_geojson` and :func:`from_geojson` turn a normalised layer into the text the
store keeps and back. The source label of a layer travels in ``layer.attrs["atribusi"]``
(:func:`attribution`), which the maps show.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.core.i18n import format_number
from geo.core.settings import CRS_METRIC, CRS_STORAGE, KECAMATAN_NAMES, UPSTREAM_ATTRIBUTION
from geo.wilayah.boundaries import (
    BoundaryError,
    kelurahan,
    normalise_name,
    resolve_kecamatan,
    resolve_kelurahan,
)

__all__ = [
    "ATTRIBUTION_KEY",
    "BPS_COLUMNS",
    "KECAMATAN_COLUMNS",
    "KEMENDAGRI_COLUMNS",
    "LAYER_COLUMNS",
    "NAMA_COLUMNS",
    "CityLayer",
    "CityLayerError",
    "ColumnChoice",
    "LayerOptions",
    "attribution",
    "check_geometry",
    "check_kode_set",
    "check_names",
    "derive_kode",
    "detect_columns",
    "from_geojson",
    "gaps_and_overlaps",
    "kode_kind",
    "normalise_kode",
    "read_city_layer",
    "to_geojson",
    "validate_layer",
]

#: Column names (lower case) of a Kemendagri kode, in order of preference.
KEMENDAGRI_COLUMNS: tuple[str, ...] = ("kdpumdes", "kode", "kode_kelurahan", "kode_kel", "kd_kel")
#: Column names (lower case) of a BPS 10-digit kode.
BPS_COLUMNS: tuple[str, ...] = ("kdebps", "kode_bps", "kd_bps")
#: Column names (lower case) of the kelurahan name.
NAMA_COLUMNS: tuple[str, ...] = ("wadmkd", "nama", "nama_kelurahan", "kelurahan", "namobj")
#: Column names (lower case) of the kecamatan name.
KECAMATAN_COLUMNS: tuple[str, ...] = ("wadmkc", "kecamatan", "nama_kecamatan")
#: Columns of a normalised layer (besides ``geometry``).
LAYER_COLUMNS: tuple[str, ...] = ("kode", "nama", "kode_kecamatan", "kecamatan", "area_km2")
#: Key of ``GeoDataFrame.attrs`` holding the layer's source label for the maps.
ATTRIBUTION_KEY = "atribusi"

_KEMENDAGRI_DOTS = re.compile(r"35\.73\.\d{2}\.\d{4}")
_KEMENDAGRI_PLAIN = re.compile(r"3573\d{2}[12]\d{3}")
_BPS = re.compile(r"3573\d{3}\d{3}")


class CityLayerError(BoundaryError):
    """The layer cannot be read at all (missing file, no CRS, no usable column)."""


@dataclass(frozen=True)
class LayerOptions:
    """What the user said about a layer file; None lets :func:`detect_columns` choose.

    Attributes
    ----------
    kode_column
        Column with the kode (Kemendagri or BPS, recognised from the values).
    nama_column
        Column with the kelurahan name. Given without ``kode_column``: names alone decide.
    kecamatan_column
        Column with the kecamatan name (narrows the name matching).
    layer
        Layer name inside a GeoPackage.
    """

    kode_column: str | None = None
    nama_column: str | None = None
    kecamatan_column: str | None = None
    layer: str | None = None


@dataclass(frozen=True)
class ColumnChoice:
    """The columns a layer is read with, and how its kode are read.

    Attributes
    ----------
    kode_column
        The kode column, or None (names alone).
    kode_kind
        ``"kemendagri"``, ``"bps"`` or None (no kode column).
    nama_column, kecamatan_column
        The name columns, or None.
    detected
        True when chosen by :func:`detect_columns`, False when given by the user.
    """

    kode_column: str | None
    kode_kind: str | None
    nama_column: str | None
    kecamatan_column: str | None
    detected: bool = True

    def describe(self) -> str:
        """Say in one line which columns are used and how (Bahasa Indonesia)."""
        how = "terdeteksi" if self.detected else "dipilih"
        parts = []
        if self.kode_column is None:
            parts.append("kode: dari nama saja")
        elif self.kode_kind == "bps":
            parts.append(f"kode: {self.kode_column} (kode BPS, dicocokkan lewat nama)")
        else:
            parts.append(f"kode: {self.kode_column} (kode Kemendagri)")
        parts.append(f"nama: {self.nama_column or '-'}")
        parts.append(f"kecamatan: {self.kecamatan_column or '-'}")
        return f"kolom {how}: " + "; ".join(parts)


@dataclass(frozen=True)
class CityLayer:
    """The result of validating a layer.

    Attributes
    ----------
    layer
        The normalised layer (``kode``, ``nama`` (official), ``kode_kecamatan``,
        ``kecamatan``, ``area_km2`` (km², EPSG:32749), ``geometry`` EPSG:4326, sorted by kode),
        or None when ``problems`` is not empty.
    columns
        The columns used.
    problems
        Every reason the layer cannot be used, as readable messages.
    warnings
        What was repaired or measured but does not block (make_valid, gaps, overlaps, typos).
    gap_m2, overlap_m2
        Area (m², EPSG:32749) of the holes inside the city not covered by any kelurahan, and
        of the area covered by more than one kelurahan (counted once per extra cover).
    """

    layer: gpd.GeoDataFrame | None
    columns: ColumnChoice
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    gap_m2: float = 0.0
    overlap_m2: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the layer can be used (no problems)."""
        return not self.problems and self.layer is not None


# --- Reading -----------------------------------------------------------------------------------


def read_city_layer(
    path: str | Path,
    *,
    options: LayerOptions | None = None,
    official: gpd.GeoDataFrame | None = None,
) -> CityLayer:
    """Read and validate a kelurahan layer file (GeoJSON, GeoPackage, Shapefile; any CRS).

    Parameters
    ----------
    path
        The file (for a Shapefile, the ``.shp``; a ``.zip`` holding one is read too).
    options
        Column and layer choices; None detects them.
    official
        The official kelurahan set (kode, nama, kode_kecamatan, kecamatan); the shipped
        layer by default.

    Returns
    -------
    CityLayer
        See :func:`validate_layer`.

    Raises
    ------
    CityLayerError
        The file is missing or unreadable, has no CRS, or no usable column.
    """
    o = options or LayerOptions()
    path = Path(path)
    if not path.exists():
        raise CityLayerError(f"berkas batas wilayah tidak ditemukan: {path}")
    try:
        raw = gpd.read_file(path, layer=o.layer) if o.layer else gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise CityLayerError(f"{path.name}: tidak dapat dibaca ({exc})") from exc
    return validate_layer(raw, options=o, official=official)


# --- Columns -----------------------------------------------------------------------------------


def kode_kind(values: pd.Series) -> str | None:
    """Recognise a kode column from its values: ``"kemendagri"``, ``"bps"`` or None.

    Kemendagri kode are ``35.73.KK.LLLL`` or the same 10 digits without dots, whose 7th digit
    (first of LLLL) is 1 (kelurahan) or 2 (desa); BPS kode are 10 digits ``3573 KKK DDD`` with
    a 3-digit kecamatan, so the 7th digit is 0. The kind of at least half of the non-empty
    values wins (the others are then reported feature by feature); None when neither kind
    reaches half, or when both kinds occur (ambiguous).
    """
    text = values.dropna().astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return None
    kemendagri = (
        text.str.fullmatch(_KEMENDAGRI_DOTS.pattern) | text.str.fullmatch(_KEMENDAGRI_PLAIN.pattern)
    ).to_numpy(dtype=bool)
    bps = (text.str.fullmatch(_BPS.pattern).to_numpy(dtype=bool)) & ~kemendagri
    if kemendagri.any() and bps.any():
        return None  # both kinds in one column: ambiguous, never a guess
    if kemendagri.mean() >= 0.5:
        return "kemendagri"
    if bps.mean() >= 0.5:
        return "bps"
    return None


def _find(columns: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((columns[n] for n in names if n in columns), None)


def _column(raw: pd.DataFrame, name: str | None) -> str | None:
    """Return the actual column for ``name`` (case-insensitive), or raise when absent."""
    if name is None:
        return None
    lower = {str(c).lower(): str(c) for c in raw.columns if c != "geometry"}
    if name.lower() not in lower:
        raise CityLayerError(f"kolom {name!r} tidak ada; kolom berkas: {', '.join(lower.values())}")
    return lower[name.lower()]


def detect_columns(raw: pd.DataFrame, *, options: LayerOptions | None = None) -> ColumnChoice:
    """Choose the kode, nama and kecamatan columns of a layer (case-insensitive).

    Given columns win; without any, the usual ones are detected: Kemendagri kode
    (:data:`KEMENDAGRI_COLUMNS`, e.g. ``KDPUMDES``), else BPS kode (:data:`BPS_COLUMNS`,
    ``KDEBPS``), names (:data:`NAMA_COLUMNS`, ``WADMKD``) and kecamatan
    (:data:`KECAMATAN_COLUMNS`, ``WADMKC``). A ``nama_column`` given without ``kode_column``
    means names alone. The kind of a kode column is read from its values (:func:`kode_kind`).

    Raises
    ------
    CityLayerError
        A given column is absent, a kode column holds neither Kemendagri nor BPS kode, or
        there is neither a kode nor a name column; the message lists the file's columns.
    """
    o = options or LayerOptions()
    lower = {str(c).lower(): str(c) for c in raw.columns if c != "geometry"}
    given = o.kode_column is not None or o.nama_column is not None
    kode_col = _column(raw, o.kode_column)
    nama_col = _column(raw, o.nama_column)
    kec_col = _column(raw, o.kecamatan_column)
    if not given:
        kode_col = _find(lower, KEMENDAGRI_COLUMNS) or _find(lower, BPS_COLUMNS)
        nama_col = _find(lower, NAMA_COLUMNS)
    if kec_col is None and o.kecamatan_column is None:
        kec_col = _find(lower, KECAMATAN_COLUMNS)
    kind = None
    if kode_col is not None:
        kind = kode_kind(raw[kode_col])
        if kind is None:
            sample = raw[kode_col].dropna().astype(str).head(1).tolist()
            raise CityLayerError(
                f"kolom {kode_col} tidak berisi kode Kemendagri (35.73.KK.LLLL) maupun kode "
                f"BPS (3573KKKDDD), atau keduanya bercampur (contoh {sample}); pilih kolom lain "
                "dengan --kode-column, atau cocokkan lewat nama dengan --nama-column"
            )
    if kode_col is None and nama_col is None:
        raise CityLayerError(
            "tidak ada kolom kode atau nama kelurahan yang dikenali; kolom berkas: "
            f"{', '.join(lower.values())}. Pilih dengan --kode-column atau --nama-column"
        )
    if kind == "bps" and nama_col is None:
        raise CityLayerError(
            f"kolom {kode_col} berisi kode BPS (mis. 3573050002), bukan kode Kemendagri; kode "
            "BPS dicocokkan lewat nama: pilih kolom nama dengan --nama-column"
        )
    return ColumnChoice(kode_col, kind, nama_col, kec_col, detected=not given)


# --- Kode --------------------------------------------------------------------------------------


def normalise_kode(value: object) -> str | None:
    """Return a Kemendagri kode as ``35.73.KK.LLLL`` (dots added), or None if it is not one."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if _KEMENDAGRI_DOTS.fullmatch(text):
        return text
    if _KEMENDAGRI_PLAIN.fullmatch(text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return None


def _kecamatan_kode(value: object) -> str | None:
    if value is None or pd.isna(value) or not str(value).strip():
        return None
    match = resolve_kecamatan(str(value))
    return match.kode if match else None


def _resolve_name(
    name: object, kec: object, official: gpd.GeoDataFrame
) -> tuple[str | None, str | None, str | None]:
    """Resolve one name: (kode, problem, warning); ambiguity is a problem, never a guess."""
    if name is None or pd.isna(name) or not str(name).strip():
        return None, "nama kosong", None
    kec_kode = _kecamatan_kode(kec)
    pool = official
    if kec_kode is not None:
        pool = official[official["kode_kecamatan"] == kec_kode]
    key = normalise_name(str(name))
    exact = pool[pool["nama"].map(normalise_name) == key]
    if len(exact) > 1:
        where = ", ".join(f"{r.nama} ({r.kecamatan})" for r in exact.itertuples())
        return None, f"nama {name!r} ambigu: {where}; tambahkan kolom kecamatan", None
    if len(exact) == 1:
        return str(exact["kode"].iloc[0]), None, None
    match = resolve_kelurahan(str(name), kecamatan=kec_kode, kel=official)
    if match is None:
        return None, f"nama {name!r} bukan kelurahan Kota Malang", None
    return match.kode, None, f"nama {name!r} dibaca sebagai {match.nama} ({match.kode})"


def derive_kode(
    raw: pd.DataFrame, choice: ColumnChoice, official: gpd.GeoDataFrame
) -> tuple[pd.Series, list[str], list[str]]:
    """Give every feature its Kemendagri kode, from the kode column or through the names.

    Returns
    -------
    tuple
        (kode per feature as ``string``, missing where none; problems; warnings). Features are
        numbered from 1 (``fitur 1`` is the first feature of the file).
    """
    problems: list[str] = []
    warnings: list[str] = []
    kode = pd.Series(pd.NA, index=raw.index, dtype="string")
    if choice.kode_kind == "kemendagri":
        for pos, value in enumerate(raw[choice.kode_column]):
            k = normalise_kode(value)
            if k is None:
                problems.append(f"fitur {pos + 1}: kode {value!r} bukan kode Kemendagri")
            kode.iloc[pos] = k
        return kode, problems, warnings
    names = raw[choice.nama_column]
    kecs = raw[choice.kecamatan_column] if choice.kecamatan_column else [None] * len(raw)
    for pos, (name, kec) in enumerate(zip(names, kecs, strict=True)):
        k, problem, warning = _resolve_name(name, kec, official)
        if problem:
            problems.append(f"fitur {pos + 1}: {problem}")
        if warning:
            warnings.append(f"fitur {pos + 1}: {warning}")
        kode.iloc[pos] = k
    return kode, problems, warnings


def check_kode_set(kode: pd.Series, official: gpd.GeoDataFrame) -> list[str]:
    """Check that the layer holds every official kode exactly once.

    Parameters
    ----------
    kode
        Kode per feature (missing where none could be read; those are reported elsewhere).
    official
        The official kelurahan (kode, nama).

    Returns
    -------
    list of str
        Messages for unknown kode (``kode 35.73.05.1099 (fitur 4) bukan kelurahan Kota
        Malang``), repeated kode (``kode ... muncul 2 kali (fitur 3, 9)``) and missing
        kelurahan (``kelurahan Merjosari (35.73.05.1002) tidak ada di berkas``).
    """
    names = dict(zip(official["kode"].astype(str), official["nama"].astype(str), strict=True))
    problems: list[str] = []
    present = kode.dropna().astype(str)
    positions: dict[str, list[int]] = {}
    for pos, value in enumerate(kode):
        if not pd.isna(value):
            positions.setdefault(str(value), []).append(pos + 1)
    for k in sorted(positions):
        where = ", ".join(str(p) for p in positions[k])
        if k not in names:
            problems.append(f"kode {k} (fitur {where}) bukan kelurahan Kota Malang")
        elif len(positions[k]) > 1:
            problems.append(
                f"kode {k} ({names[k]}) muncul {len(positions[k])} kali (fitur {where})"
            )
    for k in sorted(set(names) - set(present)):
        problems.append(f"kelurahan {names[k]} ({k}) tidak ada di berkas")
    return problems


def check_names(
    kode: pd.Series, names: pd.Series, kecs: pd.Series | None, official: gpd.GeoDataFrame
) -> list[str]:
    """Check each file name against the official name of its kode (through the resolver).

    Returns
    -------
    list of str
        One message per mismatch, e.g. ``kode 35.73.05.1002 bernama Dinoyo di berkas, resmi
        Merjosari``. Kode outside the official set and empty names are skipped.
    """
    official_names = dict(
        zip(official["kode"].astype(str), official["nama"].astype(str), strict=True)
    )
    problems = []
    kec_values = list(kecs) if kecs is not None else [None] * len(names)
    for k, name, kec in zip(kode, names, kec_values, strict=True):
        if pd.isna(k) or str(k) not in official_names or name is None or pd.isna(name):
            continue
        if not str(name).strip():
            continue
        resolved, _, _ = _resolve_name(name, kec, official)
        if resolved != str(k):
            problems.append(
                f"kode {k} bernama {str(name).strip()} di berkas, resmi {official_names[str(k)]}"
            )
    return problems


# --- Geometry ----------------------------------------------------------------------------------


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygons of a geometry (make_valid may add lines or points)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def check_geometry(
    geoms: gpd.GeoSeries, labels: list[str]
) -> tuple[gpd.GeoSeries, list[str], list[str]]:
    """Check that every feature is a valid, non-empty polygon; repair invalid ones.

    Parameters
    ----------
    geoms
        The features' geometries (EPSG:4326).
    labels
        One label per feature for messages (``fitur 3 (35.73.01.1003)``).

    Returns
    -------
    tuple
        (geometries, invalid ones replaced by the polygons of ``shapely.make_valid``;
        problems: empty or non-polygon features; warnings: each repair, with the area it
        changed in m² (EPSG:32749)).
    """
    problems: list[str] = []
    warnings: list[str] = []
    out = list(geoms)
    for pos, geom in enumerate(out):
        if geom is None or geom.is_empty:
            problems.append(f"{labels[pos]}: geometri kosong")
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(f"{labels[pos]}: geometri {geom.geom_type}, bukan poligon")
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            fixed = _polygonal(shapely.make_valid(geom))
            if fixed.is_empty:
                problems.append(f"{labels[pos]}: poligon tidak valid ({reason})")
                continue
            before, after = gpd.GeoSeries([geom, fixed], crs=CRS_STORAGE).to_crs(CRS_METRIC).area
            warnings.append(
                f"{labels[pos]}: poligon tidak valid ({reason}), diperbaiki dengan make_valid "
                f"(luas {format_number(before)} -> {format_number(after)} m²)"
            )
            out[pos] = fixed
    return gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs), problems, warnings


def gaps_and_overlaps(geoms: gpd.GeoSeries) -> tuple[float, float]:
    """Measure gaps and overlaps between kelurahan polygons, in m² (EPSG:32749).

    Parameters
    ----------
    geoms
        Valid polygons in any CRS.

    Returns
    -------
    tuple of float
        (gap: area of the holes in the union that lie inside the city's outer edge;
        overlap: sum of the pairwise intersection areas).
    """
    metric = geoms.to_crs(CRS_METRIC).to_numpy()
    if len(metric) == 0:
        return 0.0, 0.0
    union = shapely.union_all(metric)
    filled = shapely.union_all([shapely.Polygon(p.exterior) for p in shapely.get_parts(union)])
    gap = float(filled.area - union.area)
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    keep = left < right
    overlap = float(
        shapely.area(shapely.intersection(metric[left[keep]], metric[right[keep]])).sum()
    )
    return max(gap, 0.0), overlap


def _area_text(m2: float) -> str:
    """Write an area the Indonesian way: ``0,125 km²`` from 100,000 m², else ``72.349 m²``."""
    if m2 >= 100_000:
        return f"{format_number(m2 / 1e6, decimals=3)} km²"
    return f"{format_number(m2)} m²"


# --- Validation --------------------------------------------------------------------------------


def _to_storage(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if raw.crs is None:
        raise CityLayerError(
            "lapisan tidak punya CRS (sistem koordinat); simpan ulang dengan CRS, mis. EPSG:4326"
        )
    return raw.to_crs(CRS_STORAGE).reset_index(drop=True)


def validate_layer(
    raw: gpd.GeoDataFrame,
    *,
    options: LayerOptions | None = None,
    official: gpd.GeoDataFrame | None = None,
) -> CityLayer:
    """Validate an in-memory kelurahan layer completely and normalise it.

    Stages: :func:`detect_columns`, :func:`derive_kode`, :func:`check_kode_set`,
    :func:`check_names` (for a kode column with names), :func:`check_geometry`, then
    :func:`gaps_and_overlaps` (reported as warnings).

    Parameters
    ----------
    raw
        The layer as read (any CRS; reprojected to EPSG:4326).
    options
        Column choices; None detects them.
    official
        The official kelurahan set; the shipped layer by default.

    Returns
    -------
    CityLayer
        With ``layer`` set only when no problem was found.

    Raises
    ------
    CityLayerError
        No CRS, or no usable column (see :func:`detect_columns`).
    """
    official = kelurahan() if official is None else official
    gdf = _to_storage(raw)
    choice = detect_columns(gdf, options=options)
    kode, problems, warnings = derive_kode(gdf, choice, official)
    problems += check_kode_set(kode, official)
    if choice.kode_kind == "kemendagri" and choice.nama_column is not None:
        kecs = gdf[choice.kecamatan_column] if choice.kecamatan_column else None
        problems += check_names(kode, gdf[choice.nama_column], kecs, official)
    labels = [f"fitur {p + 1}" + ("" if pd.isna(k) else f" ({k})") for p, k in enumerate(kode)]
    geoms, geo_problems, geo_warnings = check_geometry(gdf.geometry, labels)
    problems += geo_problems
    warnings += geo_warnings
    if problems:
        return CityLayer(None, choice, tuple(problems), tuple(warnings))
    gap, overlap = gaps_and_overlaps(geoms)
    if gap > 0.5:
        warnings.append(f"celah antar kelurahan: {_area_text(gap)} tidak tercakup")
    if overlap > 0.5:
        warnings.append(f"tumpang tindih antar kelurahan: {_area_text(overlap)}")
    layer = _normalised(kode, geoms, official)
    return CityLayer(layer, choice, (), tuple(warnings), gap, overlap)


def _normalised(
    kode: pd.Series, geoms: gpd.GeoSeries, official: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    ref = official.set_index(official["kode"].astype(str))
    codes = kode.astype(str).to_numpy()
    frame = pd.DataFrame(
        {
            "kode": pd.array(codes, dtype="string"),
            "nama": pd.array(ref.loc[codes, "nama"].astype(str).to_numpy(), dtype="string"),
            "kode_kecamatan": pd.array([c[:8] for c in codes], dtype="string"),
        }
    )
    frame["kecamatan"] = frame["kode_kecamatan"].map(KECAMATAN_NAMES).astype("string")
    layer = gpd.GeoDataFrame(frame, geometry=geoms.to_numpy(), crs=CRS_STORAGE)
    layer["area_km2"] = layer.to_crs(CRS_METRIC).area / 1e6
    layer = layer[[*LAYER_COLUMNS, "geometry"]].sort_values("kode").reset_index(drop=True)
    return layer


# --- Storage form ------------------------------------------------------------------------------


def to_geojson(layer: gpd.GeoDataFrame) -> str:
    """Serialise a normalised layer as GeoJSON text (EPSG:4326, kode/nama/kecamatan)."""
    features = []
    for row in layer.to_crs(CRS_STORAGE).itertuples(index=False):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kode": str(row.kode),
                    "nama": str(row.nama),
                    "kode_kecamatan": str(row.kode_kecamatan),
                    "kecamatan": str(row.kecamatan),
                },
                "geometry": shapely.geometry.mapping(row.geometry),
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"), default=list)


def from_geojson(text: str, *, source_label: str | None = None) -> gpd.GeoDataFrame:
    """Read the text of :func:`to_geojson` back into a normalised layer.

    Parameters
    ----------
    text
        GeoJSON FeatureCollection (EPSG:4326) with kode, nama, kode_kecamatan, kecamatan.
    source_label
        Attribution for the maps, kept in ``attrs["atribusi"]``; None for the upstream one.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`LAYER_COLUMNS` and geometry (EPSG:4326), sorted by kode.
    """
    data = json.loads(text)
    layer = gpd.GeoDataFrame.from_features(data["features"], crs=CRS_STORAGE)
    for column in ("kode", "nama", "kode_kecamatan", "kecamatan"):
        layer[column] = layer[column].astype("string")
    layer["area_km2"] = layer.to_crs(CRS_METRIC).area / 1e6
    layer = layer[[*LAYER_COLUMNS, "geometry"]].sort_values("kode").reset_index(drop=True)
    layer.attrs[ATTRIBUTION_KEY] = source_label or UPSTREAM_ATTRIBUTION
    return layer


def attribution(layer: pd.DataFrame | None) -> str:
    """Return the source label the maps show for a layer (the upstream one by default)."""
    if layer is None:
        return UPSTREAM_ATTRIBUTION
    return str(layer.attrs.get(ATTRIBUTION_KEY) or UPSTREAM_ATTRIBUTION)
