"""Masuk petugas: sign in with username and password, or with the office's SSO."""

from __future__ import annotations

import streamlit as st

from geo.core.escape import markdown_text as md
from geo.services import auth
from pages._auth import format_wib, record_failure, session_retry_at, sign_in, sso_configured
from pages._common import get_store, tr

st.title(tr("auth.title"))
st.caption(tr("auth.intro"))

no_role = st.session_state.pop("auth_sso_no_role", None)
if no_role is not None:
    st.warning(tr("auth.sso_no_role", email=md(no_role)))

with st.form("auth_login", border=True):
    username = st.text_input(tr("auth.username"), autocomplete="username", max_chars=64)
    password = st.text_input(
        tr("auth.password"), type="password", autocomplete="current-password", max_chars=256
    )
    submitted = st.form_submit_button(tr("auth.submit"), type="primary", icon=":material/login:")

if submitted:
    retry_at = session_retry_at()
    if retry_at is not None:
        st.error(tr("auth.locked", waktu=format_wib(retry_at)))
    else:
        result = auth.authenticate(get_store(), username, password)
        if result.ok:
            sign_in(result.username, result.peran, method="password")
            st.switch_page("pages/beranda.py")
        record_failure()
        # A locked account gets the same answer as a wrong password (no enumeration).
        retry_at = session_retry_at()
        if retry_at is not None:
            st.error(tr("auth.locked", waktu=format_wib(retry_at)))
        else:
            st.error(tr("auth.invalid"))

if sso_configured():
    st.divider()
    st.button(tr("auth.sso"), icon=":material/badge:", on_click=st.login)
