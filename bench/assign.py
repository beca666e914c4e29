"""Benchmark: point -> kelurahan assignment, ours against a plain geopandas spatial join.

Run: ``.venv/bin/python bench/assign.py [--n 1000000]``. Prints a Markdown table with the
time of each method and the ratio to the baseline, measured in the same run.

The baseline is what one would write first: ``geopandas.sjoin(points, kelurahan,
predicate="within")``. It leaves points in the ~200 slivers unassigned and duplicates points on
overlaps, which :func:`geo.wilayah.assign_kelurahan` resolves (counted in the table).
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import datetime

import geopandas as gpd
import numpy as np
import shapely

from geo import wilayah


def _points(n: int, *, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points inside the city outline (the realistic case: registers are local)."""
    rng = np.random.default_rng(seed)
    city = wilayah.city_outline().geometry.iloc[0]
    minx, miny, maxx, maxy = city.bounds
    xs, ys = [], []
    have = 0
    while have < n:
        x = rng.uniform(minx, maxx, n)
        y = rng.uniform(miny, maxy, n)
        keep = shapely.contains_xy(city, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        have += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    n = parser.parse_args().n
    kel = wilayah.kelurahan()
    lon, lat = _points(n)

    start = time.perf_counter()
    ours = wilayah.assign_kelurahan(lon, lat, kel=kel)
    t_ours = time.perf_counter() - start

    start = time.perf_counter()
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=kel.crs)
    joined = gpd.sjoin(pts, kel[["kode", "geometry"]], predicate="within", how="left")
    t_base = time.perf_counter() - start

    base_unassigned = int(joined["kode"].isna().sum())
    base_duplicated = int(joined.index.duplicated().sum())
    ours_unassigned = int(ours["kode_kelurahan"].isna().sum())
    cpu = platform.processor() or platform.machine()
    print(f"Point assignment, {n:,} points inside Kota Malang — {datetime.now():%Y-%m-%d}, {cpu}")
    print()
    print("| method | seconds | ratio to baseline | unassigned | duplicated |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| geopandas sjoin (baseline) | {t_base:.2f} | 1.00 | {base_unassigned} | "
        f"{base_duplicated} |"
    )
    print(
        f"| wilayah.assign_kelurahan | {t_ours:.2f} | {t_ours / t_base:.2f} | "
        f"{ours_unassigned} | 0 |"
    )


if __name__ == "__main__":
    main()
