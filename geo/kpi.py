"""Key figures of the program for the landing page and the CLI.

Pure functions of the register GeoDataFrame (columns of :data:`geo.register.UMKM_COLUMNS`):
progress of the Sahabat UMKM curation program against its target, counts by sector, size
class, kecamatan or kelurahan, and the cumulative curated count over time.

A business counts as *curated* when it is in the register with ``status == "aktif"``; the
functions take ``active_only`` where counting inactive entries too makes sense.
"""

from __future__ import annotations

from typing import TypedDict

import pandas as pd

from geo.i18n import UNKNOWN_CATEGORY, category_label
from geo.register import SECTORS, SIZE_CLASSES, STATUS
from geo.settings import CURATED_EARLIER, CURATED_TARGET, KECAMATAN_NAMES

__all__ = [
    "COUNTABLE_COLUMNS",
    "UNKNOWN_CATEGORY",
    "ProgramProgress",
    "counts_by",
    "curated_over_time",
    "program_progress",
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
        Target count of curated UMKM (default :data:`geo.settings.CURATED_TARGET`).
    earlier
        Earlier published count (default :data:`geo.settings.CURATED_EARLIER`).

    Returns
    -------
    ProgramProgress
        ``active``, ``target``, ``share``, ``remaining``, ``earlier``, ``growth`` and
        ``growth_share``.

    """
    active = len(_active(register))
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
        ``kode_kelurahan``, named with :data:`geo.settings.KECAMATAN_NAMES`), ``"kelurahan"``
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
    counts = keys.fillna(UNKNOWN_CATEGORY).value_counts(sort=True)
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
    dates = pd.to_datetime(rows["tanggal_terkurasi"]).dropna()
    if dates.empty:
        return pd.DataFrame(
            {
                "tanggal": pd.Series(dtype="datetime64[ns]"),
                "baru": pd.Series(dtype="int64"),
                "kumulatif": pd.Series(dtype="int64"),
            }
        )
    per_bin = pd.Series(1, index=pd.DatetimeIndex(dates)).resample(freq).sum()
    return pd.DataFrame(
        {
            "tanggal": per_bin.index.astype("datetime64[ns]"),
            "baru": per_bin.to_numpy(dtype="int64"),
            "kumulatif": per_bin.cumsum().to_numpy(dtype="int64"),
        }
    )
