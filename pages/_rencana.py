"""Saved plans on Perencanaan Kunjungan: save a solved plan, the list, reopen, cancel, re-plan.

Composes only: every write goes through :mod:`geo.services.plans`; reads come straight from
the store (:meth:`geo.store.Store.read_plans`, ``read_plan_stops``, ...). The reopened plan's
stop status is a fragment that reruns every :data:`LIVE_SECONDS` seconds, so the planner sees
officers close stops without reloading.
"""

from __future__ import annotations

import datetime
from typing import Any

import pandas as pd
import streamlit as st

from geo.core.escape import markdown_text as md
from geo.planning import routing
from geo.services import plans
from geo.store import Store, StoreError
from pages._common import tr

__all__ = ["LIVE_SECONDS", "save_section", "saved_plans_section"]

#: Seconds between refreshes of a reopened plan's stop status.
LIVE_SECONDS = 30
_SAVED_KEY = "rencana_tersimpan"  # {id(plan): plan id} of the plans saved in this session
_OPEN_KEY = "rencana_buka"
_NEXT_KEY = "rencana_buka_berikut"  # the plan to open at the next run (set after a write)
_FLASH_KEY = "rencana_flash"
_WIB = datetime.timedelta(hours=7)
_FAILURES = (plans.PlanError, StoreError)


def _flash() -> None:
    message = st.session_state.pop(_FLASH_KEY, None)
    if message:
        st.success(message)


def _officer_label(username: str) -> str:
    return username or tr("rencana.belum_ditugaskan")


def save_section(store: Store, plan: routing.Plan, *, user: str, today: datetime.date) -> None:
    """Show "Simpan rencana" for a solved plan: date, title, one assignee per route, save."""
    st.subheader(tr("rencana.simpan.header"))
    saved: dict[int, str] = st.session_state.setdefault(_SAVED_KEY, {})
    if id(plan) in saved:
        st.success(tr("rencana.simpan.sudah", id=saved[id(plan)]))
        return
    st.caption(tr("rencana.simpan.intro"))
    numbers = sorted({int(v) for v in plan.routes["petugas"]}) if not plan.routes.empty else []
    officers = plans.assignable_officers(store)
    if not officers:
        st.info(tr("rencana.simpan.tanpa_akun"))
    with st.form("rencana_simpan_form"):
        c1, c2 = st.columns([1, 2])
        tanggal = c1.date_input(
            tr("rencana.simpan.tanggal"), today, min_value=today, format="DD/MM/YYYY"
        )
        judul = c2.text_input(
            tr("rencana.simpan.judul"),
            value=tr("rencana.simpan.judul_default", tanggal=f"{today:%d/%m/%Y}"),
            max_chars=plans.MAX_JUDUL,
        )
        chosen: dict[int, str | None] = {}
        columns = st.columns(min(3, max(1, len(numbers))))
        for k, nomor in enumerate(numbers):
            pick = columns[k % len(columns)].selectbox(
                tr(
                    "rencana.simpan.petugas_rute",
                    nomor=nomor,
                    jumlah=len(plan.route(nomor)) - 2,
                ),
                ["", *officers],
                format_func=_officer_label,
                key=f"rencana_petugas_{nomor}",
            )
            chosen[nomor] = pick or None
        submitted = st.form_submit_button(
            tr("rencana.simpan.tombol"), type="primary", disabled=not numbers
        )
    if submitted:
        request = plans.SaveRequest(tanggal=tanggal, judul=judul, petugas=chosen)
        try:
            plan_id = plans.save_plan(store, plan, request, user=user)
        except _FAILURES as exc:
            st.error(tr("rencana.simpan.gagal", error=md(exc)))
        else:
            saved[id(plan)] = plan_id
            st.session_state[_NEXT_KEY] = plan_id
            st.session_state[_FLASH_KEY] = tr("rencana.simpan.berhasil", id=plan_id)
            st.rerun()


def _plan_label(row: Any) -> str:
    return tr(
        "rencana.daftar.label",
        id=row.id,
        tanggal=f"{row.tanggal:%d/%m/%Y}",
        judul=row.judul,
        status=tr(f"rencana.status.{row.status}"),
    )


def saved_plans_section(store: Store, *, user: str) -> None:
    """Show the saved plans and the one opened: routes, live stop status, assign, re-plan."""
    st.subheader(tr("rencana.daftar.header"))
    _flash()
    show_all = st.toggle(tr("rencana.daftar.semua"), key="rencana_semua")
    listed = store.read_plans(status=None if show_all else "aktif")
    if listed.empty:
        st.info(tr("rencana.daftar.kosong"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                tr("rencana.col.id"): listed["id"],
                tr("rencana.col.tanggal"): listed["tanggal"].dt.strftime("%d/%m/%Y"),
                tr("rencana.col.judul"): listed["judul"],
                tr("rencana.col.status"): [tr(f"rencana.status.{s}") for s in listed["status"]],
                tr("rencana.col.rute"): listed["jumlah_rute"],
                tr("rencana.col.kemajuan"): [
                    f"{a}/{b}"
                    for a, b in zip(listed["jumlah_selesai"], listed["jumlah_henti"], strict=True)
                ],
                tr("rencana.col.pembuat"): listed["pengguna"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    ids = list(listed["id"])
    if _NEXT_KEY in st.session_state:
        st.session_state[_OPEN_KEY] = st.session_state.pop(_NEXT_KEY)
    if st.session_state.get(_OPEN_KEY) not in ids:
        st.session_state[_OPEN_KEY] = ids[0]
    labels = {r.id: _plan_label(r) for r in listed.itertuples(index=False)}
    plan_id = st.selectbox(
        tr("rencana.daftar.buka"), ids, format_func=labels.__getitem__, key=_OPEN_KEY
    )
    record = store.get_plan(plan_id)
    if record is None:
        return
    _live_status(store, plan_id)
    _tidak_terjadwal(record)
    if record["status"] == "diganti":
        newer = store.read_plans()
        successor = newer[newer["asal_id"] == plan_id]["id"]
        if not successor.empty:
            st.caption(tr("rencana.detail.diganti", id=md(successor.iloc[0])))
    if record["status"] != "aktif":
        return
    _assign_form(store, plan_id, user=user)
    _replan_form(store, plan_id, record, user=user)
    _cancel_form(store, plan_id, user=user)


def _when_wib(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{pd.Timestamp(value) + _WIB:%d/%m %H:%M}"


@st.fragment(run_every=LIVE_SECONDS)
def _live_status(store: Store, plan_id: str) -> None:
    """Show the plan's routes and stops with their status; reruns on its own."""
    record = store.get_plan(plan_id)
    stops = store.read_plan_stops(plan_id)
    if record is None:
        return
    done = int((stops["status"] == "selesai").sum())
    missed = int((stops["status"] == "tidak_bertemu").sum())
    st.markdown(
        f"**{md(record['judul'])}** · "
        + tr(
            "rencana.detail.ringkas",
            tanggal=f"{record['tanggal']:%d/%m/%Y}",
            selesai=done,
            jumlah=len(stops),
            tidak=missed,
        )
    )
    if record.get("asal_id"):
        st.caption(tr("rencana.detail.asal", id=md(record["asal_id"])))
    if record["status"] == "aktif":
        st.caption(tr("rencana.detail.live", detik=LIVE_SECONDS))
    for nomor, route in stops.groupby("nomor", sort=True):
        petugas = route["petugas"].iloc[0]
        st.markdown(
            tr(
                "rencana.detail.rute",
                nomor=int(nomor),
                petugas=md(_officer_label("" if pd.isna(petugas) else str(petugas))),
                selesai=int((route["status"] == "selesai").sum()),
                jumlah=len(route),
            )
        )
        st.dataframe(
            pd.DataFrame(
                {
                    tr("rencana.col.urutan"): route["urutan"],
                    tr("rencana.col.tiba"): route["rencana_tiba"].fillna(""),
                    tr("rencana.col.nama"): route["nama"].fillna(route["objek_id"]),
                    tr("rencana.col.jenis"): [tr(f"rute.jenis.{j}") for j in route["jenis"]],
                    tr("rencana.col.status"): [tr(f"rencana.henti.{s}") for s in route["status"]],
                    tr("rencana.col.alasan"): route["alasan"].fillna(""),
                    tr("rencana.col.diperbarui"): [_when_wib(v) for v in route["diperbarui"]],
                }
            ),
            hide_index=True,
            width="stretch",
            key=f"rencana_rute_{plan_id}_{int(nomor)}",
        )


def _tidak_terjadwal(record: dict[str, Any]) -> None:
    dropped = plans.read_parameter(record.get("parameter")).get("tidak_terjadwal") or []
    if dropped:
        names = "; ".join(f"{d.get('nama', d.get('id'))} ({d.get('alasan', '')})" for d in dropped)
        st.caption(tr("rencana.detail.tidak_terjadwal", daftar=md(names)))


def _assign_form(store: Store, plan_id: str, *, user: str) -> None:
    routes = store.read_plan_routes(plan_id)
    officers = plans.assignable_officers(store)
    with st.expander(tr("rencana.tugas.header")), st.form(f"rencana_tugas_{plan_id}"):
        chosen: dict[int, str] = {}
        for r in routes.itertuples(index=False):
            current = "" if pd.isna(r.petugas) else str(r.petugas)
            options = list(dict.fromkeys(["", *officers, current]))
            chosen[int(r.nomor)] = st.selectbox(
                tr("rencana.tugas.rute", nomor=int(r.nomor)),
                options,
                index=options.index(current),
                format_func=_officer_label,
                key=f"rencana_tugas_{plan_id}_{int(r.nomor)}",
            )
        submitted = st.form_submit_button(tr("rencana.tugas.tombol"))
    if submitted:
        before = {
            int(n): ("" if pd.isna(p) else str(p))
            for n, p in zip(routes["nomor"], routes["petugas"], strict=True)
        }
        try:
            for nomor, name in chosen.items():
                if name != before[nomor]:
                    plans.assign_route(store, plan_id, nomor, name or None, user=user)
        except _FAILURES as exc:
            st.error(tr("rencana.gagal", error=md(exc)))
        else:
            st.session_state[_FLASH_KEY] = tr("rencana.tugas.berhasil", id=plan_id)
            st.rerun()


def _replan_form(store: Store, plan_id: str, record: dict[str, Any], *, user: str) -> None:
    parameter = plans.read_parameter(record.get("parameter"))
    start = int(parameter.get("start", routing.DEFAULT_START))
    with st.expander(tr("rencana.ulang.header")):
        st.caption(tr("rencana.ulang.intro"))
        begin = st.time_input(
            tr("rencana.ulang.mulai"),
            datetime.time(start // 60, start % 60),
            key=f"rencana_ulang_mulai_{plan_id}",
        )
        clicked = st.button(tr("rencana.ulang.tombol"), key=f"rencana_ulang_{plan_id}")
    if not clicked:
        return
    options = plans.ReplanOptions(start=begin.hour * 60 + begin.minute, osrm_url=routing.osrm_url())
    with st.spinner(tr("rencana.ulang.berjalan")):
        try:
            new_id = plans.replan(store, plan_id, user=user, options=options)
        except _FAILURES as exc:
            st.error(tr("rencana.gagal", error=md(exc)))
            return
    st.session_state[_NEXT_KEY] = new_id
    st.session_state[_FLASH_KEY] = tr("rencana.ulang.berhasil", id=new_id, lama=plan_id)
    st.rerun()


def _cancel_form(store: Store, plan_id: str, *, user: str) -> None:
    with st.expander(tr("rencana.batal.header")):
        sure = st.checkbox(tr("rencana.batal.yakin"), key=f"rencana_batal_yakin_{plan_id}")
        clicked = st.button(
            tr("rencana.batal.tombol"), disabled=not sure, key=f"rencana_batal_{plan_id}"
        )
    if not clicked:
        return
    try:
        plans.cancel_plan(store, plan_id, user=user)
    except _FAILURES as exc:
        st.error(tr("rencana.gagal", error=md(exc)))
        return
    st.session_state[_NEXT_KEY] = None
    st.session_state[_FLASH_KEY] = tr("rencana.batal.berhasil", id=plan_id)
    st.rerun()
