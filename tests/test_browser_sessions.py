"""Cookie sessions in a real Chromium: reload, new tab, Keluar, disabled account, deep link.

One app server for this module (its own database: these tests disable an account).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.core.access import pages_for
from geo.core.i18n import t
from geo.services import auth, sessions
from geo.store import Store
from tests.conftest import TEST_USERS, login, serve_app, sqlite_url

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
DISABLED_USER = "sesi-uji"
DISABLED_PASSWORD = "uji-sesi-nonaktif-2026"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of a server of this module's own."""
    workdir = tmp_path_factory.mktemp("sessions_server")
    with serve_app(workdir) as base_url:
        url = sqlite_url(workdir / "umkm.sqlite")
        with Store(url) as store:
            auth.create_user(store, DISABLED_USER, DISABLED_PASSWORD, "pimpinan", by="tests")
        yield base_url, url


@pytest.fixture
def context(_chromium: Browser) -> Iterator[BrowserContext]:
    ctx = _chromium.new_context(viewport={"width": 1400, "height": 900}, locale="id-ID")
    try:
        yield ctx
    finally:
        ctx.close()


def _session_cookie(ctx: BrowserContext, *, present: bool = True) -> dict[str, Any] | None:
    """Wait until the session cookie is (or is no longer) in the browser; return it."""
    deadline = time.monotonic() + 20
    while True:
        found = [c for c in ctx.cookies() if c["name"] == sessions.COOKIE_NAME]
        if bool(found) == present:
            return dict(found[0]) if found else None
        if time.monotonic() > deadline:
            pytest.fail(f"session cookie {'never set' if present else 'not cleared'}")
        time.sleep(0.2)


def _menu(page: Page) -> set[str]:
    from playwright.sync_api import expect

    page.wait_for_timeout(300)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=TIMEOUT_MS)
    links = page.locator(".st-key-menu a")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    return {h.rstrip("/").rsplit("/", 1)[-1] or "beranda" for h in hrefs}


def _expect_signed_in(page: Page, role: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(".st-key-auth_logout")).to_be_visible(timeout=TIMEOUT_MS)
    nav = page.locator(".st-key-menu")
    for page_id in pages_for(role):
        nav.locator(f'a[href="{"" if page_id == "beranda" else page_id}"]').first.wait_for(
            timeout=TIMEOUT_MS
        )
    assert _menu(page) == set(pages_for(role))


def _expect_signed_out(page: Page) -> None:
    from playwright.sync_api import expect

    nav = page.locator(".st-key-menu")
    expect(nav.locator('a[href="masuk"]')).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".st-key-auth_logout")).to_have_count(0)
    assert _menu(page) == set(pages_for("publik"))


def _sign_in_form(page: Page, username: str, password: str) -> None:
    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("Nama pengguna").fill(username)
    form.get_by_label("Kata sandi").fill(password)
    form.get_by_role("button", name="Masuk").click()


def test_cookie_session_survives_a_reload_and_a_new_tab_and_ends_on_keluar(
    server: tuple[str, str], context: BrowserContext
) -> None:
    base_url, db_url = server
    role = "perencana"
    page = context.new_page()
    login(page, base_url, role)
    cookie = _session_cookie(context)
    assert cookie is not None
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"
    assert cookie["expires"] > time.time() + 3600  # Max-Age: the absolute limit
    # The page's JavaScript cannot read it.
    assert sessions.COOKIE_NAME not in page.evaluate("document.cookie")

    page.reload(wait_until="domcontentloaded")
    _expect_signed_in(page, role)

    other = context.new_page()
    other.goto(base_url, wait_until="domcontentloaded")
    _expect_signed_in(other, role)

    page.locator(".st-key-auth_logout button").click()
    _expect_signed_out(page)
    assert _session_cookie(context, present=False) is None
    with Store(db_url) as store:
        assert store.count_web_sessions(role) == 0
    page.reload(wait_until="domcontentloaded")
    _expect_signed_out(page)

    # The other tab ends at its next interaction.
    other.locator(".st-key-menu").get_by_role("link", name=t("nav.peta", "id")).click()
    _expect_signed_out(other)


def test_a_disabled_account_cookie_no_longer_signs_in(
    server: tuple[str, str], context: BrowserContext
) -> None:
    base_url, db_url = server
    page = context.new_page()
    page.goto(base_url, wait_until="domcontentloaded")
    page.get_by_role("link", name=t("nav.masuk", "id")).click(timeout=TIMEOUT_MS)
    _sign_in_form(page, DISABLED_USER, DISABLED_PASSWORD)
    _expect_signed_in(page, "pimpinan")
    cookie = _session_cookie(context)
    assert cookie is not None
    page.reload(wait_until="domcontentloaded")
    _expect_signed_in(page, "pimpinan")

    with Store(db_url) as store:
        auth.set_active(store, DISABLED_USER, aktif=False, by="admin")
    page.reload(wait_until="domcontentloaded")
    _expect_signed_out(page)
    # Even when the old cookie is sent again in a fresh tab.
    context.add_cookies([{**cookie}])
    fresh = context.new_page()
    fresh.goto(base_url, wait_until="domcontentloaded")
    _expect_signed_out(fresh)


def test_deep_link_round_trip_through_login(
    server: tuple[str, str], context: BrowserContext
) -> None:
    from playwright.sync_api import expect

    base_url, _ = server
    page = context.new_page()
    # A fresh server serves sub-paths in Streamlit's pages/-folder mode until app.py ran once.
    page.goto(base_url, wait_until="domcontentloaded")
    expect(page.get_by_role("link", name=t("nav.masuk", "id"))).to_be_visible(timeout=TIMEOUT_MS)
    wanted = {"skala": ["mikro"], "peta": ["light"]}
    page.goto(f"{base_url}/peta?skala=mikro&peta=light", wait_until="domcontentloaded")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(t("access.refused", "id"))).to_be_visible(timeout=TIMEOUT_MS)
    main.get_by_role("link", name=t("nav.masuk", "id")).click()
    expect(page.get_by_text(t("sesi.return", "id"))).to_be_visible(timeout=TIMEOUT_MS)
    _sign_in_form(page, "perencana", TEST_USERS["perencana"])
    page.wait_for_url(lambda url: urlsplit(url).path.rstrip("/").endswith("/peta"))
    _expect_signed_in(page, "perencana")
    expect(page.get_by_role("heading", name=t("peta.title", "id"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    query = parse_qs(urlsplit(page.url).query)
    assert {k: query.get(k) for k in wanted} == wanted, page.url
