import geopandas as gpd
import pandas as pd
import pytest

from geo.kpi import UNKNOWN_CATEGORY, counts_by, curated_over_time, program_progress
from geo.register import SECTORS, SIZE_CLASSES, empty_register, to_geodataframe
from geo.settings import CURATED_EARLIER, CURATED_TARGET, KECAMATAN_NAMES


def _register(rows: list[tuple]) -> gpd.GeoDataFrame:
    """Build a register from (kode_kelurahan, sektor, skala, status, tanggal) tuples."""
    kode, sektor, skala, status, tanggal = zip(*rows, strict=True) if rows else ([],) * 5
    n = len(kode)
    return to_geodataframe(
        pd.DataFrame(
            {
                "id": [f"U{i:04d}" for i in range(n)],
                "nama_usaha": [f"Usaha {i}" for i in range(n)],
                "kode_kelurahan": list(kode),
                "lat": [-7.97] * n,
                "lon": [112.63] * n,
                "sektor": list(sektor),
                "skala": list(skala),
                "status": list(status),
                "tanggal_terkurasi": pd.to_datetime(list(tanggal)),
            }
        )
    )


@pytest.fixture
def register() -> gpd.GeoDataFrame:
    return _register(
        [
            ("35.73.01.1001", "kuliner", "mikro", "aktif", "2024-06-03"),
            ("35.73.01.1002", "kuliner", "mikro", "aktif", "2024-06-28"),
            ("35.73.02.1001", "fesyen", "kecil", "aktif", "2024-08-15"),
            ("35.73.05.1003", "kriya", "mikro", "aktif", "2024-08-01"),
            ("35.73.05.1003", "jasa", "menengah", "tidak_aktif", "2024-07-10"),
            ("35.73.04.1001", "kuliner", "mikro", "aktif", None),
            (None, "tidak_ada", "mikro", "aktif", "2024-09-30"),
        ]
    )


def test_program_progress_counts_active_only(register: gpd.GeoDataFrame) -> None:
    progress = program_progress(register, target=10, earlier=4)
    assert progress == {
        "active": 6,
        "target": 10,
        "share": 0.6,
        "remaining": 4,
        "earlier": 4,
        "growth": 2,
        "growth_share": 0.5,
    }


def test_program_progress_defaults_to_the_official_figures() -> None:
    progress = program_progress(empty_register())
    assert progress["target"] == CURATED_TARGET == 30_000
    assert progress["earlier"] == CURATED_EARLIER == 19_000
    assert progress["active"] == 0
    assert progress["share"] == 0.0
    assert progress["remaining"] == 30_000
    assert progress["growth"] == -19_000


def test_program_progress_at_the_published_count() -> None:
    n = 21_270
    register = _register([("35.73.02.1001", "jasa", "mikro", "aktif", "2024-01-01")] * n)
    progress = program_progress(register)
    assert progress["active"] == n
    assert progress["share"] == pytest.approx(0.709)
    assert progress["growth"] == 2_270
    assert progress["growth_share"] == pytest.approx(2_270 / 19_000)


def test_program_progress_beyond_target_and_zero_guards() -> None:
    register = _register([("35.73.02.1001", "jasa", "mikro", "aktif", "2024-01-01")] * 3)
    progress = program_progress(register, target=2, earlier=0)
    assert progress["share"] == 1.5
    assert progress["remaining"] == 0
    assert progress["growth_share"] == 0.0
    assert program_progress(register, target=0)["share"] == 0.0


def test_counts_by_kecamatan_lists_all_five_in_kode_order(register: gpd.GeoDataFrame) -> None:
    counts = counts_by(register, "kecamatan")
    assert list(counts.columns) == ["kode", "nama", "label", "jumlah"]
    assert list(counts["kode"]) == [*KECAMATAN_NAMES, UNKNOWN_CATEGORY]
    assert list(counts["nama"][:5]) == list(KECAMATAN_NAMES.values())
    assert list(counts["jumlah"]) == [2, 1, 0, 1, 1, 1]
    assert counts["jumlah"].sum() == program_progress(register)["active"]
    assert counts["label"].iloc[-1] == "Tidak diketahui"
    assert counts_by(register, "kecamatan", lang="en")["label"].iloc[-1] == "Unknown"


def test_counts_by_kecamatan_including_inactive(register: gpd.GeoDataFrame) -> None:
    counts = counts_by(register, "kecamatan", active_only=False).set_index("nama")["jumlah"]
    assert counts["Lowokwaru"] == 2
    assert counts.sum() == len(register)


def test_counts_by_sektor_keeps_taxonomy_order_and_labels(register: gpd.GeoDataFrame) -> None:
    counts = counts_by(register, "sektor", lang="en")
    assert list(counts["kode"]) == [*SECTORS, UNKNOWN_CATEGORY]
    by_code = counts.set_index("kode")
    assert by_code.loc["kuliner", "jumlah"] == 3
    assert by_code.loc["jasa", "jumlah"] == 0  # its only UMKM is tidak_aktif
    assert by_code.loc[UNKNOWN_CATEGORY, "jumlah"] == 1  # "tidak_ada" is no sector
    assert by_code.loc["kuliner", "label"] == "Food and drink"
    assert by_code.loc["kuliner", "nama"] == "Kuliner (makanan-minuman)"


def test_counts_by_skala_without_unknown_row(register: gpd.GeoDataFrame) -> None:
    counts = counts_by(register, "skala")
    assert list(counts["kode"]) == list(SIZE_CLASSES)
    assert list(counts["jumlah"]) == [5, 1, 0]
    assert list(counts["label"]) == ["Mikro", "Kecil", "Menengah"]


def test_counts_by_kelurahan_with_names_and_zeros(register: gpd.GeoDataFrame) -> None:
    kelurahan = pd.DataFrame(
        {
            "kode": ["35.73.01.1002", "35.73.01.1001", "35.73.03.1001"],
            "nama": ["Polehan", "Jodipan", "Arjowinangun"],
        }
    )
    counts = counts_by(register, "kelurahan", kelurahan=kelurahan)
    assert list(counts["kode"]) == [
        "35.73.01.1001",
        "35.73.01.1002",
        "35.73.03.1001",
        UNKNOWN_CATEGORY,
    ]
    assert list(counts["label"][:3]) == ["Jodipan", "Polehan", "Arjowinangun"]
    assert list(counts["jumlah"]) == [1, 1, 0, 4]


def test_counts_by_other_column_and_empty_register(register: gpd.GeoDataFrame) -> None:
    register = register.assign(sumber=["sidt", "sidt", "survei", None, "sidt", "sidt", "sidt"])
    counts = counts_by(register, "sumber")
    assert list(counts["kode"]) == ["sidt", "survei", UNKNOWN_CATEGORY]
    assert list(counts["jumlah"]) == [4, 1, 1]
    empty = counts_by(empty_register(), "skala")
    assert list(empty["jumlah"]) == [0, 0, 0]
    assert counts_by(empty_register(), "sumber").empty


def test_curated_over_time_is_cumulative_by_month(register: gpd.GeoDataFrame) -> None:
    series = curated_over_time(register)
    assert list(series.columns) == ["tanggal", "baru", "kumulatif"]
    assert list(series["tanggal"].dt.strftime("%Y-%m-%d")) == [
        "2024-06-01",
        "2024-07-01",
        "2024-08-01",
        "2024-09-01",
    ]
    assert list(series["baru"]) == [2, 0, 2, 1]
    assert list(series["kumulatif"]) == [2, 2, 4, 5]
    # The undated active entry is left out; the inactive one only counts when asked.
    all_rows = curated_over_time(register, active_only=False)
    assert list(all_rows["baru"]) == [2, 1, 2, 1]


def test_curated_over_time_other_frequency_and_empty(register: gpd.GeoDataFrame) -> None:
    quarterly = curated_over_time(register, freq="QS")
    assert list(quarterly["tanggal"].dt.strftime("%Y-%m-%d")) == ["2024-04-01", "2024-07-01"]
    assert list(quarterly["kumulatif"]) == [2, 5]
    empty = curated_over_time(empty_register())
    assert empty.empty
    assert list(empty.columns) == ["tanggal", "baru", "kumulatif"]
