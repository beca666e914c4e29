"""Tests for geo.duplicates: the same business within a file and against the register."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.ingest import duplicates
from geo.ingest.duplicates import find_duplicates, name_key

#: Metres per degree of latitude near Kota Malang (enough for test offsets).
M = 1 / 110_574


def rows(data: list[tuple[str, str | None, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(data, columns=["nama_usaha", "telepon", "lat", "lon"])


def test_name_key() -> None:
    keys = name_key(pd.Series(["UD. Tempe  Bu-Sri", "tempe bu sri", "CV Café", None, "--"]))
    assert keys.tolist()[:3] == ["tempe bu sri", "tempe bu sri", "cafe"]
    assert keys.isna().tolist()[3:] == [True, True]


def test_within_the_file() -> None:
    frame = rows(
        [
            ("Tempe Bu Sri", "+6281200000001", -7.95, 112.64),
            ("UD Tempe Bu Sri", None, -7.95 + 20 * M, 112.64),  # 20 m: same business
            ("Tempe Bu Sri", None, -7.95 + 45 * M, 112.64),  # 45 m from the first: another one
            ("Salon Ayu", "+6281200000009", -7.97, 112.62),
            ("Ayu Salon", "+6281200000009", np.nan, np.nan),  # same phone, no point
        ]
    )
    out = find_duplicates(frame)
    assert out["baris_sama"].tolist() == [-1, 0, 1, -1, 3]
    assert out["alasan_baris"].tolist()[1:3] == ["nama", "nama"]
    assert out["alasan_baris"].iloc[4] == "telepon"
    assert 19 < out["jarak_baris_m"].iloc[1] < 21
    assert out["id_sama"].isna().all()


def test_against_the_register() -> None:
    register = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "nama_usaha": ["Rotan Makmur", "Bakso Pak Kumis", "Rotan Makmur"],
            "telepon": [None, "+6281299998888", None],
            "lat": [-7.9185, -7.9790, -7.9185 + 200 * M],
            "lon": [112.6276, 112.6285, 112.6276],
        }
    )
    frame = rows(
        [
            ("Rotan Makmur", None, -7.9185 + 10 * M, 112.6276),
            ("Bakso Kumis Cabang", "+6281299998888", -7.97, 112.62),
            ("Rotan Makmur", None, -7.9185 + 100 * M, 112.6276),  # 100 m from A and C
            ("Usaha Baru", None, -7.96, 112.63),
        ]
    ).assign(id=[None, None, None, "C"])
    out = find_duplicates(frame, register=register)
    assert out["id_sama"].fillna("-").tolist() == ["A", "B", "-", "C"]
    assert out["alasan_id"].fillna("-").tolist() == ["nama", "telepon", "-", "id"]
    assert 9 < out["jarak_id_m"].iloc[0] < 11


def test_an_earlier_name_match_beats_a_later_phone_match() -> None:
    frame = rows(
        [
            ("Toko Ayu", None, -7.95, 112.64),
            ("Warung Lain", "+6281200000005", -7.97, 112.62),
            ("Toko Ayu", "+6281200000005", -7.95 + 5 * M, 112.64),
        ]
    )
    out = find_duplicates(frame)
    assert out["baris_sama"].tolist() == [-1, -1, 0]
    assert out["alasan_baris"].iloc[2] == "nama"


def test_the_stored_id_beats_the_stored_phone_and_name() -> None:
    register = pd.DataFrame(
        {
            "id": ["A", "B"],
            "nama_usaha": ["Toko Ayu", "Lain"],
            "telepon": ["+6281200000005", None],
            "lat": [-7.95, -7.97],
            "lon": [112.64, 112.62],
        }
    )
    frame = rows([("Toko Ayu", "+6281200000005", -7.95, 112.64)]).assign(id=["B"])
    out = find_duplicates(frame, register=register)
    assert (out["id_sama"].iloc[0], out["alasan_id"].iloc[0]) == ("B", "id")
    without_id = find_duplicates(frame.drop(columns="id"), register=register)
    assert (without_id["id_sama"].iloc[0], without_id["alasan_id"].iloc[0]) == ("A", "telepon")


def test_each_check_runs_alone() -> None:
    frame = rows(
        [
            ("Tempe", "+6281200000001", -7.95, 112.64),
            ("Tempe", None, -7.95 + 10 * M, 112.64),
            ("Salon", "+6281200000001", np.nan, np.nan),
        ]
    )
    records = duplicates._Records.of(frame)
    assert records.located.tolist() == [True, True, False]
    by_phone = duplicates._Matches.empty(3, rows=True)
    duplicates._same_phone_earlier(records, by_phone)
    assert by_phone.same.tolist() == [-1, -1, 0]
    by_name = duplicates._Matches.empty(3, rows=True)
    duplicates._same_name_earlier(records, by_name, radius_m=30.0)
    assert by_name.same.tolist() == [-1, 0, -1] and 9 < by_name.dist[1] < 11
    register = frame.assign(id=["A", "B", "C"]).iloc[[0]]
    stored = duplicates._Matches.empty(3, rows=False)
    duplicates._stored_same_name(records, register, stored, radius_m=30.0)
    assert stored.same.tolist() == ["A", "A", None]
    stored = duplicates._Matches.empty(3, rows=False)
    duplicates._stored_same_id_or_phone(records, None, register, stored)
    assert stored.same.tolist() == ["A", None, "A"]
