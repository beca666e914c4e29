"""Tests for geo.phone: Indonesian phone numbers to +62."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.ingest.phone import normalise_phones


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("62 857 1111 2222", "+6285711112222"),
        ("+62 813-3333-4444", "+6281333334444"),
        ("+62 0813 3333 4444", "+6281333334444"),
        ("81255556666", "+6281255556666"),  # leading zero dropped by a spreadsheet
        ("81255556666.0", "+6281255556666"),
        ("(0341) 551234", "+62341551234"),
        ("+628000000123", "+628000000123"),  # the demo data's numbers are kept as they are
    ],
)
def test_valid_numbers(text: str, phone: str) -> None:
    out = normalise_phones(pd.Series([text]))
    assert out["telepon"].iloc[0] == phone
    assert not out["tidak_valid"].iloc[0] and not out["lebih_dari_satu"].iloc[0]


@pytest.mark.parametrize(
    "text", ["12345", "0813", "+1 202 555 0101 22 33", "nomor hp", "0012345678"]
)
def test_invalid_numbers_are_reported(text: str) -> None:
    out = normalise_phones(pd.Series([text]))
    assert pd.isna(out["telepon"].iloc[0]) and out["tidak_valid"].iloc[0]


@pytest.mark.parametrize(
    "text",
    [
        "0812 3434 1212 / 0813 5656 7878",
        "081234341212, 081356567878",
        "0812-3434-1212 atau 0813 5656 7878",
    ],
)
def test_several_numbers_keep_the_first(text: str) -> None:
    out = normalise_phones(pd.Series([text]))
    assert out["telepon"].iloc[0] == "+6281234341212"
    assert out["lebih_dari_satu"].iloc[0]


def test_empty_cells() -> None:
    out = normalise_phones(pd.Series([None, ""], dtype="object"))
    assert out["telepon"].isna().all() and not out[["tidak_valid", "lebih_dari_satu"]].any(
        axis=None
    )


@pytest.mark.parametrize("text", ["+62 41 595158", "0299 123456", " +62 41 595158 "])
def test_impossible_numbers_are_kept_as_written_and_flagged(text: str) -> None:
    out = normalise_phones(pd.Series([text]))
    assert out["telepon"].iloc[0] == text.strip()  # not reformatted into "+62…"
    assert out["tidak_mungkin"].iloc[0] and not out["tidak_valid"].iloc[0]


def test_plausibility_follows_the_numbering_plan() -> None:
    from geo.ingest.phone import is_possible_id_number

    assert is_possible_id_number("+62341551234")  # Malang landline
    assert is_possible_id_number("+6281234567890")  # mobile
    assert not is_possible_id_number("+6241595158")  # no area code 41
    assert not is_possible_id_number("bukan nomor")
    out = normalise_phones(pd.Series(["0812-3456-7890", "+62 41 595158 / 0812 1111 2222"]))
    assert out["tidak_mungkin"].tolist() == [False, True]
    assert out["lebih_dari_satu"].tolist() == [False, True]
