"""Beranda: the program's figures, growth of the register and where the UMKM are.

Every figure comes from counts the database makes (``Store.umkm_counts``), not from the rows.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo.analysis.kpi import counts_by, curated_over_time, program_progress
from geo.analysis.publik import suppress_counts
from geo.core import settings
from geo.core.i18n import format_number, format_percent
from geo.store import Store
from pages._common import (
    current_lang,
    current_role,
    demo_banner,
    get_store,
    localized_chart,
    register_counts,
    tr,
)

LANG = current_lang()


def _num(value: float, *, signed: bool = False) -> str:
    return format_number(value, LANG, signed=signed)


def _pct(share: float, *, signed: bool = False) -> str:
    return format_percent(share, LANG, signed=signed)


def _bar_chart(counts: pd.DataFrame, axis_key: str) -> None:
    # Public aggregates: a count below 5 is drawn as no bar and reads "<5" (geo.analysis.publik).
    counts = suppress_counts(counts, lang=LANG)
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("jumlah:Q", title=tr("axis.count"), axis=alt.Axis(format=",d")),
            y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            tooltip=[
                alt.Tooltip("label:N", title=tr(axis_key)),
                alt.Tooltip("jumlah_label:N", title=tr("axis.count")),
            ],
        )
        .properties(height=alt.Step(28))
    )
    st.altair_chart(localized_chart(chart), width="stretch")


def _over_time_chart(over_time: pd.DataFrame) -> None:
    chart = (
        alt.Chart(over_time)
        .mark_area(line=True, opacity=0.25)
        .encode(
            x=alt.X("tanggal:T", title=tr("axis.month"), axis=alt.Axis(format="%b %Y")),
            y=alt.Y("kumulatif:Q", title=tr("axis.count"), axis=alt.Axis(format=",d")),
            tooltip=[
                alt.Tooltip("tanggal:T", title=tr("axis.month"), format="%B %Y"),
                alt.Tooltip("kumulatif:Q", title=tr("axis.count"), format=",d"),
            ],
        )
        .properties(height=300)
    )
    st.altair_chart(localized_chart(chart), width="stretch")


def _render_empty() -> None:
    """Say how to fill an empty store. Visitors never write; admins load data on Admin."""
    st.info(tr("beranda.empty"), icon=":material/database:")
    if current_role() == "admin":
        st.page_link("pages/admin.py", label=tr("beranda.demo_admin_link"), icon=":material/build:")


def _render_dashboard(store: Store) -> None:
    demo_banner(store)
    # Counts from the database, never the rows (issue 16): the figures take a register given
    # as counts, so the public landing page holds a few thousand rows at any register size.
    register = register_counts()
    progress = program_progress(register)
    over_time = curated_over_time(register_counts(by=("tanggal_terkurasi", "status")))

    st.subheader(tr("beranda.progress_header"), anchor=False)
    curated, target, growth = st.columns(3)
    curated.metric(
        tr("beranda.metric_curated"),
        _num(progress["active"]),
        help=tr("beranda.metric_curated_help"),
        border=True,
        height="stretch",
    )
    target.metric(
        tr("beranda.metric_target"),
        _num(progress["target"]),
        delta=tr("beranda.metric_target_delta", share=_pct(progress["share"])),
        delta_color="off",
        delta_arrow="off",
        border=True,
        height="stretch",
    )
    growth.metric(
        tr("beranda.metric_growth", earlier=_num(progress["earlier"])),
        _num(progress["growth"], signed=True),
        delta=_pct(progress["growth_share"], signed=True),
        border=True,
        height="stretch",
    )
    st.progress(
        min(progress["share"], 1.0),
        text=tr(
            "beranda.progress_text",
            count=_num(progress["active"]),
            target=_num(progress["target"]),
            share=_pct(progress["share"]),
        ),
    )
    st.caption(
        tr(
            "beranda.source_caption",
            now=_num(settings.CURATED_NOW),
            target=_num(settings.CURATED_TARGET),
            earlier=_num(settings.CURATED_EARLIER),
        )
    )

    st.subheader(tr("beranda.over_time_header"), anchor=False)
    if over_time.empty:
        st.info(tr("beranda.over_time_empty"))
    else:
        _over_time_chart(over_time)

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(tr("beranda.by_sektor"), anchor=False)
        _bar_chart(counts_by(register, "sektor", lang=LANG), "axis.sektor")
    with right:
        st.subheader(tr("beranda.by_kecamatan"), anchor=False)
        _bar_chart(counts_by(register, "kecamatan", lang=LANG), "axis.kecamatan")
        st.subheader(tr("beranda.by_skala"), anchor=False)
        _bar_chart(counts_by(register, "skala", lang=LANG), "axis.skala")


st.title(tr("beranda.title"), anchor=False)
st.caption(tr("beranda.intro"))
_store = get_store()
if _store.is_empty():
    _render_empty()
else:
    _render_dashboard(_store)
