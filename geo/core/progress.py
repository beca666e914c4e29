"""The progress callback every long task takes (demo generation, imports, the brief).

A task calls ``progress(fraction, message)`` with the fraction done (0-1) and what it is doing
in Bahasa Indonesia; the CLI draws a tqdm bar from it, a page an ``st.progress`` bar.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "no_progress"]

#: ``progress(fraction done 0-1, message)``.
Progress = Callable[[float, str], None]


def no_progress(_fraction: float, _message: str) -> None:
    """Report nothing (the default callback)."""
    return None
