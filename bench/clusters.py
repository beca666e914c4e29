"""Benchmark: clusters and Gi* hot spots for 100,000 UMKM, each step timed, in one run.

Run from the project root::

    .venv/bin/python bench/clusters.py              # 100,000 UMKM (demo generator, seed 3573)
    .venv/bin/python bench/clusters.py --count 21270

The register is the demo data set scaled to ``--count`` active UMKM (generated once, not
timed). Imports of scikit-learn and esda (seconds on a cold start) happen before the clock
starts and are printed separately. Timed, in one run:

* **ours**: :func:`geo.analysis.clusters.detect_clusters` for all sectors (labels, then hulls,
  kelurahan and nearest sentra), :func:`geo.analysis.hotspots.hotspots_kelurahan` and
  :func:`geo.analysis.hotspots.hotspots_hex` (first call builds and caches the 500 m grid), both
  with
  9,999 permutations;
* **baselines**, what one would write first: scikit-learn ``DBSCAN`` with the same radius and
  minimum on each sector (no contrast rule, no description), and ``esda.G_Local`` with its own
  conditional permutations (9,999, ``n_jobs=1``, binary weights, star) on the same units.

The target is clusters and both Gi* together under 5 s on this machine. Figures depend on the
machine and its load; both are printed with the table.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
from pyproj import Transformer

from geo import wilayah
from geo.analysis import clusters, hotspots
from geo.core.settings import CRS_METRIC, CRS_STORAGE
from geo.ingest import demo

TARGET_S = 5.0


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print the Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--permutations", type=int, default=hotspots.DEFAULT_PERMUTATIONS)
    args = parser.parse_args()

    start = time.perf_counter()
    import esda
    import libpysal  # noqa: F401
    from sklearn.cluster import DBSCAN

    t_import = time.perf_counter() - start

    data, t_generate = _timed(lambda: demo.generate(count=args.count))
    register = data.umkm
    active = register[register["status"] == "aktif"]
    kel = wilayah.kelurahan()
    wilayah.city_outline(kel)  # warm the shipped-layer cache like a running app
    perms = args.permutations

    found, t_clusters = _timed(
        lambda: clusters.detect_clusters(register, sentra=data.sentra, kel=kel)
    )
    _, t_labels = _timed(lambda: clusters.cluster_labels(register))
    hot_kel, t_kel = _timed(
        lambda: hotspots.hotspots_kelurahan(register, kel=kel, permutations=perms)
    )
    hotspots._city_hex_grid.cache_clear()
    grid, t_grid = _timed(lambda: hotspots.hex_grid())
    hot_hex, t_hex = _timed(lambda: hotspots.hotspots_hex(register, grid=grid, permutations=perms))
    total = t_clusters + t_kel + t_grid + t_hex

    # --- baselines -------------------------------------------------------------------------
    to_metric = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)
    x, y = to_metric.transform(active["lon"].to_numpy(), active["lat"].to_numpy())
    xy = np.column_stack([x, y])
    sektor = active["sektor"].astype(str).to_numpy()

    def plain_dbscan() -> int:
        n = 0
        for code in np.unique(sektor):
            labels = DBSCAN(
                eps=clusters.DEFAULT_EPS_M, min_samples=clusters.DEFAULT_MIN_SAMPLES
            ).fit_predict(xy[sektor == code])
            n += len(set(labels) - {-1})
        return n

    n_plain, t_plain = _timed(plain_dbscan)

    def esda_gi(units: Any, neighbors: dict[str, list[str]]) -> Any:
        w = hotspots.weights_from_neighbors(neighbors, units["id"].astype(str).tolist())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return esda.G_Local(
                units["jumlah"].to_numpy(dtype=float),
                w,
                transform="B",
                star=True,
                permutations=perms,
                seed=hotspots.DEFAULT_SEED,
                n_jobs=1,
                keep_simulations=False,
            )

    _, t_esda_kel = _timed(lambda: esda_gi(hot_kel, hotspots.kelurahan_neighbors(kel)))
    _, t_esda_hex = _timed(lambda: esda_gi(hot_hex, hotspots.hex_neighbors(grid)))

    def ratio(ours: float, base: float) -> str:
        return f"{ours / base:.2f}×"

    print(
        f"# Clusters and hot spots, {len(active):,} active UMKM ({datetime.now():%Y-%m-%d %H:%M})"
    )
    print()
    print(
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; imports (scikit-learn, esda, libpysal) "
        f"{t_import:.1f} s and data generation {t_generate:.1f} s, not timed below."
    )
    print()
    print("| step | ours (s) | baseline | baseline (s) | ours / baseline |")
    print("|---|---:|---|---:|---:|")
    print(
        f"| clusters, all sectors ({len(found)} found) | {t_clusters:.2f} | plain DBSCAN, "
        f'same radius and minimum ({n_plain} "clusters") | {t_plain:.2f} | '
        f"{ratio(t_clusters, t_plain)} |"
    )
    print(f"| … of which labels | {t_labels:.2f} | | | {ratio(t_labels, t_plain)} |")
    print(
        f"| Gi* kelurahan ({len(hot_kel)}) | {t_kel:.2f} | esda conditional permutations "
        f"| {t_esda_kel:.2f} | {ratio(t_kel, t_esda_kel)} |"
    )
    print(f"| hexagon grid 500 m, first call | {t_grid:.2f} | | | |")
    print(
        f"| Gi* hexagons ({len(hot_hex)}) | {t_hex:.2f} | esda conditional permutations "
        f"| {t_esda_hex:.2f} | {ratio(t_hex, t_esda_hex)} |"
    )
    print(
        f"| **total** | **{total:.2f}** | target {TARGET_S:.0f} s | | "
        f"{'within' if total < TARGET_S else 'OVER'} target |"
    )
    print()
    print(
        "Clusters found: "
        + ", ".join(f"{r.id} ({r.jumlah_umkm}, {r.sentra_terdekat})" for r in found.itertuples())
    )
    print(
        "Hot/cold units: kelurahan "
        + str(hot_kel["kelas"].value_counts().to_dict())
        + "; hexagons "
        + str(hot_hex["kelas"].value_counts().to_dict())
    )


if __name__ == "__main__":
    main()
