"""The small map of "Kunjungan saya": one officer's stops of the day and where the officer is.

A phone-sized folium map (no layer control, no legend box): the route as a line through the
stops in order, each stop a numbered marker coloured by its status (belum / selesai / tidak
bertemu), the selected stop ringed, and the officer's position as a blue dot with its accuracy
circle. Every tooltip is built from escaped parts through :mod:`geo.render.maptext`, so a
hostile business name stays text. Inputs are EPSG:4326 degrees; the map fits the stops and the
position.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium
import geopandas as gpd
import pandas as pd

from geo.analysis.checkin import Position
from geo.core import settings
from geo.core.i18n import t
from geo.render import maptext, mapview

__all__ = ["STATUS_COLORS", "build_officer_map"]

#: Marker colour of a stop per status.
STATUS_COLORS: dict[str, str] = {
    "belum": "#0072b2",
    "selesai": "#009e73",
    "tidak_bertemu": "#d55e00",
}
_ROUTE_COLOR = "#4d4d4d"
_POSITION_COLOR = "#1a73e8"

_CSS = """
<style>
.kj-stop { width: 26px; height: 26px; border-radius: 50%; border: 2px solid #fff;
  box-shadow: 0 0 0 1px #333; color: #fff; font: 700 13px/22px sans-serif; text-align: center; }
.kj-stop.kj-aktif { box-shadow: 0 0 0 3px #111; }
.kj-saya { width: 16px; height: 16px; border-radius: 50%; background: #1a73e8;
  border: 3px solid #fff; box-shadow: 0 0 0 1px #1a73e8; }
</style>
"""


def _icon(number: int, status: str, *, active: bool) -> folium.DivIcon:
    color = STATUS_COLORS.get(status, STATUS_COLORS["belum"])
    css = "kj-stop kj-aktif" if active else "kj-stop"
    return maptext.div_icon(
        f'<div class="{css}" style="background:{color}">{number}</div>',
        icon_size=(26, 26),
        icon_anchor=(13, 13),
        class_name="kj-icon",
    )


def build_officer_map(
    stops: pd.DataFrame,
    *,
    position: Position | None = None,
    selected: int | None = None,
    kelurahan: gpd.GeoDataFrame | None = None,
    lang: str = "id",
    height_px: int = 240,
    offline: bool | None = None,
    asset_base_url: str | None = None,
) -> folium.Map:
    """Build the officer's map of the day.

    Parameters
    ----------
    stops
        The route's stops in order: ``henti_id``, ``urutan``, ``nama``, ``lat``, ``lon``
        (degrees EPSG:4326), ``status`` and optionally ``rencana_tiba`` (``HH:MM``).
    position
        The officer's position, drawn with its accuracy circle; None for none.
    selected
        ``henti_id`` of the stop being visited (ringed).
    kelurahan
        Kelurahan polygons (``kode``, ``nama``, EPSG:4326); those of the stops
        (``kode_kelurahan`` column of ``stops``) are outlined, so the map reads without
        basemap tiles (no signal, offline deployments).
    lang
        Language of the tooltips.
    height_px
        The map's height in pixels (folium figure height).
    offline
        Leaflet from the vendored files (default :func:`geo.core.settings.offline_assets`).
    asset_base_url
        URL prefix of the vendored files (see :func:`geo.render.mapview.localize_assets`).

    Returns
    -------
    folium.Map
        Fitted to the stops and the position (Kota Malang's centre when there are none).
    """
    m = folium.Map(
        location=[-7.98, 112.63],
        zoom_start=13,
        tiles=None,
        control_scale=True,
        height=f"{int(height_px)}px",
        minZoom=mapview.MIN_ZOOM,
        maxZoom=mapview.MAX_ZOOM,
        zoomSnap=0.25,
    )
    m.default_js = [(n, u) for n, u in m.default_js if n == "leaflet"]
    m.default_css = [(n, u) for n, u in m.default_css if n == "leaflet_css"]
    mapview.add_basemap(m, basemap="osm")
    m.get_root().header.add_child(folium.Element(_CSS))
    if kelurahan is not None and "kode_kelurahan" in stops:
        _add_kelurahan(m, kelurahan, set(stops["kode_kelurahan"].dropna().astype(str)))
    bounds: list[tuple[float, float]] = []
    points = [(float(a), float(b)) for a, b in zip(stops["lat"], stops["lon"], strict=True)]
    if len(points) > 1:
        folium.PolyLine(points, color=_ROUTE_COLOR, weight=3, opacity=0.6, dash_array="6 6").add_to(
            m
        )
    for row, point in zip(stops.to_dict("records"), points, strict=True):
        status = str(row.get("status") or "belum")
        number = int(row["urutan"])
        rows = [
            (t("kunjungan.col.tiba", lang), _text(row.get("rencana_tiba"))),
            (t("kunjungan.col.status", lang), t(f"kunjungan.status.{status}", lang)),
        ]
        folium.Marker(
            point,
            icon=_icon(number, status, active=selected is not None and row["henti_id"] == selected),
            tooltip=maptext.tooltip(_tooltip(f"{number}. {_text(row.get('nama'))}", rows)),
        ).add_to(m)
        bounds.append(point)
    if position is not None:
        here = (position.lat, position.lon)
        if position.akurasi_m:
            folium.Circle(
                here,
                radius=float(position.akurasi_m),
                color=_POSITION_COLOR,
                weight=1,
                fill=True,
                fill_opacity=0.12,
            ).add_to(m)
        folium.Marker(
            here,
            icon=maptext.div_icon(
                '<div class="kj-saya"></div>', icon_size=(16, 16), icon_anchor=(8, 8)
            ),
            tooltip=maptext.tooltip(html.escape(t("kunjungan.peta.posisi_saya", lang))),
            z_index_offset=1000,
        ).add_to(m)
        bounds.append(here)
    _fit(m, bounds)
    if settings.offline_assets() if offline is None else offline:
        mapview.localize_assets(m, asset_base_url=asset_base_url)
    return m


def _add_kelurahan(m: folium.Map, kelurahan: gpd.GeoDataFrame, codes: set[str]) -> None:
    """Outline the kelurahan in ``codes``, named in a tooltip."""
    layer = kelurahan[kelurahan["kode"].astype(str).isin(codes)][["kode", "nama", "geometry"]]
    if layer.empty:
        return
    layer = layer.to_crs("EPSG:4326").copy()
    layer["label"] = [maptext.html_text(n) for n in layer["nama"]]
    maptext.geojson(
        layer[["kode", "label", "geometry"]].to_json(),
        style_function=lambda _f: {
            "color": "#737373",
            "weight": 1.5,
            "fillColor": "#f0f0f0",
            "fillOpacity": 0.5,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(m)


def _fit(m: folium.Map, bounds: Sequence[tuple[float, float]]) -> None:
    if len(bounds) == 1:
        m.location = list(bounds[0])
        m.options["zoom"] = 16
        return
    if bounds:
        lats = [b[0] for b in bounds]
        lons = [b[1] for b in bounds]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(36, 36))


def _tooltip(title: str, rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><th>{maptext.html_text(k)}</th><td>{maptext.html_text(v)}</td></tr>"
        for k, v in rows
        if v
    )
    return f'<b>{maptext.html_text(title)}</b><table class="peta-umkm-table">{body}</table>'


def _text(value: object) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    return str(value)
