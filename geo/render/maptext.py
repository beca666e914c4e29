"""The only constructors of folium tooltips, popups and HTML icons in ``geo``.

folium writes ``Tooltip`` text and ``Popup`` HTML between backticks into the map's script, so
``${...}`` in a business name would run as code in the officer's (or the public) map and a
single backtick would break it. Every map module builds these objects here, from HTML whose
data parts were escaped with :func:`geo.core.escape.html_text`; the markup is passed through
:func:`geo.core.escape.inert_markup` once more, so nothing can slip past a forgotten escape.
GeoJSON layers are built here too (:func:`geojson`): folium embeds their data in the map's
script, which branca renders a second time as a Jinja template, so every string property has
its braces replaced by character references (``{{ 7*7 }}`` in a name would otherwise run as
Python on the server). Tooltip and popup fields are HTML already escaped with
:func:`geo.core.escape.html_text` where the properties are built.
"""

from __future__ import annotations

import json
from typing import Any

import folium

from geo.core.escape import html_text, inert_markup

__all__ = ["div_icon", "geojson", "html_text", "inert_properties", "popup", "tooltip"]


def tooltip(markup: str, **options: Any) -> folium.Tooltip:
    """Build a folium tooltip whose HTML is inert inside folium's template literal.

    Parameters
    ----------
    markup
        HTML built from escaped parts (plain text must be escaped with :func:`html_text`).
    **options
        Leaflet tooltip options (``sticky``, ``direction``...).

    Returns
    -------
    folium.Tooltip
    """
    return folium.Tooltip(inert_markup(markup), **options)


def popup(markup: str, **options: Any) -> folium.Popup:
    """Build a folium popup whose HTML is inert inside folium's template literal.

    Parameters
    ----------
    markup
        HTML built from escaped parts.
    **options
        ``folium.Popup`` options (``max_width``, ``lazy``...).

    Returns
    -------
    folium.Popup
    """
    return folium.Popup(inert_markup(markup), **options)


def div_icon(markup: str, **options: Any) -> folium.DivIcon:
    """Build a folium ``DivIcon`` (an HTML marker, no icon font) with inert HTML.

    Parameters
    ----------
    markup
        HTML built from escaped parts.
    **options
        ``folium.DivIcon`` options (``icon_size`` in pixels, ``icon_anchor``, ``class_name``).

    Returns
    -------
    folium.DivIcon
    """
    return folium.DivIcon(html=inert_markup(markup), **options)


def _inert_value(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("{", "&#123;").replace("}", "&#125;")
    if isinstance(value, list):
        return [_inert_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _inert_value(v) for k, v in value.items()}
    return value


def inert_properties(data: str | dict[str, Any]) -> dict[str, Any]:
    """Return GeoJSON whose string properties contain no brace (HTML references instead).

    Parameters
    ----------
    data
        A GeoJSON FeatureCollection or Feature, as a dict or as JSON text (e.g. from
        ``GeoDataFrame.to_json()``), EPSG:4326.

    Returns
    -------
    dict
        A copy; geometries untouched, every string property with ``{`` and ``}`` written as
        ``&#123;`` and ``&#125;`` (which HTML tooltips display as braces).
    """
    doc = json.loads(data) if isinstance(data, str) else json.loads(json.dumps(data))
    features = doc.get("features", [doc] if doc.get("type") == "Feature" else [])
    for feature in features:
        if isinstance(feature.get("properties"), dict):
            feature["properties"] = _inert_value(feature["properties"])
    return doc


def geojson(data: str | dict[str, Any], **options: Any) -> folium.GeoJson:
    """Build a folium GeoJSON layer from data made inert (see :func:`inert_properties`).

    Parameters
    ----------
    data
        GeoJSON (dict or text), EPSG:4326.
    **options
        ``folium.GeoJson`` options (``name``, ``style_function``, ``tooltip``...).

    Returns
    -------
    folium.GeoJson
    """
    return folium.GeoJson(inert_properties(data), **options)
