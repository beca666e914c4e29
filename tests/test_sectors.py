"""Tests for geo.sectors: free-text business types to the sector taxonomy."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.core.register import SECTORS
from geo.ingest.sectors import SECTOR_KEYWORDS, classify_business_types


@pytest.mark.parametrize(
    ("text", "sektor"),
    [
        ("warung makan", "kuliner"),
        ("Katering", "kuliner"),
        ("keripik tempe", "kuliner"),
        ("Kripik Tempe Sanan", "kuliner"),
        ("konveksi", "fesyen"),
        ("Daster", "fesyen"),
        ("batik tulis", "fesyen"),
        ("kerajinan rotan", "kriya"),
        ("keramik", "kriya"),
        ("raket", "kriya"),
        ("mebel kayu", "kriya"),
        ("mebel", "industri_pengolahan"),
        ("laundry kiloan", "jasa"),
        ("toko kelontong", "perdagangan"),
        ("toko kue", "kuliner"),  # the product decides, not the outlet word
        ("toko", "perdagangan"),
        ("tanaman hias", "agribisnis"),
        ("desain grafis", "digital_kreatif"),
        ("Kuliner (makanan-minuman)", "kuliner"),
        ("FESYEN", "fesyen"),
        ("industri pengolahan", "industri_pengolahan"),
    ],
)
def test_business_types(text: str, sektor: str) -> None:
    assert classify_business_types(pd.Series([text]))["sektor"].iloc[0] == sektor


def test_typos_are_read_and_said() -> None:
    out = classify_business_types(pd.Series(["konveski", "katring"]))
    assert out["sektor"].tolist() == ["fesyen", "kuliner"]
    assert out["cara"].tolist() == ["mirip", "mirip"]
    assert out["kata_kunci"].tolist() == ["konveksi", "katering"]


def test_unmapped_and_empty_go_to_lainnya() -> None:
    out = classify_business_types(pd.Series(["aneka", "", None], dtype="object"))
    assert out["sektor"].tolist() == ["lainnya"] * 3
    assert out["cara"].tolist() == ["tidak", "kosong", "kosong"]


def test_every_keyword_maps_to_its_own_sector() -> None:
    for code, words in SECTOR_KEYWORDS.items():
        assert code in SECTORS
        out = classify_business_types(pd.Series(list(words)))
        wrong = [w for w, s in zip(words, out["sektor"], strict=True) if s != code]
        assert not wrong, (code, wrong)


@pytest.mark.parametrize(
    ("key", "value", "sektor"),
    [
        ("amenity", "restaurant", "kuliner"),
        ("amenity", "cafe", "kuliner"),
        ("amenity", "fast_food", "kuliner"),
        ("shop", "clothes", "fesyen"),
        ("shop", "tailor", "fesyen"),
        ("craft", "tailor", "fesyen"),
        ("craft", "handicraft", "kriya"),
        ("shop", "hairdresser", "jasa"),
        ("shop", "convenience", "perdagangan"),
        ("shop", "florist", "agribisnis"),
        ("craft", "carpenter", "industri_pengolahan"),
        ("shop", "computer", "digital_kreatif"),
        ("cuisine", "indonesian", "kuliner"),  # any cuisine is food
        ("amenity", "restaurant;cafe", "kuliner"),
    ],
)
def test_osm_tag_table(key: str, value: str, sektor: str) -> None:
    from geo.ingest.sectors import OSM_TAG_SECTORS, classify_osm_tags

    out = classify_osm_tags(key, pd.Series([value]))
    assert out["sektor"].iloc[0] == sektor
    assert out["cara"].iloc[0] == "tag"
    assert set(OSM_TAG_SECTORS) == {"amenity", "shop", "craft", "office"}
    assert all(c in SECTORS for table in OSM_TAG_SECTORS.values() for c in table.values())


def test_osm_values_outside_the_table_use_the_keywords() -> None:
    from geo.ingest.sectors import classify_osm_tags

    out = classify_osm_tags("shop", pd.Series(["batik", "bank", None]))
    assert out["sektor"].tolist() == ["fesyen", "lainnya", "lainnya"]
    assert out["cara"].tolist() == ["kata", "tidak", "kosong"]


def test_kbli_divisions() -> None:
    from geo.ingest.sectors import KBLI_DIVISIONS, classify_kbli

    out = classify_kbli(pd.Series(["56101", "14111 - Konveksi", "47111", "99000", "keripik"]))
    assert out["sektor"].tolist() == ["kuliner", "fesyen", "perdagangan", "lainnya", "kuliner"]
    assert out["cara"].tolist() == ["kbli", "kbli", "kbli", "tidak", "kata"]
    assert set(KBLI_DIVISIONS.values()) <= set(SECTORS)
