"""Rupiah amounts as people write them, and as the row report says them.

:func:`parse_rupiah` reads ``"Rp 1.500.000"``, ``"1.500.000,00"``, ``"1,5 juta"``,
``"2 M"``/``"2 miliar"``, ``"500 rb"``, ``"Rp2.000.000,-"`` and plain numbers (``"1500000"``,
``"1500000.0"`` as a spreadsheet or an export writes them). In Indonesian writing a point
separates thousands and a comma decimals; a single separator followed by exactly three digits
(``"1.500"``, ``"1,500"``) is read as a thousands separator, because an amount of one and a
half rupiah is not a business figure. With a multiplier word (``juta``, ``miliar``) the
separator is a decimal one (``"1.5 jt"`` = Rp1,500,000).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["format_rupiah", "parse_rupiah"]

_MULTIPLIERS: dict[str, float] = {
    "rb": 1e3,
    "ribu": 1e3,
    "k": 1e3,
    "jt": 1e6,
    "juta": 1e6,
    "m": 1e9,
    "miliar": 1e9,
    "milyar": 1e9,
    "mlyr": 1e9,
    "t": 1e12,
    "triliun": 1e12,
}
_AMOUNT = re.compile(
    r"^(?P<sign>-)?\s*(?:rp\.?|idr)?\s*(?P<sign2>-)?\s*(?P<num>\d[\d.,\s]*?)\s*"
    r"(?P<mult>rb|ribu|k|jt|juta|m|miliar|milyar|mlyr|t|triliun)?\.?\s*"
    r"(?:,-|\.-|-)?\s*(?:/\s*(?:th|thn|tahun|bln|bulan)|per\s+(?:tahun|bulan))?$",
    re.IGNORECASE,
)
_PLAIN = re.compile(r"^-?[0-9]+(\.[0-9]{1,2}|\.0+)?$")


def _number(text: str, *, multiplied: bool) -> float:
    """Read the digits and separators of an amount (see the module docstring)."""
    text = re.sub(r"\s", "", text)
    if "." in text and "," in text:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        parts = text.split(decimal)
        if len(parts) != 2:
            return np.nan
        whole = parts[0].split(thousands)
        if any(len(g) != 3 for g in whole[1:]):
            return np.nan
        return float("".join(whole) + "." + parts[1])
    sep = "." if "." in text else "," if "," in text else None
    if sep is None:
        return float(text)
    groups = text.split(sep)
    if len(groups) > 2:
        if any(len(g) != 3 for g in groups[1:]) or not groups[0]:
            return np.nan
        return float("".join(groups))
    whole, frac = groups
    if not whole or not frac:
        return np.nan
    if len(frac) == 3 and not multiplied:
        return float(whole + frac)
    return float(whole + "." + frac)


def _parse_one(text: str) -> float:
    match = _AMOUNT.match(text.strip())
    if match is None:
        return np.nan
    mult = (match.group("mult") or "").lower()
    try:
        value = _number(match.group("num"), multiplied=bool(mult))
    except ValueError:
        return np.nan
    value *= _MULTIPLIERS.get(mult, 1.0)
    return -value if match.group("sign") or match.group("sign2") else value


def parse_rupiah(values: pd.Series) -> pd.DataFrame:
    """Parse a column of rupiah amounts.

    Parameters
    ----------
    values
        Cells as text or numbers.

    Returns
    -------
    pandas.DataFrame
        Same index: ``value`` (rupiah, float64; NaN where empty or unreadable) and
        ``unreadable`` (bool: the cell held text that is not an amount).
    """
    text = values.astype("string").str.strip().replace("", pd.NA)
    value = pd.Series(np.nan, index=values.index, dtype="float64")
    present = text.notna()
    plain = present & text.str.fullmatch(_PLAIN.pattern).fillna(False).astype(bool)
    value[plain] = pd.to_numeric(text[plain], errors="coerce")
    slow = present & ~plain
    if slow.any():
        cache = {u: _parse_one(u) for u in text[slow].unique()}
        value[slow] = [cache[u] for u in text[slow].tolist()]
    finite = np.isfinite(value.to_numpy())
    value[~finite] = np.nan
    unreadable = present.to_numpy() & ~finite
    return pd.DataFrame({"value": value, "unreadable": unreadable}, index=values.index)


def format_rupiah(value: float) -> str:
    """Format an amount for a Bahasa Indonesia message: ``Rp3,2 miliar``, ``Rp450 juta``."""
    if not np.isfinite(value):
        return "-"
    for size, word in ((1e12, "triliun"), (1e9, "miliar"), (1e6, "juta")):
        if abs(value) >= size:
            text = f"{value / size:.1f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"Rp{text} {word}"
    return f"Rp{value:,.0f}".replace(",", ".")
