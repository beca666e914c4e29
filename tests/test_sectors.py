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
