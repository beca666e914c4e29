"""VROOM's first routes: every stop at most once, windows and the day kept, shares capped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.planning import routing, vroom_solver
from geo.planning.stops import Depot, validate_stops

DEPOT = Depot("balai-kota", "Balai Kota Malang", "Jl. Tugu No. 1", -7.97724, 112.63411, "jalan")


def _problem(n: int, seed: int, *, officers: int, **columns: object) -> routing._Problem:
    rng = np.random.default_rng(seed)
    stops = pd.DataFrame(
        {
            "id": [f"s{i}" for i in range(n)],
            "nama": [f"Titik {i}" for i in range(n)],
            "lat": DEPOT.lat + rng.uniform(-0.04, 0.04, n),
            "lon": DEPOT.lon + rng.uniform(-0.035, 0.035, n),
        }
    )
    day = {k: columns.pop(k) for k in ("start", "end", "minutes_per_stop") if k in columns}
    for key, value in columns.items():
        stops[key] = value
    valid = validate_stops(stops)
    opts = routing.SolveOptions(**day)
    matrix = routing._stop_matrix(valid, DEPOT, options=opts, matrix=None)
    return routing._problem(valid, matrix, officers=officers, options=opts)


def _feasible(p: routing._Problem, route: list[int]) -> bool:
    return routing.schedule_route(route, **p.times) is not None


def test_pyvroom_is_installed():
    assert vroom_solver.available()


def test_exploration_level_falls_with_the_stops():
    assert vroom_solver.exploration_level(10) == vroom_solver.DEFAULT_EXPLORATION_LEVEL == 5
    assert vroom_solver.exploration_level(40) == 5
    assert vroom_solver.exploration_level(80) == 3
    assert vroom_solver.exploration_level(200) == 2


@pytest.mark.parametrize(("n", "officers", "seed"), [(9, 1, 1), (20, 3, 2), (31, 4, 3)])
def test_routes_visit_each_stop_once_within_the_day(n, officers, seed):
    p = _problem(n, seed, officers=officers, minutes_per_stop=15, start=8 * 60, end=16 * 60)
    routes = vroom_solver.vroom_routes(p, list(range(n)))
    assert len(routes) == officers
    nodes = [x for r in routes for x in r]
    assert sorted(nodes) == list(range(1, n + 1))  # the long day fits every stop
    assert all(_feasible(p, r) for r in routes if r)
    if officers > 1:  # equal shares: VROOM alone would put everything on one officer
        assert max(map(len, routes)) <= -(-n // officers)


def test_only_the_candidates_are_routed():
    p = _problem(8, 4, officers=2)
    routes = vroom_solver.vroom_routes(p, [0, 2, 5])
    assert sorted(x for r in routes for x in r) == [1, 3, 6]
    assert vroom_solver.vroom_routes(p, []) == [[], []]


def test_windows_are_met():
    rng = np.random.default_rng(5)
    n = 14
    opens = rng.integers(8 * 60, 12 * 60, n)
    p = _problem(
        n,
        5,
        officers=2,
        minutes_per_stop=20,
        end=16 * 60,
        window_start=[f"{o // 60:02d}:{o % 60:02d}" for o in opens],
        window_end=[f"{(o + 45) // 60:02d}:{(o + 45) % 60:02d}" for o in opens],
    )
    routes = vroom_solver.vroom_routes(p, list(range(n)))
    nodes = [x for r in routes for x in r]
    assert len(nodes) == len(set(nodes))
    for r in routes:
        s = routing.schedule_route(r, **p.times)
        assert s is not None
        for node, begin in zip(r, s.begin, strict=True):
            assert p.open_s[node] <= begin <= p.close_s[node]


def test_must_visit_stops_are_kept_before_optional_ones():
    # Room for one 50-minute visit in the day: the must-visit stop is the one kept.
    p = _problem(
        3,
        6,
        officers=1,
        minutes_per_stop=50,
        start=8 * 60,
        end=9 * 60 + 10,
        must_visit=[False, False, True],
    )
    routes = vroom_solver.vroom_routes(p, [0, 1, 2])
    assert routes == [[3]]


def test_a_cap_that_leaves_stops_out_is_lifted(monkeypatch):
    p = _problem(4, 7, officers=2, must_visit=[False, False, False, True])
    capped = vroom_solver._solve_once(p, [0, 1, 2, 3], max_tasks=1, level=1, timeout_s=None)
    assert sorted(map(len, capped)) == [1, 1]  # the cap is VROOM's max_tasks
    answers = {2: [[1, 2], [3]], None: [[1, 2, 3, 4], []]}
    calls: list[int | None] = []

    def fake(problem, candidates, *, max_tasks, level, timeout_s):
        calls.append(max_tasks)
        return answers[max_tasks]

    monkeypatch.setattr(vroom_solver, "_solve_once", fake)
    assert vroom_solver.vroom_routes(p, [0, 1, 2, 3]) == [[1, 2, 3, 4], []]
    assert calls == [2, None]
    # Fewer stops, but the must-visit one (node 4) among them: the capped routes win.
    answers = {2: [[4], [1]], None: [[1, 2, 3], []]}
    assert vroom_solver.vroom_routes(p, [0, 1, 2, 3]) == [[4], [1]]
    # All fit under the cap: VROOM is asked once.
    answers = {2: [[1, 2], [3, 4]], None: [[1, 2, 3, 4], []]}
    calls.clear()
    assert vroom_solver.vroom_routes(p, [0, 1, 2, 3]) == [[1, 2], [3, 4]]
    assert calls == [2]
