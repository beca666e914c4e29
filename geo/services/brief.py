"""Write the leadership brief (Laporan Ringkas) to a file: ``python -m geo brief``.

The brief is computed and rendered by :mod:`geo.render.brief` from the store's data; this module
writes the file, refusing paths it cannot write with a message that says why (no traceback).
"""

from __future__ import annotations

from pathlib import Path

from geo.analysis import kpi
from geo.core.paths import output_problem
from geo.core.progress import Progress, no_progress
from geo.render.brief import BriefFormat, brief_from_store
from geo.store import Store

__all__ = ["write_brief"]


def write_brief(
    store: Store,
    *,
    output: Path,
    period: kpi.Period | str | None = None,
    fmt: BriefFormat = "pdf",
    lang: str = "id",
    progress: Progress = no_progress,
) -> tuple[Path, kpi.DashboardFigures]:
    """Write the brief of a period to a file.

    Parameters
    ----------
    store
        The store to read.
    output
        Where to write; its folder must exist. Nothing is written when the period, the store
        or the path is refused.
    period
        A :class:`geo.analysis.kpi.Period`, its code, or None for the quarter containing the
        data's latest day.
    fmt
        ``"pdf"`` or ``"html"``.
    lang
        Language of the brief.
    progress
        ``progress(fraction, message)`` callback.

    Returns
    -------
    tuple
        The path written and the figures it shows.

    Raises
    ------
    ValueError
        The period is not understood, the store holds no UMKM, or the file cannot be written
        (the message says which).
    """
    output = Path(output)
    problem = output_problem(output)
    if problem:
        raise ValueError(problem)
    data, figures = brief_from_store(store, period=period, fmt=fmt, lang=lang, progress=progress)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise ValueError(f"{output} tidak dapat ditulis: {exc.strerror or exc}") from exc
    return output, figures
