"""The officer's small map (geo.render.officer_map): stops, position, hostile names inert."""

from __future__ import annotations

import pandas as pd

from geo import wilayah
from geo.analysis.checkin import Position
from geo.render.officer_map import STATUS_COLORS, build_officer_map

HOSTILE = "`${alert(1)}` {{ 7*7 }} <script>alert(2)</script>"


def _stops() -> pd.DataFrame:
    kel = wilayah.kelurahan()
    return pd.DataFrame(
        {
            "henti_id": [11, 12, 13],
            "urutan": [1, 2, 3],
            "nama": [HOSTILE, "Toko Dua", "Sentra Tiga"],
            "lat": [-7.97, -7.96, -7.95],
            "lon": [112.63, 112.62, 112.61],
            "status": ["selesai", "tidak_bertemu", "belum"],
            "rencana_tiba": ["09:00", "09:40", None],
            "kode_kelurahan": [str(kel["kode"].iloc[0])] * 3,
        }
    )


def test_stops_position_and_selection_are_drawn():
    m = build_officer_map(
        _stops(),
        position=Position(lat=-7.975, lon=112.635, akurasi_m=25.0),
        selected=13,
        kelurahan=wilayah.kelurahan(),
        offline=True,
        asset_base_url="/app/static/",
    )
    html = m.get_root().render()
    for color in STATUS_COLORS.values():
        assert f"background:{color}" in html
    assert html.count("kj-stop kj-aktif") == 1  # only the selected stop is ringed
    assert "kj-saya" in html and '"radius": 25.0' in html  # the officer and the accuracy
    assert "/app/static/leaflet" in html and "cdn.jsdelivr" not in html
    assert "Posisi saya" in html
    assert "09:40" in html and "Tidak bertemu" in html


def test_hostile_stop_names_stay_inert():
    html = build_officer_map(_stops(), offline=True).get_root().render()
    assert "<script>alert(2)" not in html
    assert "${alert(1)}" not in html and "`${" not in html
    assert "{{ 7*7 }}" not in html
    assert "&lt;script&gt;alert(2)" in html


def test_without_stops_or_position_the_map_shows_the_city():
    m = build_officer_map(_stops().iloc[0:0], offline=True)
    assert m.location == [-7.98, 112.63]
    one = build_officer_map(_stops().iloc[:1], offline=True)
    assert one.location == [-7.97, 112.63] and one.options["zoom"] == 16
