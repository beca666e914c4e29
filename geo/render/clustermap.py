"""Folium layers of detected clusters and Gi* hot spots, for the explore map and the klaster page.

No Streamlit here: a page, a test or a benchmark builds the same layers. Inputs are the
results of :func:`geo.analysis.clusters.detect_clusters` and
:func:`geo.analysis.hotspots.hotspots_kelurahan` /
:func:`geo.analysis.hotspots.hotspots_hex`, in EPSG:4326.

Layers
------
``klaster``  one polygon per cluster (its hull), filled with the sector's colour
             (:data:`geo.render.mapview.SECTOR_COLORS`); kandidat sentra baru get a dark dashed
             outline. The popup shows the cluster's figures; the tooltip its id and size.
``hotspot``  the units (kelurahan or hexagons) that are significant after the FDR correction,
             filled by class (:data:`HOTSPOT_COLORS`, ColorBrewer RdBu: red hot, blue cold);
             units that are not significant are not drawn. The tooltip shows the figures.

Features carry ``layer`` and ``id`` in their properties, like the kelurahan layers of
:mod:`geo.render.mapview`, so a page can tell what was clicked. Only aggregates are drawn: no
business's name, owner, phone or address reaches these layers.
"""

from __future__ import annotations

import html
import json
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis.hotspots import HOTSPOT_CLASSES
from geo.core import i18n
from geo.render import maptext
from geo.render.mapview import SECTOR_COLORS, Legend

__all__ = [
    "CANDIDATE_OUTLINE",
    "CLUSTER_PANE",
    "HOTSPOT_COLORS",
    "add_cluster_legend",
    "add_clusters",
    "add_hotspots",
    "cluster_popup_rows",
    "hotspot_rows",
]

#: Fill colour of each hot-spot class (ColorBrewer RdBu, 6 classes; no colour for the rest).
HOTSPOT_COLORS: dict[str, str] = {
    "panas_99": "#b2182b",
    "panas_95": "#ef8a62",
    "panas_90": "#fddbc7",
    "dingin_90": "#d1e5f0",
    "dingin_95": "#67a9cf",
    "dingin_99": "#2166ac",
}
#: Map pane of the cluster hulls: above the sentra markers (600), below tooltips (650), so a
#: hull is seen even where a sentra star sits at its centre; clicking it opens the cluster.
CLUSTER_PANE = "peta-klaster"
CLUSTER_PANE_Z = 625
#: Outline of a kandidat sentra baru (dark, dashed) so it stands out from known clusters.
CANDIDATE_OUTLINE: dict[str, Any] = {"color": "#111111", "weight": 3, "dashArray": "7 5"}


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _number(value: Any, lang: str, *, decimals: int = 0) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return i18n.format_number(float(value), lang, decimals=decimals)


def _table(rows: list[tuple[str, str]], *, title: str) -> str:
    body = "\n".join(
        f"<tr><th>{html.escape(k)}</th> <td>{html.escape(v)}</td></tr>" for k, v in rows
    )
    return f'<b>{html.escape(title)}</b>\n<table class="peta-umkm-table">\n{body}\n</table>'


def _layer_control_last(m: folium.Map | folium.FeatureGroup) -> None:
    """Move a layer control that is already on the map behind the layer just added.

    Folium renders children in the order they were added, and a layer control refers to every
    layer of its map by name: a control rendered before a layer breaks the map's script
    (:func:`geo.render.mapview.build_map` adds its control last, before these layers come).
    """
    children = m._children
    for key in [k for k, child in children.items() if isinstance(child, folium.LayerControl)]:
        children[key] = children.pop(key)


def _features(gdf: gpd.GeoDataFrame, properties: list[dict[str, Any]]) -> dict[str, Any]:
    geoms = shapely.to_geojson(
        shapely.transform(gdf.geometry.to_numpy(), lambda xy: np.round(xy, 5))
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": p["id"], "properties": p, "geometry": json.loads(g)}
            for p, g in zip(properties, geoms, strict=True)
        ],
    }


# --------------------------------------------------------------------------------------------
# Clusters
# --------------------------------------------------------------------------------------------
def cluster_popup_rows(
    row: pd.Series | dict[str, Any], *, lang: str = "id"
) -> list[tuple[str, str]]:
    """Return the (label, value) rows that describe one cluster, as shown in its popup.

    Parameters
    ----------
    row
        One row of :func:`geo.analysis.clusters.detect_clusters`.
    lang
        Language of labels and number formats.
    """
    t = i18n.t
    sektor = _text(row.get("sektor"))
    if pd.isna(row.get("jarak_sentra_m")):
        nearest = t("clusters.status.tanpa_sentra", lang)
    else:
        distance = _number(row.get("jarak_sentra_m"), lang)
        nearest = f"{_text(row.get('sentra_terdekat_nama'))} ({distance} m)"
    status = t("clusters.status.kandidat" if row.get("kandidat") else "clusters.status.dekat", lang)
    rows = [
        (t("clusters.field.status", lang), status),
        (t("clusters.field.sektor", lang), i18n.category_label("sektor", sektor, lang)),
    ]
    if _text(row.get("kata_kunci")):
        rows.append((t("clusters.field.kata_kunci", lang), _text(row.get("kata_kunci"))))
    rows += [
        (t("clusters.field.komoditas_dugaan", lang), _text(row.get("komoditas_dugaan")) or "–"),
        (t("clusters.field.jumlah_umkm", lang), _number(row.get("jumlah_umkm"), lang)),
        (
            t("clusters.field.kepadatan", lang),
            _number(row.get("kepadatan_per_ha"), lang, decimals=1),
        ),
        (t("clusters.field.luas", lang), _number(row.get("luas_ha"), lang, decimals=1)),
        (
            t("clusters.field.porsi_mikro", lang),
            i18n.format_percent(float(row.get("porsi_mikro")), lang)
            if not pd.isna(row.get("porsi_mikro"))
            else "–",
        ),
        (t("clusters.field.kontras", lang), _number(row.get("kontras"), lang, decimals=1)),
        (t("clusters.field.kelurahan", lang), _text(row.get("kelurahan"))),
        (t("clusters.field.sentra_terdekat", lang), nearest),
    ]
    return rows


def add_clusters(
    m: folium.Map | folium.FeatureGroup,
    clusters: gpd.GeoDataFrame,
    *,
    lang: str = "id",
    name: str | None = None,
    show: bool = True,
) -> folium.FeatureGroup | None:
    """Add the cluster hulls, coloured by sector, with a popup of each cluster's figures.

    Parameters
    ----------
    m
        The map (or a group to add to).
    clusters
        The result of :func:`geo.analysis.clusters.detect_clusters` (EPSG:4326). Filter it as
        the page filters (sector, size class) before, or pass what ``detect_clusters``
        returned for the filtered register.
    lang
        Language of the popups and the layer name.
    name
        Name in the layer control; "Klaster UMKM" by default.
    show
        Whether the layer is on when the map opens.

    Returns
    -------
    folium.FeatureGroup or None
        The layer, or None when there is no cluster.
    """
    if clusters is None or clusters.empty:
        return None
    rows = clusters.to_crs("EPSG:4326")
    properties = []
    for _, row in rows.iterrows():
        cid = _text(row["id"])
        properties.append(
            {
                "layer": "klaster",
                "id": cid,
                "sektor": _text(row["sektor"]),
                "kandidat": bool(row["kandidat"]),
                "fill": SECTOR_COLORS.get(_text(row["sektor"]), SECTOR_COLORS["lainnya"]),
                "popup": _table(cluster_popup_rows(row, lang=lang), title=cid),
                "tooltip": html.escape(
                    f"{cid} · {_number(row['jumlah_umkm'], lang)} UMKM"
                    + (f" · {i18n.t('clusters.status.kandidat', lang)}" if row["kandidat"] else "")
                ),
            }
        )
    label = name or i18n.t("clusters.layer.klaster", lang)
    pane: dict[str, str] = {}
    if isinstance(m, folium.Map):
        panes = [c for c in m._children.values() if isinstance(c, folium.map.CustomPane)]
        if not any(p.name == CLUSTER_PANE for p in panes):
            folium.map.CustomPane(CLUSTER_PANE, z_index=CLUSTER_PANE_Z, pointer_events=True).add_to(
                m
            )
        pane = {"pane": CLUSTER_PANE}
        # Chromium draws a focus rectangle around a clicked SVG path; the popup marks it already.
        m.get_root().header.add_child(
            folium.Element("<style>path.leaflet-interactive:focus { outline: none; }</style>"),
            name="peta_klaster_focus_css",
        )
    group = folium.FeatureGroup(name=label, show=show).add_to(m)
    maptext.geojson(
        _features(rows, properties),
        name=label,
        style_function=_cluster_style,
        highlight_function=lambda _f: {"weight": 4, "fillOpacity": 0.55},
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=360),
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        control=False,
        **pane,
    ).add_to(group)
    _layer_control_last(m)
    return group


def _cluster_style(feature: dict[str, Any]) -> dict[str, Any]:
    props = feature["properties"]
    style: dict[str, Any] = {
        "color": props["fill"],
        "weight": 2,
        "fillColor": props["fill"],
        "fillOpacity": 0.35,
    }
    if props["kandidat"]:
        style.update(CANDIDATE_OUTLINE)
    return style


# --------------------------------------------------------------------------------------------
# Hot spots
# --------------------------------------------------------------------------------------------
def hotspot_rows(row: pd.Series | dict[str, Any], *, lang: str = "id") -> list[tuple[str, str]]:
    """Return the (label, value) rows that describe one hot-spot unit, as in its tooltip.

    Parameters
    ----------
    row
        One row of :func:`geo.analysis.hotspots.hotspots_kelurahan` or
        :func:`geo.analysis.hotspots.hotspots_hex`.
    lang
        Language of labels and number formats.
    """
    t = i18n.t
    area = row.get("luas_km2")
    density = float(row["jumlah"]) / float(area) if area and not pd.isna(area) else np.nan
    return [
        (t("clusters.hs.kelas", lang), t(f"clusters.kelas.{row['kelas']}", lang)),
        (t("clusters.hs.jumlah", lang), _number(row.get("jumlah"), lang)),
        (t("clusters.hs.nilai.per_km2", lang), _number(density, lang, decimals=1)),
        (t("clusters.hs.gi_z", lang), _number(row.get("gi_z"), lang, decimals=2)),
        (t("clusters.hs.p", lang), _number(row.get("p_sim"), lang, decimals=4)),
        (t("clusters.hs.q", lang), _number(row.get("q"), lang, decimals=4)),
    ]


def add_hotspots(
    m: folium.Map | folium.FeatureGroup,
    hotspots: gpd.GeoDataFrame,
    *,
    lang: str = "id",
    name: str | None = None,
    show: bool = True,
) -> folium.FeatureGroup | None:
    """Add the significant hot and cold units, filled by class, with their figures as tooltip.

    Parameters
    ----------
    m
        The map (or a group to add to).
    hotspots
        The result of :func:`geo.analysis.hotspots.hotspots_kelurahan` or
        :func:`geo.analysis.hotspots.hotspots_hex` (EPSG:4326) for the page's filtered register.
    lang
        Language of the tooltips and the layer name.
    name
        Name in the layer control; "Hot spot Gi* (<unit>)" by default.
    show
        Whether the layer is on when the map opens.

    Returns
    -------
    folium.FeatureGroup or None
        The layer (also when no unit is significant: an empty layer says so in the control),
        or None when ``hotspots`` is empty.
    """
    if hotspots is None or hotspots.empty:
        return None
    rows = hotspots.to_crs("EPSG:4326")
    unit = _text(rows["unit"].iloc[0]) or "kelurahan"
    label = name or i18n.t(
        "clusters.layer.hotspot", lang, unit=i18n.t(f"clusters.unit.{unit}", lang)
    )
    group = folium.FeatureGroup(name=label, show=show).add_to(m)
    _layer_control_last(m)
    significant = rows[rows["kelas"].astype(str) != "tidak_signifikan"]
    if significant.empty:
        return group
    properties = []
    for _, row in significant.iterrows():
        title = _text(row.get("nama")) or _text(row["id"])
        properties.append(
            {
                "layer": "hotspot",
                "id": _text(row["id"]),
                "kelas": _text(row["kelas"]),
                "fill": HOTSPOT_COLORS[_text(row["kelas"])],
                "tooltip": _table(hotspot_rows(row, lang=lang), title=title),
            }
        )
    maptext.geojson(
        _features(significant, properties),
        name=label,
        style_function=lambda f: {
            "color": f["properties"]["fill"],
            "weight": 1,
            "opacity": 0.9,
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.5,
        },
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        control=False,
    ).add_to(group)
    return group


def add_cluster_legend(
    m: folium.Map, *, clusters: bool = True, hotspots: bool = True, lang: str = "id"
) -> Legend:
    """Add a legend of the cluster symbols and the hot-spot classes (bottom right).

    Parameters
    ----------
    m
        The map.
    clusters
        Explain the cluster hulls and the candidate outline.
    hotspots
        List the hot-spot classes.
    lang
        Language.

    Returns
    -------
    geo.render.mapview.Legend
        The legend element.
    """
    t = i18n.t
    parts = [f"<details open><summary>{html.escape(t('clusters.legend.title', lang))}</summary>"]
    if clusters:
        parts.append(
            f'<div><i style="background:{SECTOR_COLORS["kuliner"]};opacity:0.6"></i>'
            f"{html.escape(t('clusters.legend.klaster', lang))}</div>"
            '<div><i style="background:transparent;border:2px dashed #111"></i>'
            f"{html.escape(t('clusters.legend.kandidat', lang))}</div>"
        )
    if hotspots:
        parts.append(f"<h4>{html.escape(t('clusters.legend.hotspot', lang))}</h4>")
        for kelas in HOTSPOT_CLASSES:
            if kelas in HOTSPOT_COLORS:
                parts.append(
                    f'<div class="kelas-{kelas}"><i style="background:{HOTSPOT_COLORS[kelas]}">'
                    f"</i>{html.escape(t(f'clusters.kelas.{kelas}', lang))}</div>"
                )
        parts.append(f"<div>{html.escape(t('clusters.legend.tidak', lang))}</div>")
    parts.append("</details>")
    legend = Legend("".join(parts))
    legend.add_to(m)
    return legend
