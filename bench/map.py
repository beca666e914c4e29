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

``--app N ...`` runs the real app (menu click to first clusters, WebSocket bytes, the point
payload's HTTP bytes on open and on a cached reopen, pan and zoom) against a stock
FastMarkerCluster page; ``--layer N ...`` runs the point layer alone (default 1,000,000 points:
first clusters drawn, pan frames per second at city and street zoom, canvas against SVG);
``--postgis N ...`` runs the app against PostGIS holding N UMKM (default 1,000,000, loaded by
``bench/pushdown.py``): first clusters and server memory for three sessions one after another.

This is a benchmark, not a test: it takes a few minutes (the baseline is slow by design) and
its numbers depend on the machine and its load, which are printed with the table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gzip
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
from typing import Any

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
        page.wait_for_selector(
            ".marker-cluster, [data-umkm-loaded]", state="attached", timeout=timeout_ms
        )
        result.wall = time.perf_counter() - start
        if wait_loaded:
            page.wait_for_selector("[data-umkm-loaded]", state="attached", timeout=timeout_ms)
        marks = page.evaluate("window.__bench")
        # The grid engine (from mapview.GRID_MIN_POINTS points) draws its clusters on the
        # canvas just before it marks the map loaded.
        result.first_cluster = (marks["firstCluster"] or marks["loaded"]) / 1000
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
# The running app: menu click to first clusters, WebSocket bytes, pan and zoom (issue 16)
# --------------------------------------------------------------------------------------------
APP_USER = ("perencana", "bench-perencana-2025")
#: A stock streamlit-folium page over the same points: FastMarkerCluster with Leaflet's default
#: marker, st_folium defaults (every pan and zoom reruns it).
_STOCK_PAGE = """
import sys

sys.path.insert(0, {root!r})

import folium
import folium.plugins
import streamlit as st
from streamlit_folium import st_folium

from geo.render import mapview
from geo.store import Store


@st.cache_data
def points():
    umkm = Store({url!r}).read_umkm()
    return umkm.loc[umkm["status"] == "aktif", ["lat", "lon"]].dropna().to_numpy().tolist()


m = folium.Map(location=[-7.97, 112.63], zoom_start=12)
# Leaflet's default marker: folium's default callback needs awesome-markers from a CDN.
marker = "function (row) {{ return L.marker(new L.LatLng(row[0], row[1])); }}"
folium.plugins.FastMarkerCluster(points(), callback=marker).add_to(m)
mapview.localize_assets(m, asset_base_url={assets!r})
st.title("Stock")
st_folium(m, height=620, use_container_width=True)
"""
_MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: Clusters on screen: markercluster's icons, or the map marked loaded by the grid engine
#: (which draws its clusters on the canvas just before; see mapview.GRID_MIN_POINTS).
_DRAWN_SELECTOR = ".marker-cluster, [data-umkm-loaded]"


@dataclass
class AppRun:
    """One page opened in the running app, then panned and zoomed."""

    name: str
    open_s: float | None = None
    open_bytes: int = 0
    gestures: dict[str, tuple[int, float]] = field(default_factory=dict)
    rebuilt: bool | None = None
    #: HTTP bytes of the point payload when the page opened (None: no payload fetched) ...
    payload_bytes: int | None = None
    #: ... and when it was opened again from the menu (0: served from the browser's cache).
    reopen_payload_bytes: int | None = None
    reopen_s: float | None = None
    reopen_bytes: int = 0


class _Bytes:
    """Bytes received over the page's WebSockets."""

    def __init__(self) -> None:
        self.received = 0

    def watch(self, ws: object) -> None:
        ws.on("framereceived", self._frame)  # type: ignore[attr-defined]

    def _frame(self, payload: str | bytes) -> None:
        self.received += len(payload.encode() if isinstance(payload, str) else payload)


class _PayloadFetches:
    """Bytes over the network of each point payload fetch (``/peta-data/...``), via CDP.

    ``encodedDataLength`` counts what came over the wire (headers and gzip body); a response
    from the browser's cache counts 0. The map's iframe is same-origin: the page's session
    sees its requests.
    """

    def __init__(self, page: Any) -> None:
        self.fetches: list[dict[str, Any]] = []
        self._ids: dict[str, dict[str, Any]] = {}
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        self._cdp = cdp

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if "/peta-data/" in response["url"]:
            entry = {
                "status": response["status"],
                "cached": bool(response.get("fromDiskCache") or response.get("fromMemoryCache")),
                "bytes": 0,
            }
            self._ids[event["requestId"]] = entry
            self.fetches.append(entry)

    def _finished(self, event: dict[str, Any]) -> None:
        if (entry := self._ids.get(event["requestId"])) is not None:
            entry["bytes"] = 0 if entry["cached"] else int(event["encodedDataLength"])

    def total(self, start: int = 0) -> int | None:
        """Bytes of the fetches from index ``start`` on (None when there were none)."""
        found = self.fetches[start:]
        return sum(f["bytes"] for f in found) if found else None


@contextlib.contextmanager
def _streamlit(script: Path, env: dict[str, str]) -> Iterator[str]:
    """Run ``streamlit run script`` from the project root; yield its base URL."""
    import socket
    import subprocess

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_healthy(base, process, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_healthy(base: str, process: Any, log: Any) -> None:
    """Wait until the server answers its health check; raise with its log if it died."""
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 120
    while True:
        try:
            with opener.open(f"{base}/_stcore/health", timeout=2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(log.read().decode(errors="replace")[-3000:]) from None
            time.sleep(0.25)


def _app_database(directory: Path, count: int) -> str:
    """A SQLite store with ``count`` active demo UMKM and the bench user; its URL."""
    from geo.ingest import demo
    from geo.services import auth
    from geo.services import demo as demo_service
    from geo.store import Store

    url = f"sqlite:///{directory / 'umkm.sqlite'}"
    store = Store(url)
    demo_service.load_into(store, demo.generate(count=count))
    auth.create_user(store, APP_USER[0], APP_USER[1], "perencana", by="bench")
    store.close()
    return url


def _idle(page: object, timeout_ms: float) -> None:
    """Wait until Streamlit runs no script (twice, a moment apart)."""
    status = page.locator('[data-testid="stStatusWidget"]')  # type: ignore[attr-defined]
    for _ in range(2):
        page.wait_for_timeout(700)  # type: ignore[attr-defined]
        status.wait_for(state="hidden", timeout=timeout_ms)


def _gestures(page: object, counter: _Bytes, run: AppRun, timeout_ms: float) -> None:
    """Pan, zoom, pan: bytes received and seconds until the app is idle again."""
    iframe = page.locator(_MAP_IFRAME).last  # type: ignore[attr-defined]
    frame = page.frame_locator(_MAP_IFRAME).last  # type: ignore[attr-defined]
    handle = iframe.element_handle()
    inner = handle.content_frame()
    inner.evaluate("window.__benchMark = 1")
    box = iframe.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    mouse = page.mouse  # type: ignore[attr-defined]

    def pan() -> None:
        mouse.move(cx, cy)
        mouse.down()
        mouse.move(cx - 150, cy - 80, steps=8)
        mouse.up()

    def zoom() -> None:
        frame.locator(".leaflet-control-zoom-in").click()

    for name, action in (("pan", pan), ("zoom", zoom), ("pan 2", pan)):
        before, start = counter.received, time.perf_counter()
        action()
        _idle(page, timeout_ms)
        run.gestures[name] = (counter.received - before, time.perf_counter() - start)
    same = handle.evaluate("e => e.isConnected") and inner.evaluate("window.__benchMark") == 1
    run.rebuilt = not same


def app_runs(count: int, *, timeout_s: float) -> list[AppRun]:
    """Open the app's Peta UMKM from the menu and a stock page; measure bytes and gestures."""
    timeout_ms = timeout_s * 1000
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-map-app-") as tmp:
        url = _app_database(Path(tmp), count)
        env = {"DATABASE_URL": url, "PETA_UMKM_OFFLINE_ASSETS": "1", "PYTHONUNBUFFERED": "1"}
        with _streamlit(ROOT / "server.py", env) as base, sync_playwright() as playwright:
            stock = Path(tmp) / "stock.py"
            stock.write_text(
                _STOCK_PAGE.format(url=url, assets=f"{base}/app/static/", root=str(ROOT))
            )
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS[:-1], headless=True
            )
            page = browser.new_context(viewport=VIEWPORT).new_page()
            counter = _Bytes()
            page.on("websocket", counter.watch)
            payloads = _PayloadFetches(page)
            page.goto(base)
            page.get_by_role("link", name="Masuk petugas").click(timeout=timeout_ms)
            form = page.locator('[data-testid="stForm"]')
            form.get_by_label("Nama pengguna").fill(APP_USER[0])
            form.get_by_label("Kata sandi").fill(APP_USER[1])
            form.get_by_role("button", name="Masuk").click()
            page.locator(".st-key-auth_logout").wait_for(timeout=timeout_ms)
            _idle(page, timeout_ms)
            run = AppRun(f"Peta UMKM, {count:,} UMKM (menu click)")
            before, start = counter.received, time.perf_counter()
            page.get_by_role("link", name="Peta UMKM").click()
            page.frame_locator(_MAP_IFRAME).last.locator(_DRAWN_SELECTOR).first.wait_for(
                timeout=timeout_ms
            )
            run.open_s = time.perf_counter() - start
            _idle(page, timeout_ms)
            run.open_bytes = counter.received - before
            run.payload_bytes = payloads.total()
            _gestures(page, counter, run, timeout_ms)
            # Away and back from the menu: the same payload URL, from the browser's cache.
            page.get_by_role("link", name="Beranda").click()
            page.locator(_MAP_IFRAME).wait_for(state="detached", timeout=timeout_ms)
            _idle(page, timeout_ms)
            seen, before, start = len(payloads.fetches), counter.received, time.perf_counter()
            page.get_by_role("link", name="Peta UMKM").click()
            page.frame_locator(_MAP_IFRAME).last.locator(_DRAWN_SELECTOR).first.wait_for(
                timeout=timeout_ms
            )
            run.reopen_s = time.perf_counter() - start
            _idle(page, timeout_ms)
            run.reopen_bytes = counter.received - before
            run.reopen_payload_bytes = payloads.total(seen)
            runs.append(run)
            with _streamlit(stock, env) as stock_base:
                page = browser.new_context(viewport=VIEWPORT).new_page()
                counter = _Bytes()
                page.on("websocket", counter.watch)
                run = AppRun(f"stock FastMarkerCluster page, {count:,} points (goto)")
                start = time.perf_counter()
                page.goto(stock_base, wait_until="commit")
                page.frame_locator(_MAP_IFRAME).last.locator(".marker-cluster").first.wait_for(
                    timeout=timeout_ms
                )
                run.open_s = time.perf_counter() - start
                _idle(page, timeout_ms)
                run.open_bytes = counter.received
                _gestures(page, counter, run, timeout_ms)
                runs.append(run)
            browser.close()
    return runs


def _bytes(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def app_markdown(runs: list[AppRun]) -> str:
    """Markdown table of :func:`app_runs`, each page's time with its ratio to the stock page."""
    names = list(runs[0].gestures) if runs else []
    head = (
        "| Page | To first clusters | WebSocket bytes to open | Payload HTTP bytes "
        "(open / reopen) | Reopen from menu: s, WebSocket bytes | "
        + " | ".join(f"{n}: bytes, s to idle" for n in names)
        + " | Map rebuilt |"
    )
    lines = [head, "|" + "---|" * (6 + len(names))]
    # app_runs gives, for each size, the app's page and then the stock page of the same run.
    refs = {id(page): stock for page, stock in zip(runs[::2], runs[1::2], strict=False)}
    for r in runs:
        ref = refs.get(id(r))
        cells = [f"{b:,} B, {t:.2f} s" for b, t in r.gestures.values()]
        reopen = "–" if r.reopen_s is None else f"{_seconds(r.reopen_s)}, {r.reopen_bytes:,}"
        lines.append(
            f"| {r.name} | {_seconds(r.open_s)}"
            + (_ratio(r.open_s, ref.open_s) if ref else "")
            + f" | {r.open_bytes:,}"
            + (_ratio(r.open_bytes, ref.open_bytes) if ref else "")
            + f" | {_bytes(r.payload_bytes)} / {_bytes(r.reopen_payload_bytes)} | {reopen} | "
            + " | ".join(cells)
            + f" | {'yes' if r.rebuilt else 'no'} |"
        )
    return "\n".join(lines)


def app_summary_markdown(runs: list[AppRun], repeat: int) -> str:
    """Markdown: per size, median first-clusters time of the page and of the stock page.

    ``runs`` holds, for each repetition and size, the app's page then the stock page (as
    :func:`app_runs` returns them); the ratio is of the medians, with each run's own ratio.
    """
    pairs: dict[str, list[tuple[float, float]]] = {}
    for page, stock in zip(runs[::2], runs[1::2], strict=True):
        if page.open_s is not None and stock.open_s is not None:
            pairs.setdefault(page.name, []).append((page.open_s, stock.open_s))
    lines = [
        f"| Page | First clusters, median of {repeat} | Stock page, median | Ratio of medians "
        "| Ratio in each run (median) |",
        "|---|---:|---:|---:|---|",
    ]
    for name, times in pairs.items():
        page_med = statistics.median(t for t, _ in times)
        stock_med = statistics.median(s for _, s in times)
        each = ", ".join(f"{t / s:.2f}×" for t, s in times)
        each_med = statistics.median(t / s for t, s in times)
        lines.append(
            f"| {name} | {page_med:.2f} s | {stock_med:.2f} s | **{page_med / stock_med:.2f}×** "
            f"| {each} ({each_med:.2f}×) |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The point layer alone: 1,000,000 points, fetched, clustered, panned (issue 16)
# --------------------------------------------------------------------------------------------
LAYER_SIZES = (1_000_000,)
#: Targets of the point layer alone at 1,000,000 points: first points drawn (s), pan (fps).
LAYER_TARGETS = (3.0, 30.0)
#: Where the street-level part of the run looks: the dense centre of Kota Malang.
STREET_VIEW = ((-7.9797, 112.6304), 17)

_LAYER_OBSERVER = """
(() => {
  window.__bench = {firstCluster: null, firstPoint: null, loaded: null, error: null};
  const check = () => {
    const b = window.__bench, now = performance.now();
    if (b.firstCluster === null && document.querySelector('.marker-cluster')) {
      b.firstCluster = now;
    }
    if (b.loaded === null && document.querySelector('[data-umkm-loaded]')) { b.loaded = now; }
    if (b.error === null && document.querySelector('[data-umkm-error]')) {
      b.error = document.querySelector('[data-umkm-error]').getAttribute('data-umkm-error');
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true, subtree: true, attributes: true,
    attributeFilter: ['data-umkm-loaded', 'data-umkm-error']
  });
})();
"""

# Pans the map with Leaflet's animated panBy (the same CSS-transform animation as a drag's
# inertia), back and forth, and counts requestAnimationFrame callbacks meanwhile: frames per
# second and the longest frame. Each pan ends with a moveend, where markercluster adds the
# points and clusters that came into view, so that work is inside the measured time.
_PAN_FPS = """
async ([name, pans, px, seconds]) => {
  const map = window[name];
  let frames = 0, worst = 0, last = performance.now(), running = true;
  const tick = (t) => {
    frames += 1; worst = Math.max(worst, t - last); last = t;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const start = performance.now();
  for (let i = 0; i < pans; i++) {
    const dx = (i % 2 ? -1 : 1) * px, dy = (i % 4 < 2 ? 1 : -1) * px / 2;
    await new Promise((done) => {
      map.once('moveend', () => setTimeout(done, 50));
      map.panBy([dx, dy], {animate: true, duration: seconds, easeLinearity: 1});
    });
  }
  running = false;
  const elapsed = (performance.now() - start) / 1000;
  return {fps: frames / elapsed, worst_ms: worst, seconds: elapsed};
}
"""

_DRAWN = """
(name) => {
  const map = window[name], r = map._petaUmkmRenderer;
  let points = 0, clusters = document.querySelectorAll('.marker-cluster').length;
  map.eachLayer((l) => {
    if (l._petaCell) clusters += 1;  // the grid's clusters, drawn on the canvas
    else if (l instanceof L.CircleMarker) points += 1;
  });
  return {points, clusters,
          renderer: r ? (r instanceof L.Canvas ? 'canvas' : 'svg') : 'none'};
}
"""


@dataclass
class LayerRun:
    """The point layer alone at one size, one renderer."""

    n: int
    renderer: str
    json_bytes: int = 0
    gzip_bytes: int = 0
    fetched_s: float | None = None
    first_cluster_s: float | None = None
    all_clustered_s: float | None = None
    city_pan: dict[str, float] = field(default_factory=dict)
    street_s: float | None = None
    street_drawn: dict[str, Any] = field(default_factory=dict)
    street_pan: dict[str, float] = field(default_factory=dict)
    error: str | None = None


def layer_map(
    umkm: pd.DataFrame, kel: gpd.GeoDataFrame, url: str, *, grid: bool | None = None
) -> tuple[folium.Map, bytes]:
    """A bare map with only the UMKM point layer, fetching its payload from ``url``.

    ``grid`` forces the clustering engine (None: the layer's choice by its size).
    """
    minx, miny, maxx, maxy = kel.total_bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=12,
        tiles=None,
        minZoom=mapview.MIN_ZOOM,
        maxZoom=mapview.MAX_ZOOM,
    )
    layer = mapview.add_umkm(m, umkm=umkm, kelurahan=kel, name="UMKM")
    if grid is not None:
        layer.grid = grid
    data = layer.payload_bytes()
    layer.fetch_from(url)
    mapview.localize_assets(m, asset_base_url="/static/")
    return m, data


def _svg(html_text: str) -> str:
    """The same page with the points on SVG (the renderer before issue 16's change)."""
    canvas = "L.canvas({pane: paneName, tolerance: 2})"
    if canvas not in html_text:
        raise RuntimeError("the point layer's canvas renderer was not found in the map")
    return html_text.replace(canvas, "L.svg({pane: paneName})")


def layer_run(
    browser: Browser, base_url: str, page_name: str, name: str, n: int, timeout_s: float
) -> LayerRun:
    """Open the layer page, time fetch and clusters, pan at city and street zoom."""
    run = LayerRun(n=n, renderer=page_name)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(_LAYER_OBSERVER)
    timeout_ms = timeout_s * 1000
    try:
        page.goto(f"{base_url}/{page_name}", wait_until="commit", timeout=timeout_ms)
        page.wait_for_function(
            "() => window.__bench.loaded !== null || window.__bench.error !== null",
            timeout=timeout_ms,
            polling=100,
        )
        marks = page.evaluate("window.__bench")
        run.error = marks["error"]
        entry = page.evaluate(
            "() => performance.getEntriesByType('resource')"
            ".filter(e => e.name.endsWith('.json')).map(e => e.responseEnd)[0] || null"
        )
        run.fetched_s = entry / 1000 if entry else None
        # markercluster: the first cluster icon; the grid draws on the canvas, synchronously,
        # just before it marks the map loaded.
        first = marks["firstCluster"] or marks["loaded"]
        run.first_cluster_s = first / 1000 if first else None
        run.all_clustered_s = marks["loaded"] / 1000 if marks["loaded"] else None
        page.wait_for_timeout(500)
        run.city_pan = page.evaluate(_PAN_FPS, [name, 6, 300, 0.5])
        (lat, lon), zoom = STREET_VIEW
        start = time.perf_counter()
        page.evaluate(
            """([name, lat, lon, zoom]) => new Promise((done) => {
                const map = window[name];
                map.once('moveend', () => requestAnimationFrame(() => setTimeout(done, 0)));
                map.setView([lat, lon], zoom, {animate: false});
            })""",
            [name, lat, lon, zoom],
        )
        run.street_s = time.perf_counter() - start
        run.street_drawn = page.evaluate(_DRAWN, name)
        page.wait_for_timeout(300)
        run.street_pan = page.evaluate(_PAN_FPS, [name, 6, 300, 0.5])
    except Exception as exc:  # Playwright's TimeoutError
        if "Timeout" not in type(exc).__name__ and "Timeout" not in str(exc):
            raise
        run.error = f"timeout (> {timeout_s:.0f} s)"
    finally:
        context.close()
    return run


def layer_runs(
    sizes: tuple[int, ...], *, timeout_s: float, variants: tuple[str, ...] = ()
) -> list[LayerRun]:
    """The point layer alone at each size: grid clustering (now), markercluster on canvas and
    markercluster on SVG (before), same browser; ``variants`` picks some by name part."""
    kel = wilayah.kelurahan()
    runs: list[LayerRun] = []
    with tempfile.TemporaryDirectory(prefix="bench-map-layer-") as tmp:
        workdir = Path(tmp)
        (workdir / "static").symlink_to(mapview.STATIC_DIR, target_is_directory=True)
        with serve(workdir) as base_url, sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            for n in sizes:
                umkm = synthetic_register(n, kel)
                pages: dict[str, tuple[str, str]] = {}
                for grid in (True, False):
                    m, data = layer_map(umkm, kel, f"/points-{n}.json", grid=grid)
                    text = m.get_root().render()
                    if grid:
                        pages["grid, canvas"] = (text, m.get_name())
                    else:
                        pages["markercluster, canvas"] = (text, m.get_name())
                        pages["markercluster, SVG (before)"] = (_svg(text), m.get_name())
                del umkm
                (workdir / f"points-{n}.json").write_bytes(data)
                packed = len(gzip.compress(data, compresslevel=6, mtime=0))
                for k, (label, (text, name)) in enumerate(pages.items()):
                    if variants and not any(v in label for v in variants):
                        continue
                    page_name = f"layer-{n}-{k}.html"
                    (workdir / page_name).write_text(text, encoding="utf-8")
                    run = layer_run(browser, base_url, page_name, name, n, timeout_s)
                    run.renderer = label
                    run.json_bytes, run.gzip_bytes = len(data), packed
                    runs.append(run)
                    print(
                        f"layer {n:>9,} {run.renderer:<6} first {_seconds(run.first_cluster_s)}"
                        f"  all {_seconds(run.all_clustered_s)}  city pan {run.city_pan}"
                        f"  street {run.street_drawn} pan {run.street_pan}"
                        + (f"  error {run.error}" if run.error else ""),
                        file=sys.stderr,
                        flush=True,
                    )
            browser.close()
    return runs


def _fps(pan: dict[str, float]) -> str:
    if not pan:
        return "–"
    return f"{pan['fps']:.0f} fps (worst frame {pan['worst_ms']:.0f} ms)"


def layer_markdown(runs: list[LayerRun]) -> str:
    """Markdown table of :func:`layer_runs`."""
    first_target, fps_target = LAYER_TARGETS
    lines = [
        "| Points | Clustering, renderer | Payload (JSON / gzip) | Fetched | First points drawn "
        "| All clustered | Pan, city zoom 12 | Street zoom 17: points drawn, s "
        "| Pan, street zoom 17 | Meets target |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        pans = [p["fps"] for p in (r.city_pan, r.street_pan) if p]
        ok = (
            r.first_cluster_s is not None
            and r.first_cluster_s < first_target
            and len(pans) == 2
            and min(pans) >= fps_target
        )
        street = (
            f"{r.street_drawn.get('points', 0):,} points, "
            f"{r.street_drawn.get('clusters', 0):,} clusters, {_seconds(r.street_s)}"
            if r.street_drawn
            else "–"
        )
        lines.append(
            f"| {r.n:,} | {r.renderer} | {r.json_bytes / 1e6:.1f} MB / "
            f"{r.gzip_bytes / 1e6:.1f} MB | {_seconds(r.fetched_s)} | "
            f"{_seconds(r.first_cluster_s)} | {_seconds(r.all_clustered_s)} | "
            f"{_fps(r.city_pan)} | {street} | {_fps(r.street_pan)} | "
            + ("yes" if ok else "no")
            + (f" ({r.error})" if r.error else "")
            + " |"
        )
    return "\n".join(lines)


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
    parser.add_argument(
        "--app",
        type=int,
        nargs="*",
        metavar="N",
        help="also run the app with N demo UMKM (default 30000): menu click to first clusters, "
        "WebSocket bytes, pan and zoom, against a stock FastMarkerCluster page",
    )
    parser.add_argument(
        "--layer",
        type=int,
        nargs="*",
        metavar="N",
        help="also run the point layer alone with N points (default 1000000), fetched as a "
        "file: first clusters drawn, pan frames per second at city and street zoom, canvas "
        "against SVG",
    )
    parser.add_argument(
        "--layer-variants",
        nargs="*",
        default=[],
        metavar="NAME",
        help="only these point-layer variants (a part of their name: grid, canvas, SVG)",
    )
    parser.add_argument(
        "--app-repeat",
        type=int,
        default=1,
        metavar="K",
        help="open the app and the stock page K times per size (fresh servers each time) and "
        "also print the medians",
    )
    parser.add_argument(
        "--postgis",
        type=int,
        nargs="*",
        metavar="N",
        help="also run the app against PostGIS holding N UMKM (default 1000000; "
        "bench/pushdown.py loads them): first clusters and server memory for three sessions",
    )
    parser.add_argument("--app-only", action="store_true", help="skip the static-HTML table")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing (scripts/ensure-system-deps.sh installs it)")
    started = dt.datetime.now(dt.UTC)
    load = os.getloadavg()
    rows = (
        [] if args.app_only else run(tuple(args.sizes), repeat=args.repeat, timeout_s=args.timeout)
    )
    app_sizes = [] if args.app is None else (args.app or [30_000])
    app = [
        r
        for _ in range(args.app_repeat)
        for n in app_sizes
        for r in app_runs(n, timeout_s=args.timeout)
    ]
    layer_sizes = () if args.layer is None else tuple(args.layer or LAYER_SIZES)
    layers = (
        layer_runs(
            layer_sizes,
            timeout_s=max(args.timeout, 180.0),
            variants=tuple(args.layer_variants),
        )
        if layer_sizes
        else []
    )
    print(f"## Map benchmark, {started:%Y-%m-%d %H:%M} UTC\n")
    print(
        f"Machine: {len(os.sched_getaffinity(0))} CPUs (nproc), {_cpu_model()}; "
        f"load average at start {load[0]:.2f}; Python {platform.python_version()}, "
        f"folium {folium.__version__}; {shutil.which('chromium') or CHROMIUM}.\n"
    )
    if rows:
        print(markdown(rows))
    if app:
        runs_text = "one run" if args.app_repeat == 1 else f"{args.app_repeat} runs"
        print(f"\n### The running app (Streamlit, headless Chromium, {runs_text})\n")
        if args.app_repeat > 1:
            print(app_summary_markdown(app, args.app_repeat) + "\n")
        print(app_markdown(app))
        print(
            "\nFirst clusters: wall seconds from the menu click (the stock page: from goto, it "
            "has no menu). Bytes: received over Streamlit's WebSocket. Seconds to idle include "
            "1.4 s of fixed settling waits (two 0.7 s pauses before checking that no script "
            "runs). Map rebuilt: the map iframe was replaced or its document reloaded. "
            "Payload HTTP bytes: the point file over the network (CDP `encodedDataLength`, "
            "gzip), when the page opened and when it was opened again from the menu after "
            "visiting Beranda (0: served from the browser's cache, not re-downloaded). Ratios "
            "are to the stock page of the same run."
        )
    if args.postgis is not None:
        from bench import pushdown  # it imports this module: only when asked

        for n in args.postgis or [1_000_000]:
            print(f"\n### The app on PostGIS ({n:,} UMKM, one run per session)\n")
            print(pushdown.page_report(n, timeout_s=max(args.timeout, 600.0)))
        print(
            "\nEach session signs in (Beranda), then opens Peta UMKM from the menu; seconds "
            "from the click to the first clusters, the server's RSS after sign-in and when the "
            "page is idle. The first session after a start meets cold caches."
        )
    if layers:
        print("\n### The point layer alone (payload fetched as a file, headless Chromium)\n")
        print(layer_markdown(layers))
        print(
            "\nA bare map with only the UMKM layer; the payload is a static file on the local "
            "server (not gzip-compressed there; the gzip size is what the app's route sends). "
            "Times from navigation start, measured in the page. Pan: six animated `panBy` of "
            "300 px (0.5 s each, back and forth), frames counted with requestAnimationFrame, "
            "each pan's moveend (markercluster updating the view) included. Street zoom: "
            f"setView to {STREET_VIEW[0]} at zoom {STREET_VIEW[1]}, seconds until drawn. SVG: "
            "the same page with `L.svg` in place of the canvas renderer (the code before)."
            f" Targets: first clusters < {LAYER_TARGETS[0]:.0f} s, pan >= "
            f"{LAYER_TARGETS[1]:.0f} fps."
        )
    if not rows:
        return 0
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
