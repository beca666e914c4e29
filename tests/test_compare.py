"""Tests for geo.wilayah.compare: the figures of the boundary report on hand-made layers.

Two squares side by side near Malang (EPSG:32749, metres), then the border moved 500 m east:
A grows from 1 to 1.5 km² (+50 %, IoU 2/3), B shrinks from 1 to 0.5 km² (-50 %, IoU 1/2),
the outline is unchanged (IoU 1) and a point 200 m east of the old border moves from B to A.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import wilayah
from geo.wilayah import compare

X0, Y0 = 680_000.0, 9_120_000.0  # near Malang in EPSG:32749


def _layer(border: float) -> gpd.GeoDataFrame:
    a = shapely.box(X0, Y0, X0 + border, Y0 + 1000)
    b = shapely.box(X0 + border, Y0, X0 + 2000, Y0 + 1000)
    frame = gpd.GeoDataFrame(
        {"kode": ["35.73.01.1001", "35.73.01.1002"], "nama": ["Alfa", "Beta"]},
        geometry=[a, b],
        crs=32749,
    )
    return frame.to_crs(4326)


def _lonlat(x: list[float], y: list[float]) -> tuple[np.ndarray, np.ndarray]:
    pts = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=32749).to_crs(4326)
    return pts.x.to_numpy(), pts.y.to_numpy()


def test_area_changes_and_iou() -> None:
    table = compare.area_changes(_layer(1000), _layer(1500))
    assert list(table.columns) == list(compare.AREA_COLUMNS)
    assert table["kode"].tolist() == ["35.73.01.1001", "35.73.01.1002"]
    assert table["luas_sebelum_km2"].to_numpy() == pytest.approx([1.0, 1.0], rel=1e-6)
    assert table["luas_sesudah_km2"].to_numpy() == pytest.approx([1.5, 0.5], rel=1e-6)
    assert table["perubahan_persen"].to_numpy() == pytest.approx([50.0, -50.0], rel=1e-5)
    assert table["iou"].to_numpy() == pytest.approx([2 / 3, 0.5], rel=1e-5)


def test_area_changes_with_a_kode_on_one_side_only() -> None:
    after = _layer(1500)
    after.loc[1, "kode"] = "35.73.01.1003"
    table = compare.area_changes(_layer(1000), after).set_index("kode")
    assert np.isnan(table.loc["35.73.01.1002", "luas_sesudah_km2"])
    assert np.isnan(table.loc["35.73.01.1003", "luas_sebelum_km2"])
    assert np.isnan(table.loc["35.73.01.1003", "iou"])


def test_outline_iou() -> None:
    assert compare.outline_iou(_layer(1000), _layer(1500)) == pytest.approx(1.0)
    shifted = _layer(1000).to_crs(32749).translate(xoff=1000).to_frame("geometry")
    shifted = gpd.GeoDataFrame(
        _layer(1000).drop(columns="geometry"), geometry=shifted.geometry.to_numpy(), crs=32749
    ).to_crs(4326)
    # 2 km wide, shifted 1 km: intersection 1 km², union 3 km².
    assert compare.outline_iou(_layer(1000), shifted) == pytest.approx(1 / 3, rel=1e-4)


def test_points_moving_and_pairs() -> None:
    lon, lat = _lonlat([X0 + 500, X0 + 1200, X0 + 1300, X0 + 1800], [Y0 + 500] * 4)
    placed = compare.point_kelurahan(lon, lat, before=_layer(1000), after=_layer(1500))
    assert placed["dari"].tolist() == ["35.73.01.1001"] + ["35.73.01.1002"] * 3
    assert placed["ke"].tolist() == ["35.73.01.1001"] * 3 + ["35.73.01.1002"]
    names = pd.Series(["Alfa", "Beta"], index=["35.73.01.1001", "35.73.01.1002"])
    labels = pd.Series(["w", "Sentra X", "Sentra Y", "z"])
    pairs = compare.move_pairs(placed["dari"], placed["ke"], names=names, labels=labels)
    assert pairs.to_dict("records") == [
        {
            "dari": "35.73.01.1002",
            "ke": "35.73.01.1001",
            "dari_nama": "Beta",
            "ke_nama": "Alfa",
            "jumlah": 2,
            "daftar": "Sentra X, Sentra Y",
        }
    ]


def test_move_pairs_none_and_missing_sides() -> None:
    empty = compare.move_pairs(pd.Series(["a"]), pd.Series(["a"]))
    assert empty.empty and list(empty.columns)[-2:] == ["jumlah", "daftar"]
    out = compare.move_pairs(pd.Series(["a", None]), pd.Series([None, "b"]))
    assert sorted(zip(out["dari"], out["ke"], strict=True)) == [("-", "b"), ("a", "-")]


def test_coverage_changes() -> None:
    before = pd.DataFrame(
        {"kode": ["1", "2", "3"], "nama": ["A", "B", "C"], "flagged": [True, False, True]}
    )
    after = pd.DataFrame(
        {"kode": ["1", "2", "3"], "nama": ["A", "B", "C"], "flagged": [True, True, False]}
    )
    out = compare.coverage_changes(before, after)
    assert out.to_dict("records") == [
        {"kode": "2", "nama": "B", "sebelum": False, "sesudah": True},
        {"kode": "3", "nama": "C", "sebelum": True, "sesudah": False},
    ]


def test_misplaced_points() -> None:
    lon, lat = _lonlat([X0 + 500, X0 + 1200, X0 + 5000], [Y0 + 500] * 3)
    points = pd.DataFrame(
        {
            "id": ["S1", "S2", "S3"],
            "nama": ["Satu", "Dua", "Luar"],
            "kode_kelurahan": ["35.73.01.1001", "35.73.01.1001", "35.73.01.1001"],
            "lon": lon,
            "lat": lat,
        }
    )
    out = compare.misplaced_points(points, _layer(1000))
    assert out.to_dict("records") == [
        {
            "id": "S2",
            "nama": "Dua",
            "kode_kelurahan": "35.73.01.1001",
            "nama_kelurahan": "Alfa",
            "kode_titik": "35.73.01.1002",
            "nama_titik": "Beta",
        }
    ]


def test_report_lines_and_table() -> None:
    before, after = _layer(1000), _layer(1500)
    lon, lat = _lonlat([X0 + 1200], [Y0 + 500])
    placed = compare.point_kelurahan(lon, lat, before=before, after=after)
    names = pd.Series(["Alfa", "Beta"], index=["35.73.01.1001", "35.73.01.1002"])
    comparison = compare.LayerComparison(
        areas=compare.area_changes(before, after),
        outline_iou=compare.outline_iou(before, after),
        umkm_moves=compare.move_pairs(placed["dari"], placed["ke"], names=names),
        sentra_moves=compare.move_pairs(
            placed["dari"], placed["ke"], names=names, labels=pd.Series(["Sentra Tempe"])
        ),
        coverage=pd.DataFrame(
            {"kode": ["35.73.01.1002"], "nama": ["Beta"], "sebelum": [True], "sesudah": [False]}
        ),
    )
    text = "\n".join(comparison.lines())
    assert "IoU batas kota: 1.000" in text
    assert "median 0.583, terendah 0.500" in text
    assert "Beta → Alfa: 1" in text
    assert "Beta → Alfa: Sentra Tempe" in text
    assert "35.73.01.1002 Beta: ditandai → tidak ditandai" in text
    table = compare.report_table(comparison)
    assert table["kode"].tolist() == ["35.73.01.1001", "35.73.01.1002", "35.73"]
    assert table["umkm_masuk"].tolist()[:2] == [1, 0]
    assert table["umkm_keluar"].tolist()[:2] == [0, 1]
    assert table["sentra_masuk"].tolist()[0] == "Sentra Tempe"
    assert table["iou"].iloc[-1] == pytest.approx(1.0)
    assert not table["cakupan_sesudah"].iloc[1]
    assert bool(table["cakupan_sebelum"].iloc[1])
    assert pd.isna(table["cakupan_sesudah"].iloc[0])


def test_shipped_layer_compared_with_itself() -> None:
    kel = wilayah.kelurahan()
    table = compare.area_changes(kel, kel)
    assert table["iou"].to_numpy() == pytest.approx(1.0)
    assert compare.outline_iou(kel, kel) == pytest.approx(1.0)
