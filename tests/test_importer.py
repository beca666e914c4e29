"""Tests for geo.importer: the messy fixture row by row, mapping, commit, undo, CLI, properties."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.cli import main
from geo.core.register import to_geodataframe
from geo.ingest import importer, stages
from geo.ingest.coordinates import REPAIRS
from geo.ingest.headers import guess_mapping
from geo.ingest.importer import ImportPlan, PlanOptions, plan_import
from geo.ingest.readers import SourceTable, read_source
from geo.services.imports import commit_import, undo_import
from geo.store import Store, StoreError

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
import messy

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2026, 1, 15)
FORMATS = ("csv", "xlsx", "geojson", "gpkg")


@pytest.fixture(scope="module")
def fixture_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return messy.write_all(tmp_path_factory.mktemp("messy"))


def stored_register() -> gpd.GeoDataFrame:
    frame = pd.DataFrame(messy.STORED)
    frame["tanggal_terkurasi"] = pd.to_datetime(frame["tanggal_terkurasi"])
    return to_geodataframe(frame)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'imp.sqlite'}")
    s.commit_import(
        nama_file="register_lama.csv",
        sha256="0" * 64,
        jumlah_baris=len(messy.STORED),
        new=stored_register().assign(presisi_lokasi=pd.NA),
        updates=stored_register().iloc[:0].assign(presisi_lokasi=pd.NA),
    )
    return s


def plan_for(path: Path, **options: Any) -> ImportPlan:
    return plan_import(read_source(path), register=stored_register(), today=TODAY, **options)


# --- The messy fixture, row by row ------------------------------------------------------------


def expected_rows(source: SourceTable) -> list[int]:
    if source.format in ("csv", "xlsx"):
        return messy.source_rows(header_row=source.header_row)
    return list(range(1, len(messy.records()) + 1))  # features: 1 = the first feature


@pytest.mark.parametrize("fmt", FORMATS)
def test_messy_fixture_is_reported_row_by_row(fixture_files: dict[str, Path], fmt: str) -> None:
    plan = plan_for(fixture_files[fmt])
    report = plan.report()
    records = messy.records()
    assert len(report) == len(records)
    rows = expected_rows(plan.source)
    assert report["baris"].tolist() == rows
    for record, got, sektor in zip(
        records, report.itertuples(index=False), plan.rows["sektor"], strict=True
    ):
        name = record["cells"][0]
        assert got.status == record["status"], (name, got.pesan)
        assert (got.kode_kelurahan if pd.notna(got.kode_kelurahan) else "") == record["kode"], name
        for fragment in record["pesan"]:
            expected = fragment.format(*rows).replace("baris ", f"{plan.unit} ")
            assert expected in got.pesan, (name, got.pesan)
        if name in messy.SECTORS:
            assert sektor == messy.SECTORS[name], name
    summary = plan.summary()
    assert summary["galat"] == sum(r["status"] == "galat" for r in records)


def test_header_rows_and_blank_lines_keep_source_row_numbers(
    fixture_files: dict[str, Path],
) -> None:
    csv_plan = plan_for(fixture_files["csv"])
    xlsx_plan = plan_for(fixture_files["xlsx"])
    assert csv_plan.source.header_row == 1 and xlsx_plan.source.header_row == 3
    assert csv_plan.source.delimiter == ";" and csv_plan.source.encoding == "cp1252"
    assert xlsx_plan.source.sheets == ("Data UMKM", "Catatan")
    # The blank line after record 19 is counted: the next record is row 22, not 21.
    assert csv_plan.report()["baris"].tolist()[18:20] == [20, 22]
    assert csv_plan.rows["nama_usaha"].iloc[1] == "Kripik Tempe Bu Sumi – Sanan"  # cp1252 dash


def test_repairs_give_the_right_values(fixture_files: dict[str, Path]) -> None:
    rows = plan_for(fixture_files["csv"]).rows.set_index("nama_usaha")
    assert rows.loc["Kripik Tempe Bu Sumi – Sanan", "lat"] == pytest.approx(-7.9542)
    assert rows.loc["Keramik Dinoyo Asri", "lat"] == pytest.approx(-(7 + 56 / 60 + 36.8 / 3600))
    assert rows.loc["Konveksi Daster Mojolangu", ["lat", "lon"]].tolist() == [-7.93738, 112.625568]
    assert rows.loc["Gerabah Polowijen", "lat"] == -7.930845
    assert rows.loc["Sablon Lesanpuro", ["lat", "lon"]].tolist() == pytest.approx(
        [-7.991455, 112.663301]
    )
    phones = rows["telepon"]
    assert phones["Tempe Bu Sri"].iloc[0] == "+6281234567890"
    assert phones["Keramik Dinoyo Asri"] == "+6281255556666"
    assert phones["Konveksi Daster Mojolangu"] == "+62341551234"
    assert pd.isna(phones["Gerabah Dinoyo"])
    assert phones["Daster Sukun"] == "+6281234341212"
    assert rows.loc["Catering Bu Nanik", "skala"] == "kecil"
    assert rows.loc["Mebel Jati Oro Dowo", "skala"] == "menengah"
    assert rows.loc["Mebel Jati Oro Dowo", "modal"] == 6e9
    assert rows.loc["Bakery Penanggungan", "skala"] == "mikro"  # as written, with a warning
    assert rows.loc["Salon Ayu", "tanggal_terkurasi"] == pd.Timestamp(TODAY)


def test_place_missing_puts_rows_inside_their_kelurahan(fixture_files: dict[str, Path]) -> None:
    plan = plan_for(fixture_files["csv"], options=PlanOptions(place_missing=True))
    report = plan.report().set_index("nama_usaha")
    rows = plan.rows.set_index("nama_usaha")
    for name, (status, kode, fragments) in messy.PLACED.items():
        assert report.loc[name, "status"] == status
        assert report.loc[name, "kode_kelurahan"] == kode
        for fragment in fragments:
            assert fragment in report.loc[name, "pesan"]
        assert rows.loc[name, "presisi_lokasi"] == "kelurahan"
    from geo import wilayah

    placed = rows.loc[list(messy.PLACED)]
    assigned = wilayah.assign_kelurahan(placed["lon"], placed["lat"])
    assert assigned["kode_kelurahan"].tolist() == [v[1] for v in messy.PLACED.values()]
    assert (assigned["metode"] == "di_dalam").all()
    # Rows without any location stay refused.
    assert report.loc["Katering Tanpa Alamat", "status"] == "galat"


def test_committed_fixture_files_match_the_generator(fixture_files: dict[str, Path]) -> None:
    assert (FIXTURES / "messy.csv").read_bytes() == fixture_files["csv"].read_bytes()
    assert (FIXTURES / "messy.geojson").read_bytes() == fixture_files["geojson"].read_bytes()
    for fmt in ("xlsx", "gpkg"):
        committed = read_source(FIXTURES / f"messy.{fmt}")
        fresh = read_source(fixture_files[fmt])
        pd.testing.assert_frame_equal(committed.cells, fresh.cells)
        assert committed.rows.tolist() == fresh.rows.tolist()


# --- Mapping ----------------------------------------------------------------------------------


def test_user_mapping_overrides_the_guess(fixture_files: dict[str, Path]) -> None:
    source = read_source(fixture_files["csv"])
    mapping = guess_mapping(source.headers)
    assert mapping["Kel."] == "kelurahan" and mapping["No"] is None
    mapping["Kec."] = None  # ignore the kecamatan column
    mapping["Pemilik"] = None  # and the owner
    plan = plan_import(source, mapping=mapping, register=stored_register(), today=TODAY)
    rows = plan.report().set_index("nama_usaha")
    assert "Kecamatan" not in rows.loc["Gerabah Dinoyo", "pesan"]  # no kecamatan check
    assert plan.rows["pemilik"].isna().all()
    assert plan.mapping["Kec."] is None


def test_unusable_mapping_refuses_every_row(fixture_files: dict[str, Path], store: Store) -> None:
    source = read_source(fixture_files["csv"])
    mapping = guess_mapping(source.headers)
    mapping["Nama Usaha"] = None
    mapping["Pemilik"] = "telepon"  # telepon twice
    plan = plan_import(source, mapping=mapping, today=TODAY)
    assert plan.summary()["galat"] == len(plan.rows)
    assert any("nama usaha belum dipilih" in p for p in plan.mapping_problems)
    assert any("lebih dari satu kolom" in p for p in plan.mapping_problems)
    before = store.read_umkm()
    with pytest.raises(ValueError, match="pemetaan kolom"):
        commit_import(store, plan, user="uji")
    assert_geodataframe_equal(store.read_umkm(), before)


# --- Commit, duplicates, undo -----------------------------------------------------------------


def test_commit_stores_accepted_rows_as_one_batch(
    fixture_files: dict[str, Path], store: Store
) -> None:
    path = fixture_files["xlsx"]
    plan = plan_import(
        read_source(path), register=store.read_umkm(presisi_lokasi=True), today=TODAY
    )
    summary = plan.summary()
    result = commit_import(store, plan, user="perencana")
    assert (result.ditambah, result.diperbarui) == (summary["impor"], 0)
    batches = store.read_import_batches()
    batch = batches[batches["id"] == result.batch_id].iloc[0]
    assert batch["nama_file"] == "messy.xlsx"
    assert batch["sha256"] == plan.source.sha256 == importer.read_source(path).sha256
    assert batch["jumlah_baris"] == len(plan.rows) and batch["jumlah_umkm"] == summary["impor"]
    stored = store.read_umkm(presisi_lokasi=True)
    assert len(stored) == len(messy.STORED) + summary["impor"]
    names = set(stored["nama_usaha"])
    assert "Warung Luar Kota" not in names and "Pabrik Sabun Besar" not in names  # galat rows
    audit = store.read_audit()
    assert audit.iloc[0]["aksi"] == "import" and audit.iloc[0]["pengguna"] == "perencana"
    assert f"batch {result.batch_id}" in audit.iloc[0]["rincian"]


def test_update_duplicates_then_undo_restores_the_exact_previous_state(
    fixture_files: dict[str, Path], store: Store
) -> None:
    before = store.read_umkm(presisi_lokasi=True)
    batches_before = store.read_import_batches()
    plan = plan_import(
        read_source(fixture_files["csv"]),
        register=before,
        options=PlanOptions(place_missing=True),
        today=TODAY,
    )
    rows = plan.rows.set_index("nama_usaha")
    rotan = int(rows.loc["Rotan Makmur", "baris"])
    bakso = int(rows.loc["Bakso Kumis Cabang", "baris"])
    tempe_repeat = int(plan.rows["baris"][plan.rows["baris_sama"].notna()].iloc[0])
    plan = plan.with_actions({rotan: "perbarui", bakso: "perbarui", tempe_repeat: "impor"})
    updates = plan.to_update().set_index("id")
    # Only what the file gives changes; the rest of the stored business stays.
    assert updates.loc["TOKO-001", "telepon"] == "+6281360607070"
    assert updates.loc["TOKO-001", "pemilik"] == "Sigit"
    assert updates.loc["TOKO-002", "tanggal_terkurasi"] == pd.Timestamp("2024-09-15")
    assert updates.loc["TOKO-002", "modal"] == 30_000_000.0  # no aset in the file
    result = commit_import(store, plan, user="admin")
    assert result.diperbarui == 2
    after = store.read_umkm(presisi_lokasi=True).set_index("id")
    assert after.loc["TOKO-001", "pemilik"] == "Sigit"
    assert after.loc["TOKO-002", "nama_usaha"] == "Bakso Kumis Cabang"
    assert (after["nama_usaha"] == "Tempe Bu Sri").sum() == 2
    assert (after["presisi_lokasi"] == "kelurahan").sum() == 1

    assert undo_import(store, result.batch_id, user="admin") == (result.ditambah, 2)
    assert_geodataframe_equal(store.read_umkm(presisi_lokasi=True), before)
    pd.testing.assert_frame_equal(store.read_import_batches(), batches_before)
    assert store.read_audit().iloc[0]["aksi"] == "import.batal"


def test_actions_are_checked(fixture_files: dict[str, Path]) -> None:
    plan = plan_for(fixture_files["csv"])
    rows = plan.rows.set_index("nama_usaha")
    with pytest.raises(ValueError, match="tidak boleh"):
        plan.with_actions({int(rows.loc["Warung Luar Kota", "baris"]): "impor"})  # galat
    with pytest.raises(ValueError, match="tidak boleh"):
        plan.with_actions({int(rows.loc["Salon Ayu", "baris"]): "perbarui"})  # nothing stored
    with pytest.raises(ValueError, match="tidak ada"):
        plan.with_actions({9999: "lewati"})
    updated = plan.with_duplicate_action("perbarui")
    assert set(updated.rows.loc[updated.rows["tindakan"] == "perbarui", "id_sama"]) == {
        "TOKO-001",
        "TOKO-002",
    }
    assert plan.summary()["perbarui"] == 0  # the original plan is unchanged


def test_same_id_is_a_duplicate_of_the_stored_business(tmp_path: Path) -> None:
    path = tmp_path / "ekspor.csv"
    path.write_text(
        "id,nama_usaha,lat,lon,sektor,skala\n"
        "TOKO-001,Rotan Makmur Baru,-7.9185,112.6275,rotan,mikro\n"
        "BARU-1,Usaha Baru,-7.9700,112.6300,jasa,mikro\n"
    )
    plan = plan_import(read_source(path), register=stored_register(), today=TODAY)
    assert plan.rows["id_sama"].tolist()[0] == "TOKO-001"
    assert plan.rows["pilihan"].tolist() == ["lewati/perbarui", "impor/lewati"]
    assert "sudah ada di register: TOKO-001 (id sama)" in plan.report()["pesan"].iloc[0]


def test_a_row_stored_since_the_plan_is_skipped_not_stored_twice(
    fixture_files: dict[str, Path], store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_import(read_source(fixture_files["csv"]), register=stored_register(), today=TODAY)
    # A row stored by another import after the plan was made: checked again inside the write
    # (issue 13.5), it is skipped like any duplicate of a stored business.
    taken = plan.to_insert().iloc[[3]].assign(presisi_lokasi=pd.NA)
    store.commit_import(
        nama_file="lain.csv", sha256="1" * 64, jumlah_baris=1, new=taken, updates=taken.iloc[:0]
    )
    before = store.count_umkm()
    result = commit_import(store, plan, user="uji")
    assert result.ditambah == len(plan.to_insert()) - 1
    assert store.count_umkm() == before + result.ditambah
    assert store.read_umkm()["id"].is_unique


def test_failed_commit_changes_nothing(
    fixture_files: dict[str, Path], store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_import(read_source(fixture_files["csv"]), register=stored_register(), today=TODAY)
    before = store.read_umkm(presisi_lokasi=True)
    batches = store.read_import_batches()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise StoreError("umkm", "the database refused the write (uji)")

    monkeypatch.setattr(type(store), "bump_data_version", refuse)  # the last step fails
    with pytest.raises(ValueError, match="refused the write"):
        commit_import(store, plan, user="uji")
    assert_geodataframe_equal(store.read_umkm(presisi_lokasi=True), before)
    pd.testing.assert_frame_equal(store.read_import_batches(), batches)


# --- Command line -----------------------------------------------------------------------------


@pytest.fixture
def cli_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("DATABASE_URL", store.url)
    return store


def test_cli_dry_run_writes_the_report_and_stores_nothing(
    fixture_files: dict[str, Path], cli_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    report_path = tmp_path / "laporan" / "messy.csv"
    before = cli_store.count_umkm()
    status = main(["import", str(fixture_files["csv"]), "--dry-run", "--report", str(report_path)])
    assert status == 2  # galat rows
    captured = capsys.readouterr()
    assert "27 rows" in captured.out
    assert "[galat] messy.csv, baris 7, kolom Lat/Long: di luar Kota Malang" in captured.err
    assert cli_store.count_umkm() == before
    report = pd.read_csv(report_path, dtype="string", keep_default_na=False)
    assert {"baris", "status", "kode_kelurahan", "pesan"} <= set(report.columns)
    records = messy.records()
    assert report["baris"].astype(int).tolist() == messy.source_rows()
    assert report["status"].tolist() == [r["status"] for r in records]
    assert report["kode_kelurahan"].tolist() == [r["kode"] for r in records]
    assert set(report["status"]) == {"ok", "peringatan", "galat"}


def test_cli_commit_refuses_galat_unless_told(
    fixture_files: dict[str, Path], cli_store: Store, capsys: pytest.CaptureFixture
) -> None:
    before = cli_store.count_umkm()
    assert main(["import", str(fixture_files["gpkg"]), "--commit"]) == 2
    assert "tidak ada yang disimpan" in capsys.readouterr().err
    assert cli_store.count_umkm() == before
    assert (
        main(
            [
                "import",
                str(fixture_files["gpkg"]),
                "--commit",
                "--skip-errors",
                "--place-missing",
                "--on-duplicate",
                "perbarui",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "UMKM imported, 2 updated" in out
    batches = cli_store.read_import_batches()
    assert batches["nama_file"].tolist()[-1] == "messy.gpkg"
    assert cli_store.read_audit().iloc[0]["pengguna"].startswith("cli:")


def test_cli_reports_unreadable_files(tmp_path: Path, cli_store: Store, capsys) -> None:
    bad = tmp_path / "daftar.xlsx"
    bad.write_bytes(b"bukan excel")
    assert main(["import", str(bad), "--dry-run"]) == 2
    assert "daftar.xlsx: XLSX tidak terbaca" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "tidak_ada.csv"), "--dry-run"]) == 2
    assert "berkas tidak ditemukan" in capsys.readouterr().err
    sheet = tmp_path / "dua.xlsx"
    messy.write_xlsx(sheet)
    assert main(["import", str(sheet), "--dry-run", "--sheet", "Rekap"]) == 2
    assert "sheet 'Rekap' tidak ada; pilihan: Data UMKM, Catatan" in capsys.readouterr().err


# --- Reports ----------------------------------------------------------------------------------


def test_reports_as_csv_and_xlsx(fixture_files: dict[str, Path]) -> None:
    plan = plan_for(fixture_files["csv"])
    from_csv = pd.read_csv(io.BytesIO(importer.report_csv(plan)), dtype="string")
    assert list(from_csv.columns) == list(importer.REPORT_COLUMNS)
    from_xlsx = pd.read_excel(
        io.BytesIO(importer.report_xlsx(plan)), sheet_name=None, dtype=str, engine="calamine"
    )
    assert set(from_xlsx) == {"laporan", "ringkasan"}
    laporan = from_xlsx["laporan"]
    assert laporan["baris"].astype(int).tolist() == from_csv["baris"].astype(int).tolist()
    assert laporan["status"].tolist() == from_csv["status"].tolist()
    assert laporan["pesan"].fillna("").tolist() == from_csv["pesan"].fillna("").tolist()
    assert plan.source.sha256 in from_xlsx["ringkasan"].to_string()


def test_read_register_csv_keeps_the_all_or_nothing_helper(tmp_path: Path) -> None:
    good = tmp_path / "baik.csv"
    good.write_text("nama_usaha,lat,lon\nTempe,-7.954,112.6462\n")
    rows = importer.read_register_csv(good)
    assert rows["kode_kelurahan"].tolist() == [messy.PURWANTORO]
    bad = tmp_path / "buruk.csv"
    bad.write_text("nama_usaha,lat,lon\nTempe,-7.2,112.6462\n")
    with pytest.raises(
        importer.RegisterImportError, match=re.escape("buruk.csv, baris 2, kolom lat/lon")
    ):
        importer.read_register_csv(bad)


# --- Properties -------------------------------------------------------------------------------

_cell = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(
        ["-7,95", "112.62", "7°56'S", "-7.95, 112.62", "Rp 2 M", "0812", "Dinoyo", "-", ";", '"']
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
_HEADERS = [
    "Nama Usaha",
    "No HP/WA",
    "Kel.",
    "Kec.",
    "Jenis Usaha",
    "Skala",
    "Omzet",
    "Aset",
    "Lat",
    "Long",
    "Koordinat",
    "Tanggal",
    "Status",
    "id",
]


def _table(rows: list[list[str | None]]) -> SourceTable:
    cells = pd.DataFrame(rows, columns=_HEADERS, dtype=object)
    return SourceTable(
        name="acak.csv",
        sha256="f" * 64,
        format="csv",
        cells=cells,
        rows=np.arange(2, len(rows) + 2, dtype="int64"),
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_cell, min_size=len(_HEADERS), max_size=len(_HEADERS)), max_size=6))
def test_arbitrary_cells_never_crash_the_importer(rows: list[list[str | None]]) -> None:
    plan = plan_import(
        _table(rows),
        register=stored_register(),
        options=PlanOptions(place_missing=True),
        today=TODAY,
    )
    assert len(plan.rows) == len(rows)
    assert set(plan.rows["status_baris"]) <= set(importer.STATUSES)
    accepted = plan.to_insert()
    # Whatever is accepted is a valid register row inside Kota Malang.
    assert accepted["nama_usaha"].notna().all()
    assert accepted["kode_kelurahan"].notna().all()
    assert accepted["lat"].between(-8.1, -7.8).all() and accepted["lon"].between(112.5, 112.8).all()
    galat = plan.rows["status_baris"] == "galat"
    assert (plan.rows.loc[galat, "tindakan"] == "lewati").all()
    assert (plan.rows.loc[galat, "pesan"] != "").all()


@pytest.fixture(scope="module")
def hypothesis_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('hyp') / 'h.sqlite'}")
    s.commit_import(
        nama_file="register_lama.csv",
        sha256="0" * 64,
        jumlah_baris=2,
        new=stored_register().assign(presisi_lokasi=pd.NA),
        updates=stored_register().iloc[:0].assign(presisi_lokasi=pd.NA),
    )
    return s


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.lists(_cell, min_size=len(_HEADERS), max_size=len(_HEADERS)), max_size=5),
    st.sampled_from(["perbarui", "lewati"]),
)
def test_a_failed_or_undone_import_never_changes_stored_data(
    hypothesis_store: Store, rows: list[list[str | None]], on_duplicate: str
) -> None:
    store = hypothesis_store
    before = store.read_umkm(presisi_lokasi=True)
    batches = store.read_import_batches()
    plan = plan_import(
        _table(rows), register=before, options=PlanOptions(place_missing=True), today=TODAY
    ).with_duplicate_action(on_duplicate)
    try:
        result = commit_import(store, plan, user="uji")
    except ValueError:  # nothing accepted, or the store refused: nothing may have changed
        pass
    else:  # it worked: undoing it must give back exactly the previous state
        undo_import(store, result.batch_id, user="uji")
    assert_geodataframe_equal(store.read_umkm(presisi_lokasi=True), before)
    pd.testing.assert_frame_equal(store.read_import_batches(), batches)
    # Make the commit fail at the very end: the new batch takes an id the store already has.
    new = plan.to_insert()
    clash = new.iloc[:1].assign(id="TOKO-002") if len(new) else stored_register().iloc[:1]
    broken = pd.concat([new, clash.assign(presisi_lokasi=pd.NA)], ignore_index=True)
    with pytest.raises(ValueError):
        store.commit_import(
            nama_file="acak.csv",
            sha256=plan.source.sha256,
            jumlah_baris=len(plan.rows),
            new=to_geodataframe(broken),
            updates=plan.to_update(),
        )
    assert_geodataframe_equal(store.read_umkm(presisi_lokasi=True), before)
    pd.testing.assert_frame_equal(store.read_import_batches(), batches)


# --- Stages, each run alone on a small hand-made frame ----------------------------------------

#: Kelurahan code and a point inside it (degrees, EPSG:4326).
KAUMAN = ("35.73.02.1007", -7.97898, 112.62849)
DINOYO = ("35.73.05.1004", -7.94356, 112.60961)


def found(work: stages.Work) -> list[tuple[int, str, str, str]]:
    """The problems of a working frame as (row position, column, level, message), by row."""
    f = work.issues.frame().sort_values("pos", kind="stable")
    return list(zip(f["pos"], f["column"], f["level"], f["message"], strict=True))


def located_frame(
    points: list[tuple[float, float] | None], cells: dict[str, list[str | None]] | None = None
) -> stages.Work:
    """A working frame as after :func:`stages.locate_points`, built by hand."""
    work = stages.Work.of(cells or {}, rows=list(range(2, len(points) + 2)))
    has = [p is not None for p in points]
    work.out["lat"] = [p[0] if p else np.nan for p in points]
    work.out["lon"] = [p[1] if p else np.nan for p in points]
    work.out["_has"] = has
    work.out["_written"] = has
    work.out["_unlocated"] = False
    work.out["_coord_label"] = "lat/lon"
    return work


def test_stage_map_columns_cleans_cells_and_reports_the_mapping() -> None:
    source = SourceTable(
        name="peta.csv",
        sha256="a" * 64,
        format="csv",
        cells=pd.DataFrame(
            {"Nama Usaha": [" Toko A\x07 ", "n/a"], "Kel.": ["Kauman", "-"], "Catatan": ["x", "y"]}
        ),
        rows=np.array([2, 4], dtype="int64"),
        overflow={4: 2},
    )
    work = stages.map_columns(source)
    assert work.mapping == {"Nama Usaha": "nama_usaha", "Kel.": "kelurahan", "Catatan": None}
    assert work.labels == {"nama_usaha": "Nama Usaha", "kelurahan": "Kel."}
    assert work.mapping_problems == []
    assert list(work.cells.columns) == ["nama_usaha", "kelurahan"]
    assert work.col("nama_usaha").iloc[0] == "Toko A" and pd.isna(work.col("nama_usaha").iloc[1])
    assert work.col("telepon").isna().all() and work.label("telepon") == "telepon"
    assert work.rows.tolist() == [2, 4]
    assert found(work) == [
        (
            1,
            "-",
            "galat",
            "baris berisi 2 sel lebih banyak dari judul kolom (pemisah di dalam nilai?)",
        )
    ]
    bad = stages.map_columns(source, mapping={"Hilang": "nama_usaha"})
    assert bad.mapping_problems[0] == "kolom 'Hilang' tidak ada di berkas"
    # A mapping problem is the file's, said once (the plan refuses every row), not per row.
    assert {pos for pos, _, level, _ in found(bad) if level == "galat"} == {1}


def test_stage_take_names_generates_ids_and_refuses_repeated_ones() -> None:
    work = stages.Work.of({"nama_usaha": ["Toko A", "-", "Toko C"], "id": ["X1", "X2", "X1"]})
    stages.take_names(work)
    assert work.out["id"].tolist() == ["X1", "X2", "X1"]
    assert found(work) == [
        (1, "nama_usaha", "galat", "nama usaha kosong"),
        (2, "id", "galat", "id 'X1' sudah dipakai baris 2"),
    ]
    generated = stages.take_names(stages.Work.of({"id": [None, "X"]}), id_prefix="IMP-abc-")
    assert generated.out["id"].tolist() == ["IMP-abc-2", "X"]


def test_stage_repair_coordinates_reads_pairs_and_repairs_slips() -> None:
    work = stages.Work.of(
        {
            "lat": ["-7,97898", "112.62849", "abc", None, None, None],
            "lon": ["112,62849", "-7.97898", None, "112.6", None, None],
            "koordinat": [None, None, None, None, "-7.94356, 112.60961", None],
        }
    )
    stages.repair_coordinates(work)
    out = work.out
    assert out["lat"].round(5).tolist()[:2] == [-7.97898, -7.97898]
    assert out["lon"].round(5).tolist()[:2] == [112.62849, 112.62849]
    assert (out.loc[4, "lat"], out.loc[4, "lon"]) == (-7.94356, 112.60961)
    assert out["_has"].tolist() == [True, True, False, False, True, False]
    assert out["_written"].tolist() == [True, True, True, True, True, False]
    assert out["_unlocated"].tolist() == [False, False, True, True, False, False]
    assert out["_coord_label"].tolist()[4] == "koordinat"
    assert found(work) == [
        (1, "lat/lon", "peringatan", REPAIRS["tertukar"]),
        (2, "lat", "galat", "lintang tidak terbaca: 'abc'"),
        (3, "lat", "galat", "lintang kosong, bujur terisi"),
    ]


def test_stage_locate_points_refuses_points_outside_the_city() -> None:
    work = located_frame([KAUMAN[1:], (-7.5, 112.6), None])
    stages.locate_points(work)
    assert work.out["_point_kode"].fillna("-").tolist() == [KAUMAN[0], "-", "-"]
    assert work.out["_outside"].tolist() == [False, True, False]
    [(pos, column, level, message)] = found(work)
    assert (pos, column, level) == (1, "lat/lon", "galat")
    assert message.startswith("di luar Kota Malang")


@pytest.mark.parametrize("place_missing", [True, False])
def test_stage_resolve_wilayah_compares_the_point_with_the_name(place_missing: bool) -> None:
    work = located_frame(
        [KAUMAN[1:], KAUMAN[1:], None, None, None],
        {"kelurahan": ["Kauman", "Dinoyo", "Dinoyoo", "Atlantis", None]},
    )
    work.out["_point_kode"] = pd.array([KAUMAN[0], KAUMAN[0], None, None, None], dtype="string")
    work.out["_outside"] = False
    stages.resolve_wilayah(work, place_missing=place_missing)
    out = work.out
    placed = DINOYO[0] if place_missing else None
    assert out["kode_kelurahan"].astype(object).where(
        out["kode_kelurahan"].notna(), None
    ).tolist() == [
        KAUMAN[0],
        KAUMAN[0],
        placed,
        None,
        None,
    ]
    assert out["kelurahan"].tolist()[:2] == ["Kauman", "Kauman"]
    assert out["lat"].notna().tolist() == [True, True, place_missing, False, False]
    problems = found(work)
    assert problems[0][:3] == (1, "kelurahan", "peringatan")
    assert problems[0][3].startswith(
        "titik koordinat berada di Kelurahan Kauman, bukan Kelurahan Dinoyo seperti tertulis ("
    )
    assert problems[1] == (
        2,
        "kelurahan",
        "peringatan",
        "nama kelurahan 'Dinoyoo' dibaca sebagai Dinoyo",
    )
    if place_missing:
        assert out.loc[2, "presisi_lokasi"] == "kelurahan"
        assert problems[2][:3] == (2, "koordinat", "peringatan")
    else:
        assert problems[2][:3] == (2, "koordinat", "galat")
    assert problems[3:] == [
        (3, "kelurahan", "galat", "kelurahan 'Atlantis' tidak dikenal di Kota Malang"),
        (4, "koordinat", "galat", "koordinat dan kelurahan kosong: lokasi tidak diketahui"),
    ]


def test_stage_classify_sectors() -> None:
    work = stages.Work.of({"sektor": ["warung makan", "xyzzy", None, "konveski"]})
    stages.classify_sectors(work)
    assert work.out["sektor"].tolist() == ["kuliner", "lainnya", "lainnya", "fesyen"]
    assert [(pos, message) for pos, _, _, message in found(work)] == [
        (1, "jenis usaha 'xyzzy' tidak dikenali; dimasukkan ke 'lainnya'"),
        (2, "jenis usaha kosong; dimasukkan ke 'lainnya'"),
        (3, "jenis usaha 'konveski' dibaca sebagai 'konveksi' (Fesyen)"),
    ]


def test_stage_money_and_size() -> None:
    work = stages.Work.of(
        {
            "omzet": ["Rp 150.000.000", None, "abc", "60 M", None],
            "omzet_bulanan": [None, "10 jt", None, None, None],
            "modal": [None, None, None, None, "-5 jt"],
            "skala": [None, "kecil", None, None, "mikro"],
        }
    )
    stages.money_and_size(work)
    out = work.out
    assert out["omzet"].tolist()[:2] == [150e6, 120e6]
    assert out["skala"].fillna("-").tolist() == ["mikro", "kecil", "-", "-", "mikro"]
    assert [(pos, level) for pos, _, level, _ in found(work)] == [
        (1, "peringatan"),  # written kecil, but the omzet says mikro
        (2, "peringatan"),  # omzet unreadable
        (2, "peringatan"),  # size unknown
        (3, "galat"),  # besar: not an UMKM
        (4, "peringatan"),  # negative aset
    ]
    assert found(work)[3][3].startswith("usaha besar menurut omzet Rp60 miliar per tahun")


def test_stage_normalise_phone() -> None:
    work = stages.Work.of({"telepon": ["0812-3456-7890", "123", "0812 3456 7890 / 0813 1111 2222"]})
    stages.normalise_phone(work)
    assert work.out["telepon"].fillna("-").tolist() == ["+6281234567890", "-", "+6281234567890"]
    assert [(pos, message) for pos, _, _, message in found(work)] == [
        (1, "nomor telepon '123' tidak valid; tidak disimpan"),
        (2, "lebih dari satu nomor; disimpan yang pertama: +6281234567890"),
    ]


def test_stage_dates_and_status() -> None:
    work = stages.Work.of(
        {
            "tanggal_terkurasi": ["27/11/2025", "kemarin", "1/1/2030"],
            "status": ["Aktif", "tutup", "entah"],
            "sentra_id": ["S1", "S9", None],
        }
    )
    stages.dates_and_status(work, today=TODAY, sentra_ids={"S1"}, sumber="berkas.csv")
    out = work.out
    assert out["tanggal_terkurasi"].dt.date.tolist() == [dt.date(2025, 11, 27), TODAY, TODAY]
    assert out["status"].tolist() == ["aktif", "tidak_aktif", "aktif"]
    assert out["sentra_id"].fillna("-").tolist() == ["S1", "-", "-"]
    assert out["sumber"].tolist() == ["berkas.csv"] * 3
    assert [(pos, message) for pos, _, _, message in found(work)] == [
        (1, "tanggal 'kemarin' tidak terbaca; dipakai tanggal impor"),
        (1, "sentra 'S9' tidak dikenal; dikosongkan"),
        (2, "tanggal '1/1/2030' di masa depan; dipakai tanggal impor"),
        (2, "status 'entah' tidak dikenal; dianggap aktif"),
    ]


def test_stage_mark_duplicates_skips_galat_rows() -> None:
    work = located_frame([KAUMAN[1:], KAUMAN[1:], KAUMAN[1:], DINOYO[1:]])
    work.out["id"] = pd.array(["A", "B", "C", "D"], dtype="string")
    work.out["nama_usaha"] = pd.array(["Toko", "Toko", "Toko", "Bakso"], dtype="string")
    work.out["telepon"] = pd.array([None, None, None, "+6281299998888"], dtype="string")
    work.issues.add(np.array([True, False, False, False]), "-", "galat", "rusak")
    register = pd.DataFrame(
        {
            "id": ["TOKO-9"],
            "nama_usaha": ["Bakso Lain"],
            "telepon": ["+6281299998888"],
            "lat": [-7.9],
            "lon": [112.6],
        }
    )
    stages.mark_duplicates(work, register=register)
    out = work.out
    # Row 0 has a galat, so row 2 repeats row 1 (source row 3), not row 0.
    assert out["_baris_sama"].tolist() == [pd.NA, pd.NA, 3, pd.NA]
    assert out["_id_sama"].fillna("-").tolist() == ["-", "-", "-", "TOKO-9"]
    assert out["_alasan"].fillna("-").tolist() == ["-", "-", "nama sama", "telepon sama"]
    assert found(work)[1:] == [
        (
            2,
            "nama_usaha",
            "peringatan",
            "duplikat baris 3 (nama sama, 0 m); dilewati kecuali dipilih impor",
        ),
        (
            3,
            "nama_usaha",
            "peringatan",
            "sudah ada di register: TOKO-9 (telepon sama); dilewati kecuali dipilih perbarui",
        ),
    ]


def test_finish_plan_turns_problems_into_statuses_and_actions() -> None:
    source = _table([[None] * len(_HEADERS)] * 3)
    work = stages.Work.of({"nama_usaha": ["Toko A", None, "Toko C"]})
    stages.take_names(work, id_prefix="IMP-x-")
    work.issues.add(np.array([False, False, True]), "Skala", "peringatan", "hati-hati")
    plan = importer.finish_plan(work, source=source, provided={"nama_usaha"})
    assert plan.rows["status_baris"].tolist() == ["ok", "galat", "peringatan"]
    assert plan.rows["tindakan"].tolist() == ["impor", "lewati", "impor"]
    assert plan.rows["pesan"].tolist() == ["", "nama_usaha: nama usaha kosong", "Skala: hati-hati"]
    assert plan.issues["row"].tolist() == [3, 4]
    assert plan.provided == frozenset({"nama_usaha"}) and plan.stored.empty


def test_the_stages_in_order_give_plan_import(fixture_files: dict[str, Path]) -> None:
    source = read_source(fixture_files["csv"])
    register = stored_register()
    expected = plan_import(source, register=register, today=TODAY, sentra_ids={"SEN-01"})
    work = stages.map_columns(source)
    stages.take_names(work, id_prefix=f"IMP-{source.sha256[:8]}-")
    stages.repair_coordinates(work)
    stages.locate_points(work)
    stages.resolve_wilayah(work)
    stages.classify_sectors(work)
    stages.money_and_size(work)
    stages.normalise_phone(work)
    stages.dates_and_status(work, today=TODAY, sentra_ids={"SEN-01"}, sumber=source.name)
    stages.mark_duplicates(work, register=register)
    plan = importer.finish_plan(
        work, source=source, provided=importer.provided_columns(work.labels)
    )
    pd.testing.assert_frame_equal(plan.rows, expected.rows)
    pd.testing.assert_frame_equal(plan.issues, expected.issues)
    assert plan.provided == expected.provided


def test_repeated_id_names_the_first_row_as_an_integer():
    csv = (
        b"id,nama_usaha,kelurahan,lat,lon\n"
        b"A1,Warung,Purwantoro,-7.9609,112.6435\n"
        b",Toko,Purwantoro,-7.9610,112.6436\n"
        b"A1,Kios,Purwantoro,-7.9611,112.6437\n"
    )
    plan = plan_import(read_source(csv, name="x.csv"))
    assert [p.message for p in plan.problems if "dipakai" in p.message] == [
        "id 'A1' sudah dipakai baris 2"
    ]


# --- Registers from other systems (issue 15) ---------------------------------------------------


def _osm_source(fmt: str = "geojson") -> SourceTable:
    cells = pd.DataFrame(
        {
            "NAME": ["Rawon Pak Di", "Rawon Pak Di", "Toko Baju"],
            "AMENITY": ["restaurant", "restaurant", None],
            "SHOP": [None, None, "clothes"],
            "ID": ["1544238704", "1544238705", "1544238706"],
            "geometri": ["-7.9609, 112.6435", "-7.9609, 112.6435", "-7.9542, 112.6462"],
        },
        dtype=object,
    )
    return SourceTable(
        name=f"osm.{fmt}",
        sha256="e" * 64,
        format=fmt,
        cells=cells,
        rows=np.arange(1, 4, dtype="int64"),
    )


def test_features_are_numbered_and_called_fitur() -> None:
    plan = plan_import(_osm_source(), today=TODAY)
    assert plan.unit == "fitur"
    assert plan.report()["baris"].tolist() == [1, 2, 3]
    assert "duplikat fitur 1 (nama sama, 0 m)" in plan.report()["pesan"].iloc[1]
    text = importer.problems_text(plan.problems, unit=plan.unit)
    assert "osm.geojson, fitur 2, kolom NAME: duplikat fitur 1" in text
    assert importer.report_csv(plan).decode().startswith("fitur,status,")
    with pytest.raises(ValueError, match="fitur 9 tidak ada"):
        plan.with_actions({9: "impor"})
    assert plan_import(_osm_source("csv"), today=TODAY).unit == "baris"


def test_osm_tags_decide_the_sector_and_the_id_is_kept_as_id_sumber() -> None:
    plan = plan_import(_osm_source(), today=TODAY)
    assert plan.mapping["ID"] == "id_sumber"
    assert plan.rows["sektor"].tolist() == ["kuliner", "kuliner", "fesyen"]
    assert plan.rows["id_sumber"].tolist() == ["1544238704", "1544238705", "1544238706"]
    assert plan.report()["id_sumber"].tolist() == plan.rows["id_sumber"].tolist()
    assert not plan.rows["id"].str.startswith("15442387").any()
    assert "kolom tidak dipetakan: AMENITY, SHOP" in plan.notes
    assert "sektor dibaca juga dari kolom yang tidak dipetakan: AMENITY, SHOP" in plan.notes
    assert not plan.rows["pesan"].str.contains("jenis usaha").any()  # the file said it


def test_skala_default_makes_rows_ok_and_says_the_class_is_assumed() -> None:
    plain = plan_import(_osm_source(), today=TODAY)
    assert plain.rows["pesan"].str.contains("skala tidak diketahui").all()
    plan = plan_import(_osm_source(), options=PlanOptions(skala_default="mikro"), today=TODAY)
    assert plan.rows["skala"].tolist() == ["mikro"] * 3
    assert plan.rows["status_baris"].tolist() == ["ok", "peringatan", "ok"]  # 2 repeats 1
    assert any("skala diasumsikan mikro untuk 3 fitur" in n for n in plan.notes)
    sheet = pd.read_excel(
        io.BytesIO(importer.report_xlsx(plan)),
        sheet_name="ringkasan",
        header=None,
        dtype=str,
        engine="calamine",
    )
    assert sheet.to_string().count("skala diasumsikan mikro") == 1
    with pytest.raises(ValueError, match="skala bawaan 'besar' tidak dikenal"):
        plan_import(_osm_source(), options=PlanOptions(skala_default="besar"), today=TODAY)


def test_a_mapping_without_a_name_is_one_problem_of_the_file() -> None:
    source = _osm_source()
    plan = plan_import(source, mapping={"AMENITY": "sektor", "geometri": "koordinat"})
    assert [(p.row, p.level) for p in plan.problems] == [(0, "galat")]
    assert plan.problems[0].message == (
        "pemetaan kolom: kolom nama usaha belum dipilih; kolom di berkas: NAME, AMENITY, SHOP, "
        "ID, geometri"
    )
    assert plan.summary()["galat"] == 3 and (plan.rows["tindakan"] == "lewati").all()
    assert importer.problems_text(plan.problems).startswith("[galat] osm.geojson: pemetaan")


def test_a_foreign_id_is_stored_as_id_sumber(store: Store, tmp_path: Path) -> None:
    """An OpenStreetMap node id is kept beside the register id, never as it (issue 15)."""
    path = tmp_path / "osm.csv"
    path.write_text(
        "ID,NAME,PHONE,kelurahan,lat,lon\n"
        "1544238704,Bakso Contoh,0341351555,Kauman,-7.9790,112.6300\n",
        encoding="utf-8",
    )
    plan = plan_import(read_source(path), register=store.read_umkm(presisi_lokasi=True))
    commit_import(store, plan, user="uji")
    stored = store.read_umkm(presisi_lokasi=True)
    row = stored[stored["nama_usaha"] == "Bakso Contoh"].iloc[0]
    assert row["id_sumber"] == "1544238704" and row["id"] != "1544238704"
