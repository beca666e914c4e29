"""Tests for geo.store: round trips, all-or-nothing writes, migrations, SQLite settings."""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, inspect, text

from geo.core import register
from geo.core.settings import CURATED_NOW
from geo.store import COUNTABLE_COLUMNS, IMPORT_BATCH_COLUMNS, MIGRATIONS, Store, StoreError
from geo.store import rows as store_rows
from geo.store import schema as store_mod
from tests import postgis

#: Database backends the store is tested against (PostGIS: see tests/postgis.py).
BACKENDS = ["sqlite", "postgis"]


def _url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'umkm.sqlite'}"
    raise AssertionError(f"no URL for backend {backend!r}")


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgis":
        with postgis.fresh_schema_url() as url:
            yield url
    else:
        yield _url(request.param, tmp_path)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    s = Store(_url("sqlite", tmp_path))
    yield s
    s.close()


# --- Synthetic data ----------------------------------------------------------------------------

D = pd.Timestamp


@functools.cache
def _umkm_base() -> gpd.GeoDataFrame:
    data: dict[str, Any] = {
        "id": ["U003", "U001", "U002", "U004"],
        "nama_usaha": ["Keripik Tempe Sanan", 'Bolen "Bu Sri" — é ✓ 🍩', "", "Laundry Kilat"],
        "pemilik": ["Siti", None, "Agus", "Dewi"],
        "telepon": ["0812-3456-7890", None, None, "+62 341 123"],
        "alamat": ["Jl. Sanan 12", "Jl. Ijen 3", None, "Jl. Soekarno-Hatta 1"],
        "kode_kelurahan": ["35.73.01.1001", "35.73.02.1003", "35.73.02.1003", None],
        "lat": [-7.9611, -7.9723, -7.98, -7.9500000000000001],
        "lon": [112.6451, 112.6302, 112.62, 112.6333333333333],
        "sektor": ["kuliner", "kuliner", "jasa", None],
        "skala": ["mikro", "kecil", None, "mikro"],
        "sentra_id": ["S01", None, "S01", None],
        "tanggal_terkurasi": [D("2024-03-05"), pd.NaT, D("2023-12-31"), D("1999-01-01")],
        "status": ["aktif", "aktif", "tidak_aktif", None],
        "modal": [0.1 + 0.2, np.nan, 2.5e9, 1e-300],
        "omzet": [np.nan, 123_456_789.123, 5e10, 0.0],
        "sumber": ["demo", "import", None, "demo"],
    }
    return register.to_geodataframe(pd.DataFrame(data))


def make_umkm(ids: list[str] | None = None, **overrides: Any) -> gpd.GeoDataFrame:
    """Four UMKM, unsorted, with NA strings, empty strings, NaN money, NaT dates.

    ``ids`` repeats the four rows under new ids; ``overrides`` replaces whole columns.
    """
    if ids is None and not overrides:
        return _umkm_base().copy()
    frame = pd.DataFrame(_umkm_base().drop(columns="geometry"))
    if ids is not None:
        frame = pd.concat([frame] * (len(ids) // len(frame) + 1), ignore_index=True)
        frame = frame.iloc[: len(ids)].assign(id=ids)
    for col, values in overrides.items():
        frame[col] = values
    return register.to_geodataframe(frame)


def make_sentra() -> pd.DataFrame:
    return _sentra_base().copy()


@functools.cache
def _sentra_base() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["S02", "S01"],
            "nama": ["Sentra Keramik Dinoyo", "Sentra Tempe Sanan"],
            "komoditas": ["keramik", "tempe"],
            "sektor": ["kriya", "kuliner"],
            "kode_kelurahan": ["35.73.05.1004", "35.73.01.1001"],
            "alamat": [None, "Jl. Sanan"],
            "lat": [-7.9402, -7.9611],
            "lon": [112.6101, 112.6451],
            "presisi_lokasi": ["jalan", "kelurahan"],
            "deskripsi": [None, "Kampung tempe"],
            "publik": [False, True],
        }
    ).astype(register.SENTRA_COLUMNS)


def make_sahabat() -> pd.DataFrame:
    return _sahabat_base().copy()


@functools.cache
def _sahabat_base() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["SB2", "SB1", "SB3"],
            "nama": ["Rina", "Joko", None],
            "tingkat": ["kelurahan", "kota", "rw"],
            "kode_kelurahan": ["35.73.02.1003", None, "35.73.01.1001"],
            "aktif": [True, False, True],
        }
    ).astype(register.SAHABAT_COLUMNS)


def make_visits() -> pd.DataFrame:
    return _visits_base().copy()


@functools.cache
def _visits_base() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["K2", "K1", "K3"],
            "tanggal": [D("2024-06-02"), D("2024-06-01"), D("2024-06-01")],
            "petugas": ["SB2", "SB1", None],
            "kode_kelurahan": ["35.73.02.1003", "35.73.01.1001", None],
            "sentra_id": [None, "S01", None],
            "umkm_id": ["U001", None, "U003"],
            "kebutuhan": ["pemasaran,perizinan", None, ""],
            "catatan": ["ok", None, "perlu\nfoto"],
            "tindak_lanjut": [D("2024-07-01"), pd.NaT, pd.NaT],
        }
    ).astype(register.VISIT_COLUMNS)


def make_history() -> pd.DataFrame:
    return _history_base().copy()


@functools.cache
def _history_base() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "umkm_id": ["U001", "U003", "U001"],
            "tanggal": [D("2024-01-01"), D("2023-05-05"), D("2022-01-01")],
            "skala": ["kecil", "mikro", "mikro"],
        }
    ).astype(register.SIZE_HISTORY_COLUMNS)


def sorted_frame(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return df.sort_values(by, ignore_index=True)


def expected_register(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    cols = [*register.UMKM_COLUMNS, "geometry"]
    return gdf[cols].sort_values("id", ignore_index=True)


def fill(store: Store) -> None:
    store.write_sentra(make_sentra())
    store.write_sahabat(make_sahabat())
    store.write_umkm(make_umkm())
    store.add_visits(make_visits())
    store.write_size_history(make_history())
    store.set_meta("dataset", "test")


def state(store: Store) -> dict[str, Any]:
    """Everything the store holds, as read through its public API."""
    return {
        "umkm": store.read_umkm(),
        "sentra": store.read_sentra(),
        "sahabat": store.read_sahabat(),
        "visits": store.read_visits(),
        "history": store.read_size_history(),
        "batches": store.read_import_batches(),
        "meta": store.read_meta(),
    }


def assert_same_state(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert before.keys() == after.keys()
    assert_geodataframe_equal(before["umkm"], after["umkm"])
    for key in ("sentra", "sahabat", "visits", "history", "batches"):
        pd.testing.assert_frame_equal(before[key], after[key])
    assert before["meta"] == after["meta"]


def assert_dtypes(df: pd.DataFrame, columns: dict[str, str]) -> None:
    assert list(df.columns) == list(columns)
    for col, dtype in columns.items():
        assert df[col].dtype == pd.Series(dtype=dtype).dtype, col


# --- Construction, schema, SQLite settings ------------------------------------------------------


def test_new_store_is_empty_with_model_dtypes(store: Store) -> None:
    assert store.is_empty()
    assert store.count_umkm() == 0
    assert store.schema_version == len(MIGRATIONS)
    assert_geodataframe_equal(store.read_umkm(), register.empty_register())
    assert_dtypes(store.read_sentra(), register.SENTRA_COLUMNS)
    assert_dtypes(store.read_sahabat(), register.SAHABAT_COLUMNS)
    assert_dtypes(store.read_visits(), register.VISIT_COLUMNS)
    assert_dtypes(store.read_size_history(), register.SIZE_HISTORY_COLUMNS)
    assert_dtypes(store.read_import_batches(), IMPORT_BATCH_COLUMNS)
    assert store.read_meta() == {}
    assert store.counts_by("sektor").empty


def test_default_url_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "nested" / "dir" / "umkm.sqlite"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    with Store() as s:
        assert s.dialect == "sqlite"
        assert s.url.endswith("umkm.sqlite")
        assert s.is_empty()
    assert path.exists()  # parent folders were created


def test_in_memory_sqlite_works() -> None:
    with Store("sqlite://") as s:
        s.write_sentra(make_sentra())
        s.write_umkm(make_umkm())
        assert s.count_umkm() == 4


def test_reopening_keeps_data_and_version(store_url: str) -> None:
    with Store(store_url) as s:
        fill(s)
        before = state(s)
    with Store(store_url) as s:
        assert s.schema_version == len(MIGRATIONS)
        assert_same_state(before, state(s))


@pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry':sqlalchemy.exc.SAWarning")
def test_tables_match_the_register_model(store: Store) -> None:
    insp = inspect(store._engine)
    columns = {t: [c["name"] for c in insp.get_columns(t)] for t in insp.get_table_names()}
    postgis_columns = ["geom"] if store.dialect == "postgresql" else []
    assert columns["umkm"] == [
        *register.UMKM_COLUMNS,
        "batch_id",
        "presisi_lokasi",
        *postgis_columns,
        "id_sumber",  # migration 6
    ]
    assert columns["import_perubahan"] == ["id", "batch_id", "umkm_id", "aksi", "sebelum"]
    assert columns["sentra"] == [*register.SENTRA_COLUMNS, *postgis_columns]
    assert columns["sahabat"] == list(register.SAHABAT_COLUMNS)
    assert columns["kunjungan"] == [  # check-in and idempotency: migration 7
        *register.VISIT_COLUMNS,
        *("kunci", "henti_id", "lat", "lon", "akurasi_m", "jarak_m", "di_luar_radius"),
    ]
    assert columns["pengguna"][-1] == "demo"  # migration 7
    assert {"rencana", "rencana_rute", "rencana_henti", "kunjungan_foto", "sesi_web"} <= set(
        columns
    )
    assert columns["riwayat_skala"] == list(register.SIZE_HISTORY_COLUMNS)
    assert columns["import_batch"] == ["id", "nama_file", "sha256", "dibuat", "jumlah_baris"]
    assert columns["meta"] == ["key", "value"]
    assert "schema_version" in columns

    def indexed(table: str) -> set[str]:
        return {c for ix in insp.get_indexes(table) for c in ix["column_names"]}

    assert {"kode_kelurahan", "sektor", "skala", "sentra_id", "batch_id"} <= indexed("umkm")
    assert "tanggal" in indexed("kunjungan")
    assert "umkm_id" in indexed("riwayat_skala")
    fks = {
        (t, fk["constrained_columns"][0]): (fk["referred_table"], fk["options"].get("ondelete"))
        for t in ("umkm", "riwayat_skala")
        for fk in insp.get_foreign_keys(t)
    }
    assert fks[("umkm", "sentra_id")][0] == "sentra"
    assert fks[("umkm", "batch_id")][0] == "import_batch"
    assert fks[("riwayat_skala", "umkm_id")] == ("umkm", "CASCADE")
    nullable = {c["name"]: c["nullable"] for c in insp.get_columns("kunjungan")}
    assert nullable["tindak_lanjut"] and not nullable["tanggal"]


def test_sqlite_uses_wal_and_foreign_keys(sqlite_store: Store, tmp_path: Path) -> None:
    for _ in range(2):  # every pooled connection, not just the first
        with sqlite_store._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    raw = sqlite3.connect(tmp_path / "db" / "umkm.sqlite")
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persisted in the file
    finally:
        raw.close()


def test_sqlite_enforces_foreign_keys_in_the_database(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Switch off the store's own check: the database itself must refuse the unknown sentra.
    monkeypatch.setattr(Store, "_check_sentra_refs", staticmethod(lambda records, ids: None))
    with pytest.raises(StoreError, match="umkm"):
        sqlite_store.write_umkm(make_umkm())
    assert sqlite_store.is_empty()


# --- Round trips -------------------------------------------------------------------------------


def test_umkm_round_trip_is_exact(store: Store) -> None:
    store.write_sentra(make_sentra())
    written = make_umkm()
    store.write_umkm(written)
    read = store.read_umkm()
    assert isinstance(read, gpd.GeoDataFrame)
    assert read.crs == "EPSG:4326"
    assert_dtypes(read.drop(columns="geometry"), register.UMKM_COLUMNS)
    assert_geodataframe_equal(read, expected_register(written))
    by_id = read.set_index("id")
    assert by_id.loc["U003", "modal"] == 0.1 + 0.2  # exact float, not 0.3
    assert by_id.loc["U004", "modal"] == 1e-300
    assert by_id.loc["U002", "nama_usaha"] == ""  # empty string is not NA
    assert pd.isna(by_id.loc["U002", "alamat"])
    assert pd.isna(by_id.loc["U001", "tanggal_terkurasi"])
    assert read["geometry"].x.tolist() == read["lon"].tolist()


def test_read_umkm_filters_by_kelurahan(store: Store) -> None:
    store.write_sentra(make_sentra())
    written = make_umkm()
    store.write_umkm(written)
    read = store.read_umkm(kode_kelurahan=["35.73.02.1003"])
    assert read["id"].tolist() == ["U001", "U002"]
    expected = expected_register(written)
    expected = expected[expected["kode_kelurahan"] == "35.73.02.1003"].reset_index(drop=True)
    assert_geodataframe_equal(read, expected)
    assert_geodataframe_equal(store.read_umkm(kode_kelurahan=[]), register.empty_register())
    none = store.read_umkm(kode_kelurahan=["35.73.99.9999"])
    assert_geodataframe_equal(none, register.empty_register())


@pytest.mark.parametrize(
    ("write", "read", "make", "key"),
    [
        ("write_sentra", "read_sentra", make_sentra, ["id"]),
        ("write_sahabat", "read_sahabat", make_sahabat, ["id"]),
        ("add_visits", "read_visits", make_visits, ["id"]),
        ("write_size_history", "read_size_history", make_history, ["umkm_id", "tanggal"]),
    ],
)
def test_table_round_trip_is_exact(
    store: Store, write: str, read: str, make: Any, key: list[str]
) -> None:
    store.write_sentra(make_sentra())
    store.write_umkm(make_umkm())
    written = make()
    getattr(store, write)(written)
    pd.testing.assert_frame_equal(getattr(store, read)(), sorted_frame(written, key))


def test_dates_keep_the_calendar_day_only(store: Store) -> None:
    store.write_sentra(make_sentra())
    store.write_umkm(make_umkm(tanggal_terkurasi=pd.Series([D("2024-03-05 13:45")] * 4)))
    days = store.read_umkm()["tanggal_terkurasi"]
    assert (days == D("2024-03-05")).all()
    assert days.dtype == "datetime64[s]"


def test_write_accepts_plain_columns_and_ignores_extras(store: Store) -> None:
    store.write_sentra(make_sentra())
    plain = pd.DataFrame(make_umkm().drop(columns="geometry")).astype(object)
    plain["lat"] = plain["lat"].astype(str)  # text that reads as numbers is fine
    plain["catatan_lain"] = "ignored"
    store.write_umkm(plain)
    assert_geodataframe_equal(store.read_umkm(), expected_register(make_umkm()))


TEXT = st.one_of(
    st.none(), st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))
)
MONEY = st.floats(allow_nan=True, allow_infinity=True)
DAY = st.one_of(st.none(), st.dates(min_value=pd.Timestamp.min.date()))


# The store fixture is shared by the examples on purpose: each example upserts its own ids.
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(TEXT, MONEY, DAY), min_size=1, max_size=8))
def test_any_value_round_trips(store: Store, rows: list[tuple[str | None, float, Any]]) -> None:
    ids = [f"R{i}" for i in range(len(rows))]
    texts, money, days = zip(*rows, strict=True)
    written = make_umkm(
        ids=ids,
        sentra_id=None,
        nama_usaha=pd.array(texts, dtype="string"),
        modal=np.array(money, dtype="float64"),
        tanggal_terkurasi=pd.Series(days, dtype="object").astype("datetime64[s]"),
    )
    store.upsert_umkm(written)
    read = store.read_umkm()
    read = read[read["id"].isin(ids)].reset_index(drop=True)
    assert_geodataframe_equal(read, expected_register(written))


# --- All or nothing ----------------------------------------------------------------------------


@pytest.fixture
def filled(store: Store) -> Store:
    fill(store)
    return store


def batch_with(change: str) -> gpd.GeoDataFrame:
    """Six new UMKM with one bad row in the middle (row id U103)."""
    ids = ["U100", "U101", "U102", "U103", "U104", "U105"]
    batch = pd.DataFrame(make_umkm(ids=ids))
    if change == "duplicate_in_batch":
        batch.loc[3, "id"] = "U101"
    elif change == "duplicate_of_stored":
        batch.loc[3, "id"] = "U002"
    elif change == "unknown_sentra":
        batch.loc[3, "sentra_id"] = "S99"
    elif change == "missing_id":
        batch.loc[3, "id"] = None
    elif change == "bad_number":
        batch["lat"] = batch["lat"].astype(object)
        batch.loc[3, "lat"] = "minus tujuh"
    elif change == "bad_date":
        batch["tanggal_terkurasi"] = batch["tanggal_terkurasi"].astype(object)
        batch.loc[3, "tanggal_terkurasi"] = "kemarin"
    elif change == "nul_character":
        batch.loc[3, "alamat"] = "Jl. \x00"
    return batch


#: Bad batches for write_umkm and the row id the error must name.
BAD_BATCHES = {
    "duplicate_in_batch": "U101",
    "duplicate_of_stored": "U002",
    "unknown_sentra": "U103",
    "missing_id": None,
    "bad_number": "U103",
    "bad_date": "U103",
    "nul_character": "U103",
}


def test_failing_umkm_batch_changes_nothing(filled: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_rows, "_CHUNK_ROWS", 2)  # several executemany calls per batch
    before = state(filled)
    for change, row_id in BAD_BATCHES.items():
        with pytest.raises(StoreError) as info:
            filled.write_umkm(batch_with(change))
        assert (info.value.table, info.value.row_id) == ("umkm", row_id), change
        assert "'umkm'" in str(info.value)
        if row_id is not None:
            assert repr(row_id) in str(info.value), change
        assert filled.count_umkm() == 4, change
    assert_same_state(before, state(filled))  # no attempt left anything behind


def test_database_level_failure_mid_batch_rolls_back(
    filled: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the store's own check the duplicate reaches the database after the first
    # chunks have been inserted; the transaction must undo them.
    monkeypatch.setattr(store_rows, "_CHUNK_ROWS", 2)
    monkeypatch.setattr(Store, "_check_new_ids", staticmethod(lambda conn, spec, records: None))
    before = state(filled)
    with pytest.raises(StoreError, match="umkm") as info:
        filled.write_umkm(batch_with("duplicate_of_stored"))
    assert info.value.table == "umkm"
    assert_same_state(before, state(filled))


def test_unknown_batch_id_is_refused(filled: Store) -> None:
    before = state(filled)
    with pytest.raises(StoreError, match="batch"):
        filled.write_umkm(batch_with("none"), batch_id=999)
    assert_same_state(before, state(filled))


def test_failing_visits_and_history_change_nothing(filled: Store) -> None:
    before = state(filled)
    visits = make_visits().assign(id=["K9", "K1", "K8"])  # K1 is stored already
    with pytest.raises(StoreError) as info:
        filled.add_visits(visits)
    assert (info.value.table, info.value.row_id) == ("kunjungan", "K1")
    no_date = make_visits().assign(id=["K7", "K8", "K9"])
    no_date.loc[1, "tanggal"] = pd.NaT
    with pytest.raises(StoreError, match="tanggal") as info:
        filled.add_visits(no_date)
    assert info.value.row_id == "K8"
    history = pd.DataFrame(
        {
            "umkm_id": ["U002", "U999"],
            "tanggal": [D("2024-02-02"), D("2024-02-02")],
            "skala": ["kecil", "kecil"],
        }
    )
    with pytest.raises(StoreError) as info:
        filled.write_size_history(history)
    assert (info.value.table, info.value.row_id) == ("riwayat_skala", "U999 2024-02-02")
    same_day = history.assign(umkm_id=["U002", "U001"])  # U001 has a class on 2024-01-01
    same_day.loc[1, "tanggal"] = D("2024-01-01 08:00")
    with pytest.raises(StoreError) as info:
        filled.write_size_history(same_day)
    assert info.value.row_id == "U001 2024-01-01"
    sahabat = make_sahabat()
    sahabat["aktif"] = pd.Series([True, None, False], dtype=object)
    with pytest.raises(StoreError, match="aktif") as info:
        filled.write_sahabat(sahabat)
    assert info.value.row_id == "SB1"
    with pytest.raises(StoreError, match="missing columns: publik"):
        filled.write_sentra(make_sentra().drop(columns="publik"))
    assert_same_state(before, state(filled))


# --- Upsert, sentra and sahabat updates --------------------------------------------------------


def test_upsert_updates_and_inserts(filled: Store) -> None:
    batch = filled.create_import_batch("a.csv", "0" * 64, 4)
    filled.write_umkm(make_umkm(ids=["U201"]), batch_id=batch)
    changes = make_umkm(ids=["U001", "U201", "U300"])
    changes["nama_usaha"] = pd.array(["Bolen Baru", None, "Baru sekali"], dtype="string")
    changes["omzet"] = [2.0e9, np.nan, 1.5]
    filled.upsert_umkm(changes)
    read = filled.read_umkm().set_index("id")
    assert read.index.tolist() == ["U001", "U002", "U003", "U004", "U201", "U300"]
    assert read.loc["U001", "nama_usaha"] == "Bolen Baru"
    assert read.loc["U001", "omzet"] == 2.0e9
    assert pd.isna(read.loc["U201", "nama_usaha"])
    assert read.loc["U300", "omzet"] == 1.5
    assert read.loc["U002", "nama_usaha"] == ""  # untouched
    assert_geodataframe_equal(
        filled.read_umkm().query("id in ['U001', 'U201', 'U300']").reset_index(drop=True),
        expected_register(changes),
    )
    # U201 stays in its batch after the update: undoing the batch removes it.
    assert filled.delete_batch(batch) == 1
    assert "U201" not in filled.read_umkm()["id"].tolist()


def test_write_sentra_and_sahabat_update_by_id(filled: Store) -> None:
    sentra = make_sentra().iloc[[1]].assign(nama="Sentra Tempe Sanan (baru)", publik=False)
    filled.write_sentra(sentra)
    read = filled.read_sentra().set_index("id")
    assert read.loc["S01", "nama"] == "Sentra Tempe Sanan (baru)"
    assert not read.loc["S01", "publik"]
    assert read.loc["S02", "nama"] == "Sentra Keramik Dinoyo"
    sahabat = make_sahabat().iloc[[0]].assign(aktif=False)
    filled.write_sahabat(sahabat)
    assert not filled.read_sahabat().set_index("id").loc["SB2", "aktif"]
    assert len(filled.read_sahabat()) == 3


# --- Import batches ----------------------------------------------------------------------------


def test_delete_batch_removes_exactly_that_batch(filled: Store) -> None:
    first = filled.create_import_batch("januari.xlsx", "a" * 64, 2)
    second = filled.create_import_batch("februari.csv", "b" * 64, 3)
    assert first != second
    filled.write_umkm(make_umkm(ids=["B101", "B102"]), batch_id=first)
    filled.write_umkm(make_umkm(ids=["B201", "B202", "B203"]), batch_id=second)
    history = pd.DataFrame(
        {
            "umkm_id": ["B101", "B201"],
            "tanggal": [D("2024-05-01"), D("2024-05-01")],
            "skala": ["mikro", "kecil"],
        }
    )
    filled.write_size_history(history)
    batches = filled.read_import_batches()
    assert batches["id"].tolist() == [first, second]
    assert batches["jumlah_umkm"].tolist() == [2, 3]
    assert batches["nama_file"].tolist() == ["januari.xlsx", "februari.csv"]
    assert batches["jumlah_baris"].tolist() == [2, 3]
    assert (batches["dibuat"] > D("2020-01-01")).all()

    assert filled.delete_batch(batches["id"].iloc[0]) == 2  # a numpy integer is fine
    ids = filled.read_umkm()["id"].tolist()
    assert ids == ["B201", "B202", "B203", "U001", "U002", "U003", "U004"]
    assert filled.read_import_batches()["id"].tolist() == [second]
    history_left = filled.read_size_history()
    assert "B101" not in history_left["umkm_id"].tolist()  # cascaded
    assert "B201" in history_left["umkm_id"].tolist()
    before = state(filled)
    with pytest.raises(StoreError, match="unknown batch_id"):
        filled.delete_batch(first)
    assert_same_state(before, state(filled))


# --- Replacing the whole data set --------------------------------------------------------------


def new_dataset() -> dict[str, Any]:
    sentra = make_sentra().assign(id=["T02", "T01"]).astype(register.SENTRA_COLUMNS)
    umkm = make_umkm(ids=["N1", "N2", "N3"], sentra_id=["T01", None, "T02"])
    return {
        "umkm": umkm,
        "sentra": sentra,
        "sahabat": make_sahabat().iloc[:1],
        "visits": make_visits().iloc[:2],
        "size_history": pd.DataFrame(
            {"umkm_id": ["N1"], "tanggal": [D("2024-01-01")], "skala": ["mikro"]}
        ),
        "meta": {"dataset": "demo", "seed": "3573"},
    }


def test_replace_dataset_replaces_everything(filled: Store) -> None:
    filled.create_import_batch("old.csv", "c" * 64, 1)
    data = new_dataset()
    filled.replace_dataset(**data)
    assert_geodataframe_equal(filled.read_umkm(), expected_register(data["umkm"]))
    pd.testing.assert_frame_equal(filled.read_sentra(), sorted_frame(data["sentra"], ["id"]))
    pd.testing.assert_frame_equal(filled.read_sahabat(), data["sahabat"])
    pd.testing.assert_frame_equal(filled.read_visits(), sorted_frame(data["visits"], ["id"]))
    pd.testing.assert_frame_equal(
        filled.read_size_history(), data["size_history"].astype(register.SIZE_HISTORY_COLUMNS)
    )
    assert filled.read_meta() == {"dataset": "demo", "seed": "3573"}
    assert filled.read_import_batches().empty


def test_failing_replace_dataset_keeps_old_data(filled: Store) -> None:
    before = state(filled)
    for problem in ("unknown_umkm_in_history", "unknown_sentra", "duplicate_visit", "bad_meta"):
        data = new_dataset()
        if problem == "unknown_umkm_in_history":
            data["size_history"] = data["size_history"].assign(umkm_id=["U001"])  # old data
        elif problem == "unknown_sentra":
            data["umkm"] = make_umkm(ids=["N1"], sentra_id=["S01"])  # old sentra
        elif problem == "duplicate_visit":
            data["visits"] = data["visits"].assign(id=["K1", "K1"])
        else:
            data["meta"] = {"seed": 3573}
        with pytest.raises(StoreError):
            filled.replace_dataset(**data)
        assert filled.read_umkm()["id"].tolist() == ["U001", "U002", "U003", "U004"], problem
    assert_same_state(before, state(filled))  # no attempt left anything behind


def test_replace_dataset_rolls_back_after_the_deletes(
    filled: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's own reference check is off, so the failure happens in the database after
    # every old row has been deleted and most new ones inserted.
    monkeypatch.setattr(Store, "_check_history_refs", staticmethod(lambda records, ids: None))
    data = new_dataset()
    data["size_history"] = data["size_history"].assign(umkm_id=["GHOST"])
    before = state(filled)
    with pytest.raises(StoreError):
        filled.replace_dataset(**data)
    assert_same_state(before, state(filled))


# --- Counts and meta ---------------------------------------------------------------------------


def test_counts(filled: Store) -> None:
    assert not filled.is_empty()
    assert filled.count_umkm() == 4
    counts = filled.counts_by("sektor")
    assert counts.name == "jumlah"
    assert counts.index.name == "sektor"
    assert counts.dtype == "int64"
    assert counts.to_dict() == {"jasa": 1, "kuliner": 2, pd.NA: 1}
    assert counts.index[-1] is pd.NA
    for column in COUNTABLE_COLUMNS:
        assert filled.counts_by(column).sum() == 4
    assert filled.counts_by("kode_kelurahan")["35.73.02.1003"] == 2


def test_counts_by_rejects_other_columns(filled: Store) -> None:
    for column in ("pemilik", "id", "sektor; DROP TABLE umkm", ""):
        with pytest.raises(ValueError, match="cannot count by"):
            filled.counts_by(column)
    assert filled.count_umkm() == 4


def test_meta(store: Store) -> None:
    assert store.get_meta("dataset") is None
    assert store.get_meta("dataset", "none") == "none"
    store.set_meta("dataset", "demo")
    store.set_meta("dataset", "real")
    store.set_meta("bahasa", "id")
    assert store.get_meta("dataset") == "real"
    assert store.read_meta() == {"bahasa": "id", "dataset": "real"}


# --- Unit of work and data version -------------------------------------------------------------


def _visit(visit_id: str) -> pd.DataFrame:
    return make_visits().iloc[:1].assign(id=[visit_id]).astype(register.VISIT_COLUMNS)


def _uow_state(store: Store) -> tuple[dict[str, str], list[str], list[str]]:
    """What the unit-of-work tests change: meta, visit ids, audit actions."""
    return store.read_meta(), list(store.read_visits()["id"]), list(store.read_audit()["aksi"])


def test_unit_of_work_commits_every_write_together(filled: Store, store_url: str) -> None:
    with Store(store_url) as other:  # opened first: its migration needs the write lock
        before = _uow_state(other)
        with filled.unit_of_work():
            filled.log_audit("tester", "uji.satu", "K9")
            filled.set_meta("dataset", "uow")
            filled.add_visits(_visit("K9"))
            assert _uow_state(other) == before  # nothing visible before the block ends
        meta, visits, audit = _uow_state(other)
    assert meta == {**before[0], "dataset": "uow"}
    assert visits == [*before[1], "K9"]
    assert audit == ["uji.satu"]


def test_unit_of_work_rolls_back_every_write_on_exception(filled: Store) -> None:
    before = _uow_state(filled)
    with pytest.raises(RuntimeError, match="boom"), filled.unit_of_work():
        filled.log_audit("tester", "uji.satu", "K9")
        filled.set_meta("dataset", "uow")
        filled.add_visits(_visit("K9"))
        raise RuntimeError("boom")
    assert _uow_state(filled) == before
    # A write the store refuses inside the block rolls back the writes before it too.
    with pytest.raises(StoreError, match="kunjungan"), filled.unit_of_work():
        filled.log_audit("tester", "uji.dua", "K1")
        filled.set_meta("dataset", "uow")
        filled.add_visits(_visit("K1"))  # K1 is already stored
    assert _uow_state(filled) == before
    filled.set_meta("dataset", "after")  # the store still writes normally afterwards
    assert filled.get_meta("dataset") == "after"


def test_unit_of_work_nested_blocks_join_the_outer_one(filled: Store, store_url: str) -> None:
    with Store(store_url) as other:
        before = _uow_state(other)
        with pytest.raises(RuntimeError), filled.unit_of_work():
            filled.set_meta("dataset", "outer")
            with filled.unit_of_work():
                filled.log_audit("tester", "uji.dalam", "K9")
                filled.add_visits(_visit("K9"))
            assert _uow_state(other) == before  # the inner block did not commit on its own
            raise RuntimeError("outer fails")
        assert _uow_state(other) == before
        with filled.unit_of_work():
            with filled.unit_of_work():
                filled.add_visits(_visit("K8"))
            filled.log_audit("tester", "uji.luar", "K8")
        assert _uow_state(other)[1:] == ([*before[1], "K8"], ["uji.luar"])


def test_unit_of_work_is_per_thread(filled: Store) -> None:
    before = _uow_state(filled)
    started = threading.Event()
    errors: list[BaseException] = []

    def other_thread() -> None:
        try:
            started.set()
            filled.set_meta("thread", "mine")  # its own transaction (waits for the lock)
            filled.log_audit("thread", "uji.thread", "-")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=other_thread)
    with pytest.raises(RuntimeError), filled.unit_of_work():
        filled.set_meta("dataset", "block")
        thread.start()
        assert started.wait(10)
        thread.join(0.5)  # PostgreSQL: done by now; SQLite: waiting for the write lock
        filled.log_audit("tester", "uji.block", "-")
        raise RuntimeError("roll the block back")
    thread.join(60)
    assert not thread.is_alive() and errors == []
    meta, visits, audit = _uow_state(filled)
    assert meta == {**before[0], "thread": "mine"}  # the block's meta write is gone
    assert visits == before[1]
    assert audit == ["uji.thread"]


def test_bump_data_version_is_new_and_unique_each_call(store: Store) -> None:
    assert store.get_meta("data_version") is None
    versions = [store.bump_data_version("impor 12") for _ in range(3)]
    assert len(set(versions)) == 3
    assert all(v.startswith("impor 12 ") for v in versions)
    assert store.get_meta("data_version") == versions[-1]
    with store.unit_of_work():
        inside = store.bump_data_version("kunjungan K9")
    assert store.get_meta("data_version") == inside != versions[-1]


# --- Migrations --------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry':sqlalchemy.exc.SAWarning")
def test_migrations_upgrade_an_older_store(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    latest = len(MIGRATIONS)
    with Store(store_url) as s:
        assert s.schema_version == latest
        fill(s)
        before = state(s)
    calls: list[int] = []

    def add_column(conn: Connection) -> None:
        calls.append(latest + 1)
        conn.execute(text("ALTER TABLE umkm ADD COLUMN catatan_petugas TEXT"))

    monkeypatch.setattr(store_mod, "MIGRATIONS", [*MIGRATIONS, add_column])
    with Store(store_url) as s:
        assert s.schema_version == latest + 1
        assert "catatan_petugas" in [c["name"] for c in inspect(s._engine).get_columns("umkm")]
        assert_same_state(before, state(s))
    with Store(store_url) as s:  # already at the new version: the step is not run again
        assert s.schema_version == latest + 1
    assert calls == [latest + 1]


def test_failing_migration_leaves_the_previous_version(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(store_url) as s:
        fill(s)
        before = state(s)

    def half_done(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE sementara (id INTEGER PRIMARY KEY)"))
        conn.execute(text("ALTER TABLE tabel_yang_tidak_ada ADD COLUMN x TEXT"))

    monkeypatch.setattr(store_mod, "MIGRATIONS", [*MIGRATIONS, half_done])
    with pytest.raises(StoreError, match=f"migration to version {len(MIGRATIONS) + 1}"):
        Store(store_url)
    monkeypatch.setattr(store_mod, "MIGRATIONS", list(MIGRATIONS))
    with Store(store_url) as s:
        assert s.schema_version == len(MIGRATIONS)
        assert "sementara" not in inspect(s._engine).get_table_names()  # DDL rolled back
        assert_same_state(before, state(s))


def test_a_newer_database_is_refused(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "MIGRATIONS", [*MIGRATIONS, lambda conn: None])
    Store(store_url).close()
    monkeypatch.setattr(store_mod, "MIGRATIONS", list(MIGRATIONS))
    with pytest.raises(StoreError, match="newer than this code"):
        Store(store_url)


# --- Concurrency and scale ---------------------------------------------------------------------


def test_concurrent_writers_queue_instead_of_failing(store_url: str) -> None:
    with Store(store_url) as a, Store(store_url) as b:
        a.write_sentra(make_sentra())
        errors: list[BaseException] = []

        def writer(s: Store, prefix: str) -> None:
            try:
                for i in range(5):
                    s.write_umkm(make_umkm(ids=[f"{prefix}{i}-{j}" for j in range(20)]))
                    s.count_umkm()
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(s, p)) for s, p in ((a, "A"), (b, "B"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert a.count_umkm() == b.count_umkm() == 200


def test_full_register_is_fast(store: Store) -> None:
    n = CURATED_NOW  # 21,270 curated UMKM
    rng = np.random.default_rng(3573)
    big = register.to_geodataframe(
        pd.DataFrame(
            {
                "id": [f"UMKM-{i:06d}" for i in range(n)],
                "nama_usaha": [f"Usaha {i}" for i in range(n)],
                "pemilik": "Pemilik",
                "telepon": None,
                "alamat": "Jl. Contoh",
                "kode_kelurahan": rng.choice(["35.73.01.1001", "35.73.02.1003"], n),
                "lat": -7.97 + rng.normal(0, 0.02, n),
                "lon": 112.63 + rng.normal(0, 0.02, n),
                "sektor": rng.choice(list(register.SECTORS), n),
                "skala": rng.choice(list(register.SIZE_CLASSES), n),
                "sentra_id": None,
                "tanggal_terkurasi": D("2024-01-01")
                + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
                "status": "aktif",
                "modal": np.where(rng.random(n) < 0.2, np.nan, rng.uniform(1e6, 1e9, n)),
                "omzet": rng.uniform(1e6, 2e9, n),
                "sumber": "bench",
            }
        )
    )
    # Timing lives in bench/store.py; here the bulk path must be exact.
    store.write_umkm(big)
    read = store.read_umkm()
    assert_geodataframe_equal(read, expected_register(big))


# --- Import batches with a change log (migration 3) -------------------------------------------


def _with_presisi(frame: gpd.GeoDataFrame, value: str | None) -> gpd.GeoDataFrame:
    return frame.assign(presisi_lokasi=pd.Series(value, index=frame.index, dtype="string"))


def full_state(store: Store) -> dict[str, Any]:
    """:func:`state` plus ``presisi_lokasi`` and the batch of every UMKM."""
    out = state(store)
    out["umkm"] = store.read_umkm(presisi_lokasi=True)
    return out


def test_commit_import_inserts_updates_and_undo_restores_exactly(filled: Store) -> None:
    first = filled.commit_import(
        nama_file="a.csv",
        sha256="a" * 64,
        jumlah_baris=2,
        new=_with_presisi(make_umkm(ids=["U200", "U201"]), "kelurahan"),
        updates=_with_presisi(make_umkm().iloc[:0], None),
    )
    before = full_state(filled)
    changed = pd.DataFrame(filled.read_umkm(presisi_lokasi=True))
    changed = changed[changed["id"].isin(["U001", "U201"])].copy()
    changed["nama_usaha"] = ["Diperbarui 1", "Diperbarui 2"]
    changed["modal"] = [np.nan, 0.1 + 0.7]
    changed["tanggal_terkurasi"] = pd.NaT
    changed["presisi_lokasi"] = "alamat"
    second = filled.commit_import(
        nama_file="b.xlsx",
        sha256="b" * 64,
        jumlah_baris=3,
        new=_with_presisi(make_umkm(ids=["U300"]), None),
        updates=register.to_geodataframe(changed),
    )
    after = filled.read_umkm(presisi_lokasi=True).set_index("id")
    assert after.loc["U001", "nama_usaha"] == "Diperbarui 1"
    assert after.loc["U201", "presisi_lokasi"] == "alamat"
    assert "U300" in after.index
    batches = filled.read_import_batches().set_index("id")
    assert batches.loc[second, "jumlah_umkm"] == 3  # U300 and the two updated rows
    assert batches.loc[first, "jumlah_umkm"] == 1  # U201 moved to the second batch
    changes = filled.read_import_changes().set_index("batch_id")
    assert changes.loc[second, "ditambah"] == 1 and changes.loc[second, "diperbarui"] == 2

    with pytest.raises(StoreError, match=f"batch {second} later changed UMKM 'U201'"):
        filled.undo_import(first)
    assert filled.undo_import(second) == (1, 2)
    assert_same_state(before, full_state(filled))
    assert filled.undo_import(first) == (2, 0)
    assert filled.read_import_batches().empty


def test_failing_commit_import_records_no_batch(filled: Store) -> None:
    before = full_state(filled)
    with pytest.raises(StoreError, match="id already in the store") as err:
        filled.commit_import(
            nama_file="x.csv",
            sha256="c" * 64,
            jumlah_baris=2,
            new=_with_presisi(make_umkm(ids=["U500", "U002"]), None),
            updates=_with_presisi(make_umkm().iloc[:0], None),
        )
    assert err.value.row_id == "U002"
    with pytest.raises(StoreError, match="not in the store"):
        filled.commit_import(
            nama_file="x.csv",
            sha256="c" * 64,
            jumlah_baris=1,
            new=_with_presisi(make_umkm(ids=["U501"]), None),
            updates=_with_presisi(make_umkm(ids=["U999"]), None),
        )
    assert_same_state(before, full_state(filled))


def test_migration_3_keeps_a_version_2_database(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_mod, "MIGRATIONS", list(MIGRATIONS[:2]))
    with Store(store_url) as s:
        assert s.schema_version == 2
        s.write_sentra(make_sentra())
        s.write_umkm(make_umkm())
        expected = s.read_umkm()
    monkeypatch.setattr(store_mod, "MIGRATIONS", list(MIGRATIONS))
    with Store(store_url) as s:
        assert s.schema_version >= 3
        assert_geodataframe_equal(s.read_umkm(), expected)
        assert s.read_umkm(presisi_lokasi=True)["presisi_lokasi"].isna().all()


# --- Spatial queries (PostGIS push-down, geopandas on SQLite) ---------------------------------


@functools.cache
def _city_points() -> gpd.GeoDataFrame:
    """600 UMKM scattered over (and a little beyond) Kota Malang, kode from a shuffled list."""
    from geo import wilayah

    kel = wilayah.kelurahan()
    west, south, east, north = kel.total_bounds
    rng = np.random.default_rng(9)
    n = 600
    lon = rng.uniform(west - 0.01, east + 0.01, n)
    lat = rng.uniform(south - 0.01, north + 0.01, n)
    lon[:2], lat[:2] = np.nan, np.nan  # no location: in no kelurahan
    return make_umkm(
        ids=[f"P{i:04d}" for i in range(n)],
        lon=lon,
        lat=lat,
        kode_kelurahan=rng.choice([*kel["kode"][:5], None], n),
        sentra_id=None,
    )


def _oracle_inside() -> pd.DataFrame:
    """(id, kode) of every point strictly inside a polygon, from shapely directly."""
    import shapely

    from geo import wilayah

    points = _city_points()
    pairs = []
    kel = wilayah.kelurahan()
    for kode, polygon in zip(kel["kode"], kel.geometry, strict=True):
        inside = shapely.contains_xy(polygon, points["lon"].to_numpy(), points["lat"].to_numpy())
        pairs += [(i, kode) for i in points["id"][inside]]
    return pd.DataFrame(pairs, columns=["id", "kode"])


def test_counts_per_kelurahan_by_point_and_by_kode(store: Store) -> None:
    store.write_umkm(_city_points())
    oracle = _oracle_inside()
    expected = oracle["kode"].value_counts().sort_index()
    by_point = store.counts_per_kelurahan(by_point=True)
    assert by_point.name == "jumlah" and by_point.index.name == "kode_kelurahan"
    assert by_point.to_dict() == expected.to_dict()
    assert 200 < by_point.sum() < 590  # the bounding box holds points outside the city too
    by_kode = store.counts_per_kelurahan()
    codes = _city_points()["kode_kelurahan"].dropna()
    assert by_kode.to_dict() == codes.value_counts().to_dict()


def test_umkm_in_kelurahan(store: Store) -> None:
    store.write_umkm(_city_points())
    oracle = _oracle_inside()
    kode = oracle["kode"].value_counts().index[0]
    inside = store.umkm_in_kelurahan(kode)
    assert list(inside["id"]) == sorted(oracle.loc[oracle["kode"] == kode, "id"])
    assert inside.crs.to_epsg() == 4326
    full = store.read_umkm().set_index("id").loc[inside["id"]].reset_index()
    assert_geodataframe_equal(inside, full)
    with pytest.raises(ValueError, match="not a kelurahan kode"):
        store.umkm_in_kelurahan("35.73.99.9999")


def test_loaded_boundaries_replace_the_shipped_ones(store: Store) -> None:
    import shapely

    store.write_umkm(_city_points())
    square = shapely.box(112.60, -8.00, 112.65, -7.95)
    kel = gpd.GeoDataFrame({"kode": ["X1"], "nama": ["Kotak"]}, geometry=[square], crs=4326)
    assert store.load_kelurahan(kel) == 1
    points = _city_points()
    expected = int(shapely.contains_xy(square, points["lon"], points["lat"]).sum())
    assert store.counts_per_kelurahan(by_point=True).to_dict() == {"X1": expected}
    with pytest.raises(StoreError, match="not a polygon"):
        store.load_kelurahan(kel.set_geometry([shapely.Point(112.6, -7.9)]))
    assert store.counts_per_kelurahan(by_point=True).to_dict() == {"X1": expected}


@pytest.fixture
def postgis_url() -> Iterator[str]:
    """A fresh PostGIS schema only (for checks that have no SQLite counterpart)."""
    with postgis.fresh_schema_url() as url:
        yield url


def test_postgis_geometry_follows_lon_lat_with_gist_indexes(postgis_url: str) -> None:
    with Store(postgis_url) as s:
        s.write_sentra(make_sentra())
        s.write_umkm(make_umkm())
        moved = make_umkm().assign(lon=112.7, lat=-7.9)
        moved = moved[moved["id"] == "U001"]
        s.upsert_umkm(moved)
        with s._engine.connect() as conn:
            rows = dict(
                conn.execute(
                    text("SELECT id, ST_AsText(geom) || ' ' || ST_SRID(geom) FROM umkm")
                ).fetchall()
            )
            # Only this test's schema: pg_get_indexdef on another worker's schema being
            # dropped at that moment fails with "cache lookup failed" (seen with -n 2).
            indexes = conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes "
                    "WHERE schemaname = current_schema() AND indexname LIKE '%geom'"
                )
            ).fetchall()
            sentra_srid = conn.scalar(text("SELECT DISTINCT ST_SRID(geom) FROM sentra"))
        assert rows["U001"] == "POINT(112.7 -7.9) 4326"
        assert rows["U003"] == "POINT(112.6451 -7.9611) 4326"
        assert sentra_srid == 4326
        by_name = {name: definition for name, definition in indexes}
        for name in ("ix_umkm_geom", "ix_sentra_geom", "ix_kelurahan_batas_geom"):
            assert "USING gist" in by_name[name], name


# --- Two writer processes at once ------------------------------------------------------------

_WRITER = """
import sys
import numpy as np
import pandas as pd
from geo.core import register
from geo.store import Store

url, role = sys.argv[1], sys.argv[2]
store = Store(url)
if role == "import":
    n = 2000
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({
        "id": [f"IMP-{i:05d}" for i in range(n)],
        "nama_usaha": [f"Usaha {i}" for i in range(n)],
        "pemilik": None, "telepon": None, "alamat": None,
        "kode_kelurahan": "35.73.01.1001",
        "lat": -7.97 + rng.normal(0, 0.01, n), "lon": 112.63 + rng.normal(0, 0.01, n),
        "sektor": "kuliner", "skala": "mikro", "sentra_id": None,
        "tanggal_terkurasi": pd.Timestamp("2025-01-01"), "status": "aktif",
        "modal": 1e6, "omzet": 2e6, "sumber": "uji", "presisi_lokasi": "alamat",
    })
    empty = frame.iloc[:0]
    for part in range(4):  # four import batches of 500 while the visits come in
        store.commit_import(
            nama_file=f"impor-{part}.csv", sha256=f"{part:064d}", jumlah_baris=500,
            new=frame.iloc[part * 500 : (part + 1) * 500], updates=empty,
        )
else:
    for i in range(200):
        visit = pd.DataFrame({
            "id": [f"KJ-{i:04d}"], "tanggal": [pd.Timestamp("2025-02-01")],
            "petugas": ["SB1"], "kode_kelurahan": ["35.73.01.1001"], "sentra_id": [None],
            "umkm_id": [None], "kebutuhan": ["pemasaran"], "catatan": [f"kunjungan {i}"],
            "tindak_lanjut": [pd.NaT],
        }).astype(register.VISIT_COLUMNS)
        store.add_visits(visit)
        store.log_audit("uji", "kunjungan.tambah", f"KJ-{i:04d}")
store.close()
print("ok", role)
"""


def test_two_writer_processes_lose_nothing(store_url: str) -> None:
    import subprocess
    import sys

    with Store(store_url) as s:  # schema created before the writers start
        fill(s)
        before_umkm = s.count_umkm()
    root = Path(__file__).resolve().parent.parent
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, store_url, role],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in ("import", "visits")
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    assert {o.strip() for o, _ in outputs} == {"ok import", "ok visits"}
    with Store(store_url) as s:
        assert s.count_umkm() == before_umkm + 2000
        visits = s.read_visits()
        assert len(visits) == 3 + 200 and visits["id"].is_unique
        assert s.read_audit()["aksi"].eq("kunjungan.tambah").sum() == 200
        batches = s.read_import_batches()
        assert list(batches["jumlah_umkm"]) == [500] * 4
        changes = s.read_import_changes()
        assert list(changes["ditambah"]) == [500] * 4
        imported = s.read_umkm()
        assert imported["id"].str.startswith("IMP-").sum() == 2000
        if s.dialect == "postgresql":  # every imported point got its geometry
            by_point = s.counts_per_kelurahan(by_point=True)
            assert by_point.sum() >= 1900  # 0.01° spread around the centre: nearly all inside
