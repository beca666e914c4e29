"""Peta UMKM: UMKM and sentra over kelurahan and kecamatan, filters, Sahabat UMKM coverage flags.

The page composes: the view (filters, metric, basemap, map position) comes from the URL query
string and goes back to it, the database selects the rows of the filter
(:class:`geo.analysis.filters.RegisterFilter`, ``Store.read_umkm_selected``) and counts them
(``Store.umkm_counts``), coverage and the profile come from :mod:`geo.analysis.coverage`, and
the map is :func:`geo.render.mapview.build_map`.

Pan and zoom must stay light (issue 16): they rerun the page only to put the position into the
URL. The map is cached on what it shows (filters, layers, data version, role, language) and
handed to ``st_folium`` with the same centre and zoom until one of those changes, so the
component's arguments are identical and Streamlit sends a reference to its cached message
instead of the map; the iframe is neither rebuilt nor re-sent.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import astuple, dataclass
from datetime import date

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.analysis import clusters, hotspots
from geo.analysis.coverage import coverage, flagged_kelurahan, kelurahan_profile
from geo.analysis.filters import METRICS, MapView, RegisterFilter, kelurahan_options
from geo.analysis.kpi import counts_by
from geo.core import settings
from geo.core.access import sees_personal
from geo.core.escape import markdown_text as md
from geo.core.i18n import category_label, format_number
from geo.core.register import STATUS, WEIGHT_COLUMN
from geo.render import clustermap, mapview
from geo.wilayah.citylayer import attribution
from geo.wilayah.sentra import sentra_summary
from pages._common import (
    boundaries,
    current_lang,
    current_role,
    data_version,
    demo_banner,
    get_store,
    register_counts,
    require_page,
    sector_size_filters,
    selected_register,
    store_table,
    tr,
)
from web import point_payloads

require_page("peta")
LANG = current_lang()
ROLE = current_role()
store = get_store()
VERSION = data_version(store)
#: Statuses drawn by default: the map shows what the headline ("UMKM aktif") counts.
DEFAULT_STATUS: tuple[str, ...] = ("aktif",)


@dataclass(frozen=True)
class MapLayers:
    """What the map draws besides the filtered rows (part of the map's cache key).

    Attributes
    ----------
    metric
        Choropleth metric (:data:`geo.analysis.filters.METRICS`).
    basemap
        ``"osm"`` or ``"light"``.
    analysis
        Draw the cluster and Gi* hot-spot layers.
    status
        Statuses of the UMKM drawn; inactive ones (``"tidak_aktif"``) get a layer of their
        own, drawn differently.
    """

    metric: str
    basemap: str
    analysis: bool
    status: tuple[str, ...] = DEFAULT_STATUS


def status_from_query(params: Mapping[str, str | list[str]]) -> tuple[str, ...]:
    """Read the drawn statuses from the URL parameter ``status`` (default: active only)."""
    raw = params.get("status", "")
    text = raw[-1] if isinstance(raw, list) and raw else raw
    picked = tuple(s for s in STATUS if s in str(text or "").split(","))
    return picked or DEFAULT_STATUS


def page_query(view: MapView, status: tuple[str, ...]) -> dict[str, str]:
    """Return the URL parameters of the page: the view's and ``status`` when not the default."""
    query = view.to_query()
    if status and tuple(status) != DEFAULT_STATUS:
        query["status"] = ",".join(status)
    return query


# --- cached inputs (pan and zoom rerun the script; none of this is redone) ---------------
@st.cache_resource(show_spinner=False, ttl="10m", max_entries=16)
def _filtered(
    url: str, version: str, flt: RegisterFilter, personal: bool
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    # Pushed down to the database: only the rows of the filter, and coverage from SQL counts.
    # Shared by the sessions (a resource): the page reads these frames and never changes them.
    rows = selected_register(flt, personal=personal)
    kel, _ = boundaries()
    counts = register_counts(flt)
    cov = coverage(kel, counts, store_table("sahabat"), store_table("visits"), as_of=date.today())
    return rows, cov


@st.cache_resource(show_spinner=False, ttl="10m", max_entries=8)
def _cluster_layers(
    url: str, version: str, sektor: tuple[str, ...], skala: tuple[str, ...], personal: bool
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Clusters and Gi* hot spots for the sector and size filters only (city-wide by design).

    Reads the rows as the map does for the role (``personal``), so a map filtered only by
    sector and size reuses its own read instead of reading the register a second time.
    """
    rows = selected_register(RegisterFilter(sektor=sektor, skala=skala), personal=personal)
    kel, _ = boundaries()
    found = clusters.detect_clusters(rows, sentra=store_table("sentra"), kel=kel)
    spots = hotspots.hotspots_kelurahan(rows, kel=kel)
    return found, spots


def _points(rows: gpd.GeoDataFrame, status: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Return the filtered rows the map may draw (no active ones when only inactive are asked)."""
    if "aktif" in status:
        return rows if "tidak_aktif" in status else mapview.split_inactive(rows)[0]
    return mapview.split_inactive(rows)[1] if "tidak_aktif" in status else rows.iloc[0:0]


@st.cache_resource(show_spinner=False, ttl="10m", max_entries=8)
def _cached_map(
    url: str, version: str, role: str, lang: str, flt: RegisterFilter, layers: MapLayers
) -> folium.Map:
    """Build the map once per (filters, layers, data version, role, language).

    Shared by sessions of the same role: hand :func:`_map`'s copy to ``st_folium``, which
    changes the map object it renders. The point payloads are published for the role's
    variant (personal fields or not) and the map carries only their unguessable URLs.
    """
    personal = sees_personal(role)
    rows, cov = _filtered(url, version, flt, personal)
    kel, kec = boundaries()
    sentra = store_table("sentra")
    m = mapview.build_map(
        kelurahan=kel,
        kecamatan=kec,
        umkm=_points(rows, layers.status),
        sentra=sentra_summary(sentra, rows),
        coverage=cov,
        options=mapview.MapOptions(
            metric=layers.metric,
            basemap=layers.basemap,
            show_personal=personal,
            lang=lang,
            inactive="layer" if "tidak_aktif" in layers.status else "hide",
        ),
    )
    if layers.analysis:
        found, spots = _cluster_layers(url, version, flt.sektor, flt.skala, personal)
        clustermap.add_hotspots(m, spots, lang=lang, show=False)
        clustermap.add_clusters(m, found, lang=lang)
        clustermap.add_cluster_legend(m, lang=lang)
    # The points travel as a cacheable file over HTTP (web/point_routes.py), not in the map.
    point_payloads.serve_points(m)
    return m


def _map(flt: RegisterFilter, layers: MapLayers) -> folium.Map:
    """Return a private copy of the cached map (st_folium changes the object it renders)."""
    return copy.deepcopy(_cached_map(settings.database_url(), VERSION, ROLE, LANG, flt, layers))


# --- view from the URL -----------------------------------------------------------------------
view = MapView.from_query(st.query_params.to_dict())
url_status = status_from_query(st.query_params.to_dict())
kel, _ = boundaries()
sentra_all = store_table("sentra")

# Widgets keep their state under keys; the URL seeds them once per session (or when a shared
# link with another view is opened), so a default never changes under a widget's feet.
_KEYS = "peta_query"
if st.session_state.get(_KEYS) != page_query(view, url_status):
    f = view.filter
    st.session_state.pop("peta_map_key", None)  # a new view: the map opens at its position
    st.session_state.update(
        {
            "peta_sektor": list(f.sektor),
            "peta_skala": list(f.skala),
            "peta_kecamatan": list(f.kecamatan),
            "peta_kelurahan": list(f.kelurahan),
            "peta_sentra": [s for s in f.sentra if s in set(sentra_all["id"])],
            "peta_tanggal_aktif": f.dari is not None or f.sampai is not None,
            "peta_tanggal": (f.dari or date(2024, 6, 1), f.sampai or date.today()),
            "peta_cari": f.cari,
            "peta_status": list(url_status),
            "peta_metrik": view.metric,
            "peta_basemap": view.basemap,
            "peta_analisis": True,
        }
    )

st.title(tr("peta.title"))
demo_banner(store)

with st.sidebar:
    st.subheader(tr("peta.filters"))
    sektor, skala = sector_size_filters("peta")
    kecamatan = st.multiselect(
        tr("peta.kecamatan"),
        list(settings.KECAMATAN_NAMES),
        key="peta_kecamatan",
        placeholder=tr("peta.semua"),
        format_func=settings.KECAMATAN_NAMES.__getitem__,
    )
    options = kelurahan_options(kel, kecamatan=tuple(kecamatan))
    names = dict(zip(options["kode"], options["nama"], strict=True))
    # Cascade: drop chosen kelurahan that left the kecamatan choice before drawing the widget.
    st.session_state["peta_kelurahan"] = [
        k for k in st.session_state.get("peta_kelurahan", []) if k in names
    ]
    kelurahan = st.multiselect(
        tr("peta.kelurahan"),
        list(names),
        key="peta_kelurahan",
        placeholder=tr("peta.semua"),
        format_func=names.__getitem__,
    )
    sentra_names = dict(zip(sentra_all["id"], sentra_all["nama"], strict=True))
    sentra = st.multiselect(
        tr("peta.sentra"),
        list(sentra_names),
        key="peta_sentra",
        placeholder=tr("peta.semua"),
        format_func=sentra_names.__getitem__,
    )
    use_dates = st.checkbox(tr("peta.tanggal_aktif"), key="peta_tanggal_aktif")
    dari = sampai = None
    if use_dates:
        picked = st.date_input(tr("peta.tanggal"), key="peta_tanggal", format="DD/MM/YYYY")
        if isinstance(picked, tuple) and len(picked) == 2:
            dari, sampai = picked
    cari = st.text_input(tr("peta.cari"), key="peta_cari")
    # Inactive businesses are drawn only when asked, as a layer of their own.
    picked_status = st.multiselect(
        tr("data.filter_status"),
        list(STATUS),
        key="peta_status",
        format_func=lambda s: category_label("status", s, LANG),
    )
    status = tuple(s for s in STATUS if s in picked_status)
    st.divider()
    metric = st.selectbox(
        tr("peta.metrik"),
        list(METRICS),
        key="peta_metrik",
        format_func=lambda m: mapview.layer_names(LANG)[m],
    )
    basemap = st.radio(
        tr("peta.basemap"),
        ["osm", "light"],
        key="peta_basemap",
        format_func=lambda b: tr(f"peta.basemap.{b}"),
        horizontal=True,
    )
    analysis = st.toggle(tr("peta.analisis"), key="peta_analisis", help=tr("peta.analisis_help"))

flt = RegisterFilter(
    sektor=tuple(sektor),
    skala=tuple(skala),
    kecamatan=tuple(kecamatan),
    kelurahan=tuple(kelurahan),
    sentra=tuple(sentra),
    dari=dari,
    sampai=sampai,
    cari=cari.strip(),
)
view = MapView(filter=flt, metric=metric, basemap=basemap, center=view.center, zoom=view.zoom)
personal = sees_personal(ROLE)
url = settings.database_url()
_rows, cov = _filtered(url, VERSION, flt, personal)
# Summaries and the profile from the database's counts of the filter: a rerun (every pan)
# does no work per row, whatever the size of the register.
counts = register_counts(flt)

# --- summary -------------------------------------------------------------------------------
n_active = int(counts.loc[counts["status"].eq("aktif").fillna(False), WEIGHT_COLUMN].sum())
flagged = flagged_kelurahan(cov)
c1, c2, c3 = st.columns(3)
c1.metric(tr("peta.jumlah_umkm"), format_number(n_active, LANG))
c2.metric(tr("peta.jumlah_kelurahan"), format_number(int((cov["umkm_aktif"] > 0).sum()), LANG))
c3.metric(tr("peta.jumlah_flag"), format_number(len(flagged), LANG))

# --- map -----------------------------------------------------------------------------------
layers = MapLayers(metric=metric, basemap=basemap, analysis=analysis, status=status)
# The position handed to the map changes only with the map itself (or a new shared view):
# after a pan or zoom the arguments of st_folium are identical, so nothing is re-sent.
# (By value: the script's classes are new objects at every run, so compare plain tuples.)
map_key = (astuple(flt), astuple(layers), VERSION, ROLE, LANG)
if st.session_state.get("peta_map_key") != map_key:
    st.session_state["peta_map_key"] = map_key
    st.session_state["peta_posisi"] = (view.center, view.zoom)
start_center, start_zoom = st.session_state["peta_posisi"]
state = st_folium(
    _map(flt, layers),
    key="peta_umkm",
    height=620,
    use_container_width=True,
    center=list(start_center) if start_center else None,
    zoom=start_zoom,
    returned_objects=[*mapview.RETURNED_OBJECTS, "center", "zoom"],
)
if state and state.get("center") and state.get("zoom"):
    centre = state["center"]
    view = MapView(
        filter=flt,
        metric=metric,
        basemap=basemap,
        center=(round(centre["lat"], 5), round(centre["lng"], 5)),
        zoom=int(state["zoom"]),
    )
query = page_query(view, status)
st.session_state[_KEYS] = query
if query != st.query_params.to_dict():
    st.query_params.from_dict(query)

# --- profile of the clicked kelurahan -------------------------------------------------------
# A click on a point or a sentra reports no kelurahan: keep the last one clicked.
if (kode := mapview.clicked_kelurahan(state)) is not None:
    st.session_state["peta_klik"] = kode
clicked = st.session_state.get("peta_klik")
left, right = st.columns([3, 2])
with right:
    st.subheader(tr("peta.profil"))
    if clicked is None:
        st.caption(tr("peta.profil_hint"))
    else:
        profile = kelurahan_profile(cov, clicked, register=counts, sentra=sentra_all)
        row = profile["coverage"]
        st.markdown(f"**{md(row['nama'])}** · {tr('peta.kecamatan')} {md(row['kecamatan'])}")
        p1, p2 = st.columns(2)
        p1.metric(tr("peta.jumlah_umkm"), format_number(row["umkm_aktif"], LANG))
        p2.metric(tr("peta.sahabat_aktif"), format_number(row["sahabat_aktif"], LANG))
        if row["flagged"]:
            st.error(row["alasan"], icon=":material/flag:")
        else:
            st.success(tr("peta.tidak_ditandai"), icon=":material/check:")
        if len(profile["sentra"]):
            st.markdown(
                tr("peta.sentra_di_sini")
                + " "
                + ", ".join(md(n) for n in profile["sentra"]["nama"].tolist())
            )
        st.dataframe(
            pd.DataFrame(
                {
                    tr("peta.sektor"): [
                        category_label("sektor", k, LANG) for k in profile["per_sektor"].index
                    ],
                    tr("peta.jumlah"): [
                        format_number(v, LANG) for v in profile["per_sektor"].to_numpy()
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )

with left:
    st.subheader(tr("peta.ringkasan"))
    s1, s2 = st.columns(2)
    for column, target in (("sektor", s1), ("skala", s2)):
        per = counts_by(counts, column, lang=LANG)
        target.dataframe(
            pd.DataFrame(
                {
                    tr(f"peta.{column}"): per["label"],
                    tr("peta.jumlah"): [format_number(v, LANG) for v in per["jumlah"]],
                }
            ),
            hide_index=True,
            width="stretch",
        )

st.subheader(tr("peta.daftar_flag"))
if flagged.empty:
    st.info(tr("peta.tidak_ada_flag"))
else:
    st.dataframe(
        pd.DataFrame(
            {
                tr("peta.peringkat"): flagged["peringkat"].to_numpy(),
                tr("peta.kelurahan"): flagged["nama"].to_numpy(),
                tr("peta.kecamatan"): flagged["kecamatan"].to_numpy(),
                tr("peta.jumlah_umkm"): [format_number(v, LANG) for v in flagged["umkm_aktif"]],
                tr("peta.sahabat_aktif"): flagged["sahabat_aktif"].to_numpy(),
                tr("peta.alasan"): flagged["alasan"].to_numpy(),
                tr("peta.prioritas"): [
                    format_number(v, LANG, decimals=1) for v in flagged["prioritas"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
st.caption(tr("peta.atribusi", upstream=attribution(boundaries()[0])))
