"""Folium maps of UMKM, sentra and Sahabat UMKM coverage on the official kelurahan boundaries.

This module turns GeoDataFrames into folium layers and knows no Streamlit: the page, a test and
the benchmark (``bench/map.py``) all call :func:`build_map` and get the same map.

Inputs are in EPSG:4326 (the register's storage CRS, see :mod:`geo.core.settings`).

Layers
------
``kecamatan``   bold outlines, tooltip with name and counts (stroke only: clicks fall through).
``kelurahan``   thin outlines, tooltip with name and counts; clicking reports the feature.
``choropleth``  kelurahan filled by a coverage metric, classed with mapclassify (Fisher-Jenks).
``flagged``     kelurahan with ``coverage["flagged"]``: red dashed outline, reason in tooltip.
``sentra``      one star marker per sentra with a popup.
``umkm``        register points, clustered in the browser (Leaflet.markercluster, or a grid
                from :data:`GRID_MIN_POINTS` points) and drawn on a canvas. The points
                travel as one compact JSON array (about 45 bytes a point), inlined or, after
                :meth:`UmkmClusterLayer.fetch_from`, fetched by the browser as a cacheable
                file (the app: ``web/point_payloads.py``); markers and popups are made in
                JavaScript. ``bench/map.py`` compares this with one ``folium.Marker`` per
                point and with a stock ``FastMarkerCluster`` page.

Every kelurahan feature carries ``kode`` (and ``layer``) in its GeoJSON properties, so a page
that shows the map with ``streamlit_folium.st_folium`` can read the clicked kelurahan from
``last_active_drawing`` with :func:`clicked_kelurahan`.

Assets
------
Online, Leaflet and Leaflet.markercluster come from jsDelivr. With ``offline=True`` they come
from the vendored copies in ``geo/static/`` (see :data:`VENDORED_ASSETS` and
``geo/static/README.md``) under ``asset_base_url``, or, with ``inline=True``, are embedded in
the HTML (standalone files and tests; not for streamlit-folium, which only loads linked
scripts). Basemap tiles always come from their tile server; ``basemap="none"`` draws none.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import branca.element
import folium
import folium.elements
import folium.map
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.template import Template

from geo.core import i18n, settings
from geo.core.escape import script_json
from geo.core.register import PERSONAL_COLUMNS, SECTORS, SIZE_CLASSES
from geo.render import maptext
from geo.wilayah.citylayer import attribution

__all__ = [
    "ACTIVE_STATUS",
    "CHOROPLETH_COLORS",
    "CLICKABLE_LAYERS",
    "DEFAULT_ASSET_BASE_URL",
    "GRID_CELL_PX",
    "GRID_MIN_POINTS",
    "LAYER_KEYS",
    "METRICS",
    "NO_DATA_COLOR",
    "RETURNED_OBJECTS",
    "SECTOR_COLORS",
    "STATIC_DIR",
    "VENDORED_ASSETS",
    "VENDORED_LICENSES",
    "ChoroplethClasses",
    "Legend",
    "MapOptions",
    "UmkmClusterLayer",
    "VendoredAsset",
    "add_attribution",
    "add_basemap",
    "add_choropleth",
    "add_flagged",
    "add_kecamatan",
    "add_kelurahan",
    "add_legend",
    "add_sentra",
    "add_umkm",
    "build_map",
    "classify_metric",
    "clicked_kelurahan",
    "layer_names",
    "localize_assets",
    "point_layers",
    "split_inactive",
]

Basemap = Literal["osm", "light", "none"]
Metric = Literal["umkm_aktif", "umkm_per_km2", "umkm_per_sahabat"]
Inactive = Literal["draw", "hide", "layer"]

#: ``status`` value of a business that counts as active (see :data:`geo.core.register.STATUS`).
ACTIVE_STATUS = "aktif"


@dataclass(frozen=True)
class MapOptions:
    """How a map is drawn: :func:`build_map` and :func:`geo.render.routemap.build_route_map`.

    Attributes
    ----------
    metric
        Choropleth metric, one of :data:`METRICS` (:func:`build_map` only).
    basemap
        ``"osm"``, ``"light"`` (CARTO Positron) or ``"none"``.
    show_personal
        Show ``pemilik``, ``telepon`` and ``alamat`` in the UMKM popups (and non-public sentra).
        When False they are absent from the generated HTML (:func:`build_map` only).
    offline
        Load Leaflet and plugins from the vendored files instead of CDNs; by default
        :func:`geo.core.settings.offline_assets` (environment ``PETA_UMKM_OFFLINE_ASSETS``).
    asset_base_url
        URL prefix of ``geo/static`` in offline mode; :data:`DEFAULT_ASSET_BASE_URL` by default.
    inline
        In offline mode, embed the assets in the HTML instead of linking them (standalone files
        and tests; streamlit-folium needs linked assets).
    center
        Map centre ``(lat, lon)`` in degrees (EPSG:4326); by default the map fits the kelurahan
        (:func:`build_map` only; the route map fits its stops).
    zoom
        Initial zoom; 12 by default (:func:`build_map` only).
    lang
        Language of layer names, tooltips, popups and legend (``"id"`` or ``"en"``).
    point_ids
        Send each UMKM's ``id`` to the browser (reported on click), e.g. for an internal page
        that opens the clicked business (:func:`build_map` only).
    inactive
        What :func:`build_map` does with UMKM whose ``status`` is not ``"aktif"``: ``"draw"``
        them like the others (every row given is drawn), ``"hide"`` them (the map counts what
        an "UMKM aktif" headline counts) or put them in a ``"layer"`` of their own, drawn as
        hollow dashed circles with grey clusters and a legend entry.
    """

    metric: Metric = "umkm_aktif"
    basemap: Basemap = "osm"
    show_personal: bool = False
    offline: bool | None = None
    asset_base_url: str | None = None
    inline: bool = False
    center: tuple[float, float] | None = None
    zoom: int | None = None
    lang: str = "id"
    point_ids: bool = False
    inactive: Inactive = "draw"


# --------------------------------------------------------------------------------------------
# Palette and texts
# --------------------------------------------------------------------------------------------
#: Sector colours (Tableau 10, qualitative), keyed by :data:`geo.core.register.SECTORS` code. The
#: yellow of the palette is left out: it is hard to see on the light basemap.
SECTOR_COLORS: dict[str, str] = {
    "kuliner": "#f28e2b",
    "fesyen": "#b07aa1",
    "kriya": "#9c755f",
    "jasa": "#4e79a7",
    "perdagangan": "#e15759",
    "agribisnis": "#59a14f",
    "industri_pengolahan": "#76b7b2",
    "digital_kreatif": "#ff9da7",
    "lainnya": "#bab0ac",
}

#: Sequential classes of the choropleth (ColorBrewer YlOrRd), by number of classes.
CHOROPLETH_COLORS: dict[int, tuple[str, ...]] = {
    1: ("#fd8d3c",),
    2: ("#fecc5c", "#e31a1c"),
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
}
#: Fill of a kelurahan without a value of the metric (e.g. no Sahabat UMKM: no ratio).
NO_DATA_COLOR = "#d9d9d9"
FLAG_COLOR = "#d62728"
KECAMATAN_COLOR = "#252525"
KELURAHAN_COLOR = "#636363"

#: Zoom range of the map: a city map needs nothing wider than zoom 10 (about 150 km across),
#: and the point clustering works through every level of the range.
MIN_ZOOM = 10
MAX_ZOOM = 19

#: Coverage metrics the choropleth can show.
METRICS: tuple[str, ...] = ("umkm_aktif", "umkm_per_km2", "umkm_per_sahabat")

#: GeoJSON layers of the map, in drawing order (the ``layer`` property of their features).
LAYER_KEYS: tuple[str, ...] = ("choropleth", "kelurahan", "kecamatan", "flagged")
#: Layers whose features are kelurahan and carry ``kode`` (what :func:`clicked_kelurahan` reads).
CLICKABLE_LAYERS: tuple[str, ...] = ("choropleth", "kelurahan", "flagged")
#: What the page needs back from ``st_folium`` (pass as ``returned_objects``): the clicked
#: feature. Panning and zooming then cause no rerun of the page.
RETURNED_OBJECTS: tuple[str, ...] = ("last_active_drawing",)


def _tr(key: str, lang: str) -> str:
    return i18n.t(key, lang)


def layer_names(lang: str = "id") -> dict[str, str]:
    """Return the display name of each layer key (as shown in the layer control).

    Parameters
    ----------
    lang
        Language code (``"id"`` or ``"en"``).

    Returns
    -------
    dict
        ``kecamatan``, ``kelurahan``, ``flagged``, ``sentra``, ``umkm`` and each metric of
        :data:`METRICS` (the choropleth is named after its metric) -> display name.
    """
    names = {
        key: _tr(f"map.layer.{key}", lang)
        for key in ("kecamatan", "kelurahan", "flagged", "sentra", "umkm")
    }
    names.update({metric: _tr(f"map.metric.{metric}", lang) for metric in METRICS})
    return names


# --------------------------------------------------------------------------------------------
# Vendored assets and offline mode
# --------------------------------------------------------------------------------------------
#: Folder of the vendored JavaScript/CSS (served by Streamlit as ``app/static/``, see README).
STATIC_DIR: Path = Path(__file__).resolve().parents[1] / "static"

#: URL prefix of :data:`STATIC_DIR` in offline mode: ``settings.ASSET_BASE_URL`` when the
#: settings define it, else ``/app/static/``, where Streamlit serves a ``static/`` folder next
#: to ``app.py`` (``server.enableStaticServing = true``). Root-absolute on purpose: the map of
#: streamlit-folium runs in an iframe under ``/component/...``, where a relative URL would miss.
DEFAULT_ASSET_BASE_URL: str = getattr(settings, "ASSET_BASE_URL", "/app/static/")


@dataclass(frozen=True)
class VendoredAsset:
    """One vendored JavaScript or CSS file.

    ``name`` is the resource name folium uses in ``default_js``/``default_css`` (so folium's own
    elements, e.g. ``plugins.MarkerCluster``, are rewritten too); ``path`` is relative to
    :data:`STATIC_DIR`; ``cdn_url`` is what online mode links; ``sha256`` pins the file.
    """

    name: str
    kind: Literal["js", "css"]
    path: str
    cdn_url: str
    package: str
    sha256: str


_JSDELIVR = "https://cdn.jsdelivr.net/npm"
#: The vendored files, from the npm registry tarballs named in ``package`` (see
#: ``geo/static/README.md``). Order is load order.
VENDORED_ASSETS: tuple[VendoredAsset, ...] = (
    VendoredAsset(
        "leaflet_css",
        "css",
        "leaflet/leaflet.css",
        f"{_JSDELIVR}/leaflet@1.9.4/dist/leaflet.css",
        "leaflet@1.9.4",
        "a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6",
    ),
    VendoredAsset(
        "markerclustercss",
        "css",
        "leaflet.markercluster/MarkerCluster.css",
        f"{_JSDELIVR}/leaflet.markercluster@1.5.3/dist/MarkerCluster.css",
        "leaflet.markercluster@1.5.3",
        "614dea0a98ff3f4ead74f04918f6b1d1b9ba435c25b5fc23b21a394d1e3e4d87",
    ),
    VendoredAsset(
        "markerclusterdefaultcss",
        "css",
        "leaflet.markercluster/MarkerCluster.Default.css",
        f"{_JSDELIVR}/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
        "leaflet.markercluster@1.5.3",
        "61258232d98d64dc2a7b1e02130d67421bc5b9bda5994eef70228ff97570c170",
    ),
    VendoredAsset(
        "leaflet",
        "js",
        "leaflet/leaflet.js",
        f"{_JSDELIVR}/leaflet@1.9.4/dist/leaflet.js",
        "leaflet@1.9.4",
        "db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a",
    ),
    VendoredAsset(
        "jquery",
        "js",
        "jquery/jquery.min.js",
        f"{_JSDELIVR}/jquery@3.7.1/dist/jquery.min.js",
        "jquery@3.7.1",
        "fc9a93dd241f6b045cbff0481cf4e1901becd0e12fb45166a8f17f95823f0b1a",
    ),
    VendoredAsset(
        "markerclusterjs",
        "js",
        "leaflet.markercluster/leaflet.markercluster.js",
        f"{_JSDELIVR}/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js",
        "leaflet.markercluster@1.5.3",
        "1e4e1d22972a3926f48598e0caf14e3fe7049835d428a344fed4f9e3665b3508",
    ),
)
_ASSETS: dict[str, VendoredAsset] = {a.name: a for a in VENDORED_ASSETS}

#: License files shipped beside the vendored code (paths relative to :data:`STATIC_DIR`).
VENDORED_LICENSES: tuple[str, ...] = (
    "leaflet/LICENSE",
    "leaflet.markercluster/MIT-LICENCE.txt",
    "jquery/LICENSE.txt",
)

#: Assets folium's Map lists by default that this app does not use (Bootstrap, Font Awesome,
#: awesome-markers). They are dropped from maps, online and offline; a ``folium.Icon`` needs
#: them, so :func:`localize_assets` refuses maps that contain one.
_UNUSED_FOLIUM_ASSETS = frozenset(
    {
        "bootstrap",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers",
        "awesome_markers_css",
        "awesome_markers_font_css",
        "awesome_rotate_css",
    }
)

_MAP_JS = ("leaflet",)
_MAP_CSS = ("leaflet_css",)


def _cdn(names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(n, _ASSETS[n].cdn_url) for n in names]


def _elements(root: branca.element.Element) -> Iterator[branca.element.Element]:
    yield root
    for child in list(root._children.values()):
        yield from _elements(child)


def _data_uri(path: Path) -> str:
    mime = {".png": "image/png", ".svg": "image/svg+xml"}.get(
        path.suffix, "application/octet-stream"
    )
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_asset(asset: VendoredAsset) -> str:
    path = STATIC_DIR / asset.path
    text = path.read_text(encoding="utf-8")
    if asset.kind == "css":
        # Images referenced by the CSS (Leaflet's layer and marker icons) become data: URIs.
        def repl(match: re.Match[str]) -> str:
            return f'url("{_data_uri(path.parent / match.group(2))}")'

        text = re.sub(r"url\((['\"]?)(images/[^'\")]+)\1\)", repl, text)
        return f"<style>\n{text}\n</style>"
    # A script element ends at the first "</script"; the vendored files contain none.
    if "</script" in text.lower():  # pragma: no cover - guarded by a test
        raise ValueError(f"{asset.path} cannot be inlined: it contains '</script'")
    return f"<script>\n{text}\n</script>"


def localize_assets(
    m: folium.Map, *, asset_base_url: str | None = None, inline: bool = False
) -> folium.Map:
    """Make a finished map load its JavaScript and CSS from the vendored files, not CDNs.

    Call it after every element has been added. It rewrites the ``default_js`` and
    ``default_css`` of each element (as instance attributes, so other maps and folium's
    classes are untouched): a resource with a vendored copy (:data:`VENDORED_ASSETS`, matched by
    folium's resource name) points at ``asset_base_url`` + its path, or, with ``inline=True``,
    its contents go into the page header and the links are removed. Bootstrap, Font Awesome and
    awesome-markers, which folium lists but this app does not use, are dropped.

    Parameters
    ----------
    m
        The map (any folium map, e.g. the naive baseline of the benchmark).
    asset_base_url
        URL prefix of :data:`STATIC_DIR`; :data:`DEFAULT_ASSET_BASE_URL` by default. A trailing
        slash is added if missing.
    inline
        Embed the asset contents in the HTML (a standalone file that needs no server; images
        of the CSS become data: URIs). streamlit-folium cannot run inlined scripts: the page
        uses linked assets.

    Returns
    -------
    folium.Map
        ``m``, modified in place.

    Raises
    ------
    ValueError
        The map uses a resource without a vendored copy, or a ``folium.Icon`` (which needs
        Font Awesome from a CDN; use ``folium.DivIcon``).
    """
    base = asset_base_url if asset_base_url is not None else DEFAULT_ASSET_BASE_URL
    if base and not base.endswith("/"):
        base += "/"
    used: set[str] = set()
    missing: set[str] = set()
    for element in _elements(m):
        if isinstance(element, folium.map.Icon):
            raise ValueError(
                "folium.Icon needs Font Awesome and awesome-markers from a CDN; use folium.DivIcon"
            )
        if not isinstance(element, folium.elements.JSCSSMixin):
            continue
        for attr in ("default_js", "default_css"):
            kept = []
            for name, url in getattr(element, attr):
                if name in _UNUSED_FOLIUM_ASSETS:
                    continue
                if name not in _ASSETS:
                    missing.add(f"{name} ({url})")
                    continue
                used.add(name)
                if not inline:
                    kept.append((name, base + _ASSETS[name].path))
            setattr(element, attr, kept)
    if missing:
        raise ValueError(
            "No vendored copy of: "
            + ", ".join(sorted(missing))
            + ". Vendor it into geo/static/ and list it in geo.render.mapview.VENDORED_ASSETS."
        )
    if inline:
        header = m.get_root().header
        for asset in VENDORED_ASSETS:  # CSS first, then scripts in load order
            if asset.name in used:
                header.add_child(branca.element.Element(_inline_asset(asset)), name=asset.name)
    return m


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------
def _json(obj: Any) -> str:
    """JSON inert inside a map's <script> (see :func:`geo.core.escape.script_json`)."""
    return script_json(obj)


def _text(value: Any) -> str:
    """Display text of a cell: '' for missing values."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _number(value: Any, lang: str, *, decimals: int = 0) -> str:
    if value is None or pd.isna(value):
        return "–"
    return i18n.format_number(float(value), lang, decimals=decimals)


def _table(rows: list[tuple[str, str]], *, title: str | None = None) -> str:
    """Escaped HTML of a small key-value table (tooltips and popups)."""
    head = f"<b>{html.escape(title)}</b>" if title else ""
    # The whitespace between cells keeps the text readable where only the text is used
    # (streamlit-folium reports a clicked tooltip as its textContent).
    body = "\n".join(
        f"<tr><th>{html.escape(k)}</th> <td>{html.escape(v)}</td></tr>" for k, v in rows
    )
    return f'{head}\n<table class="peta-umkm-table">\n{body}\n</table>'


def _round_coords(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.round(xy, 5))


def _feature_collection(gdf: gpd.GeoDataFrame, properties: list[dict[str, Any]]) -> dict[str, Any]:
    geoms = shapely.to_geojson(_round_coords(gdf.geometry.to_numpy()))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": props.get("kode"),
                "properties": props,
                "geometry": json.loads(geom),
            }
            for props, geom in zip(properties, geoms, strict=True)
        ],
    }


def _json_value(value: Any) -> Any:
    """Return a cell as a JSON value (None for missing, Python numbers for numpy ones)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.integer | int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, np.floating | float):
        return float(value)
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    return str(value)


def _coverage_by_kode(coverage: pd.DataFrame | None) -> pd.DataFrame | None:
    """Index the coverage frame by kelurahan kode (column ``kode_kelurahan`` or ``kode``)."""
    if coverage is None:
        return None
    for column in ("kode_kelurahan", "kode"):
        if column in coverage.columns:
            return coverage.set_index(coverage[column].astype(str))
    return coverage.set_index(coverage.index.astype(str))


# --------------------------------------------------------------------------------------------
# Basemap and attribution
# --------------------------------------------------------------------------------------------
_OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
_BASEMAPS: dict[str, tuple[str, str, str, int]] = {
    # key: (name, URL template, attribution, max zoom)
    "osm": (
        "OpenStreetMap",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        _OSM_ATTRIBUTION,
        19,
    ),
    "light": (
        "CARTO Positron",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        _OSM_ATTRIBUTION + ' &copy; <a href="https://carto.com/attributions">CARTO</a>',
        20,
    ),
}


def add_basemap(m: folium.Map, *, basemap: Basemap = "osm") -> folium.Map:
    """Add the basemap tile layer with its attribution.

    Parameters
    ----------
    m
        The map.
    basemap
        ``"osm"`` (OpenStreetMap standard), ``"light"`` (CARTO Positron, light grey, good under
        a choropleth) or ``"none"`` (no tiles: boundaries only, e.g. without internet).

    Returns
    -------
    folium.Map
        ``m``.
    """
    if basemap == "none":
        return m
    if basemap not in _BASEMAPS:
        raise ValueError(f"basemap must be one of osm, light, none; got {basemap!r}")
    name, url, attribution, max_zoom = _BASEMAPS[basemap]
    folium.TileLayer(
        tiles=url, attr=attribution, name=name, max_zoom=max_zoom, control=False
    ).add_to(m)
    return m


class _Attribution(folium.elements.MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_json }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text_json = _json(text)


def add_attribution(m: folium.Map, *, text: str = settings.UPSTREAM_ATTRIBUTION) -> folium.Map:
    """Add a line to the map's attribution control (always shown, whatever layers are on).

    Parameters
    ----------
    m
        The map.
    text
        Plain text; by default the boundary source, "Batas wilayah:
        cahyadsn/wilayah_boundaries (MIT)".

    Returns
    -------
    folium.Map
        ``m``.
    """
    _Attribution(text).add_to(m)
    return m


# --------------------------------------------------------------------------------------------
# Boundaries, choropleth and flags
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChoroplethClasses:
    """Classes of a coverage metric over the kelurahan.

    Attributes
    ----------
    bins
        Upper bound of each class, as mapclassify's ``bins`` (Fisher-Jenks natural breaks).
    lower
        Smallest value (lower bound of the first class).
    colors
        Fill colour of each class.
    classes
        Class index of each input value, ``-1`` where the value is missing (no data).
    """

    bins: tuple[float, ...]
    lower: float
    colors: tuple[str, ...]
    classes: np.ndarray

    def labels(self, lang: str = "id") -> list[str]:
        """Return one "lower – upper" label per class, numbers in the language's style."""
        values = [self.lower, *self.bins]
        integral = all(float(v).is_integer() for v in values)
        decimals = 0 if integral or min(abs(v) for v in self.bins) >= 10 else 1
        return [
            f"{_number(values[i], lang, decimals=decimals)} – "
            f"{_number(values[i + 1], lang, decimals=decimals)}"
            for i in range(len(self.bins))
        ]


def classify_metric(values: pd.Series | np.ndarray, *, k: int = 5) -> ChoroplethClasses:
    """Class a metric into at most ``k`` classes with mapclassify's Fisher-Jenks breaks.

    Fisher-Jenks is the exact (deterministic) natural-breaks optimum; missing values get no
    class. Fewer distinct values than ``k`` give as many classes as distinct values.

    Parameters
    ----------
    values
        One value per kelurahan; NaN where there is no data.
    k
        Wanted number of classes (at most 5, the colours of :data:`CHOROPLETH_COLORS`).

    Returns
    -------
    ChoroplethClasses
        Bins, lower bound, colours and the class of each value (``-1`` for no data).
    """
    arr = np.asarray(values, dtype="float64")
    valid = np.isfinite(arr)
    classes = np.full(len(arr), -1, dtype="int64")
    if not valid.any():
        return ChoroplethClasses((), math.nan, (), classes)
    present = arr[valid]
    k = max(1, min(k, 5, len(np.unique(present))))
    if k == 1:
        bins = np.array([present.max()])
        classes[valid] = 0
    else:
        import mapclassify  # imports scipy: seconds, so only when a map is classified

        with warnings.catch_warnings():
            # Without numba mapclassify warns that it uses pure Python: fine for ~57 values.
            warnings.filterwarnings("ignore", message="Numba not installed")
            classifier = mapclassify.FisherJenks(present, k=k)
        bins = np.asarray(classifier.bins, dtype="float64")
        classes[valid] = classifier.yb
    return ChoroplethClasses(
        tuple(float(b) for b in bins), float(present.min()), CHOROPLETH_COLORS[len(bins)], classes
    )


def _kelurahan_properties(
    kelurahan: gpd.GeoDataFrame,
    coverage: pd.DataFrame | None,
    umkm: pd.DataFrame | None,
    metric: str | None,
    *,
    lang: str,
) -> list[dict[str, Any]]:
    """Feature properties of each kelurahan: kode, names, counts, metric, flag, tooltip."""
    cov = _coverage_by_kode(coverage)
    if cov is None and umkm is not None and "kode_kelurahan" in umkm.columns:
        on_map = umkm["kode_kelurahan"].dropna().astype(str).value_counts()
    else:
        on_map = None
    out = []
    for row in kelurahan.itertuples(index=False):
        kode = str(row.kode)
        props: dict[str, Any] = {
            "layer": "kelurahan",
            "kode": kode,
            "nama": _text(row.nama),
            "kecamatan": _text(getattr(row, "kecamatan", "")),
        }
        rows = [(_tr("map.field.kecamatan", lang), props["kecamatan"])]
        if cov is not None:
            rec = cov.loc[kode] if kode in cov.index else None
            if isinstance(rec, pd.DataFrame):  # duplicated kode: take the first
                rec = rec.iloc[0]

            def get(column: str, rec: pd.Series | None = rec) -> Any:
                return _json_value(rec[column]) if rec is not None and column in rec else None

            for column in ("umkm_aktif", "sahabat_aktif", *METRICS):
                props[column] = get(column)
            props["flagged"] = bool(get("flagged") or False)
            props["alasan"] = get("alasan")
            rows += [
                (_tr("map.field.umkm_aktif", lang), _number(props["umkm_aktif"], lang)),
                (_tr("map.field.sahabat_aktif", lang), _number(props["sahabat_aktif"], lang)),
            ]
            if metric is not None and metric != "umkm_aktif":
                rows.append(
                    (_tr(f"map.metric.{metric}", lang), _number(props[metric], lang, decimals=1))
                )
            if props["flagged"] and props["alasan"]:
                rows.append((_tr("map.field.alasan", lang), str(props["alasan"])))
        elif on_map is not None:
            props["umkm_di_peta"] = int(on_map.get(kode, 0))
            rows.append((_tr("map.field.umkm_di_peta", lang), _number(props["umkm_di_peta"], lang)))
        props["tooltip"] = _table(rows, title=props["nama"])
        out.append(props)
    return out


def _tooltip() -> folium.GeoJsonTooltip:
    return folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True)


def add_kelurahan(
    m: folium.Map,
    *,
    kelurahan: gpd.GeoDataFrame,
    properties: list[dict[str, Any]],
    name: str,
    show: bool = True,
) -> folium.FeatureGroup:
    """Add thin kelurahan outlines with tooltips, as a toggleable layer.

    The transparent fill takes hovers and clicks, so the tooltip shows anywhere inside and a
    click reports the feature (with ``kode``) to streamlit-folium.

    Parameters
    ----------
    m
        The map.
    kelurahan
        Kelurahan polygons (EPSG:4326), in the order of ``properties``.
    properties
        One GeoJSON properties dict per kelurahan, with ``kode`` and an HTML ``tooltip``.
    name
        Layer name in the layer control.
    show
        Whether the layer is on when the map opens.

    Returns
    -------
    folium.FeatureGroup
        The layer.
    """
    group = folium.FeatureGroup(name=name, show=show).add_to(m)
    maptext.geojson(
        _feature_collection(kelurahan, [{**p, "layer": "kelurahan"} for p in properties]),
        name=name,
        style_function=lambda _f: {
            "color": KELURAHAN_COLOR,
            "weight": 1,
            "fillColor": "#ffffff",
            "fillOpacity": 0.0,
        },
        highlight_function=lambda _f: {"weight": 3, "color": "#000000"},
        tooltip=_tooltip(),
        control=False,
    ).add_to(group)
    return group


def add_kecamatan(
    m: folium.Map,
    *,
    kecamatan: gpd.GeoDataFrame,
    coverage: pd.DataFrame | None = None,
    name: str,
    lang: str = "id",
) -> folium.FeatureGroup:
    """Add bold kecamatan outlines as a toggleable layer.

    Only the outline is interactive (no fill), so clicks inside reach the kelurahan below.
    The tooltip (on the outline) shows the kecamatan's name and, with ``coverage``, the sums of
    ``umkm_aktif`` and ``sahabat_aktif`` over its kelurahan.

    Parameters
    ----------
    m
        The map.
    kecamatan
        Kecamatan polygons (EPSG:4326) with ``kode`` and ``nama``.
    coverage
        Per-kelurahan coverage (kode column ``kode_kelurahan`` or ``kode``), or None.
    name
        Layer name in the layer control.
    lang
        Language of the tooltip.

    Returns
    -------
    folium.FeatureGroup
        The layer.
    """
    cov = _coverage_by_kode(coverage)
    sums = None
    if cov is not None:
        columns = [c for c in ("umkm_aktif", "sahabat_aktif") if c in cov.columns]
        sums = cov[columns].groupby(cov.index.str.slice(0, 8)).sum(min_count=1)
    properties = []
    for row in kecamatan.itertuples(index=False):
        kode = str(row.kode)
        props: dict[str, Any] = {"layer": "kecamatan", "kode": kode, "nama": _text(row.nama)}
        rows: list[tuple[str, str]] = []
        if sums is not None and kode in sums.index:
            for column in sums.columns:
                props[column] = _json_value(sums.loc[kode, column])
                rows.append((_tr(f"map.field.{column}", lang), _number(props[column], lang)))
        props["tooltip"] = _table(rows, title=f"{_tr('map.field.kecamatan', lang)} {props['nama']}")
        properties.append(props)
    group = folium.FeatureGroup(name=name).add_to(m)
    maptext.geojson(
        _feature_collection(kecamatan, properties),
        name=name,
        style_function=lambda _f: {
            "color": KECAMATAN_COLOR,
            "weight": 3.5,
            "opacity": 0.9,
            "fill": False,
        },
        tooltip=_tooltip(),
        control=False,
    ).add_to(group)
    return group


def add_choropleth(
    m: folium.Map,
    *,
    kelurahan: gpd.GeoDataFrame,
    properties: list[dict[str, Any]],
    metric: Metric,
    name: str,
    k: int = 5,
) -> ChoroplethClasses:
    """Fill the kelurahan by a coverage metric, classed with :func:`classify_metric`.

    Kelurahan without a value (e.g. ``umkm_per_sahabat`` where there is no Sahabat UMKM) are
    light grey with a dashed outline: the "tidak ada data" entry of the legend.

    Parameters
    ----------
    m
        The map.
    kelurahan
        Kelurahan polygons (EPSG:4326), in the order of ``properties``.
    properties
        Feature properties holding ``metric`` (None for no data), as from the coverage frame.
    metric
        One of :data:`METRICS`.
    name
        Layer name in the layer control.
    k
        Wanted number of classes.

    Returns
    -------
    ChoroplethClasses
        The classes, for the legend.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    values = np.array(
        [np.nan if p.get(metric) is None else float(p[metric]) for p in properties],
        dtype="float64",
    )
    classes = classify_metric(values, k=k)
    props = []
    for p, cls in zip(properties, classes.classes, strict=True):
        fill = classes.colors[cls] if cls >= 0 else NO_DATA_COLOR
        props.append({**p, "layer": "choropleth", "kelas": int(cls), "fill": fill})
    group = folium.FeatureGroup(name=name).add_to(m)
    maptext.geojson(
        _feature_collection(kelurahan, props),
        name=name,
        style_function=lambda f: (
            {
                "color": "#ffffff",
                "weight": 0.8,
                "fillColor": f["properties"]["fill"],
                "fillOpacity": 0.7,
            }
            if f["properties"]["kelas"] >= 0
            else {
                "color": "#969696",
                "weight": 1,
                "dashArray": "3 3",
                "fillColor": NO_DATA_COLOR,
                "fillOpacity": 0.6,
            }
        ),
        tooltip=_tooltip(),
        control=False,
    ).add_to(group)
    return classes


def add_flagged(
    m: folium.Map,
    *,
    kelurahan: gpd.GeoDataFrame,
    properties: list[dict[str, Any]],
    name: str,
    lang: str = "id",
) -> folium.FeatureGroup | None:
    """Outline the flagged kelurahan in red (thick, dashed), with the reason in the tooltip.

    Parameters
    ----------
    m
        The map.
    kelurahan
        Kelurahan polygons (EPSG:4326), in the order of ``properties``.
    properties
        Feature properties with ``flagged`` and ``alasan`` (from the coverage frame).
    name
        Layer name in the layer control.
    lang
        Language of the tooltip.

    Returns
    -------
    folium.FeatureGroup or None
        The layer, or None when no kelurahan is flagged.
    """
    keep = [i for i, p in enumerate(properties) if p.get("flagged")]
    if not keep:
        return None
    props = []
    for i in keep:
        p = properties[i]
        rows = [(_tr("map.field.alasan", lang), _text(p.get("alasan")))]
        props.append({**p, "layer": "flagged", "tooltip": _table(rows, title=p["nama"])})
    group = folium.FeatureGroup(name=name).add_to(m)
    maptext.geojson(
        _feature_collection(kelurahan.iloc[keep], props),
        name=name,
        style_function=lambda _f: {
            "color": FLAG_COLOR,
            "weight": 3.5,
            "dashArray": "8 5",
            "fillColor": FLAG_COLOR,
            "fillOpacity": 0.0,
        },
        tooltip=_tooltip(),
        control=False,
    ).add_to(group)
    return group


# --------------------------------------------------------------------------------------------
# Sentra
# --------------------------------------------------------------------------------------------
class _BindPopup(folium.elements.MacroElement):
    """Bind a popup of ready HTML to the parent layer (plain Leaflet, no jQuery)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup({{ this.html_json }}, {maxWidth: 320});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "BindPopup"
        self.html_json = _json(html_text)


def _presisi_label(value: str, lang: str) -> str:
    key = f"map.presisi.{value}"
    return _tr(key, lang) if key in i18n.MESSAGES else value


def add_sentra(
    m: folium.Map,
    *,
    sentra: pd.DataFrame,
    umkm: pd.DataFrame | None = None,
    name: str,
    lang: str = "id",
    include_non_public: bool = False,
) -> folium.FeatureGroup | None:
    """Add one star marker per sentra (a DivIcon: no icon font) with a popup.

    The popup shows nama, komoditas, jumlah UMKM (column ``jumlah_umkm``, as from
    :func:`geo.wilayah.sentra.sentra_summary`, else counted from ``umkm["sentra_id"]``), alamat and
    presisi lokasi.

    Parameters
    ----------
    m
        The map.
    sentra
        Sentra with the columns of :data:`geo.core.register.SENTRA_COLUMNS` (``lat``/``lon`` in
        EPSG:4326).
    umkm
        The register, to count UMKM per sentra when ``jumlah_umkm`` is absent.
    name
        Layer name in the layer control.
    lang
        Language of the popup.
    include_non_public
        Also show sentra with ``publik`` false (internal view).

    Returns
    -------
    folium.FeatureGroup or None
        The layer, or None when there is no sentra to show.
    """
    rows = sentra
    if not include_non_public and "publik" in rows.columns:
        rows = rows[rows["publik"].fillna(True).astype(bool)]
    rows = rows[rows["lat"].notna() & rows["lon"].notna()]
    if rows.empty:
        return None
    if "jumlah_umkm" in rows.columns:
        counts = rows["jumlah_umkm"]
    elif umkm is not None and "sentra_id" in umkm.columns:
        per = umkm["sentra_id"].dropna().astype(str).value_counts()
        counts = rows["id"].astype(str).map(per).fillna(0)
    else:
        counts = pd.Series(np.nan, index=rows.index)
    group = folium.FeatureGroup(name=name).add_to(m)
    for (_, row), count in zip(rows.iterrows(), counts, strict=True):
        color = SECTOR_COLORS.get(_text(row.get("sektor")), SECTOR_COLORS["lainnya"])
        table = [
            (_tr("map.field.komoditas", lang), _text(row.get("komoditas"))),
            (_tr("map.field.jumlah_umkm", lang), _number(count, lang)),
            (_tr("map.field.alamat", lang), _text(row.get("alamat"))),
            (
                _tr("map.field.presisi_lokasi", lang),
                _presisi_label(_text(row.get("presisi_lokasi")), lang),
            ),
        ]
        icon = maptext.div_icon(
            f'<div class="peta-sentra-icon" style="background:{color}">&#9733;</div>',
            icon_size=(24, 24),
            icon_anchor=(12, 12),
            class_name="peta-sentra",
        )
        marker = folium.Marker(
            location=(float(row["lat"]), float(row["lon"])),
            icon=icon,
            tooltip=maptext.tooltip(html.escape(_text(row.get("nama")))),
        )
        marker.add_child(_BindPopup(_table(table, title=_text(row.get("nama")))))
        marker.add_to(group)
    return group


# --------------------------------------------------------------------------------------------
# UMKM points
# --------------------------------------------------------------------------------------------
_POINT_FIELDS = 5  # per point in the flat array: dlat, dlon, sector, skala, kelurahan
#: From this many points a layer clusters on a grid in the browser instead of with
#: Leaflet.markercluster, which needs about 4 s for 100,000 points and a minute for 1,000,000
#: (``bench/map.py --layer``); the grid needs about 0.1 s and 1 s. At 20,000 points (the
#: city's register is 21,270 and aims at 30,000) markercluster takes 0.5 s of a desktop CPU
#: to cluster and pans at 45 fps at street zoom, the grid 0.1 s and 60 fps, with the same
#: look at city zoom; a phone's CPU is several times slower. Smaller selections (a kecamatan,
#: a sector) keep markercluster and its spiderfied stacks.
GRID_MIN_POINTS = 20_000
#: Side of a grid cluster cell in screen pixels (markercluster's ``maxClusterRadius`` is 60).
GRID_CELL_PX = 80


class _RawText(branca.element.Element):
    """Text that renders as itself (no Jinja template is compiled from it)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text."""
        return self._text


class UmkmClusterLayer(folium.elements.JSCSSMixin, folium.map.Layer):
    """UMKM points as one compact JSON array, clustered in the browser.

    The data travels as integers: latitude and longitude in 1e-5 degrees (about 1.1 m) as
    offsets from the smallest value, then indexes into short lists of sectors, size classes
    and kelurahan names; business names (and, only when asked, personal fields) as parallel
    string arrays. The array is either inlined in the map's script (standalone maps, tests)
    or, after :meth:`fetch_from`, fetched once by the browser from a URL (the app serves it
    as a cacheable file, see ``web/point_routes.py``): then the map's HTML carries only the
    URL and the layer's few options, and the payload travels over HTTP, gzip-compressed and
    cached by the browser, instead of inside every render of the map.

    The browser makes one ``L.circleMarker`` per point in the sector colour, drawn on one
    shared ``<canvas>`` (Leaflet's canvas renderer, in a pane above the kelurahan polygons),
    and adds them all at once to an ``L.markerClusterGroup`` with ``chunkedLoading``; cluster
    icons grow with the count. The canvas lets pointer events through to the polygons below
    except while the pointer is over a point (hit-tested on ``pointermove``/``pointerdown``),
    so points and kelurahan stay clickable. Popups are built on click from the arrays.
    Clicking a point also sets its GeoJSON properties (``layer``, ``nama_usaha``, ``sektor``,
    ``kode_kelurahan`` and ``id`` when present), which streamlit-folium reports as
    ``last_active_drawing``.

    From :data:`GRID_MIN_POINTS` points on, the layer clusters on a grid instead: at each
    zoom level the points are binned into cells of :data:`GRID_CELL_PX` screen pixels (once
    per level, on typed arrays), and at every ``moveend`` only the cells in view are drawn, a
    cell with several points as a cluster disc with its count (drawn on the same canvas, so
    hundreds of them pan as one layer; a click zooms to its points), a point alone as a
    point; from zoom 18 every point in view is drawn. Nothing is made
    per point up front, so a million points cluster in well under a second where
    markercluster needs about a minute (``bench/map.py --layer``).

    A payload with ``inactive`` true is a layer of inactive businesses: hollow dashed circles,
    grey clusters (CSS class ``peta-umkm-cluster-nonaktif``), the status after the name in
    the popup, ``layer`` ``"umkm_nonaktif"`` on click and ``data-umkm-nonaktif-loaded`` (not
    ``data-umkm-loaded``) on the map once clustered. A failed fetch sets ``data-umkm-error``
    on the map's container.

    Parameters
    ----------
    payload
        The compact data (see :func:`add_umkm`).
    name
        Layer name in the layer control.
    show
        Whether the layer is on when the map opens.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (map) {
            var o = {{ this.options_json }};
            var paneName = "petaUmkmTitik";
            if (!map.getPane(paneName)) {
                var pane = map.createPane(paneName);
                pane.style.zIndex = 450;
                pane.style.pointerEvents = "none";
            }
            // One canvas for the points of every UMKM layer of the map. It lets clicks through
            // to the kelurahan below except while the pointer is over a point.
            var renderer = map._petaUmkmRenderer;
            if (!renderer) {
                renderer = map._petaUmkmRenderer = L.canvas({pane: paneName, tolerance: 2});
                var hit = function (ev) {
                    var c = renderer._container;
                    if (!c || !renderer._map) { return; }
                    var pt = map.mouseEventToLayerPoint(ev), on = false;
                    for (var id in renderer._layers) {
                        var l = renderer._layers[id];
                        if (l._containsPoint && l._containsPoint(pt)) { on = true; break; }
                    }
                    c.style.pointerEvents = on ? "auto" : "";
                };
                var box = map.getContainer();
                box.addEventListener("pointermove", hit, true);
                box.addEventListener("pointerdown", hit, true);
            }
            var esc = function (s) {
                return String(s).replace(/[&<>"']/g, function (c) {
                    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
                });
            };
            var fmt = new Intl.NumberFormat(o.locale);
            var d = null, p = null, n = -1, markers = null;
            var markLoaded = function (total) {
                // Mark the map once every point is clustered (used by tests and bench/map.py).
                setTimeout(function () {
                    map.getContainer().setAttribute({{ this.loaded_attr_json }}, String(total));
                }, 0);
            };
            var label = function (list, k) { return k >= 0 ? list[k] : ""; };
            var popup = function (i) {
                var j = i * {{ this.fields }};
                var rows = [[d.f.sektor, label(d.sectors, p[j + 2])],
                            [d.f.skala, label(d.skala, p[j + 3])],
                            [d.f.kelurahan, label(d.kel, p[j + 4])]];
                (d.personal || []).forEach(function (col) { rows.push([col[0], col[1][i]]); });
                var title = "<b>" + esc(d.names[i]) + "</b>" +
                    (d.inactive ? " (" + esc(d.status_label) + ")" : "");
                return title + "<table class='peta-umkm-table'>" +
                    rows.map(function (r) {
                        var v = r[1] == null ? "" : r[1];
                        return "<tr><th>" + esc(r[0]) + "</th><td>" + esc(v) + "</td></tr>";
                    }).join("") + "</table>";
            };
            var clusterIcon = function (k) {
                var size = Math.round(28 + 7 * Math.log10(k));
                var cls = k < 100 ? "small" : (k < 1000 ? "medium" : "large");
                return L.divIcon({
                    html: "<div><span>" + fmt.format(k) + "</span></div>",
                    className: "marker-cluster peta-umkm-cluster peta-umkm-cluster-" + cls +
                        (o.inactive ? " peta-umkm-cluster-nonaktif" : ""),
                    iconSize: L.point(size, size)
                });
            };
            var styleOf = function (c) {
                // Inactive businesses: hollow, dashed, in the sector colour.
                return o.inactive
                    ? {radius: 4, weight: 1.5, color: c, opacity: 0.9, dashArray: "2 2",
                       fillColor: "#ffffff", fillOpacity: 0.7, renderer: renderer, pane: paneName}
                    : {radius: 5, weight: 1, color: "#ffffff", opacity: 0.9,
                       fillColor: c, fillOpacity: 0.9, renderer: renderer, pane: paneName};
            };
            var onClick = function (e) {
                var i = e.layer._petaUmkm;
                if (i === undefined || !d) { return; }
                var j = i * {{ this.fields }};
                var props = {layer: d.inactive ? "umkm_nonaktif" : "umkm",
                             nama_usaha: d.names[i],
                             sektor: label(d.sector_codes, p[j + 2]),
                             kode_kelurahan: label(d.kel_kode, p[j + 4])};
                if (d.ids) { props.id = d.ids[i]; }
                e.layer.feature = {type: "Feature", properties: props};
                L.popup({maxWidth: 320}).setLatLng(e.layer.getLatLng())
                    .setContent(popup(i)).openOn(map);
            };
            {%- if this.grid %}
            // Grid clustering for very many points: per zoom level, the points are binned into
            // square cells of {{ this.cell_px }} px (computed once per level, on typed arrays);
            // at every moveend only the cells in view become markers: a cluster icon with the
            // count, or the point itself on the canvas when alone. Nothing is made per point
            // up front, so a million points cluster in a fraction of a second.
            var CELL = {{ this.cell_px }}, LEAF_ZOOM = 18, wx = null, wy = null, grids = {};
            var project = function () {
                wx = new Float64Array(n); wy = new Float64Array(n);
                var r = Math.PI / 180, j, s;
                for (var i = 0; i < n; i++) {
                    j = i * {{ this.fields }};
                    wx[i] = ((d.lon0 + p[j + 1]) / 1e5 + 180) / 360 * 256;
                    s = Math.sin((d.lat0 + p[j]) / 1e5 * r);
                    wy[i] = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256;
                }
            };
            var grid = function (z) {
                if (grids[z]) { return grids[z]; }
                var scale = Math.pow(2, z) / CELL, cells = new Map(), key, c;
                for (var i = 0; i < n; i++) {
                    key = Math.floor(wx[i] * scale) * 1048576 + Math.floor(wy[i] * scale);
                    c = cells.get(key);
                    if (c === undefined) {
                        cells.set(key, {k: 1, x: wx[i], y: wy[i], first: i,
                                        x0: wx[i], x1: wx[i], y0: wy[i], y1: wy[i]});
                    } else {
                        c.k += 1; c.x += wx[i]; c.y += wy[i];
                        if (wx[i] < c.x0) { c.x0 = wx[i]; } else if (wx[i] > c.x1) { c.x1 = wx[i]; }
                        if (wy[i] < c.y0) { c.y0 = wy[i]; } else if (wy[i] > c.y1) { c.y1 = wy[i]; }
                    }
                }
                var list = [];
                cells.forEach(function (v, key) {
                    v.cx = Math.floor(key / 1048576); v.cy = key - v.cx * 1048576;
                    list.push(v);
                });
                return (grids[z] = list);
            };
            var unproject = function (x, y) {
                var lat = Math.atan(Math.sinh(Math.PI * (1 - 2 * y / 256))) * 180 / Math.PI;
                return L.latLng(lat, x / 256 * 360 - 180);
            };
            // A cluster drawn on the points' canvas (halo, disc, count): hundreds of them pan
            // as one layer, where as many DOM icons each need compositing.
            var ClusterDot = L.CircleMarker.extend({
                _updatePath: function () {
                    var r = this._renderer, ctx = r._ctx, pt = this._point;
                    if (!r._drawing || this._empty()) { return; }
                    var k = this.options.count;
                    var rgb = o.inactive ? "115, 115, 115"
                        : (k < 100 ? "49, 130, 189" : (k < 1000 ? "8, 81, 156" : "8, 48, 107"));
                    ctx.setLineDash([]);
                    ctx.beginPath();
                    ctx.arc(pt.x, pt.y, this._radius, 0, 2 * Math.PI);
                    ctx.fillStyle = "rgba(" + rgb + ", " + (o.inactive ? 0.25 : 0.3) + ")";
                    ctx.fill();
                    ctx.beginPath();
                    ctx.arc(pt.x, pt.y, this._radius - 4, 0, 2 * Math.PI);
                    ctx.fillStyle = o.inactive ? "rgba(255, 255, 255, 0.9)"
                        : "rgba(" + rgb + ", 0.9)";
                    ctx.fill();
                    if (o.inactive) {
                        ctx.setLineDash([3, 3]);
                        ctx.lineWidth = 2;
                        ctx.strokeStyle = "#737373";
                        ctx.stroke();
                        ctx.setLineDash([]);
                    }
                    ctx.fillStyle = o.inactive ? "#525252" : "#ffffff";
                    ctx.font = "600 11px sans-serif";
                    ctx.textAlign = "center";
                    ctx.textBaseline = "middle";
                    ctx.fillText(fmt.format(k), pt.x, pt.y);
                }
            });
            var styles = null, shown = new Map(), shownZoom = null;
            var group = L.featureGroup();
            var make = function (c) {
                var layer;
                if (c.k === 1) {
                    var i = c.first;
                    layer = L.circleMarker(unproject(wx[i], wy[i]),
                                           styles[p[i * {{ this.fields }} + 2]]);
                    layer._petaUmkm = i;
                } else {
                    layer = new ClusterDot(unproject(c.x / c.k, c.y / c.k), {
                        radius: Math.round(28 + 7 * Math.log10(c.k)) / 2, count: c.k,
                        stroke: false, renderer: renderer, pane: paneName});
                    layer._petaCell = c;
                }
                return layer;
            };
            // Keeps what stays in view (a pan changes only the edges), adds what came in.
            var refresh = function () {
                if (!d || !group._map) { return; }
                var z = Math.round(map.getZoom()), b = map.getPixelBounds().pad(0.1);
                var k0 = Math.pow(2, z), wanted = new Map();
                if (z !== shownZoom) { group.clearLayers(); shown = new Map(); shownZoom = z; }
                if (z >= LEAF_ZOOM) {
                    for (var i = 0; i < n; i++) {
                        var px = wx[i] * k0, py = wy[i] * k0;
                        if (px >= b.min.x && px <= b.max.x && py >= b.min.y && py <= b.max.y) {
                            wanted.set("p" + i, {k: 1, first: i});
                        }
                    }
                } else {
                    var lo = b.min.divideBy(CELL).floor(), hi = b.max.divideBy(CELL).floor();
                    grid(z).forEach(function (c) {
                        if (c.cx >= lo.x && c.cx <= hi.x && c.cy >= lo.y && c.cy <= hi.y) {
                            wanted.set(c.cx * 1048576 + c.cy, c);
                        }
                    });
                }
                shown.forEach(function (layer, key) {
                    if (!wanted.has(key)) { group.removeLayer(layer); shown.delete(key); }
                });
                wanted.forEach(function (c, key) {
                    if (!shown.has(key)) {
                        var layer = make(c);
                        shown.set(key, layer);
                        group.addLayer(layer);
                    }
                });
            };
            group.on("click", function (e) {
                var c = e.layer._petaCell;
                if (c === undefined) { onClick(e); return; }
                var bounds = L.latLngBounds(unproject(c.x0, c.y1), unproject(c.x1, c.y0));
                var z = map.getBoundsZoom(bounds);
                map.setView(bounds.getCenter(), Math.max(z, Math.round(map.getZoom()) + 1));
            });
            group.on("add", function () { map.on("moveend", refresh); refresh(); });
            group.on("remove", function () { map.off("moveend", refresh); });
            var fill = function (data) {
                d = data;
                p = d.p;
                n = p.length / {{ this.fields }};
                styles = d.colors.map(styleOf);
                project();
                refresh();
                markLoaded(n);
            };
            {%- else %}
            var group = L.markerClusterGroup({
                chunkedLoading: true,
                chunkInterval: 150,
                chunkDelay: 20,
                chunkProgress: function (done, total) {
                    if (done === total && total === n) { markLoaded(total); }
                },
                showCoverageOnHover: false,
                spiderfyOnMaxZoom: true,
                removeOutsideVisibleBounds: true,
                maxClusterRadius: 60,
                // Clusters are computed for every zoom level between the map's minZoom and
                // this one, so both bound the work; from zoom 18 (street level) points stand
                // alone.
                disableClusteringAtZoom: 18,
                iconCreateFunction: function (cluster) {
                    return clusterIcon(cluster.getChildCount());
                }
            });
            group.on("click", onClick);
            // Add the points once the group is on the map: addLayers on a group off the map
            // checks every marker against all queued ones (quadratic), on the map it clusters
            // in chunks without blocking the page.
            var load = function () {
                if (!markers || !group._map) { return; }
                var all = markers;
                markers = null;
                if (!all.length) { markLoaded(0); return; }
                group.addLayers(all);
            };
            group.on("add", load);
            var fill = function (data) {
                d = data;
                p = d.p;
                n = p.length / {{ this.fields }};
                var styles = d.colors.map(styleOf);
                var all = new Array(n);
                for (var i = 0, j = 0; i < n; i++, j += {{ this.fields }}) {
                    var marker = L.circleMarker(
                        [(d.lat0 + p[j]) / 1e5, (d.lon0 + p[j + 1]) / 1e5], styles[p[j + 2]]);
                    marker._petaUmkm = i;
                    all[i] = marker;
                }
                markers = all;
                load();
            };
            {%- endif %}
            {%- if this.payload_url %}
            // The points come as a cacheable file, fetched once (same origin, immutable).
            fetch({{ this.url_json }}, {credentials: "same-origin"})
                .then(function (r) {
                    if (!r.ok) { throw new Error("HTTP " + r.status); }
                    return r.json();
                })
                .then(fill)
                .catch(function (err) {
                    map.getContainer().setAttribute(
                        "data-umkm-error", String((err && err.message) || err));
                });
            {%- else %}
            fill({{ "null" if this._placeholder else this.payload_json }});
            {%- endif %}
            {%- if this.show %}
            group.addTo(map);
            {%- endif %}
            return group;
        })({{ this.map_name }});
        {% endmacro %}
        """
    )

    default_js = _cdn(("markerclusterjs",))
    default_css = _cdn(("markerclustercss",))

    def __init__(self, payload: dict[str, Any], *, name: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "UmkmClusterLayer"
        self._placeholder = False
        self.payload: dict[str, Any] | None = payload
        self.payload_url: str | None = None
        self.fields = _POINT_FIELDS
        self._n_points = len(payload["p"]) // _POINT_FIELDS
        self._personal = "personal" in payload
        self.inactive = bool(payload.get("inactive"))
        # Clustering: Leaflet.markercluster (distance-based, spiderfies) up to
        # GRID_MIN_POINTS points, the grid above (see the class docstring).
        self.grid = self._n_points >= GRID_MIN_POINTS
        self.cell_px = GRID_CELL_PX
        # The few options the script needs before (or without) the data.
        self.options_json = _json({"inactive": self.inactive, "locale": payload.get("locale")})
        # The attribute set on the map's container once every point is clustered.
        attr = "data-umkm-nonaktif-loaded" if self.inactive else "data-umkm-loaded"
        self.loaded_attr_json = _json(attr)
        self.map_name = ""
        self.default_js = list(type(self).default_js)
        self.default_css = list(type(self).default_css)

    @property
    def payload_json(self) -> str:
        """The payload as script-safe JSON (the inline form)."""
        if self.payload is None:
            raise ValueError("the payload was handed off with fetch_from(); it has no inline form")
        return _json(self.payload)

    @property
    def url_json(self) -> str:
        """The payload's URL as script-safe JSON (after :meth:`fetch_from`)."""
        return _json(self.payload_url)

    @property
    def n_points(self) -> int:
        """Number of points in the layer."""
        return self._n_points

    @property
    def has_personal(self) -> bool:
        """Whether the payload carries personal fields (``pemilik``, ``telepon``, ``alamat``)."""
        return self._personal

    def payload_bytes(self) -> bytes:
        """Return the payload as the UTF-8 JSON document the browser fetches.

        The same inert JSON as the inline form (no ``<``, ``>`` or ``&``), so even a browser
        that ignored its ``application/json`` type would find no markup in it.

        Returns
        -------
        bytes
            Compact JSON; ``json.loads`` gives the payload back.
        """
        return self.payload_json.encode("utf-8")

    def fetch_from(self, url: str) -> None:
        """Make the map fetch the payload from ``url`` instead of carrying it.

        The layer then drops its payload (a copy of the map stays small) and its script holds
        only ``url``. Serve :meth:`payload_bytes` there first (``web.point_payloads``).

        Parameters
        ----------
        url
            Root-absolute path (``/peta-data/...``) or ``http(s)://`` URL of the payload.
        """
        if not (url.startswith("/") or re.match(r"https?://", url)):
            raise ValueError(f"payload URL must be root-absolute or http(s); got {url!r}")
        self.payload_url = url
        self.payload = None

    def render(self, **kwargs: Any) -> None:
        """Render into the figure, the megabytes of point data without a template pass.

        branca wraps each rendered script in a new ``Element``, i.e. compiles it as a Jinja
        template: seconds for a few megabytes of data. So the usual render (links, add-to-map)
        runs with an empty data placeholder, and the real script then replaces it as raw text.
        streamlit-folium, which renders the ``script`` macro itself, gets the full script.
        """
        parent = self._parent
        while parent is not None and not isinstance(parent, folium.Map):
            parent = parent._parent
        if parent is None:
            raise ValueError("UmkmClusterLayer must be added to a folium.Map")
        self.map_name = parent.get_name()
        self._placeholder = True
        try:
            super().render(**kwargs)
        finally:
            self._placeholder = False
        script = self._template.module.script(self, kwargs)
        self.get_root().script.add_child(_RawText(script), name=self.get_name())


def point_layers(m: folium.Map) -> list[UmkmClusterLayer]:
    """Return the :class:`UmkmClusterLayer` elements of a map, in drawing order.

    Parameters
    ----------
    m
        A map from :func:`build_map` (or any folium map).

    Returns
    -------
    list of UmkmClusterLayer
        The point layers (active first, then inactive when drawn as a layer of their own).
    """
    return [e for e in _elements(m) if isinstance(e, UmkmClusterLayer)]


def _inactive_name(lang: str) -> str:
    """Name of the layer (and legend entry) of inactive UMKM, e.g. "UMKM · Tidak aktif"."""
    status = i18n.category_label("status", "tidak_aktif", lang)
    return f"{_tr('map.layer.umkm', lang)} · {status}"


def split_inactive(umkm: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split register rows into active and inactive businesses.

    Parameters
    ----------
    umkm
        Register rows; a row counts as active when its ``status`` is :data:`ACTIVE_STATUS` or
        missing (a frame without ``status`` is all active).

    Returns
    -------
    tuple of DataFrame
        ``(active, inactive)``, each in the order and with the columns (and CRS) of ``umkm``.
    """
    if "status" not in umkm.columns:
        return umkm, umkm.iloc[0:0]
    status = umkm["status"].astype("string")
    active = (status == ACTIVE_STATUS).fillna(True).to_numpy(dtype=bool)
    return umkm[active], umkm[~active]


def _column(rows: pd.DataFrame, name: str) -> pd.Series:
    """Return a column as strings, or all missing when the frame lacks it."""
    if name in rows.columns:
        return rows[name].astype("string")
    return pd.Series(pd.NA, index=rows.index, dtype="string")


def _codes(values: pd.Series, categories: list[str]) -> np.ndarray:
    """Index of each value in ``categories``; -1 for missing or unknown values."""
    return pd.Categorical(values, categories=categories).codes.astype("int64")


def add_umkm(
    m: folium.Map,
    *,
    umkm: pd.DataFrame,
    kelurahan: gpd.GeoDataFrame,
    name: str,
    show_personal: bool = False,
    point_ids: bool = False,
    lang: str = "id",
    inactive: bool = False,
) -> UmkmClusterLayer:
    """Add the UMKM points, clustered in the browser, coloured by sector.

    Never one Python marker per point: the points go to the page as one compact array
    (:class:`UmkmClusterLayer`), rounded to 1e-5 degree (about 1.1 m).

    Parameters
    ----------
    m
        The map.
    umkm
        Register rows to draw (``lat``/``lon`` in EPSG:4326, ``nama_usaha``, ``sektor``,
        ``skala``, ``kode_kelurahan``); rows without coordinates are skipped.
    kelurahan
        Kelurahan layer, for the names in the popups.
    name
        Layer name in the layer control.
    show_personal
        Put ``pemilik``, ``telepon`` and ``alamat`` into the popups. When False these columns
        are not read at all and appear nowhere in the HTML.
    point_ids
        Send each point's ``id`` too (reported on click as ``last_active_drawing``).
    lang
        Language of the popups.
    inactive
        The rows are inactive businesses: draw them differently (see
        :class:`UmkmClusterLayer`).

    Returns
    -------
    UmkmClusterLayer
        The layer.
    """
    rows = umkm[umkm["lat"].notna() & umkm["lon"].notna()]
    lat = np.round(rows["lat"].to_numpy(dtype="float64") * 1e5).astype("int64")
    lon = np.round(rows["lon"].to_numpy(dtype="float64") * 1e5).astype("int64")
    lat0 = int(lat.min()) if len(lat) else 0
    lon0 = int(lon.min()) if len(lon) else 0
    sector_codes = list(SECTORS)
    sector = _codes(_column(rows, "sektor"), sector_codes)
    sector[sector < 0] = sector_codes.index("lainnya")
    skala = _codes(_column(rows, "skala"), list(SIZE_CLASSES))
    kel_kode = kelurahan["kode"].astype(str).tolist()
    kel = _codes(_column(rows, "kode_kelurahan"), kel_kode)
    flat = np.column_stack([lat - lat0, lon - lon0, sector, skala, kel]).ravel()
    names = _column(rows, "nama_usaha").fillna("").tolist()
    payload: dict[str, Any] = {
        "lat0": lat0,
        "lon0": lon0,
        "p": flat.tolist(),
        "names": names,
        "sector_codes": sector_codes,
        "sectors": [i18n.category_label("sektor", c, lang) for c in sector_codes],
        "colors": [SECTOR_COLORS[c] for c in sector_codes],
        "skala": [i18n.category_label("skala", c, lang) for c in SIZE_CLASSES],
        "kel": kelurahan["nama"].astype(str).tolist(),
        "kel_kode": kel_kode,
        "locale": "en-US" if i18n.normalize_lang(lang) == "en" else "id-ID",
        "f": {key: _tr(f"map.field.{key}", lang) for key in ("sektor", "skala", "kelurahan")},
    }
    if inactive:
        payload["inactive"] = True
        payload["status_label"] = i18n.category_label("status", "tidak_aktif", lang)
    if point_ids and "id" in rows.columns:
        payload["ids"] = rows["id"].astype("string").fillna("").tolist()
    if show_personal:
        payload["personal"] = [
            [_tr(f"map.field.{col}", lang), rows[col].astype("string").fillna("").tolist()]
            for col in PERSONAL_COLUMNS
            if col in rows.columns
        ]
    layer = UmkmClusterLayer(payload, name=name)
    layer.add_to(m)
    return layer


# --------------------------------------------------------------------------------------------
# Legend and styles
# --------------------------------------------------------------------------------------------
_CSS = """
<style>
.peta-umkm-table { border-collapse: collapse; margin-top: 2px; font-size: 12px; }
.peta-umkm-table th { text-align: left; font-weight: normal; color: #555; padding: 1px 8px 1px 0;
  vertical-align: top; }
.peta-umkm-table td { padding: 1px 0; }
.marker-cluster.peta-umkm-cluster { border-radius: 50%; background: rgba(49, 130, 189, 0.3); }
.marker-cluster.peta-umkm-cluster div { width: calc(100% - 8px); height: calc(100% - 8px);
  margin: 4px; border-radius: 50%; display: flex; align-items: center; justify-content: center;
  background: rgba(49, 130, 189, 0.9); color: #fff; font: 600 11px/1 sans-serif; }
.marker-cluster.peta-umkm-cluster-medium { background: rgba(8, 81, 156, 0.3); }
.marker-cluster.peta-umkm-cluster-medium div { background: rgba(8, 81, 156, 0.9); }
.marker-cluster.peta-umkm-cluster-large { background: rgba(8, 48, 107, 0.3); }
.marker-cluster.peta-umkm-cluster-large div { background: rgba(8, 48, 107, 0.9); }
.marker-cluster.peta-umkm-cluster-nonaktif { background: rgba(115, 115, 115, 0.25); }
.marker-cluster.peta-umkm-cluster-nonaktif div { background: rgba(255, 255, 255, 0.9);
  color: #525252; border: 2px dashed #737373; box-sizing: border-box; }
.peta-umkm-legend details.sektor { margin-top: 4px; }
.peta-umkm-legend details.sektor summary { font-weight: 600; font-size: 12px; }
.peta-sentra-icon { width: 22px; height: 22px; border-radius: 50%; border: 2px solid #fff;
  box-shadow: 0 0 0 1px #333; color: #fff; font: 15px/20px sans-serif; text-align: center; }
.peta-umkm-legend { background: rgba(255, 255, 255, 0.92); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.3); font: 12px/1.35 sans-serif; max-height: 60vh;
  overflow-y: auto; }
.peta-umkm-legend summary { font-weight: 600; cursor: pointer; }
.peta-umkm-legend h4 { margin: 6px 0 2px; font-size: 12px; }
.peta-umkm-legend i { display: inline-block; width: 12px; height: 12px; margin-right: 6px;
  vertical-align: -2px; border: 1px solid rgba(0, 0, 0, 0.25); }
.peta-umkm-legend i.dot { border-radius: 50%; }
.peta-umkm-legend i.nodata { background: #d9d9d9; border: 1px dashed #969696; }
.peta-umkm-legend i.flag { background: transparent; border: 2px dashed #d62728; }
.peta-umkm-legend i.nonaktif { background: #fff; border: 2px dashed #737373; }
</style>
"""


class Legend(folium.elements.MacroElement):
    """The map legend as a Leaflet control (bottom right), collapsible.

    Parameters
    ----------
    html_body
        Escaped HTML of the legend's content.
    classes
        The choropleth classes shown (None without a choropleth); kept for tests and pages.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "peta-umkm-legend");
                div.innerHTML = {{ this.html_json }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_body: str, *, classes: ChoroplethClasses | None = None) -> None:
        super().__init__()
        self._name = "Legend"
        self.html_body = html_body
        self.html_json = _json(html_body)
        self.classes = classes
        self.css = _CSS


def add_legend(
    m: folium.Map,
    *,
    sectors: bool = True,
    classes: ChoroplethClasses | None = None,
    metric: str | None = None,
    flagged: bool = False,
    sentra: bool = False,
    lang: str = "id",
    inactive: bool = False,
) -> Legend:
    """Add the legend: sector colours, choropleth classes (with "tidak ada data"), symbols.

    Parameters
    ----------
    m
        The map.
    sectors
        Show the sector colours of the UMKM points.
    classes
        Choropleth classes to show, with a "no data" entry; None for no choropleth.
    metric
        The choropleth's metric (its title).
    flagged
        Show the flagged-kelurahan symbol.
    sentra
        Show the sentra symbol.
    lang
        Language.
    inactive
        Show the symbol of inactive businesses (hollow dashed circle).

    Returns
    -------
    Legend
        The legend element (its ``classes`` are the classes shown).
    """
    parts = [f"<details open><summary>{html.escape(_tr('map.legend.title', lang))}</summary>"]
    if classes is not None and metric is not None:
        parts.append(f"<h4>{html.escape(_tr(f'map.metric.{metric}', lang))}</h4>")
        for color, label, upper in zip(
            classes.colors, classes.labels(lang), classes.bins, strict=True
        ):
            parts.append(
                f'<div class="kelas" data-upper="{upper!r}"><i style="background:{color}">'
                f"</i>{html.escape(label)}</div>"
            )
        parts.append(
            f'<div class="kelas-nodata"><i class="nodata"></i>'
            f"{html.escape(_tr('map.legend.no_data', lang))}</div>"
        )
    if flagged:
        parts.append(
            f'<div><i class="flag"></i>{html.escape(_tr("map.legend.flagged", lang))}</div>'
        )
    if sentra:
        parts.append(
            '<div><i class="dot" style="background:#555;border:2px solid #fff;'
            'box-shadow:0 0 0 1px #333"></i>'
            f"{html.escape(_tr('map.legend.sentra', lang))} &#9733;</div>"
        )
    if sectors:
        parts.append(
            '<div><i class="dot" style="background:#08519c"></i>'
            f"{html.escape(_tr('map.legend.cluster', lang))}</div>"
        )
    if inactive:
        parts.append(
            '<div class="nonaktif"><i class="dot nonaktif"></i>'
            f"{html.escape(_inactive_name(lang))}</div>"
        )
    if sectors:
        # The sector colours fold away (closed at first) so the legend stays short.
        parts.append(
            f'<details class="sektor"><summary>{html.escape(_tr("map.legend.sectors", lang))}'
            "</summary>"
        )
        for code, color in SECTOR_COLORS.items():
            label = i18n.category_label("sektor", code, lang)
            parts.append(
                f'<div><i class="dot" style="background:{color}"></i>{html.escape(label)}</div>'
            )
        parts.append("</details>")
    parts.append("</details>")
    legend = Legend("".join(parts), classes=classes)
    legend.add_to(m)
    return legend


# --------------------------------------------------------------------------------------------
# The page's map
# --------------------------------------------------------------------------------------------
def build_map(
    *,
    kelurahan: gpd.GeoDataFrame,
    kecamatan: gpd.GeoDataFrame | None,
    umkm: pd.DataFrame | None,
    sentra: pd.DataFrame | None,
    coverage: pd.DataFrame | None = None,
    options: MapOptions | None = None,
) -> folium.Map:
    """Build the map of the page: boundaries, choropleth, flags, sentra and UMKM points.

    Parameters
    ----------
    kelurahan
        Kelurahan polygons (EPSG:4326) with ``kode``, ``nama``, ``kecamatan``, as from
        :func:`geo.wilayah.kelurahan`.
    kecamatan
        Kecamatan polygons (EPSG:4326) with ``kode`` and ``nama``, as from
        :func:`geo.wilayah.kecamatan`; None dissolves them from ``kelurahan``.
    umkm
        Register rows to draw as points (filter before), or None. Rows whose ``status`` is not
        ``"aktif"`` are drawn, hidden or put in a layer of their own by ``options.inactive``.
    sentra
        Sentra to mark (:data:`geo.core.register.SENTRA_COLUMNS`, optional ``jumlah_umkm``), or
        None.
        Sentra with ``publik`` false are shown only with ``options.show_personal`` (internal
        view).
    coverage
        One row per kelurahan (kode in ``kode_kelurahan`` or ``kode``) with ``umkm_aktif``,
        ``sahabat_aktif``, ``umkm_per_km2``, ``umkm_per_sahabat`` (NaN where undefined),
        ``flagged`` and ``alasan``; None draws no choropleth and no flags.
    options
        Metric, basemap, personal fields, assets, view, language and point ids
        (:class:`MapOptions`; its defaults when None).

    Returns
    -------
    folium.Map
        The map; ``m.get_root().render()`` gives the HTML, ``st_folium(m, ...)`` shows it.
    """
    o = MapOptions() if options is None else options
    if o.metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {o.metric!r}")
    if o.inactive not in ("draw", "hide", "layer"):
        raise ValueError(f"inactive must be one of draw, hide, layer; got {o.inactive!r}")
    offline = settings.offline_assets() if o.offline is None else o.offline
    if kecamatan is None:
        from geo import wilayah

        kecamatan = wilayah.kecamatan(kelurahan)

    minx, miny, maxx, maxy = kelurahan.total_bounds
    location = o.center if o.center is not None else ((miny + maxy) / 2, (minx + maxx) / 2)
    m = folium.Map(
        location=location,
        zoom_start=o.zoom if o.zoom is not None else 12,
        tiles=None,
        control_scale=True,
        minZoom=MIN_ZOOM,
        maxZoom=MAX_ZOOM,
    )
    # Only what this map uses (no jQuery, Bootstrap or Font Awesome).
    m.default_js = _cdn(_MAP_JS)
    m.default_css = _cdn(_MAP_CSS)
    add_basemap(m, basemap=o.basemap)
    add_attribution(m, text=attribution(kelurahan))
    _add_page_layers(
        m,
        kelurahan=kelurahan,
        kecamatan=kecamatan,
        umkm=umkm,
        sentra=sentra,
        coverage=coverage,
        options=o,
    )
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    if o.center is None:
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    if offline:
        localize_assets(m, asset_base_url=o.asset_base_url, inline=o.inline)
    elif o.inline:
        warnings.warn("inline=True has no effect without offline=True", stacklevel=2)
    return m


def _add_page_layers(
    m: folium.Map,
    *,
    kelurahan: gpd.GeoDataFrame,
    kecamatan: gpd.GeoDataFrame,
    umkm: pd.DataFrame | None,
    sentra: pd.DataFrame | None,
    coverage: pd.DataFrame | None,
    options: MapOptions,
) -> None:
    """Add the layers and the legend of :func:`build_map` to ``m``, bottom to top."""
    o = options
    lang = o.lang
    names = layer_names(lang)
    properties = _kelurahan_properties(
        kelurahan, coverage, umkm, o.metric if coverage is not None else None, lang=lang
    )
    classes = None
    if coverage is not None:
        classes = add_choropleth(
            m, kelurahan=kelurahan, properties=properties, metric=o.metric, name=names[o.metric]
        )
    add_kelurahan(m, kelurahan=kelurahan, properties=properties, name=names["kelurahan"])
    add_kecamatan(m, kecamatan=kecamatan, coverage=coverage, name=names["kecamatan"], lang=lang)
    flagged = None
    if coverage is not None:
        flagged = add_flagged(
            m, kelurahan=kelurahan, properties=properties, name=names["flagged"], lang=lang
        )
    sentra_layer = None
    if sentra is not None and not sentra.empty:
        sentra_layer = add_sentra(
            m,
            sentra=sentra,
            umkm=umkm,
            name=names["sentra"],
            lang=lang,
            include_non_public=o.show_personal,
        )
    has_points, has_inactive = _add_points(m, umkm=umkm, kelurahan=kelurahan, options=o)
    add_legend(
        m,
        sectors=has_points or has_inactive,
        classes=classes,
        metric=o.metric if classes is not None else None,
        flagged=flagged is not None,
        sentra=sentra_layer is not None,
        lang=lang,
        inactive=has_inactive,
    )


def _add_points(
    m: folium.Map,
    *,
    umkm: pd.DataFrame | None,
    kelurahan: gpd.GeoDataFrame,
    options: MapOptions,
) -> tuple[bool, bool]:
    """Add the UMKM point layers of :func:`build_map` as ``options.inactive`` asks.

    Returns
    -------
    tuple of bool
        Whether a layer of points was added, and whether a layer of inactive ones was.
    """
    if umkm is None or umkm.empty:
        return False, False
    o = options
    if o.inactive == "draw":
        active, inactive = umkm, umkm.iloc[0:0]
    else:
        active, inactive = split_inactive(umkm)
        if o.inactive == "hide":
            inactive = inactive.iloc[0:0]
    common: dict[str, Any] = {
        "kelurahan": kelurahan,
        "show_personal": o.show_personal,
        "point_ids": o.point_ids,
        "lang": o.lang,
    }
    if not active.empty:
        add_umkm(m, umkm=active, name=layer_names(o.lang)["umkm"], **common)
    if not inactive.empty:
        add_umkm(m, umkm=inactive, name=_inactive_name(o.lang), inactive=True, **common)
    return not active.empty, not inactive.empty


def clicked_kelurahan(state: Mapping[str, Any] | None) -> str | None:
    """Return the kode of the kelurahan the user clicked, from ``st_folium``'s return value.

    streamlit-folium puts the clicked feature (``layer.toGeoJSON()``) into
    ``last_active_drawing``; the kelurahan, choropleth and flagged layers carry ``kode`` in its
    properties. A click on a UMKM point, a sentra or the kecamatan outline gives None.

    Parameters
    ----------
    state
        The dict returned by ``st_folium(..., returned_objects=RETURNED_OBJECTS)``, or None.

    Returns
    -------
    str or None
        The kelurahan kode (``35.73.KK.LLLL``), or None.
    """
    if not state:
        return None
    feature = state.get("last_active_drawing")
    if not isinstance(feature, Mapping):
        return None
    props = feature.get("properties")
    if not isinstance(props, Mapping) or props.get("layer") not in CLICKABLE_LAYERS:
        return None
    kode = props.get("kode")
    return kode if isinstance(kode, str) and re.fullmatch(r"35\.73\.\d{2}\.\d{4}", kode) else None
