"""The data page ("Data") through AppTest: who may open it, import history, undo, export."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.core.i18n import t
from geo.ingest import demo
from geo.ingest.importer import PlanOptions, plan_import
from geo.ingest.readers import read_source
from geo.services import demo as demo_service
from geo.services.imports import commit_import
from geo.store import Store

APP = Path(__file__).resolve().parent.parent / "app.py"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(FIXTURES))


@pytest.fixture(scope="module")
def demo_data() -> demo.DemoData:
    return demo.generate(count=1_500, seed=4)


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_data: demo.DemoData) -> str:
    url = f"sqlite:///{tmp_path / 'data.sqlite'}"
    store = Store(url)
    demo_service.load_into(store, demo_data)
    store.close()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _data_page(role: str, lang: str = "id") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["role"] = role
    at.session_state["user"] = role
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("role", ["perencana", "admin"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_planners_and_admins_open_the_page(store_url: str, role: str, lang: str) -> None:
    at = _data_page(role, lang)
    assert at.title[0].value == t("data.title", lang)
    assert [tab.label for tab in at.tabs] == [
        t("data.tab_import", lang),
        t("data.tab_batches", lang),
        t("data.tab_export", lang),
        t("data.tab_batas", lang),
    ]
    assert t("data.batches_empty", lang) in [i.value for i in at.info]
    headers = [h.value for h in at.subheader]
    assert t("data.batas_sentra_header", lang) in headers
    assert (t("data.batas_header", lang) in headers) == (role == "admin")  # admins change layers


def test_misplaced_sentra_are_flagged_on_the_page(store_url: str) -> None:
    """A sentra whose point is in another kelurahan than its kode is listed, not moved."""
    store = Store(store_url)
    sentra = store.read_sentra()
    first = sentra.index[0]
    other = (
        "35.73.02.1008"
        if sentra.loc[first, "kode_kelurahan"] != "35.73.02.1008"
        else ("35.73.01.1007")
    )
    sentra.loc[first, "kode_kelurahan"] = other
    store.write_sentra(sentra.iloc[[first]])  # as an old import might have left it
    at = _data_page("perencana")
    tables = [d.value for d in at.dataframe]
    assert any(sentra.loc[first, "nama"] in table.to_string() for table in tables)


@pytest.mark.parametrize("role", ["pimpinan", "publik"])
def test_other_roles_are_refused(store_url: str, role: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["role"] = role
    at.run()
    at.switch_page("pages/data.py").run()
    assert [e.value for e in at.error] == [t("access.refused", "id")]
    assert not at.title or at.title[0].value != t("data.title", "id")


def test_undo_from_the_history_restores_the_register(store_url: str) -> None:
    store = Store(store_url)
    before = store.read_umkm(presisi_lokasi=True)
    plan = plan_import(
        read_source(FIXTURES / "messy.csv"),
        register=before,
        options=PlanOptions(place_missing=True),
    )
    result = commit_import(store, plan, user="perencana")
    assert store.count_umkm() == len(before) + result.ditambah

    at = _data_page("perencana")
    undo = next(b for b in at.button if b.key == "data_undo")
    assert undo.disabled  # not before the confirmation is ticked
    at.checkbox(key="data_undo_confirm").check().run()
    next(b for b in at.button if b.key == "data_undo").click().run()
    assert not at.exception
    done = t("data.undone", "id", batch=result.batch_id, deleted=result.ditambah, restored=0)
    assert done in [s.value for s in at.success]
    assert len(store.read_umkm()) == len(before)
    assert store.read_import_batches().empty


def test_export_prepares_a_file_of_the_filtered_register(store_url: str) -> None:
    at = _data_page("perencana")
    at.multiselect(key="data_export_sektor").set_value(["kuliner"]).run()
    next(b for b in at.button if b.key == "data_export_prepare").click().run()
    assert not at.exception
    store = Store(store_url)
    kuliner = int((store.read_umkm()["sektor"] == "kuliner").sum())
    count = t("data.export_count", "id", count=f"{kuliner:,}".replace(",", "."))
    assert count in [c.value for c in at.caption]
