"""Find the same business twice: within an imported file, and against the stored register.

Two records are the same business when they have the same normalised phone number, or the
same normalised name (:func:`name_key`) and points within :data:`DUPLICATE_RADIUS_M` metres of
each other (distances in EPSG:32749). Against the register, the same id also counts.

Candidate pairs come from a hash join on the name (names rarely repeat), their distances are
computed vectorised; a name shared by very many rows goes through an ``STRtree`` instead. A
50,000-row file against a 21,270-row register costs a fraction of a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.core.settings import CRS_METRIC, CRS_STORAGE

__all__ = ["DUPLICATE_RADIUS_M", "find_duplicates", "name_key"]

#: Two points of the same name closer than this (metres, EPSG:32749) are one business.
DUPLICATE_RADIUS_M = 30.0

# Legal-form words that do not tell two businesses apart ("UD Makmur" = "Makmur").
_LEGAL_FORMS = re.compile(r"\b(ud|cv|pt|tb|pd|koperasi|kop)\b")
_TRANSFORMER = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)
# Name groups whose join would give more candidate pairs than this use a spatial index.
_JOIN_LIMIT = 250_000


def name_key(names: pd.Series) -> pd.Series:
    """Normalise business names for comparison.

    Lower case, accents and punctuation removed, legal forms (UD, CV, PT, TB) dropped, words
    joined by one space: "UD. Tempe  Bu-Sri" and "tempe bu sri" give ``"tempe bu sri"``.
    Missing or empty names give a missing key.
    """
    text = names.astype("string")
    accented = text.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False)
    if accented.any():  # decompose only the few names that need it ("Café" -> "Cafe")
        text[accented] = text[accented].str.normalize("NFKD")
    text = text.str.replace(r"[^\x00-\x7f]", "", regex=True).str.lower()
    text = text.str.replace(r"[^a-z0-9]+", " ", regex=True)
    text = text.str.replace(_LEGAL_FORMS.pattern, " ", regex=True)
    text = text.str.replace(r" +", " ", regex=True).str.strip()
    return text.mask(text == "").astype("string")


def _metric(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = _TRANSFORMER.transform(lon, lat)
    return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")


def _close_pairs(
    keys_a: np.ndarray,
    xy_a: tuple[np.ndarray, np.ndarray],
    keys_b: np.ndarray,
    xy_b: tuple[np.ndarray, np.ndarray],
    radius_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i in a, j in b) with the same key and points within ``radius_m`` (EPSG:32749).

    A hash join on the name first (names rarely repeat, so there are few candidate pairs),
    then the distance of each candidate. Keys shared by very many rows on both sides (a
    register full of "Warung Makan") would make the join quadratic; those go through an
    STRtree of their points instead.
    """
    a = pd.DataFrame({"key": keys_a, "i": np.arange(len(keys_a))}).dropna(subset=["key"])
    b = pd.DataFrame({"key": keys_b, "j": np.arange(len(keys_b))}).dropna(subset=["key"])
    size_a, size_b = a["key"].value_counts(), b["key"].value_counts()
    # Only names repeated on both sides can make many pairs; most names occur once.
    size_a, size_b = size_a[size_a > 1], size_b[size_b > 1]
    common = size_a.index.intersection(size_b.index)
    product = size_a[common] * size_b[common]
    big = set(product.index[product > _JOIN_LIMIT])
    pairs = a[~a["key"].isin(big)].merge(b[~b["key"].isin(big)], on="key")[["i", "j"]]
    i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
    if big:
        tree_b = shapely.STRtree(shapely.points(xy_b[0], xy_b[1]))
        for key in big:
            ia = a.loc[a["key"] == key, "i"].to_numpy()
            pa, pb = tree_b.query(
                shapely.points(xy_a[0][ia], xy_a[1][ia]), predicate="dwithin", distance=radius_m
            )
            same = keys_b[pb] == key
            i, j = np.r_[i, ia[pa[same]]], np.r_[j, pb[same]]
    dist = np.hypot(xy_a[0][i] - xy_b[0][j], xy_a[1][i] - xy_b[1][j])
    keep = dist <= radius_m
    return i[keep], j[keep], dist[keep]


@dataclass(frozen=True)
class _Records:
    """What duplicates are compared by, one value per row (arrays of one length)."""

    keys: np.ndarray  # name_key, None where missing
    phones: np.ndarray  # normalised phone, None where missing
    x: np.ndarray  # metres, EPSG:32749; NaN where not located
    y: np.ndarray
    located: np.ndarray  # bool: both coordinates known

    @classmethod
    def of(cls, rows: pd.DataFrame) -> _Records:
        n = len(rows)
        lon = rows["lon"].to_numpy(dtype="float64")
        lat = rows["lat"].to_numpy(dtype="float64")
        located = np.isfinite(lon) & np.isfinite(lat)
        x, y = np.full(n, np.nan), np.full(n, np.nan)
        if located.any():
            x[located], y[located] = _metric(lon[located], lat[located])
        return cls(
            keys=name_key(rows["nama_usaha"]).to_numpy(dtype=object, na_value=None),
            phones=rows["telepon"].astype("string").to_numpy(dtype=object, na_value=None),
            x=x,
            y=y,
            located=located,
        )


@dataclass(frozen=True)
class _Matches:
    """Per row: what it repeats (a row position or a stored id), why, and how far (metres)."""

    same: np.ndarray
    why: np.ndarray
    dist: np.ndarray

    @classmethod
    def empty(cls, n: int, *, rows: bool) -> _Matches:
        same = np.full(n, -1, dtype="int64") if rows else np.full(n, None, dtype=object)
        return cls(same=same, why=np.full(n, None, dtype=object), dist=np.full(n, np.nan))


def find_duplicates(
    rows: pd.DataFrame,
    *,
    register: pd.DataFrame | None = None,
    radius_m: float = DUPLICATE_RADIUS_M,
) -> pd.DataFrame:
    """Flag rows that repeat an earlier row of the same file or a business already stored.

    Parameters
    ----------
    rows
        Candidate rows with ``nama_usaha``, ``telepon`` (normalised, ``+62…``), ``lat``,
        ``lon`` (degrees, EPSG:4326; NaN where unknown) and optionally ``id`` (the id the
        file gives, missing where none).
    register
        The stored register (``id``, ``nama_usaha``, ``telepon``, ``lat``, ``lon``), or None.
    radius_m
        Distance (metres, EPSG:32749) within which two records of the same name are one.

    Returns
    -------
    pandas.DataFrame
        Same index as ``rows``: ``baris_sama`` (position in ``rows`` of the earliest earlier
        row it repeats, -1 if none), ``alasan_baris`` (``"telepon"`` or ``"nama"``),
        ``jarak_baris_m`` (metres, NaN for a phone match), ``id_sama`` (id of the stored
        business it repeats, missing if none), ``alasan_id`` (``"id"``, ``"telepon"`` or
        ``"nama"``) and ``jarak_id_m``.
    """
    records = _Records.of(rows)
    within = _Matches.empty(len(rows), rows=True)
    _same_phone_earlier(records, within)
    _same_name_earlier(records, within, radius_m=radius_m)
    stored = _Matches.empty(len(rows), rows=False)
    if register is not None and len(register):
        given = rows.get("id")
        _stored_same_id_or_phone(records, given, register, stored)
        _stored_same_name(records, register, stored, radius_m=radius_m)
    return pd.DataFrame(
        {
            "baris_sama": within.same,
            "alasan_baris": pd.array(within.why, dtype="string"),
            "jarak_baris_m": within.dist,
            "id_sama": pd.array(stored.same, dtype="string"),
            "alasan_id": pd.array(stored.why, dtype="string"),
            "jarak_id_m": stored.dist,
        },
        index=rows.index,
    )


def _same_phone_earlier(records: _Records, found: _Matches) -> None:
    """Point every row at the first earlier row with the same phone number."""
    first_by_phone: dict[str, int] = {}
    for i, phone in enumerate(records.phones):
        if phone is None:
            continue
        if phone in first_by_phone:
            found.same[i], found.why[i] = first_by_phone[phone], "telepon"
        else:
            first_by_phone[phone] = i


def _same_name_earlier(records: _Records, found: _Matches, *, radius_m: float) -> None:
    """Point rows at the earliest earlier row of the same name within ``radius_m``.

    A row already pointing at an earlier row (by phone) keeps whichever row is earlier.
    """
    keys, x, y = records.keys, records.x, records.y
    idx = np.flatnonzero(records.located & pd.notna(keys))
    if len(idx) <= 1:
        return
    k = keys[idx]
    later, earlier, dist = _close_pairs(k, (x[idx], y[idx]), k, (x[idx], y[idx]), radius_m)
    keep = earlier < later
    later, earlier, dist = idx[later[keep]], idx[earlier[keep]], dist[keep]
    order = np.lexsort((earlier, later))
    later, earlier, dist = later[order], earlier[order], dist[order]
    first = np.r_[True, later[1:] != later[:-1]] if len(later) else np.array([], bool)
    for i, j, d in zip(later[first], earlier[first], dist[first], strict=True):
        if found.same[i] == -1 or j < found.same[i]:
            found.same[i], found.why[i], found.dist[i] = j, "nama", d


def _stored_same_id_or_phone(
    records: _Records, given: pd.Series | None, register: pd.DataFrame, found: _Matches
) -> None:
    """Match rows to the stored business with the id they give, else the first with their phone."""
    stored_ids = register["id"].astype("string").to_numpy(dtype=object, na_value=None)
    if given is not None:
        known = set(stored_ids)
        for i, value in enumerate(given.astype("string").to_numpy(dtype=object, na_value=None)):
            if value is not None and value in known:
                found.same[i], found.why[i] = value, "id"
    stored_phones = register["telepon"].astype("string").to_numpy(dtype=object, na_value=None)
    id_by_phone: dict[str, str] = {}
    for sid, phone in zip(stored_ids, stored_phones, strict=True):
        if phone is not None:
            id_by_phone.setdefault(phone, sid)
    for i, phone in enumerate(records.phones):
        if found.same[i] is None and phone is not None and phone in id_by_phone:
            found.same[i], found.why[i] = id_by_phone[phone], "telepon"


def _stored_same_name(
    records: _Records, register: pd.DataFrame, found: _Matches, *, radius_m: float
) -> None:
    """Match rows not matched yet to the nearest stored business of the same name (``radius_m``)."""
    stored_ids = register["id"].astype("string").to_numpy(dtype=object, na_value=None)
    s_lon = register["lon"].to_numpy(dtype="float64")
    s_lat = register["lat"].to_numpy(dtype="float64")
    s_keys = name_key(register["nama_usaha"]).to_numpy(dtype=object, na_value=None)
    s_ok = np.flatnonzero(np.isfinite(s_lon) & np.isfinite(s_lat) & pd.notna(s_keys))
    keys, x, y = records.keys, records.x, records.y
    todo = np.flatnonzero(records.located & pd.notna(keys) & pd.isna(found.same))
    if not len(s_ok) or not len(todo):
        return
    s_xy = _metric(s_lon[s_ok], s_lat[s_ok])
    a, b, dist = _close_pairs(keys[todo], (x[todo], y[todo]), s_keys[s_ok], s_xy, radius_m)
    mine, theirs = todo[a], s_ok[b]
    order = np.lexsort((dist, mine))
    for i, j, d in zip(mine[order], theirs[order], dist[order], strict=True):
        if found.same[i] is None:
            found.same[i], found.why[i], found.dist[i] = stored_ids[j], "nama", d
