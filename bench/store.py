"""Benchmark: UMKM counts per kelurahan, pushed down to PostGIS against in-process geopandas.

Run: ``.venv/bin/python bench/store.py [--n 1000000] [--url URL]``. The PostGIS URL defaults to
``TEST_DATABASE_URL`` or ``.ci/postgis.env`` (``sudo bash scripts/start-postgis.sh``); the
benchmark works in a schema of its own, dropped afterwards. Prints a Markdown table with the
time of each method and its ratio to the baseline, all measured in the same run.

Baseline: what an app replica does without push-down: read the register from the store
(``Store.read_umkm``) and join it with the kelurahan polygons in geopandas
(``sjoin(predicate="within")``). Compared with: the same join on points already in memory,
:func:`geo.wilayah.assign_kelurahan` (exactly one kelurahan per point), and the store's
``counts_per_kelurahan`` by stored kode (SQL ``GROUP BY``) and by point (PostGIS
``ST_Contains`` join on GiST indexes).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from geo import wilayah
from geo.core import register
from geo.store import Store


def _base_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    env = Path(__file__).resolve().parent.parent / ".ci" / "postgis.env"
    if not url and env.exists():
        for line in env.read_text(encoding="utf-8").splitlines():
            if line.startswith("TEST_DATABASE_URL="):
                url = line.partition("=")[2].strip()
    if not url:
        sys.exit("no PostGIS: run `sudo bash scripts/start-postgis.sh` or pass --url")
    return url


def _register(n: int, *, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` UMKM uniform inside the city outline, kode from the point (assign_kelurahan)."""
    rng = np.random.default_rng(seed)
    city = wilayah.city_outline().geometry.iloc[0]
    minx, miny, maxx, maxy = city.bounds
    xs, ys, have = [], [], 0
    while have < n:
        x, y = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
        keep = shapely.contains_xy(city, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        have += int(keep.sum())
    lon, lat = np.concatenate(xs)[:n], np.concatenate(ys)[:n]
    kode = wilayah.assign_kelurahan(lon, lat)["kode_kelurahan"]
    frame = pd.DataFrame(
        {
            "id": [f"B{i:07d}" for i in range(n)],
            "nama_usaha": "Usaha",
            "pemilik": None,
            "telepon": None,
            "alamat": None,
            "kode_kelurahan": kode.to_numpy(),
            "lat": lat,
            "lon": lon,
            "sektor": rng.choice(list(register.SECTORS), n),
            "skala": "mikro",
            "sentra_id": None,
            "tanggal_terkurasi": pd.Timestamp("2025-01-01"),
            "status": "aktif",
            "modal": 1e6,
            "omzet": 2e6,
            "sumber": "bench",
        }
    )
    return register.to_geodataframe(frame)


def _timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Best of ``repeat`` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--url", default=None, help="PostGIS SQLAlchemy URL")
    args = parser.parse_args()
    base = args.url or _base_url()
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema},public"})
    try:
        kel = wilayah.kelurahan()
        umkm = _register(args.n)
        store = Store(url.render_as_string(hide_password=False))
        start = time.perf_counter()
        store.write_umkm(umkm)
        t_load = time.perf_counter() - start
        store.load_kelurahan(kel)
        with admin.begin() as conn:
            conn.execute(text(f"ANALYZE {schema}.umkm"))
            conn.execute(text(f"ANALYZE {schema}.kelurahan_batas"))

        def read_then_sjoin() -> pd.Series:
            points = store.read_umkm()
            joined = gpd.sjoin(points, kel[["kode", "geometry"]], predicate="within")
            return joined["kode"].value_counts()

        def sjoin_in_memory() -> pd.Series:
            joined = gpd.sjoin(umkm, kel[["kode", "geometry"]], predicate="within")
            return joined["kode"].value_counts()

        def assign_in_memory() -> pd.Series:
            return wilayah.assign_kelurahan(umkm["lon"], umkm["lat"], kel=kel)[
                "kode_kelurahan"
            ].value_counts()

        t_base, counts_base = _timed(read_then_sjoin, repeat=1)
        t_sjoin, counts_sjoin = _timed(sjoin_in_memory)
        t_assign, counts_assign = _timed(assign_in_memory)
        t_kode, counts_kode = _timed(lambda: store.counts_per_kelurahan())
        t_point, counts_point = _timed(lambda: store.counts_per_kelurahan(by_point=True))
        store.close()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    same_point = counts_point.to_dict() == counts_base.to_dict() == counts_sjoin.to_dict()
    same_kode = counts_kode.to_dict() == counts_assign.to_dict()
    rows = [
        ("read_umkm + geopandas sjoin (baseline)", t_base, int(counts_base.sum())),
        ("geopandas sjoin, points already in memory", t_sjoin, int(counts_sjoin.sum())),
        ("assign_kelurahan, points in memory", t_assign, int(counts_assign.sum())),
        ("PostGIS GROUP BY kode (counts_per_kelurahan)", t_kode, int(counts_kode.sum())),
        ("PostGIS ST_Contains join (by_point=True)", t_point, int(counts_point.sum())),
    ]
    print(f"# Counts per kelurahan, {args.n:,} UMKM ({datetime.now():%Y-%m-%d %H:%M})\n")
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"Loading {args.n:,} UMKM into PostGIS through Store.write_umkm: {t_load:.1f} s\n")
    print("| Method | Time (s) | × baseline | UMKM counted |")
    print("|---|---:|---:|---:|")
    for name, seconds, counted in rows:
        print(f"| {name} | {seconds:.3f} | {seconds / t_base:.3f} | {counted:,} |")
    print(
        f"\nSame counts: ST_Contains = sjoin: {same_point}; GROUP BY kode = assign_kelurahan: "
        f"{same_kode}. Best of 3 runs except the baseline (1 run)."
    )


if __name__ == "__main__":
    main()
