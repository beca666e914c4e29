"""The page's folium map: compact points, privacy, attribution, legend, flags, offline assets.

Fast and offline: maps are rendered to HTML strings and searched; no browser, no network.
"""

from __future__ import annotations

import hashlib
import json
import re

import folium
import folium.plugins
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import wilayah
from geo.core import settings
from geo.core.register import SECTORS, SIZE_CLASSES, to_geodataframe
from geo.render import mapview

N_POINTS = 1_000
CDN_MARKERS = ("cdn.jsdelivr", "unpkg", "cdnjs", "code.jquery", "netdna", "bootstrapcdn")
OWNER = "Pemilik Contoh 000042"
PHONE = "+62800000042"
HOME = "Jl. Rahasia Contoh No. 42"
REASON = "tidak ada Sahabat UMKM aktif untuk 512 UMKM"


def _points_in(kel: gpd.GeoDataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` random points inside the kelurahan, kelurahan chosen by area."""
    areas = kel["area_km2"].to_numpy()
    which = rng.choice(len(kel), size=n, p=areas / areas.sum())
    lon = np.empty(n)
    lat = np.empty(n)
    for i, geom in enumerate(kel.geometry):
        sel = np.flatnonzero(which == i)
        minx, miny, maxx, maxy = geom.bounds
        found = np.empty((0, 2))
        while len(found) < len(sel):
            x = rng.uniform(minx, maxx, 4 * len(sel) + 8)
            y = rng.uniform(miny, maxy, 4 * len(sel) + 8)
            inside = shapely.contains_xy(geom, x, y)
            found = np.vstack([found, np.column_stack([x[inside], y[inside]])])
        lon[sel], lat[sel] = found[: len(sel), 0], found[: len(sel), 1]
    return pd.DataFrame({"lon": lon, "lat": lat, "kode_kelurahan": kel["kode"].to_numpy()[which]})


@pytest.fixture(scope="module")
def kel() -> gpd.GeoDataFrame:
    return wilayah.kelurahan()


@pytest.fixture(scope="module")
def kec(kel: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return wilayah.kecamatan(kel)


@pytest.fixture(scope="module")
def umkm(kel: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(35_73)
    df = _points_in(kel, N_POINTS, rng)
    ids = np.arange(N_POINTS)
    df["id"] = [f"UMKM-{i:06d}" for i in ids]
    df["nama_usaha"] = [f"Usaha Contoh {i:06d}" for i in ids]
    df["pemilik"] = [f"Pemilik Contoh {i:06d}" for i in ids]
    df["telepon"] = [f"+62800{i:06d}" for i in ids]
    df["alamat"] = [f"Jl. Rahasia Contoh No. {i}" for i in ids]
    df["sektor"] = rng.choice(list(SECTORS), N_POINTS)
    df["skala"] = rng.choice(list(SIZE_CLASSES), N_POINTS)
    df["status"] = "aktif"
    return to_geodataframe(df)


@pytest.fixture(scope="module")
def sentra() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["sanan-tempe", "rahasia"],
            "nama": ["Sentra Tempe Sanan", "Sentra Internal Contoh"],
            "komoditas": ["tempe, keripik tempe", "uji"],
            "sektor": ["kuliner", "kriya"],
            "kode_kelurahan": ["35.73.01.1007", "35.73.02.1001"],
            "alamat": ["Kampung Sanan, Kel. Purwantoro", "Jl. Internal"],
            "lat": [-7.96090, -7.97],
            "lon": [112.64351, 112.63],
            "presisi_lokasi": ["jalan", "kelurahan"],
            "deskripsi": ["", ""],
            "publik": [True, False],
            "jumlah_umkm": [321, 5],
        }
    )


@pytest.fixture(scope="module")
def coverage(kel: gpd.GeoDataFrame, umkm: gpd.GeoDataFrame) -> pd.DataFrame:
    counts = umkm.groupby("kode_kelurahan").size().reindex(kel["kode"]).fillna(0).to_numpy()
    sahabat = np.arange(len(kel)) % 4  # every fourth kelurahan has none
    cov = pd.DataFrame(
        {
            "kode_kelurahan": kel["kode"].to_numpy(),
            "umkm_aktif": counts.astype("int64"),
            "sahabat_aktif": sahabat,
            "umkm_per_km2": counts / kel["area_km2"].to_numpy(),
        }
    )
    cov["umkm_per_sahabat"] = np.where(sahabat > 0, counts / np.maximum(sahabat, 1), np.nan)
    cov["flagged"] = sahabat == 0
    cov["alasan"] = np.where(sahabat == 0, REASON, None)
    return cov


def _build(kel, kec, umkm, sentra, coverage=None, **options) -> folium.Map:
    options.setdefault("offline", False)
    return mapview.build_map(
        kelurahan=kel,
        kecamatan=kec,
        umkm=umkm,
        sentra=sentra,
        coverage=coverage,
        options=mapview.MapOptions(**options),
    )


def _html(m: folium.Map) -> str:
    return m.get_root().render()


def _elements(m: folium.Map, cls: type) -> list:
    return [e for e in mapview._elements(m) if isinstance(e, cls)]


def _geojson_layers(m: folium.Map) -> dict[str, dict]:
    """The GeoJSON data of each layer of the map, keyed by the ``layer`` property."""
    out = {}
    for layer in _elements(m, folium.GeoJson):
        features = layer.data["features"]
        out[features[0]["properties"]["layer"]] = layer.data
    return out


@pytest.fixture(scope="module")
def page_map(kel, kec, umkm, sentra, coverage) -> folium.Map:
    return _build(kel, kec, umkm, sentra, coverage, metric="umkm_per_sahabat")


@pytest.fixture(scope="module")
def page_html(page_map: folium.Map) -> str:
    return _html(page_map)


# --- points ---------------------------------------------------------------------------------
def test_points_travel_as_one_compact_array(page_map, page_html, umkm):
    (layer,) = _elements(page_map, mapview.UmkmClusterLayer)
    assert layer.n_points == N_POINTS
    payload = layer.payload
    assert len(payload["p"]) == 5 * N_POINTS
    assert all(isinstance(v, int) for v in payload["p"])
    # Rounded to 1e-5 degree: the first point comes back within 0.6e-5.
    lat = (payload["lat0"] + payload["p"][0]) / 1e5
    lon = (payload["lon0"] + payload["p"][1]) / 1e5
    assert abs(lat - umkm["lat"].iloc[0]) <= 0.6e-5
    assert abs(lon - umkm["lon"].iloc[0]) <= 0.6e-5
    sector = list(SECTORS)[payload["p"][2]]
    assert sector == umkm["sektor"].iloc[0]
    assert '"p":[' in page_html
    assert "Usaha Contoh 000999" in page_html
    assert "L.markerClusterGroup(" in page_html
    assert "chunkedLoading: true" in page_html


def test_no_python_marker_per_point(kel, kec, sentra, coverage, page_map, page_html):
    public_sentra = int(sentra["publik"].sum())
    assert len(_elements(page_map, folium.Marker)) == public_sentra
    assert page_html.count("L.marker(") == public_sentra
    assert page_html.count("L.circleMarker(") == 1  # the one in the JavaScript loop
    without_points = _html(_build(kel, kec, None, sentra, coverage, metric="umkm_per_sahabat"))
    per_point = (len(page_html) - len(without_points)) / N_POINTS
    assert per_point < 60  # offsets, indexes and the business name


def test_point_ids_only_when_asked(kel, kec, umkm, sentra, page_html):
    assert "UMKM-000042" not in page_html
    html = _html(_build(kel, kec, umkm, sentra, point_ids=True))
    assert "UMKM-000042" in html


def test_rows_without_coordinates_are_skipped(kel, kec, umkm, sentra):
    rows = umkm.copy()
    rows.loc[rows.index[:10], "lat"] = np.nan
    m = _build(kel, kec, rows, sentra)
    (layer,) = _elements(m, mapview.UmkmClusterLayer)
    assert layer.n_points == N_POINTS - 10


def test_sector_colors_cover_every_sector():
    assert list(mapview.SECTOR_COLORS) == list(SECTORS)
    assert len(set(mapview.SECTOR_COLORS.values())) == len(SECTORS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in mapview.SECTOR_COLORS.values())


# --- privacy --------------------------------------------------------------------------------
def test_personal_fields_absent_unless_asked(kel, kec, umkm, sentra, coverage, page_html):
    for secret in (OWNER, PHONE, HOME, "Sentra Internal Contoh"):
        assert secret not in page_html
    assert "Pemilik Contoh" not in page_html
    private = _html(_build(kel, kec, umkm, sentra, coverage, show_personal=True))
    for secret in (OWNER, PHONE, HOME, "Sentra Internal Contoh"):
        assert secret in private


def test_personal_columns_are_not_needed(kel, kec, umkm, sentra):
    public = umkm.drop(columns=["pemilik", "telepon", "alamat"])
    html = _html(_build(kel, kec, public, sentra))
    assert "Usaha Contoh 000042" in html


# --- attribution ----------------------------------------------------------------------------
@pytest.mark.parametrize(("basemap", "credit"), [("osm", "OpenStreetMap"), ("light", "CARTO")])
def test_attribution(kel, kec, umkm, sentra, basemap, credit):
    html = _html(_build(kel, kec, umkm, sentra, basemap=basemap))
    assert settings.UPSTREAM_ATTRIBUTION in html
    assert "attributionControl.addAttribution" in html
    assert credit in html
    assert "openstreetmap.org/copyright" in html


def test_no_basemap_still_credits_boundaries(kel, kec, umkm, sentra):
    html = _html(_build(kel, kec, umkm, sentra, basemap="none"))
    assert settings.UPSTREAM_ATTRIBUTION in html
    assert "L.tileLayer(" not in html


# --- choropleth and legend ------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:Numba not installed")
@pytest.mark.parametrize("metric", mapview.METRICS)
def test_legend_classes_equal_mapclassify_bins(kel, kec, umkm, sentra, coverage, metric):
    m = _build(kel, kec, umkm, sentra, coverage, metric=metric)
    (legend,) = _elements(m, mapview.Legend)
    values = coverage[metric].to_numpy(dtype="float64")
    expected = mapclassify.FisherJenks(values[np.isfinite(values)], k=5).bins
    assert legend.classes is not None
    np.testing.assert_allclose(legend.classes.bins, expected)
    html = _html(m)
    # The legend's HTML sits in a JSON string: its quotes are escaped.
    uppers = [float(v) for v in re.findall(r'data-upper=\\"([^"\\]+)\\"', html)]
    np.testing.assert_allclose(uppers, expected)
    for color in mapview.CHOROPLETH_COLORS[5]:
        assert color in html


def test_classification_is_deterministic(coverage):
    a = mapview.classify_metric(coverage["umkm_per_km2"])
    b = mapview.classify_metric(coverage["umkm_per_km2"].to_numpy())
    assert a.bins == b.bins
    np.testing.assert_array_equal(a.classes, b.classes)


def test_few_distinct_values_give_fewer_classes():
    classes = mapview.classify_metric(np.array([1.0, 1.0, 2.0, np.nan]))
    assert classes.bins == (1.0, 2.0)
    assert classes.classes.tolist() == [0, 0, 1, -1]
    empty = mapview.classify_metric(np.array([np.nan, np.nan]))
    assert empty.bins == ()
    assert empty.classes.tolist() == [-1, -1]


def test_missing_metric_gets_no_data_style(page_map, page_html, coverage):
    layers = _geojson_layers(page_map)
    no_sahabat = set(coverage.loc[coverage["sahabat_aktif"] == 0, "kode_kelurahan"])
    for feature in layers["choropleth"]["features"]:
        props = feature["properties"]
        if props["kode"] in no_sahabat:
            assert props["kelas"] == -1
            assert props["fill"] == mapview.NO_DATA_COLOR
        else:
            assert props["kelas"] >= 0
            assert props["fill"] != mapview.NO_DATA_COLOR
    assert "tidak ada data" in page_html
    assert mapview.NO_DATA_COLOR in page_html


def test_kelurahan_without_coverage_row_is_no_data(kel, kec, umkm, sentra, coverage):
    partial = coverage.iloc[5:]
    m = _build(kel, kec, umkm, sentra, partial, metric="umkm_aktif")
    layers = _geojson_layers(m)
    missing = set(coverage["kode_kelurahan"].iloc[:5])
    for feature in layers["choropleth"]["features"]:
        if feature["properties"]["kode"] in missing:
            assert feature["properties"]["kelas"] == -1


def test_legend_lists_sectors(page_html):
    for sector in SECTORS.values():
        assert sector.label_id in page_html


# --- flags ----------------------------------------------------------------------------------
def test_flagged_layer_with_reason(page_map, page_html, coverage):
    layers = _geojson_layers(page_map)
    flagged = layers["flagged"]["features"]
    assert {f["properties"]["kode"] for f in flagged} == set(
        coverage.loc[coverage["flagged"], "kode_kelurahan"]
    )
    assert all(f["properties"]["alasan"] == REASON for f in flagged)
    assert REASON in page_html
    assert mapview.FLAG_COLOR in page_html
    assert "Kelurahan ditandai" in page_html


def test_reason_text_is_escaped(kel, kec, umkm, sentra, coverage):
    cov = coverage.copy()
    cov.loc[cov["flagged"], "alasan"] = "<script>alert(1)</script> rasio > 300"
    html = _html(_build(kel, kec, umkm, sentra, cov))
    assert "<script>alert(1)" not in html


def test_no_flag_layer_without_flags(kel, kec, umkm, sentra, coverage):
    cov = coverage.assign(flagged=False)
    m = _build(kel, kec, umkm, sentra, cov)
    assert "flagged" not in _geojson_layers(m)


# --- boundaries and clicks ------------------------------------------------------------------
def test_kelurahan_features_carry_kode(page_map, kel):
    layers = _geojson_layers(page_map)
    for key in mapview.CLICKABLE_LAYERS:
        kodes = {f["properties"]["kode"] for f in layers[key]["features"]}
        assert kodes <= set(kel["kode"])
    assert [f["properties"]["kode"] for f in layers["kelurahan"]["features"]] == kel[
        "kode"
    ].tolist()
    assert len(layers["kecamatan"]["features"]) == 5


def test_tooltips_show_counts(page_map, coverage):
    layers = _geojson_layers(page_map)
    feature = layers["kelurahan"]["features"][1]
    row = coverage.iloc[1]
    assert feature["properties"]["umkm_aktif"] == row["umkm_aktif"]
    assert "UMKM aktif" in feature["properties"]["tooltip"]
    assert "Sahabat UMKM aktif" in feature["properties"]["tooltip"]
    kecamatan = layers["kecamatan"]["features"][0]["properties"]
    first = coverage["kode_kelurahan"].str.startswith(kecamatan["kode"] + ".")
    assert kecamatan["umkm_aktif"] == coverage.loc[first, "umkm_aktif"].sum()


def test_layers_are_toggleable(page_html):
    names = mapview.layer_names("id")
    for key in ("kecamatan", "kelurahan", "flagged", "sentra", "umkm", "umkm_per_sahabat"):
        assert json.dumps(names[key], ensure_ascii=False) in page_html
    assert "L.control.layers(" in page_html


def test_english_names(kel, kec, umkm, sentra, coverage):
    html = _html(_build(kel, kec, umkm, sentra, coverage, lang="en"))
    assert "Flagged kelurahan" in html
    assert "Food and drink" in html
    assert "no data" in html


def test_clicked_kelurahan():
    kode = "35.73.01.1007"
    assert mapview.clicked_kelurahan(None) is None
    assert mapview.clicked_kelurahan({"last_active_drawing": None}) is None
    for layer in mapview.CLICKABLE_LAYERS:
        state = {"last_active_drawing": {"properties": {"layer": layer, "kode": kode}}}
        assert mapview.clicked_kelurahan(state) == kode
    kecamatan = {"last_active_drawing": {"properties": {"layer": "kecamatan", "kode": kode[:8]}}}
    assert mapview.clicked_kelurahan(kecamatan) is None
    point = {"last_active_drawing": {"properties": {"layer": "umkm", "nama_usaha": "x"}}}
    assert mapview.clicked_kelurahan(point) is None


def test_streamlit_folium_can_extract_the_map(page_map):
    # streamlit-folium renders each element's script macro on its own and loads default_js
    # links itself; check both work on this map (no Streamlit server needed).
    from streamlit_folium import _get_header, generate_leaflet_string

    m = _build(
        wilayah.kelurahan(), None, page_map_umkm_sample(), None, offline=True, asset_base_url="/x/"
    )
    m.get_root().render()
    header = _get_header(m)
    script = generate_leaflet_string(m)
    assert "L.markerClusterGroup(" in script
    assert '"names":["A","B"]' in script  # the point data is in the script it runs
    assert "map_div" in script
    assert ".peta-umkm-legend" in header
    links = [
        url
        for e in mapview._elements(m)
        if isinstance(e, folium.elements.JSCSSMixin)
        for _, url in e.default_js
    ]
    assert links == ["/x/leaflet/leaflet.js", "/x/leaflet.markercluster/leaflet.markercluster.js"]


def page_map_umkm_sample() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lat": [-7.96, -7.97],
            "lon": [112.63, 112.64],
            "nama_usaha": ["A", "B"],
            "sektor": ["kuliner", "jasa"],
            "skala": ["mikro", "kecil"],
            "kode_kelurahan": ["35.73.02.1001", "35.73.02.1002"],
        }
    )


# --- sentra ---------------------------------------------------------------------------------
def test_sentra_popup(page_html):
    assert "Sentra Tempe Sanan" in page_html
    assert "tempe, keripik tempe" in page_html
    assert "Kampung Sanan, Kel. Purwantoro" in page_html
    assert "jalan (sekitar satu blok, belum diverifikasi)" in page_html
    assert "Jumlah UMKM" in page_html
    assert "fa-" not in page_html  # no Font Awesome icon


# --- assets ---------------------------------------------------------------------------------
def _assert_offline(html: str) -> None:
    for marker in CDN_MARKERS:
        assert marker not in html, marker


def test_online_map_links_only_what_it_uses(page_html):
    assert "cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js" in page_html
    assert "leaflet.markercluster@1.5.3" in page_html
    for unused in ("bootstrap", "font-awesome", "fontawesome", "jquery", "awesome-markers"):
        assert unused not in page_html.lower()


def test_offline_html_links_local_assets(kel, kec, umkm, sentra, coverage):
    html = _html(_build(kel, kec, umkm, sentra, coverage, offline=True))
    _assert_offline(html)
    base = mapview.DEFAULT_ASSET_BASE_URL
    assert f'src="{base}leaflet/leaflet.js"' in html
    assert f'src="{base}leaflet.markercluster/leaflet.markercluster.js"' in html
    assert f'href="{base}leaflet/leaflet.css"' in html
    assert f'href="{base}leaflet.markercluster/MarkerCluster.css"' in html


def test_offline_default_comes_from_settings(kel, kec, umkm, sentra, monkeypatch):
    monkeypatch.setenv("PETA_UMKM_OFFLINE_ASSETS", "1")
    html = _html(
        mapview.build_map(
            kelurahan=kel,
            kecamatan=kec,
            umkm=umkm,
            sentra=sentra,
            options=mapview.MapOptions(asset_base_url="static/"),
        )
    )
    _assert_offline(html)
    assert 'src="static/leaflet/leaflet.js"' in html


def test_inline_html_embeds_assets(kel, kec, umkm, sentra, coverage):
    html = _html(_build(kel, kec, umkm, sentra, coverage, offline=True, inline=True))
    _assert_offline(html)
    assert "<script src=" not in html
    assert '<link rel="stylesheet"' not in html
    assert "L.MarkerClusterGroup" in html  # the plugin's code itself
    assert "Leaflet 1.9.4" in html
    assert "data:image/png;base64," in html  # the CSS images
    assert mapview.DEFAULT_ASSET_BASE_URL not in html


def test_localize_assets_rewrites_folium_plugins():
    m = folium.Map(location=[-7.98, 112.63], zoom_start=12)
    cluster = folium.plugins.MarkerCluster().add_to(m)
    folium.Marker([-7.98, 112.63], popup=folium.Popup("x")).add_to(cluster)
    html = _html(mapview.localize_assets(m, asset_base_url="/static"))
    _assert_offline(html)
    assert 'src="/static/jquery/jquery.min.js"' in html
    assert 'src="/static/leaflet.markercluster/leaflet.markercluster.js"' in html
    # Only this map's elements changed, not folium's classes.
    assert folium.Map.default_js[0][1].startswith("https://")
    assert folium.plugins.MarkerCluster.default_js[0][1].startswith("https://")


def test_localize_assets_refuses_what_is_not_vendored():
    m = folium.Map(location=[-7.98, 112.63])
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(ValueError, match="No vendored copy"):
        mapview.localize_assets(m)
    m = folium.Map(location=[-7.98, 112.63])
    folium.Marker([-7.98, 112.63], icon=folium.Icon(icon="star")).add_to(m)
    with pytest.raises(ValueError, match="DivIcon"):
        mapview.localize_assets(m)


def test_vendored_files_exist_and_match():
    for asset in mapview.VENDORED_ASSETS:
        path = mapview.STATIC_DIR / asset.path
        assert path.is_file(), path
        assert hashlib.sha256(path.read_bytes()).hexdigest() == asset.sha256, path
        assert asset.package.split("@")[1] in asset.cdn_url
    for license_file in mapview.VENDORED_LICENSES:
        text = (mapview.STATIC_DIR / license_file).read_text(encoding="utf-8")
        assert "Permission is hereby granted" in text or "BSD" in text
    for image in ("layers.png", "layers-2x.png", "marker-icon.png", "marker-shadow.png"):
        assert (mapview.STATIC_DIR / "leaflet" / "images" / image).is_file()
    assert (mapview.STATIC_DIR / "README.md").is_file()


def test_bad_options(kel, kec, umkm, sentra):
    with pytest.raises(ValueError, match="metric"):
        _build(kel, kec, umkm, sentra, metric="umkm_total")
    with pytest.raises(ValueError, match="basemap"):
        _build(kel, kec, umkm, sentra, basemap="satellite")


def test_empty_inputs(kel):
    html = _html(mapview.build_map(kelurahan=kel, kecamatan=None, umkm=None, sentra=None))
    assert settings.UPSTREAM_ATTRIBUTION in html
    assert "markerClusterGroup" not in html


def test_map_options_defaults_are_the_page_defaults(kel, kec, umkm, sentra, coverage):
    o = mapview.MapOptions()
    assert (o.metric, o.basemap, o.show_personal, o.lang, o.point_ids) == (
        "umkm_aktif",
        "osm",
        False,
        "id",
        False,
    )
    assert (o.offline, o.asset_base_url, o.inline, o.center, o.zoom) == (
        None,
        None,
        False,
        None,
        None,
    )
    ids = re.compile(r"[0-9a-f]{32}")  # folium's element names are random
    args = {"kelurahan": kel, "kecamatan": kec, "umkm": umkm, "sentra": sentra}
    given = mapview.build_map(**args, coverage=coverage, options=mapview.MapOptions(offline=False))
    # options=None is MapOptions() (offline from the settings in both).
    default = mapview.build_map(**args, coverage=coverage, options=mapview.MapOptions())
    none = mapview.build_map(**args, coverage=coverage)
    assert ids.sub("X", _html(default)) == ids.sub("X", _html(none))
    assert "umkm_aktif" in _html(given)


def test_page_layers_alone(kel, kec, umkm, sentra, coverage):
    m = folium.Map(tiles=None)
    mapview._add_page_layers(
        m,
        kelurahan=kel,
        kecamatan=kec,
        umkm=umkm,
        sentra=sentra,
        coverage=coverage,
        options=mapview.MapOptions(metric="umkm_per_sahabat", lang="en"),
    )
    layers = _geojson_layers(m)
    assert {"choropleth", "kelurahan", "kecamatan", "flagged"} <= set(layers)
    assert len(_elements(m, mapview.UmkmClusterLayer)) == 1
    assert len(_elements(m, mapview.Legend)) == 1
    bare = folium.Map(tiles=None)
    mapview._add_page_layers(
        bare,
        kelurahan=kel,
        kecamatan=kec,
        umkm=None,
        sentra=None,
        coverage=None,
        options=mapview.MapOptions(),
    )
    assert set(_geojson_layers(bare)) == {"kelurahan", "kecamatan"}
    assert not _elements(bare, mapview.UmkmClusterLayer)


# --- inactive businesses and a map that does not change (issue 16) ---------------------------
def _with_inactive(umkm: gpd.GeoDataFrame, n: int = 30) -> gpd.GeoDataFrame:
    rows = umkm.copy()
    rows["status"] = "aktif"
    rows.loc[rows.index[:n], "status"] = "tidak_aktif"
    return rows


def test_split_inactive(umkm):
    rows = _with_inactive(umkm)
    rows.loc[rows.index[-1], "status"] = None  # missing status counts as active
    active, inactive = mapview.split_inactive(rows)
    assert len(active) == N_POINTS - 30 and len(inactive) == 30
    assert set(inactive["status"]) == {"tidak_aktif"}
    assert active.index[-1] == rows.index[-1]
    assert active.crs == rows.crs
    no_status, none = mapview.split_inactive(rows.drop(columns="status"))
    assert len(no_status) == N_POINTS and none.empty


def test_inactive_are_drawn_by_default(kel, kec, umkm, sentra):
    m = _build(kel, kec, _with_inactive(umkm), sentra)
    (layer,) = _elements(m, mapview.UmkmClusterLayer)
    assert layer.n_points == N_POINTS  # "draw": every row given, as before
    assert "inactive" not in layer.payload


def test_hidden_inactive_map_counts_what_the_headline_counts(kel, kec, umkm, sentra, coverage):
    rows = _with_inactive(umkm)
    m = _build(kel, kec, rows, sentra, coverage, inactive="hide")
    (layer,) = _elements(m, mapview.UmkmClusterLayer)
    assert layer.n_points == int((rows["status"] == "aktif").sum()) == N_POINTS - 30
    html = _html(m)
    assert "Usaha Contoh 000000" not in html  # an inactive one
    assert '"inactive":true' not in html and 'class="nonaktif"' not in html


def test_inactive_layer_is_drawn_differently(kel, kec, umkm, sentra, coverage):
    m = _build(kel, kec, _with_inactive(umkm), sentra, coverage, inactive="layer")
    active, inactive = _elements(m, mapview.UmkmClusterLayer)
    assert (active.n_points, inactive.n_points) == (N_POINTS - 30, 30)
    assert "inactive" not in active.payload
    assert inactive.payload["inactive"] is True
    assert inactive.payload["status_label"] == "Tidak aktif"
    assert inactive.layer_name == "UMKM · Tidak aktif"
    html = _html(m)
    assert html.count("L.markerClusterGroup(") == 2
    assert '"data-umkm-loaded"' in html and '"data-umkm-nonaktif-loaded"' in html
    assert 'dashArray: "2 2"' in html and "peta-umkm-cluster-nonaktif" in html
    (legend,) = _elements(m, mapview.Legend)
    assert '<div class="nonaktif"><i class="dot nonaktif"></i>UMKM · Tidak aktif</div>' in (
        legend.html_body
    )
    english = _build(kel, kec, _with_inactive(umkm), sentra, inactive="layer", lang="en")
    assert _elements(english, mapview.UmkmClusterLayer)[1].layer_name == "UMKM · Inactive"


def test_only_inactive_rows(kel, kec, umkm, sentra):
    rows = _with_inactive(umkm, n=N_POINTS)
    hidden = _build(kel, kec, rows, sentra, inactive="hide")
    assert not _elements(hidden, mapview.UmkmClusterLayer)
    assert "nonaktif" not in _elements(hidden, mapview.Legend)[0].html_body
    (layer,) = _elements(_build(kel, kec, rows, sentra, inactive="layer"), mapview.UmkmClusterLayer)
    assert layer.payload["inactive"] is True and layer.n_points == N_POINTS


def test_bad_inactive_option(kel, kec, umkm, sentra):
    with pytest.raises(ValueError, match="inactive"):
        _build(kel, kec, umkm, sentra, inactive="grey")


def test_same_inputs_give_the_same_streamlit_folium_arguments(kel, kec, umkm, sentra, coverage):
    # The page relies on it: an identical map is not re-sent after a pan or zoom (Streamlit
    # sends a reference to the message the browser already has), and a copy of a cached map
    # renders like a fresh one.
    import copy

    from streamlit_folium import _get_header, _get_html, _get_map_string

    def arguments(m: folium.Map) -> tuple[str, str, str]:
        m.get_root().render()
        m.render()
        return _get_html(m), _get_header(m), _get_map_string(m)

    def build() -> folium.Map:
        return _build(kel, kec, _with_inactive(umkm), sentra, coverage, inactive="layer")

    cached = build()
    first = arguments(build())
    assert arguments(build()) == first
    assert arguments(copy.deepcopy(cached)) == first
    assert arguments(copy.deepcopy(cached)) == first


# --- points fetched by URL (issue 16) --------------------------------------------------------
PAYLOAD_URL = "/peta-data/" + "t" * 43 + "/" + "a" * 64 + ".json"


def test_points_can_be_fetched_instead_of_inlined(kel, kec, umkm, sentra, coverage):
    import copy

    m = _build(kel, kec, umkm, sentra, coverage, show_personal=True)
    (layer,) = _elements(m, mapview.UmkmClusterLayer)
    assert mapview.point_layers(m) == [layer]
    assert layer.has_personal
    data = layer.payload_bytes()
    assert json.loads(data) == layer.payload
    assert b"<" not in data and b"&" not in data  # the same inert JSON as the inline form
    layer.fetch_from(PAYLOAD_URL)
    assert layer.payload is None and layer.n_points == N_POINTS
    html = _html(m)
    assert f'fetch("{PAYLOAD_URL}"' in html
    assert '"p":[' not in html and "Usaha Contoh 000999" not in html and OWNER not in html
    assert html.count("L.circleMarker(") == 1  # made in the browser from the fetched array
    assert "data-umkm-error" in html
    with pytest.raises(ValueError, match="handed off"):
        layer.payload_bytes()
    # A copy of the cached map is small now: no payload to copy.
    assert _elements(copy.deepcopy(m), mapview.UmkmClusterLayer)[0].payload_url == PAYLOAD_URL
    without = _build(kel, kec, umkm, sentra, coverage)
    assert not _elements(without, mapview.UmkmClusterLayer)[0].has_personal


def test_payload_url_must_be_a_path_or_http(kel, kec, umkm, sentra):
    (layer,) = _elements(_build(kel, kec, umkm, sentra), mapview.UmkmClusterLayer)
    for bad in ("javascript:alert(1)", "peta-data/x.json", "data:application/json,{}"):
        with pytest.raises(ValueError, match="root-absolute"):
            layer.fetch_from(bad)
    layer.fetch_from('/x/"</script>.json')
    html = _html(layer._parent)
    assert '"</script>' not in html  # the URL is script-safe JSON too


def test_points_are_drawn_on_a_shared_canvas(page_html):
    assert "L.canvas({pane: paneName" in page_html
    assert "L.svg(" not in page_html
    assert 'addEventListener("pointermove"' in page_html  # clicks reach points and polygons


def test_many_points_cluster_on_a_grid(kel, kec, umkm, sentra, monkeypatch):
    (small,) = _elements(_build(kel, kec, umkm, sentra), mapview.UmkmClusterLayer)
    # Markercluster for a small selection; the city's 21,270 UMKM cluster on the grid.
    assert not small.grid and N_POINTS < mapview.GRID_MIN_POINTS <= 21_270
    monkeypatch.setattr(mapview, "GRID_MIN_POINTS", N_POINTS)
    m = _build(kel, kec, umkm, sentra)
    (layer,) = _elements(m, mapview.UmkmClusterLayer)
    assert layer.grid and layer.n_points == N_POINTS
    html = _html(m)
    assert "L.markerClusterGroup(" not in html
    assert "var ClusterDot = L.CircleMarker.extend(" in html
    assert f"var CELL = {mapview.GRID_CELL_PX}," in html
