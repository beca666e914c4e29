"""Dasbor Pimpinan through AppTest: figures equal dashboard_figures, the period drives them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from geo.analysis import kpi
from geo.core.i18n import t
from geo.ingest import demo
from geo.render import brief
from geo.services import demo as demo_service
from geo.store import Store
from tests.conftest import store_figures

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "dasbor.py")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('dasbor') / 'umkm.sqlite'}"
    store = Store(url)
    demo_service.load_into(store, demo.generate(count=1_500))
    store.close()
    return url


@pytest.fixture
def use_demo(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_url)
    return demo_url


def _run(role: str = "pimpinan", lang: str = "id") -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["role"] = role
    app.session_state["lang"] = lang
    return app.run()


def _tiles(app: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in app.metric]


def _expected(figures: kpi.DashboardFigures, lang: str = "id") -> list[tuple[str, str]]:
    return [(tile.label, tile.value) for tile in kpi.kpi_tiles(figures, lang=lang)]


def test_default_period_is_the_quarter_of_the_latest_data(use_demo: str) -> None:
    app = _run()
    assert not app.exception, [e.value for e in app.exception]
    figures = store_figures(use_demo, "2026-Q4")
    assert figures.latest is not None and figures.latest.month in (10, 11)
    assert app.selectbox[0].value == "2026-Q4"
    assert _tiles(app) == _expected(figures)
    assert t("beranda.demo_banner", "id") in [w.value for w in app.warning]
    # Trend, kecamatan, sector, size and kelurahan charts; kecamatan, priority and context tables.
    assert len(app.get("vega_lite_chart")) == 5
    assert len(app.dataframe) == 3
    priority = app.dataframe[1].value
    assert list(priority.iloc[:, 1]) == list(figures.priority["nama"])
    context = app.dataframe[2].value
    assert list(context.iloc[:, 2]) == ["40.620", "38.560", "37.780"]
    assert len(app.image) == 1  # the choropleth


def test_the_period_selector_drives_every_figure(use_demo: str) -> None:
    app = _run()
    app.segmented_control(key="dasbor_period_kind").set_value("year").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox[0].value == "2026"
    assert _tiles(app) == _expected(store_figures(use_demo, "2026"))
    app.selectbox[0].set_value("2025").run()
    figures = store_figures(use_demo, "2025")
    assert _tiles(app) == _expected(figures)
    assert figures.as_of.isoformat() == "2025-12-31"
    kecamatan = app.dataframe[0].value
    assert list(kecamatan.iloc[:, 0]) == list(figures.kecamatan["nama"])
    assert list(kecamatan.iloc[:, 1]) == list(brief.kecamatan_table(figures).iloc[:, 1])

    app.segmented_control(key="dasbor_period_kind").set_value("month").run()
    assert app.selectbox[0].value == "2026-11"
    assert _tiles(app) == _expected(store_figures(use_demo, "2026-11"))


def test_english(use_demo: str) -> None:
    app = _run(lang="en")
    assert not app.exception
    assert app.title[0].value == t("dasbor.title", "en")
    assert _tiles(app) == _expected(store_figures(use_demo, "2026-Q4", lang="en"), lang="en")


@pytest.mark.parametrize("role", ["publik", "perencana"])
def test_other_roles_are_refused(use_demo: str, role: str) -> None:
    app = _run(role=role)
    assert not app.metric
    assert [e.value for e in app.error] == [t("access.refused", "id")]


def test_brief_button_makes_a_pdf_with_the_same_figures(use_demo: str) -> None:
    app = _run()
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.status[0].label == t("dasbor.brief_done", "id")
    download = app.download_button[0]
    assert download.label == t("dasbor.brief_download", "id", name="laporan-ringkas-2026-Q4.pdf")
    stored_key, data = app.session_state["dasbor_brief"]
    assert stored_key == ("2026-Q4", "pdf", "id")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    for label, value in _tiles(app):
        assert lines[lines.index(label) + 1] == value


def test_empty_store_says_so(database_url: str) -> None:
    app = _run()
    assert not app.exception
    assert [i.value for i in app.info] == [t("dasbor.empty", "id")]
    assert not app.metric
