"""The app script runs headless (AppTest): landing page in both languages, empty store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.core.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _run(lang: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    if lang is not None:
        app.session_state["lang"] = lang
    return app.run()


def _texts(app: AppTest) -> str:
    parts = [e.value for e in (*app.title, *app.caption, *app.info, *app.warning)]
    parts += [e.label for e in app.button]
    return "\n".join(str(p) for p in parts)


@pytest.mark.usefixtures("database_url")
@pytest.mark.parametrize("lang", ["id", "en"])
def test_landing_renders_in_each_language(lang: str) -> None:
    app = _run(lang)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == t("beranda.title", lang)
    assert t("beranda.intro", lang) in _texts(app)
    assert app.sidebar.selectbox[0].value == lang


@pytest.mark.usefixtures("database_url")
def test_default_language_is_bahasa_indonesia() -> None:
    app = _run()
    assert not app.exception
    assert app.session_state["lang"] == "id"
    assert app.button[0].label == "Buat data contoh"


@pytest.mark.usefixtures("database_url")
def test_language_selector_switches_texts() -> None:
    app = _run()
    app.sidebar.selectbox[0].set_value("en").run()
    assert not app.exception
    assert app.button[0].label == t("beranda.demo_button", "en")
    assert t("beranda.empty", "en") in _texts(app)


@pytest.mark.usefixtures("database_url")
def test_empty_store_offers_demo_data() -> None:
    app = _run("id")
    assert not app.exception
    assert t("beranda.empty", "id") in _texts(app)
    assert [b.label for b in app.button] == ["Buat data contoh"]
    assert not app.metric  # no figures without data


@pytest.mark.usefixtures("database_url")
def test_demo_button_fills_the_store_and_shows_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    import geo.ingest.demo

    real_generate = geo.ingest.demo.generate
    monkeypatch.setattr(geo.ingest.demo, "generate", lambda **kw: real_generate(**kw, count=2_000))
    app = _run("id")
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.button  # the store is no longer empty
    assert t("beranda.demo_banner", "id") in _texts(app)
    labels = [m.label for m in app.metric]
    assert labels[0] == t("beranda.metric_curated", "id")
    assert app.metric[1].value == "30.000"
    assert len(app.get("vega_lite_chart")) == 4


def test_figures_follow_a_dataset_replaced_by_another_process(database_url: str) -> None:
    from geo.ingest import demo
    from geo.store import Store

    store = Store(database_url)
    demo.load_into(store, demo.generate(seed=1, count=2_000))
    app = _run("id")
    assert not app.exception
    assert app.metric[0].value == "2.000"
    demo.load_into(store, demo.generate(seed=2, count=2_500))
    app.run()
    assert not app.exception
    assert app.metric[0].value == "2.500"
