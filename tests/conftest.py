"""Shared fixtures: a temporary database, a running app server and a headless Chromium page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # playwright is imported by the browser fixtures only (collection speed)
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
# ``streamlit run`` puts the script's folder on sys.path; AppTest does not, and the app
# imports ``pages._common``.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 90.0


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point ``DATABASE_URL`` at an empty SQLite file of this test."""
    url = sqlite_url(tmp_path / "umkm.sqlite")
    monkeypatch.setenv("DATABASE_URL", url)
    return url


#: Officer accounts of the browser tests' database: username (= role) -> password.
TEST_USERS: dict[str, str] = {
    "perencana": "uji-perencana-2025",
    "pimpinan": "uji-pimpinan-2025",
    "admin": "uji-admin-2025",
}


def _prepare_database(url: str) -> None:
    """Load the demo data set (21,270 active UMKM) and the :data:`TEST_USERS` accounts."""
    from geo.ingest import demo
    from geo.services import auth
    from geo.services import demo as demo_service
    from geo.store import Store

    store = Store(url)
    demo_service.load_into(store, demo.generate())
    for role, password in TEST_USERS.items():
        auth.create_user(store, role, password, role, by="tests")
    store.close()


def login(page: Page, base_url: str, role: str) -> None:
    """Sign ``page`` in as the test user of ``role`` and wait for that role's menu.

    Opens the app, follows the "Masuk petugas" menu link, fills the form with the
    :data:`TEST_USERS` password and waits until every page of the role
    (``geo.core.access.pages_for``) is in the sidebar menu and the "Keluar" button is shown.

    The login lives in the Streamlit session of this browser tab: afterwards move between
    pages with the menu (``page.get_by_role("link", name=...)``) or the page's own links;
    ``page.goto`` or a reload opens a new Streamlit session, which the HttpOnly session
    cookie signs in again (tests/test_browser_sessions.py).
    """
    from geo.core.access import pages_for
    from geo.core.i18n import t

    # Start at the root: until some session has run app.py, a fresh Streamlit server serves a
    # sub-path such as /masuk from its old pages/-folder mode, without app.py.
    page.goto(base_url)
    page.get_by_role("link", name=t("nav.masuk", "id")).click(timeout=60_000)
    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("Nama pengguna").fill(role)
    form.get_by_label("Kata sandi").fill(TEST_USERS[role])
    form.get_by_role("button", name="Masuk").click()
    nav = page.locator(".st-key-menu")  # app.py's menu: the role's pages only
    for page_id in pages_for(role):
        url_path = "" if page_id == "beranda" else page_id
        nav.locator(f'a[href="{url_path}"]').first.wait_for(timeout=30_000)
    page.locator(".st-key-auth_logout").wait_for(timeout=30_000)


def store_figures(url: str, period: str, lang: str = "id") -> Any:
    """Dashboard figures of a store for a period code, as the page and the brief compute them."""
    from geo import wilayah
    from geo.analysis import kpi
    from geo.core.register import strip_personal
    from geo.store import Store

    store = Store(url)
    try:
        return kpi.dashboard_figures(
            strip_personal(store.read_umkm()),
            sahabat=store.read_sahabat(),
            visits=store.read_visits(),
            size_history=store.read_size_history(),
            kelurahan=wilayah.kelurahan(),
            period=kpi.parse_period(period),
            lang=lang,
        )
    finally:
        store.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def serve_app(workdir: Path) -> Iterator[str]:
    """Run ``streamlit run server.py`` on a free loopback port with a temporary demo database.

    ``server.py`` serves ``app.py`` and the HTTP routes of :mod:`web`.

    Yields the base URL (``http://127.0.0.1:<port>``); the server is stopped afterwards.
    """
    url = sqlite_url(workdir / "umkm.sqlite")
    _prepare_database(url)
    port = _free_port()
    # Leaflet from the app's own static files: tests have no internet to reach a CDN.
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONUNBUFFERED": "1",
        "PETA_UMKM_OFFLINE_ASSETS": "1",
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "server.py",
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
    log_path = workdir / "streamlit.log"
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while not _healthy(f"{base_url}/_stcore/health"):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        f"Streamlit did not become healthy (exit code {process.poll()}):\n"
                        + log_path.read_text(errors="replace")[-4000:]
                    )
                time.sleep(0.25)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One app server for the whole test session (see :func:`serve_app`)."""
    with serve_app(tmp_path_factory.mktemp("app_server")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-system-deps.sh (as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(_chromium: Browser) -> Iterator[Page]:
    """A fresh Playwright page (1400x900) in headless Debian Chromium."""
    context = _chromium.new_context(viewport={"width": 1400, "height": 900}, locale="id-ID")
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
