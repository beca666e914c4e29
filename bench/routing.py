"""Benchmark: visit routing, default search time against a ten times longer search.

Run: ``.venv/bin/python bench/routing.py [--sizes 10 25 50 100] [--officers 1 3]``. Prints a
Markdown table: for each size and number of officers, the wall time of
:func:`geo.planning.routing.solve` with its default time limit
(:func:`geo.planning.routing.default_time_limit`,
travel matrix included), its cost, the cost of the first solution alone (local cheapest
insertion, no local search) and the gap to the best cost found by a search ten times longer,
all measured in the same run.

Stops are uniform random points inside Kota Malang (seed 35), the depot is Balai Kota, travel
times the offline estimate. The day is long (06:00-22:00) and visits short (5 minutes) so that
every stop fits even for one officer: the costs then compare routes, not numbers of dropped
stops. The target is 50 stops with 3 officers in under 3 s.
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import datetime

import numpy as np
import pandas as pd
import shapely

from geo import wilayah
from geo.planning import routing
from geo.planning.stops import depot_from_offices
from geo.wilayah.sentra import load_offices

TARGET = (50, 3, 3.0)  # stops, officers, seconds


def _stops(n: int, *, seed: int = 35) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    city = wilayah.city_outline().geometry.iloc[0]
    minx, miny, maxx, maxy = city.bounds
    xs: list[float] = []
    ys: list[float] = []
    while len(xs) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(city, x, y):
            xs.append(x)
            ys.append(y)
    return pd.DataFrame(
        {
            "id": [f"s{i}" for i in range(n)],
            "nama": [f"Titik {i}" for i in range(n)],
            "lat": ys,
            "lon": xs,
        }
    )


def _run(stops: pd.DataFrame, officers: int, **kw: object) -> tuple[routing.Plan, float]:
    depot = depot_from_offices(load_offices(), "balai-kota")
    start = time.perf_counter()
    plan = routing.solve(
        stops,
        depot,
        officers=officers,
        options=routing.SolveOptions(start=6 * 60, end=22 * 60, minutes_per_stop=5, **kw),
    )
    return plan, time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 25, 50, 100])
    parser.add_argument("--officers", type=int, nargs="+", default=[1, 3])
    args = parser.parse_args()
    _run(_stops(3), 1, time_limit_s=0.1)  # import OR-Tools before timing

    rows = []
    for n in args.sizes:
        stops = _stops(n)
        for officers in args.officers:
            limit = routing.default_time_limit(n)
            plan, seconds = _run(stops, officers)
            first, _ = _run(stops, officers, time_limit_s=60, solution_limit=1)
            long, long_seconds = _run(stops, officers, time_limit_s=10 * limit)
            assert plan.dropped.empty and long.dropped.empty and first.dropped.empty
            best = min(long.cost_s, plan.cost_s)
            rows.append(
                {
                    "stops": n,
                    "officers": officers,
                    "limit_s": limit,
                    "solve_s": seconds,
                    "cost_min": plan.cost_s / 60,
                    "first_ratio": first.cost_s / plan.cost_s,
                    "long_s": long_seconds,
                    "long_cost_min": long.cost_s / 60,
                    "gap_pct": 100 * (plan.cost_s - best) / best,
                    "status": plan.status,
                }
            )

    machine = platform.processor() or platform.machine()
    print(
        f"# Routing benchmark ({datetime.now():%Y-%m-%d %H:%M}, {machine}, Python "
        f"{platform.python_version()})\n"
    )
    print("Cost = total travel + (last return - first departure), minutes. 'First / default' is")
    print("the first solution's cost over the default search's; the gap is to the best of both")
    print("runs.\n")
    print(
        "| stops | officers | time limit (s) | solve (s) | cost (min) | first / default | "
        "10x search (s) | 10x cost (min) | gap (%) | status |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(
            f"| {r['stops']} | {r['officers']} | {r['limit_s']:.1f} | {r['solve_s']:.2f} | "
            f"{r['cost_min']:.1f} | {r['first_ratio']:.3f} | {r['long_s']:.1f} | "
            f"{r['long_cost_min']:.1f} | {r['gap_pct']:.2f} | {r['status']} |"
        )
    target = next((r for r in rows if (r["stops"], r["officers"]) == TARGET[:2]), None)
    if target is not None:
        ok = "met" if target["solve_s"] < TARGET[2] else "MISSED"
        print(
            f"\nTarget {TARGET[0]} stops with {TARGET[1]} officers under {TARGET[2]:.0f} s: "
            f"{target['solve_s']:.2f} s, {ok}; gap to the 10x search {target['gap_pct']:.2f} %."
        )


if __name__ == "__main__":
    main()
