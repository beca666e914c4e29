"""Sahabat UMKM coverage per kelurahan: counts, flags with reasons, and a visit priority.

For every kelurahan this module counts the active UMKM of a register (any subset of it: a
sector or size filter applied upstream simply passes fewer rows), the active Sahabat UMKM who
serve that kelurahan, and the latest officer visit, then

* **flags** kelurahan with too few Sahabat UMKM for their businesses (:class:`CoverageRule`),
  with the reasons in plain Bahasa Indonesia (:data:`REASON_TEMPLATES`), and
* scores a **priority** (0-100) for routing officer visits, and ranks it (1 = visit first).

Everything here is a pure function of its inputs: no Streamlit, no database, no clock (the
reference date is the ``as_of`` argument). Results are in EPSG:4326; the only metric work
(areas, when the layer lacks ``area_km2``) is done in EPSG:32749.

Priority formula
----------------
With ``U`` active UMKM, ``S`` counted Sahabat, threshold ``T`` (UMKM per Sahabat), minimum
``M`` Sahabat, ``d`` days since the latest visit and ``m`` the mikro share, four components in
[0, 1] are combined::

    gap     = 1 - S / max(M, U / T)    if flagged, else 0     (S = 0 gives 1, the maximum)
    size    = min(1, ln(1 + U) / ln(1 + umkm_full_scale))
    visit   = min(1, d / stale_after_days)                     (never visited gives 1)
    mikro   = m
    prioritas = 100 * (w_gap*gap + w_umkm*size + w_visit*visit + w_mikro*mikro) / sum(w)

rounded to 2 decimals, and 0 for a kelurahan without active UMKM (nobody to visit). ``gap`` is
the share of the Sahabat UMKM the kelurahan needs that it lacks: 640 UMKM with one Sahabat
need 640 / 300 = 2.13 Sahabat, so 53 % are missing. Each component is non-decreasing in its
input, so the score is monotone in the coverage gap, the number of UMKM, the mikro share and
the time since the last visit.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from geo.core.i18n import format_number
from geo.core.register import WEIGHT_COLUMN
from geo.core.settings import CRS_METRIC, CRS_STORAGE
from geo.wilayah.boundaries import assign_kelurahan

__all__ = [
    "COUNTED_TINGKAT",
    "COVERAGE_COLUMNS",
    "DEFAULT_RULE",
    "REASON_SEPARATOR",
    "REASON_TEMPLATES",
    "CoverageRule",
    "coverage",
    "coverage_gap",
    "describe_reason",
    "describe_reasons",
    "flagged_kelurahan",
    "kelurahan_profile",
    "priority",
    "reason_codes",
    "tally",
    "umkm_weights",
]

#: Sahabat UMKM levels counted for a kelurahan. City-level (``"kota"``) facilitators serve the
#: whole city, so they are not counted for the kelurahan they happen to be attached to.
COUNTED_TINGKAT: tuple[str, ...] = ("kelurahan", "rw")

#: Joins several reasons of one kelurahan in the ``alasan`` column.
REASON_SEPARATOR = "; "

#: Why a kelurahan is flagged: reason code -> Bahasa Indonesia template. The codes are stable
#: so that an i18n layer can translate them later with the same placeholders: ``sahabat``
#: (counted Sahabat UMKM), ``umkm`` (active UMKM), ``batas`` (the UMKM-per-Sahabat threshold)
#: and ``minimal`` (the minimum number of Sahabat), all already formatted as Indonesian numbers.
REASON_TEMPLATES: dict[str, str] = {
    "tanpa_sahabat": "tidak ada Sahabat UMKM",
    "kurang_dari_minimal": "hanya {sahabat} Sahabat UMKM — minimal {minimal}",
    "di_atas_batas": "{sahabat} Sahabat untuk {umkm} UMKM — di atas batas {batas}",
}

#: Columns of :func:`coverage`'s result, in order.
COVERAGE_COLUMNS: tuple[str, ...] = (
    "kode",
    "nama",
    "kode_kecamatan",
    "kecamatan",
    "area_km2",
    "umkm_aktif",
    "umkm_per_km2",
    "sahabat_aktif",
    "umkm_per_sahabat",
    "pangsa_mikro",
    "kunjungan_terakhir",
    "hari_sejak_kunjungan",
    "flagged",
    "alasan",
    "prioritas",
    "peringkat",
    "geometry",
)

_LAYER_COLUMNS = ("kode", "nama", "kode_kecamatan", "kecamatan")
_REGISTER_COLUMNS = ("kode_kelurahan", "status", "skala")
_SAHABAT_COLUMNS = ("kode_kelurahan", "tingkat", "aktif")
_VISIT_COLUMNS = ("kode_kelurahan", "tanggal")


@dataclass(frozen=True)
class CoverageRule:
    """When a kelurahan has too few Sahabat UMKM, and how visit priority is weighed.

    Attributes
    ----------
    max_umkm_per_sahabat
        Threshold, in active UMKM per counted Sahabat UMKM. A kelurahan is flagged when its
        ratio is strictly above it. Default 300: at launch (June 2024) the city had 170
        Sahabat UMKM for 21,270 curated UMKM, about 125 per Sahabat; the 30,000 target with
        the same 170 would be about 176. 300 is well over twice the city-wide average: a
        facilitator who can see about 15 businesses a week would need 20 weeks to see each
        of 300 once, which is clearly stretched.
    min_sahabat
        Minimum number of counted Sahabat UMKM a kelurahan with active UMKM should have.
        Default 1. A kelurahan with UMKM but no Sahabat is always flagged (its ratio is
        infinite), even with ``min_sahabat=0``.
    stale_after_days
        Days after which a kelurahan's latest visit counts as fully overdue in the priority.
        Default 90 (one quarter): at the launch average of 125 UMKM per Sahabat and about 15
        visits a week, one round of a kelurahan's businesses takes about 8 weeks (58 days),
        so 90 days without any visit means more than a full round has been missed.
    umkm_full_scale
        Active UMKM at which the (log-scaled) size component reaches its maximum. Default
        2,000: the 30,000 target spread over the 57 kelurahan is about 526 each, and BPS 2023
        counted 9,448 UMKM in Lowokwaru's 12 kelurahan, about 790 each; 2,000 is roughly
        four times the target average, so only the busiest kelurahan saturate. On the log
        scale 10 UMKM give 0.32, 100 give 0.61 and 526 give 0.82.
    weight_gap
        Weight of the coverage gap. Default 0.40: the gap is what the product exists to close.
    weight_umkm
        Weight of the number of active UMKM (log-scaled). Default 0.30: how many businesses
        stand to benefit from a visit.
    weight_visit
        Weight of the time since the latest visit. Default 0.20: a recent visit means someone
        is already on it.
    weight_mikro
        Weight of the mikro share. Default 0.10: mikro businesses are the main target of
        "naik kelas", but most UMKM everywhere are mikro, so the share varies little between
        kelurahan and a small weight keeps it from dominating.

    Notes
    -----
    Weights need not sum to 1; the score divides by their sum. All must be non-negative and
    at least one positive.
    """

    max_umkm_per_sahabat: float = 300
    min_sahabat: int = 1
    stale_after_days: int = 90
    umkm_full_scale: int = 2_000
    weight_gap: float = 0.40
    weight_umkm: float = 0.30
    weight_visit: float = 0.20
    weight_mikro: float = 0.10

    def __post_init__(self) -> None:
        if not self.max_umkm_per_sahabat > 0:
            raise ValueError("max_umkm_per_sahabat must be positive")
        if self.min_sahabat < 0:
            raise ValueError("min_sahabat must not be negative")
        if not self.stale_after_days > 0:
            raise ValueError("stale_after_days must be positive")
        if not self.umkm_full_scale > 0:
            raise ValueError("umkm_full_scale must be positive")
        weights = self.weights
        if any(w < 0 or math.isnan(w) for w in weights) or sum(weights) <= 0:
            raise ValueError("priority weights must be non-negative and not all zero")

    @property
    def weights(self) -> tuple[float, float, float, float]:
        """Return the priority weights ``(gap, umkm, visit, mikro)``."""
        return (self.weight_gap, self.weight_umkm, self.weight_visit, self.weight_mikro)


#: The default rule (threshold 300 UMKM per Sahabat, at least one Sahabat).
DEFAULT_RULE = CoverageRule()


# --------------------------------------------------------------------------------------------
# Flags, gap and priority (vectorised, usable on their own)
# --------------------------------------------------------------------------------------------
def _is_flagged(
    umkm: NDArray[np.float64], sahabat: NDArray[np.float64], rule: CoverageRule
) -> NDArray[np.bool_]:
    """Flag kelurahan with UMKM and too few Sahabat or too many UMKM per Sahabat."""
    return (umkm > 0) & (
        (sahabat <= 0) | (sahabat < rule.min_sahabat) | (umkm > sahabat * rule.max_umkm_per_sahabat)
    )


def coverage_gap(
    umkm_aktif: ArrayLike, sahabat_aktif: ArrayLike, *, rule: CoverageRule = DEFAULT_RULE
) -> NDArray[np.float64]:
    """Return the share of the Sahabat UMKM a kelurahan needs that it lacks (0-1).

    Parameters
    ----------
    umkm_aktif
        Active UMKM per kelurahan (count).
    sahabat_aktif
        Counted Sahabat UMKM per kelurahan (count).
    rule
        Threshold and minimum.

    Returns
    -------
    numpy.ndarray
        ``1 - S / max(min_sahabat, U / max_umkm_per_sahabat)`` where the kelurahan is flagged,
        0 elsewhere (including every kelurahan without active UMKM); 1 (the maximum) when it
        has UMKM but no Sahabat. Non-decreasing in ``U`` and non-increasing in ``S``; positive
        exactly where the kelurahan is flagged.

    Examples
    --------
    >>> coverage_gap([640, 640, 200, 0], [1, 0, 1, 0]).round(3).tolist()
    [0.531, 1.0, 0.0, 0.0]

    """
    u = np.asarray(umkm_aktif, dtype="float64")
    s = np.asarray(sahabat_aktif, dtype="float64")
    needed = np.maximum(float(rule.min_sahabat), u / rule.max_umkm_per_sahabat)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.clip(1.0 - s / needed, 0.0, 1.0)
    return np.where(_is_flagged(u, s, rule), gap, 0.0)


def priority(
    *,
    gap: ArrayLike,
    umkm_aktif: ArrayLike,
    pangsa_mikro: ArrayLike,
    hari_sejak_kunjungan: ArrayLike,
    rule: CoverageRule = DEFAULT_RULE,
) -> NDArray[np.float64]:
    """Score the visit priority (0-100), monotone in each input.

    Parameters
    ----------
    gap
        Coverage gap (0-1) from :func:`coverage_gap`.
    umkm_aktif
        Active UMKM (count); log-scaled, saturating at ``rule.umkm_full_scale``.
    pangsa_mikro
        Share of active UMKM that are mikro (0-1); NaN counts as 0.
    hari_sejak_kunjungan
        Days since the latest visit; NaN means never visited (the maximum). Scaled linearly
        and saturating at ``rule.stale_after_days``; negative values count as 0.
    rule
        Weights and scales.

    Returns
    -------
    numpy.ndarray
        ``100 * (w_gap*gap + w_umkm*size + w_visit*visit + w_mikro*mikro) / sum(w)``, rounded
        to 2 decimals; 0 where ``umkm_aktif`` is 0 (see the module docstring).

    Examples
    --------
    640 UMKM with one Sahabat, 80 % mikro, never visited:

    >>> float(priority(gap=0.53125, umkm_aktif=640, pangsa_mikro=0.8,
    ...                hari_sejak_kunjungan=float("nan"))[0])
    74.76

    """
    g = np.clip(np.atleast_1d(np.asarray(gap, dtype="float64")), 0.0, 1.0)
    u = np.atleast_1d(np.asarray(umkm_aktif, dtype="float64"))
    m = np.clip(np.nan_to_num(np.asarray(pangsa_mikro, dtype="float64"), nan=0.0), 0.0, 1.0)
    d = np.asarray(hari_sejak_kunjungan, dtype="float64")
    size = np.clip(np.log1p(np.maximum(u, 0.0)) / math.log1p(rule.umkm_full_scale), 0.0, 1.0)
    visit = np.where(np.isnan(d), 1.0, np.clip(d / rule.stale_after_days, 0.0, 1.0))
    w_gap, w_umkm, w_visit, w_mikro = rule.weights
    score = (w_gap * g + w_umkm * size + w_visit * visit + w_mikro * m) / sum(rule.weights)
    return np.where(u > 0, np.round(100.0 * score, 2), 0.0)


# --------------------------------------------------------------------------------------------
# Reasons (the one place for the messages)
# --------------------------------------------------------------------------------------------
def _number(value: float) -> str:
    """Format an Indonesian number: ``1.250``; one decimal (``250,5``) only if not whole."""
    return format_number(value, "id", decimals=0 if float(value).is_integer() else 1)


def reason_codes(
    umkm_aktif: int, sahabat_aktif: int, *, rule: CoverageRule = DEFAULT_RULE
) -> list[str]:
    """List the codes (keys of :data:`REASON_TEMPLATES`) of why one kelurahan is flagged.

    Parameters
    ----------
    umkm_aktif
        Active UMKM in the kelurahan (count).
    sahabat_aktif
        Counted Sahabat UMKM in the kelurahan (count).
    rule
        Threshold and minimum.

    Returns
    -------
    list of str
        Empty when not flagged (always for zero UMKM); ``["tanpa_sahabat"]`` when there is no
        Sahabat; otherwise ``"kurang_dari_minimal"`` and/or ``"di_atas_batas"``.

    """
    if umkm_aktif <= 0:
        return []
    if sahabat_aktif <= 0:
        return ["tanpa_sahabat"]
    codes = []
    if sahabat_aktif < rule.min_sahabat:
        codes.append("kurang_dari_minimal")
    if umkm_aktif > sahabat_aktif * rule.max_umkm_per_sahabat:
        codes.append("di_atas_batas")
    return codes


def describe_reason(
    code: str, *, umkm_aktif: int, sahabat_aktif: int, rule: CoverageRule = DEFAULT_RULE
) -> str:
    """Render one reason in Bahasa Indonesia.

    Parameters
    ----------
    code
        A key of :data:`REASON_TEMPLATES`.
    umkm_aktif
        Active UMKM (count).
    sahabat_aktif
        Counted Sahabat UMKM (count).
    rule
        Supplies the threshold (``batas``) and the minimum (``minimal``).

    Returns
    -------
    str
        The message, numbers with the Indonesian thousands separator.

    Examples
    --------
    >>> describe_reason("di_atas_batas", umkm_aktif=1250, sahabat_aktif=2)
    '2 Sahabat untuk 1.250 UMKM — di atas batas 300'

    """
    return REASON_TEMPLATES[code].format(
        sahabat=_number(sahabat_aktif),
        umkm=_number(umkm_aktif),
        batas=_number(rule.max_umkm_per_sahabat),
        minimal=_number(rule.min_sahabat),
    )


def describe_reasons(
    umkm_aktif: int, sahabat_aktif: int, *, rule: CoverageRule = DEFAULT_RULE
) -> str:
    """Render all reasons of one kelurahan, joined by :data:`REASON_SEPARATOR` (or ``""``).

    Examples
    --------
    >>> describe_reasons(640, 1)
    '1 Sahabat untuk 640 UMKM — di atas batas 300'
    >>> describe_reasons(640, 0)
    'tidak ada Sahabat UMKM'
    >>> describe_reasons(0, 0)
    ''

    """
    return REASON_SEPARATOR.join(
        describe_reason(c, umkm_aktif=umkm_aktif, sahabat_aktif=sahabat_aktif, rule=rule)
        for c in reason_codes(umkm_aktif, sahabat_aktif, rule=rule)
    )


# --------------------------------------------------------------------------------------------
# The per-kelurahan table
# --------------------------------------------------------------------------------------------
def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s): {', '.join(missing)}")


def _true(values: pd.Series) -> NDArray[np.bool_]:
    """Return a possibly nullable boolean column as bools; missing counts as False."""
    return values.astype("boolean").fillna(False).to_numpy(dtype=bool)


def _kode_of_register(register: pd.DataFrame, layer: gpd.GeoDataFrame) -> pd.Series:
    """Return the register's ``kode_kelurahan``, placing rows without one by coordinates."""
    kode = register["kode_kelurahan"].astype("string").str.strip()
    missing = kode.isna().to_numpy()
    if missing.any() and {"lon", "lat"} <= set(register.columns):
        placed = assign_kelurahan(
            register["lon"].to_numpy(dtype="float64")[missing],
            register["lat"].to_numpy(dtype="float64")[missing],
            kel=layer,
        )
        kode[missing] = placed["kode_kelurahan"].to_numpy()
    return kode


def umkm_weights(register: pd.DataFrame) -> NDArray[np.int64]:
    """Return how many UMKM each row of a register stands for.

    Parameters
    ----------
    register
        A register, or a register *given as counts* (``Store.umkm_counts``) whose
        :data:`geo.core.register.WEIGHT_COLUMN` holds each row's number of UMKM.

    Returns
    -------
    numpy.ndarray
        ``int64``, one per row: the weight column, or 1 for a plain register.
    """
    if WEIGHT_COLUMN in register.columns:
        return register[WEIGHT_COLUMN].to_numpy(dtype="int64")
    return np.ones(len(register), dtype="int64")


def tally(keys: pd.Series, weights: NDArray[np.int64]) -> pd.Series:
    """``keys.value_counts(sort=True)``, each key weighed by its row's number of UMKM.

    Parameters
    ----------
    keys
        One key per row (missing keys are not counted).
    weights
        UMKM per row, as from :func:`umkm_weights` (all 1 for a plain register).

    Returns
    -------
    pandas.Series
        Named ``count``, indexed by key, largest first (ties in order of first appearance).
    """
    if bool((weights == 1).all()):
        return keys.value_counts(sort=True)
    summed = pd.Series(weights, index=keys.index).groupby(keys, sort=False).sum()
    return summed.sort_values(ascending=False, kind="stable").rename("count")


def _count(
    keys: pd.Series,
    mask: NDArray[np.bool_],
    index: pd.Index,
    weights: NDArray[np.int64],
) -> NDArray[np.int64]:
    picked = keys[mask]
    if not picked.notna().any():
        return np.zeros(len(index), dtype="int64")
    summed = pd.Series(weights[mask], index=picked.index).groupby(picked, dropna=True).sum()
    return summed.reindex(index, fill_value=0).to_numpy(dtype="int64")


def coverage(
    kelurahan: gpd.GeoDataFrame,
    register: gpd.GeoDataFrame,
    sahabat: pd.DataFrame,
    visits: pd.DataFrame,
    *,
    as_of: datetime.date,
    rule: CoverageRule = DEFAULT_RULE,
) -> gpd.GeoDataFrame:
    """Compute Sahabat UMKM coverage, flags and visit priority for every kelurahan.

    Parameters
    ----------
    kelurahan
        Kelurahan layer with ``kode``, ``nama``, ``kode_kecamatan``, ``kecamatan`` and
        polygons (any CRS), e.g. :func:`geo.wilayah.kelurahan`; ``area_km2`` (km²) is used if
        present, else computed in EPSG:32749. ``kode`` must be unique.
    register
        UMKM register (columns of :data:`geo.core.register.UMKM_COLUMNS`), any subset, possibly
        empty. Only ``status == "aktif"`` rows count. Rows are placed by ``kode_kelurahan``;
        rows without one are placed by ``lon``/``lat`` (:func:`geo.wilayah.assign_kelurahan`).
        A register given as counts (``Store.umkm_counts``) weighs each row by its
        :data:`geo.core.register.WEIGHT_COLUMN` (see :func:`umkm_weights`).
    sahabat
        Sahabat UMKM roster (:data:`geo.core.register.SAHABAT_COLUMNS`). Counted: ``aktif`` and
        ``tingkat`` in :data:`COUNTED_TINGKAT` (``"kelurahan"``, ``"rw"``), by
        ``kode_kelurahan``.
    visits
        Visits (:data:`geo.core.register.VISIT_COLUMNS`). Every visit on or before ``as_of``
        (by calendar day) with a ``kode_kelurahan`` counts, whoever made it; later ones are
        ignored.
    as_of
        Reference date for "days since the latest visit".
    rule
        Threshold, minimum, priority weights and scales.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per kelurahan of the layer (also those without UMKM), sorted by ``kode``,
        EPSG:4326, with :data:`COVERAGE_COLUMNS`:

        - ``kode``, ``nama``, ``kode_kecamatan``, ``kecamatan`` (string), ``area_km2`` (km²);
        - ``umkm_aktif`` (int, active UMKM), ``umkm_per_km2`` (active UMKM per km²);
        - ``sahabat_aktif`` (int, counted Sahabat UMKM);
        - ``umkm_per_sahabat`` (active UMKM per counted Sahabat, NaN without Sahabat);
        - ``pangsa_mikro`` (0-1, share of active UMKM with ``skala == "mikro"``; unknown
          skala counts as not mikro; NaN without active UMKM);
        - ``kunjungan_terakhir`` (datetime64, day of the latest visit on or before ``as_of``,
          NaT if none) and ``hari_sejak_kunjungan`` (days, float, NaN if never visited);
        - ``flagged`` (bool): active UMKM and (no Sahabat, fewer than ``rule.min_sahabat``,
          or more than ``rule.max_umkm_per_sahabat`` UMKM per Sahabat); never for a
          kelurahan without active UMKM;
        - ``alasan`` (string): the reasons (:data:`REASON_TEMPLATES`) joined by ``"; "``,
          empty when not flagged;
        - ``prioritas`` (0-100, :func:`priority` of :func:`coverage_gap`) and ``peringkat``
          (int, 1 = highest priority, ties broken by ascending ``kode``).

        ``attrs["umkm_tanpa_kelurahan"]`` counts active UMKM that could not be placed in any
        kelurahan of the layer (not counted anywhere).

    Raises
    ------
    ValueError
        A required column is missing, the layer repeats a ``kode`` or has no CRS.

    """
    _require(kelurahan, (*_LAYER_COLUMNS, "geometry"), "kelurahan layer")
    _require(register, _REGISTER_COLUMNS, "register")
    _require(sahabat, _SAHABAT_COLUMNS, "Sahabat UMKM roster")
    _require(visits, _VISIT_COLUMNS, "visits")
    if kelurahan["kode"].duplicated().any():
        raise ValueError("kelurahan layer repeats a kode")
    if kelurahan.crs is None:
        raise ValueError("kelurahan layer has no CRS")

    layer = kelurahan.to_crs(CRS_STORAGE)
    layer = layer.sort_values("kode", kind="mergesort").reset_index(drop=True)
    kode_index = pd.Index(layer["kode"].astype(str), name="kode")
    if "area_km2" in layer.columns:
        area = layer["area_km2"].to_numpy(dtype="float64")
    else:
        area = layer.to_crs(CRS_METRIC).area.to_numpy() / 1e6

    # UMKM
    keys = _kode_of_register(register, layer)
    aktif = _true(register["status"].astype("string").str.strip().eq("aktif"))
    mikro = _true(register["skala"].astype("string").str.strip().eq("mikro"))
    weights = umkm_weights(register)
    umkm = _count(keys, aktif, kode_index, weights)
    n_mikro = _count(keys, aktif & mikro, kode_index, weights)
    placed = keys.isin(kode_index).to_numpy(dtype=bool)
    unplaced = int(weights[aktif & ~placed].sum())

    # Sahabat UMKM
    tingkat = sahabat["tingkat"].astype("string").str.strip().str.lower()
    counted = _true(sahabat["aktif"]) & tingkat.isin(COUNTED_TINGKAT).to_numpy(dtype=bool)
    roster_kode = sahabat["kode_kelurahan"].astype("string").str.strip()
    n_sahabat = _count(roster_kode, counted, kode_index, np.ones(len(sahabat), dtype="int64"))

    # Visits
    as_of_day = pd.Timestamp(as_of).normalize()
    day = pd.to_datetime(visits["tanggal"], errors="coerce").dt.normalize()
    visit_kode = visits["kode_kelurahan"].astype("string").str.strip()
    ok = (day.notna() & visit_kode.notna() & (day <= as_of_day)).to_numpy(dtype=bool)
    last = (
        day[ok].groupby(visit_kode[ok].to_numpy()).max().reindex(kode_index)
        if ok.any()
        else pd.Series(pd.NaT, index=kode_index, dtype="datetime64[s]")
    )
    last = pd.to_datetime(last).astype("datetime64[s]")
    days_since = ((as_of_day - last).dt.days).to_numpy(dtype="float64", na_value=np.nan)

    # Ratios, flags, reasons, priority
    with np.errstate(divide="ignore", invalid="ignore"):
        per_sahabat = np.where(n_sahabat > 0, umkm / n_sahabat, np.nan)
        share_mikro = np.where(umkm > 0, n_mikro / umkm, np.nan)
        per_km2 = np.where(area > 0, umkm / area, np.nan)
    flagged = _is_flagged(umkm.astype("float64"), n_sahabat.astype("float64"), rule)
    alasan = [
        describe_reasons(int(u), int(s), rule=rule) if f else ""
        for u, s, f in zip(umkm, n_sahabat, flagged, strict=True)
    ]
    gap = coverage_gap(umkm, n_sahabat, rule=rule)
    score = priority(
        gap=gap,
        umkm_aktif=umkm,
        pangsa_mikro=share_mikro,
        hari_sejak_kunjungan=days_since,
        rule=rule,
    )

    out = pd.DataFrame(
        {
            "kode": layer["kode"].astype("string").to_numpy(),
            "nama": layer["nama"].astype("string").to_numpy(),
            "kode_kecamatan": layer["kode_kecamatan"].astype("string").to_numpy(),
            "kecamatan": layer["kecamatan"].astype("string").to_numpy(),
            "area_km2": area,
            "umkm_aktif": umkm,
            "umkm_per_km2": per_km2,
            "sahabat_aktif": n_sahabat,
            "umkm_per_sahabat": per_sahabat,
            "pangsa_mikro": share_mikro,
            "kunjungan_terakhir": last.to_numpy(),
            "hari_sejak_kunjungan": days_since,
            "flagged": flagged,
            "alasan": pd.array(alasan, dtype="string"),
            "prioritas": score,
        }
    )
    for col in ("kode", "nama", "kode_kecamatan", "kecamatan"):
        out[col] = out[col].astype("string")
    order = out.sort_values(["prioritas", "kode"], ascending=[False, True], kind="mergesort")
    rank = np.empty(len(out), dtype="int64")
    rank[order.index.to_numpy()] = np.arange(1, len(out) + 1)
    out["peringkat"] = rank
    result = gpd.GeoDataFrame(out, geometry=layer.geometry.to_numpy(), crs=CRS_STORAGE)
    result.attrs["umkm_tanpa_kelurahan"] = unplaced
    return result


def flagged_kelurahan(cov: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return only the flagged kelurahan of a :func:`coverage` result, by ``peringkat``.

    Parameters
    ----------
    cov
        Result of :func:`coverage`.

    Returns
    -------
    geopandas.GeoDataFrame
        The flagged rows, highest priority first, index reset; same columns and CRS.

    """
    flagged = cov[cov["flagged"].to_numpy(dtype=bool)]
    return flagged.sort_values("peringkat", kind="mergesort").reset_index(drop=True)


def kelurahan_profile(
    cov: gpd.GeoDataFrame,
    kode: str,
    *,
    register: pd.DataFrame,
    sentra: pd.DataFrame,
) -> dict[str, Any]:
    """Everything the map's profile panel shows for one kelurahan.

    Parameters
    ----------
    cov
        Output of :func:`coverage` for the register the page shows.
    kode
        Kelurahan kode (``35.73.KK.LLLL``).
    register
        The register rows the page shows (already filtered), or the same register given as
        counts (``Store.umkm_counts``: each row weighed by its
        :data:`geo.core.register.WEIGHT_COLUMN`).
    sentra
        Sentra table (``id``, ``nama``, ``komoditas``, ``kode_kelurahan``).

    Returns
    -------
    dict
        ``coverage`` (the kelurahan's coverage row as a dict, without geometry),
        ``per_sektor`` and ``per_skala`` (active UMKM counts, descending) and ``sentra``
        (DataFrame of the sentra in the kelurahan). Raises KeyError for an unknown kode.
    """
    rows = cov[cov["kode"] == kode]
    if rows.empty:
        raise KeyError(kode)
    row = rows.drop(columns="geometry").iloc[0].to_dict()
    active = register[(register["kode_kelurahan"] == kode) & (register["status"] == "aktif")]
    return {
        "coverage": row,
        "per_sektor": tally(active["sektor"], umkm_weights(active)),
        "per_skala": tally(active["skala"], umkm_weights(active)),
        "sentra": sentra.loc[
            sentra["kode_kelurahan"] == kode, ["id", "nama", "komoditas"]
        ].reset_index(drop=True),
    }
