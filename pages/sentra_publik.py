"""Sentra UMKM Kota Malang: the public page (no login) to find and visit sentra.

Only :func:`geo.analysis.publik.sentra_cards` reaches the browser: the public sentra list and
counts with
small cells suppressed; the register itself stays on the server.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.analysis import publik
from geo.core import settings
from geo.core.escape import markdown_text as md
from geo.render.publik import public_map
from geo.wilayah.citylayer import attribution
from pages._common import (
    boundaries,
    current_lang,
    data_version,
    demo_banner,
    get_store,
    register_counts,
    require_page,
    tr,
)

require_page("sentra_publik")

LANG = current_lang()
store = get_store()


@st.cache_data(show_spinner=False, ttl="10m", max_entries=8)
def _cards(url: str, version: str, lang: str) -> pd.DataFrame:
    # ``url`` and ``version`` are only part of the cache key.
    # Counts per sentra from the database (issue 16), never the register's rows.
    counts = register_counts(by=("sentra_id", "status"))
    return publik.sentra_cards(
        get_store().read_sentra(), counts, kelurahan=boundaries()[0], lang=lang
    )


def _page_url() -> str:
    """Return the public page's own address (for share links), without its query."""
    base = str(st.context.url or "").split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if not base:
        return "sentra_publik"  # relative to the app's root
    return base if base.endswith("/sentra_publik") else f"{base}/sentra_publik"


def _clear_selection() -> None:
    st.query_params.pop(publik.SHARE_PARAM, None)


def _card(card: dict, *, share_base: str, highlight: bool = False) -> None:
    # Data is text, never Markdown: every value goes through md() (issue 13.6).
    with st.container(border=True):
        st.markdown(f"#### {md(card['nama'])}")
        badges = [f":blue-badge[{md(card['sektor_label'])}]"]
        badges += [f":orange-badge[{md(p)}]" for p in card["produk"]]
        st.markdown(" ".join(badges))
        place = ", ".join(
            part
            for part in (
                tr("publik.card.kelurahan", nama=card["kelurahan"]) if card["kelurahan"] else "",
                tr("publik.card.kecamatan", nama=card["kecamatan"]) if card["kecamatan"] else "",
            )
            if part
        )
        count = f"**{tr('publik.card.jumlah_umkm')}: {md(card['jumlah_umkm'])}**"
        address = card["alamat"] or ""
        if card["kelurahan"] and card["kelurahan"].lower() not in address.lower():
            address = ", ".join(p for p in (address, place) if p)  # name the kelurahan once
        st.markdown(f":material/storefront: {count}")
        details = [
            f":material/location_on: {md(address) or '–'}",
            f"{tr('publik.card.presisi')}: {md(card['presisi_label'])}",
        ]
        st.caption("  \n".join(details))
        if highlight and card["deskripsi"]:
            st.caption(md(card["deskripsi"]))
        link = publik.share_url(share_base, card["id"])
        links = []
        if card["directions_url"]:
            links.append(
                f":material/directions: [{tr('publik.card.arah')}]({card['directions_url']})"
            )
        links.append(f":material/link: [{tr('publik.card.tautan')}]({link})")
        st.markdown(" &nbsp;·&nbsp; ".join(links))
        if highlight:
            st.caption(tr("publik.share_caption"))
            st.code(link, language=None, wrap_lines=True)


st.title(tr("publik.title"))
st.caption(tr("publik.intro"))
demo_banner(store)

cards = _cards(settings.database_url(), data_version(store), LANG)
share_base = _page_url()
selected = publik.selected_sentra(st.query_params.to_dict(), cards)

if selected is not None:
    st.subheader(tr("publik.selected_header"))
    chosen = cards[cards["id"] == selected].iloc[0].to_dict()
    _card(chosen, share_base=share_base, highlight=True)
    st.button(tr("publik.show_all"), on_click=_clear_selection, icon=":material/apps:")

search_col, komoditas_col, kecamatan_col = st.columns([2, 1, 1])
query = search_col.text_input(
    tr("publik.search"), placeholder=tr("publik.search_placeholder"), key="publik_q"
)
komoditas = komoditas_col.multiselect(
    tr("publik.filter_komoditas"),
    publik.komoditas_options(cards),
    placeholder=tr("publik.filter_all"),
    key="publik_komoditas",
)
kecamatan = kecamatan_col.multiselect(
    tr("publik.filter_kecamatan"),
    publik.kecamatan_options(cards),
    placeholder=tr("publik.filter_all"),
    key="publik_kecamatan",
)
shown = publik.filter_cards(cards, query=query, komoditas=komoditas, kecamatan=kecamatan)

st_folium(
    public_map(
        shown,
        kecamatan=boundaries()[1],  # the active layer's kecamatan
        selected=selected,
        share_base=share_base,
        lang=LANG,
        attribution=attribution(boundaries()[0]),
    ),
    key="publik_map",
    height=420,
    use_container_width=True,
    returned_objects=[],
)
st.caption(tr("publik.map_caption"))

st.markdown(tr("publik.showing", n=len(shown), total=len(cards)))
if shown.empty:
    st.info(tr("publik.none"))
records = shown.to_dict("records")
for start in range(0, len(records), 3):
    columns = st.columns(3)
    for column, card in zip(columns, records[start : start + 3], strict=False):
        with column:
            _card(card, share_base=share_base)

st.download_button(
    tr("publik.download"),
    data=publik.cards_csv(shown, lang=LANG),
    file_name="sentra_umkm_kota_malang.csv",
    mime="text/csv",
    icon=":material/download:",
)
st.caption(tr("publik.privacy"))
