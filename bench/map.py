"""Benchmark the page's map against the naive folium map at 1,000, 30,000 and 100,000 UMKM.

Run from the project root::

    .venv/bin/python bench/map.py                   # all sizes, prints a Markdown table
    .venv/bin/python bench/map.py --sizes 1000 30000

For each size, on synthetic points inside Kota Malang's kelurahan (fixed seed), it measures

* **the page's map**: :func:`geo.render.mapview.build_map` with coverage, sentra and offline assets;
* **the naive baseline**: one ``folium.Marker`` with a ``folium.Popup`` per point inside a
  ``folium.plugins.MarkerCluster`` (assets made local with
  :func:`geo.render.mapview.localize_assets`).

Measured: Python build-and-render time (building the map and ``m.get_root().render()``), HTML
bytes, and headless Chromium's time until the clusters are on screen. The HTML is served by
``http.server`` on 127.0.0.1 with ``geo/static`` under ``/static/``; Chromium resolves no other
host, so no network is used (basemap tile requests fail fast and are not waited for). Browser
times are read inside the page (``performance.now()``, from navigation start): when the first
``.marker-cluster`` element is added and, for the page's map, when every point is clustered
(chunked loading shows clusters before that; the baseline adds all markers before showing
any). Wall time (Playwright ``goto`` until a cluster is visible) is printed too.

This is a benchmark, not a test: it takes a few minutes (the baseline is slow by design) and
its numbers depend on the machine and its load, which are printed with the table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import html
import http.server
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
import folium.plugins  # noqa: E402
import geopandas as gpd  # noqa: E402
from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from geo import wilayah  # noqa: E402
from geo.core import settings  # noqa: E402
from geo.core.register import SECTORS, SIZE_CLASSES, to_geodataframe  # noqa: E402
from geo.render import mapview  # noqa: E402

SIZES = (1_000, 30_000, 100_000)
SEED = 20_240_601
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No host but the local server resolves: nothing can reach the network.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1400, "height": 900}
BROWSER_TIMEOUT_S = 60.0
#: Targets at 30,000 UMKM (build s, HTML bytes, browser s); at 100,000 each may be 3x.
TARGETS_30K = (1.0, 3_000_000, 2.0)

# Records, inside the page, when the first cluster icon appears and when every point of the
# page's map is clustered (the map sets data-umkm-loaded).
_OBSERVER = """
(() => {
  window.__bench = {firstCluster: null, loaded: null};
  const check = () => {
    const b = window.__bench;
    if (b.firstCluster === null && document.querySelector('.marker-cluster')) {
      b.firstCluster = performance.now();
    }
    if (b.loaded === null && document.querySelector('[data-umkm-loaded]')) {
      b.loaded = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['data-umkm-loaded']
  });
})();
"""


# --------------------------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------------------------
def synthetic_register(n: int, kel: gpd.GeoDataFrame, *, seed: int = SEED) -> gpd.GeoDataFrame:
    """Return ``n`` UMKM uniformly inside the kelurahan (kelurahan chosen by area)."""
    rng = np.random.default_rng(seed)
    areas = kel["area_km2"].to_numpy()
    which = rng.choice(len(kel), size=n, p=areas / areas.sum())
    lon = np.empty(n)
    lat = np.empty(n)
    for i, geom in enumerate(kel.geometry):
        sel = np.flatnonzero(which == i)
        if not len(sel):
            continue
        minx, miny, maxx, maxy = geom.bounds
        found: list[np.ndarray] = []
        count = 0
        while count < len(sel):
            x = rng.uniform(minx, maxx, 3 * len(sel) + 16)
            y = rng.uniform(miny, maxy, 3 * len(sel) + 16)
            inside = shapely.contains_xy(geom, x, y)
            found.append(np.column_stack([x[inside], y[inside]]))
            count += int(inside.sum())
        pts = np.concatenate(found)[: len(sel)]
        lon[sel], lat[sel] = pts[:, 0], pts[:, 1]
    ids = np.arange(1, n + 1)
    df = pd.DataFrame(
        {
            "id": [f"UMKM-{i:06d}" for i in ids],
            "nama_usaha": [f"Usaha Contoh {i:06d}" for i in ids],
            "pemilik": [f"Pemilik Contoh {i:06d}" for i in ids],
            "telepon": [f"+62800{i:07d}" for i in ids],
            "alamat": [f"Jl. Contoh No. {i}" for i in ids],
            "kode_kelurahan": kel["kode"].to_numpy()[which],
            "lat": lat,
            "lon": lon,
            "sektor": rng.choice(list(SECTORS), n),
            "skala": rng.choice(list(SIZE_CLASSES), n, p=[0.9, 0.08, 0.02]),
            "status": "aktif",
            "sumber": "data contoh",
        }
    )
    return to_geodataframe(df)


def synthetic_coverage(
    umkm: pd.DataFrame, kel: gpd.GeoDataFrame, *, seed: int = SEED
) -> pd.DataFrame:
    """Return a coverage frame: counts, a random Sahabat roster, ratios and flags."""
    rng = np.random.default_rng(seed + 1)
    counts = umkm.groupby("kode_kelurahan").size().reindex(kel["kode"]).fillna(0).to_numpy()
    sahabat = rng.poisson(counts / 300 + 0.5)
    sahabat[rng.random(len(kel)) < 0.1] = 0
    per_sahabat = np.where(sahabat > 0, counts / np.maximum(sahabat, 1), np.nan)
    flagged = (sahabat == 0) | (per_sahabat > 450)
    alasan = np.where(
        sahabat == 0,
        "tidak ada Sahabat UMKM aktif",
        np.where(flagged, "lebih dari 450 UMKM per Sahabat UMKM", None),
    )
    return pd.DataFrame(
        {
            "kode_kelurahan": kel["kode"].to_numpy(),
            "umkm_aktif": counts.astype("int64"),
            "sahabat_aktif": sahabat,
            "umkm_per_km2": counts / kel["area_km2"].to_numpy(),
            "umkm_per_sahabat": per_sahabat,
            "flagged": flagged,
            "alasan": alasan,
        }
    )


# --------------------------------------------------------------------------------------------
# The two maps
# --------------------------------------------------------------------------------------------
@dataclass
class Inputs:
    """Everything a map is built from."""

    kel: gpd.GeoDataFrame
    kec: gpd.GeoDataFrame
    umkm: gpd.GeoDataFrame
    sentra: pd.DataFrame
    coverage: pd.DataFrame


def page_map(inputs: Inputs) -> folium.Map:
    """The page's map, offline assets linked under /static/."""
    return mapview.build_map(
        kelurahan=inputs.kel,
        kecamatan=inputs.kec,
        umkm=inputs.umkm,
        sentra=inputs.sentra,
        coverage=inputs.coverage,
        options=mapview.MapOptions(
            metric="umkm_per_sahabat", offline=True, asset_base_url="/static/"
        ),
    )


def naive_map(inputs: Inputs) -> folium.Map:
    """One folium.Marker with a popup per point in a MarkerCluster (the common approach)."""
    minx, miny, maxx, maxy = inputs.kel.total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12)
    cluster = folium.plugins.MarkerCluster(name="UMKM").add_to(m)
    names = dict(zip(inputs.kel["kode"], inputs.kel["nama"], strict=True))
    cols = ["lat", "lon", "nama_usaha", "sektor", "skala", "kode_kelurahan"]
    for row in inputs.umkm[cols].itertuples(index=False):
        popup = (
            f"<b>{html.escape(row.nama_usaha)}</b><br>{row.sektor}<br>{row.skala}<br>"
            f"{html.escape(names.get(row.kode_kelurahan, ''))}"
        )
        folium.Marker([row.lat, row.lon], popup=folium.Popup(popup)).add_to(cluster)
    return mapview.localize_assets(m, asset_base_url="/static/")


def build_and_render(factory: Callable[[Inputs], folium.Map], inputs: Inputs) -> tuple[float, str]:
    """Seconds to build the map and render its HTML, and the HTML."""
    start = time.perf_counter()
    m = factory(inputs)
    text = m.get_root().render()
    return time.perf_counter() - start, text


# --------------------------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free loopback port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class BrowserTime:
    """Seconds from navigation start; None when not reached."""

    first_cluster: float | None = None
    all_clustered: float | None = None
    wall: float | None = None
    timed_out: bool = False
    skipped: str | None = None
    errors: list[str] = field(default_factory=list)


def browser_time(
    browser: Browser, url: str, *, wait_loaded: bool, timeout_s: float = BROWSER_TIMEOUT_S
) -> BrowserTime:
    """Open ``url`` in a fresh context and time the clusters' appearance."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    result = BrowserTime()
    page.on("pageerror", lambda exc: result.errors.append(str(exc)))
    page.add_init_script(_OBSERVER)
    timeout_ms = timeout_s * 1000
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        page.wait_for_selector(".marker-cluster", state="visible", timeout=timeout_ms)
        result.wall = time.perf_counter() - start
        if wait_loaded:
            page.wait_for_selector("[data-umkm-loaded]", state="attached", timeout=timeout_ms)
        marks = page.evaluate("window.__bench")
        result.first_cluster = marks["firstCluster"] / 1000
        loaded = marks["loaded"] if wait_loaded else marks["firstCluster"]
        result.all_clustered = loaded / 1000 if loaded is not None else None
    except Exception as exc:  # Playwright's TimeoutError, or the page crashing
        if "Timeout" not in type(exc).__name__ and "Timeout" not in str(exc):
            raise
        result.timed_out = True
    finally:
        context.close()
    return result


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------
@dataclass
class Row:
    """One map at one size."""

    n: int
    variant: str
    build_s: float
    html_bytes: int
    browser: BrowserTime


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or base is None or base == 0:
        return ""
    return f" ({value / base:.3f}×)" if value / base < 0.1 else f" ({value / base:.2f}×)"


def _browser_cell(b: BrowserTime, attr: str) -> str:
    if b.skipped:
        return b.skipped
    if b.timed_out:
        return f"timeout (> {BROWSER_TIMEOUT_S:.0f} s)"
    return _seconds(getattr(b, attr))


def _meets(row: Row) -> str:
    build, size, browser = TARGETS_30K
    factor = 1 if row.n <= 30_000 else 3
    checks = [
        row.build_s < build * factor,
        row.html_bytes < size * factor,
        row.browser.first_cluster is not None and row.browser.first_cluster < browser * factor,
    ]
    return (
        "yes"
        if all(checks)
        else "no ("
        + ", ".join(
            name for name, ok in zip(("build", "HTML", "browser"), checks, strict=True) if not ok
        )
        + ")"
    )


def markdown(rows: list[Row]) -> str:
    """The results as a Markdown table, each page-map figure with its ratio to the baseline."""
    lines = [
        "| UMKM | map | build + render | HTML | first clusters | all points clustered "
        "| wall (Playwright) | meets target |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    base = {r.n: r for r in rows if r.variant == "naive"}
    for row in rows:
        ref = base.get(row.n) if row.variant == "page" else None
        b, rb = row.browser, (ref.browser if ref else None)
        cells = [
            f"{row.n:,}",
            "page (`build_map`)" if row.variant == "page" else "naive baseline",
            _seconds(row.build_s) + _ratio(row.build_s, ref.build_s if ref else None),
            f"{row.html_bytes / 1e6:.2f} MB"
            + _ratio(row.html_bytes, ref.html_bytes if ref else None),
            _browser_cell(b, "first_cluster")
            + (_ratio(b.first_cluster, rb.first_cluster) if rb else ""),
            _browser_cell(b, "all_clustered")
            + (_ratio(b.all_clustered, rb.all_clustered) if rb else ""),
            _browser_cell(b, "wall") + (_ratio(b.wall, rb.wall) if rb else ""),
            _meets(row) if row.variant == "page" else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------
def run(sizes: tuple[int, ...], *, repeat: int, timeout_s: float) -> list[Row]:
    """Measure both maps at every size; return the rows (page map first at each size)."""
    kel = wilayah.kelurahan()
    kec = wilayah.kecamatan(kel)
    sentra = pd.read_csv(settings.SENTRA_PATH)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp:
        workdir = Path(tmp)
        (workdir / "static").symlink_to(mapview.STATIC_DIR, target_is_directory=True)
        with serve(workdir) as base_url, sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            print(f"Chromium {browser.version}", file=sys.stderr)
            per_point_baseline: float | None = None
            for n in sizes:
                umkm = synthetic_register(n, kel)
                inputs = Inputs(kel, kec, umkm, sentra, synthetic_coverage(umkm, kel))
                for variant, factory in (("page", page_map), ("naive", naive_map)):
                    runs = 1 if variant == "naive" else repeat
                    timings = []
                    for _ in range(runs):
                        seconds, text = build_and_render(factory, inputs)
                        timings.append(seconds)
                    path = workdir / f"{variant}-{n}.html"
                    path.write_text(text, encoding="utf-8")
                    html_bytes = len(text.encode("utf-8"))
                    del text
                    url = f"{base_url}/{path.name}"
                    estimate = per_point_baseline * n if per_point_baseline else None
                    if variant == "naive" and estimate is not None and estimate > timeout_s:
                        b = BrowserTime(skipped=f"timeout (skipped, est. {estimate:.0f} s)")
                    else:
                        results = [
                            browser_time(
                                browser, url, wait_loaded=variant == "page", timeout_s=timeout_s
                            )
                            for _ in range(runs)
                        ]
                        b = _median(results)
                    if variant == "naive" and b.first_cluster is not None:
                        per_point_baseline = b.first_cluster / n
                    row = Row(n, variant, statistics.median(timings), html_bytes, b)
                    rows.append(row)
                    print(
                        f"{n:>7,} {variant:<5} build {row.build_s:6.2f} s  "
                        f"html {html_bytes / 1e6:7.2f} MB  "
                        f"first {_browser_cell(b, 'first_cluster')}"
                        f"  all {_browser_cell(b, 'all_clustered')}"
                        + (f"  errors: {b.errors[:2]}" if b.errors else ""),
                        file=sys.stderr,
                        flush=True,
                    )
                    path.unlink()
            browser.close()
    return rows


def _median(results: list[BrowserTime]) -> BrowserTime:
    ok = [r for r in results if not r.timed_out and r.first_cluster is not None]
    if not ok:
        return results[0]
    ok.sort(key=lambda r: r.all_clustered or r.first_cluster or 0.0)
    mid = ok[len(ok) // 2]
    mid.errors = [e for r in results for e in r.errors]
    return mid


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the Markdown report to stdout."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the page's map per size (median)"
    )
    parser.add_argument("--timeout", type=float, default=BROWSER_TIMEOUT_S)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing (scripts/ensure-system-deps.sh installs it)")
    started = dt.datetime.now(dt.UTC)
    load = os.getloadavg()
    rows = run(tuple(args.sizes), repeat=args.repeat, timeout_s=args.timeout)
    print(f"## Map benchmark, {started:%Y-%m-%d %H:%M} UTC\n")
    print(
        f"Machine: {len(os.sched_getaffinity(0))} CPUs (nproc), {_cpu_model()}; "
        f"load average at start {load[0]:.2f}; Python {platform.python_version()}, "
        f"folium {folium.__version__}; {shutil.which('chromium') or CHROMIUM}.\n"
    )
    print(markdown(rows))
    print(
        "\nBuild + render: Python, `m.get_root().render()` included; the page map is the median "
        f"of {args.repeat} runs, the baseline one run. Browser columns: seconds from navigation "
        "start, measured in the page; ratios are to the naive baseline at the same size. "
        "Targets at 30,000: build < 1 s, HTML < 3 MB, first clusters < 2 s; at 100,000 each "
        "under 3x that."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
