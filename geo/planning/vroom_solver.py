"""First routes from VROOM, the open-source vehicle routing engine (pyvroom, BSD-2).

:func:`geo.planning.routing.solve` with ``solver="vroom"`` asks VROOM for the officers' routes
and then lets OR-Tools improve them from there (a warm start, see
:mod:`geo.planning.routing`). VROOM's own objective is the total travel time; it has no cost
for the length of the working day, so alone it puts every stop on one officer when the day is
long enough. :func:`vroom_routes` therefore caps the visits per officer at an equal share
(``ceil(stops / officers)``) and, when the cap leaves a stop out, also solves without it and
keeps whichever routes visit more stops. OR-Tools then balances the routes against the real
objective (travel + span) and decides which stops to drop (priorities, must-visit stops), so
the plan's guarantees are the same whichever solver made the first routes.

The model is the one of :mod:`geo.planning.routing`: node 0 is the depot, node ``i`` the stop
of position ``i - 1``; times in seconds since midnight (WIB); the travel matrix is the rounded
one the OR-Tools model uses. VROOM's job priority (0-100, higher kept first) is 100 for
must-visit stops and 0 for the others.
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_EXPLORATION_LEVEL",
    "VroomProblem",
    "available",
    "exploration_level",
    "vroom_routes",
]

#: VROOM's search depth, 0-5 (its command line's ``-x``; 5 is the deepest and slowest).
DEFAULT_EXPLORATION_LEVEL = 5
#: Must-visit stops' VROOM priority (VROOM keeps the highest total priority first).
_MUST_PRIORITY = 100
_PROFILE = "car"


class VroomProblem(Protocol):
    """What :func:`vroom_routes` reads of a routing problem (nodes: 0 = depot, i = stop i - 1).

    Attributes
    ----------
    officers
        Number of officers (vehicles).
    travel
        Travel times between nodes, integer seconds, shape (n + 1, n + 1).
    service
        Service time per node, seconds.
    open_s, close_s
        Window per node in which a visit must start, seconds since midnight.
    must
        Per stop (position, not node): must it be visited.
    start_s, end_s
        The working day, seconds since midnight.
    """

    officers: int
    travel: NDArray[np.int64]
    service: NDArray[np.int64]
    open_s: NDArray[np.int64]
    close_s: NDArray[np.int64]
    must: NDArray[np.bool_]
    start_s: int
    end_s: int


def available() -> bool:
    """Return True when pyvroom can be imported."""
    return importlib.util.find_spec("vroom") is not None


def exploration_level(n_stops: int) -> int:
    """Return the VROOM exploration level for ``n_stops`` stops.

    The deepest level (5) up to 40 stops, 3 up to 80 and 2 beyond. VROOM's time grows
    quickly with the level: on the benchmark machine (2 cores) 100 stops took about 0.8 s
    of CPU at level 2 and 1.4 s at level 3, 200 stops several seconds at level 2, while
    levels above 2 improved the routes by 1-2 % only (``bench/routing.py``; the OR-Tools
    search that follows closes most of that).
    """
    if n_stops <= 40:
        return DEFAULT_EXPLORATION_LEVEL
    if n_stops <= 80:
        return 3
    return 2


def _solve_once(
    problem: VroomProblem,
    candidates: Sequence[int],
    *,
    max_tasks: int | None,
    level: int,
    timeout_s: float | None,
) -> list[list[int]]:
    import vroom

    p = problem
    data = vroom.Input()
    data.set_durations_matrix(_PROFILE, np.asarray(p.travel, dtype="uint32"))
    extra = {} if max_tasks is None else {"max_tasks": int(max_tasks)}
    for v in range(p.officers):
        data.add_vehicle(
            vroom.Vehicle(
                v + 1,
                start=0,
                end=0,
                profile=_PROFILE,
                time_window=vroom.TimeWindow(int(p.start_s), int(p.end_s)),
                **extra,
            )
        )
    for i in candidates:
        node = i + 1
        data.add_job(
            vroom.Job(
                node,
                location=node,
                default_service=int(p.service[node]),
                priority=_MUST_PRIORITY if bool(p.must[i]) else 0,
                time_windows=[vroom.TimeWindow(int(p.open_s[node]), int(p.close_s[node]))],
            )
        )
    threads = max(1, min(2, os.cpu_count() or 1))
    timeout = None if timeout_s is None else timedelta(seconds=max(0.01, timeout_s))
    solution = data.solve(exploration_level=level, nb_threads=threads, timeout=timeout)
    routes = solution.routes
    sequences: list[list[int]] = [[] for _ in range(p.officers)]
    if routes.empty:
        return sequences
    jobs = routes[routes["type"] == "job"]
    for vehicle, node in zip(jobs["vehicle_id"], jobs["id"], strict=True):
        sequences[int(vehicle) - 1].append(int(node))
    return sequences


def vroom_routes(
    problem: VroomProblem,
    candidates: Sequence[int],
    *,
    level: int | None = None,
    timeout_s: float | None = None,
) -> list[list[int]]:
    """Return VROOM's routes through the candidate stops: one node list per officer.

    Parameters
    ----------
    problem
        The routing problem (see :class:`VroomProblem`).
    candidates
        Positions (0-based) of the stops to route; the others are left out.
    level
        VROOM's exploration level, 0-5; :func:`exploration_level` of the candidates when None.
    timeout_s
        Seconds after which VROOM stops improving and returns its best routes (each of its
        at most two runs); None: no limit. Its routes then depend on the machine's speed.

    Returns
    -------
    list of list of int
        For each officer, the nodes (stop position + 1) in visiting order. Stops VROOM could
        not fit are in no list. With more than one officer the visits per officer are capped
        at an equal share unless that leaves more stops out than no cap.

    Raises
    ------
    ImportError
        pyvroom is not installed.
    """
    if not candidates:
        return [[] for _ in range(problem.officers)]
    chosen = exploration_level(len(candidates)) if level is None else int(level)
    if problem.officers == 1:
        return _solve_once(problem, candidates, max_tasks=None, level=chosen, timeout_s=timeout_s)
    share = math.ceil(len(candidates) / problem.officers)
    capped = _solve_once(problem, candidates, max_tasks=share, level=chosen, timeout_s=timeout_s)
    if sum(map(len, capped)) == len(candidates):
        return capped
    free = _solve_once(problem, candidates, max_tasks=None, level=chosen, timeout_s=timeout_s)

    def kept(routes: list[list[int]]) -> tuple[int, int]:
        nodes = [n for r in routes for n in r]
        return sum(bool(problem.must[n - 1]) for n in nodes), len(nodes)

    return free if kept(free) > kept(capped) else capped
