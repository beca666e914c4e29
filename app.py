"""Streamlit entry point of Peta Sentra UMKM Kota Malang: page setup, language, navigation.

Run with ``streamlit run app.py`` (or ``make run``). Pages live in ``pages/`` and only compose
what ``geo/`` computes.
"""

from __future__ import annotations

import streamlit as st

# The map component is declared in the process's first script run (usually the login page),
# not when somebody first opens a map; web/warmup.py cannot do it (a component must be
# declared in a script run).
import streamlit_folium  # noqa: F401

from geo.core.access import home_page, pages_for
from geo.core.i18n import LANGUAGES
from pages._auth import account_sidebar, refuse_unless_allowed
from pages._common import LANG_KEY, current_lang, current_role, tr

st.set_page_config(page_title="Peta Sentra UMKM Kota Malang", layout="wide")

#: The app's pages: (page id = script stem under pages/, message key of its title, icon).
#: Who may open which page is decided in geo/core/access.py; adding a page is a line here and
#: a line there. A role's default page is geo.core.access.home_page (petugas: Kunjungan saya).
PAGES: list[tuple[str, str, str]] = [
    ("beranda", "nav.beranda", ":material/home:"),
    ("peta", "nav.peta", ":material/map:"),
    ("dasbor", "nav.dasbor", ":material/monitoring:"),
    ("perencanaan", "nav.perencanaan", ":material/route:"),
    ("klaster", "nav.klaster", ":material/bubble_chart:"),
    ("sentra_publik", "nav.sentra_publik", ":material/storefront:"),
    ("data", "nav.data", ":material/upload_file:"),
    ("kunjungan_saya", "nav.kunjungan_saya", ":material/directions_walk:"),
    ("admin", "nav.admin", ":material/admin_panel_settings:"),
    ("masuk", "nav.masuk", ":material/login:"),
]

st.session_state.setdefault(LANG_KEY, current_lang())
st.sidebar.selectbox(
    tr("app.language"),
    options=list(LANGUAGES),
    format_func=LANGUAGES.__getitem__,
    key=LANG_KEY,
)

account_sidebar()  # session expiry, single sign-on, "Keluar"; before the role is read

# Every page is registered, but only the role's pages are shown in the menu; a page the role
# may not open (typed URL, expired session) is refused here, before its script runs.
allowed = pages_for(current_role())
default_page = home_page(current_role())
registered = {
    page: st.Page(
        f"pages/{page}.py",
        title=tr(title_key),
        icon=icon,
        default=page == default_page,
        visibility="visible" if page in allowed else "hidden",
    )
    for page, title_key, icon in PAGES
}
navigation = st.navigation(list(registered.values()), position="hidden")
# The menu is drawn here, only the role's pages: Streamlit's own sidebar list is switched off
# (.streamlit/config.toml) because on a fresh server's first paint it listed every script of
# pages/ (admin, _auth, _common ...) before this script ran.
with st.sidebar, st.container(key="menu"):
    for page, obj in registered.items():
        if page in allowed:
            st.page_link(obj)
refuse_unless_allowed(next(p for p, obj in registered.items() if obj is navigation))
navigation.run()
