"""Saved plans on Perencanaan Kunjungan (pages/_rencana.py) through AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.core.i18n import t
from geo.ingest import demo
from geo.services import demo as demo_service
from geo.services import plans
from geo.store import Store

APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('rencana') / 'umkm.sqlite'}"
    store = Store(url)
    demo_service.load_into(store, demo.generate(count=600, seed=21))
    for name in ("ani", "budi"):
        store.add_user(name, password_hash=None, peran="petugas")
    store.close()
    return url


def _page(url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.session_state["role"] = "perencana"
    at.session_state["user"] = "rina"
    at.run()
    at.switch_page("pages/perencanaan.py")
    at.run()
    return at


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.label == t(key, "id"))


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.exception] + [e.value for e in at.error]


def test_save_a_plan_see_its_live_status_and_cancel_it(demo_url, monkeypatch):
    at = _page(demo_url, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert any(i.value == t("rencana.daftar.kosong", "id") for i in at.info)
    # No plan yet: nothing to save.
    assert not [s for s in at.subheader if s.value == t("rencana.simpan.header", "id")]
    _button(at, "rute.solve").click().run()
    assert not _errors(at), _errors(at)
    plan = at.session_state["rute_plan"]["plan"]
    numbers = sorted({int(v) for v in plan.routes["petugas"]})
    assert numbers == [1, 2]
    at.selectbox(key="rencana_petugas_1").set_value("ani")
    at.selectbox(key="rencana_petugas_2").set_value("budi")
    title = next(x for x in at.text_input if x.label == t("rencana.simpan.judul", "id"))
    title.set_value("Pendampingan <b>Desember</b>")
    _button(at, "rencana.simpan.tombol").click().run()
    assert not _errors(at), _errors(at)
    store = Store(demo_url)
    listed = store.read_plans()
    assert len(listed) == 1
    plan_id = str(listed["id"].iloc[0])
    assert listed["judul"].iloc[0] == "Pendampingan <b>Desember</b>"
    assert list(store.read_plan_routes(plan_id)["petugas"]) == ["ani", "budi"]
    assert len(store.read_officer_stops("ani")) == len(plan.route(1)) - 2
    assert store.read_audit()["aksi"].iloc[0] == "rencana.simpan"
    assert any(s.value == t("rencana.simpan.berhasil", "id", id=plan_id) for s in at.success)
    # The same solved plan is not saved twice.
    assert any(s.value == t("rencana.simpan.sudah", "id", id=plan_id) for s in at.success)
    assert at.selectbox(key="rencana_buka").value == plan_id
    # The title is shown as text, not as HTML.
    assert any("&lt;b&gt;" in m.value or "\\<b\\>" in m.value for m in at.markdown), [
        m.value for m in at.markdown if "Desember" in m.value
    ]
    # An officer marks a stop: the planner sees it at the next run.
    henti = int(store.read_officer_stops("budi")["henti_id"].iloc[0])
    plans.mark_stop(store, henti, "tidak_bertemu", alasan="Toko tutup", user="budi")
    at.run()
    assert not _errors(at), _errors(at)
    tables = [d.value for d in at.dataframe]
    status_col = t("rencana.col.status", "id")
    route_tables = [d for d in tables if t("rencana.col.alasan", "id") in d.columns]
    assert len(route_tables) == 2
    assert "Toko tutup" in set(route_tables[1][t("rencana.col.alasan", "id")])
    assert t("rencana.henti.tidak_bertemu", "id") in set(route_tables[1][status_col])
    # Cancel: the button stays disabled until confirmed.
    assert at.button(key=f"rencana_batal_{plan_id}").disabled
    at.checkbox(key=f"rencana_batal_yakin_{plan_id}").check().run()
    at.button(key=f"rencana_batal_{plan_id}").click().run()
    assert not _errors(at), _errors(at)
    assert store.get_plan(plan_id)["status"] == "dibatalkan"
    assert store.read_officer_stops("ani").empty
    assert any(s.value == t("rencana.batal.berhasil", "id", id=plan_id) for s in at.success)
    assert any(i.value == t("rencana.daftar.kosong", "id") for i in at.info)
    assert store.read_audit()["aksi"].iloc[0] == "rencana.batal"


def test_replan_from_the_page_opens_the_new_plan(demo_url, monkeypatch):
    at = _page(demo_url, monkeypatch)
    _button(at, "rute.solve").click().run()
    _button(at, "rencana.simpan.tombol").click().run()  # routes left unassigned
    assert not _errors(at), _errors(at)
    store = Store(demo_url)
    old_id = at.selectbox(key="rencana_buka").value
    assert store.read_plan_routes(old_id)["petugas"].isna().all()
    first = store.read_plan_stops(old_id).iloc[0]
    plans.mark_stop(store, int(first["henti_id"]), "selesai", user="rina", peran="perencana")
    at.button(key=f"rencana_ulang_{old_id}").click().run()
    assert not _errors(at), _errors(at)
    new_id = at.selectbox(key="rencana_buka").value
    assert new_id != old_id
    assert store.get_plan(old_id)["status"] == "diganti"
    assert store.get_plan(new_id)["asal_id"] == old_id
    kept = store.read_plan_stops(new_id)
    assert kept.iloc[0]["objek_id"] == first["objek_id"] and kept.iloc[0]["status"] == "selesai"
    assert any(
        s.value == t("rencana.ulang.berhasil", "id", id=new_id, lama=old_id) for s in at.success
    )
    assert store.read_audit()["aksi"].iloc[0] == "rencana.ulang"
