"""Tests for geo.services.plans: save, assign, cancel, re-plan and stop status, both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geo.core import audit
from geo.planning import routing, stops
from geo.services import plans
from geo.store import Store
from geo.wilayah.sentra import load_offices
from tests import postgis

DAY = dt.date(2026, 12, 3)
FAST = routing.SolveOptions(time_limit_s=2, solution_limit=100)


@pytest.fixture(params=["sqlite", "postgis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgis":
        with postgis.fresh_schema_url() as url:
            s = Store(url)
            _accounts(s)
            yield s
            s.close()
    else:
        s = Store(f"sqlite:///{tmp_path / 'umkm.sqlite'}")
        _accounts(s)
        yield s
        s.close()


def _accounts(store: Store) -> None:
    for name, role, active in [
        ("ani", "petugas", True),
        ("budi", "petugas", True),
        ("cici", "petugas", False),
        ("pak", "pimpinan", True),
        ("rina", "perencana", True),
    ]:
        store.add_user(name, password_hash=None, peran=role, aktif=active)


def stop_table() -> pd.DataFrame:
    n = 7
    return stops.validate_stops(
        pd.DataFrame(
            {
                "id": [f"umkm:U{i}" for i in range(1, 6)] + ["kel:35.73.05.1006", "sentra:S1"],
                "nama": [f"Usaha U{i}" for i in range(1, 6)] + ["Kelurahan Oro", "Sentra Y"],
                "jenis": ["umkm"] * 5 + ["kelurahan", "sentra"],
                "alamat": ["Jl. Rumah Pemilik 1"] * 5 + ["Kel. Oro", "Jl. Sentra"],
                "kode_kelurahan": ["35.73.05.1006"] * n,
                "lat": [-7.95 - i * 0.004 for i in range(n)],
                "lon": [112.61 + i * 0.004 for i in range(n)],
            }
        )
    )


@pytest.fixture(scope="module")
def plan() -> routing.Plan:
    depot = stops.depot_from_offices(load_offices(), None)
    solved = routing.solve(stop_table(), depot, officers=2, options=FAST)
    assert {int(v) for v in solved.routes["petugas"]} == {1, 2}
    return solved


def save(store: Store, plan: routing.Plan, **petugas: str) -> str:
    assigned = {1: petugas.get("r1", "ani"), 2: petugas.get("r2", "budi")}
    request = plans.SaveRequest(tanggal=DAY, judul="Pendampingan Desember", petugas=assigned)
    return plans.save_plan(store, plan, request, user="rina")


def actions(store: Store) -> list[str]:
    return list(store.read_audit()["aksi"])


def test_save_stores_routes_stops_assignees_and_audits(store: Store, plan: routing.Plan) -> None:
    version = store.get_meta("data_version")
    plan_id = save(store, plan)
    assert plan_id == "RK-20261203-01"
    assert store.get_meta("data_version") != version
    record = store.get_plan(plan_id)
    assert (record["judul"], record["status"], record["pengguna"]) == (
        "Pendampingan Desember",
        "aktif",
        "rina",
    )
    routes = store.read_plan_routes(plan_id)
    assert list(routes["petugas"]) == ["ani", "budi"]
    assert routes["durasi_menit"].iloc[0] == pytest.approx(plan.officers["total_menit"].iloc[0])
    saved = store.read_plan_stops(plan_id)
    expected = plan.routes[plan.routes["jenis"] != "depot"]
    assert list(saved["rencana_tiba"]) == list(expected["tiba"])
    assert list(saved["objek_id"]) == [
        plans.objek_of(i, j) for i, j in expected[["id", "jenis"]].values
    ]
    assert set(saved["jenis"]) == {"umkm", "kelurahan", "sentra"}
    assert "35.73.05.1006" in set(saved["objek_id"]) and "S1" in set(saved["objek_id"])
    # The parameter holds what re-planning needs, without the owners' addresses.
    parameter = json.loads(record["parameter"])
    assert parameter["officers"] == 2 and parameter["start"] == plan.start
    assert parameter["depot"]["id"] == plan.depot.id
    assert len(parameter["stops"]) == 7
    assert all(s["alamat"] is None for s in parameter["stops"] if s["jenis"] == "umkm")
    assert "Jl. Rumah Pemilik" not in record["parameter"]
    entry = store.read_audit().iloc[0]
    assert (entry["aksi"], entry["objek"], entry["pengguna"]) == (audit.PLAN_SAVE, plan_id, "rina")
    assert "rute 1: ani" in entry["rincian"] and "7 perhentian" in entry["rincian"]
    # Listed, and the next plan of the day gets the next number.
    assert list(store.read_plans()["id"]) == [plan_id]
    assert save(store, plan) == "RK-20261203-02"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"judul": "  "}, "judul"),
        ({"judul": "x" * (plans.MAX_JUDUL + 1)}, "judul"),
        ({"petugas": {1: "cici"}}, "cici"),  # inactive
        ({"petugas": {1: "pak"}}, "pak"),  # pimpinan may not be given routes
        ({"petugas": {1: "siapa"}}, "siapa"),  # no such account
        ({"petugas": {3: "ani"}}, "rute 3"),
    ],
)
def test_save_refusals_store_nothing(
    store: Store, plan: routing.Plan, change: dict[str, object], message: str
) -> None:
    base = plans.SaveRequest(tanggal=DAY, judul="Rencana", petugas={1: "ani"})
    with pytest.raises(plans.PlanError, match=message):
        plans.save_plan(store, plan, dataclasses.replace(base, **change), user="rina")
    assert store.read_plans().empty
    assert audit.PLAN_SAVE not in actions(store)


def test_a_plan_without_routes_is_refused(store: Store, plan: routing.Plan) -> None:
    empty = dataclasses.replace(plan, routes=plan.routes.iloc[0:0])
    request = plans.SaveRequest(tanggal=DAY, judul="Kosong")
    with pytest.raises(plans.PlanError, match="tanpa rute"):
        plans.save_plan(store, empty, request, user="rina")


def test_officers_see_only_their_own_stops(store: Store, plan: routing.Plan) -> None:
    plan_id = save(store, plan)
    ani = store.read_officer_stops("ani", tanggal=DAY)
    budi = store.read_officer_stops("budi", tanggal=DAY)
    assert len(ani) == len(plan.route(1)) - 2 and len(budi) == len(plan.route(2)) - 2
    assert set(ani["henti_id"]).isdisjoint(set(budi["henti_id"]))
    assert set(ani["nomor"]) == {1} and set(budi["nomor"]) == {2}
    assert store.read_officer_stops("ani", tanggal=DAY + dt.timedelta(days=1)).empty
    umkm_ani = set(ani.loc[ani["jenis"] == "umkm", "objek_id"])
    assert umkm_ani  # both officers visit businesses
    assert store.read_plan_stops(plan_id)["petugas"].notna().all()


def test_assign_route_is_audited_and_checked(store: Store, plan: routing.Plan) -> None:
    plan_id = save(store, plan)
    plans.assign_route(store, plan_id, 2, "rina", user="rina")
    assert list(store.read_plan_routes(plan_id)["petugas"]) == ["ani", "rina"]
    assert store.read_officer_stops("budi").empty
    entry = store.read_audit().iloc[0]
    assert (entry["aksi"], entry["objek"], entry["rincian"]) == (
        audit.PLAN_ASSIGN,
        plan_id,
        "rute 2: rina",
    )
    plans.assign_route(store, plan_id, 2, None, user="rina")
    assert pd.isna(store.read_plan_routes(plan_id)["petugas"].iloc[1])
    with pytest.raises(plans.PlanError, match="rute 5"):
        plans.assign_route(store, plan_id, 5, "ani", user="rina")
    with pytest.raises(plans.PlanError, match="pak"):
        plans.assign_route(store, plan_id, 1, "pak", user="rina")
    with pytest.raises(plans.PlanError, match="tidak ada"):
        plans.assign_route(store, "RK-00000000-01", 1, "ani", user="rina")


def test_cancel_removes_the_routes_from_officers(store: Store, plan: routing.Plan) -> None:
    plan_id = save(store, plan)
    version = store.get_meta("data_version")
    plans.cancel_plan(store, plan_id, user="rina")
    record = store.get_plan(plan_id)
    assert record["status"] == "dibatalkan" and record["dibatalkan"] is not None
    assert store.read_officer_stops("ani").empty
    assert store.read_plans(status="aktif").empty
    assert list(store.read_plans()["status"]) == ["dibatalkan"]
    assert store.get_meta("data_version") != version
    assert actions(store)[0] == audit.PLAN_CANCEL
    with pytest.raises(plans.PlanError, match="dibatalkan"):
        plans.cancel_plan(store, plan_id, user="rina")
    henti = int(store.read_plan_stops(plan_id)["henti_id"].iloc[0])
    with pytest.raises(plans.PlanError, match="dibatalkan"):
        plans.mark_stop(store, henti, "selesai", user="ani")


def test_mark_stop_rules(store: Store, plan: routing.Plan) -> None:
    save(store, plan)
    mine = int(store.read_officer_stops("ani")["henti_id"].iloc[0])
    theirs = int(store.read_officer_stops("budi")["henti_id"].iloc[0])
    version = store.get_meta("data_version")
    plans.mark_stop(store, mine, "tidak_bertemu", alasan=" Toko tutup ", user="ani")
    stop = store.read_stop(mine)
    assert (stop["status"], stop["alasan"]) == ("tidak_bertemu", "Toko tutup")
    assert store.get_meta("data_version") != version
    entry = store.read_audit().iloc[0]
    assert (entry["aksi"], entry["objek"], entry["pengguna"]) == (
        audit.STOP_STATUS,
        f"henti {mine}",
        "ani",
    )
    assert "belum -> tidak_bertemu" in entry["rincian"]
    assert "Toko tutup" not in entry["rincian"]
    count = len(store.read_audit())
    with pytest.raises(plans.PlanError, match="bukan pada rute Anda"):
        plans.mark_stop(store, theirs, "selesai", user="ani")
    with pytest.raises(plans.PlanError, match="alasan wajib"):
        plans.mark_stop(store, mine, "tidak_bertemu", alasan="  ", user="ani")
    with pytest.raises(plans.PlanError, match="tidak dikenal"):
        plans.mark_stop(store, mine, "batal", user="ani")
    with pytest.raises(plans.PlanError, match="tidak ada"):
        plans.mark_stop(store, 999_999, "selesai", user="ani")
    assert len(store.read_audit()) == count
    assert store.read_stop(theirs)["status"] == "belum"
    # A planner may mark any stop; the reason is dropped for other statuses.
    plans.mark_stop(store, theirs, "selesai", alasan="ignored", user="rina", peran="perencana")
    assert (store.read_stop(theirs)["status"], store.read_stop(theirs)["alasan"]) == (
        "selesai",
        None,
    )
    plans.mark_stop(store, mine, "belum", user="ani")
    assert store.read_stop(mine)["alasan"] is None
    # A stop closed by a visit stays closed.
    store.set_stop_status(mine, "selesai", kunjungan_id="KJ-00042")
    with pytest.raises(plans.PlanError, match="KJ-00042"):
        plans.mark_stop(store, mine, "belum", user="rina", peran="admin")


def test_replan_keeps_done_stops_and_plans_the_rest(store: Store, plan: routing.Plan) -> None:
    old_id = save(store, plan)
    old = store.read_plan_stops(old_id)
    done_stop = old[old["nomor"] == 2].iloc[0]
    missed = old[old["nomor"] == 1].iloc[0]
    store.set_stop_status(int(done_stop["henti_id"]), "selesai", kunjungan_id="KJ-00007")
    plans.mark_stop(store, int(missed["henti_id"]), "tidak_bertemu", alasan="Tutup", user="ani")
    new_id = plans.replan(
        store, old_id, user="rina", options=plans.ReplanOptions(time_limit_s=2, solution_limit=100)
    )
    assert new_id == "RK-20261203-02"
    assert store.get_plan(old_id)["status"] == "diganti"
    new = store.get_plan(new_id)
    assert (new["status"], new["asal_id"], new["tanggal"]) == ("aktif", old_id, DAY)
    stops_new = store.read_plan_stops(new_id)
    # The visited stop is carried over first on its route, still done, with its visit.
    head = stops_new[stops_new["nomor"] == 2].iloc[0]
    assert (head["objek_id"], head["status"], head["kunjungan_id"]) == (
        done_stop["objek_id"],
        "selesai",
        "KJ-00007",
    )
    # Every other stop is planned again exactly once, as "belum" (the missed one too).
    rest = stops_new[stops_new["status"] != "selesai"]
    assert set(rest["status"]) == {"belum"}
    assert sorted(rest["objek_id"]) == sorted(
        old["objek_id"][old["henti_id"] != done_stop["henti_id"]]
    )
    assert (stops_new["status"] == "selesai").sum() == 1
    assert list(store.read_plan_routes(new_id)["petugas"]) == ["ani", "budi"]
    # Officers now see the new plan only; the old one stays as history.
    assert set(store.read_officer_stops("ani")["rencana_id"]) == {new_id}
    assert len(store.read_plan_stops(old_id)) == len(old)
    assert list(store.read_plans(status="aktif")["id"]) == [new_id]
    entry = store.read_audit().iloc[0]
    assert (entry["aksi"], entry["objek"]) == (audit.PLAN_REPLAN, new_id)
    assert f"dari {old_id}: 1 selesai" in entry["rincian"]
    with pytest.raises(plans.PlanError, match="diganti"):
        plans.replan(store, old_id, user="rina")


def test_replan_refuses_when_all_done_or_cancelled(store: Store, plan: routing.Plan) -> None:
    plan_id = save(store, plan)
    for henti in store.read_plan_stops(plan_id)["henti_id"]:
        store.set_stop_status(int(henti), "selesai")
    with pytest.raises(plans.PlanError, match="sudah selesai"):
        plans.replan(store, plan_id, user="rina")
    plans.cancel_plan(store, plan_id, user="rina")
    with pytest.raises(plans.PlanError, match="dibatalkan"):
        plans.replan(store, plan_id, user="rina")
    assert len(store.read_plans()) == 1


def test_replan_uses_the_warm_start_and_later_start(
    store: Store, plan: routing.Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id = save(store, plan)
    old = store.read_plan_stops(plan_id)
    store.set_stop_status(int(old["henti_id"].iloc[0]), "selesai")
    seen: list[routing.SolveOptions] = []
    real = routing.solve

    def spy(*args: object, **kwargs: object) -> routing.Plan:
        seen.append(kwargs["options"])  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(routing, "solve", spy)
    plans.replan(
        store, plan_id, user="rina", options=plans.ReplanOptions(start=11 * 60, solution_limit=50)
    )
    (options,) = seen
    assert options.start == 11 * 60
    assert (
        min(
            store.read_plan_stops(store.read_plans(status="aktif")["id"].iloc[0]).query(
                "status == 'belum'"
            )["rencana_tiba"]
        )
        >= "11:00"
    )
    if any(f.name == "initial_routes" for f in dataclasses.fields(routing.SolveOptions)):
        previous = [
            [
                f"{'kel' if j == 'kelurahan' else j}:{o}"
                for j, o in zip(g["jenis"], g["objek_id"], strict=True)
            ]
            for _, g in old.iloc[1:].groupby("nomor")
        ]
        assert [list(r) for r in options.initial_routes] == previous


def test_replan_refused_when_a_stop_closes_while_solving(
    store: Store, plan: routing.Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id = save(store, plan)
    henti = int(store.read_plan_stops(plan_id)["henti_id"].iloc[-1])
    real = routing.solve

    def closing(*args: object, **kwargs: object) -> routing.Plan:
        store.set_stop_status(henti, "selesai", kunjungan_id="KJ-00099")  # an officer, meanwhile
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(routing, "solve", closing)
    with pytest.raises(plans.PlanError, match="berubah"):
        plans.replan(store, plan_id, user="rina", options=plans.ReplanOptions(solution_limit=50))
    assert list(store.read_plans()["id"]) == [plan_id]
    assert store.get_plan(plan_id)["status"] == "aktif"
    assert audit.PLAN_REPLAN not in actions(store)


def test_parameter_round_trip(plan: routing.Plan) -> None:
    parameter = json.loads(json.dumps(plans.plan_parameter(plan)))
    table = plans.parameter_stops(parameter)
    assert list(table.columns) == list(stops.STOP_COLUMNS)
    assert list(table["id"]) == list(plan.stops["id"])
    assert plans.parameter_depot(parameter) == plan.depot
    with pytest.raises(plans.PlanError, match="depo"):
        plans.parameter_depot({})
    assert plans.read_parameter("not json") == {}
    assert plans.objek_of("kel:35.73.05.1006", "kelurahan") == "35.73.05.1006"
    assert plans.objek_of("P-9", "lain") == "P-9"
