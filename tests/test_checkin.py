"""Check-in distance, radius marking and distance labels (geo.analysis.checkin)."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.analysis.checkin import Position, check_in, distance_label, distance_m
from geo.core import settings

STOP = (-7.9666, 112.6326)  # near Alun-alun Malang


def _offset(lat: float, lon: float, *, north_m: float = 0.0, east_m: float = 0.0):
    """A point ``north_m``/``east_m`` metres away, measured in EPSG:32749."""
    pts = gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326").to_crs(settings.CRS_METRIC)
    moved = gpd.GeoSeries(
        [Point(pts.iloc[0].x + east_m, pts.iloc[0].y + north_m)], crs=settings.CRS_METRIC
    ).to_crs("EPSG:4326")
    return moved.iloc[0].y, moved.iloc[0].x


@pytest.mark.parametrize(("north", "east"), [(120, 0), (0, 250), (-700, 700), (3000, -4000)])
def test_distance_agrees_with_utm_49s_within_a_thousandth(north, east):
    lat, lon = _offset(*STOP, north_m=north, east_m=east)
    utm = math.hypot(north, east)
    assert distance_m(*STOP, lat, lon) == pytest.approx(utm, rel=1e-3)


def test_near_check_in_is_inside_the_radius():
    lat, lon = _offset(*STOP, north_m=120)
    result = check_in(Position(lat=lat, lon=lon, akurasi_m=8.0), stop_lat=STOP[0], stop_lon=STOP[1])
    assert result.jarak_m == pytest.approx(120, abs=1.5)
    assert result.radius_m == settings.CHECKIN_RADIUS_M == 300
    assert not result.di_luar_radius
    assert not result.akurasi_rendah
    assert (result.lat, result.lon, result.akurasi_m) == (lat, lon, 8.0)


def test_far_check_in_is_allowed_but_marked_with_its_distance():
    lat, lon = _offset(*STOP, east_m=1200)
    result = check_in(Position(lat=lat, lon=lon, akurasi_m=150), stop_lat=STOP[0], stop_lon=STOP[1])
    assert result.di_luar_radius
    assert result.jarak_m == pytest.approx(1200, abs=10)
    assert distance_label(result.jarak_m) == "1,2 km"
    assert result.akurasi_rendah  # 150 m is worse than the 100 m warning limit


def test_radius_edge_and_custom_radius():
    lat, lon = _offset(*STOP, north_m=299)
    assert not check_in(
        Position(lat=lat, lon=lon), stop_lat=STOP[0], stop_lon=STOP[1]
    ).di_luar_radius
    lat, lon = _offset(*STOP, north_m=301)
    assert check_in(Position(lat=lat, lon=lon), stop_lat=STOP[0], stop_lon=STOP[1]).di_luar_radius
    assert not check_in(
        Position(lat=lat, lon=lon), stop_lat=STOP[0], stop_lon=STOP[1], radius_m=500
    ).di_luar_radius


@pytest.mark.parametrize(
    ("metres", "lang", "label"),
    [
        (0, "id", "0 m"),
        (85.4, "id", "85 m"),
        (123.4, "id", "120 m"),
        (996, "id", "1,0 km"),
        (1234, "id", "1,2 km"),
        (1234, "en", "1.2 km"),
        (9_960, "id", "10 km"),
        (12_345, "id", "12 km"),
        (123_456, "id", "123 km"),
        (1_234_567, "id", "1.235 km"),
    ],
)
def test_distance_labels_indonesian_style(metres, lang, label):
    assert distance_label(metres, lang) == label


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lat": 91.0, "lon": 0.0},
        {"lat": 0.0, "lon": -181.0},
        {"lat": math.nan, "lon": 0.0},
        {"lat": 0.0, "lon": 0.0, "akurasi_m": -1.0},
    ],
)
def test_impossible_positions_are_refused(kwargs):
    with pytest.raises(ValueError):
        Position(**kwargs)


def test_negative_distance_has_no_label():
    with pytest.raises(ValueError):
        distance_label(-1)
