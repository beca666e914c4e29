"""One vocabulary for reading the rows of tables people write: problems, yes/no, dates, numbers.

Every validator of rows (the register import :func:`geo.ingest.importer.plan_import`, the sentra
and office lists :func:`geo.wilayah.sentra.validate_sentra`, the stops of a route plan
:func:`geo.planning.stops.validate_stops` and the visit form
:func:`geo.analysis.visits.build_visit`) reads cells with the functions here, so a cell means
the same in every file of the application.

Row numbers
-----------
Rows are numbered as a spreadsheet shows them: the header is row 1 and the first data row is
row 2 (:data:`FIRST_DATA_ROW`); :func:`row_numbers` gives the numbers of a table's rows.

Empty cells
-----------
A cell is empty (:func:`is_blank`) when it is None, ``pd.NA``, NaN, NaT or text of only
spaces. Whether an empty cell is allowed is the caller's rule; the parsers below return None
for an empty cell, so a caller that needs a value checks :func:`is_blank` first.

Yes and no
----------
:func:`parse_bool` reads, case-insensitively and with the spaces around (and repeated spaces
inside) ignored:

* true: ``ya``, ``iya``, ``y``, ``yes``, ``true``, ``benar``, ``wajib``, ``1``
  (:data:`TRUE_WORDS`);
* false: ``tidak``, ``tdk``, ``tidak wajib``, ``n``, ``no``, ``false``, ``salah``, ``0``
  (:data:`FALSE_WORDS`);
* Python and NumPy booleans, and the numbers 0 and 1.

Anything else, including the single letters ``t`` and ``f``, is unknown (None) and the caller
reports it: ``t`` is ``true`` in a PostgreSQL export but short for ``tidak`` in Indonesian
writing, and guessing would silently flip the value. (Before this module the stop list read
``t`` as false and accepted ``wajib``, ``y`` and ``n``, while the sentra list refused all four;
now both read ``wajib``/``y``/``n`` and both refuse ``t``.)

Dates
-----
:func:`parse_date` reads :class:`datetime.date`, :class:`datetime.datetime` (the day is kept),
``pd.Timestamp``, ISO ``2026-11-27`` (also with ``/`` or ``.``, and a time after it), the
Indonesian day-first ``27/11/2026``, ``27-11-26`` (two-digit years are 20xx), day, month name
and year in Indonesian or English (``27 Nov 2026``, ``27 Nopember 2026``, ``27-Agu-2026``),
and a spreadsheet's serial day number (``46353``, between 30,000 and 80,000: 1982-2119).

Numbers
-------
:func:`parse_number` reads a plain number with either a decimal point or a decimal comma
(``-7.95`` and ``-7,95`` are the same), an optional sign and an optional exponent
(``1e3``). Thousands separators are not read (``1.500`` is one and a half, ``1,234.5`` is
unknown): amounts of money go through :func:`geo.ingest.money.parse_rupiah`, which knows how
Indonesian writing groups digits. Infinite and NaN values are unknown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "FALSE_WORDS",
    "FIRST_DATA_ROW",
    "MONTHS",
    "TRUE_WORDS",
    "Problem",
    "blank_mask",
    "choices_text",
    "duplicate_rows",
    "is_blank",
    "optional_text",
    "parse_bool",
    "parse_bools",
    "parse_date",
    "parse_number",
    "parse_numbers",
    "row_numbers",
    "text_cells",
    "unknown_rows",
]

#: Row number of the first data row: the header is row 1, as a spreadsheet counts.
FIRST_DATA_ROW = 2

#: Words read as true by :func:`parse_bool` (lower case, single spaces).
TRUE_WORDS: frozenset[str] = frozenset({"ya", "iya", "y", "yes", "true", "benar", "wajib", "1"})
#: Words read as false by :func:`parse_bool` (lower case, single spaces).
FALSE_WORDS: frozenset[str] = frozenset(
    {"tidak", "tdk", "tidak wajib", "n", "no", "false", "salah", "0"}
)

#: Month names and abbreviations, Indonesian and English (lower case) -> month number.
MONTHS: dict[str, int] = {
    **dict.fromkeys(("jan", "januari", "january"), 1),
    **dict.fromkeys(("feb", "februari", "pebruari", "february"), 2),
    **dict.fromkeys(("mar", "maret", "march"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("agu", "agt", "ags", "agustus", "aug", "august"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oktober", "oct", "october"), 10),
    **dict.fromkeys(("nov", "nop", "november", "nopember"), 11),
    **dict.fromkeys(("des", "desember", "dec", "december"), 12),
}

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d.*)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})")
_MONTH_NAME = re.compile(r"(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.,]+(\d{4})")
_SERIAL_DAY = re.compile(r"(\d{5})(?:\.0+)?")
_SPREADSHEET_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Problem:
    """One problem found in a source file: where (file, row, column), what, and how bad.

    ``row`` counts as a spreadsheet does (header row 1, see :data:`FIRST_DATA_ROW`; 0 for the
    file as a whole). ``level`` is ``"galat"`` (the row cannot be used) or ``"peringatan"``
    (it can, as repaired or as said in the message).
    """

    file: str
    row: int
    column: str
    message: str
    level: str = "galat"

    def __str__(self) -> str:
        return f"{self.file}, baris {self.row}, kolom {self.column}: {self.message}"


# --------------------------------------------------------------------------------------------
# Single cells
# --------------------------------------------------------------------------------------------
def is_blank(value: object) -> bool:
    """Return whether a cell is empty: None, NA, NaN, NaT, or text of only spaces.

    Examples
    --------
    >>> [is_blank(v) for v in (None, pd.NA, float("nan"), "  ", "0", 0)]
    [True, True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return False


def optional_text(value: object) -> str | None:
    """Return a cell as stripped text, or None when it is empty (:func:`is_blank`).

    Examples
    --------
    >>> optional_text("  SU-001 "), optional_text(" "), optional_text(None)
    ('SU-001', None, None)
    """
    return None if is_blank(value) else str(value).strip()


def _key(value: object) -> str:
    return " ".join(str(value).split()).lower()


def parse_bool(value: object) -> bool | None:
    """Read a yes/no cell in the vocabulary of this module (see the module docstring).

    Parameters
    ----------
    value
        A cell: text, a boolean, 0 or 1, or empty.

    Returns
    -------
    bool or None
        True or False; None for an empty cell and for anything not in :data:`TRUE_WORDS` or
        :data:`FALSE_WORDS` (``"t"``, ``"f"``, ``"mungkin"``), which the caller reports.

    Examples
    --------
    >>> parse_bool(" Ya "), parse_bool("wajib"), parse_bool("TIDAK"), parse_bool(0)
    (True, True, False, False)
    >>> parse_bool("t") is None, parse_bool("") is None
    (True, True)
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if is_blank(value):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return bool(value) if value in (0, 1) else None
    key = _key(value)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    return None


def parse_date(value: object) -> dt.date | None:
    """Read a date cell in the vocabulary of this module (see the module docstring).

    Parameters
    ----------
    value
        A date, datetime, ``pd.Timestamp``, ``np.datetime64``, text, or a spreadsheet's serial
        day number; or empty.

    Returns
    -------
    datetime.date or None
        The day (a time of day is dropped); None for an empty cell and for anything that is
        not a real date (``"31/02/2026"``, ``"besok"``), which the caller reports.

    Examples
    --------
    >>> parse_date("27/11/2026"), parse_date("2026-11-27"), parse_date("27 Nopember 2026")
    (datetime.date(2026, 11, 27), datetime.date(2026, 11, 27), datetime.date(2026, 11, 27))
    """
    if is_blank(value):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool | np.bool_):
        return None
    return _parse_date_text(str(value).strip().lower())


def _parse_date_text(text: str) -> dt.date | None:
    try:
        if m := _ISO_DATE.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DAY_FIRST.fullmatch(text):
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return dt.date(year, int(m[2]), int(m[1]))  # day first, as written in Indonesia
        if (m := _MONTH_NAME.fullmatch(text)) and m[2] in MONTHS:
            return dt.date(int(m[3]), MONTHS[m[2]], int(m[1]))
        if (m := _SERIAL_DAY.fullmatch(text)) and 30_000 < int(m[1]) < 80_000:
            return _SPREADSHEET_EPOCH + dt.timedelta(days=int(m[1]))
    except (ValueError, OverflowError):
        return None
    return None


def parse_number(value: object) -> float | None:
    """Read a number cell with a decimal point or a decimal comma (see the module docstring).

    Parameters
    ----------
    value
        A number or text; or empty.

    Returns
    -------
    float or None
        The finite number; None for an empty cell and for anything else (``"x"``, ``"inf"``,
        ``"1,234.5"``), which the caller reports.

    Examples
    --------
    >>> parse_number("-7,95"), parse_number(" 112.6 "), parse_number(3), parse_number("inf")
    (-7.95, 112.6, 3.0, None)
    """
    if is_blank(value) or isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        text = str(value).strip()
        if not _NUMBER.fullmatch(text):
            return None
        number = float(text.replace(",", "."))
    return number if np.isfinite(number) else None


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------
def row_numbers(n: int) -> np.ndarray:
    """Return the spreadsheet row numbers of ``n`` data rows: 2, 3, ..., ``n + 1``."""
    return np.arange(n, dtype=np.int64) + FIRST_DATA_ROW


def text_cells(values: pd.Series) -> pd.Series:
    """Return a column as stripped text (``string`` dtype), empty cells as ``""``."""
    return values.astype("string").fillna("").str.strip()


def blank_mask(values: pd.Series) -> np.ndarray:
    """Return a boolean array, True where the cell is empty (:func:`is_blank`)."""
    return (values.isna() | (text_cells(values) == "")).to_numpy(dtype=bool)


def parse_bools(values: pd.Series, *, blank: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read a yes/no column with :func:`parse_bool`.

    Parameters
    ----------
    values
        The column.
    blank
        The value of an empty cell; None makes an empty cell unknown (a required column).

    Returns
    -------
    flags : numpy.ndarray of bool
        The values; False where unknown.
    unknown : numpy.ndarray of bool
        True where the cell is neither true nor false (nor allowed empty): report these.
    """
    parsed = [parse_bool(v) for v in values]
    empty = blank_mask(values)
    read = [blank if e else p for p, e in zip(parsed, empty, strict=True)]
    unknown = np.array([r is None for r in read], dtype=bool)
    flags = np.array([bool(r) for r in read], dtype=bool)
    return flags, unknown


def parse_numbers(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Read a number column with the rules of :func:`parse_number`.

    Parameters
    ----------
    values
        The column, numeric or text (mixed is fine).

    Returns
    -------
    numbers : pandas.Series
        float64 on the same index; NaN for empty and unknown cells.
    unknown : numpy.ndarray of bool
        True where the cell is not empty but not a finite number: report these.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype("float64")
    else:
        text = text_cells(values)
        readable = text.str.fullmatch(_NUMBER.pattern).fillna(False).astype(bool)
        cleaned = text.where(readable).str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    numbers = numbers.where(np.isfinite(numbers))
    unknown = ~blank_mask(values) & numbers.isna().to_numpy(dtype=bool)
    return numbers, unknown


def duplicate_rows(values: pd.Series, rows: np.ndarray) -> list[tuple[int, str, int]]:
    """Find repeats in a key column, ignoring empty cells.

    Parameters
    ----------
    values
        The column (compared as stripped text).
    rows
        The row number of each cell (:func:`row_numbers`).

    Returns
    -------
    list of (row, value, first_row)
        One entry per repeat, in row order, with the row of the value's first occurrence.
    """
    first: dict[str, int] = {}
    repeats: list[tuple[int, str, int]] = []
    for row, value in zip(rows.tolist(), text_cells(values), strict=True):
        if not value:
            continue
        if value in first:
            repeats.append((int(row), value, first[value]))
        else:
            first[value] = int(row)
    return repeats


def unknown_rows(
    values: pd.Series, choices: Collection[str], rows: np.ndarray
) -> list[tuple[int, str]]:
    """Find cells whose (stripped, non-empty) text is not one of ``choices``.

    Parameters
    ----------
    values
        The column.
    choices
        The allowed values (exact, case-sensitive).
    rows
        The row number of each cell (:func:`row_numbers`).

    Returns
    -------
    list of (row, value)
        Every non-empty cell outside ``choices``, in row order; report each with
        :func:`choices_text`.
    """
    allowed = set(choices)
    return [
        (int(row), value)
        for row, value in zip(rows.tolist(), text_cells(values), strict=True)
        if value and value not in allowed
    ]


def choices_text(choices: Iterable[str]) -> str:
    """Return the allowed values for a message, in order: ``"a, b, c"``."""
    return ", ".join(choices)
