import pytest

from geo.core.i18n import (
    LANGUAGES,
    MESSAGES,
    UNKNOWN_CATEGORY,
    category_label,
    chart_locale,
    format_number,
    format_percent,
    number_separators,
    placeholders,
    t,
)
from geo.core.register import SECTORS, SIZE_CLASSES, STATUS


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_every_language(key: str) -> None:
    texts = MESSAGES[key]
    assert set(texts) == set(LANGUAGES), key
    assert all(text.strip() for text in texts.values()), key


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_placeholders_match_between_languages(key: str) -> None:
    found = {lang: placeholders(text) for lang, text in MESSAGES[key].items()}
    assert found["en"] == found["id"], key


def test_t_formats_and_falls_back_to_id() -> None:
    assert t("nav.beranda") == "Beranda"
    assert t("nav.beranda", "en") == "Home"
    assert t("nav.beranda", "fr") == "Beranda"
    assert t("beranda.demo_done", "en", count="21,270") == "Sample data ready: 21,270 UMKM."


def test_t_raises_on_unknown_key() -> None:
    with pytest.raises(KeyError):
        t("beranda.no_such_key")


def test_t_raises_on_missing_placeholder_value() -> None:
    with pytest.raises(KeyError):
        t("beranda.demo_done", "id", jumlah=1)


def test_official_terms_stay_in_english() -> None:
    assert "Sahabat UMKM" in t("beranda.progress_header", "en")
    assert "kecamatan" in t("beranda.by_kecamatan", "en")
    assert t("beranda.demo_button") == "Buat data contoh"
    assert "Data contoh" in t("beranda.demo_banner", "en")


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (21270, "id", 0, "21.270"),
        (21270, "en", 0, "21,270"),
        (30000, "id", 0, "30.000"),
        (999, "id", 0, "999"),
        (0, "id", 0, "0"),
        (-2270, "id", 0, "-2.270"),
        (1234567.891, "id", 2, "1.234.567,89"),
        (1234567.891, "en", 2, "1,234,567.89"),
        (3.5, "id", 1, "3,5"),
        (21270, "xx", 0, "21.270"),
    ],
)
def test_format_number(value: float, lang: str, decimals: int, expected: str) -> None:
    assert format_number(value, lang, decimals=decimals) == expected


def test_format_percent() -> None:
    assert format_percent(21270 / 30000) == "70,9%"
    assert format_percent(21270 / 30000, "en") == "70.9%"
    assert format_percent(0.11947, "id", decimals=2) == "11,95%"
    assert format_percent(1.0, "id", decimals=0) == "100%"


def test_category_labels_cover_the_register_taxonomy() -> None:
    for lang in LANGUAGES:
        for code in SECTORS:
            assert category_label("sektor", code, lang) != code
        for code in (*SIZE_CLASSES, *STATUS, UNKNOWN_CATEGORY):
            column = "skala" if code in SIZE_CLASSES else "status"
            assert category_label(column, code, lang) != code
    assert category_label("sektor", "kuliner", "en") == "Food and drink"
    assert category_label("skala", "mikro", "id") == "Mikro"
    assert category_label("sektor", "no_such_sector") == "no_such_sector"
    assert category_label("kecamatan", "Klojen") == "Klojen"


def test_signed_numbers_and_separators() -> None:
    assert format_number(2270, "id", signed=True) == "+2.270"
    assert format_number(-2270, "en", signed=True) == "-2,270"
    assert format_number(0, "id", signed=True) == "+0"
    assert format_percent(2270 / 19000, "en", signed=True) == "+11.9%"
    assert number_separators("id") == (",", ".")
    assert number_separators("en") == (".", ",")


def test_chart_locale() -> None:
    locale_id = chart_locale("id")
    assert locale_id["number"]["decimal"] == ","
    assert locale_id["number"]["thousands"] == "."
    assert locale_id["time"]["months"][7] == "Agustus"
    assert len(locale_id["time"]["shortDays"]) == 7
    locale_en = chart_locale("en")
    assert locale_en["number"]["thousands"] == ","
    assert "time" not in locale_en
