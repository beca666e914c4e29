"""The explore page ("Peta UMKM") through AppTest: filters drive the figures, URL state."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.ingest import demo
from geo.services import demo as demo_service
from geo.store import Store
from geo.wilayah import sentra as sentra_module
from web import point_payloads

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


# --- the map stays light: same arguments after a rerun, inactive only when asked (issue 16) --
def _map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def test_a_rerun_sends_the_same_map(demo_url, monkeypatch):
    # A pan or zoom reruns the page (the position goes into the URL). The map's arguments must
    # then be identical, so Streamlit sends a reference to the message the browser has.
    at = _peta(demo_url, monkeypatch, query={"pusat": "-7.97000,112.63000", "zoom": "14"})
    first = _map_args(at)
    assert first["center"] == [-7.97, 112.63] and first["zoom"] == 14
    # After a pan the page has written the new position to the URL and to its session.
    moved = {"pusat": "-7.95000,112.60000", "zoom": "15"}
    for key, value in moved.items():
        at.query_params[key] = value
    at.session_state["peta_query"] = moved
    at.run()
    assert _map_args(at) == first
    # A shared link with another view (URL and session disagree) opens at its position.
    at.query_params["pusat"] = "-7.96000,112.61000"
    at.run()
    assert _map_args(at)["center"] == [-7.96, 112.61]
    _widget(at, "Sektor").set_value(["kuliner"]).run()
    assert _map_args(at)["script"] != first["script"]


def test_inactive_umkm_only_when_asked(demo_url, monkeypatch):
    at = _peta(demo_url, monkeypatch)
    script = _map_args(at)["script"]
    assert '"inactive":true' not in script
    assert "data-umkm-loaded" in script
    status = _widget(at, "Tampilkan status")
    assert status.value == ["aktif"]
    status.set_value(["aktif", "tidak_aktif"]).run()
    assert '"inactive":true' in _map_args(at)["script"]
    assert _metric(at, "UMKM aktif") == 3_000  # the headline still counts active ones
    assert at.query_params["status"] == "aktif,tidak_aktif"
    shared = _peta(demo_url, monkeypatch, query={"status": "tidak_aktif"})
    assert _widget(shared, "Tampilkan status").value == ["tidak_aktif"]
    script = _map_args(shared)["script"]
    assert script.count("L.markerClusterGroup(") == 1 and '"inactive":true' in script


def test_map_points_are_the_active_ones(demo_url, monkeypatch):
    at = _peta(demo_url, monkeypatch)
    script = _map_args(at)["script"]
    assert '"p":[' not in script  # the points are fetched by URL (web/point_routes.py)
    token, sha = re.search(r"/peta-data/([\w-]+)/([0-9a-f]{64})\.json", script).groups()
    payload = json.loads(point_payloads.REGISTRY.get(token, sha).data)
    assert len(payload["p"]) // 5 == _metric(at, "UMKM aktif") == 3_000


def test_the_rows_of_a_filter_are_one_shared_frame_never_changed(demo_url, monkeypatch):
    # Issue 16: at 1,000,000 UMKM every session used to unpickle its own copy of the rows
    # (st.cache_data). Now sessions share one frame (st.cache_resource), so no step of the
    # page may write into it: after two sessions, a profile click and the analysis layers,
    # the frame read once is still equal to what the database holds.
    import pandas as pd
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    reads = []
    original = Store.read_umkm_selected

    def spy(self, *args, **kwargs):
        frame = original(self, *args, **kwargs)
        reads.append((frame, frame.copy(deep=True)))
        return frame

    monkeypatch.setattr(Store, "read_umkm_selected", spy)
    drawn = []
    summary = sentra_module.sentra_summary
    monkeypatch.setattr(
        sentra_module,
        "sentra_summary",
        lambda sentra, rows: drawn.append(rows) or summary(sentra, rows),
    )
    first = _peta(demo_url, monkeypatch)
    first.session_state["peta_klik"] = Store(demo_url).kelurahan_layer()["kode"].iloc[0]
    first.run()
    assert not first.exception, [e.value for e in first.exception]
    assert any(s.value == "Profil kelurahan" for s in first.subheader)
    # Another metric: the second session builds its own map from the same rows.
    second = _peta(demo_url, monkeypatch, query={"metrik": "umkm_per_km2"})
    assert _metric(second, "UMKM aktif") == _metric(first, "UMKM aktif") == 3_000
    # One read for the map and the clusters of both sessions (same filter, same role).
    assert len(reads) == 1
    frame, snapshot = reads[0]
    # Both maps were drawn from that very frame, not from copies of it.
    assert len(drawn) == 2 and all(rows is frame for rows in drawn)
    pd.testing.assert_frame_equal(frame, snapshot)
