"""The shared row vocabulary: problems, empty cells, yes/no, dates, numbers, column checks."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from geo.core import rows
from geo.core.rows import (
    FALSE_WORDS,
    TRUE_WORDS,
    Problem,
    blank_mask,
    choices_text,
    duplicate_rows,
    is_blank,
    optional_text,
    parse_bool,
    parse_bools,
    parse_date,
    parse_number,
    parse_numbers,
    row_numbers,
    text_cells,
    unknown_rows,
)


def test_problem_reads_as_file_row_column_message():
    problem = Problem("titik.csv", 4, "lat", "lat bukan koordinat yang sah")
    assert str(problem) == "titik.csv, baris 4, kolom lat: lat bukan koordinat yang sah"
    assert problem.level == "galat"
    assert Problem("a", 1, "b", "c", "peringatan").level == "peringatan"
    with pytest.raises(AttributeError):
        problem.row = 5  # frozen


def test_problem_is_the_one_the_importer_reexports():
    from geo.ingest import importer
    from geo.planning import stops

    assert importer.Problem is Problem
    assert "Problem" in importer.__all__
    assert stops.StopError([Problem("f", 2, "id", "id kosong")]).problems[0].row == 2


@pytest.mark.parametrize(
    ("value", "blank"),
    [
        (None, True),
        (pd.NA, True),
        (pd.NaT, True),
        (float("nan"), True),
        (np.float64("nan"), True),
        (np.datetime64("NaT"), True),
        ("", True),
        ("  \t", True),
        ("0", False),
        (0, False),
        (False, False),
        ("x", False),
    ],
)
def test_is_blank(value, blank):
    assert is_blank(value) is blank


def test_optional_text():
    assert optional_text("  SU-001 ") == "SU-001"
    assert optional_text(" ") is None and optional_text(None) is None
    assert optional_text(12) == "12"


@pytest.mark.parametrize(
    "value",
    [
        "ya",
        "YA",
        " Iya ",
        "y",
        "Y",
        "yes",
        "true",
        "TRUE",
        "benar",
        "wajib",
        "Wajib",
        "1",
        True,
        np.True_,
        1,
        1.0,
    ],
)
def test_parse_bool_true(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize(
    "value",
    [
        "tidak",
        "Tidak",
        "tdk",
        "tidak  wajib",
        "n",
        "no",
        "false",
        "False",
        "salah",
        "0",
        False,
        np.False_,
        0,
        0.0,
    ],
)
def test_parse_bool_false(value):
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", ["t", "T", "f", "mungkin", "2", 2, "yaa", "", "  ", None, pd.NA])
def test_parse_bool_unknown_or_empty_is_none(value):
    # "t" is "true" in a PostgreSQL export but short for "tidak": refused, not guessed.
    assert parse_bool(value) is None


def test_vocabulary_words_are_normalised_and_disjoint():
    assert not TRUE_WORDS & FALSE_WORDS
    for word in TRUE_WORDS | FALSE_WORDS:
        assert word == " ".join(word.split()).lower()
    assert "t" not in TRUE_WORDS | FALSE_WORDS


def test_parse_bools_with_and_without_an_empty_default():
    values = pd.Series(["ya", "", None, "t", "0", "wajib"], dtype="object")
    flags, unknown = parse_bools(values)
    assert flags.tolist() == [True, False, False, False, False, True]
    assert unknown.tolist() == [False, True, True, True, False, False]
    flags, unknown = parse_bools(values, blank=False)
    assert unknown.tolist() == [False, False, False, True, False, False]
    flags, _ = parse_bools(values, blank=True)
    assert flags.tolist() == [True, True, True, False, False, True]
    typed = pd.Series([True, False])
    assert parse_bools(typed)[0].tolist() == [True, False]
    assert not parse_bools(typed)[1].any()


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (datetime.date(2026, 11, 27), datetime.date(2026, 11, 27)),
        (datetime.datetime(2026, 11, 27, 15, 30), datetime.date(2026, 11, 27)),
        (pd.Timestamp("2026-11-27 08:00"), datetime.date(2026, 11, 27)),
        (np.datetime64("2026-11-27"), datetime.date(2026, 11, 27)),
        ("2026-11-27", datetime.date(2026, 11, 27)),
        ("2026/11/27", datetime.date(2026, 11, 27)),
        ("2026-11-27 10:00:00", datetime.date(2026, 11, 27)),
        ("27/11/2026", datetime.date(2026, 11, 27)),
        ("27-11-26", datetime.date(2026, 11, 27)),
        ("5.3.2024", datetime.date(2024, 3, 5)),
        ("27 Nov 2026", datetime.date(2026, 11, 27)),
        ("27 Nopember 2026", datetime.date(2026, 11, 27)),
        ("17-Agu-2025", datetime.date(2025, 8, 17)),
        ("1 mei 2024", datetime.date(2024, 5, 1)),
        ("45658", datetime.date(2025, 1, 1)),
        (45658, datetime.date(2025, 1, 1)),
    ],
)
def test_parse_date(value, day):
    assert parse_date(value) == day


@pytest.mark.parametrize(
    "value", ["", None, pd.NaT, "31/02/2026", "besok", "27 Brumaire 2026", "12345", True, "2026"]
)
def test_parse_date_unknown_or_empty_is_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("-7.95", -7.95),
        ("-7,95", -7.95),
        (" 112.6 ", 112.6),
        ("+3", 3.0),
        ("5.", 5.0),
        (",5", 0.5),
        ("1e3", 1000.0),
        ("1.500", 1.5),  # no thousands separators: money goes through parse_rupiah
        (3, 3.0),
        (np.float32(2.5), 2.5),
    ],
)
def test_parse_number(value, number):
    assert parse_number(value) == pytest.approx(number)


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        float("nan"),
        "x",
        "inf",
        "nan",
        float("inf"),
        "1,234.5",
        "1_000",
        "1 000",
        "-7;95",
        True,
    ],
)
def test_parse_number_unknown_or_empty_is_none(value):
    assert parse_number(value) is None


def test_parse_numbers_text_mixed_and_numeric_columns():
    text = pd.Series(["-7,95", "112.6", "", None, "x", "inf"], dtype="string")
    numbers, unknown = parse_numbers(text)
    assert numbers.dtype == "float64"
    np.testing.assert_array_equal(
        numbers.to_numpy(), [-7.95, 112.6, np.nan, np.nan, np.nan, np.nan]
    )
    assert unknown.tolist() == [False, False, False, False, True, True]
    mixed = pd.Series([-7.9, "x", 112.6, None], dtype="object")
    numbers, unknown = parse_numbers(mixed)
    assert numbers.iloc[0] == -7.9 and numbers.iloc[2] == 112.6
    assert unknown.tolist() == [False, True, False, False]
    numeric = pd.Series([1.0, np.nan, np.inf])
    numbers, unknown = parse_numbers(numeric)
    assert numbers.isna().tolist() == [False, True, True]
    assert unknown.tolist() == [False, False, True]
    # Each cell reads as parse_number reads it alone.
    cells = ["-7,95", "1e-3", "+.5", "1,234.5", "12"]
    got, _ = parse_numbers(pd.Series(cells))
    for cell, value in zip(cells, got, strict=True):
        single = parse_number(cell)
        assert (single is None and np.isnan(value)) or single == value


def test_column_helpers():
    assert row_numbers(3).tolist() == [2, 3, 4]
    assert rows.FIRST_DATA_ROW == 2
    values = pd.Series([" a ", "", None, "b", "a", "a"], dtype="object")
    assert text_cells(values).tolist() == ["a", "", "", "b", "a", "a"]
    assert blank_mask(values).tolist() == [False, True, True, False, False, False]
    assert duplicate_rows(values, row_numbers(6)) == [(6, "a", 2), (7, "a", 2)]
    assert unknown_rows(values, ("a",), row_numbers(6)) == [(5, "b")]
    assert choices_text(("kuliner", "fesyen")) == "kuliner, fesyen"


def test_core_rows_imports_nothing_else_of_geo():
    source = rows.__file__
    with open(source, encoding="utf-8") as handle:
        text = handle.read()
    assert "from geo" not in text and "import geo" not in text
