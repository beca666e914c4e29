"""The explore page ("Peta UMKM") through AppTest: filters drive the figures, URL state."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.ingest import demo
from geo.services import demo as demo_service
from geo.store import Store

APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('peta') / 'umkm.sqlite'}"
    store = Store(url)
    demo_service.load_into(store, demo.generate(count=3_000, seed=21))
    store.close()
    return url


def _peta(demo_url, monkeypatch, *, role="perencana", query=None) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", demo_url)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["role"] = role
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/peta.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> int:
    value = next(m.value for m in at.metric if m.label == label)
    return int(value.replace(".", ""))


def _widget(at: AppTest, label: str):
    return next(w for w in at.sidebar.multiselect if w.label == label)


def test_anonymous_is_refused(demo_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("pages/peta.py")
    at.run()
    assert any("hanya untuk petugas" in e.value for e in at.error)
    assert not at.metric


def test_counts_follow_filters(demo_url, monkeypatch):
    at = _peta(demo_url, monkeypatch)
    assert at.warning[0].value.startswith("**Data contoh.**") or "Data contoh" in str(
        at.warning[0].value
    )
    total = _metric(at, "UMKM aktif")
    assert total == 3_000
    _widget(at, "Sektor").set_value(["kuliner"]).run()
    kuliner = _metric(at, "UMKM aktif")
    assert 0 < kuliner < total
    _widget(at, "Skala usaha").set_value(["mikro"]).run()
    kuliner_mikro = _metric(at, "UMKM aktif")
    assert 0 < kuliner_mikro < kuliner
    # The filter lives in the URL.
    assert at.query_params["sektor"] == "kuliner"
    assert at.query_params["skala"] == "mikro"


def test_kecamatan_cascades_to_kelurahan(demo_url, monkeypatch):
    at = _peta(demo_url, monkeypatch)
    assert len(_widget(at, "Kelurahan").options) == 57
    _widget(at, "Kecamatan").set_value(["35.73.04"]).run()
    assert len(_widget(at, "Kelurahan").options) == 11
    sukun = _metric(at, "UMKM aktif")
    assert 0 < sukun < 3_000


def test_url_state_round_trips(demo_url, monkeypatch):
    at = _peta(
        demo_url,
        monkeypatch,
        query={"sektor": "kriya", "metrik": "umkm_per_sahabat", "cari": "contoh"},
    )
    assert _widget(at, "Sektor").value == ["kriya"]
    assert at.sidebar.selectbox[-1].value == "umkm_per_sahabat" or any(
        s.value == "umkm_per_sahabat" for s in at.sidebar.selectbox
    )
    assert at.sidebar.text_input[0].value == "contoh"
    kriya = _metric(at, "UMKM aktif")
    assert 0 < kriya < 3_000
    assert at.query_params["metrik"] == "umkm_per_sahabat"


def test_search_by_name(demo_url, monkeypatch):
    at = _peta(demo_url, monkeypatch)
    search = next(w for w in at.sidebar.text_input if w.label == "Cari nama usaha")
    search.set_value("Tempe Contoh").run()
    tempe = _metric(at, "UMKM aktif")
    assert tempe > 0
    search = next(w for w in at.sidebar.text_input if w.label == "Cari nama usaha")
    search.set_value("tidak ada usaha bernama ini").run()
    assert _metric(at, "UMKM aktif") == 0
