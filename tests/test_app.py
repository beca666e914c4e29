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
    assert t("beranda.empty", "id") in _texts(app)


@pytest.mark.usefixtures("database_url")
def test_language_selector_switches_texts() -> None:
    app = _run()
    app.sidebar.selectbox[0].set_value("en").run()
    assert not app.exception
    assert t("beranda.empty", "en") in _texts(app)


def test_anonymous_beranda_on_an_empty_store_writes_nothing(database_url: str) -> None:
    """A visitor gets an explanation, no button: nothing an anonymous session does writes."""
    from geo.store import Store

    store = Store(database_url)
    before = (store.read_meta(), len(store.read_audit()))
    app = _run("id")
    assert not app.exception
    assert t("beranda.empty", "id") in _texts(app)
    assert not app.button
    links = [link.proto.label for link in app.get("page_link")]  # the menu: public pages
    assert t("beranda.demo_admin_link", "id") not in links and "Admin" not in links
    assert not app.metric  # no figures without data
    assert store.is_empty() and (store.read_meta(), len(store.read_audit())) == before


@pytest.mark.usefixtures("database_url")
def test_admin_sees_the_way_to_the_demo_load() -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["role"] = "admin"
    app.session_state["user"] = "kepala"
    app.run()
    assert not app.exception
    assert [b.key for b in app.button] == ["auth_logout"]  # Beranda itself never writes
    links = [link.proto.label for link in app.get("page_link")]
    assert t("beranda.demo_admin_link", "id") in links


def test_admin_loads_demo_data_audited(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import geo.ingest.demo
    from geo.store import Store

    real_generate = geo.ingest.demo.generate
    monkeypatch.setattr(
        geo.ingest.demo, "generate", lambda **kw: real_generate(**{**kw, "count": 2_000})
    )
    app = AppTest.from_file(APP, default_timeout=120)
    app.session_state["role"] = "admin"
    app.session_state["user"] = "kepala"
    app.switch_page("pages/admin.py").run()
    assert not app.exception
    app.button(key="admin_demo_load").click().run()
    assert not app.exception, [e.value for e in app.exception]
    store = Store(database_url)
    assert store.count_umkm() > 2_000
    log = store.read_audit()
    assert log.loc[0, ["pengguna", "aksi", "objek"]].tolist() == [
        "kepala",
        "data.ganti",
        "data contoh",
    ]
    assert store.get_meta("data_version")
    # Beranda shows the figures at its next run.
    home = AppTest.from_file(APP, default_timeout=60).run()
    assert home.metric[0].value == "2.000"


def test_demo_load_failure_shows_a_reference_not_a_traceback(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geo.ingest.demo

    def broken(**_kw: object) -> None:
        raise RuntimeError("/srv/secret/path exploded")

    monkeypatch.setattr(geo.ingest.demo, "generate", broken)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["role"] = "admin"
    app.session_state["user"] = "kepala"
    app.switch_page("pages/admin.py").run()
    app.button(key="admin_demo_load").click().run()
    assert not app.exception
    shown = "\n".join(str(e.value) for e in (*app.error, *app.markdown, *app.text))
    shown += "\n".join(s.label for s in app.status)
    assert "/srv/secret" not in shown and "Traceback" not in shown
    assert "rujukan log server" in shown


def test_figures_follow_a_dataset_replaced_by_another_process(database_url: str) -> None:
    from geo.ingest import demo
    from geo.services import demo as demo_service
    from geo.store import Store

    store = Store(database_url)
    demo_service.load_into(store, demo.generate(seed=1, count=2_000))
    app = _run("id")
    assert not app.exception
    assert app.metric[0].value == "2.000"
    demo_service.load_into(store, demo.generate(seed=2, count=2_500))
    app.run()
    assert not app.exception
    assert app.metric[0].value == "2.500"


def test_beranda_shows_counts_from_the_database_never_the_rows(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 16: the public landing page must not hold the register (1,000,000 rows per
    # process at scale); every figure comes from Store.umkm_counts.
    from geo.ingest import demo
    from geo.services import demo as demo_service
    from geo.store import Store

    demo_service.load_into(Store(database_url), demo.generate(seed=3, count=2_000))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("Beranda read the register's rows")

    monkeypatch.setattr(Store, "read_umkm", refuse)
    monkeypatch.setattr(Store, "read_umkm_selected", refuse)
    app = _run("id")
    assert not app.exception, [e.value for e in app.exception]
    assert app.metric[0].value == "2.000"
    assert len(app.get("vega_lite_chart")) == 4  # curve, sektor, kecamatan, skala
