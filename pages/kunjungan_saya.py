"""Kunjungan saya: the routes assigned to the signed-in officer (being built, issue 17)."""

from __future__ import annotations

from pages._common import require_page, tr

require_page("kunjungan_saya")
import streamlit as st  # noqa: E402

st.title(tr("nav.kunjungan_saya"))
