"""Folium map of a visit plan: one colour per officer, numbered stops, the depot, dropped stops.

Like :mod:`geo.render.mapview` (whose basemap, attribution, legend control and asset handling it
reuses), this module knows no Streamlit: the page, a test and the command line build the same
map with :func:`build_route_map`. Inputs are EPSG:4326.

Routes are drawn as straight lines between consecutive points (the travel times come from a
matrix, not from road geometry); the legend says so.

Layers: kelurahan outlines (flagged ones filled light red with their rank), the candidate
stops before a plan exists, one layer per officer (line, numbered markers with ETA tooltips),
the depot, and the stops that could not be planned (grey crosses with the reason).
"""

from __future__ import annotations

import html
from typing import Any

import folium
import geopandas as gpd
import pandas as pd

from geo.core import settings
from geo.core.i18n import t
from geo.planning.routing import Plan
from geo.planning.stops import Depot, validate_stops
from geo.render import maptext, mapview
from geo.wilayah.citylayer import attribution

__all__ = ["DROPPED_COLOR", "OFFICER_COLORS", "build_route_map", "officer_color"]

#: One colour per officer (Okabe-Ito, distinguishable with the common colour-vision
#: deficiencies; its yellow left out as unreadable on the basemap), then Tableau extras.
OFFICER_COLORS: tuple[str, ...] = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#7f3c8d",
    "#4d4d4d",
    "#a6761d",
    "#1b9e77",
)
DROPPED_COLOR = "#8c8c8c"
_FLAG_FILL = "#fcbba1"
_FLAG_LINE = "#d62728"
_KEL_LINE = "#737373"

_MARKER_CSS = """
<style>
.rute-stop { width: 24px; height: 24px; border-radius: 50%; border: 2px solid #fff;
  box-shadow: 0 0 0 1px #333; color: #fff; font: 700 12px/20px sans-serif; text-align: center; }
.rute-depot { width: 26px; height: 26px; border-radius: 4px; border: 2px solid #fff;
  box-shadow: 0 0 0 1px #111; background: #111; color: #fff; font: 700 13px/22px sans-serif;
  text-align: center; }
.rute-dropped { width: 18px; height: 18px; color: #8c8c8c; font: 700 18px/18px sans-serif;
  text-align: center; text-shadow: 0 0 2px #fff; }
.rute-candidate { width: 14px; height: 14px; border-radius: 50%; background: #fff;
  border: 3px solid #444; }
</style>
"""


def officer_color(officer: int) -> str:
    """Return the colour of officer ``officer`` (1-based), cycling through the palette."""
    return OFFICER_COLORS[(officer - 1) % len(OFFICER_COLORS)]


def _icon(css_class: str, text: str = "", style: str = "", size: int = 24) -> folium.DivIcon:
    return maptext.div_icon(
        f'<div class="{css_class}" style="{style}">{html.escape(text)}</div>',
        icon_size=(size, size),
        icon_anchor=(size // 2, size // 2),
        class_name="rute-icon",
    )


def _tooltip_rows(rows: list[tuple[str, str]], title: str) -> str:
    body = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows if v
    )
    return f'<b>{html.escape(title)}</b><table class="peta-umkm-table">{body}</table>'


def _add_kelurahan(
    m: folium.Map, kelurahan: gpd.GeoDataFrame, coverage: pd.DataFrame | None, lang: str
) -> None:
    layer = kelurahan[["kode", "nama", "geometry"]].copy()
    layer["flagged"] = False
    layer["peringkat"] = ""
    if coverage is not None:
        cov = coverage.set_index(coverage["kode"].astype(str))
        kode = layer["kode"].astype(str)
        layer["flagged"] = kode.map(cov["flagged"]).fillna(False).astype(bool).to_numpy()
        rank = kode.map(cov["peringkat"])
        layer["peringkat"] = [
            f"{int(r)}" if f and pd.notna(r) else ""
            for r, f in zip(rank, layer["flagged"], strict=True)
        ]
    label_kel = t("rute.map.kelurahan", lang)
    label_rank = t("rute.map.peringkat", lang)
    layer["tooltip"] = [
        _tooltip_rows([(label_rank, p)], f"{label_kel} {n}")
        for n, p in zip(layer["nama"], layer["peringkat"], strict=True)
    ]
    maptext.geojson(
        layer[["kode", "nama", "flagged", "tooltip", "geometry"]].to_json(),
        name=t("rute.map.layer_kelurahan", lang),
        style_function=lambda f: {
            "color": _FLAG_LINE if f["properties"]["flagged"] else _KEL_LINE,
            "weight": 2 if f["properties"]["flagged"] else 1,
            "dashArray": "5 4" if f["properties"]["flagged"] else None,
            "fillColor": _FLAG_FILL if f["properties"]["flagged"] else "#ffffff",
            "fillOpacity": 0.35 if f["properties"]["flagged"] else 0.0,
        },
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
    ).add_to(m)


def _add_depot(m: folium.Map, depot: Depot, lang: str) -> None:
    tip = _tooltip_rows(
        [
            (t("rute.col.alamat", lang), depot.alamat),
            (t("rute.col.presisi", lang), t(f"rute.presisi.{depot.presisi_lokasi}", lang)),
        ],
        f"{t('rute.depot', lang)}: {depot.nama}",
    )
    folium.Marker(
        [depot.lat, depot.lon],
        icon=_icon("rute-depot", "D", size=26),
        tooltip=maptext.tooltip(tip),
        z_index_offset=1000,
    ).add_to(m)


def build_route_map(
    *,
    kelurahan: gpd.GeoDataFrame,
    depot: Depot,
    plan: Plan | None = None,
    stops: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    options: mapview.MapOptions | None = None,
) -> folium.Map:
    """Build the planning map: kelurahan, depot, candidate stops or the planned routes.

    Parameters
    ----------
    kelurahan
        Kelurahan polygons (EPSG:4326) with ``kode`` and ``nama``.
    depot
        The depot (drawn as a black square "D").
    plan
        The solved plan; None draws ``stops`` as candidates instead.
    stops
        Candidate stops (:data:`geo.planning.stops.STOP_COLUMNS`) shown before solving.
    coverage
        :func:`geo.analysis.coverage.coverage` result: flagged kelurahan are filled light red with
        their rank in the tooltip; None draws plain outlines.
    options
        :class:`geo.render.mapview.MapOptions` (its defaults when None); this map uses
        ``basemap`` (see :func:`geo.render.mapview.add_basemap`), ``offline``,
        ``asset_base_url`` and ``inline`` (see :func:`geo.render.mapview.localize_assets`;
        ``offline`` defaults to :func:`geo.core.settings.offline_assets`) and ``lang`` (language
        of tooltips, layer names and legend). It fits itself to the depot and the stops and
        shows no register points, so the other fields do not apply.

    Returns
    -------
    folium.Map
        The map, fitted to the depot and the stops (the city when there are none). Each
        officer's line is a ``PolyLine`` in :func:`officer_color` whose points run depot,
        stops in order, depot.
    """
    o = mapview.MapOptions() if options is None else options
    lang = o.lang
    offline = settings.offline_assets() if o.offline is None else o.offline
    m = folium.Map(
        location=[depot.lat, depot.lon],
        zoom_start=13,
        tiles=None,
        control_scale=True,
        minZoom=mapview.MIN_ZOOM,
        maxZoom=mapview.MAX_ZOOM,
        zoomSnap=0.25,  # fit the routes closely, not to the next whole zoom level
    )
    # Only Leaflet itself: folium also lists jQuery, Bootstrap and Font Awesome, unused here.
    m.default_js = [(n, u) for n, u in m.default_js if n == "leaflet"]
    m.default_css = [(n, u) for n, u in m.default_css if n == "leaflet_css"]
    mapview.add_basemap(m, basemap=o.basemap)
    mapview.add_attribution(m, text=attribution(kelurahan))
    m.get_root().header.add_child(folium.Element(_MARKER_CSS))
    _add_kelurahan(m, kelurahan, coverage, lang)

    bounds: list[tuple[float, float]] = [(depot.lat, depot.lon)]
    legend: list[str] = []
    if plan is not None:
        for officer in range(1, plan.n_officers + 1):
            route = plan.route(officer)
            color = officer_color(officer)
            row = plan.officers[plan.officers["petugas"] == officer].iloc[0]
            name = t(
                "rute.map.layer_petugas",
                lang,
                petugas=officer,
                jumlah=int(row["jumlah_kunjungan"]),
            )
            legend.append(
                f'<div><i style="background:{color}"></i>{html.escape(name)}'
                + (
                    f" · {html.escape(str(row['berangkat']))}–{html.escape(str(row['kembali']))}"
                    if row["jumlah_kunjungan"]
                    else ""
                )
                + "</div>"
            )
            if route.empty:
                continue
            group = folium.FeatureGroup(name=name).add_to(m)
            points = list(zip(route["lat"], route["lon"], strict=True))
            bounds += points
            folium.PolyLine(
                points,
                color=color,
                weight=4,
                opacity=0.85,
                tooltip=maptext.tooltip(html.escape(name)),
                class_name=f"rute-line rute-petugas-{officer}",
            ).add_to(group)
            for stop in route.iloc[1:-1].itertuples(index=False):
                tip = _tooltip_rows(
                    [
                        (t("rute.col.tiba", lang), stop.tiba),
                        (t("rute.col.mulai", lang), f"{stop.mulai}–{stop.selesai}"),
                        (t("rute.col.jendela", lang), _text(stop.jendela)),
                        (t("rute.col.alamat", lang), _text(stop.alamat)),
                    ],
                    f"{t('rute.petugas', lang)} {officer} · {stop.urutan}. {stop.nama}",
                )
                folium.Marker(
                    [stop.lat, stop.lon],
                    icon=_icon("rute-stop", str(stop.urutan), style=f"background:{color}"),
                    tooltip=maptext.tooltip(tip),
                ).add_to(group)
        if not plan.dropped.empty:
            group = folium.FeatureGroup(name=t("rute.map.layer_dropped", lang)).add_to(m)
            where = plan.stops.set_index("id")
            for row in plan.dropped.itertuples(index=False):
                stop = where.loc[row.id]
                bounds.append((float(stop["lat"]), float(stop["lon"])))
                folium.Marker(
                    [float(stop["lat"]), float(stop["lon"])],
                    icon=_icon("rute-dropped", "✕", size=18),
                    tooltip=maptext.tooltip(_tooltip_rows([("", str(row.alasan))], str(row.nama))),
                ).add_to(group)
            legend.append(
                f'<div><span style="color:{DROPPED_COLOR};font-weight:700;margin-right:6px">'
                f"✕</span>{html.escape(t('rute.map.layer_dropped', lang))}</div>"
            )
    elif stops is not None and not stops.empty:
        stops = validate_stops(stops)
        group = folium.FeatureGroup(name=t("rute.map.layer_kandidat", lang)).add_to(m)
        for stop in stops.itertuples(index=False):
            bounds.append((float(stop.lat), float(stop.lon)))
            folium.Marker(
                [stop.lat, stop.lon],
                icon=_icon("rute-candidate", size=14),
                tooltip=maptext.tooltip(
                    _tooltip_rows([(t("rute.col.alamat", lang), _text(stop.alamat))], stop.nama)
                ),
            ).add_to(group)
        legend.append(
            '<div><i class="dot" style="background:#fff;border:3px solid #444"></i>'
            f"{html.escape(t('rute.map.layer_kandidat', lang))}</div>"
        )
    _add_depot(m, depot, lang)
    legend.append(
        f'<div><i style="background:#111"></i>{html.escape(t("rute.map.depot_legend", lang))}</div>'
    )
    if coverage is not None:
        legend.append(
            f'<div><i class="flag" style="background:{_FLAG_FILL}"></i>'
            f"{html.escape(t('rute.map.flagged', lang))}</div>"
        )
    if plan is not None:
        legend.append(f"<div><small>{html.escape(t('rute.map.garis_lurus', lang))}</small></div>")
    body = (
        f"<details open><summary>{html.escape(t('rute.map.legend', lang))}</summary>"
        + "".join(legend)
        + "</details>"
    )
    mapview.Legend(body).add_to(m)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    if len(bounds) > 1:
        lats = [b[0] for b in bounds]
        lons = [b[1] for b in bounds]
        # Keep the points clear of the legend (bottom right) and the zoom buttons (top left).
        m.fit_bounds(
            [[min(lats), min(lons)], [max(lats), max(lons)]],
            padding_top_left=(40, 40),
            padding_bottom_right=(250, 110),
        )
    else:
        minx, miny, maxx, maxy = kelurahan.total_bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    if offline:
        mapview.localize_assets(m, asset_base_url=o.asset_base_url, inline=o.inline)
    return m


def _text(value: Any) -> str:
    return "" if value is None or value is pd.NA or pd.isna(value) else str(value)
