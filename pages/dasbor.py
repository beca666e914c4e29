"""Dasbor Pimpinan: the program's story for one period, and its one-page brief.

Every figure comes from one :func:`geo.analysis.kpi.dashboard_figures` call for the chosen period;
the
brief (:mod:`geo.render.brief`) renders that same object, so screen and paper agree.
"""

from __future__ import annotations

import datetime

import altair as alt
import pandas as pd
import streamlit as st

from geo.analysis import kpi
from geo.core import settings
from geo.core.i18n import format_number, format_percent
from geo.render import brief
from pages._common import (
    boundaries,
    current_lang,
    data_version,
    demo_banner,
    get_store,
    localized_chart,
    register_counts,
    require_page,
    store_table,
    tr,
)

require_page("dasbor")
LANG = current_lang()
PERIOD_KIND_KEY = "dasbor_period_kind"
BRIEF_KEY = "dasbor_brief"
TOP_KELURAHAN = 15
_BEFORE_COLOR, _NEW_COLOR = "#9db9d6", "#1f4e79"


# --- cached inputs ---------------------------------------------------------------------------
def _curation_days() -> pd.DataFrame:
    """UMKM per curation day (every status): the register's side of the period choices."""
    return register_counts(by=("tanggal_terkurasi",))


@st.cache_data(show_spinner=False, ttl="10m", max_entries=24)
def _figures(url: str, version: str, period: str, lang: str) -> kpi.DashboardFigures:
    # The register as counts computed by the database (no row leaves it).
    return kpi.dashboard_from_counts(
        kpi.CountSource(count=register_counts, kode_of=get_store().kode_kelurahan_of),
        sahabat=store_table("sahabat"),
        visits=store_table("visits"),
        size_history=store_table("size_history"),
        kelurahan=boundaries()[0],
        period=kpi.parse_period(period),
        lang=lang,
    )


def _num(value: float, *, signed: bool = False) -> str:
    return format_number(value, LANG, signed=signed)


# --- period ----------------------------------------------------------------------------------
def _choose_period(first: datetime.date, latest: datetime.date) -> kpi.Period:
    kinds = {kind: tr(f"dasbor.period.{kind}") for kind in kpi.PERIOD_KINDS}
    left, right = st.columns([2, 3])
    kind = left.segmented_control(
        tr("dasbor.period.kind"),
        options=list(kinds),
        format_func=kinds.__getitem__,
        default="quarter",
        key=PERIOD_KIND_KEY,
    )
    kind = kind or "quarter"  # a second click on the selected kind clears it
    periods = kpi.periods_between(first, latest, kind=kind)[::-1]  # newest (the default) first
    chosen = right.selectbox(
        tr("dasbor.period.select"),
        options=[p.code for p in periods],
        format_func=lambda code: kpi.parse_period(code).label(LANG),
        key=f"dasbor_period_{kind}",
    )
    return kpi.parse_period(chosen)


# --- drawing ---------------------------------------------------------------------------------
def _tiles(figures: kpi.DashboardFigures) -> None:
    tiles = kpi.kpi_tiles(figures, lang=LANG)
    for start in range(0, len(tiles), 4):
        for column, tile in zip(st.columns(4), tiles[start : start + 4], strict=False):
            column.metric(
                tile.label,
                tile.value,
                delta=tile.delta,
                delta_color=tile.delta_color,
                delta_arrow="off" if tile.delta_color == "off" else "auto",
                help=tile.help,
                border=True,
                height="stretch",
            )
    k = figures.kpi
    st.progress(
        min(k["share"], 1.0),
        text=tr(
            "dasbor.progress_text",
            count=_num(k["curated"]),
            target=_num(k["target"]),
            share=format_percent(k["share"], LANG),
        ),
    )


def _trend(figures: kpi.DashboardFigures) -> None:
    k = figures.kpi
    series = figures.over_time
    area = (
        alt.Chart(series)
        .mark_area(line=True, opacity=0.25)
        .encode(
            x=alt.X("tanggal:T", title=tr("axis.month"), axis=alt.Axis(format="%b %Y")),
            y=alt.Y(
                "kumulatif:Q",
                title=tr("axis.count"),
                axis=alt.Axis(format=",d"),
                scale=alt.Scale(domain=[0, k["target"] * 1.05]),
            ),
            tooltip=[
                alt.Tooltip("tanggal:T", title=tr("axis.month"), format="%B %Y"),
                alt.Tooltip("kumulatif:Q", title=tr("axis.count"), format=",d"),
            ],
        )
    )
    marks = pd.DataFrame(
        {
            "nilai": [k["earlier"], k["target"]],
            "teks": [
                tr("dasbor.trend_earlier", value=_num(k["earlier"])),
                tr("dasbor.trend_target", value=_num(k["target"])),
            ],
        }
    )
    rules = alt.Chart(marks).mark_rule(strokeDash=[5, 4], color="#c0182b").encode(y="nilai:Q")
    labels = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-7, color="#c0182b")
        .encode(y="nilai:Q", text="teks:N", x=alt.value(0))
    )
    chart = (area + rules + labels).properties(height=280)
    st.altair_chart(localized_chart(chart), width="stretch")


def _stacked_bars(counts: pd.DataFrame, axis_key: str, *, sort: bool = False) -> None:
    before, new = tr("dasbor.series_before"), tr("dasbor.series_new")
    frame = counts.assign(sebelum=counts["jumlah"] - counts["baru"])
    long = frame.melt(
        id_vars=["label", "jumlah"],
        value_vars=["sebelum", "baru"],
        var_name="seri",
        value_name="nilai",
    )
    long["seri"] = long["seri"].map({"sebelum": before, "baru": new})
    order = list(frame.sort_values("jumlah", ascending=False)["label"]) if sort else None
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("nilai:Q", title=tr("axis.count"), stack="zero", axis=alt.Axis(format=",d")),
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=220)),
            color=alt.Color(
                "seri:N",
                scale=alt.Scale(domain=[before, new], range=[_BEFORE_COLOR, _NEW_COLOR]),
                legend=None,  # one legend for all four charts, above them
            ),
            order=alt.Order("seri:N", sort="descending"),
            tooltip=[
                alt.Tooltip("label:N", title=tr(axis_key)),
                alt.Tooltip("seri:N", title=tr("dasbor.series")),
                alt.Tooltip("nilai:Q", title=tr("axis.count"), format=",d"),
                alt.Tooltip("jumlah:Q", title=tr("dasbor.col.umkm"), format=",d"),
            ],
        )
        .properties(height=alt.Step(24))
    )
    st.altair_chart(localized_chart(chart), width="stretch")


def _breakdowns(figures: kpi.DashboardFigures) -> None:
    st.subheader(tr("dasbor.breakdown_header"), anchor=False)
    st.markdown(
        f'<span style="color:{_BEFORE_COLOR}">■</span> {tr("dasbor.series_before")} &nbsp; '
        f'<span style="color:{_NEW_COLOR}">■</span> {tr("dasbor.series_new")}',
        unsafe_allow_html=True,
    )
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(f"**{tr('dasbor.by_kecamatan')}**")
        _stacked_bars(figures.by_kecamatan, "axis.kecamatan")
        st.markdown(f"**{tr('dasbor.by_skala')}**")
        _stacked_bars(figures.by_skala, "axis.skala")
        st.markdown(f"**{tr('dasbor.by_sektor')}**")
        _stacked_bars(figures.by_sektor, "axis.sektor")
    with right:
        st.markdown(f"**{tr('dasbor.by_kelurahan', n=TOP_KELURAHAN)}**")
        top = figures.by_kelurahan.nlargest(TOP_KELURAHAN, "jumlah", keep="first")
        _stacked_bars(top, "dasbor.col.kelurahan", sort=True)


@st.cache_data(show_spinner=False, ttl="10m", max_entries=24)
def _map_png(url: str, version: str, period: str, lang: str) -> bytes:
    return brief.choropleth_png(_figures(url, version, period, lang), lang=lang, dpi=160)


def _map(figures: kpi.DashboardFigures) -> None:
    # The brief's own map (geopandas + matplotlib), so screen and paper show the same picture.
    png = _map_png(URL, VERSION, figures.period.code, LANG)
    st.image(png, caption=tr("dasbor.map_caption"), width="stretch")


def _brief_section(figures: kpi.DashboardFigures, *, demo: bool) -> None:
    st.subheader(tr("dasbor.brief_header"), anchor=False)
    st.caption(tr("dasbor.brief_caption"))
    names = {"pdf": "PDF", "html": "HTML"}
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    fmt = (
        left.segmented_control(
            tr("dasbor.brief_format"),
            options=list(brief.BRIEF_FORMATS),
            format_func=names.__getitem__,
            default="pdf",
            key="dasbor_brief_format",
        )
        or "pdf"
    )
    wanted = (figures.period.code, fmt, LANG)
    if right.button(tr("dasbor.brief_button"), type="primary", icon=":material/print:"):
        with st.status(tr("dasbor.brief_running"), expanded=True) as status:
            bar = st.progress(0.0)

            def report(fraction: float, message: str) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=message)

            try:
                data = brief.render_brief(figures, fmt=fmt, lang=LANG, demo=demo, progress=report)
            except Exception as exc:
                status.update(label=tr("dasbor.brief_failed", error=exc), state="error")
                st.exception(exc)
                return
            status.update(label=tr("dasbor.brief_done"), state="complete", expanded=False)
        st.session_state[BRIEF_KEY] = (wanted, data)
    stored = st.session_state.get(BRIEF_KEY)
    if stored is not None and stored[0] == wanted:
        name = brief.brief_filename(figures.period, fmt)
        st.download_button(
            tr("dasbor.brief_download", name=name),
            data=stored[1],
            file_name=name,
            mime="application/pdf" if fmt == "pdf" else "text/html",
            icon=":material/download:",
        )


def _table(table: pd.DataFrame) -> None:
    # The brief's own table (same text); numbers aligned right.
    numeric = set(table.attrs.get("numeric", []))
    config = {c: st.column_config.TextColumn(alignment="right") for c in numeric}
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)


# --- page ------------------------------------------------------------------------------------
st.title(tr("dasbor.title"), anchor=False)
st.caption(tr("dasbor.intro"))
store = get_store()
if store.is_empty():
    st.info(tr("dasbor.empty"), icon=":material/database:")
    st.stop()
demo_banner(store)
URL, VERSION = settings.database_url(), data_version(store)
sahabat, visits, history = (store_table(n) for n in ("sahabat", "visits", "size_history"))
span = (
    kpi.date_range(
        (_curation_days(), "tanggal_terkurasi"), (visits, "tanggal"), (history, "tanggal")
    )
    or (datetime.date.today(),) * 2
)
first_day, latest = span
period = _choose_period(first_day, latest)
figures = _figures(URL, VERSION, period.code, LANG)
st.caption(
    tr(
        "dasbor.as_of",
        period=period.label(LANG),
        range=period.range_label(LANG),
        as_of=kpi.format_date(figures.as_of, LANG),
        latest=kpi.format_date(latest, LANG),
        previous=kpi.comparison_label(figures, lang=LANG),
    )
)

st.subheader(tr("dasbor.kpi_header"), anchor=False)
_tiles(figures)

st.subheader(tr("dasbor.trend_header"), anchor=False)
_trend(figures)

_breakdowns(figures)

st.subheader(tr("dasbor.kecamatan_header"), anchor=False)
_table(brief.kecamatan_table(figures, lang=LANG))
st.caption(tr("dasbor.col_help.kecamatan"))

st.subheader(tr("dasbor.priority_header", n=len(figures.priority)), anchor=False)
_table(brief.priority_table(figures, lang=LANG))

map_column, context_column = st.columns([5, 6], gap="large")
with map_column:
    st.subheader(tr("dasbor.map_header"), anchor=False)
    _map(figures)
with context_column:
    st.subheader(tr("dasbor.context_header"), anchor=False)
    context = brief.context_table(figures, lang=LANG)
    source = context.columns[-1]  # shown under the table: the column is too wide beside the map
    _table(context.drop(columns=source))
    sources = "; ".join(dict.fromkeys(context[source]))
    st.caption(f"{source}: {sources}. {tr('dasbor.context_caption')}")

st.divider()
_brief_section(figures, demo=store.get_meta("dataset") == "demo")
