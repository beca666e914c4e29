"""Key figures of the program for the landing page, the leadership dashboard and the brief.

Pure functions of the register GeoDataFrame (columns of :data:`geo.core.register.UMKM_COLUMNS`):
progress of the Sahabat UMKM curation program against its target, counts by sector, size
class, kecamatan or kelurahan, and the cumulative curated count over time.

A business counts as *curated* when it is in the register with ``status == "aktif"``; the
functions take ``active_only`` where counting inactive entries too makes sense.

Periods
-------
The leadership dashboard and the printable brief look at one calendar month, quarter or year
(:class:`Period`, written ``2026-09``, ``2026-Q3`` or ``2026``; bounds are calendar days,
both included). :func:`dashboard_figures` computes every figure both faces show from one
call, so the dashboard and the brief cannot disagree:

* *stock* figures (UMKM terkurasi, breakdowns, coverage flags and priority) describe the
  register at the period's reference day: its last day, or the data's latest day when the
  period is not over yet (never the wall clock);
* *flow* figures count events within the period: UMKM curated (``tanggal_terkurasi``),
  naik kelas (a rise in the size history, :func:`naik_kelas_events`) and visits.

The Sahabat UMKM roster and each UMKM's ``status`` have no history in the register model,
so those are always the current state.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geo.analysis.coverage import coverage, tally, umkm_weights
from geo.core.i18n import UNKNOWN_CATEGORY, category_label, format_number, format_percent, t
from geo.core.register import SECTORS, SIZE_CLASSES, STATUS
from geo.core.settings import CURATED_EARLIER, CURATED_TARGET, DATA_DIR, KECAMATAN_NAMES
from geo.wilayah.citylayer import ATTRIBUTION_KEY

__all__ = [
    "CONTEXT_COLUMNS",
    "CONTEXT_PATH",
    "COUNTABLE_COLUMNS",
    "DASHBOARD_COUNT_BY",
    "PERIOD_KINDS",
    "UNKNOWN_CATEGORY",
    "CountSource",
    "DashboardFigures",
    "DashboardOptions",
    "KpiTile",
    "Period",
    "PeriodKind",
    "PeriodKpi",
    "ProgramProgress",
    "active_sahabat",
    "comparison_label",
    "comparison_window",
    "counts_by",
    "curated_by",
    "curated_over_time",
    "dashboard_figures",
    "dashboard_from_counts",
    "date_range",
    "format_date",
    "kpi_tiles",
    "latest_date",
    "load_context",
    "month_name",
    "naik_kelas",
    "naik_kelas_events",
    "parse_period",
    "period_bounds",
    "period_containing",
    "periods_between",
    "program_progress",
    "visits_in_period",
]

#: Columns :func:`counts_by` knows the full category list of (in display order), so that
#: empty categories still appear with a zero.
COUNTABLE_COLUMNS: tuple[str, ...] = ("sektor", "skala", "kecamatan", "kelurahan", "status")

_KECAMATAN_KODE_LENGTH = 8  # "35.73.01" is the first 8 characters of "35.73.01.1001"


class ProgramProgress(TypedDict):
    """Figures of the curation program, as returned by :func:`program_progress`."""

    active: int
    """Curated UMKM in the register (``status == "aktif"``)."""
    target: int
    """The program's target."""
    share: float
    """``active / target`` (0 when the target is 0); may exceed 1."""
    remaining: int
    """``target - active``, at least 0."""
    earlier: int
    """The earlier published count the growth is measured from."""
    growth: int
    """``active - earlier`` (negative when the register holds fewer)."""
    growth_share: float
    """``growth / earlier`` (0 when ``earlier`` is 0)."""


def _active(register: pd.DataFrame) -> pd.DataFrame:
    return register[register["status"].eq("aktif").fillna(False).astype(bool)]


def _total(register: pd.DataFrame) -> int:
    """Return the number of UMKM in a register or a register given as counts."""
    return int(umkm_weights(register).sum())


def program_progress(
    register: pd.DataFrame,
    *,
    target: int = CURATED_TARGET,
    earlier: int = CURATED_EARLIER,
) -> ProgramProgress:
    """Measure the register against the program's target and its earlier published figure.

    Parameters
    ----------
    register
        The UMKM register (GeoDataFrame or DataFrame with a ``status`` column).
    target
        Target count of curated UMKM (default :data:`geo.core.settings.CURATED_TARGET`).
    earlier
        Earlier published count (default :data:`geo.core.settings.CURATED_EARLIER`).

    Returns
    -------
    ProgramProgress
        ``active``, ``target``, ``share``, ``remaining``, ``earlier``, ``growth`` and
        ``growth_share``.

    """
    active = _total(_active(register))
    growth = active - earlier
    return ProgramProgress(
        active=active,
        target=target,
        share=active / target if target else 0.0,
        remaining=max(target - active, 0),
        earlier=earlier,
        growth=growth,
        growth_share=growth / earlier if earlier else 0.0,
    )


def _categories(
    column: str, kelurahan: pd.DataFrame | None
) -> tuple[str, list[str] | None, dict[str, str]]:
    """Return the register column holding the keys, the ordered keys and their names."""
    if column == "sektor":
        return "sektor", list(SECTORS), {c: s.label_id for c, s in SECTORS.items()}
    if column == "skala":
        return "skala", list(SIZE_CLASSES), {}
    if column == "status":
        return "status", list(STATUS), {}
    if column == "kecamatan":
        return "kode_kelurahan", list(KECAMATAN_NAMES), dict(KECAMATAN_NAMES)
    if column == "kelurahan":
        if kelurahan is None:
            return "kode_kelurahan", None, {}
        kode = kelurahan["kode"].astype(str)
        names = dict(zip(kode, kelurahan["nama"].astype(str), strict=True))
        return "kode_kelurahan", sorted(names), names
    return column, None, {}


def counts_by(
    register: pd.DataFrame,
    column: str,
    *,
    kelurahan: pd.DataFrame | None = None,
    active_only: bool = True,
    lang: str = "id",
) -> pd.DataFrame:
    """Count UMKM per category of a register column.

    Parameters
    ----------
    register
        The UMKM register.
    column
        ``"sektor"``, ``"skala"``, ``"status"``, ``"kecamatan"`` (the first 8 characters of
        ``kode_kelurahan``, named with :data:`geo.core.settings.KECAMATAN_NAMES`), ``"kelurahan"``
        (``kode_kelurahan``) or any other register column (its distinct values).
    kelurahan
        For ``column="kelurahan"``: a table of all kelurahan with ``kode`` and ``nama``
        columns (such as the boundary layer), so that kelurahan without UMKM appear with a
        zero and each row is named. Ignored for other columns.
    active_only
        Count only ``status == "aktif"`` entries (curated UMKM).
    lang
        Language of the ``label`` column.

    Returns
    -------
    pandas.DataFrame
        One row per category in display order, with columns ``kode`` (the category key),
        ``nama`` (the category's Indonesian name), ``label`` (display label in ``lang``) and
        ``jumlah`` (int). Every known category is listed, with 0 where it has no UMKM; values
        outside the known categories (or missing) are counted under
        :data:`UNKNOWN_CATEGORY`, a row that appears only when it is not zero. For columns
        without a known category list, rows are the distinct values by descending count.

    """
    rows = _active(register) if active_only else register
    source, order, names = _categories(column, kelurahan)
    keys = rows[source].astype("string")
    if column == "kecamatan":
        keys = keys.str[:_KECAMATAN_KODE_LENGTH]
    counts = tally(keys.fillna(UNKNOWN_CATEGORY), umkm_weights(rows))
    if order is None:
        unknown = counts.index == UNKNOWN_CATEGORY
        counts = pd.concat([counts[~unknown], counts[unknown]])
    else:
        known = counts.reindex(order, fill_value=0)
        outside = int(counts.drop(labels=order, errors="ignore").sum())
        counts = known
        if outside:
            counts = pd.concat([known, pd.Series({UNKNOWN_CATEGORY: outside})])
    kode = [str(k) for k in counts.index]
    nama = [names.get(k, k) for k in kode]
    named_places = column in ("kecamatan", "kelurahan")
    label = [
        nm if named_places and k != UNKNOWN_CATEGORY else category_label(column, k, lang)
        for k, nm in zip(kode, nama, strict=True)
    ]
    return pd.DataFrame(
        {
            "kode": pd.Series(kode, dtype="string"),
            "nama": pd.Series(nama, dtype="string"),
            "label": pd.Series(label, dtype="string"),
            "jumlah": pd.Series(counts.to_numpy(), dtype="int64"),
        }
    )


def curated_over_time(
    register: pd.DataFrame, *, freq: str = "MS", active_only: bool = True
) -> pd.DataFrame:
    """Count curated UMKM cumulatively over time, from ``tanggal_terkurasi``.

    Parameters
    ----------
    register
        The UMKM register.
    freq
        pandas period alias of the bins; ``"MS"`` (default) labels each month by its first
        day.
    active_only
        Count only ``status == "aktif"`` entries, so the last cumulative value equals
        :func:`program_progress`'s ``active`` (less entries without a curation date).

    Returns
    -------
    pandas.DataFrame
        Columns ``tanggal`` (bin start, datetime64), ``baru`` (curated in the bin) and
        ``kumulatif`` (curated up to the end of the bin), one row per bin from the first to
        the last dated entry, with empty bins kept at 0 new. Entries without a curation date
        are left out. Empty when no entry has a date.

    """
    rows = _active(register) if active_only else register
    dates = pd.to_datetime(rows["tanggal_terkurasi"])
    weights = umkm_weights(rows)[dates.notna().to_numpy(dtype=bool)]
    dates = dates.dropna()
    if dates.empty:
        return pd.DataFrame(
            {
                "tanggal": pd.Series(dtype="datetime64[ns]"),
                "baru": pd.Series(dtype="int64"),
                "kumulatif": pd.Series(dtype="int64"),
            }
        )
    per_bin = pd.Series(weights, index=pd.DatetimeIndex(dates)).resample(freq).sum()
    return pd.DataFrame(
        {
            "tanggal": per_bin.index.astype("datetime64[ns]"),
            "baru": per_bin.to_numpy(dtype="int64"),
            "kumulatif": per_bin.cumsum().to_numpy(dtype="int64"),
        }
    )


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------
PeriodKind = Literal["month", "quarter", "year"]

#: The kinds of period the dashboard and the brief offer, in selector order.
PERIOD_KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "year")

_PERIOD_PATTERN = re.compile(r"^\s*(\d{4})(?:-(?:[Qq]([1-4])|(\d{1,2})))?\s*$")
_MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year, written ``2026-09``, ``2026-Q3`` or ``2026``.

    Attributes
    ----------
    kind
        ``"month"``, ``"quarter"`` or ``"year"``.
    year
        The calendar year.
    number
        Month (1-12), quarter (1-4), or 1 for a year.
    """

    kind: PeriodKind
    year: int
    number: int = 1

    def __post_init__(self) -> None:
        if self.kind not in _MONTHS_PER:
            raise ValueError(f"unknown period kind {self.kind!r}; use month, quarter or year")
        highest = {"month": 12, "quarter": 4, "year": 1}[self.kind]
        if not 1 <= self.number <= highest:
            raise ValueError(f"{self.kind} number {self.number} is outside 1-{highest}")

    @property
    def code(self) -> str:
        """The period as written on the command line: ``2026-09``, ``2026-Q3``, ``2026``."""
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}"

    @property
    def first_month(self) -> int:
        """Calendar month (1-12) the period starts in."""
        return (self.number - 1) * _MONTHS_PER[self.kind] + 1

    @property
    def first_day(self) -> datetime.date:
        """First calendar day of the period (inclusive)."""
        return datetime.date(self.year, self.first_month, 1)

    @property
    def last_day(self) -> datetime.date:
        """Last calendar day of the period (inclusive)."""
        month = self.first_month + _MONTHS_PER[self.kind] - 1
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def previous(self) -> Period:
        """Return the period of the same kind just before this one."""
        if self.kind == "year":
            return Period("year", self.year - 1)
        count = 12 if self.kind == "month" else 4
        index = self.year * count + self.number - 2
        return Period(self.kind, index // count, index % count + 1)

    def contains(self, day: datetime.date) -> bool:
        """Return True when the calendar day ``day`` lies in the period."""
        return self.first_day <= day <= self.last_day

    def label(self, lang: str = "id") -> str:
        """Name the period for people: ``Triwulan III 2026``, ``September 2026``, ``Tahun 2026``.

        Examples
        --------
        >>> Period("quarter", 2026, 3).label()
        'Triwulan III 2026'
        >>> Period("quarter", 2026, 3).label("en")
        'Q3 2026'

        """
        if self.kind == "month":
            return f"{month_name(self.number, lang)} {self.year}"
        if self.kind == "quarter":
            quarter = t(f"dasbor.quarter.{self.number}", lang)
            return t("dasbor.period.quarter_label", lang, quarter=quarter, year=self.year)
        return t("dasbor.period.year_label", lang, year=self.year)

    def range_label(self, lang: str = "id") -> str:
        """Name the period's first and last day: ``1 Juli – 30 September 2026``."""
        first, last = self.first_day, self.last_day
        start = f"{first.day} {month_name(first.month, lang)}"
        return f"{start} – {format_date(last, lang)}"


def month_name(month: int, lang: str = "id") -> str:
    """Return the name of calendar month ``month`` (1-12) in ``lang`` (``Juli``, ``July``)."""
    return t(f"dasbor.month.{month}", lang)


def format_date(day: datetime.date, lang: str = "id") -> str:
    """Write a calendar day for people: ``18 November 2026``.

    Examples
    --------
    >>> format_date(datetime.date(2026, 11, 18))
    '18 November 2026'

    """
    return f"{day.day} {month_name(day.month, lang)} {day.year}"


def parse_period(text: str) -> Period:
    """Read a period written as ``2026`` (year), ``2026-Q3`` (quarter) or ``2026-09`` (month).

    Parameters
    ----------
    text
        The period; the ``Q`` may be lower case and the month may have one digit.

    Returns
    -------
    Period

    Raises
    ------
    ValueError
        The text is none of these forms, or the month is outside 1-12; the message quotes it.

    Examples
    --------
    >>> parse_period("2026-Q3").last_day
    datetime.date(2026, 9, 30)

    """
    match = _PERIOD_PATTERN.match(str(text))
    if match is None:
        raise ValueError(
            f"period {text!r} not understood: write a year (2026), a quarter (2026-Q3) "
            "or a month (2026-09)"
        )
    year, quarter, month = match.groups()
    if quarter is not None:
        return Period("quarter", int(year), int(quarter))
    if month is not None:
        if not 1 <= int(month) <= 12:
            raise ValueError(f"period {text!r}: month {int(month)} is outside 01-12")
        return Period("month", int(year), int(month))
    return Period("year", int(year))


def period_bounds(period: Period | str) -> tuple[datetime.date, datetime.date]:
    """Return the first and the last calendar day of a period, both inclusive.

    Parameters
    ----------
    period
        A :class:`Period` or its code (``"2026-Q3"``, ``"2026-09"``, ``"2026"``).

    Returns
    -------
    tuple of datetime.date
        ``(first_day, last_day)``.

    Examples
    --------
    >>> period_bounds("2024-02")
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))

    """
    p = parse_period(period) if isinstance(period, str) else period
    return p.first_day, p.last_day


def period_containing(day: datetime.date, *, kind: PeriodKind = "quarter") -> Period:
    """Return the month, quarter or year that contains calendar day ``day``."""
    if kind == "month":
        return Period("month", day.year, day.month)
    if kind == "quarter":
        return Period("quarter", day.year, (day.month - 1) // 3 + 1)
    return Period("year", day.year)


def periods_between(
    first: datetime.date, last: datetime.date, *, kind: PeriodKind = "quarter"
) -> list[Period]:
    """List the periods of one kind from the one containing ``first`` to the one with ``last``.

    Returns
    -------
    list of Period
        Oldest first; empty when ``last`` is before ``first``.
    """
    if last < first:
        return []
    current, end = period_containing(first, kind=kind), period_containing(last, kind=kind)
    out = [end]
    while out[-1] != current:
        out.append(out[-1].previous())
    return out[::-1]


def _days(values: pd.Series) -> pd.Series:
    """Return datetimes as calendar days (midnight), NaT for anything unreadable."""
    return pd.to_datetime(values, errors="coerce").dt.normalize()


def _in_days(values: pd.Series, first: datetime.date, last: datetime.date) -> NDArray[np.bool_]:
    day = _days(values)
    low, high = pd.Timestamp(first), pd.Timestamp(last)
    return (day.notna() & (day >= low) & (day <= high)).to_numpy(dtype=bool)


def _in_period(values: pd.Series, period: Period) -> NDArray[np.bool_]:
    return _in_days(values, period.first_day, period.last_day)


def comparison_window(
    period: Period, *, as_of: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """Return the stretch of the previous period that ``period`` up to ``as_of`` compares with.

    A period that is over compares with the whole previous period. A period still running
    on ``as_of`` compares like for like: the previous period up to the same number of days
    from its start (cut at its last day), so a half-run quarter is not set against a full one.

    Parameters
    ----------
    period
        The period looked at.
    as_of
        The data's "today".

    Returns
    -------
    tuple of datetime.date
        ``(first_day, last_day)`` of the comparison, both inclusive.

    Examples
    --------
    >>> comparison_window(Period("quarter", 2026, 4), as_of=datetime.date(2026, 11, 19))
    (datetime.date(2026, 7, 1), datetime.date(2026, 8, 19))
    >>> comparison_window(Period("month", 2026, 3), as_of=datetime.date(2026, 3, 31))
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))

    """
    previous = period.previous()
    if as_of >= period.last_day:
        return previous.first_day, previous.last_day
    elapsed = max((as_of - period.first_day).days, 0)
    last = min(previous.first_day + datetime.timedelta(days=elapsed), previous.last_day)
    return previous.first_day, last


def date_range(
    *tables: tuple[pd.DataFrame | None, str],
) -> tuple[datetime.date, datetime.date] | None:
    """Return the earliest and the latest calendar day found in the given date columns.

    Parameters
    ----------
    *tables
        ``(table, column)`` pairs, e.g. ``(register, "tanggal_terkurasi")``,
        ``(visits, "tanggal")``; a None table or a missing column is skipped.

    Returns
    -------
    tuple of datetime.date or None
        ``(first, last)``, or None when no column holds a date. The dashboard offers the
        periods from the first to the last, and defaults to the one containing the last,
        so figures never depend on the wall clock.
    """
    lows, highs = [], []
    for table, column in tables:
        if table is None or column not in table.columns or table.empty:
            continue
        days = _days(table[column]).dropna()
        if not days.empty:
            lows.append(days.min())
            highs.append(days.max())
    if not highs:
        return None
    return min(lows).date(), max(highs).date()


def latest_date(*tables: tuple[pd.DataFrame | None, str]) -> datetime.date | None:
    """Return the latest calendar day found in the given date columns, or None.

    Parameters
    ----------
    *tables
        ``(table, column)`` pairs, as for :func:`date_range`.

    Returns
    -------
    datetime.date or None
        The data's own "today" (the last day of :func:`date_range`).
    """
    span = date_range(*tables)
    return None if span is None else span[1]


# --------------------------------------------------------------------------------------------
# Figures of a period
# --------------------------------------------------------------------------------------------
_SIZE_RANK = {name: rank for rank, name in enumerate(SIZE_CLASSES)}


def naik_kelas_events(size_history: pd.DataFrame) -> pd.DataFrame:
    """List every rise of a business's size class in its size history.

    A *rise* is a record whose class is above the class of the same business's previous
    record (by ``tanggal``), in the order mikro < kecil < menengah. Records with another or
    a missing class, date or id are left out before comparing, so they neither rise nor
    hide a rise; the first record of a business is never a rise.

    Parameters
    ----------
    size_history
        Size history (:data:`geo.core.register.SIZE_HISTORY_COLUMNS`: ``umkm_id``, ``tanggal``,
        ``skala``).

    Returns
    -------
    pandas.DataFrame
        Columns ``umkm_id`` (string), ``tanggal`` (datetime64, the calendar day of the
        rise), ``dari`` and ``ke`` (the classes before and after), in history order.
    """
    skala = size_history["skala"].astype("string").str.strip().str.lower()
    rows = pd.DataFrame(
        {
            "umkm_id": size_history["umkm_id"].astype("string"),
            "tanggal": _days(size_history["tanggal"]),
            "skala": skala,
            "rank": skala.map(_SIZE_RANK).astype("float64"),
        }
    ).dropna(subset=["umkm_id", "tanggal", "rank"])
    rows = rows.sort_values(["umkm_id", "tanggal"], kind="mergesort")
    grouped = rows.groupby("umkm_id", sort=False)
    previous_rank = grouped["rank"].shift()
    previous_class = grouped["skala"].shift()
    rise = (rows["rank"] > previous_rank).to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "umkm_id": rows["umkm_id"].to_numpy()[rise],
            "tanggal": rows["tanggal"].to_numpy()[rise],
            "dari": previous_class.to_numpy()[rise],
            "ke": rows["skala"].to_numpy()[rise],
        }
    ).astype({"umkm_id": "string", "dari": "string", "ke": "string"})


def naik_kelas(size_history: pd.DataFrame, period: Period) -> int:
    """Count the businesses whose size class rose within a period (naik kelas).

    Parameters
    ----------
    size_history
        Size history (``umkm_id``, ``tanggal``, ``skala``); see :func:`naik_kelas_events`
        for what counts as a rise.
    period
        The period; a rise counts when its record's calendar day lies in it (bounds
        included).

    Returns
    -------
    int
        Distinct businesses with at least one rise in the period (mikro → kecil → menengah
        within one quarter counts once).
    """
    events = naik_kelas_events(size_history)
    return int(events["umkm_id"][_in_period(events["tanggal"], period)].nunique())


def visits_in_period(visits: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Return the visits whose ``tanggal`` (calendar day) lies in the period, bounds included.

    Parameters
    ----------
    visits
        Visits (:data:`geo.core.register.VISIT_COLUMNS`; only ``tanggal`` is needed).
    period
        The period.

    Returns
    -------
    pandas.DataFrame
        The matching rows, in their order, index reset.
    """
    return visits[_in_period(visits["tanggal"], period)].reset_index(drop=True)


def active_sahabat(sahabat: pd.DataFrame, *, tingkat: Sequence[str] | None = None) -> int:
    """Count the active Sahabat UMKM of the roster.

    Parameters
    ----------
    sahabat
        Roster (:data:`geo.core.register.SAHABAT_COLUMNS`). The roster holds the current state
        only (no start or end dates), so this count is "now" whatever the period.
    tingkat
        Only these levels (``"kota"``, ``"kelurahan"``, ``"rw"``); None counts every level.

    Returns
    -------
    int
        Rows with ``aktif`` true (missing counts as not active).
    """
    aktif = sahabat["aktif"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    if tingkat is not None:
        level = sahabat["tingkat"].astype("string").str.strip().str.lower()
        aktif &= level.isin(list(tingkat)).to_numpy(dtype=bool)
    return int(aktif.sum())


def curated_by(register: pd.DataFrame, day: datetime.date) -> pd.DataFrame:
    """Return the register as it stood at the end of calendar day ``day``.

    Entries curated after ``day`` are left out; entries without a curation date are kept
    (they are in the register, only their date is unknown). ``status`` is the current one:
    the register keeps no history of it.
    """
    dates = _days(register["tanggal_terkurasi"])
    keep = (dates.isna() | (dates <= pd.Timestamp(day))).to_numpy(dtype=bool)
    return register[keep]


# --------------------------------------------------------------------------------------------
# Context figures (BPS)
# --------------------------------------------------------------------------------------------
#: Context figures shown beside the program's: poor residents of Kota Malang per BPS.
CONTEXT_PATH: Path = DATA_DIR / "konteks_bps.csv"
CONTEXT_COLUMNS: dict[str, str] = {
    "tahun": "int64",
    "persen_miskin": "float64",
    "jumlah_miskin": "int64",
    "sumber": "string",
}


def load_context(path: str | Path = CONTEXT_PATH) -> pd.DataFrame:
    """Read the context figures (percentage and number of poor residents per year).

    Parameters
    ----------
    path
        CSV with the columns of :data:`CONTEXT_COLUMNS`: ``tahun`` (year), ``persen_miskin``
        (percent of residents, 4.62 for 4.62 %), ``jumlah_miskin`` (persons) and ``sumber``
        (where the figure was published). Default ``data/konteks_bps.csv``.

    Returns
    -------
    pandas.DataFrame
        The rows sorted by ``tahun``, with the dtypes of :data:`CONTEXT_COLUMNS`.

    Raises
    ------
    ValueError
        A column is missing, a value is missing or not a number, a year repeats, or a source
        is empty; the message names the file, the row (the header is row 1) and the column.
    """
    path = Path(path)
    raw = pd.read_csv(path, dtype="string", keep_default_na=False)
    missing = [c for c in CONTEXT_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s): {', '.join(missing)}")
    out = {}
    for column, dtype in CONTEXT_COLUMNS.items():
        text = raw[column].str.strip()
        for position, value in enumerate(text):
            where = f"{path.name}, row {position + 2}, column {column}"
            if not value:
                raise ValueError(f"{where}: empty value")
            if dtype != "string":
                try:
                    number = float(value)
                except ValueError:
                    raise ValueError(f"{where}: not a number: {value!r}") from None
                if dtype == "int64" and not number.is_integer():
                    raise ValueError(f"{where}: not a whole number: {value!r}")
                if number < 0:
                    raise ValueError(f"{where}: negative: {value!r}")
        out[column] = text.astype("float64").astype(dtype) if dtype != "string" else text
    frame = pd.DataFrame(out)
    repeated = frame["tahun"].duplicated()
    if repeated.any():
        position = int(np.flatnonzero(repeated.to_numpy())[0])
        raise ValueError(
            f"{path.name}, row {position + 2}, column tahun: year "
            f"{int(frame['tahun'].iloc[position])} repeats"
        )
    return frame.sort_values("tahun", kind="mergesort", ignore_index=True)


# --------------------------------------------------------------------------------------------
# Everything the dashboard and the brief show
# --------------------------------------------------------------------------------------------
class PeriodKpi(TypedDict):
    """The headline figures of a period (:attr:`DashboardFigures.kpi`)."""

    curated: int
    """Active curated UMKM at the end of the period (or at ``as_of``, if earlier)."""
    target: int
    """The program's target (30,000)."""
    share: float
    """``curated / target``."""
    remaining: int
    """``target - curated``, at least 0."""
    earlier: int
    """The earlier published count (19,000)."""
    growth: int
    """``curated - earlier``."""
    growth_share: float
    """``growth / earlier``."""
    new: int
    """Active UMKM curated within the period."""
    new_previous: int
    """The same in the comparison window (:attr:`DashboardFigures.previous`)."""
    naik_kelas: int
    """Businesses whose size class rose within the period (:func:`naik_kelas`)."""
    naik_kelas_previous: int
    """The same in the comparison window."""
    sahabat_active: int
    """Active Sahabat UMKM on the roster, every level (the roster's current state)."""
    sahabat_visiting: int
    """Distinct officers (``petugas``) who recorded a visit in the period."""
    flagged: int
    """Kelurahan flagged for too few Sahabat UMKM at ``as_of`` (see geo.analysis.coverage)."""
    kelurahan: int
    """Kelurahan in the layer (57)."""
    visits: int
    """Visits recorded in the period."""
    visits_previous: int
    """Visits recorded in the comparison window."""
    kelurahan_visited: int
    """Distinct kelurahan with at least one visit in the period."""
    undated: int
    """Active UMKM without a curation date (counted in ``curated``, in no trend bin)."""


@dataclass(frozen=True)
class DashboardFigures:
    """Every figure the leadership dashboard and the printable brief show, for one period.

    Built by :func:`dashboard_figures`; the page and the brief both read this object, so
    their figures are equal by construction.

    Attributes
    ----------
    period
        The period.
    as_of
        Reference day: the period's last day, or the data's latest day when that is earlier
        (the current period is not over yet).
    latest
        The data's latest day (:func:`latest_date`), or None for empty data.
    previous
        First and last day of the comparison window of the ``*_previous`` figures
        (:func:`comparison_window`).
    kpi
        Headline figures (:class:`PeriodKpi`).
    over_time
        Cumulative curated UMKM per month up to ``as_of`` (:func:`curated_over_time`).
    by_kecamatan, by_kelurahan, by_sektor, by_skala
        :func:`counts_by` of the register at ``as_of`` (``jumlah``) with a ``baru`` column:
        how many of them were curated within the period.
    kecamatan
        The five kecamatan side by side: ``kode``, ``nama``, ``umkm_aktif``, ``baru``,
        ``naik_kelas``, ``sahabat_aktif`` (counted at kelurahan and RW level),
        ``umkm_per_sahabat``, ``kelurahan_flagged``, ``kunjungan``.
    coverage
        :func:`geo.analysis.coverage.coverage` of the register at ``as_of`` (EPSG:4326), one row per
        kelurahan with ``umkm_per_km2`` (UMKM per km²), ``flagged``, ``prioritas`` and
        ``peringkat``.
    priority
        The ``top`` highest-priority kelurahan (``peringkat`` 1 first, only those with a
        priority above 0), without geometry.
    context
        Context figures (:func:`load_context`), one row per year with their source.
    """

    period: Period
    as_of: datetime.date
    latest: datetime.date | None
    previous: tuple[datetime.date, datetime.date]
    kpi: PeriodKpi
    over_time: pd.DataFrame
    by_kecamatan: pd.DataFrame
    by_kelurahan: pd.DataFrame
    by_sektor: pd.DataFrame
    by_skala: pd.DataFrame
    kecamatan: pd.DataFrame
    coverage: gpd.GeoDataFrame
    priority: pd.DataFrame
    context: pd.DataFrame


_PRIORITY_COLUMNS = (
    "peringkat",
    "kode",
    "nama",
    "kecamatan",
    "umkm_aktif",
    "sahabat_aktif",
    "umkm_per_sahabat",
    "hari_sejak_kunjungan",
    "prioritas",
    "flagged",
    "alasan",
)


def _with_new(
    stock: pd.DataFrame,
    new: pd.DataFrame,
    column: str,
    *,
    kelurahan: pd.DataFrame | None,
    lang: str,
) -> pd.DataFrame:
    counts = counts_by(stock, column, kelurahan=kelurahan, lang=lang)
    fresh = counts_by(new, column, kelurahan=kelurahan, lang=lang).set_index("kode")["jumlah"]
    baru = fresh.reindex(counts["kode"], fill_value=0).to_numpy(dtype="int64")
    return counts.assign(baru=baru)


def _kecamatan_table(
    cov: gpd.GeoDataFrame,
    new: pd.DataFrame,
    rises: pd.DataFrame,
    kode_of: pd.Series,
    visits: pd.DataFrame,
) -> pd.DataFrame:
    index = pd.Index(list(KECAMATAN_NAMES), name="kode")

    def per_kecamatan(
        kode: pd.Series, weights: NDArray[np.int64] | None = None
    ) -> NDArray[np.int64]:
        keys = kode.astype("string").str.strip().str[:_KECAMATAN_KODE_LENGTH]
        if weights is None:
            counts = keys.value_counts()
        else:
            counts = pd.Series(weights, index=keys.index).groupby(keys, dropna=True).sum()
        return counts.reindex(index, fill_value=0).to_numpy(dtype="int64")

    grouped = (
        pd.DataFrame(
            {
                "kode": cov["kode_kecamatan"].astype(str).to_numpy(),
                "umkm_aktif": cov["umkm_aktif"].to_numpy(),
                "sahabat_aktif": cov["sahabat_aktif"].to_numpy(),
                "kelurahan_flagged": cov["flagged"].to_numpy(dtype="int64"),
            }
        )
        .groupby("kode")
        .sum()
        .reindex(index, fill_value=0)
    )
    rise_kode = kode_of.reindex(rises["umkm_id"].drop_duplicates().to_numpy())
    umkm = grouped["umkm_aktif"].to_numpy(dtype="int64")
    sahabat = grouped["sahabat_aktif"].to_numpy(dtype="int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(sahabat > 0, umkm / np.maximum(sahabat, 1), np.nan)
    return pd.DataFrame(
        {
            "kode": pd.Series(list(index), dtype="string"),
            "nama": pd.Series(list(KECAMATAN_NAMES.values()), dtype="string"),
            "umkm_aktif": umkm,
            "baru": per_kecamatan(new["kode_kelurahan"], umkm_weights(new)),
            "naik_kelas": per_kecamatan(pd.Series(rise_kode.to_numpy(), dtype="string")),
            "sahabat_aktif": sahabat,
            "umkm_per_sahabat": ratio,
            "kelurahan_flagged": grouped["kelurahan_flagged"].to_numpy(dtype="int64"),
            "kunjungan": per_kecamatan(visits["kode_kelurahan"]),
        }
    )


@dataclass(frozen=True)
class DashboardOptions:
    """Less common options of :func:`dashboard_figures`.

    Attributes
    ----------
    as_of
        The data's "today". None: :func:`latest_date` of the register, visits and size
        history. The reference day of the figures is the earlier of it and the period's
        last day.
    context
        Context figures; None: :func:`load_context` of ``data/konteks_bps.csv``.
    top
        How many highest-priority kelurahan to list.
    kode_of
        ``kode_kelurahan`` by UMKM id (``Store.kode_kelurahan_of``), for naik kelas per
        kecamatan when the register is given as counts (it has no ``id``); None: taken from
        the register's ``id`` and ``kode_kelurahan``. Must cover the ids of the size history.
    """

    as_of: datetime.date | None = None
    context: pd.DataFrame | None = None
    top: int = 10
    kode_of: pd.Series | None = None


def _kode_of(register: pd.DataFrame, given: pd.Series | None) -> pd.Series:
    """``kode_kelurahan`` by UMKM id (``string`` index, unique)."""
    if given is not None:
        kode_of = given.copy()
        kode_of.index = kode_of.index.astype("string")
    elif "id" in register.columns:
        kode_of = register.set_index(register["id"].astype("string"))["kode_kelurahan"]
    else:
        raise ValueError("a register given as counts has no id: pass options.kode_of")
    return kode_of[~kode_of.index.duplicated()]


def _with_source(table: pd.DataFrame, kelurahan: pd.DataFrame | None) -> pd.DataFrame:
    """Carry the boundary layer's source label (:func:`geo.wilayah.citylayer.attribution`)."""
    if kelurahan is not None and kelurahan.attrs.get(ATTRIBUTION_KEY):
        table.attrs[ATTRIBUTION_KEY] = kelurahan.attrs[ATTRIBUTION_KEY]
    return table


def dashboard_figures(
    register: gpd.GeoDataFrame,
    *,
    sahabat: pd.DataFrame,
    visits: pd.DataFrame,
    size_history: pd.DataFrame,
    kelurahan: gpd.GeoDataFrame,
    period: Period,
    options: DashboardOptions | None = None,
    lang: str = "id",
) -> DashboardFigures:
    """Compute every figure of the leadership dashboard and the brief for one period.

    Parameters
    ----------
    register
        UMKM register (personal fields may already be stripped; none is used), or the register
        given as counts (``Store.umkm_counts`` grouped by ``kode_kelurahan``, ``sektor``,
        ``skala``, ``status`` and ``tanggal_terkurasi``, with ``options.kode_of``): same
        figures.
    sahabat
        Sahabat UMKM roster.
    visits
        Visits.
    size_history
        Size history (for naik kelas).
    kelurahan
        Kelurahan layer (:func:`geo.wilayah.kelurahan`, any CRS; results in EPSG:4326).
    period
        The period every figure refers to.
    options
        The data's "today", the context figures and how many priority kelurahan to list
        (:class:`DashboardOptions`; its defaults when None).
    lang
        Language of the category labels.

    Returns
    -------
    DashboardFigures
        See the class. Stock figures (curated, breakdowns, coverage) describe the register
        at the reference day; flow figures (new, naik kelas, visits) count events within the
        period, bounds included, and also in the comparison window
        (:func:`comparison_window`) of the previous period.
    """
    opts = DashboardOptions() if options is None else options
    latest = latest_date(
        (register, "tanggal_terkurasi"), (visits, "tanggal"), (size_history, "tanggal")
    )
    today = opts.as_of or latest or period.last_day
    reference = min(period.last_day, today)
    stock = curated_by(register, reference)
    active = _active(stock)
    new = active[_in_period(active["tanggal_terkurasi"], period)]
    window = comparison_window(period, as_of=reference)
    all_active = _active(register)
    new_before = all_active[_in_days(all_active["tanggal_terkurasi"], *window)]
    period_visits = visits_in_period(visits, period)
    rises = naik_kelas_events(size_history)
    period_rises = rises[_in_period(rises["tanggal"], period)]

    cov = coverage(kelurahan, stock, sahabat, visits, as_of=reference)
    ranked = cov[cov["prioritas"].to_numpy() > 0].sort_values("peringkat", kind="mergesort")
    priority_table = pd.DataFrame(ranked[list(_PRIORITY_COLUMNS)]).head(opts.top)

    progress = program_progress(stock)
    dated = pd.to_datetime(active["tanggal_terkurasi"], errors="coerce")
    kpi = PeriodKpi(
        curated=progress["active"],
        target=progress["target"],
        share=progress["share"],
        remaining=progress["remaining"],
        earlier=progress["earlier"],
        growth=progress["growth"],
        growth_share=progress["growth_share"],
        new=_total(new),
        new_previous=_total(new_before),
        naik_kelas=int(period_rises["umkm_id"].nunique()),
        naik_kelas_previous=int(rises["umkm_id"][_in_days(rises["tanggal"], *window)].nunique()),
        sahabat_active=active_sahabat(sahabat),
        sahabat_visiting=int(period_visits["petugas"].dropna().nunique()),
        flagged=int(cov["flagged"].sum()),
        kelurahan=len(cov),
        visits=len(period_visits),
        visits_previous=int(_in_days(visits["tanggal"], *window).sum()),
        kelurahan_visited=int(period_visits["kode_kelurahan"].dropna().nunique()),
        undated=int(umkm_weights(active)[dated.isna().to_numpy(dtype=bool)].sum()),
    )
    return DashboardFigures(
        period=period,
        as_of=reference,
        latest=latest,
        previous=window,
        kpi=kpi,
        over_time=curated_over_time(stock),
        by_kecamatan=_with_new(stock, new, "kecamatan", kelurahan=None, lang=lang),
        by_kelurahan=_with_source(
            _with_new(stock, new, "kelurahan", kelurahan=kelurahan, lang=lang), kelurahan
        ),
        by_sektor=_with_new(stock, new, "sektor", kelurahan=None, lang=lang),
        by_skala=_with_new(stock, new, "skala", kelurahan=None, lang=lang),
        kecamatan=_kecamatan_table(
            cov, new, period_rises, _kode_of(register, opts.kode_of), period_visits
        ),
        coverage=cov,
        priority=priority_table.reset_index(drop=True),
        context=load_context() if opts.context is None else opts.context,
    )


#: The columns the dashboard counts the register by when it reads counts, not rows.
DASHBOARD_COUNT_BY: tuple[str, ...] = (
    "kode_kelurahan",
    "sektor",
    "skala",
    "status",
    "tanggal_terkurasi",
)


@dataclass(frozen=True)
class CountSource:
    """Where :func:`dashboard_from_counts` reads the register as counts.

    Attributes
    ----------
    count : callable
        ``count(by=columns, tanggal_cuts=days)`` -> UMKM counted per those columns, weight in
        ``n_umkm`` (``Store.umkm_counts`` or a cached wrapper of it).
    kode_of : callable
        ``kode_of(ids)`` -> the ``kode_kelurahan`` of those UMKM, indexed by id
        (``Store.kode_kelurahan_of``).
    """

    count: Callable[..., pd.DataFrame]
    kode_of: Callable[[list[str]], pd.Series]


def dashboard_from_counts(
    source: CountSource,
    *,
    sahabat: pd.DataFrame,
    visits: pd.DataFrame,
    size_history: pd.DataFrame,
    kelurahan: gpd.GeoDataFrame,
    period: Period,
    lang: str = "id",
) -> DashboardFigures:
    """Compute :func:`dashboard_figures` from counts the database makes, no register rows.

    Curation days are counted per day first (to find the data's latest day), then the register
    is counted by :data:`DASHBOARD_COUNT_BY` with the days grouped by month and by the two cut
    days of the period (the reference day and the end of the comparison window): the same
    figures as from the rows, from far fewer rows. Arguments as :func:`dashboard_figures`.
    """
    days = source.count(by=("tanggal_terkurasi",))
    latest = latest_date(
        (days, "tanggal_terkurasi"), (visits, "tanggal"), (size_history, "tanggal")
    )
    reference = min(period.last_day, latest or period.last_day)
    window = comparison_window(period, as_of=reference)
    counts = source.count(by=DASHBOARD_COUNT_BY, tanggal_cuts=(reference, window[1]))
    risers = naik_kelas_events(size_history)["umkm_id"].drop_duplicates().tolist()
    return dashboard_figures(
        counts,
        sahabat=sahabat,
        visits=visits,
        size_history=size_history,
        kelurahan=kelurahan,
        period=period,
        options=DashboardOptions(kode_of=source.kode_of(risers)),
        lang=lang,
    )


@dataclass(frozen=True)
class KpiTile:
    """One headline tile, with its texts already in the reader's language.

    Attributes
    ----------
    key
        Stable name of the figure (a key of :class:`PeriodKpi`).
    label
        What the figure is.
    value
        The figure, formatted (``21.270``).
    delta
        A comparison under the figure (``+312 dibanding periode sebelumnya``), or None.
    delta_color
        ``"normal"`` (a rise is good), ``"inverse"`` or ``"off"`` (no judgement).
    help
        One sentence on how the figure is counted.
    """

    key: str
    label: str
    value: str
    delta: str | None
    delta_color: Literal["normal", "inverse", "off"]
    help: str


def comparison_label(figures: DashboardFigures, *, lang: str = "id") -> str:
    """Name the stretch of time the ``*_previous`` figures cover.

    Returns
    -------
    str
        The previous period's label (``Triwulan III 2026``) when the comparison window is the
        whole of it, else its days (``1 Juli – 19 Agustus 2026``).
    """
    first, last = figures.previous
    previous = figures.period.previous()
    if (first, last) == (previous.first_day, previous.last_day):
        return previous.label(lang)
    return f"{first.day} {month_name(first.month, lang)} – {format_date(last, lang)}"


def kpi_tiles(figures: DashboardFigures, *, lang: str = "id") -> list[KpiTile]:
    """Return the headline tiles of a period, formatted once for the dashboard and the brief.

    Parameters
    ----------
    figures
        Result of :func:`dashboard_figures`.
    lang
        Language of the texts and the number format (``21.270`` or ``21,270``).

    Returns
    -------
    list of KpiTile
        UMKM terkurasi (against the target), what remains to the target, growth since the
        earlier figure, new UMKM in the period, naik kelas, active Sahabat UMKM, flagged
        kelurahan and visits, in this order.
    """
    k = figures.kpi

    def num(value: float, *, signed: bool = False) -> str:
        return format_number(value, lang, signed=signed)

    compared = comparison_label(figures, lang=lang)

    def versus(now: int, before: int) -> str:
        return t("dasbor.kpi.vs_previous", lang, change=num(now - before, signed=True))

    def tile(key: str, value: str, delta: str | None, color: str, **fmt: object) -> KpiTile:
        return KpiTile(
            key=key,
            label=t(f"dasbor.kpi.{key}", lang, **fmt),
            value=value,
            delta=delta,
            delta_color=color,  # type: ignore[arg-type]
            help=t(f"dasbor.kpi.{key}_help", lang, **fmt)
            + (
                " " + t("dasbor.kpi.compared_help", lang, previous=compared)
                if color == "normal"
                else ""
            ),
        )

    share = format_percent(k["share"], lang)
    return [
        tile(
            "curated",
            num(k["curated"]),
            t("dasbor.kpi.curated_delta", lang, share=share, target=num(k["target"])),
            "off",
            target=num(k["target"]),
        ),
        tile(
            "remaining",
            num(k["remaining"]),
            t("dasbor.kpi.remaining_delta", lang, target=num(k["target"])),
            "off",
            target=num(k["target"]),
        ),
        tile(
            "growth",
            num(k["growth"], signed=True),
            format_percent(k["growth_share"], lang, signed=True),
            "normal",
            earlier=num(k["earlier"]),
        ),
        tile("new", num(k["new"]), versus(k["new"], k["new_previous"]), "normal"),
        tile(
            "naik_kelas",
            num(k["naik_kelas"]),
            versus(k["naik_kelas"], k["naik_kelas_previous"]),
            "normal",
        ),
        tile(
            "sahabat_active",
            num(k["sahabat_active"]),
            t("dasbor.kpi.sahabat_active_delta", lang, visiting=num(k["sahabat_visiting"])),
            "off",
        ),
        tile(
            "flagged",
            num(k["flagged"]),
            t("dasbor.kpi.flagged_delta", lang, kelurahan=num(k["kelurahan"])),
            "off",
        ),
        tile(
            "visits",
            num(k["visits"]),
            versus(k["visits"], k["visits_previous"]),
            "normal",
            visited=num(k["kelurahan_visited"]),
        ),
    ]
