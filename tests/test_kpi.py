import datetime as dt
import re

import geopandas as gpd
import pandas as pd
import pytest

from geo.analysis import kpi
from geo.analysis.kpi import (
    UNKNOWN_CATEGORY,
    Period,
    active_sahabat,
    comparison_window,
    counts_by,
    curated_by,
    curated_over_time,
    dashboard_figures,
    date_range,
    kpi_tiles,
    load_context,
    naik_kelas,
    naik_kelas_events,
    parse_period,
    period_bounds,
    period_containing,
    periods_between,
    program_progress,
    visits_in_period,
)
from geo.core.register import SECTORS, SIZE_CLASSES, empty_register, to_geodataframe
from geo.core.settings import CURATED_EARLIER, CURATED_TARGET, KECAMATAN_NAMES


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


# --- Periods ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "first", "last"),
    [
        ("2026-Q3", "quarter", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("2026-q4", "quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("2026-09", "month", dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
        ("2024-2", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2025-02", "month", dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        (" 2026 ", "year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_parse_period_and_bounds(text: str, kind: str, first: dt.date, last: dt.date) -> None:
    period = parse_period(text)
    assert period.kind == kind
    assert period_bounds(period) == (first, last) == period_bounds(text)
    assert parse_period(period.code) == period


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "2026-00", "26-Q1", "Q3 2026", "", "2026-"])
def test_parse_period_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match=repr(text)):
        parse_period(text)


def test_period_previous_crosses_years_and_labels() -> None:
    assert Period("month", 2026, 1).previous() == Period("month", 2025, 12)
    assert Period("quarter", 2026, 1).previous() == Period("quarter", 2025, 4)
    assert Period("quarter", 2026, 3).previous() == Period("quarter", 2026, 2)
    assert Period("year", 2026).previous() == Period("year", 2025)
    assert Period("quarter", 2026, 3).label("id") == "Triwulan III 2026"
    assert Period("quarter", 2026, 3).label("en") == "Q3 2026"
    assert Period("month", 2026, 8).label("id") == "Agustus 2026"
    assert Period("year", 2026).label("en") == "Year 2026"
    assert Period("quarter", 2026, 3).range_label("id") == "1 Juli – 30 September 2026"
    with pytest.raises(ValueError):
        Period("quarter", 2026, 5)


def test_period_containing_and_periods_between() -> None:
    day = dt.date(2026, 11, 20)
    assert period_containing(day, kind="quarter").code == "2026-Q4"
    assert period_containing(day, kind="month").code == "2026-11"
    assert period_containing(day, kind="year").code == "2026"
    codes = [p.code for p in periods_between(dt.date(2024, 6, 3), day, kind="quarter")]
    assert codes[0] == "2024-Q2" and codes[-1] == "2026-Q4" and len(codes) == 11
    assert [p.code for p in periods_between(day, day, kind="year")] == ["2026"]
    assert periods_between(day, dt.date(2026, 1, 1), kind="month") == []


def test_comparison_window_is_like_for_like_while_the_period_runs() -> None:
    q4 = Period("quarter", 2026, 4)
    assert comparison_window(q4, as_of=dt.date(2026, 11, 19)) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 8, 19),
    )
    assert comparison_window(q4, as_of=dt.date(2027, 2, 1)) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
    )
    # 30 days into March compares with all of February, cut at its last day.
    march = Period("month", 2026, 3)
    assert comparison_window(march, as_of=dt.date(2026, 3, 31)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )


# --- Naik kelas, visits, Sahabat --------------------------------------------------------------
def _history(rows: list[tuple[str, str, str | None]]) -> pd.DataFrame:
    ids, dates, classes = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "umkm_id": pd.Series(ids, dtype="string"),
            "tanggal": pd.to_datetime(list(dates)).astype("datetime64[s]"),
            "skala": pd.Series(classes, dtype="string"),
        }
    )


@pytest.fixture
def history() -> pd.DataFrame:
    return _history(
        [
            ("A", "2026-01-10", "mikro"),
            ("A", "2026-07-01", "kecil"),  # rise on the quarter's first day
            ("B", "2026-02-01", "mikro"),
            ("B", "2026-09-30", "kecil"),  # rise on the quarter's last day
            ("C", "2026-03-01", "mikro"),
            ("C", "2026-06-30", "kecil"),  # the day before the quarter
            ("C", "2026-10-01", "menengah"),  # the day after
            ("D", "2026-07-15", "kecil"),  # first record: never a rise
            ("E", "2026-08-01", "menengah"),  # out of order in the input
            ("E", "2026-01-05", "kecil"),
            ("F", "2026-01-01", "kecil"),
            ("F", "2026-07-20", "mikro"),  # down...
            ("F", "2026-08-20", "kecil"),  # ...and up again: a rise
            ("G", "2026-01-01", "mikro"),
            ("G", "2026-07-05", "kecil"),  # two rises in the quarter count once
            ("G", "2026-09-05", "menengah"),
            ("H", "2026-01-01", "mikro"),
            ("H", "2026-08-01", "besar"),  # not a size class here: ignored
            ("H", "2026-08-02", None),
        ]
    )


def test_naik_kelas_counts_rises_within_period_bounds(history: pd.DataFrame) -> None:
    q3 = parse_period("2026-Q3")
    assert naik_kelas(history, q3) == 5  # A, B, E, F, G
    assert naik_kelas(history, parse_period("2026-Q2")) == 1  # C on 30 June
    assert naik_kelas(history, parse_period("2026-Q4")) == 1  # C on 1 October
    assert naik_kelas(history, parse_period("2026")) == 6
    assert naik_kelas(history, parse_period("2026-09")) == 2  # B, G
    assert naik_kelas(history, parse_period("2025")) == 0


def test_naik_kelas_events_say_from_and_to(history: pd.DataFrame) -> None:
    events = naik_kelas_events(history)
    g = events[events["umkm_id"] == "G"]
    assert list(zip(g["dari"], g["ke"], strict=True)) == [("mikro", "kecil"), ("kecil", "menengah")]
    assert "D" not in set(events["umkm_id"]) and "H" not in set(events["umkm_id"])
    assert naik_kelas(history.iloc[0:0], parse_period("2026")) == 0


def test_visits_in_period_includes_both_bounds() -> None:
    visits = pd.DataFrame(
        {
            "id": ["K1", "K2", "K3", "K4"],
            "tanggal": pd.to_datetime(
                ["2026-06-30", "2026-07-01", "2026-09-30 17:00", None], format="ISO8601"
            ),
        }
    )
    assert list(visits_in_period(visits, parse_period("2026-Q3"))["id"]) == ["K2", "K3"]


def test_active_sahabat_counts_aktif_by_level() -> None:
    roster = pd.DataFrame(
        {
            "id": ["S1", "S2", "S3", "S4"],
            "tingkat": ["kota", "kelurahan", "rw", "kelurahan"],
            "aktif": pd.array([True, True, None, False], dtype="boolean"),
        }
    )
    assert active_sahabat(roster) == 2
    assert active_sahabat(roster, tingkat=("kelurahan", "rw")) == 1


def test_curated_by_keeps_undated_and_drops_later(register: gpd.GeoDataFrame) -> None:
    kept = curated_by(register, dt.date(2024, 8, 1))
    # 2024-08-15 and 2024-09-30 are later; the undated one stays.
    assert len(kept) == len(register) - 2
    assert kept["tanggal_terkurasi"].isna().sum() == 1


def test_date_range_over_several_tables(register: gpd.GeoDataFrame) -> None:
    visits = pd.DataFrame({"tanggal": pd.to_datetime(["2024-12-01", "2024-05-30"])})
    span = date_range((register, "tanggal_terkurasi"), (visits, "tanggal"), (None, "x"))
    assert span == (dt.date(2024, 5, 30), dt.date(2024, 12, 1))
    assert kpi.latest_date((visits.iloc[0:0], "tanggal")) is None


# --- Context figures ---------------------------------------------------------------------------
def test_shipped_context_figures_are_the_bps_ones() -> None:
    context = load_context()
    assert list(context["tahun"]) == [2021, 2022, 2023]
    assert list(context["persen_miskin"]) == [4.62, 4.37, 4.26]
    assert list(context["jumlah_miskin"]) == [40_620, 38_560, 37_780]
    assert context["sumber"].str.contains("BPS").all()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("tahun,persen_miskin,jumlah_miskin\n2021,4.6,1\n", "missing column(s): sumber"),
        (
            "tahun,persen_miskin,jumlah_miskin,sumber\n2021,4.6,1,BPS\n2022,empat,2,BPS\n",
            "row 3, column persen_miskin: not a number: 'empat'",
        ),
        (
            "tahun,persen_miskin,jumlah_miskin,sumber\n2021,4.6,1.5,BPS\n",
            "row 2, column jumlah_miskin: not a whole number",
        ),
        ("tahun,persen_miskin,jumlah_miskin,sumber\n2021,4.6,1,\n", "row 2, column sumber: empty"),
        (
            "tahun,persen_miskin,jumlah_miskin,sumber\n2021,4.6,1,BPS\n2021,4.5,1,BPS\n",
            "row 3, column tahun: year 2021 repeats",
        ),
    ],
)
def test_load_context_names_file_row_and_column(tmp_path, body: str, message: str) -> None:
    path = tmp_path / "konteks.csv"
    path.write_text(body)
    with pytest.raises(ValueError, match=r"konteks\.csv.*" + re.escape(message)):
        load_context(path)


# --- Dashboard figures on a hand-made register -------------------------------------------------
@pytest.fixture(scope="module")
def kelurahan_layer() -> gpd.GeoDataFrame:
    from geo import wilayah

    return wilayah.kelurahan()


def _small_world() -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    kel_a, kel_b = "35.73.02.1001", "35.73.05.1001"  # Klojen, Lowokwaru
    register = _register(
        [
            (kel_a, "kuliner", "mikro", "aktif", "2026-02-10"),
            (kel_a, "kuliner", "kecil", "aktif", "2026-06-30"),
            (kel_a, "jasa", "mikro", "aktif", "2026-07-01"),
            (kel_b, "fesyen", "mikro", "aktif", "2026-09-30"),
            (kel_b, "fesyen", "mikro", "aktif", "2026-10-01"),  # after Q3
            (kel_b, "kriya", "mikro", "tidak_aktif", "2026-08-01"),
        ]
    )
    sahabat = pd.DataFrame(
        {
            "id": ["S1", "S2", "S3"],
            "nama": ["a", "b", "c"],
            "tingkat": ["kelurahan", "kota", "kelurahan"],
            "kode_kelurahan": [kel_a, kel_a, kel_b],
            "aktif": [True, True, False],
        }
    )
    visits = pd.DataFrame(
        {
            "id": ["K1", "K2", "K3", "K4"],
            "tanggal": pd.to_datetime(["2026-04-02", "2026-07-03", "2026-08-09", "2026-10-02"]),
            "petugas": ["S1", "S1", "S2", "S1"],
            "kode_kelurahan": [kel_a, kel_a, kel_b, kel_b],
        }
    )
    history = _history(
        [
            ("U0000", "2026-02-10", "mikro"),
            ("U0001", "2026-06-30", "mikro"),
            ("U0001", "2026-08-01", "kecil"),
        ]
    )
    return register, sahabat, visits, history


def test_dashboard_figures_of_a_closed_quarter(kelurahan_layer: gpd.GeoDataFrame) -> None:
    register, sahabat, visits, history = _small_world()
    figures = dashboard_figures(
        register,
        sahabat=sahabat,
        visits=visits,
        size_history=history,
        kelurahan=kelurahan_layer,
        period=parse_period("2026-Q3"),
    )
    k = figures.kpi
    assert figures.latest == dt.date(2026, 10, 2)
    assert figures.as_of == dt.date(2026, 9, 30)  # the quarter is over in the data
    assert k["curated"] == 4  # active, curated by 30 September
    assert k["new"] == 2  # 1 July and 30 September
    assert k["new_previous"] == 1  # 30 June (the 10 February one is Q1)
    assert k["naik_kelas"] == 1 and k["naik_kelas_previous"] == 0
    assert k["visits"] == 2 and k["visits_previous"] == 1
    assert k["sahabat_active"] == 2 and k["sahabat_visiting"] == 2
    assert k["kelurahan_visited"] == 2
    assert k["kelurahan"] == 57
    # Lowokwaru's kelurahan has one UMKM and no active Sahabat: flagged.
    assert k["flagged"] == 1
    assert figures.priority.iloc[0]["kode"] == "35.73.05.1001"
    assert figures.priority["peringkat"].tolist() == sorted(figures.priority["peringkat"])
    by_kec = figures.kecamatan.set_index("nama")
    assert by_kec.loc["Klojen", "umkm_aktif"] == 3 and by_kec.loc["Klojen", "baru"] == 1
    assert by_kec.loc["Klojen", "naik_kelas"] == 1
    assert by_kec.loc["Lowokwaru", "kunjungan"] == 1
    assert by_kec.loc["Lowokwaru", "kelurahan_flagged"] == 1
    assert figures.by_kecamatan["jumlah"].sum() == 4
    assert figures.by_sektor.set_index("kode").loc["jasa", "baru"] == 1
    assert figures.over_time["kumulatif"].iloc[-1] == 4
    assert list(figures.context["tahun"]) == [2021, 2022, 2023]


def test_dashboard_figures_of_a_running_period(kelurahan_layer: gpd.GeoDataFrame) -> None:
    register, sahabat, visits, history = _small_world()
    figures = dashboard_figures(
        register,
        sahabat=sahabat,
        visits=visits,
        size_history=history,
        kelurahan=kelurahan_layer,
        period=parse_period("2026"),
    )
    assert figures.as_of == dt.date(2026, 10, 2)  # the data's latest day, not 31 December
    assert figures.previous == (dt.date(2025, 1, 1), dt.date(2025, 10, 2))
    assert kpi.comparison_label(figures, lang="id") == "1 Januari – 2 Oktober 2025"
    assert figures.kpi["curated"] == 5 and figures.kpi["new"] == 5
    assert figures.kpi["visits"] == 4


def test_kpi_tiles_format_once_for_both_faces(kelurahan_layer: gpd.GeoDataFrame) -> None:
    register, sahabat, visits, history = _small_world()
    figures = dashboard_figures(
        register,
        sahabat=sahabat,
        visits=visits,
        size_history=history,
        kelurahan=kelurahan_layer,
        period=parse_period("2026-Q3"),
    )
    tiles = {tile.key: tile for tile in kpi_tiles(figures, lang="id")}
    assert list(tiles) == [
        "curated",
        "remaining",
        "growth",
        "new",
        "naik_kelas",
        "sahabat_active",
        "flagged",
        "visits",
    ]
    assert tiles["curated"].value == "4"
    assert tiles["remaining"].value == "29.996"
    assert tiles["growth"].value == "-18.996"
    assert tiles["new"].delta == "+1 vs periode lalu"
    assert tiles["new"].help.endswith("Pembanding: Triwulan II 2026.")
    assert tiles["flagged"].delta == "dari 57 kelurahan"
    english = {tile.key: tile for tile in kpi_tiles(figures, lang="en")}
    assert english["remaining"].value == "29,996"
    assert english["new"].delta == "+1 vs previous period"
    assert english["visits"].help.endswith("Compared with Q2 2026.")


def test_dashboard_options_as_of_context_and_top(kelurahan_layer: gpd.GeoDataFrame) -> None:
    register, sahabat, visits, history = _small_world()
    tables = {"sahabat": sahabat, "visits": visits, "size_history": history}
    period = parse_period("2026")
    default = kpi.dashboard_figures(register, **tables, kelurahan=kelurahan_layer, period=period)
    same = kpi.dashboard_figures(
        register,
        **tables,
        kelurahan=kelurahan_layer,
        period=period,
        options=kpi.DashboardOptions(),
    )
    assert default.as_of == same.as_of and default.kpi == same.kpi
    context = pd.DataFrame({"tahun": [2024], "sumber": ["uji"]})
    figures = kpi.dashboard_figures(
        register,
        **tables,
        kelurahan=kelurahan_layer,
        period=period,
        options=kpi.DashboardOptions(as_of=dt.date(2026, 7, 1), context=context, top=1),
    )
    assert figures.as_of == dt.date(2026, 7, 1)  # before the data's latest day
    assert figures.context is context
    assert len(figures.priority) == 1 and len(default.priority) <= 10
    assert figures.kpi["curated"] <= default.kpi["curated"]
