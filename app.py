"""Streamlit entry point of Peta Sentra UMKM Kota Malang: page setup, language, navigation.

Run with ``streamlit run app.py`` (or ``make run``). Pages live in ``pages/`` and only compose
what ``geo/`` computes.
"""

from __future__ import annotations

import streamlit as st

from geo.i18n import LANGUAGES
from pages._common import LANG_KEY, current_lang, tr

st.set_page_config(page_title="Peta Sentra UMKM Kota Malang", layout="wide")

#: The app's pages: (script, message key of its title, icon). The first is the default page;
#: adding a page is adding a line.
PAGES: list[tuple[str, str, str]] = [
    ("pages/beranda.py", "nav.beranda", ":material/home:"),
]

st.session_state.setdefault(LANG_KEY, current_lang())
st.sidebar.selectbox(
    tr("app.language"),
    options=list(LANGUAGES),
    format_func=LANGUAGES.__getitem__,
    key=LANG_KEY,
)

navigation = st.navigation(
    [
        st.Page(script, title=tr(title_key), icon=icon, default=index == 0)
        for index, (script, title_key, icon) in enumerate(PAGES)
    ]
)
navigation.run()
