"""The public face: cards, suppression, filters, links, map, download, and no personal data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import wilayah
from geo.analysis import publik
from geo.core import settings
from geo.core.register import strip_personal
from geo.ingest import demo
from geo.render.publik import public_map
from geo.services import demo as demo_service
from geo.store import Store
from geo.wilayah.sentra import load_sentra

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def _sentra(**overrides: object) -> pd.DataFrame:
    row = {
        "id": "s1",
        "nama": "Sentra Uji",
        "komoditas": "tempe, keripik tempe",
        "sektor": "kuliner",
        "kode_kelurahan": "35.73.01.1007",
        "alamat": "Kampung Sanan",
        "lat": -7.9609,
        "lon": 112.64351,
        "presisi_lokasi": "jalan",
        "deskripsi": "Uji",
        "publik": True,
    }
    row.update(overrides)
    return pd.DataFrame([row])


def _register(sentra_ids: list[str | None], status: str = "aktif") -> pd.DataFrame:
    return pd.DataFrame({"sentra_id": sentra_ids, "status": [status] * len(sentra_ids)})


# --- Small-cell suppression ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "lang", "label"),
    [
        (0, "id", "<5"),
        (1, "id", "<5"),
        (4, "id", "<5"),
        (5, "id", "5"),
        (21270, "id", "21.270"),
        (21270, "en", "21,270"),
        (None, "id", "–"),
    ],
)
def test_suppressed_label(count: int | None, lang: str, label: str) -> None:
    assert publik.suppressed_label(count, lang=lang) == label


def test_suppress_counts_removes_exact_small_values() -> None:
    counts = pd.DataFrame({"label": ["a", "b", "c", "d"], "jumlah": [3, 2, 5, 1200]})
    out = publik.suppress_counts(counts)
    assert out["jumlah_label"].tolist() == ["<5", "<5", "5", "1.200"]
    assert out["jumlah"].isna().tolist() == [True, True, False, False]
    assert out["jumlah"].dropna().tolist() == [5, 1200]
    assert counts["jumlah"].tolist() == [3, 2, 5, 1200]  # the input is untouched


def test_one_small_cell_beside_a_total_gets_a_complement() -> None:
    """Total minus the shown cells must not give a suppressed value (issue 13.7)."""
    counts = pd.DataFrame({"label": ["a", "b", "c", "d"], "jumlah": [1200, 3, 40, 9]})
    total = int(counts["jumlah"].sum())  # shown on Beranda beside the bars
    out = publik.suppress_counts(counts)
    assert out["jumlah_label"].tolist() == ["1.200", "<5", "40", "≥5"]
    hidden = total - int(out["jumlah"].dropna().sum())
    assert hidden == 3 + 9  # only the sum of two withheld cells, never one of them
    assert publik.suppress_counts(counts, complementary=False)["jumlah"].isna().sum() == 1


# --- Cards -------------------------------------------------------------------------------------


def test_card_counts_active_umkm_and_suppresses_small_cells() -> None:
    sentra = pd.concat(
        [_sentra(id="besar", nama="B"), _sentra(id="kecil", nama="K"), _sentra(id="nol", nama="N")]
    )
    register = pd.concat(
        [
            _register(["besar"] * 7 + ["kecil"] * 4 + [None] * 3),
            _register(["besar"] * 10 + ["kecil"] * 10, status="tidak_aktif"),
        ]
    )
    cards = publik.sentra_cards(sentra, register).set_index("id")
    assert cards["jumlah_umkm"].to_dict() == {"besar": "7", "kecil": "<5", "nol": "<5"}
    assert list(cards.reset_index().columns) == list(publik.CARD_COLUMNS)


def test_cards_leave_out_non_public_sentra_and_personal_columns() -> None:
    sentra = pd.concat([_sentra(id="a", nama="A"), _sentra(id="b", nama="B", publik=False)])
    register = _register(["a"] * 6).assign(
        pemilik="Pemilik Contoh 00001", telepon="+62800000001", alamat="Jl. Contoh No. 1"
    )
    cards = publik.sentra_cards(sentra, register)
    assert cards["id"].tolist() == ["a"]
    flat = cards.astype(str).to_csv()
    assert "Pemilik" not in flat and "+62800" not in flat and "Jl. Contoh" not in flat


def test_cards_name_kelurahan_kecamatan_sector_and_precision() -> None:
    kel = pd.DataFrame({"kode": ["35.73.01.1007"], "nama": ["Purwantoro"]})
    card = publik.sentra_cards(_sentra(), None, kelurahan=kel).iloc[0]
    assert (card["kelurahan"], card["kecamatan"]) == ("Purwantoro", "Blimbing")
    assert card["sektor_label"] == "Kuliner (makanan-minuman)"
    assert card["produk"] == ["tempe", "keripik tempe"]
    assert card["presisi_label"] == "Perkiraan di jalan/kawasan"
    assert card["jumlah_umkm"] == "<5"
    en = publik.sentra_cards(_sentra(), None, kelurahan=kel, lang="en").iloc[0]
    assert (en["sektor_label"], en["presisi_label"]) == (
        "Food and drink",
        "Approximate, on the street or area",
    )


def test_directions_and_share_links() -> None:
    url = publik.directions_url(-7.9609, 112.64351)
    assert url == "https://www.google.com/maps/dir/?api=1&destination=-7.960900,112.643510"
    card = publik.sentra_cards(_sentra(), None).iloc[0]
    assert card["directions_url"] == url
    link = publik.share_url("https://peta.malangkota.go.id/sentra_publik?x=1#top", "kampung raket")
    parsed = urlparse(link)
    assert parsed.path == "/sentra_publik" and parse_qs(parsed.query) == {
        "sentra": ["kampung raket"]
    }
    assert publik.share_url("", "sanan-tempe") == "?sentra=sanan-tempe"


def test_selected_sentra_accepts_only_public_ids() -> None:
    cards = publik.sentra_cards(
        pd.concat([_sentra(id="a"), _sentra(id="rahasia", publik=False)]), None
    )
    assert publik.selected_sentra({"sentra": "a"}, cards) == "a"
    assert publik.selected_sentra({"sentra": ["a"]}, cards) == "a"
    assert publik.selected_sentra({"sentra": "rahasia"}, cards) is None
    assert publik.selected_sentra({"sentra": "<script>"}, cards) is None
    assert publik.selected_sentra({}, cards) is None


# --- Search and filters ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def city_cards() -> pd.DataFrame:
    return publik.sentra_cards(load_sentra(), None, kelurahan=wilayah.kelurahan())


def test_search_is_forgiving(city_cards: pd.DataFrame) -> None:
    def names(**kw: object) -> list[str]:
        return publik.filter_cards(city_cards, **kw)["id"].tolist()

    assert names(query="TEMPE") == ["sanan-tempe"]
    assert names(query="  keripik   tempe ") == ["sanan-tempe"]
    assert names(query="Purwantoro") == ["sanan-tempe"]  # kelurahan name
    assert set(names(query="rotan")) == {"rotan-tasikmadu", "rotan-balearjosari"}
    assert names(query="raket bandungrejosari") == ["kampung-raket"]
    assert names(query="tidak ada di mana pun") == []
    assert len(names()) == len(city_cards)


def test_filters_by_komoditas_and_kecamatan(city_cards: pd.DataFrame) -> None:
    options = publik.komoditas_options(city_cards)
    assert "tempe" in options and "rotan" in options and options == sorted(options, key=str.lower)
    assert publik.kecamatan_options(city_cards) == [
        k for k in settings.KECAMATAN_NAMES.values() if k in set(city_cards["kecamatan"])
    ]
    rotan = publik.filter_cards(city_cards, komoditas=["Rotan"])
    assert all("rotan" in items for items in rotan["produk"]) and len(rotan) >= 2
    lowokwaru = publik.filter_cards(city_cards, kecamatan=["Lowokwaru"])
    assert set(lowokwaru["kecamatan"]) == {"Lowokwaru"}
    both = publik.filter_cards(city_cards, komoditas=["rotan"], kecamatan=["Blimbing"])
    assert both["id"].tolist() == ["rotan-balearjosari"]


# --- Map and download --------------------------------------------------------------------------


def test_public_map_has_every_card_and_the_attribution(city_cards: pd.DataFrame) -> None:
    html = public_map(city_cards, kecamatan=wilayah.kecamatan()).get_root().render()
    assert html.count("peta-sentra-publik") == len(city_cards)
    assert settings.UPSTREAM_ATTRIBUTION in html
    assert "google.com/maps/dir/?api=1" in html
    selected = public_map(city_cards, selected="kampung-raket").get_root().render()
    assert selected.count("#d7191c") == 1  # one red-ringed star


def test_cards_csv_is_the_public_card_only(city_cards: pd.DataFrame) -> None:
    data = publik.cards_csv(city_cards)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(city_cards)
    assert list(rows[0]) == [
        "nama",
        "komoditas",
        "sektor",
        "kelurahan",
        "kecamatan",
        "alamat",
        "lintang",
        "bujur",
        "ketepatan_lokasi",
        "jumlah_umkm",
        "petunjuk_arah",
    ]
    en = publik.cards_csv(city_cards, lang="en").decode("utf-8-sig")
    assert en.startswith("name,products,sector")


# --- No personal data reaches the public (AppTest) ---------------------------------------------


@pytest.fixture(scope="module")
def demo_data() -> demo.DemoData:
    return demo.generate()


@pytest.fixture(scope="module")
def personal_needles(demo_data: demo.DemoData) -> list[str]:
    umkm = demo_data.umkm
    values = pd.concat([umkm["pemilik"], umkm["telepon"], umkm["alamat"]]).dropna().astype(str)
    return sorted(set(values))


@pytest.fixture(scope="module")
def demo_db(demo_data: demo.DemoData, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('publik') / 'umkm.sqlite'}"
    store = Store(url)
    demo_service.load_into(store, demo_data)
    store.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        yield url


def _everything(app: AppTest) -> str:
    """Every byte the script produced, as text: each element's protobuf, recursively."""
    parts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            parts.append(proto.SerializeToString().decode("utf-8", errors="replace"))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return "\n".join(parts)


def assert_no_personal(text: str, needles: list[str]) -> None:
    """Fail naming the first personal value found in ``text``."""
    for marker in ("Pemilik Contoh", "+62800", "Jl. Contoh No."):
        assert marker not in text, f"personal data pattern {marker!r} in public output"
    found = [n for n in needles if n in text]
    assert not found, f"{len(found)} personal values in public output, e.g. {found[:3]}"


def test_personal_needles_are_the_demo_owners(personal_needles: list[str]) -> None:
    # 21,270 active + 3 % inactive businesses, each with an owner, a phone and an address.
    assert len([n for n in personal_needles if n.startswith("Pemilik Contoh")]) > 21_270
    assert any(n.startswith("+62800") for n in personal_needles)


@pytest.mark.parametrize("page", ["pages/sentra_publik.py", "pages/beranda.py"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_public_pages_render_without_personal_data(
    demo_db: str, personal_needles: list[str], page: str, lang: str
) -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.session_state["lang"] = lang
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error
    text = _everything(app)
    assert len(text) > 2_000  # the page really rendered (cards, charts)
    if page.endswith("sentra_publik.py"):
        assert "Sentra Tempe dan Keripik Tempe Sanan" in text
        assert "google.com/maps/dir/?api=1" in text
        assert "streamlit_folium" in text or "leaflet" in text.lower()
    assert_no_personal(text, personal_needles)


@pytest.mark.parametrize("page", ["pages/sentra_publik.py", "pages/beranda.py"])
def test_public_pages_read_counts_never_the_rows(
    demo_db: str, page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 16: at 1,000,000 UMKM the public pages must not hold the register; the database
    # counts UMKM per sentra, kelurahan, sector, size, status and day.
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError(f"{page} read the register's rows")

    monkeypatch.setattr(Store, "read_umkm", refuse)
    monkeypatch.setattr(Store, "read_umkm_selected", refuse)
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(_everything(app)) > 2_000


def test_shared_link_opens_the_card(demo_db: str, personal_needles: list[str]) -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["sentra"] = "kampung-raket"
    app.switch_page("pages/sentra_publik.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.subheader[0].value == "Sentra yang dibagikan"
    assert "sentra_publik?sentra=kampung-raket" in app.code[0].value
    assert_no_personal(_everything(app), personal_needles)


def test_search_in_the_page_filters_cards(demo_db: str) -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/sentra_publik.py").run()
    app.text_input(key="publik_q").input("rotan").run()
    assert not app.exception
    headers = [m.value for m in app.markdown if m.value.startswith("#### ")]
    assert sorted(headers) == [  # Markdown source: data is escaped (shown as typed)
        "#### Sentra Industri Rotan Balearjosari",
        "#### Sentra Rotan Jl\\. Bulu Tangkis",
    ]


def test_public_download_has_no_personal_data(
    demo_data: demo.DemoData, personal_needles: list[str]
) -> None:
    cards = publik.sentra_cards(
        demo_data.sentra, strip_personal(demo_data.umkm), kelurahan=wilayah.kelurahan()
    )
    text = publik.cards_csv(cards).decode("utf-8-sig")
    assert "Sentra Tempe dan Keripik Tempe Sanan" in text
    assert_no_personal(text, personal_needles)


def test_sentra_text_is_never_markdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name or komoditas in Markdown syntax is shown as typed: no image, no link (13.6)."""
    from geo.core.escape import markdown_text

    url = f"sqlite:///{tmp_path / 'md.sqlite'}"
    store = Store(url)
    data = demo.generate(count=1_200, seed=3)
    sentra = data.sentra.copy()
    sentra.loc[sentra.index[0], "nama"] = "![x](http://host.invalid/img.png)"
    sentra.loc[sentra.index[0], "komoditas"] = "[tautan](http://evil.invalid), :red[merah]"
    sentra.loc[sentra.index[0], "alamat"] = "**tebal** <img src=x onerror=alert(1)>"
    demo_service.load_into(store, demo.DemoData(**{**data.__dict__, "sentra": sentra}))
    monkeypatch.setenv("DATABASE_URL", url)
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/sentra_publik.py").run()
    assert not app.exception, [e.value for e in app.exception]
    sources = [e.value for e in (*app.markdown, *app.caption)]
    text = "\n".join(sources)
    assert "#### " + markdown_text("![x](http://host.invalid/img.png)") in sources
    assert markdown_text("[tautan](http://evil.invalid)") in text
    assert "](http://host.invalid" not in text and "](http://evil.invalid" not in text
    assert markdown_text("**tebal** <img src=x onerror=alert(1)>") in text
    assert ":red[merah]" not in text and "<img src=x" not in text.replace("\\<img", "")
