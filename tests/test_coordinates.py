"""Tests for geo.coordinates: the ways people write coordinates, and the repairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.ingest.coordinates import REPAIRS, parse_coordinates, parse_pairs, repair_lat_lon

DINOYO = (-(7 + 56 / 60 + 36.8 / 3600), 112 + 36 / 60 + 34.6 / 3600)


@pytest.mark.parametrize(
    ("text", "value", "axis"),
    [
        ("-7.9666", -7.9666, None),
        ("-7,9666", -7.9666, None),
        (" 112,6345 ", 112.6345, None),
        ("−7.9666", -7.9666, None),  # a typographic minus
        ("7°56'36.8\"S", DINOYO[0], "lat"),
        ("7° 56′ 36,8″ LS", DINOYO[0], "lat"),
        ("S 7° 56.6133'", -(7 + 56.6133 / 60), "lat"),
        ("112 36 34.6 BT", DINOYO[1], "lon"),
        ("112°36'34.6\"E", DINOYO[1], "lon"),
        ("7.9666 LS", -7.9666, "lat"),
        ("110.5 BB", -110.5, "lon"),
    ],
)
def test_single_coordinates(text: str, value: float, axis: str | None) -> None:
    parsed = parse_coordinates(pd.Series([text]))
    assert parsed["value"].iloc[0] == pytest.approx(value, abs=1e-9)
    assert (None if pd.isna(parsed["axis"].iloc[0]) else parsed["axis"].iloc[0]) == axis
    assert not parsed["unreadable"].iloc[0]


@pytest.mark.parametrize("text", ["abc", "7°75'S", "-7.96.61", "7 S N", "12 jalan", "inf", "?"])
def test_unreadable_coordinates_are_flagged_not_guessed(text: str) -> None:
    parsed = parse_coordinates(pd.Series([text]))
    assert np.isnan(parsed["value"].iloc[0]) and parsed["unreadable"].iloc[0]


def test_empty_cells_are_missing_without_a_problem() -> None:
    parsed = parse_coordinates(pd.Series([None, "", "  "], dtype="object"))
    assert parsed["value"].isna().all() and not parsed["unreadable"].any()


@pytest.mark.parametrize(
    "text",
    [
        "-7.94356, 112.609608",
        "-7,94356, 112,609608",
        "-7,94356;112,609608",
        "-7.94356 112.609608",
        "(-7.94356, 112.609608)",
        "-7.94356,112.609608",
        "7°56'36.8\"S 112°36'34.6\"E",
        "112°36'34.6\"E, 7°56'36.8\"S",  # axes named by the letters: order does not matter
        "S 7°56'36.8\" E 112°36'34.6\"",
        "7°56'36.8\" LS / 112°36'34.6\" BT",
    ],
)
def test_pairs_in_one_cell(text: str) -> None:
    parsed = parse_pairs(pd.Series([text]))
    assert parsed["lat"].iloc[0] == pytest.approx(-7.94356, abs=2e-5)
    assert parsed["lon"].iloc[0] == pytest.approx(112.609608, abs=2e-5)
    assert not parsed["unreadable"].iloc[0]


@pytest.mark.parametrize("text", ["-7.94", "Jl. Sanan 12", "7 S 8 S", "a, b"])
def test_unreadable_pairs(text: str) -> None:
    parsed = parse_pairs(pd.Series([text]))
    assert parsed["unreadable"].iloc[0] and parsed[["lat", "lon"]].isna().all(axis=None)


@pytest.mark.parametrize(
    ("lat", "lon", "fixed", "code"),
    [
        (-7.94356, 112.609608, (-7.94356, 112.609608), None),
        (112.609608, -7.94356, (-7.94356, 112.609608), "tertukar"),
        (7.94356, 112.609608, (-7.94356, 112.609608), "tanpa_minus"),
        (112.609608, 7.94356, (-7.94356, 112.609608), "tertukar_tanpa_minus"),
        (-794356, 112609608, (-7.94356, 112.609608), "desimal_hilang"),
        (-794356, 112.609608, (-7.94356, 112.609608), "desimal_hilang"),
        (-7.2575, 112.7521, (-7.2575, 112.7521), None),  # Surabaya: not repaired, refused later
        (np.nan, 112.6, (np.nan, 112.6), None),
    ],
)
def test_repairs(lat: float, lon: float, fixed: tuple[float, float], code: str | None) -> None:
    out = repair_lat_lon(pd.Series([lat]), pd.Series([lon]))
    np.testing.assert_allclose(out[["lat", "lon"]].iloc[0].to_numpy(), fixed)
    got = out["perbaikan"].iloc[0]
    assert (None if pd.isna(got) else got) == code
    if code:
        assert code in REPAIRS


@given(st.text(max_size=30))
def test_any_text_parses_or_is_flagged(text: str) -> None:
    single = parse_coordinates(pd.Series([text], dtype="object"))
    pair = parse_pairs(pd.Series([text], dtype="object"))
    value = single["value"].iloc[0]
    assert np.isnan(value) or np.isfinite(value)
    assert pair["unreadable"].iloc[0] == (
        bool(text.strip()) and pair[["lat", "lon"]].isna().any(axis=None)
    )
