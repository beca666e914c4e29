"""The visit-planning page through AppTest: access, planning two officers, the visit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.core.i18n import t
from geo.ingest import demo
from geo.planning import routing
from geo.services import demo as demo_service
from geo.store import Store

APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('perencanaan') / 'umkm.sqlite'}"
    store = Store(url)
    demo_service.load_into(store, demo.generate(count=3_000, seed=21))
    store.close()
    return url


def _page(url, monkeypatch, *, role="perencana", user="perencana") -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.session_state["role"] = role
    if user:
        at.session_state["user"] = user
    at.run()
    at.switch_page("pages/perencanaan.py")
    at.run()
    return at


def _priority_caption(at: AppTest) -> float:
    """The priority in "Peringkat prioritas kini: 3 (prioritas 61,2)." of the history panel."""
    prefix = t("rute.log.prioritas_kini", "id").split("{")[0]
    text = next(c.value for c in at.caption if c.value.startswith(prefix))
    return float(text.rsplit("prioritas ", 1)[1].rstrip(").").replace(".", "").replace(",", "."))


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.label == t(key, "id"))


@pytest.mark.parametrize("role", ["publik", "pimpinan"])
def test_only_planners_and_admins_may_open_it(demo_url, monkeypatch, role):
    at = _page(demo_url, monkeypatch, role=role, user=None)
    assert not at.exception
    assert not [x for x in at.title if x.value == t("rute.title", "id")]


def test_plan_two_officers_and_keep_the_plan_across_reruns(demo_url, monkeypatch):
    calls = []
    real = routing.solve

    def counting(*args, **kwargs):
        calls.append(kwargs.get("officers"))
        return real(*args, **kwargs)

    monkeypatch.setattr(routing, "solve", counting)
    at = _page(demo_url, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("rute.title", "id")
    assert any("Data contoh" in str(w.value) for w in at.warning)
    picked = next(m for m in at.multiselect if m.label == t("rute.pilih.kelurahan", "id"))
    assert len(picked.value) == 5  # the five highest-priority flagged kelurahan
    officers = next(n for n in at.number_input if n.label == t("rute.param.petugas", "id"))
    officers.set_value(2).run()
    _button(at, "rute.solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert calls == [2]
    plan = at.session_state["rute_plan"]["plan"]
    assert plan.n_officers == 2
    assert all(not plan.route(o).empty for o in (1, 2))
    assert len(plan.routes[plan.routes["jenis"] != "depot"]) + len(plan.dropped) == 5
    assert any(m.value.startswith("Rute heuristik") for m in at.info)
    # A rerun (a download, a tab switch) shows the same plan without solving again.
    at.run()
    assert calls == [2]
    assert at.session_state["rute_plan"]["plan"].cost_s == plan.cost_s
    # Changing a choice says the plan is stale, still without solving.
    officers = next(n for n in at.number_input if n.label == t("rute.param.petugas", "id"))
    officers.set_value(3).run()
    assert calls == [2]
    assert any(m.value == t("rute.result.stale", "id") for m in at.info)


def test_log_a_visit_stores_it_audits_it_and_lowers_its_priority(demo_url, monkeypatch):
    at = _page(demo_url, monkeypatch)
    kode = next(s for s in at.selectbox if s.key == "log_kel").value
    before = Store(demo_url).read_visits()
    priority_before = _priority_caption(at)
    # Without an officer the form is refused, nothing is stored and nothing typed is lost.
    at.text_area[0].set_value("Perlu NIB untuk Malpro.")
    _button(at, "rute.log.simpan").click().run()
    assert not at.exception
    assert any("isi minimal satu petugas" in e.value for e in at.error)
    assert len(Store(demo_url).read_visits()) == len(before)
    assert at.text_area[0].value == "Perlu NIB untuk Malpro."
    other = next(x for x in at.text_input if x.label == t("rute.log.petugas_lain", "id"))
    other.set_value("Ani (Diskopindag)")
    needs = next(m for m in at.multiselect if m.label == t("rute.log.kebutuhan", "id"))
    needs.set_value(["perizinan", "literasi_keuangan"])
    _button(at, "rute.log.simpan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("tersimpan" in s.value for s in at.success), [e.value for e in at.error]
    store = Store(demo_url)
    after = store.read_visits()
    assert len(after) == len(before) + 1
    new = after[~after["id"].isin(before["id"])].iloc[0]
    assert new["kode_kelurahan"] == kode
    assert new["petugas"] == "Ani (Diskopindag)"
    assert new["kebutuhan"] == "perizinan,literasi_keuangan"
    assert new["catatan"] == "Perlu NIB untuk Malpro."
    assert at.text_area[0].value == ""  # a fresh form for the next visit
    assert _priority_caption(at) < priority_before  # the history panel's kelurahan
    audit = store.read_audit(limit=5)
    entry = audit[audit["objek"] == new["id"]].iloc[0]
    assert (entry["pengguna"], entry["aksi"]) == ("perencana", "kunjungan.tambah")


def test_the_page_speaks_english(demo_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.session_state["role"] = "admin"
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/perencanaan.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Visit planning"
    assert [b.label for b in at.button][:1] == ["Plan routes"]


def test_every_literal_message_key_exists():
    import re

    from geo.core.i18n import MESSAGES

    root = Path(__file__).resolve().parent.parent
    sources = ["pages/perencanaan.py", "geo/render/routemap.py", "geo/planning/routing_export.py"]
    keys = set()
    for name in sources:
        keys |= set(re.findall(r"[\"'](rute\.[a-z_.]+[a-z_])[\"']", (root / name).read_text()))
    assert len(keys) > 60
    assert sorted(k for k in keys if k not in MESSAGES) == []
    from geo.core.register import KEBUTUHAN, PRESISI_LOKASI
    from geo.planning.routing import STATUSES
    from geo.planning.stops import STOP_KINDS

    dynamic = [
        *(f"rute.presisi.{p}" for p in PRESISI_LOKASI),
        *(f"rute.kebutuhan.{c}" for c in KEBUTUHAN),
        *(f"rute.jenis.{k}" for k in (*STOP_KINDS, "depot")),
        *(f"rute.result.{s}" for s in STATUSES),
        "rute.travel.haversine",
        "rute.travel.osrm",
    ]
    assert [k for k in dynamic if k not in MESSAGES] == []


def test_a_dead_osrm_server_falls_back_to_the_estimate_and_says_so(demo_url, monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("OSRM_URL", f"http://127.0.0.1:{port}")
    at = _page(demo_url, monkeypatch)
    _button(at, "rute.solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("OSRM gagal" in w.value and "tidak dapat dihubungi" in w.value for w in at.warning)
    assert at.session_state["rute_plan"]["plan"].matrix_source == "haversine"
