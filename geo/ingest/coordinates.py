r"""Read coordinates the way people write them in spreadsheets, and repair the usual slips.

Accepted forms of one coordinate (degrees, EPSG:4326):

* decimal degrees with a decimal point or a decimal comma: ``-7.9666``, ``-7,9666``;
* degrees-minutes(-seconds) with symbols or spaces: ``7°58'12.3"S``, ``7° 58′ 12,3″ LS``,
  ``S 7° 58.205'``, ``112 37 45.6 BT``;
* hemisphere letters in English or Bahasa Indonesia, before or after the number: ``S``/``N``/
  ``E``/``W``, ``LS`` (lintang selatan), ``LU`` (lintang utara), ``BT`` (bujur timur), ``BB``
  (bujur barat). A hemisphere letter also says which axis the value belongs to.

A pair in one cell ("Koordinat": ``"-7.9666, 112.6345"``, ``"-7,9666;112,6345"``, Google Maps'
``"7°58'00.0\"S 112°38'04.2\"E"``) is split into latitude and longitude by
:func:`parse_pairs`. :func:`repair_lat_lon` then fixes, and names, three slips that put a point
far from Kota Malang: latitude and longitude swapped, the minus sign of the (southern) latitude
missing, and the decimal separator lost (``1126345`` for ``112.6345``, what a spreadsheet in an
Indonesian locale makes of ``112.6345`` typed with a point).

Everything is vectorised over the distinct values of a column, so a 50,000-row file costs one
pass of :func:`pandas.to_numeric` plus a regular expression per unusual value.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "REGION_BOUNDS",
    "REPAIRS",
    "parse_coordinates",
    "parse_pairs",
    "repair_lat_lon",
]

#: Box (lon_min, lat_min, lon_max, lat_max; degrees, EPSG:4326) around Malang Raya, generous on
#: every side of Kota Malang (112.57-112.70 E, 8.05-7.89 S). A repair is applied only when it
#: brings a point from outside this box into it; whether the point is then inside the city is
#: decided afterwards with the real boundaries.
REGION_BOUNDS: tuple[float, float, float, float] = (112.0, -8.6, 113.3, -7.4)

#: Repair codes of :func:`repair_lat_lon` -> Bahasa Indonesia description for the row report.
REPAIRS: dict[str, str] = {
    "tertukar": "lintang dan bujur tertukar; sudah ditukar kembali",
    "tanpa_minus": (
        "lintang tanpa tanda minus (Kota Malang di selatan khatulistiwa); sudah diperbaiki"
    ),
    "tertukar_tanpa_minus": (
        "lintang dan bujur tertukar dan lintang tanpa tanda minus; sudah diperbaiki"
    ),
    "desimal_hilang": "tanda desimal koordinat hilang; sudah diperbaiki",
}

_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_HEMISPHERE = re.compile(
    r"(?<![A-Za-z])(LS|LU|BT|BB|selatan|utara|timur|barat|S|N|E|W)(?![A-Za-z])", re.IGNORECASE
)
_NEGATIVE = {"s": True, "ls": True, "selatan": True, "w": True, "bb": True, "barat": True}
_AXIS = {
    "s": "lat",
    "n": "lat",
    "ls": "lat",
    "lu": "lat",
    "selatan": "lat",
    "utara": "lat",
    "e": "lon",
    "w": "lon",
    "bt": "lon",
    "bb": "lon",
    "timur": "lon",
    "barat": "lon",
}
# Characters allowed in a coordinate besides numbers and hemisphere words; anything else
# (letters, "?") makes the cell unreadable rather than silently half-read.
_ALLOWED_REST = re.compile(r"^[\s°º˚d'′’‘\"″”“`´,;:/|()\[\]-]*$")
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-", "—": "-"})
_PAIR_SPLIT = re.compile(r"\s*[;|/\t]\s*")
_DECIMAL_COMMA = re.compile(r"[-+]?[0-9]+,[0-9]+")
_SIMPLE_PAIR = re.compile(
    r"^\(?[ \t]*([-+]?[0-9]+(?:[.,][0-9]+)?)[ \t]*(?:[,;/|][ \t]*|[ \t]+)"
    r"([-+]?[0-9]+(?:[.,][0-9]+)?)[ \t]*\)?$"
)


def _number(token: str) -> float:
    return float(token.replace(",", "."))


def _degrees(tokens: list[str]) -> float:
    """Degrees from 1 (D), 2 (D M) or 3 (D M S) number tokens; NaN when not a valid form."""
    if not 1 <= len(tokens) <= 3:
        return np.nan
    values = [_number(t) for t in tokens]
    negative = tokens[0].startswith("-")
    deg = abs(values[0])
    rest = [abs(v) for v in values[1:]]
    if any(v >= 60 for v in rest) or any(t.startswith(("-", "+")) for t in tokens[1:]):
        return np.nan
    if len(rest) >= 1 and not float(values[0]).is_integer():
        return np.nan  # decimal degrees followed by minutes is not a form
    if len(rest) == 2 and not float(rest[0]).is_integer():
        return np.nan
    value = deg + sum(v / 60**i for i, v in enumerate(rest, start=1))
    return -value if negative else value


def _parse_one(text: str) -> tuple[float, str | None]:
    """Parse one coordinate; return (degrees, axis) with axis "lat", "lon" or None."""
    text = text.translate(_MINUS_SIGNS).strip()
    hemispheres = [m.group(1).lower() for m in _HEMISPHERE.finditer(text)]
    if len(hemispheres) > 1:
        return np.nan, None
    tokens = _NUMBER.findall(text)
    rest = _NUMBER.sub(" ", _HEMISPHERE.sub(" ", text))
    if not tokens or not _ALLOWED_REST.match(rest):
        return np.nan, None
    value = _degrees(tokens)
    if np.isnan(value):
        return np.nan, None
    axis = None
    if hemispheres:
        h = hemispheres[0]
        axis = _AXIS[h]
        value = -abs(value) if _NEGATIVE.get(h, False) else abs(value)
    return value, axis


def _split_pair(text: str) -> tuple[str, str] | None:
    """Split a cell holding two coordinates into the two texts, or None."""
    text = text.translate(_MINUS_SIGNS).strip().strip("()[]")
    parts = _PAIR_SPLIT.split(text)
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    # Hemisphere letters end (or start) each half: split after the first one.
    marks = list(_HEMISPHERE.finditer(text))
    if len(marks) == 2:
        first, second = marks
        if first.start() == 0 or not _NUMBER.search(text[: first.start()]):
            cut = second.start()  # letters lead: "S 7.96 E 112.63"
        else:
            cut = first.end()  # letters trail: "7.96 S, 112.63 E"
        left, right = text[:cut].strip(" ,"), text[cut:].strip(" ,")
        if left and right:
            return left, right
        return None
    tokens = list(_NUMBER.finditer(text))
    if len(tokens) in (2, 4, 6):
        half = len(tokens) // 2
        cut = tokens[half].start()
        return text[:cut].strip(" ,"), text[cut:].strip(" ,")
    return None


def _as_text(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().replace("", pd.NA)


def parse_coordinates(values: pd.Series) -> pd.DataFrame:
    """Parse a column of single coordinates.

    Parameters
    ----------
    values
        Cells as text (or numbers); empty cells and missing values give NaN without a problem.

    Returns
    -------
    pandas.DataFrame
        Same index: ``value`` (degrees, float64; NaN where empty or unreadable), ``axis``
        (``"lat"``/``"lon"`` when a hemisphere letter said so, else missing) and
        ``unreadable`` (bool: the cell held something that is not a coordinate).
    """
    text = _as_text(values)
    value = pd.to_numeric(text, errors="coerce").astype("float64")
    axis = pd.Series(pd.NA, index=values.index, dtype="string")
    comma = text.notna() & value.isna() & text.str.fullmatch(_DECIMAL_COMMA.pattern).fillna(False)
    if comma.any():  # "-7,9666": the common case, vectorised
        value[comma] = pd.to_numeric(text[comma].str.replace(",", ".", regex=False))
    slow = text.notna() & value.isna()
    if slow.any():
        cache = {u: _parse_one(u) for u in text[slow].unique()}
        parsed = [cache[u] for u in text[slow].tolist()]
        value[slow] = [p[0] for p in parsed]
        axis[slow] = [p[1] for p in parsed]
    unreadable = text.notna() & value.isna()
    finite = np.isfinite(value.to_numpy())
    value[~finite] = np.nan
    unreadable |= text.notna().to_numpy() & ~finite
    return pd.DataFrame(
        {"value": value, "axis": axis, "unreadable": unreadable.astype(bool)}, index=values.index
    )


def parse_pairs(values: pd.Series) -> pd.DataFrame:
    """Parse a column whose cells hold "lat, lon" (in any of the forms above).

    When hemisphere letters name the axes ("112.63 BT, 7.96 LS") each value goes to its axis;
    otherwise the first is taken as latitude and the second as longitude, as written in
    "Koordinat" columns (:func:`repair_lat_lon` catches the swapped ones).

    Returns
    -------
    pandas.DataFrame
        Same index: ``lat``, ``lon`` (degrees, NaN where empty or unreadable) and
        ``unreadable`` (bool).
    """
    text = _as_text(values)
    lat = pd.Series(np.nan, index=values.index, dtype="float64")
    lon = pd.Series(np.nan, index=values.index, dtype="float64")
    present = text.notna()
    # "lat, lon" in decimal degrees, the common case, vectorised.
    simple = text[present].str.extract(_SIMPLE_PAIR.pattern)
    if len(simple):
        a = pd.to_numeric(simple[0].str.replace(",", ".", regex=False), errors="coerce")
        b = pd.to_numeric(simple[1].str.replace(",", ".", regex=False), errors="coerce")
        done = a.notna() & b.notna()
        lat[done[done].index] = a[done].astype(float)
        lon[done[done].index] = b[done].astype(float)
        present = present & ~done.reindex(values.index, fill_value=False)
    cache: dict[str, tuple[float, float]] = {}
    for u in text[present].unique():
        halves = _split_pair(u)
        if halves is None:
            cache[u] = (np.nan, np.nan)
            continue
        (a, axis_a), (b, axis_b) = _parse_one(halves[0]), _parse_one(halves[1])
        if np.isnan(a) or np.isnan(b) or (axis_a and axis_a == axis_b):
            cache[u] = (np.nan, np.nan)
        elif axis_a == "lon" or axis_b == "lat":
            cache[u] = (b, a)
        else:
            cache[u] = (a, b)
    parsed = [cache[u] for u in text[present].tolist()]
    lat[present] = [p[0] for p in parsed]
    lon[present] = [p[1] for p in parsed]
    unreadable = text.notna() & (lat.isna() | lon.isna())
    return pd.DataFrame(
        {"lat": lat, "lon": lon, "unreadable": unreadable.astype(bool)}, index=values.index
    )


def _in_region(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lon_min, lat_min, lon_max, lat_max = REGION_BOUNDS
    with np.errstate(invalid="ignore"):
        return (lat >= lat_min) & (lat <= lat_max) & (lon >= lon_min) & (lon <= lon_max)


def _restore_decimal(values: np.ndarray, integer_digits: int) -> np.ndarray:
    """Put a lost decimal separator back after ``integer_digits`` digits (NaN if not big)."""
    out = np.full(len(values), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.abs(values)
        big = np.isfinite(a) & (a >= 10**integer_digits)
        digits = np.floor(np.log10(np.where(big, a, 1.0))) + 1
        out[big] = values[big] / 10.0 ** (digits[big] - integer_digits)
    return out


def repair_lat_lon(lat: pd.Series, lon: pd.Series) -> pd.DataFrame:
    """Fix swapped axes, a missing minus sign on the latitude and lost decimal separators.

    Parameters
    ----------
    lat, lon
        Degrees (EPSG:4326) as parsed; NaN where missing.

    Returns
    -------
    pandas.DataFrame
        Same index: ``lat``, ``lon`` (repaired) and ``perbaikan`` (a key of :data:`REPAIRS`,
        missing where nothing was changed). A repair is made only when the written point is
        outside :data:`REGION_BOUNDS` and the repaired one inside; the first repair that fits,
        in the order of :data:`REPAIRS`, wins.
    """
    y = lat.to_numpy(dtype="float64").copy()
    x = lon.to_numpy(dtype="float64").copy()
    fix = np.full(len(y), None, dtype=object)
    todo = np.isfinite(y) & np.isfinite(x) & ~_in_region(y, x)
    candidates = {
        "tertukar": (x, y),
        "tanpa_minus": (-y, x),
        "tertukar_tanpa_minus": (-x, y),
    }
    for code, (cy, cx) in candidates.items():
        hit = todo & _in_region(cy, cx)
        y[hit], x[hit] = cy[hit], cx[hit]
        fix[hit] = code
        todo &= ~hit
    if todo.any():
        # A lost decimal separator: -79666 for -7.9666 (one integer digit), 1126345 for
        # 112.6345 (three); either or both axes, possibly also swapped.
        ry = np.where(np.abs(y) >= 10, _restore_decimal(y, 1), y)
        rx = np.where(np.abs(x) >= 1000, _restore_decimal(x, 3), x)
        sy = np.where(np.abs(x) >= 10, _restore_decimal(x, 1), x)
        sx = np.where(np.abs(y) >= 1000, _restore_decimal(y, 3), y)
        for cy, cx in ((ry, rx), (sy, sx), (-np.abs(ry), rx)):
            hit = todo & _in_region(cy, cx)
            y[hit], x[hit] = cy[hit], cx[hit]
            fix[hit] = "desimal_hilang"
            todo &= ~hit
    return pd.DataFrame(
        {"lat": y, "lon": x, "perbaikan": pd.array(fix, dtype="string")}, index=lat.index
    )
