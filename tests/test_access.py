"""Who sees which page: the access table, refusals in AppTest, and menus after a real login."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from streamlit.testing.v1 import AppTest

from geo.core.access import PAGE_ACCESS, ROLES, can_open, home_page, pages_for
from geo.core.i18n import t
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT_MS = 30_000

#: What each role must see in its menu, written out so a change to PAGE_ACCESS is deliberate.
EXPECTED_MENU: dict[str, list[str]] = {
    "publik": ["beranda", "sentra_publik", "masuk"],
    "perencana": ["beranda", "peta", "sentra_publik"],
    "pimpinan": ["beranda", "peta", "sentra_publik"],
    "admin": ["beranda", "peta", "sentra_publik", "admin"],
    # Field officers: their own routes only, never the register, dashboard or exports.
    "petugas": ["beranda", "sentra_publik", "kunjungan_saya"],
}
OFFICER_ONLY = sorted(p for p, roles in PAGE_ACCESS.items() if "publik" not in roles)


def _app_pages() -> list[str]:
    """Page ids of app.py's PAGES, read without running Streamlit."""
    import ast

    tree = ast.parse((ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PAGES":
            return [elt.elts[0].value for elt in node.value.elts]
    raise AssertionError("PAGES not found in app.py")


def test_every_page_has_an_access_rule_and_a_script() -> None:
    pages = _app_pages()
    assert sorted(pages) == sorted(PAGE_ACCESS)
    for page in pages:
        assert (ROOT / "pages" / f"{page}.py").is_file(), page
    for roles in PAGE_ACCESS.values():
        assert roles <= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_pages_for_each_role(role: str) -> None:
    # Pages added later by other features only add to these menus.
    menu = pages_for(role)
    assert [p for p in menu if p in EXPECTED_MENU[role] or p in OFFICER_ONLY] == menu
    assert set(EXPECTED_MENU[role]) <= set(menu)
    if role == "publik":
        assert set(menu).isdisjoint(OFFICER_ONLY)
    if role == "petugas":
        assert menu == ["beranda", "sentra_publik", "kunjungan_saya"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_lands_on_a_page_it_may_open(role: str) -> None:
    assert can_open(role, home_page(role))
    assert home_page(role) == ("kunjungan_saya" if role == "petugas" else pages_for(role)[0])


def test_can_open_refuses_unknowns() -> None:
    assert not can_open("publik", "admin")
    assert not can_open("perencana", "admin")
    assert can_open("admin", "admin")
    assert not can_open("tamu", "beranda")
    assert not can_open("admin", "tidak_ada")


def _page_texts(app: AppTest) -> str:
    parts = [e.value for e in (*app.error, *app.title, *app.markdown)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.usefixtures("database_url")
@pytest.mark.parametrize("page", OFFICER_ONLY)
def test_anonymous_access_to_officer_pages_is_refused(page: str) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert [e.value for e in app.error] == [t("access.refused", "id")]
    assert not app.title  # nothing of the page itself was drawn


@pytest.mark.usefixtures("database_url")
def test_officer_without_the_role_is_refused_admin() -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["role"] = "perencana"
    app.switch_page("pages/admin.py").run()
    assert not app.exception
    # AppTest runs the page script itself (app.py's check is covered in the browser tests), so
    # this is the page's own require_page() refusing.
    assert len(app.error) == 1
    assert app.error[0].value in (t("access.refused", "id"), t("access.refused_role", "id"))
    assert not app.title


@pytest.mark.usefixtures("database_url")
def test_admin_opens_admin_page() -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["role"] = "admin"
    app.session_state["user"] = "admin"
    app.switch_page("pages/admin.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == t("admin.title", "id")
    assert not app.error


# --- Real browser: the menu after logging in --------------------------------------------------


def _menu(page: Page, base_url: str) -> list[str]:
    # app.py draws the menu (Streamlit's own pages/ list is off, see .streamlit/config.toml).
    page.wait_for_timeout(300)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_be_hidden(timeout=TIMEOUT_MS)
    links = page.locator(".st-key-menu a")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    return [h.removeprefix(base_url).strip("/") or "beranda" for h in hrefs]


@pytest.mark.browser
def test_anonymous_menu_and_refusal_in_browser(app_server: str, browser_page: Page) -> None:
    page = browser_page
    # A fresh server serves sub-paths in Streamlit's old pages/-folder mode until some session
    # has run app.py (see the README); open the app's root once first.
    page.goto(app_server, wait_until="domcontentloaded")
    expect(page.get_by_role("link", name=t("nav.masuk", "id"))).to_be_visible(timeout=TIMEOUT_MS)
    page.goto(f"{app_server}/admin", wait_until="domcontentloaded")
    expect(page.get_by_text(t("access.refused", "id"))).to_be_visible(timeout=TIMEOUT_MS)
    assert sorted(_menu(page, app_server)) == sorted(pages_for("publik"))
    assert page.get_by_role("heading", name=t("admin.title", "id")).count() == 0


@pytest.mark.browser
@pytest.mark.parametrize("role", ["perencana", "pimpinan", "admin"])
def test_each_role_sees_exactly_its_pages(app_server: str, browser_page: Page, role: str) -> None:
    page = browser_page
    login(page, app_server, role)
    assert sorted(_menu(page, app_server)) == sorted(pages_for(role))
    expect(page.get_by_text(f"Masuk sebagai {role}")).to_be_visible()
    # Keluar: back to the public menu on Beranda.
    page.locator(".st-key-auth_logout button").click()
    nav = page.locator(".st-key-menu")
    expect(nav.locator('a[href="masuk"]')).to_be_visible(timeout=TIMEOUT_MS)
    assert sorted(_menu(page, app_server)) == sorted(pages_for("publik"))


@pytest.mark.browser
def test_wrong_password_is_refused_in_browser(app_server: str, browser_page: Page) -> None:
    page = browser_page
    page.goto(app_server, wait_until="domcontentloaded")
    page.get_by_role("link", name=t("nav.masuk", "id")).click(timeout=TIMEOUT_MS)
    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("Nama pengguna").fill("pimpinan")
    form.get_by_label("Kata sandi").fill("bukan-sandinya")
    form.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text(t("auth.invalid", "id"))).to_be_visible(timeout=TIMEOUT_MS)
    assert sorted(_menu(page, app_server)) == sorted(pages_for("publik"))


@pytest.mark.usefixtures("database_url")
def test_expired_session_falls_back_to_publik() -> None:
    import datetime as dt

    from geo.services import auth

    long_ago = auth.utcnow() - dt.timedelta(hours=9)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["role"] = "perencana"
    app.session_state["user"] = "perencana"
    app.session_state["auth_signed_in_at"] = long_ago
    app.session_state["auth_last_seen"] = auth.utcnow()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert "role" not in app.session_state and "user" not in app.session_state
    assert t("auth.expired", "id") in [i.value for i in app.info]


@pytest.mark.usefixtures("database_url")
def test_active_session_shows_who_is_signed_in() -> None:
    from geo.services import auth

    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["role"] = "pimpinan"
    app.session_state["user"] = "pimpinan"
    app.session_state["auth_signed_in_at"] = auth.utcnow()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["role"] == "pimpinan"
    sidebar = [m.value for m in app.sidebar.markdown]
    assert "Masuk sebagai **pimpinan** (Pimpinan)" in sidebar
    assert [b.label for b in app.sidebar.button] == [t("auth.logout", "id")]
