"""Folium layers of clusters and hot spots: styles, popups, languages, no personal data."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo.analysis import clusters
from geo.core.settings import CRS_METRIC, CRS_STORAGE
from geo.render import clustermap
from geo.render.mapview import SECTOR_COLORS

TO_LONLAT = Transformer.from_crs(CRS_METRIC, CRS_STORAGE, always_xy=True)


def _register() -> gpd.GeoDataFrame:
    """Two groups of 40 batik and 30 rotan makers in Sukun, with owners and phones."""
    rng = np.random.default_rng(1)
    centre = np.array([676_500.0, 9_115_500.0])  # Bandungrejosari, EPSG:32749
    parts = [
        centre + rng.normal(0, 60, (40, 2)),
        centre + np.array([1500, 800]) + rng.normal(0, 60, (30, 2)),
    ]
    xy = np.concatenate(parts)
    lon, lat = TO_LONLAT.transform(xy[:, 0], xy[:, 1])
    n = len(xy)
    return gpd.GeoDataFrame(
        {
            "id": [f"U{i}" for i in range(n)],
            "nama_usaha": ["Batik Uji"] * 40 + ["Rotan Uji"] * 30,
            "pemilik": [f"Pemilik Rahasia {i}" for i in range(n)],
            "telepon": [f"+62811000{i:04d}" for i in range(n)],
            "alamat": [f"Jl. Rahasia {i}" for i in range(n)],
            "lon": lon,
            "lat": lat,
            "sektor": ["fesyen"] * 40 + ["kriya"] * 30,
            "skala": "mikro",
            "status": "aktif",
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=CRS_STORAGE,
    )


@pytest.fixture(scope="module")
def found() -> gpd.GeoDataFrame:
    register = _register()
    # A known kriya sentra at the rotan group: that cluster is not a candidate.
    rotan = register[register["sektor"] == "kriya"]
    sentra = pd.DataFrame(
        [
            {
                "id": "rotan-uji",
                "nama": "Sentra Rotan Uji",
                "sektor": "kriya",
                "kode_kelurahan": "35.73.04.1004",
                "lat": rotan["lat"].mean(),
                "lon": rotan["lon"].mean(),
                "presisi_lokasi": "jalan",
            }
        ]
    )
    result = clusters.detect_clusters(register, sentra=sentra)
    assert sorted(result["id"]) == ["fesyen-01", "kriya-01"]
    return result


def _geojson(group: folium.FeatureGroup) -> folium.GeoJson:
    (layer,) = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    return layer


def test_cluster_hulls_are_coloured_by_sector_and_candidates_dashed(
    found: gpd.GeoDataFrame,
) -> None:
    m = folium.Map()
    group = clustermap.add_clusters(m, found, lang="id")
    assert group is not None and group.layer_name == "Klaster UMKM"
    layer = _geojson(group)
    styles = {f["id"]: layer.style_function(f) for f in layer.data["features"]}
    assert styles["fesyen-01"]["fillColor"] == SECTOR_COLORS["fesyen"]
    assert styles["kriya-01"]["fillColor"] == SECTOR_COLORS["kriya"]
    # The batik group is a candidate (no fesyen sentra): dark dashed outline; rotan is not.
    assert styles["fesyen-01"]["dashArray"] == clustermap.CANDIDATE_OUTLINE["dashArray"]
    assert "dashArray" not in styles["kriya-01"]
    props = {f["id"]: f["properties"] for f in layer.data["features"]}
    assert props["fesyen-01"]["layer"] == "klaster" and props["fesyen-01"]["kandidat"]
    # Hulls go to the browser as the detected polygons (rounded to 5 decimals).
    feature = next(f for f in layer.data["features"] if f["id"] == "kriya-01")
    shape = shapely.geometry.shape(feature["geometry"])
    hull = found.set_index("id").geometry["kriya-01"]
    assert shape.symmetric_difference(hull).area < 0.01 * hull.area


def test_cluster_popup_shows_the_figures(found: gpd.GeoDataFrame) -> None:
    row = found.set_index("id").loc["kriya-01"]
    rows = dict(clustermap.cluster_popup_rows(row, lang="id"))
    assert rows["Status"] == "Dekat sentra yang dikenal"
    assert rows["Sektor"] == "Kriya (kerajinan)"
    assert rows["Jumlah UMKM"] == str(row["jumlah_umkm"])
    assert rows["Komoditas (dugaan)"] == "rotan"
    assert rows["Porsi usaha mikro"].startswith("100")
    assert rows["Kelurahan"] == row["kelurahan"]
    assert rows["Sentra terdekat"] == "Sentra Rotan Uji (0 m)"
    density = f"{row['kepadatan_per_ha']:.1f}".replace(".", ",")
    assert rows["Kepadatan (UMKM/ha)"] == density
    english = dict(clustermap.cluster_popup_rows(found.iloc[0], lang="en"))
    assert english["Status"] == "Sentra candidate"
    assert english["Nearest sentra"] == "no sentra in this sector"


def test_layers_carry_no_personal_data(found: gpd.GeoDataFrame) -> None:
    m = folium.Map()
    clustermap.add_clusters(m, found, lang="id")
    page = m.get_root().render()
    assert "fesyen-01" in page and "Kandidat sentra baru" in page
    for secret in ("Pemilik Rahasia", "+62811000", "Jl. Rahasia", "Batik Uji"):
        assert secret not in page


def _hotspots() -> gpd.GeoDataFrame:
    boxes = [shapely.box(112.60 + i * 0.01, -7.99, 112.61 + i * 0.01, -7.98) for i in range(4)]
    return gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "nama": ["Kel A", "Kel B", pd.NA, "Kel D"],
            "unit": "kelurahan",
            "jumlah": [120, 80, 10, 1200],
            "luas_km2": [1.2, 1.0, 0.5, 2.0],
            "nilai": [100.0, 80.0, 20.0, 600.0],
            "gi_z": [3.4, 2.1, -2.8, 0.3],
            "p_sim": [0.0002, 0.01, 0.0004, 0.6],
            "q": [0.004, 0.04, 0.008, 0.6],
            "kelas": ["panas_99", "panas_95", "dingin_99", "tidak_signifikan"],
        },
        geometry=boxes,
        crs=CRS_STORAGE,
    )


def test_hotspot_layer_draws_significant_units_by_class() -> None:
    m = folium.Map()
    group = clustermap.add_hotspots(m, _hotspots(), lang="id")
    assert group is not None and group.layer_name == "Hot spot Gi* (kelurahan)"
    layer = _geojson(group)
    drawn = {f["id"]: layer.style_function(f)["fillColor"] for f in layer.data["features"]}
    assert drawn == {
        "a": clustermap.HOTSPOT_COLORS["panas_99"],
        "b": clustermap.HOTSPOT_COLORS["panas_95"],
        "c": clustermap.HOTSPOT_COLORS["dingin_99"],
    }
    tooltip = next(f for f in layer.data["features"] if f["id"] == "a")["properties"]["tooltip"]
    assert "Kel A" in tooltip and "Panas (99 %)" in tooltip and "0,0040" in tooltip
    # UMKM per km²: 120 / 1.2 = 100,0.
    assert "100,0" in tooltip
    rows = dict(clustermap.hotspot_rows(_hotspots().iloc[2], lang="en"))
    assert rows["Class"] == "Cold (99 %)" and rows["Gi* z-score"] == "-2.80"


def test_hotspot_layer_without_significant_units_is_empty() -> None:
    none = _hotspots().assign(kelas="tidak_signifikan")
    m = folium.Map()
    group = clustermap.add_hotspots(m, none, lang="id")
    assert group is not None
    assert not [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    assert clustermap.add_hotspots(folium.Map(), none.iloc[0:0], lang="id") is None
    assert clustermap.add_clusters(folium.Map(), clusters._empty_clusters(), lang="id") is None


def test_legend_lists_the_classes_in_the_language() -> None:
    m = folium.Map()
    legend = clustermap.add_cluster_legend(m, lang="en")
    assert "Clusters and hot spots" in legend.html_body
    for label in ("Hot (99 %)", "Hot (90 %)", "Cold (95 %)", "sentra candidate (dashed outline)"):
        assert label in legend.html_body
    only = clustermap.add_cluster_legend(folium.Map(), clusters=False, lang="id")
    assert "Panas (99 %)" in only.html_body and "kandidat" not in only.html_body
