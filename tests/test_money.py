"""Tests for geo.money: rupiah amounts as written in Indonesian spreadsheets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.ingest.money import format_rupiah, parse_rupiah


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1500000", 1_500_000),
        ("1500000.0", 1_500_000),
        ("Rp 1.500.000", 1_500_000),
        ("Rp1.500.000,-", 1_500_000),
        ("1.500.000,50", 1_500_000.5),
        ("1,500,000.50", 1_500_000.5),
        ("1.500", 1_500),
        ("1,5 juta", 1_500_000),
        ("1.5 jt", 1_500_000),
        ("500 rb", 500_000),
        ("2 M", 2e9),
        ("Rp 3,5 miliar", 3.5e9),
        ("6 milyar", 6e9),
        ("IDR 250.000.000 / tahun", 250_000_000),
        ("-2.000.000", -2_000_000),
        ("12.5", 12.5),
    ],
)
def test_amounts(text: str, value: float) -> None:
    parsed = parse_rupiah(pd.Series([text]))
    assert parsed["value"].iloc[0] == pytest.approx(value)
    assert not parsed["unreadable"].iloc[0]


@pytest.mark.parametrize("text", ["sekitar sejuta", "10-20 juta", "1.50.000", "Rp", "1e400"])
def test_unreadable_amounts(text: str) -> None:
    parsed = parse_rupiah(pd.Series([text]))
    assert np.isnan(parsed["value"].iloc[0]) and parsed["unreadable"].iloc[0]


def test_empty_is_missing_not_unreadable() -> None:
    parsed = parse_rupiah(pd.Series([None, ""], dtype="object"))
    assert parsed["value"].isna().all() and not parsed["unreadable"].any()


def test_format_rupiah() -> None:
    assert format_rupiah(3.5e9) == "Rp3,5 miliar"
    assert format_rupiah(20e9) == "Rp20 miliar"
    assert format_rupiah(450e6) == "Rp450 juta"
    assert format_rupiah(125_000) == "Rp125.000"
    assert format_rupiah(float("nan")) == "-"
