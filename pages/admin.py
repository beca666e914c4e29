"""Admin: officer accounts (add, role, password, disable) and the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages._common import require_page

require_page("admin")

from geo.core import audit  # noqa: E402
from geo.services import auth, demo  # noqa: E402 - only after the role check
from pages._common import (  # noqa: E402
    clear_data_caches,
    current_user,
    demo_banner,
    get_store,
    report_failure,
    tr,
)

store = get_store()
demo_banner(store)
st.title(tr("admin.title"))
actor = current_user()


def _show_auth_error(exc: auth.AuthError) -> None:
    st.error(tr(exc.code, **exc.detail))


tab_users, tab_audit, tab_demo = st.tabs(
    [tr("admin.tab_users"), tr("admin.tab_audit"), tr("admin.tab_demo")]
)

with tab_users:
    st.caption(tr("admin.users_caption"))
    users = auth.list_users(store)
    st.dataframe(
        users,
        hide_index=True,
        width="stretch",
        column_config={
            "username": tr("admin.col_username"),
            "peran": tr("admin.col_peran"),
            "aktif": st.column_config.CheckboxColumn(tr("admin.col_aktif")),
            "dibuat": st.column_config.DatetimeColumn(tr("admin.col_dibuat")),
            "gagal_login": tr("admin.col_gagal"),
            "terkunci_sampai": st.column_config.DatetimeColumn(tr("admin.col_terkunci")),
        },
    )

    left, right = st.columns(2)
    with left, st.form("admin_add_user", clear_on_submit=True):
        st.subheader(tr("admin.add_header"))
        new_name = st.text_input(tr("auth.username"), key="admin_new_username")
        new_role = st.selectbox(
            tr("admin.col_peran"),
            auth.OFFICER_ROLES,
            format_func=lambda r: tr(f"auth.role.{r}"),
            key="admin_new_role",
        )
        new_pw = st.text_input(tr("auth.password"), type="password", key="admin_new_pw")
        new_pw2 = st.text_input(tr("admin.password_repeat"), type="password", key="admin_new_pw2")
        if st.form_submit_button(tr("admin.add_submit"), type="primary"):
            if new_pw != new_pw2:
                st.error(tr("auth.err_password_mismatch"))
            else:
                try:
                    name = auth.create_user(store, new_name, new_pw, new_role, by=actor)
                except auth.AuthError as exc:
                    _show_auth_error(exc)
                else:
                    st.success(tr("admin.added", username=name))

    with right:
        st.subheader(tr("admin.manage_header"))
        names = users["username"].tolist()
        if names:
            chosen = st.selectbox(tr("admin.select_user"), names, key="admin_user")
            row = users.loc[users["username"] == chosen].iloc[0]
            with st.form("admin_role"):
                role = st.selectbox(
                    tr("admin.new_role"),
                    auth.OFFICER_ROLES,
                    index=auth.OFFICER_ROLES.index(row["peran"])
                    if row["peran"] in auth.OFFICER_ROLES
                    else 0,
                    format_func=lambda r: tr(f"auth.role.{r}"),
                )
                if st.form_submit_button(tr("admin.set_role")):
                    try:
                        auth.set_role(store, chosen, role, by=actor)
                    except auth.AuthError as exc:
                        _show_auth_error(exc)
                    else:
                        st.success(tr("admin.done"))
            with st.form("admin_password", clear_on_submit=True):
                pw = st.text_input(tr("admin.new_password"), type="password")
                pw2 = st.text_input(tr("admin.password_repeat"), type="password")
                if st.form_submit_button(tr("admin.set_password")):
                    if pw != pw2:
                        st.error(tr("auth.err_password_mismatch"))
                    else:
                        try:
                            auth.set_password(store, chosen, pw, by=actor)
                        except auth.AuthError as exc:
                            _show_auth_error(exc)
                        else:
                            st.success(tr("admin.done"))
            locked = not pd.isna(row["terkunci_sampai"]) or bool(row["gagal_login"])
            unlock = locked and st.button(
                tr("admin.unlock"), key="admin_unlock", icon=":material/lock_open:"
            )
            if unlock:
                auth.unlock(store, chosen, by=actor)
                st.rerun()
            label = tr("admin.disable") if row["aktif"] else tr("admin.enable")
            if st.button(label, key="admin_toggle"):
                try:
                    auth.set_active(store, chosen, aktif=not bool(row["aktif"]), by=actor)
                except auth.AuthError as exc:
                    _show_auth_error(exc)
                else:
                    st.rerun()

with tab_audit:
    entries = audit.read(store, limit=500)
    st.caption(tr("admin.audit_caption", n=len(entries)))
    if entries.empty:
        st.info(tr("admin.empty"))
    else:
        actions = sorted(entries["aksi"].dropna().unique().tolist())
        chosen_actions = st.multiselect(tr("admin.filter_aksi"), actions, key="admin_audit_aksi")
        if chosen_actions:
            entries = entries[entries["aksi"].isin(chosen_actions)]
        st.dataframe(
            entries.drop(columns="id"),
            hide_index=True,
            width="stretch",
            column_config={
                "waktu": st.column_config.DatetimeColumn(tr("admin.col_waktu")),
                "pengguna": tr("admin.col_pengguna"),
                "aksi": tr("admin.col_aksi"),
                "objek": tr("admin.col_objek"),
                "rincian": tr("admin.col_rincian"),
            },
        )


def _load_demo() -> None:
    """Generate and load the demo data set under a progress status (audited by the service)."""
    with st.status(tr("beranda.demo_running"), expanded=True) as status:
        bar = st.progress(0.0)

        def report(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        try:
            data = demo.generate_and_load(store, user=actor, progress=report)
        except Exception as exc:  # any failure: a reference, never a traceback
            ref = report_failure(exc, "demo load")
            status.update(label=tr("beranda.demo_failed", ref=ref), state="error")
            return
        count = int((data.umkm["status"] == "aktif").sum())
        status.update(label=tr("beranda.demo_done", count=f"{count:,}"), state="complete")
    clear_data_caches()


with tab_demo:
    stored = store.count_umkm()
    st.caption(tr("beranda.demo_replace_warning", count=f"{stored:,}".replace(",", ".")))
    confirmed = stored == 0 or st.checkbox(tr("admin.demo_confirm"), key="admin_demo_confirm")
    if st.button(tr("beranda.demo_button"), key="admin_demo_load", disabled=not confirmed):
        _load_demo()
