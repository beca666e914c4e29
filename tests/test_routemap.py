"""The planning map: one coloured line per officer, numbered stops, depot, dropped stops."""

from __future__ import annotations

import json
import re

import folium
import pandas as pd
import pytest

from geo import wilayah
from geo.planning.routing import SolveOptions, solve
from geo.planning.stops import Depot
from geo.render.mapview import MapOptions
from geo.render.routemap import OFFICER_COLORS, build_route_map, officer_color

DEPOT = Depot("balai-kota", "Balai Kota Malang", "Jl. Tugu No. 1", -7.97724, 112.63411, "jalan")
STOPS = pd.DataFrame(
    {
        "id": ["sanan", "raket", "dinoyo", "tasik", "pagi"],
        "nama": ["Sanan", "Raket", "Dinoyo", "Tasikmadu", "Terlalu pagi"],
        "lat": [-7.96090, -8.0120, -7.9380, -7.91898, -8.0300],
        "lon": [112.64351, 112.6205, 112.6100, 112.62711, 112.6700],
        "window_start": ["", "", "", "", "08:00"],
        "window_end": ["", "", "", "", "08:05"],
    }
)


@pytest.fixture(scope="module")
def kel():
    return wilayah.kelurahan()


@pytest.fixture(scope="module")
def plan():
    return solve(
        STOPS,
        DEPOT,
        officers=2,
        options=SolveOptions(minutes_per_stop=30, time_limit_s=60, solution_limit=50),
    )


def _html(m: folium.Map) -> str:
    return m.get_root().render()


def test_each_officer_has_a_line_in_its_colour(kel, plan):
    html = _html(
        build_route_map(kelurahan=kel, depot=DEPOT, plan=plan, options=MapOptions(offline=False))
    )
    lines = re.findall(r"L\.polyline\(\s*(\[\[.*?\]\])", html, flags=re.S)
    busy = [o for o in (1, 2) if not plan.route(o).empty]
    assert len(busy) == 2 and len(lines) == 2
    for officer in busy:
        assert f'"color": "{officer_color(officer)}"' in html
        assert f"rute-petugas-{officer}" in html
        route = plan.route(officer)
        first = f"[{route['lat'].iloc[0]}, {route['lon'].iloc[0]}]"
        assert first in html
    # Numbered markers: 1..n for each officer, and the depot "D".
    icons = [json.loads(f'"{x}"') for x in re.findall(r'"html": "((?:[^"\\]|\\.)*)"', html)]
    numbers = [re.search(r">(\d+)<", i).group(1) for i in icons if 'class="rute-stop"' in i]
    expected = sorted(n for o in busy for n in range(1, len(plan.route(o)) - 1))
    assert sorted(map(int, numbers)) == expected
    assert sum('class="rute-depot"' in i and ">D<" in i for i in icons) == 1
    assert sum('class="rute-dropped"' in i for i in icons) == 1
    # The dropped stop is shown with its reason, and the legend explains the straight lines.
    assert "Terlalu pagi" in html and "tidak terjangkau dari depo" in html
    assert "bukan jalur jalan" in html
    assert "Batas wilayah: cahyadsn/wilayah_boundaries (MIT)" in html


def test_candidates_before_a_plan_and_flags(kel):
    cov = pd.DataFrame(
        {"kode": kel["kode"], "flagged": kel["kode"] == "35.73.01.1007", "peringkat": range(1, 58)}
    )
    html = _html(
        build_route_map(
            kelurahan=kel, depot=DEPOT, stops=STOPS, coverage=cov, options=MapOptions(lang="en")
        )
    )
    assert html.count("rute-candidate") >= len(STOPS)
    assert "Chosen stops" in html and "flagged kelurahan" in html
    assert "L.polyline" not in html


def test_offline_map_uses_vendored_leaflet_only(kel, plan):
    html = _html(
        build_route_map(
            kelurahan=kel,
            depot=DEPOT,
            plan=plan,
            options=MapOptions(offline=True, asset_base_url="/x/"),
        )
    )
    assert "/x/leaflet/leaflet.js" in html
    assert "cdn.jsdelivr" not in html and "bootstrap" not in html.lower()


def test_colours_cycle_after_the_palette():
    assert officer_color(1) == OFFICER_COLORS[0]
    assert officer_color(len(OFFICER_COLORS) + 1) == OFFICER_COLORS[0]
    assert len(set(OFFICER_COLORS)) == len(OFFICER_COLORS)


def test_route_map_options_default_and_unused_fields(kel):
    ids = re.compile(r"[0-9a-f]{32}")  # folium's element names are random

    def page(options: MapOptions | None) -> str:
        return ids.sub("X", _html(build_route_map(kelurahan=kel, depot=DEPOT, options=options)))

    assert page(None) == page(MapOptions())
    # The route map fits its stops and has no register points: these fields do not apply.
    plain = page(MapOptions(offline=False))
    assert plain == page(
        MapOptions(
            offline=False, metric="umkm_per_km2", show_personal=True, zoom=16, point_ids=True
        )
    )
    assert "basemaps.cartocdn.com" in page(MapOptions(offline=False, basemap="light"))
