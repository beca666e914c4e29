"""The only constructors of folium tooltips, popups and HTML icons in ``geo``.

folium writes ``Tooltip`` text and ``Popup`` HTML between backticks into the map's script, so
``${...}`` in a business name would run as code in the officer's (or the public) map and a
single backtick would break it. Every map module builds these objects here, from HTML whose
data parts were escaped with :func:`geo.core.escape.html_text`; the markup is passed through
:func:`geo.core.escape.inert_markup` once more, so nothing can slip past a forgotten escape.
GeoJSON tooltip and popup fields travel as JSON data (not as source text); their values are
escaped with :func:`geo.core.escape.html_text` where the properties are built.
"""

from __future__ import annotations

from typing import Any

import folium

from geo.core.escape import html_text, inert_markup

__all__ = ["div_icon", "html_text", "popup", "tooltip"]


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
