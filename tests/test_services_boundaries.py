"""The city's boundary layer as a service: report, use, undo, reset on SQLite and PostGIS.

The test layer is the shipped one with Bunulrejo grown by the part of Purwantoro within 300 m
of it (as a BIG-lineage layer does: Bunulrejo +42 %), which moves the Sanan tempe sentra
point and many demo UMKM from Purwantoro into Bunulrejo. Reset and undo must restore the
stored rows exactly, on both backends.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo import wilayah
from geo.core import audit
from geo.ingest import demo
from geo.services import boundaries as sb
from geo.services import demo as demo_service
from geo.store import Store, StoreError
from geo.wilayah import citylayer as cl
from tests.test_store import store_url  # noqa: F401  (both backends)

BUNULREJO = "35.73.01.1008"
PURWANTORO = "35.73.01.1007"
LABEL = "Batas wilayah: Pemkot Malang, 2025"
AS_OF = dt.date(2025, 6, 1)


@functools.cache
def _grown(metres: float = 300.0) -> gpd.GeoDataFrame:
    kel = wilayah.kelurahan().to_crs(32749)
    b = kel.index[kel["kode"] == BUNULREJO][0]
    p = kel.index[kel["kode"] == PURWANTORO][0]
    strip = kel.geometry[p].intersection(kel.geometry[b].buffer(metres))
    geoms = kel.geometry.copy()
    geoms[b] = geoms[b].union(strip)
    geoms[p] = geoms[p].difference(strip)
    return kel.set_geometry(geoms).to_crs(4326)[["kode", "nama", "geometry"]]


def _city(metres: float = 300.0) -> cl.CityLayer:
    result = cl.validate_layer(_grown(metres).copy())
    assert result.ok, result.problems
    return result


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:  # noqa: F811
    s = Store(store_url)
    demo_service.load_into(s, demo.generate(count=400, seed=5), user="uji")
    yield s
    s.close()


def _snapshot(store: Store) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    return store.read_umkm(presisi_lokasi=True), store.read_sentra()


def _assert_same(store: Store, snap: tuple[gpd.GeoDataFrame, pd.DataFrame]) -> None:
    umkm, sentra = _snapshot(store)
    assert_geodataframe_equal(umkm, snap[0])
    pd.testing.assert_frame_equal(sentra, snap[1])


def test_dry_run_reports_and_changes_nothing(store: Store) -> None:
    snap, version = _snapshot(store), store.get_meta("data_version")
    plan = sb.use_layer(store, _city(), source_label=LABEL, user="uji", dry_run=True, as_of=AS_OF)
    assert plan.layer_id is None
    assert len(plan.changes) > 0
    assert set(plan.changes["kode_lama"]) == {PURWANTORO}
    assert set(plan.changes["kode_baru"]) == {BUNULREJO}
    moves = plan.comparison.umkm_moves
    assert moves[["dari", "ke"]].values.tolist() == [[PURWANTORO, BUNULREJO]]
    assert int(moves["jumlah"].iloc[0]) == len(plan.changes)
    assert "Sanan" in plan.comparison.sentra_moves["daftar"].iloc[0]
    areas = plan.comparison.areas.set_index("kode")
    assert areas.loc[BUNULREJO, "perubahan_persen"] > 30
    assert areas.loc[BUNULREJO, "iou"] < 0.8
    assert plan.comparison.outline_iou == pytest.approx(1.0, abs=1e-6)
    _assert_same(store, snap)
    assert store.get_meta("data_version") == version
    assert store.active_boundary_layer() is None


def test_use_then_reset_restores_exactly(store: Store) -> None:
    snap = _snapshot(store)
    before_counts = store.counts_per_kelurahan(by_point=True)
    plan = sb.use_layer(store, _city(), source_label=LABEL, user="admin", as_of=AS_OF)
    assert plan.layer_id is not None

    # Active for every face: the store's layer, its attribution, its spatial queries.
    active = store.active_boundary_layer()
    assert active is not None and active.sumber == LABEL
    layer = store.kelurahan_layer()
    assert cl.attribution(layer) == LABEL
    assert layer.geometry.geom_equals_exact(plan.layer.geometry, tolerance=1e-9).all()
    after_counts = store.counts_per_kelurahan(by_point=True)
    assert after_counts[BUNULREJO] > before_counts[BUNULREJO]

    # The UMKM kode were re-derived (point decides); every change is recorded.
    umkm = store.read_umkm().set_index("id")
    changed = plan.changes.set_index("umkm_id")
    assert (umkm.loc[changed.index, "kode_kelurahan"] == BUNULREJO).all()
    recorded = store.read_boundary_changes(plan.layer_id)
    assert recorded["umkm_id"].tolist() == changed.index.tolist()
    # Sentra are flagged, never moved.
    pd.testing.assert_frame_equal(store.read_sentra(), snap[1])
    flags = sb.sentra_flags(store)
    assert "Sanan" in " ".join(flags["nama"])
    assert set(flags["kode_titik"]) == {BUNULREJO}

    entries = audit.read(store)
    assert entries["aksi"].iloc[0] == audit.BOUNDARY_USE
    version = store.get_meta("data_version")

    layers, restored = sb.reset_layer(store, user="admin")
    assert (layers, restored) == (1, len(plan.changes))
    _assert_same(store, snap)
    assert store.active_boundary_layer() is None
    assert cl.attribution(store.kelurahan_layer()) == cl.attribution(None)
    pd.testing.assert_series_equal(store.counts_per_kelurahan(by_point=True), before_counts)
    assert audit.read(store)["aksi"].iloc[0] == audit.BOUNDARY_RESET
    assert store.get_meta("data_version") != version
    # Nothing left to reset: nothing recorded.
    assert sb.reset_layer(store, user="admin") == (0, 0)


def test_undo_steps_back_one_layer_at_a_time(store: Store) -> None:
    snap = _snapshot(store)
    first = sb.use_layer(store, _city(300), source_label="Lapisan A", user="admin", as_of=AS_OF)
    middle = _snapshot(store)
    second = sb.use_layer(store, _city(600), source_label="Lapisan B", user="admin", as_of=AS_OF)
    assert len(second.changes) > 0  # the wider strip moves more UMKM
    assert store.active_boundary_layer().sumber == "Lapisan B"

    assert sb.undo_layer(store, user="admin") == (second.layer_id, len(second.changes))
    assert store.active_boundary_layer().sumber == "Lapisan A"
    _assert_same(store, middle)
    assert sb.undo_layer(store, user="admin") == (first.layer_id, len(first.changes))
    _assert_same(store, snap)
    assert audit.read(store)["aksi"].iloc[0] == audit.BOUNDARY_UNDO
    with pytest.raises(StoreError, match="no boundary layer to undo"):
        sb.undo_layer(store, user="admin")
    history = store.read_boundary_layers()
    assert history["sumber"].tolist() == ["Lapisan A", "Lapisan B"]
    assert history["dibatalkan"].notna().all()


def test_reset_undoes_every_layer(store: Store) -> None:
    snap = _snapshot(store)
    sb.use_layer(store, _city(300), source_label="Lapisan A", user="admin", as_of=AS_OF)
    sb.use_layer(store, _city(600), source_label="Lapisan B", user="admin", as_of=AS_OF)
    layers, _ = sb.reset_layer(store, user="admin")
    assert layers == 2
    _assert_same(store, snap)


def test_reset_refused_when_a_row_changed_since(store: Store) -> None:
    plan = sb.use_layer(store, _city(), source_label=LABEL, user="admin", as_of=AS_OF)
    umkm_id = str(plan.changes["umkm_id"].iloc[0])
    row = pd.DataFrame(store.read_umkm()).drop(columns="geometry")
    row = row[row["id"] == umkm_id].assign(kode_kelurahan="35.73.02.1001")
    store.upsert_umkm(row)
    snap, version = _snapshot(store), store.get_meta("data_version")
    with pytest.raises(StoreError, match="changed since"):
        sb.reset_layer(store, user="admin")
    _assert_same(store, snap)
    assert store.get_meta("data_version") == version
    assert store.active_boundary_layer() is not None


def test_failed_audit_leaves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    snap, version = _snapshot(store), store.get_meta("data_version")

    def refuse(*_args: object, **_kwargs: object) -> int:
        raise StoreError("audit_log", "ditolak (uji)")

    monkeypatch.setattr(audit, "record", refuse)
    with pytest.raises(StoreError, match="ditolak"):
        sb.use_layer(store, _city(), source_label=LABEL, user="admin", as_of=AS_OF)
    _assert_same(store, snap)
    assert store.get_meta("data_version") == version
    assert store.active_boundary_layer() is None
    assert store.read_boundary_changes().empty


def test_invalid_layer_or_label_refused(store: Store) -> None:
    raw = _grown().copy()
    raw = raw[raw["kode"] != BUNULREJO]
    with pytest.raises(ValueError, match="Bunulrejo"):
        sb.use_layer(store, cl.validate_layer(raw), source_label=LABEL, user="admin")
    with pytest.raises(ValueError, match="source-label"):
        sb.use_layer(store, _city(), source_label="  ", user="admin")
    assert store.active_boundary_layer() is None


def test_kode_changes_rules() -> None:
    layer = _grown()
    inside = layer[layer["kode"] == BUNULREJO].geometry.iloc[0].representative_point()
    register = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "kode_kelurahan": [PURWANTORO, BUNULREJO, "35.73.02.1001", None],
            "lon": [inside.x, inside.x, float("nan"), 100.0],
            "lat": [inside.y, inside.y, float("nan"), 0.0],
        }
    )
    out = sb.kode_changes(register, layer)
    # a moves (point decides); b already right; c has no point; d is outside: both kept.
    assert out.to_dict("records") == [
        {"umkm_id": "a", "kode_lama": PURWANTORO, "kode_baru": BUNULREJO}
    ]


def test_active_layer_label_reaches_the_map(store: Store) -> None:
    from geo.render import mapview

    sb.use_layer(store, _city(), source_label=LABEL, user="admin", as_of=AS_OF)
    kel = store.kelurahan_layer()
    m = mapview.build_map(kelurahan=kel, kecamatan=None, umkm=None, sentra=None)
    html = m.get_root().render()
    assert LABEL in html
    assert "cahyadsn" not in html
