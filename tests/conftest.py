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
from pathlib import Path
from typing import TYPE_CHECKING

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


def _prepare_database(url: str) -> None:
    """Load the default demo data set (21,270 active UMKM) into the app server's database."""
    from geo import demo
    from geo.store import Store

    store = Store(url)
    demo.load_into(store, demo.generate())
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


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run ``streamlit run app.py`` on a free loopback port with a temporary database.

    Yields the base URL (``http://127.0.0.1:<port>``); the server is stopped afterwards.
    """
    workdir = tmp_path_factory.mktemp("app_server")
    url = sqlite_url(workdir / "umkm.sqlite")
    _prepare_database(url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
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
