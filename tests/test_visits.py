"""The visit log: form validation, store round trip, history, and its effect on priority."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from geo import wilayah
from geo.analysis import visits
from geo.analysis.coverage import coverage, flagged_kelurahan
from geo.analysis.visits import (
    VisitError,
    VisitInput,
    build_visit,
    needs_counts,
    parse_kebutuhan,
    visit_history,
)
from geo.core.register import VISIT_COLUMNS
from geo.ingest import demo
from geo.services import demo as demo_service
from geo.store import Store

TODAY = datetime.date(2026, 11, 28)
SANAN = "35.73.01.1007"  # Purwantoro


@pytest.fixture(scope="module")
def kel():
    return wilayah.kelurahan()


@pytest.fixture(scope="module")
def data():
    return demo.generate(count=2_000, seed=5)


def _visit(kel, data, *, visit_id=None, **kw):
    args = {
        "tanggal": datetime.date(2026, 11, 27),
        "petugas": ["SU-001", "Budi (Diskopindag)"],
    }
    return build_visit(
        VisitInput(**(args | kw)),
        today=TODAY,
        kelurahan=kel,
        sentra=data.sentra,
        register=data.umkm,
        visit_id=visit_id,
    )


def test_a_visit_to_a_kelurahan_is_one_typed_row(kel, data):
    row = _visit(
        kel,
        data,
        kode_kelurahan=SANAN,
        kebutuhan=["perizinan", "kualitas_produk", "perizinan"],
        catatan="  Perlu NIB untuk Malpro.  ",
        tindak_lanjut=datetime.date(2026, 12, 10),
    )
    assert list(row.columns) == list(VISIT_COLUMNS)
    assert row.dtypes.astype(str).to_dict() == VISIT_COLUMNS
    r = row.iloc[0]
    assert r["id"].startswith("KJ-20261127-") and len(r["id"]) == len("KJ-20261127-") + 8
    assert r["petugas"] == "SU-001; Budi (Diskopindag)"
    assert r["kode_kelurahan"] == SANAN and pd.isna(r["sentra_id"]) and pd.isna(r["umkm_id"])
    assert r["kebutuhan"] == "kualitas_produk,perizinan"  # KEBUTUHAN order, no repeats
    assert r["catatan"] == "Perlu NIB untuk Malpro."
    assert r["tindak_lanjut"] == pd.Timestamp("2026-12-10")


def test_a_sentra_or_business_brings_its_own_kelurahan(kel, data):
    sentra = data.sentra.iloc[0]
    row = _visit(kel, data, sentra_id=sentra["id"])
    assert row["kode_kelurahan"].iloc[0] == sentra["kode_kelurahan"]
    member = data.umkm[data.umkm["sentra_id"].notna()].iloc[0]
    row = _visit(kel, data, umkm_id=member["id"])
    assert row["kode_kelurahan"].iloc[0] == member["kode_kelurahan"]
    assert row["sentra_id"].iloc[0] == member["sentra_id"]
    assert row["umkm_id"].iloc[0] == member["id"]


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"tanggal": datetime.date(2026, 11, 29)}, "tanggal", "sesudah hari ini"),
        ({"tanggal": None}, "tanggal", "wajib diisi"),
        ({"petugas": [" ", ""]}, "petugas", "minimal satu"),
        ({}, "sasaran", "pilih kelurahan, sentra, atau UMKM"),
        ({"kode_kelurahan": "35.73.09.9999"}, "kode_kelurahan", "bukan kode kelurahan"),
        ({"sentra_id": "tidak-ada"}, "sentra_id", "tidak dikenal"),
        ({"umkm_id": "X-404"}, "umkm_id", "tidak ada di register"),
        (
            {"kode_kelurahan": SANAN, "kebutuhan": ["pinjaman_online"]},
            "kebutuhan",
            "kode tidak dikenal: pinjaman_online",
        ),
        ({"kode_kelurahan": SANAN, "catatan": "x" * 4_001}, "catatan", "paling banyak"),
        (
            {"kode_kelurahan": SANAN, "tindak_lanjut": datetime.date(2026, 11, 1)},
            "tindak_lanjut",
            "sebelum tanggal kunjungan",
        ),
    ],
)
def test_bad_forms_name_the_field(kel, data, changes, field, fragment):
    with pytest.raises(VisitError) as info:
        _visit(kel, data, **changes)
    assert info.value.field == field
    assert fragment in str(info.value)


def test_contradicting_targets_are_refused(kel, data):
    sentra = data.sentra.iloc[0]
    other = next(k for k in kel["kode"] if k != sentra["kode_kelurahan"])
    with pytest.raises(VisitError, match="berada di kelurahan"):
        _visit(kel, data, sentra_id=sentra["id"], kode_kelurahan=other)
    loner = data.umkm[data.umkm["sentra_id"].isna()].iloc[0]
    with pytest.raises(VisitError, match="bukan anggota sentra"):
        _visit(kel, data, umkm_id=loner["id"], sentra_id=sentra["id"])


def test_round_trip_through_the_store_lowers_the_priority(tmp_path, kel, data):
    store = Store(f"sqlite:///{tmp_path / 'umkm.sqlite'}")
    demo_service.load_into(store, data)
    before = coverage(kel, data.umkm, data.sahabat, store.read_visits(), as_of=TODAY)
    top = flagged_kelurahan(before).iloc[0]
    row = _visit(kel, data, tanggal=TODAY, kode_kelurahan=top["kode"], kebutuhan=["pemasaran"])
    store.add_visits(row)
    stored = store.read_visits()
    got = stored[stored["id"] == row["id"].iloc[0]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, row)
    after = coverage(kel, data.umkm, data.sahabat, stored, as_of=TODAY)
    b = before.set_index("kode").loc[top["kode"]]
    a = after.set_index("kode").loc[top["kode"]]
    assert a["hari_sejak_kunjungan"] == 0
    assert a["kunjungan_terakhir"] == pd.Timestamp(TODAY)
    assert a["prioritas"] < b["prioritas"]
    assert a["flagged"] == b["flagged"]  # flags are about Sahabat UMKM, not visits
    # Logging the same visit twice is refused and stores nothing more.
    with pytest.raises(ValueError, match="kunjungan"):
        store.add_visits(row)
    assert len(store.read_visits()) == len(stored)
    store.close()


def test_history_per_kelurahan_and_sentra(kel, data):
    log = pd.concat(
        [
            data.visits,
            _visit(kel, data, tanggal=TODAY, kode_kelurahan=SANAN, visit_id="KJ-BARU"),
        ],
        ignore_index=True,
    )
    history = visit_history(log, kode_kelurahan=SANAN)
    assert history["id"].iloc[0] == "KJ-BARU"
    assert (history["kode_kelurahan"] == SANAN).all()
    assert history["tanggal"].is_monotonic_decreasing
    assert len(history) == int((log["kode_kelurahan"] == SANAN).sum())
    sid = data.sentra["id"].iloc[0]
    by_sentra = visit_history(log, sentra_id=sid, limit=2)
    assert len(by_sentra) == 2 and (by_sentra["sentra_id"] == sid).all()
    with pytest.raises(ValueError):
        visit_history(log)
    counts = needs_counts(history)
    assert list(counts.index) == list(visits.KEBUTUHAN)
    assert counts.sum() == sum(len(parse_kebutuhan(v)) for v in history["kebutuhan"])


def test_officer_and_need_parsing():
    assert visits.split_officers(["SU-001", " SU-001 ", "Ani"]) == ["SU-001", "Ani"]
    assert visits.split_officers(None) == []
    assert parse_kebutuhan("perizinan, pemasaran") == ["pemasaran", "perizinan"]
    assert parse_kebutuhan(None) == [] and parse_kebutuhan("") == []


def test_form_dates_may_be_text_in_the_shared_vocabulary(kel, data):
    row = _visit(kel, data, tanggal="27/11/2026", kode_kelurahan=SANAN, tindak_lanjut="2026-12-10")
    assert row["tanggal"].iloc[0] == pd.Timestamp("2026-11-27")
    assert row["tindak_lanjut"].iloc[0] == pd.Timestamp("2026-12-10")
    row = _visit(
        kel,
        data,
        tanggal=datetime.datetime(2026, 11, 27, 9, 30),
        kode_kelurahan=f" {SANAN} ",
        tindak_lanjut=" ",
    )
    assert row["tanggal"].iloc[0] == pd.Timestamp("2026-11-27")
    assert row["kode_kelurahan"].iloc[0] == SANAN and pd.isna(row["tindak_lanjut"].iloc[0])
    for field, changes in (
        ("tanggal", {"tanggal": "kemarin"}),
        ("tanggal", {"tanggal": "31/02/2026"}),
        ("tindak_lanjut", {"tindak_lanjut": "minggu depan"}),
    ):
        with pytest.raises(VisitError, match="bukan tanggal") as info:
            _visit(kel, data, kode_kelurahan=SANAN, **changes)
        assert info.value.field == field
    with pytest.raises(VisitError, match="wajib diisi"):
        _visit(kel, data, tanggal="  ", kode_kelurahan=SANAN)


def test_visit_input_is_a_frozen_keyword_form():
    form = VisitInput(tanggal=datetime.date(2026, 11, 27), petugas=["SU-001"])
    assert form.kode_kelurahan is None and tuple(form.kebutuhan) == () and form.catatan == ""
    with pytest.raises(AttributeError):
        form.catatan = "x"
    with pytest.raises(TypeError):
        VisitInput(datetime.date(2026, 11, 27))  # keyword-only


def test_petugas_may_be_text_and_targets_ignore_blank_text(kel, data):
    row = _visit(kel, data, petugas="SU-001; Ani", kode_kelurahan=SANAN, sentra_id=" ")
    assert row["petugas"].iloc[0] == "SU-001; Ani" and pd.isna(row["sentra_id"].iloc[0])
    sentra = data.sentra.iloc[0]
    member = data.umkm[data.umkm["sentra_id"] == sentra["id"]]
    if not member.empty:
        other = next(s for s in data.sentra["id"] if s != sentra["id"])
        with pytest.raises(VisitError, match="anggota sentra") as info:
            _visit(kel, data, umkm_id=member["id"].iloc[0], sentra_id=other)
        assert info.value.field == "sentra_id"
    with pytest.raises(VisitError, match=r"UMKM .* berada di kelurahan") as info:
        loner = data.umkm.iloc[0]
        wrong = next(k for k in kel["kode"] if k != loner["kode_kelurahan"])
        _visit(kel, data, umkm_id=loner["id"], kode_kelurahan=wrong)
    assert info.value.field == "kode_kelurahan"
