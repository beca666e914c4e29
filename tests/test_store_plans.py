"""Tests for geo.store.plans: saved plans, routes, stops and their status, on both backends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geo.store import Store, StoreError
from geo.store.plans import OFFICER_STOP_COLUMNS, OFFICER_UMKM_COLUMNS
from tests import postgis

DAY = dt.date(2026, 12, 3)


@pytest.fixture(params=["sqlite", "postgis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgis":
        with postgis.fresh_schema_url() as url:
            s = Store(url)
            yield s
            s.close()
    else:
        s = Store(f"sqlite:///{tmp_path / 'umkm.sqlite'}")
        yield s
        s.close()


def umkm_rows(ids: list[str]) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame(
        {
            "id": pd.array(ids, dtype="string"),
            "nama_usaha": pd.array([f"Usaha {i}" for i in ids], dtype="string"),
            "pemilik": pd.array([f"Pemilik {i}" for i in ids], dtype="string"),
            "telepon": pd.array(["081234567890"] * n, dtype="string"),
            "alamat": pd.array([f"Jl. {i} No. 1" for i in ids], dtype="string"),
            "kode_kelurahan": pd.array(["35.73.05.1006"] * n, dtype="string"),
            "lat": [-7.95 - k / 1000 for k in range(n)],
            "lon": [112.61 + k / 1000 for k in range(n)],
            "sektor": pd.array(["kuliner"] * n, dtype="string"),
            "skala": pd.array(["mikro"] * n, dtype="string"),
            "sentra_id": pd.array([None] * n, dtype="string"),
            "tanggal_terkurasi": pd.Series([pd.Timestamp("2026-01-05")] * n).astype(
                "datetime64[s]"
            ),
            "status": pd.array(["aktif"] * n, dtype="string"),
            "modal": [1e6] * n,
            "omzet": [2e6] * n,
            "sumber": pd.array(["uji"] * n, dtype="string"),
        }
    )


def stop(objek: str, jenis: str = "umkm", **extra: Any) -> dict[str, Any]:
    return {
        "jenis": jenis,
        "objek_id": objek,
        "nama": f"Usaha {objek}",
        "kode_kelurahan": "35.73.05.1006",
        "lat": -7.95,
        "lon": 112.61,
        "rencana_tiba": "08:30",
        **extra,
    }


def write(store: Store, plan_id: str, routes: list[dict[str, Any]], **extra: Any) -> None:
    store.write_plan(
        {
            "id": plan_id,
            "tanggal": extra.pop("tanggal", DAY),
            "judul": "Pendampingan",
            "parameter": '{"officers": 2}',
            "pengguna": "rina",
            **extra,
        },
        routes,
    )


def two_officer_plan(store: Store, plan_id: str = "RK-20261203-01", **extra: Any) -> None:
    write(
        store,
        plan_id,
        [
            {
                "nomor": 1,
                "petugas": "ani",
                "jarak_km": 12.5,
                "durasi_menit": 240,
                "henti": [stop("U1"), stop("U2"), stop("35.73.05.1006", "kelurahan")],
            },
            {"nomor": 2, "petugas": "budi", "henti": [stop("U3"), stop("S1", "sentra")]},
        ],
        **extra,
    )


def test_write_and_read_a_plan(store: Store) -> None:
    two_officer_plan(store)
    plan = store.get_plan("RK-20261203-01")
    assert plan is not None
    assert plan["status"] == "aktif" and plan["tanggal"] == DAY and plan["asal_id"] is None
    assert plan["parameter"] == '{"officers": 2}'
    listed = store.read_plans()
    assert list(listed["id"]) == ["RK-20261203-01"]
    row = listed.iloc[0]
    assert (row["jumlah_rute"], row["jumlah_henti"], row["jumlah_selesai"]) == (2, 5, 0)
    routes = store.read_plan_routes("RK-20261203-01")
    assert list(routes["nomor"]) == [1, 2]
    assert list(routes["petugas"]) == ["ani", "budi"]
    assert routes["jarak_km"].iloc[0] == 12.5 and pd.isna(routes["jarak_km"].iloc[1])
    stops = store.read_plan_stops("RK-20261203-01")
    assert list(stops["urutan"]) == [1, 2, 3, 1, 2]
    assert list(stops["objek_id"]) == ["U1", "U2", "35.73.05.1006", "U3", "S1"]
    assert set(stops["status"]) == {"belum"}


def test_a_plan_id_is_written_once(store: Store) -> None:
    two_officer_plan(store)
    with pytest.raises(StoreError, match="already"):
        two_officer_plan(store)
    assert len(store.read_plan_stops("RK-20261203-01")) == 5


def test_a_bad_stop_stores_nothing(store: Store) -> None:
    with pytest.raises(StoreError):
        write(store, "RK-X", [{"nomor": 1, "petugas": None, "henti": [stop("U1", lat=None)]}])
    with pytest.raises(StoreError):
        write(store, "RK-Y", [{"nomor": 1, "henti": [stop("U1", status="hilang")]}])
    with pytest.raises(StoreError):  # two routes with the same number
        write(store, "RK-Z", [{"nomor": 1, "henti": []}, {"nomor": 1, "henti": []}])
    assert store.read_plans().empty
    assert store.get_plan("RK-Z") is None


def test_next_plan_id_counts_per_day(store: Store) -> None:
    assert store.next_plan_id(DAY) == "RK-20261203-01"
    two_officer_plan(store)
    two_officer_plan(store, "RK-20261203-07")
    assert store.next_plan_id(DAY) == "RK-20261203-08"
    assert store.next_plan_id(dt.date(2026, 12, 4)) == "RK-20261204-01"


def test_officer_stops_are_only_their_own_active_routes(store: Store) -> None:
    two_officer_plan(store)
    two_officer_plan(store, "RK-20261204-01", tanggal=dt.date(2026, 12, 4))
    ani = store.read_officer_stops("ani")
    assert list(ani.columns) == list(OFFICER_STOP_COLUMNS)
    assert list(ani["objek_id"]) == ["U1", "U2", "35.73.05.1006"] * 2
    assert list(ani["rencana_id"]) == ["RK-20261203-01"] * 3 + ["RK-20261204-01"] * 3
    budi = store.read_officer_stops("budi", tanggal=DAY)
    assert list(budi["objek_id"]) == ["U3", "S1"]
    assert set(budi["rencana_id"]) == {"RK-20261203-01"}
    assert store.read_officer_stops("cici").empty
    # A cancelled plan leaves every officer's list.
    store.set_plan_status("RK-20261203-01", "dibatalkan", when=dt.datetime(2026, 12, 3, 1))
    assert set(store.read_officer_stops("ani")["rencana_id"]) == {"RK-20261204-01"}
    assert store.get_plan("RK-20261203-01")["dibatalkan"] == dt.datetime(2026, 12, 3, 1)
    assert list(store.read_plans(status="aktif")["id"]) == ["RK-20261204-01"]


def test_stop_status_and_read_stop(store: Store) -> None:
    two_officer_plan(store)
    henti = int(store.read_officer_stops("budi")["henti_id"].iloc[0])
    before = store.read_stop(henti)
    assert before is not None
    assert before["petugas"] == "budi" and before["status_rencana"] == "aktif"
    assert before["status"] == "belum" and before["diperbarui"] is None
    store.set_stop_status(henti, "tidak_bertemu", alasan="Toko tutup")
    after = store.read_stop(henti)
    assert after["status"] == "tidak_bertemu" and after["alasan"] == "Toko tutup"
    assert isinstance(after["diperbarui"], dt.datetime)
    store.set_stop_status(henti, "selesai", kunjungan_id="KJ-00001")
    after = store.read_stop(henti)
    assert (after["status"], after["alasan"], after["kunjungan_id"]) == (
        "selesai",
        None,
        "KJ-00001",
    )
    assert store.read_plans()["jumlah_selesai"].iloc[0] == 1
    with pytest.raises(StoreError, match="unknown stop"):
        store.set_stop_status(999_999, "selesai")
    with pytest.raises(StoreError, match="unknown status"):
        store.set_stop_status(henti, "batal")
    assert store.read_stop(999_999) is None


def test_assign_route(store: Store) -> None:
    two_officer_plan(store)
    store.assign_route("RK-20261203-01", 2, "ani")
    assert len(store.read_officer_stops("ani")) == 5
    assert store.read_officer_stops("budi").empty
    store.assign_route("RK-20261203-01", 2, None)
    assert pd.isna(store.read_plan_routes("RK-20261203-01")["petugas"].iloc[1])
    with pytest.raises(StoreError, match="no route 3"):
        store.assign_route("RK-20261203-01", 3, "ani")


def test_umkm_for_officer_are_exactly_those_on_their_active_routes(store: Store) -> None:
    store.write_umkm(umkm_rows(["U1", "U2", "U3", "U4"]))
    two_officer_plan(store)
    ani = store.read_umkm_for_officer("ani")
    assert list(ani.columns) == list(OFFICER_UMKM_COLUMNS)
    assert list(ani["id"]) == ["U1", "U2"]
    assert list(ani["pemilik"]) == ["Pemilik U1", "Pemilik U2"]
    assert list(store.read_umkm_for_officer("budi")["id"]) == ["U3"]  # S1 is a sentra
    assert store.read_umkm_for_officer("cici").empty
    store.set_plan_status("RK-20261203-01", "diganti", when=dt.datetime(2026, 12, 3, 2))
    assert store.read_umkm_for_officer("ani").empty


def test_assignable_users(store: Store) -> None:
    for name, role, active in [
        ("ani", "petugas", True),
        ("budi", "petugas", False),
        ("rina", "perencana", True),
        ("pak", "pimpinan", True),
    ]:
        store.add_user(name, password_hash=None, peran=role, aktif=active)
    assert store.read_assignable_users(["petugas", "perencana", "admin"]) == ["ani", "rina"]


def test_plans_survive_a_backup_round_trip(store: Store, tmp_path: Path) -> None:
    from geo.store.backup import read_backup, restore_backup, write_backup

    two_officer_plan(store)
    henti = int(store.read_officer_stops("ani")["henti_id"].iloc[0])
    store.set_stop_status(henti, "tidak_bertemu", alasan="Pemilik ke pasar")
    path = tmp_path / "cadangan.zip"
    write_backup(store, path)
    _, tables = read_backup(path)
    assert len(tables["rencana_henti"]) == 5
    restore_backup(store, path)
    assert store.read_stop(henti)["alasan"] == "Pemilik ke pasar"
    # Sequences move past the restored rows: a new plan gets fresh route and stop ids.
    two_officer_plan(store, "RK-20261203-02")
    assert len(store.read_officer_stops("ani")) == 6
