"""Benchmark the push-down of Peta UMKM's and the dashboard's data step at 1,000,000 UMKM.

Run from the project root::

    .venv/bin/python bench/pushdown.py                 # 1,000,000 UMKM, prints Markdown
    .venv/bin/python bench/pushdown.py --n 200000 --browser

The PostGIS URL defaults to ``TEST_DATABASE_URL`` or ``.ci/postgis.env``
(``sudo bash scripts/start-postgis.sh``); everything happens in a schema of its own, dropped
afterwards (the 1,000,000 rows never stay). The store gets the demo data set (30,000 UMKM
with sentra, Sahabat UMKM, visits and size history) plus synthetic UMKM up to ``--n``, loaded
with ``COPY`` in chunks (progress on stderr): points uniform inside the kelurahan (by area),
random sector, size (90 % mikro), status (3 % inactive) and curation day (June 2024 to
November 2026).

Measured, in this process, for each filter of the page (none, a kecamatan and a sector, one
kelurahan, a name search):

* **whole register** (before): ``Store.read_umkm`` of every row, ``RegisterFilter.apply``
  and :func:`geo.analysis.coverage.coverage` of the rows: what every session did;
* **push-down** (now): ``Store.read_umkm_selected`` (only the rows of the filter, only the
  map's columns), ``Store.umkm_counts`` and coverage of those counts.

For each: seconds (best of ``--repeat``), the peak of Python allocations during the step
(``tracemalloc``, numpy included) and the size of what the session keeps (``pickle``: what
``st.cache_data`` copies into every run). The dashboard's data step is measured the same way
(``dashboard_figures`` of the register against the figures of ``Store.umkm_counts``).

With ``--browser`` the real app (``streamlit run server.py``) is started against the same
database, a planner signs in, opens Peta UMKM from the menu in headless Chromium and the time
until the first cluster is on screen is measured, with the server's RSS before and after
(helpers imported from ``bench/map.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
import pickle
import platform
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bench import map as map_bench  # noqa: E402
from bench.store import _base_url  # noqa: E402
from geo.analysis import kpi  # noqa: E402
from geo.analysis.coverage import coverage  # noqa: E402
from geo.analysis.filters import RegisterFilter  # noqa: E402
from geo.core.register import SECTORS, SIZE_CLASSES, strip_personal  # noqa: E402
from geo.store import Store  # noqa: E402

SEED = 20_261_203
CHUNK = 100_000
DEMO_COUNT = 30_000
FIRST_DAY = dt.date(2024, 6, 1)
LAST_DAY = dt.date(2026, 11, 19)
_COPY_COLUMNS = (
    "id",
    "nama_usaha",
    "kode_kelurahan",
    "lat",
    "lon",
    "sektor",
    "skala",
    "tanggal_terkurasi",
    "status",
    "sumber",
)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def synthetic_rows(n: int, kel: Any, *, seed: int = SEED) -> Iterator[list[tuple[Any, ...]]]:
    """Yield ``n`` synthetic UMKM in chunks of :data:`CHUNK` rows (columns ``_COPY_COLUMNS``)."""
    rng = np.random.default_rng(seed)
    days = (LAST_DAY - FIRST_DAY).days
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        points = map_bench.synthetic_register(size, kel, seed=seed + start)
        sektor = rng.choice(list(SECTORS), size)
        skala = rng.choice(list(SIZE_CLASSES), size, p=[0.9, 0.08, 0.02])
        status = np.where(rng.random(size) < 0.03, "tidak_aktif", "aktif")
        day = [FIRST_DAY + dt.timedelta(days=int(d)) for d in rng.integers(0, days + 1, size)]
        yield [
            (
                f"B{start + i:07d}",
                f"Usaha Bench {start + i:07d}",
                points["kode_kelurahan"].iat[i],
                float(points["lat"].iat[i]),
                float(points["lon"].iat[i]),
                sektor[i],
                skala[i],
                day[i],
                status[i],
                "bench",
            )
            for i in range(size)
        ]


def load(url: str, n: int) -> Store:
    """Create the store: the demo data set, then synthetic UMKM up to ``n`` by ``COPY``."""
    from geo.ingest import demo
    from geo.services import auth
    from geo.services import demo as demo_service

    store = Store(url)
    start = time.perf_counter()
    data = demo.generate(count=min(DEMO_COUNT, n))
    demo_service.load_into(store, data, user="bench")
    auth.create_user(store, *map_bench.APP_USER, "perencana", by="bench")
    have = store.count_umkm()
    _say(f"demo data: {have:,} UMKM in {time.perf_counter() - start:.1f} s")
    kel = store.kelurahan_layer()
    columns = ", ".join(_COPY_COLUMNS)
    raw = store._engine.raw_connection()
    try:
        cursor = raw.cursor()
        done = 0
        with cursor.copy(f"COPY umkm ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for rows in synthetic_rows(max(n - have, 0), kel):
                for row in rows:
                    copy.write_row(row)
                done += len(rows)
                _say(f"  COPY {done:,} / {n - have:,} ({time.perf_counter() - start:.0f} s)")
        raw.commit()
        cursor.execute("ANALYZE umkm")
        raw.commit()
    finally:
        raw.close()
    _say(f"loaded {store.count_umkm():,} UMKM in {time.perf_counter() - start:.1f} s")
    return store


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, float, int, Any]:
    """Best seconds, peak MB of Python allocations, pickled bytes of the result, the result.

    Times come from runs without tracemalloc (it slows allocation down); the peak from one
    more run under it.
    """
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    size = len(pickle.dumps(result, protocol=5))
    result = None
    gc.collect()
    tracemalloc.start()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return best, peak, size, result


def page_steps(store: Store, flt: RegisterFilter) -> dict[str, Callable[[], Any]]:
    """The Peta UMKM data step, before (whole register) and now (push-down)."""
    kel = store.kelurahan_layer()
    sahabat, visits = store.read_sahabat(), store.read_visits()
    today = dt.date.today()

    def whole() -> Any:
        rows = flt.apply(store.read_umkm())
        return rows, coverage(kel, rows, sahabat, visits, as_of=today)

    def pushed() -> Any:
        rows = store.read_umkm_selected(flt, personal=True)
        cov = coverage(kel, store.umkm_counts(flt), sahabat, visits, as_of=today)
        return rows, cov

    return {"whole register": whole, "push-down": pushed}


def dashboard_steps(store: Store, period: kpi.Period) -> dict[str, Callable[[], Any]]:
    """The dashboard's data step, before and now (as pages/dasbor.py does it)."""
    kel = store.kelurahan_layer()
    sahabat, visits, history = store.read_sahabat(), store.read_visits(), store.read_size_history()

    def whole() -> Any:
        return kpi.dashboard_figures(
            strip_personal(store.read_umkm()),
            sahabat=sahabat,
            visits=visits,
            size_history=history,
            kelurahan=kel,
            period=period,
        )

    def pushed() -> Any:
        return kpi.dashboard_from_counts(
            kpi.CountSource(count=store.umkm_counts, kode_of=store.kode_kelurahan_of),
            sahabat=sahabat,
            visits=visits,
            size_history=history,
            kelurahan=kel,
            period=period,
        )

    return {"whole register": whole, "push-down": pushed}


def _same(a: Any, b: Any) -> bool:
    """Whether two data steps agree (rows by id and coverage, or dashboard figures)."""
    if isinstance(a, tuple):
        cols = ["id", "kode_kelurahan", "sektor", "skala", "status", "lat", "lon"]
        rows_a = pd.DataFrame(a[0][cols]).reset_index(drop=True)
        return rows_a.equals(pd.DataFrame(b[0][cols])) and pd.DataFrame(a[1]).equals(
            pd.DataFrame(b[1])
        )
    return a.kpi == b.kpi and pd.DataFrame(a.coverage).equals(pd.DataFrame(b.coverage))


def table(store: Store, repeat: int) -> list[str]:
    """Run every step; Markdown rows."""
    kode = sorted(store.read_sentra()["kode_kelurahan"].dropna().unique())
    cases: list[tuple[str, dict[str, Callable[[], Any]]]] = [
        ("Peta UMKM, no filter", page_steps(store, RegisterFilter())),
        (
            "Peta UMKM, kecamatan Lowokwaru + kuliner",
            page_steps(store, RegisterFilter(kecamatan=("35.73.05",), sektor=("kuliner",))),
        ),
        ("Peta UMKM, one kelurahan", page_steps(store, RegisterFilter(kelurahan=(kode[0],)))),
        ("Peta UMKM, name search", page_steps(store, RegisterFilter(cari="bench 00012"))),
        ("Dasbor, running quarter", dashboard_steps(store, kpi.parse_period("2026-Q4"))),
    ]
    lines = [
        "| Data step | Method | Seconds | × whole | Peak Python MB | × whole "
        "| Session copy MB | Rows held | Same result |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, steps in cases:
        _say(f"measuring: {name}")
        results = {
            m: measure(fn, 1 if m == "whole register" else repeat) for m, fn in steps.items()
        }
        base = results["whole register"]
        same = _same(base[3], results["push-down"][3])
        for method, (seconds, peak, size, result) in results.items():
            held = len(result[0]) if isinstance(result, tuple) else 0
            lines.append(
                f"| {name} | {method} | {seconds:.2f} | {seconds / base[0]:.3f} | {peak:,.0f} "
                f"| {peak / base[1]:.3f} | {size / 1e6:,.1f} | {held:,} | {same} |"
            )
    return lines


def _server_pid(port: str) -> int:
    """Process id of the ``streamlit run`` serving ``port`` (from /proc)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and port.encode() in args:
            return int(entry.name)
    raise RuntimeError(f"no streamlit process on port {port}")


def _rss_mb(pid: int) -> float:
    """Resident memory of a process (MB), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def browser_run(url: str, timeout_s: float) -> list[str]:
    """Open Peta UMKM from the menu against the PostGIS store; time to first clusters."""
    from playwright.sync_api import sync_playwright

    env = {"DATABASE_URL": url, "PETA_UMKM_OFFLINE_ASSETS": "1", "PYTHONUNBUFFERED": "1"}
    timeout_ms = timeout_s * 1000
    lines = []
    with map_bench._streamlit(ROOT / "server.py", env) as base, sync_playwright() as pw:
        server = _server_pid(base.rsplit(":", 1)[1])
        browser = pw.chromium.launch(
            executable_path=map_bench.CHROMIUM, args=map_bench.CHROMIUM_ARGS[:-1], headless=True
        )
        for attempt in ("first session", "second session", "third session"):
            page = browser.new_context(viewport=map_bench.VIEWPORT).new_page()
            counter = map_bench._Bytes()
            page.on("websocket", counter.watch)
            page.goto(base)
            page.get_by_role("link", name="Masuk petugas").click(timeout=timeout_ms)
            form = page.locator('[data-testid="stForm"]')
            form.get_by_label("Nama pengguna").fill(map_bench.APP_USER[0])
            form.get_by_label("Kata sandi").fill(map_bench.APP_USER[1])
            form.get_by_role("button", name="Masuk").click()
            page.locator(".st-key-auth_logout").wait_for(timeout=timeout_ms)
            map_bench._idle(page, timeout_ms)
            rss_before = _rss_mb(server)
            before, start = counter.received, time.perf_counter()
            page.get_by_role("link", name="Peta UMKM").click()
            try:
                # Markercluster's first cluster, or the grid layer's mark (>= 50,000 points:
                # clusters drawn on a canvas, no DOM element per cluster).
                page.frame_locator(map_bench._MAP_IFRAME).last.locator(
                    ".marker-cluster:visible, [data-umkm-loaded]"
                ).first.wait_for(timeout=timeout_ms)
            except Exception as exc:
                shown = page.locator(
                    '[data-testid="stException"], [data-testid="stAlert"]'
                ).all_inner_texts()
                page.screenshot(path=str(Path(tempfile.gettempdir()) / "bench-pushdown.png"))
                raise RuntimeError(f"no clusters on screen; the page shows: {shown}") from exc
            seconds = time.perf_counter() - start
            map_bench._idle(page, timeout_ms)
            rss_after = _rss_mb(server)
            lines.append(
                f"| Peta UMKM, {attempt} (menu click) | {seconds:.1f} "
                f"| {(counter.received - before) / 1e6:,.1f} | {rss_before:,.0f} "
                f"| {rss_after:,.0f} | {rss_after - rss_before:+,.0f} |"
            )
        browser.close()
    return [
        "| Page | To first clusters (s) | WebSocket MB | Server RSS before (MB) "
        "| after (MB) | Δ RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|",
        *lines,
    ]


@contextlib.contextmanager
def loaded_schema(n: int, *, url: str | None = None) -> Iterator[tuple[str, Store]]:
    """A PostGIS schema of its own holding ``n`` UMKM; yields its URL and store, then drops it."""
    base = url or _base_url()
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    scoped = make_url(base).update_query_dict({"options": f"-csearch_path={schema},public"})
    url_text = scoped.render_as_string(hide_password=False)
    try:
        store = load(url_text, n)
        try:
            yield url_text, store
        finally:
            store.close()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
        _say(f"dropped schema {schema}")


def page_report(n: int, *, url: str | None = None, timeout_s: float = 600.0) -> str:
    """Markdown: Peta UMKM opened by three sessions against PostGIS holding ``n`` UMKM."""
    with loaded_schema(n, url=url) as (url_text, store):
        total = store.count_umkm()
        lines = browser_run(url_text, timeout_s)
    return f"Peta UMKM against PostGIS holding {total:,} UMKM:\n\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Load, measure, print the Markdown report, drop the schema."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="UMKM in the store")
    parser.add_argument("--url", default=None, help="PostGIS SQLAlchemy URL")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each push-down step")
    parser.add_argument("--browser", action="store_true", help="also open the real page")
    parser.add_argument("--timeout", type=float, default=600.0, help="browser timeout (s)")
    parser.add_argument("--skip-table", action="store_true", help="only the browser run")
    args = parser.parse_args(argv)
    with loaded_schema(args.n, url=args.url) as (url_text, store):
        total = store.count_umkm()
        lines = [] if args.skip_table else table(store, args.repeat)
        print(f"# Push-down at {total:,} UMKM on PostGIS ({dt.datetime.now():%Y-%m-%d %H:%M})\n")
        print(
            f"{map_bench._cpu_model()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}; whole-register runs once, push-down best of "
            f"{args.repeat}.\n"
        )
        print("\n".join(lines), flush=True)
        if args.browser:
            try:
                print("\n" + "\n".join(browser_run(url_text, args.timeout)))
            except Exception as exc:
                print(f"\nBrowser run failed: {type(exc).__name__}: {str(exc)[:500]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
