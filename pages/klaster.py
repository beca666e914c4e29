"""Klaster & hot spot: clusters of one trade, sentra candidates and Gi* hot spots.

The page composes: the database selects the UMKM of the sector and size class (no personal field),
:func:`geo.analysis.clusters.detect_clusters` finds the clusters, :mod:`geo.analysis.hotspots` the
hot and cold areas, :mod:`geo.render.clustermap` draws them over
:func:`geo.render.mapview.build_map`. Admins can promote a candidate to a sentra
(:func:`geo.services.sentra.promote_cluster`: stored, audited, visible at the next run).
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.analysis import clusters, hotspots
from geo.analysis.filters import RegisterFilter
from geo.core import settings
from geo.core.escape import markdown_text as md
from geo.core.i18n import category_label, format_number
from geo.render import clustermap, mapview
from geo.services.sentra import promote_cluster
from geo.wilayah.sentra import sentra_summary
from pages._common import (
    boundaries,
    current_lang,
    current_role,
    current_user,
    data_version,
    demo_banner,
    get_store,
    require_page,
    sector_size_filters,
    selected_register,
    tr,
)

require_page("klaster")
LANG = current_lang()
ROLE = current_role()
store = get_store()
URL = settings.database_url()
VERSION = data_version(store)
_PROMOTED_KEY = "klaster_promoted"


# --- cached inputs -------------------------------------------------------------------------
def _sentra() -> pd.DataFrame:
    return store.read_sentra()


def _rows(sektor: tuple[str, ...], skala: tuple[str, ...]) -> pd.DataFrame:
    # The database selects the sector and size (issue 16); no personal field is read.
    return selected_register(RegisterFilter(sektor=sektor, skala=skala), personal=False)


@st.cache_data(show_spinner=False, ttl="10m", max_entries=16)
def _clusters(
    url: str,
    version: str,
    sektor: tuple[str, ...],
    skala: tuple[str, ...],
    keyword: str,
    params: tuple[float, int, float, int, float],
) -> gpd.GeoDataFrame:
    eps, min_samples, contrast, min_size, distance = params
    kel, _ = boundaries()
    return clusters.detect_clusters(
        _rows(sektor, skala),
        keyword=keyword or None,
        sentra=_sentra(),
        kel=kel,
        params=clusters.ClusterParams(
            eps_m=eps,
            min_samples=min_samples,
            contrast=contrast,
            min_cluster_size=min_size,
            candidate_distance_m=distance,
        ),
    )


@st.cache_data(show_spinner=False, ttl="10m", max_entries=16)
def _hotspots(
    url: str, version: str, sektor: tuple[str, ...], skala: tuple[str, ...], unit: str
) -> gpd.GeoDataFrame:
    rows = _rows(sektor, skala)
    if unit == "heksagon":
        return hotspots.hotspots_hex(rows)
    kel, _ = boundaries()
    return hotspots.hotspots_kelurahan(rows, kel=kel)


# --- page ----------------------------------------------------------------------------------
st.title(tr("clusters.title"))
demo_banner(store)
st.caption(tr("clusters.intro"))
if _PROMOTED_KEY in st.session_state:
    st.success(st.session_state.pop(_PROMOTED_KEY), icon=":material/check:")

with st.sidebar:
    st.subheader(tr("clusters.options"))
    sektor, skala = sector_size_filters("klaster")
    keyword = st.text_input(tr("clusters.kata_kunci"), key="klaster_kata_kunci").strip()
    unit = st.radio(
        tr("clusters.unit"),
        ["kelurahan", "heksagon"],
        key="klaster_unit",
        format_func=lambda u: tr(f"clusters.unit.{u}"),
    )
    show_clusters = st.checkbox(tr("clusters.show_clusters"), value=True, key="klaster_show_k")
    show_hotspots = st.checkbox(tr("clusters.show_hotspots"), value=True, key="klaster_show_h")
    with st.expander(tr("clusters.advanced")):
        eps = st.slider(
            tr("clusters.eps"), 50, 400, int(clusters.DEFAULT_EPS_M), 25, key="klaster_eps"
        )
        min_samples = st.slider(
            tr("clusters.min_samples"), 3, 30, clusters.DEFAULT_MIN_SAMPLES, key="klaster_ms"
        )
        contrast = st.slider(
            tr("clusters.contrast"), 1.0, 10.0, clusters.DEFAULT_CONTRAST, 0.5, key="klaster_c"
        )
        min_size = st.slider(
            tr("clusters.min_size"), 5, 100, clusters.DEFAULT_MIN_CLUSTER_SIZE, key="klaster_mcs"
        )
        distance = st.slider(
            tr("clusters.distance"),
            100,
            3000,
            int(clusters.DEFAULT_CANDIDATE_DISTANCE_M),
            100,
            key="klaster_jarak",
        )

sentra = _sentra()
flt = (tuple(sektor), tuple(skala))
params = (float(eps), int(min_samples), float(contrast), int(min_size), float(distance))
with st.status(tr("clusters.progress.start"), expanded=False) as progress:
    found = _clusters(URL, VERSION, *flt, keyword, params)
    progress.update(label=tr("clusters.progress.clusters", n=format_number(len(found), LANG)))
    spots = _hotspots(URL, VERSION, *flt, unit)
    progress.update(
        label=tr("clusters.progress.hotspots", n=format_number(len(spots), LANG)),
    )
    progress.update(label=tr("clusters.progress.done"), state="complete")

kandidat = clusters.candidates(found)
kelas = spots["kelas"].astype(str)
c1, c2, c3, c4 = st.columns(4)
c1.metric(tr("clusters.m.klaster"), format_number(len(found), LANG))
c2.metric(tr("clusters.m.kandidat"), format_number(len(kandidat), LANG))
c3.metric(tr("clusters.m.panas"), format_number(int(kelas.str.startswith("panas").sum()), LANG))
c4.metric(tr("clusters.m.dingin"), format_number(int(kelas.str.startswith("dingin").sum()), LANG))

with st.expander(tr("clusters.explain.title"), expanded=False):
    st.markdown(
        tr(
            "clusters.explain.clusters",
            min_samples=min_samples,
            eps=eps,
            contrast=format_number(contrast, LANG, decimals=1),
            background=format_number(2 * clusters.DEFAULT_BACKGROUND_M / 1000, LANG),
            distance=distance,
        )
    )
    st.markdown(
        tr(
            "clusters.explain.hotspots",
            permutations=format_number(hotspots.DEFAULT_PERMUTATIONS, LANG),
        )
    )


# --- map -----------------------------------------------------------------------------------
# Cached: every rerun must hand st_folium the same map (folium names its elements at random, and
# a new map would reload the component, which reruns the page, which builds a new map...).
@st.cache_resource(show_spinner=False, max_entries=8)
def _map(
    url: str,
    version: str,
    flt: tuple[tuple[str, ...], tuple[str, ...]],
    keyword: str,
    params: tuple[float, int, float, int, float],
    unit: str,
    show: tuple[bool, bool],
    lang: str,
) -> folium.Map:
    kel, kec = boundaries()
    minx, miny, maxx, maxy = kel.total_bounds
    m = mapview.build_map(
        kelurahan=kel,
        kecamatan=kec,
        umkm=None,
        sentra=sentra_summary(_sentra(), None),
        options=mapview.MapOptions(
            center=((miny + maxy) / 2, (minx + maxx) / 2),
            zoom=12,  # the whole city fills the 600 px map
            basemap="light",
            show_personal=True,  # officers see every sentra, also those not yet public
            offline=settings.offline_assets(),
            lang=lang,
        ),
    )
    if show[1]:
        clustermap.add_hotspots(m, _hotspots(url, version, *flt, unit), lang=lang)
    if show[0]:
        found = _clusters(url, version, *flt, keyword, params)
        clustermap.add_clusters(m, found, lang=lang)
    clustermap.add_cluster_legend(m, clusters=show[0], hotspots=show[1], lang=lang)
    return m


st_folium(
    _map(
        URL,
        VERSION,
        flt,
        keyword,
        params,
        unit,
        (show_clusters, show_hotspots),
        LANG,
    ),
    key="klaster_map",
    height=600,
    use_container_width=True,
    returned_objects=[],
)


# --- tables --------------------------------------------------------------------------------
def _table(rows: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr("clusters.field.id"): rows["id"].to_numpy(),
            tr("clusters.field.sektor"): [
                category_label("sektor", s, LANG) for s in rows["sektor"]
            ],
            tr("clusters.field.komoditas_dugaan"): rows["komoditas_dugaan"].to_numpy(),
            tr("clusters.field.jumlah_umkm"): rows["jumlah_umkm"].to_numpy(),
            tr("clusters.field.kepadatan"): rows["kepadatan_per_ha"].round(1).to_numpy(),
            tr("clusters.field.luas"): rows["luas_ha"].round(1).to_numpy(),
            tr("clusters.field.porsi_mikro"): (100 * rows["porsi_mikro"]).round(0).to_numpy(),
            tr("clusters.field.kelurahan"): rows["kelurahan"].to_numpy(),
            tr("clusters.field.sentra_terdekat"): rows["sentra_terdekat_nama"].to_numpy(),
            tr("clusters.field.jarak"): rows["jarak_sentra_m"].round(0).to_numpy(),
        }
    )


# Numbers stay numbers so the columns sort; "localized" shows them in the browser's locale.
_COLUMN_CONFIG = {
    tr("clusters.field.jumlah_umkm"): st.column_config.NumberColumn(format="localized"),
    tr("clusters.field.kepadatan"): st.column_config.NumberColumn(format="localized"),
    tr("clusters.field.luas"): st.column_config.NumberColumn(format="localized"),
    tr("clusters.field.porsi_mikro"): st.column_config.NumberColumn(format="%d %%"),
    tr("clusters.field.jarak"): st.column_config.NumberColumn(format="localized"),
}


def _downloads(rows: gpd.GeoDataFrame, stem: str, key: str) -> None:
    d1, d2, _ = st.columns([1, 1, 3])
    d1.download_button(
        tr("clusters.download.csv"),
        clusters.export_csv(rows),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )
    d2.download_button(
        tr("clusters.download.geojson"),
        clusters.export_geojson(rows),
        file_name=f"{stem}.geojson",
        mime="application/geo+json",
        key=f"{key}_geojson",
    )


st.subheader(tr("clusters.candidates.title"))
if kandidat.empty:
    st.info(tr("clusters.candidates.none"), icon=":material/info:")
else:
    st.dataframe(_table(kandidat), hide_index=True, width="stretch", column_config=_COLUMN_CONFIG)
    _downloads(kandidat, "kandidat_sentra", "klaster_kandidat")

with st.expander(tr("clusters.all.title"), expanded=kandidat.empty and not found.empty):
    if found.empty:
        st.caption(tr("clusters.all.none"))
    else:
        st.dataframe(_table(found), hide_index=True, width="stretch", column_config=_COLUMN_CONFIG)
        _downloads(found, "klaster_umkm", "klaster_semua")

significant = spots[kelas != "tidak_signifikan"].sort_values("gi_z", ascending=False)
with st.expander(tr("clusters.hotspots.title")):
    if significant.empty:
        st.caption(tr("clusters.hotspots.none"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    tr("clusters.hs.unit"): significant["nama"].fillna(significant["id"]),
                    tr("clusters.hs.kelas"): [
                        tr(f"clusters.kelas.{k}") for k in significant["kelas"].astype(str)
                    ],
                    tr("clusters.hs.jumlah"): significant["jumlah"].to_numpy(),
                    tr("clusters.hs.gi_z"): significant["gi_z"].round(2).to_numpy(),
                    tr("clusters.hs.q"): significant["q"].round(4).to_numpy(),
                }
            ),
            hide_index=True,
            width="stretch",
        )


# --- promotion (admin) ---------------------------------------------------------------------
def _guess(value: object) -> str:
    """Return the cluster's guessed products, for when the admin leaves Komoditas empty."""
    return "" if value is None or pd.isna(value) else str(value)


st.subheader(tr("clusters.promote.title"))
if ROLE != "admin":
    st.caption(tr("clusters.promote.admin_only"))
elif kandidat.empty:
    st.caption(tr("clusters.candidates.none"))
else:
    by_id = kandidat.set_index(kandidat["id"].astype(str))
    with st.form("klaster_promote"):
        pick = st.selectbox(
            tr("clusters.promote.pick"),
            list(by_id.index),
            format_func=lambda c: (
                f"{c} · {by_id.loc[c, 'kelurahan']} · "
                f"{format_number(by_id.loc[c, 'jumlah_umkm'], LANG)} UMKM"
            ),
        )
        nama = st.text_input(tr("clusters.promote.nama"))
        komoditas = st.text_input(tr("clusters.promote.komoditas"))
        publik = st.checkbox(tr("clusters.promote.publik"), value=False)
        st.caption(tr("clusters.promote.hint"))
        submitted = st.form_submit_button(tr("clusters.promote.submit"), type="primary")
    komoditas = komoditas.strip() or _guess(by_id.loc[pick, "komoditas_dugaan"])
    if submitted and not nama.strip():
        st.error(tr("clusters.promote.need_nama"))
    elif submitted and not komoditas:
        st.error(tr("clusters.promote.need_komoditas"))
    elif submitted:
        kel, _ = boundaries()
        try:
            row = promote_cluster(
                store,
                by_id.loc[pick],
                nama=nama,
                komoditas=komoditas,
                publik=publik,
                user=current_user(),
                kel=kel,
            )
        except ValueError as error:  # StoreError is a ValueError too
            st.error(tr("clusters.promote.error", error=md(error)))
        else:
            st.session_state[_PROMOTED_KEY] = tr(
                "clusters.promote.ok", nama=md(row["nama"]), id=row["id"]
            )
            st.rerun()
