"""The public sentra map: stars over kecamatan outlines, popups holding only card fields.

The cards come from :func:`geo.analysis.publik.sentra_cards` (possibly filtered with
:func:`geo.analysis.publik.filter_cards`): nothing personal, counts below
:data:`geo.core.settings.PUBLIC_MIN_CELL` already replaced by the label ``"<5"``. This module
only draws them; it reads no register and no store.

Coordinates are EPSG:4326 degrees (lat, lon) throughout; no metric work here. Every text
reaching the map's HTML or JavaScript is escaped (:mod:`geo.render.maptext`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.publik import share_url
from geo.core import settings
from geo.core.i18n import t
from geo.render import maptext, mapview

__all__ = ["CITY_CENTER", "public_map"]

#: Centre of the public map (alun-alun Kota Malang), degrees EPSG:4326 (lat, lon).
CITY_CENTER: tuple[float, float] = (-7.9771, 112.6340)


def _text(value: object) -> str:
    """Return a card field as text; None, ``pd.NA`` and NaN give ``""``."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _popup_html(card: Mapping[str, object], *, lang: str, share_base: str | None) -> str:
    """Return the escaped HTML of one card's popup (name, products, count, address, links)."""
    esc = html.escape
    rows = [
        (t("publik.card.produk", lang), ", ".join(card["produk"]) or "–"),  # type: ignore[arg-type]
        (t("publik.card.jumlah_umkm", lang), _text(card["jumlah_umkm"])),
        (t("publik.card.alamat", lang), _text(card["alamat"])),
        (t("publik.card.presisi", lang), _text(card["presisi_label"])),
    ]
    body = "".join(
        f'<tr><th style="text-align:left;padding-right:6px;vertical-align:top">{esc(k)}</th>'
        f"<td>{esc(v)}</td></tr>"
        for k, v in rows
    )
    links = []
    if card["directions_url"]:
        links.append(
            f'<a href="{esc(_text(card["directions_url"]))}" target="_blank" rel="noopener">'
            f"{esc(t('publik.card.arah', lang))}</a>"
        )
    if share_base is not None:
        links.append(
            f'<a href="{esc(share_url(share_base, _text(card["id"])))}" target="_top">'
            f"{esc(t('publik.card.tautan', lang))}</a>"
        )
    return (
        f'<div style="font-size:13px;max-width:260px">'
        f"<b>{esc(_text(card['nama']))}</b>"
        f'<table style="margin-top:4px">{body}</table>'
        f'<div style="margin-top:6px">{" · ".join(links)}</div></div>'
    )


def public_map(
    cards: pd.DataFrame,
    *,
    kecamatan: gpd.GeoDataFrame | None = None,
    selected: str | None = None,
    share_base: str | None = None,
    lang: str = "id",
    offline: bool | None = None,
    attribution: str = settings.UPSTREAM_ATTRIBUTION,
) -> folium.Map:
    """Build the public map: sentra stars over kecamatan outlines, nothing else.

    Parameters
    ----------
    cards
        As from :func:`geo.analysis.publik.sentra_cards` (possibly filtered), ``lat``/``lon``
        in degrees EPSG:4326; cards without a point are skipped.
    kecamatan
        Kecamatan polygons (EPSG:4326, ``kode``, ``nama``) to outline, or None.
    selected
        The id of a card to centre on and mark with a larger, red-ringed star (a shared
        link), or None.
    share_base
        Address of the public page, for the "Tautan kartu" link in each popup; None leaves it
        out.
    lang
        Language of popups and tooltips.
    offline
        Load Leaflet from the vendored files (see :func:`geo.render.mapview.localize_assets`); by
        default :func:`geo.core.settings.offline_assets`.
    attribution
        Source of the boundaries shown (the active layer's label).

    Returns
    -------
    folium.Map
        Map with OpenStreetMap tiles and the attribution "Batas wilayah:
        cahyadsn/wilayah_boundaries (MIT)". Popups hold only card fields: nama, products, the
        suppressed count, the sentra's address, location precision and links.
    """
    located = cards[cards["lat"].notna() & cards["lon"].notna()]
    chosen = located[located["id"] == selected] if selected is not None else located.iloc[0:0]
    if len(chosen):
        center = (float(chosen["lat"].iloc[0]), float(chosen["lon"].iloc[0]))
        zoom = 16
    else:
        center, zoom = CITY_CENTER, 12
    # No scale bar: on a phone it sits under the (wrapped) attribution.
    m = folium.Map(location=center, zoom_start=zoom, tiles=None)
    mapview.add_basemap(m, basemap="osm")
    if kecamatan is not None and len(kecamatan):
        mapview.add_kecamatan(
            m, kecamatan=kecamatan, name=t("publik.map.kecamatan", lang), lang=lang
        )
    group = folium.FeatureGroup(name=t("publik.map.sentra", lang)).add_to(m)
    for card in located.to_dict("records"):
        _add_star(group, card, selected=card["id"] == selected, lang=lang, share_base=share_base)
    if not len(chosen):
        _fit_view(m, located, kecamatan=kecamatan)
    mapview.add_attribution(m, text=attribution)
    if settings.offline_assets() if offline is None else offline:
        mapview.localize_assets(m)
    return m


def _add_star(
    group: folium.FeatureGroup,
    card: Mapping[str, object],
    *,
    selected: bool,
    lang: str,
    share_base: str | None,
) -> None:
    """Add one card's star marker (sector colour; larger and red-ringed when ``selected``)."""
    color = mapview.SECTOR_COLORS.get(str(card["sektor"]), mapview.SECTOR_COLORS["lainnya"])
    size = 38 if selected else 26
    ring = "3px solid #d7191c" if selected else "2px solid #fff"
    icon = maptext.div_icon(
        (
            f'<div style="background:{color};color:#fff;border:{ring};'
            f"border-radius:50%;width:{size}px;height:{size}px;line-height:{size - 4}px;"
            f'text-align:center;font-size:{size // 2 + 2}px;box-shadow:0 0 3px #0008">'
            "&#9733;</div>"
        ),
        icon_size=(size, size),
        icon_anchor=(size // 2, size // 2),
        class_name="peta-sentra-publik",
    )
    folium.Marker(
        location=(float(card["lat"]), float(card["lon"])),  # type: ignore[arg-type]
        icon=icon,
        tooltip=maptext.tooltip(html.escape(_text(card["nama"]))),
        popup=maptext.popup(
            _popup_html(card, lang=lang, share_base=share_base),
            max_width=280,
        ),
    ).add_to(group)


def _fit_view(m: folium.Map, located: pd.DataFrame, *, kecamatan: gpd.GeoDataFrame | None) -> None:
    """Fit the view to the whole city when its outline is given, else to all sentra shown.

    ``kecamatan`` bounds and ``located`` points are degrees EPSG:4326; a single sentra keeps
    the city-centre view.
    """
    if kecamatan is not None and len(kecamatan):
        minx, miny, maxx, maxy = (float(v) for v in kecamatan.total_bounds)
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    elif len(located) > 1:
        bounds = [
            [float(located["lat"].min()), float(located["lon"].min())],
            [float(located["lat"].max()), float(located["lon"].max())],
        ]
        m.fit_bounds(bounds, padding=(24, 24), max_zoom=15)
