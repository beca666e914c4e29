"""Masuk petugas: sign in with username and password, or with the office's SSO.

After a password login the visitor returns to the page a deep link asked for (with its query
parameters), else to Beranda. While demo accounts are active the page says where their
passwords are (the console of ``make run``).
"""

from __future__ import annotations

import streamlit as st

from geo.core.access import home_page
from geo.core.escape import markdown_text as md
from geo.services import auth, demo
from pages._auth import (
    format_wib,
    pending_return,
    record_failure,
    return_target,
    session_retry_at,
    sign_in,
    sso_configured,
)
from pages._common import get_store, tr

st.title(tr("auth.title"))
st.caption(tr("auth.intro"))
if demo.demo_accounts_active(get_store()):
    st.info(tr("sesi.demo_hint"), icon=":material/terminal:")
if pending_return():
    st.caption(tr("sesi.return"))

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
            target = return_target(result.peran)  # a deep link opened while signed out
            if target is not None:
                st.switch_page(f"pages/{target[0]}.py", query_params=target[1])
            st.switch_page(f"pages/{home_page(result.peran)}.py")
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
