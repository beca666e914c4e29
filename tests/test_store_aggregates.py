"""Filtered reads pushed down to the database (geo/store/aggregates.py), on both backends.

Every read is checked against what the pages computed before, in memory, from the whole
register (``RegisterFilter.apply`` of ``read_umkm``, coverage and the dashboard figures of
that register), and the two backends against each other. The data are the demo data set plus
a few awkward rows: no kelurahan kode (placed by coordinates), no status, no sector, no
curation date, names with non-ASCII letters and LIKE wildcards.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geo.analysis import kpi
from geo.analysis.coverage import coverage
from geo.analysis.filters import RegisterFilter
from geo.core.register import PERSONAL_COLUMNS, WEIGHT_COLUMN
from geo.render.mapview import split_inactive
from geo.store import Store
from geo.store.aggregates import POINT_COLUMNS
from tests import postgis

BACKENDS = ["sqlite", "postgis"]
AS_OF = datetime.date(2026, 11, 1)


def _awkward_rows(umkm: pd.DataFrame) -> pd.DataFrame:
    """Eight copies of demo rows with the values a filter, a count or a reader must handle."""
    rows = umkm.iloc[[0, 1, 2, 3, 4, 5, 6, 7]].copy().reset_index(drop=True)
    rows["id"] = [f"ZZ-{i}" for i in range(len(rows))]
    rows["sentra_id"] = None
    rows.loc[0, "kode_kelurahan"] = None  # placed by lon/lat
    rows.loc[1, "kode_kelurahan"] = None
    rows.loc[1, "status"] = "aktif"
    rows.loc[2, "status"] = None
    rows.loc[3, "sektor"] = None
    rows.loc[4, "tanggal_terkurasi"] = pd.NaT
    rows.loc[5, "nama_usaha"] = "Kopi ÉCLAIR 100%_asli"
    rows.loc[0, "nama_usaha"] = "Warung SARI rasa"
    # Text a CSV reader could take for NULL or split: PostGIS reads rows with COPY ... CSV.
    rows.loc[6, "nama_usaha"] = "NULL"
    rows.loc[6, "pemilik"] = "NaN"
    rows.loc[7, "nama_usaha"] = 'Toko "Maju", Jaya\nbaris dua'
    rows.loc[7, "alamat"] = None
    return rows


def _load(url: str) -> Store:
    from geo.ingest import demo
    from geo.services import demo as demo_service

    store = Store(url)
    data = demo.generate(count=3000)
    demo_service.load_into(store, data, user="tests")
    store.write_umkm(_awkward_rows(data.umkm))
    return store


@pytest.fixture(scope="module")
def sqlite_loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("agg") / "umkm.sqlite"
    store = _load(f"sqlite:///{path}")
    yield store
    store.close()


@pytest.fixture(scope="module")
def postgis_loaded() -> Iterator[Store]:
    with postgis.fresh_schema_url() as url:
        store = _load(url)
        yield store
        store.close()


@pytest.fixture(params=BACKENDS)
def loaded(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(f"{request.param}_loaded")


def _filters(store: Store) -> list[RegisterFilter]:
    register = store.read_umkm()
    kode = sorted(register["kode_kelurahan"].dropna().unique())
    sentra = sorted(register["sentra_id"].dropna().unique())
    return [
        RegisterFilter(),
        RegisterFilter(sektor=("kuliner", "fesyen")),
        RegisterFilter(skala=("kecil", "menengah")),
        RegisterFilter(kecamatan=("35.73.01",)),
        RegisterFilter(kecamatan=(kode[-1][:8],), kelurahan=(kode[0], kode[-1])),
        RegisterFilter(kelurahan=(kode[3], kode[10])),
        RegisterFilter(sentra=tuple(sentra[:2])),
        RegisterFilter(dari=datetime.date(2025, 3, 1), sampai=datetime.date(2025, 9, 30)),
        RegisterFilter(sampai=datetime.date(2024, 12, 31)),
        RegisterFilter(cari="sari"),
        RegisterFilter(cari=" éclair "),
        RegisterFilter(cari="100%_"),
        RegisterFilter(cari="%"),
        RegisterFilter(sektor=("kuliner",), skala=("mikro",), cari="a", kecamatan=("35.73.02",)),
    ]


def _filter_ids(flt: RegisterFilter) -> str:
    return repr({k: v for k, v in vars(flt).items() if v})


def test_selected_rows_are_the_rows_the_filter_keeps(loaded: Store) -> None:
    register = loaded.read_umkm()
    for flt in _filters(loaded):
        got = loaded.read_umkm_selected(flt)
        expected = flt.apply(register)[list(POINT_COLUMNS)].reset_index(drop=True)
        assert list(got.columns) == [*POINT_COLUMNS, "geometry"], _filter_ids(flt)
        pd.testing.assert_frame_equal(got.drop(columns="geometry"), expected, obj=_filter_ids(flt))
        assert got.crs.to_epsg() == 4326
        assert got.geometry.x.equals(got["lon"]) and got.geometry.y.equals(got["lat"])
    assert len(loaded.read_umkm_selected(RegisterFilter(cari="éclair"))) == 1
    assert len(loaded.read_umkm_selected(RegisterFilter(cari="100%_"))) == 1


def test_status_selects_what_the_map_draws(loaded: Store) -> None:
    register = loaded.read_umkm()[list(POINT_COLUMNS)]
    active, inactive = split_inactive(register)
    for status, expected in (
        (("aktif",), active),
        (("tidak_aktif",), inactive),
        (("aktif", "tidak_aktif"), register),
        ((), register.iloc[0:0]),
    ):
        got = loaded.read_umkm_selected(status=status).drop(columns="geometry")
        pd.testing.assert_frame_equal(got, expected.reset_index(drop=True), obj=str(status))
    assert len(inactive) > 0 and register["status"].isna().any()


def test_text_a_csv_reader_could_mistake_is_read_as_stored(loaded: Store) -> None:
    # PostGIS hands the rows over as CSV (COPY ... TO STDOUT): "NULL" and "NaN" stay text,
    # quotes, commas and line breaks stay inside their field, NULL stays <NA>.
    rows = loaded.read_umkm_selected(personal=True).set_index("id")
    assert rows.at["ZZ-6", "nama_usaha"] == "NULL"
    assert rows.at["ZZ-6", "pemilik"] == "NaN"
    assert rows.at["ZZ-7", "nama_usaha"] == 'Toko "Maju", Jaya\nbaris dua'
    assert rows.at["ZZ-7", "alamat"] is pd.NA
    assert pd.isna(rows.at["ZZ-4", "tanggal_terkurasi"])
    assert rows["tanggal_terkurasi"].dtype == "datetime64[s]"


def test_personal_columns_only_when_asked(loaded: Store) -> None:
    public = loaded.read_umkm_selected(RegisterFilter(sektor=("kuliner",)))
    assert not set(PERSONAL_COLUMNS) & set(public.columns)
    full = loaded.read_umkm_selected(RegisterFilter(sektor=("kuliner",)), personal=True)
    assert set(PERSONAL_COLUMNS) <= set(full.columns)
    expected = loaded.read_umkm()
    expected = expected[expected["sektor"] == "kuliner"].reset_index(drop=True)
    for column in PERSONAL_COLUMNS:
        assert full[column].equals(expected[column])


def test_counts_add_up_to_the_filtered_rows(loaded: Store) -> None:
    register = loaded.read_umkm()
    by = ["kode_kelurahan", "sektor", "skala", "status"]
    for flt in _filters(loaded):
        counts = loaded.umkm_counts(flt)
        rows = flt.apply(register)
        assert int(counts[WEIGHT_COLUMN].sum()) == len(rows), _filter_ids(flt)
        assert (counts[WEIGHT_COLUMN] >= 1).all()
        got = counts.groupby(by, dropna=False)[WEIGHT_COLUMN].sum()
        expected = rows.groupby(by, dropna=False).size().astype("int64")
        pd.testing.assert_series_equal(got, expected, check_names=False, obj=_filter_ids(flt))
        # Rows without a kode keep their point (to be placed); the others carry none.
        no_kode = counts["kode_kelurahan"].isna()
        assert counts.loc[~no_kode, ["lon", "lat"]].isna().all().all()
        assert counts.loc[no_kode, ["lon", "lat"]].notna().all().all()


def test_counts_by_other_columns_and_refusal(loaded: Store) -> None:
    register = loaded.read_umkm()
    counts = loaded.umkm_counts(by=("sentra_id",), status=("aktif",))
    active = split_inactive(register)[0]
    expected = active["sentra_id"].value_counts(dropna=False)
    got = counts.set_index("sentra_id")[WEIGHT_COLUMN]

    def plain(series: pd.Series) -> dict[str, int]:
        return {("-" if pd.isna(k) else str(k)): int(v) for k, v in series.items()}

    assert plain(got) == plain(expected)
    assert list(counts.columns) == ["sentra_id", "lon", "lat", WEIGHT_COLUMN]
    with pytest.raises(ValueError, match="cannot count by"):
        loaded.umkm_counts(by=("pemilik",))


def test_coverage_from_counts_equals_coverage_of_the_rows(loaded: Store) -> None:
    register = loaded.read_umkm()
    kel = loaded.kelurahan_layer()
    sahabat, visits = loaded.read_sahabat(), loaded.read_visits()
    for flt in _filters(loaded):
        got = coverage(kel, loaded.umkm_counts(flt), sahabat, visits, as_of=AS_OF)
        expected = coverage(kel, flt.apply(register), sahabat, visits, as_of=AS_OF)
        pd.testing.assert_frame_equal(
            pd.DataFrame(got), pd.DataFrame(expected), obj=_filter_ids(flt)
        )
        assert got.attrs == expected.attrs
    # The two rows without a kode were placed by their point, as the full register's are.
    total = coverage(kel, loaded.umkm_counts(), sahabat, visits, as_of=AS_OF)
    active = register[register["status"] == "aktif"]
    assert int(total["umkm_aktif"].sum()) + total.attrs["umkm_tanpa_kelurahan"] == len(active)


def test_counts_by_category_equal_the_rows(loaded: Store) -> None:
    register = loaded.read_umkm()
    kel = loaded.kelurahan_layer()
    counts = loaded.umkm_counts()
    for column in ("sektor", "skala", "status", "kecamatan", "kelurahan"):
        for active_only in (True, False):
            got = kpi.counts_by(counts, column, kelurahan=kel, active_only=active_only)
            expected = kpi.counts_by(register, column, kelurahan=kel, active_only=active_only)
            pd.testing.assert_frame_equal(got, expected, obj=f"{column} {active_only}")
    assert kpi.program_progress(counts) == kpi.program_progress(register)


def test_kelurahan_profile_from_counts_equals_the_rows(loaded: Store) -> None:
    # The map's profile panel reads the filter's counts, not its rows (every rerun, every pan).
    from geo.analysis.coverage import kelurahan_profile

    kel, sentra = loaded.kelurahan_layer(), loaded.read_sentra()
    for flt in (RegisterFilter(), RegisterFilter(sektor=("kuliner", "fashion"))):
        rows = loaded.read_umkm_selected(flt)
        counts = loaded.umkm_counts(flt)
        cov = coverage(kel, counts, loaded.read_sahabat(), loaded.read_visits(), as_of=AS_OF)
        for kode in kel["kode"].head(12):
            got = kelurahan_profile(cov, kode, register=counts, sentra=sentra)
            expected = kelurahan_profile(cov, kode, register=rows, sentra=sentra)
            for part in ("per_sektor", "per_skala"):
                pd.testing.assert_series_equal(
                    got[part].sort_index(),
                    expected[part].sort_index(),
                    check_index_type=False,
                    check_dtype=False,
                )
                assert got[part].is_monotonic_decreasing


def test_sentra_cards_from_counts_equal_the_rows(loaded: Store) -> None:
    # What Sentra UMKM (the public page) shows: UMKM per sentra counted by the database.
    from geo.analysis import publik

    sentra, kel = loaded.read_sentra(), loaded.kelurahan_layer()
    got = publik.sentra_cards(sentra, loaded.umkm_counts(by=("sentra_id", "status")), kelurahan=kel)
    expected = publik.sentra_cards(sentra, loaded.read_umkm(), kelurahan=kel)
    pd.testing.assert_frame_equal(got, expected)
    assert (got["jumlah_umkm"] != "<5").any()


def test_curation_over_time_from_counts_equals_the_rows(loaded: Store) -> None:
    # What Beranda draws: the curve from counts per day and status, not from the rows.
    register = loaded.read_umkm()
    dated = loaded.umkm_counts(by=("tanggal_terkurasi", "status"))
    assert len(dated) < len(register) / 2
    for active_only in (True, False):
        got = kpi.curated_over_time(dated, active_only=active_only)
        expected = kpi.curated_over_time(register, active_only=active_only)
        pd.testing.assert_frame_equal(got, expected, check_names=False)


def _dashboard_from_counts(store: Store, period: kpi.Period) -> kpi.DashboardFigures:
    """What pages/dasbor.py computes: counts from the database, coarse curation days."""
    return kpi.dashboard_from_counts(
        kpi.CountSource(count=store.umkm_counts, kode_of=store.kode_kelurahan_of),
        sahabat=store.read_sahabat(),
        visits=store.read_visits(),
        size_history=store.read_size_history(),
        kelurahan=store.kelurahan_layer(),
        period=period,
    )


def _assert_same_figures(got: kpi.DashboardFigures, expected: kpi.DashboardFigures) -> None:
    assert got.kpi == expected.kpi
    assert (got.period, got.as_of, got.latest, got.previous) == (
        expected.period,
        expected.as_of,
        expected.latest,
        expected.previous,
    )
    for name in ("over_time", "by_kecamatan", "by_kelurahan", "by_sektor", "by_skala"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), obj=name)
    for name in ("kecamatan", "priority", "context"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), obj=name)
    pd.testing.assert_frame_equal(pd.DataFrame(got.coverage), pd.DataFrame(expected.coverage))


def test_dashboard_from_counts_equals_dashboard_of_the_register(loaded: Store) -> None:
    register = loaded.read_umkm()
    visits, history = loaded.read_visits(), loaded.read_size_history()
    latest = kpi.latest_date(
        (register, "tanggal_terkurasi"), (visits, "tanggal"), (history, "tanggal")
    )
    assert latest is not None
    running = kpi.period_containing(latest, kind="quarter")
    periods = [
        running,  # not over: compared like for like, cut at the latest day
        running.previous(),
        kpi.period_containing(latest, kind="month"),
        kpi.period_containing(latest, kind="year"),
        kpi.parse_period("2025-02"),
        kpi.parse_period("2024"),
    ]
    for period in periods:
        expected = kpi.dashboard_figures(
            register,
            sahabat=loaded.read_sahabat(),
            visits=visits,
            size_history=history,
            kelurahan=loaded.kelurahan_layer(),
            period=period,
        )
        _assert_same_figures(_dashboard_from_counts(loaded, period), expected)


def test_dashboard_from_counts_needs_the_kode_of_each_riser(loaded: Store) -> None:
    counts = loaded.umkm_counts(by=("kode_kelurahan", "sektor", "skala", "status"))
    with pytest.raises(ValueError, match="kode_of"):
        kpi.dashboard_figures(
            counts.assign(tanggal_terkurasi=pd.NaT),
            sahabat=loaded.read_sahabat(),
            visits=loaded.read_visits(),
            size_history=loaded.read_size_history(),
            kelurahan=loaded.kelurahan_layer(),
            period=kpi.parse_period("2025-Q1"),
        )


def test_coarse_days_are_fewer_rows_with_the_same_latest_day(loaded: Store) -> None:
    by = ("kode_kelurahan", "sektor", "skala", "status", "tanggal_terkurasi")
    exact = loaded.umkm_counts(by=by)
    cut = datetime.date(2025, 8, 17)
    coarse = loaded.umkm_counts(by=by, tanggal_cuts=(cut,))
    assert len(coarse) < len(exact)
    assert coarse[WEIGHT_COLUMN].sum() == exact[WEIGHT_COLUMN].sum()
    assert coarse["tanggal_terkurasi"].max() == exact["tanggal_terkurasi"].max()
    for frame in (exact, coarse):
        day = frame["tanggal_terkurasi"]
        early = frame[WEIGHT_COLUMN][day <= pd.Timestamp(cut)].sum()
        assert early == exact[WEIGHT_COLUMN][exact["tanggal_terkurasi"] <= pd.Timestamp(cut)].sum()


def test_kode_kelurahan_of(loaded: Store) -> None:
    register = loaded.read_umkm()
    ids = [register["id"].iloc[7], "ZZ-0", "tidak-ada", register["id"].iloc[2]]
    got = loaded.kode_kelurahan_of(ids)
    assert list(got.index) == sorted([ids[0], ids[1], ids[3]])
    assert got["ZZ-0"] is pd.NA
    assert got[ids[0]] == register["kode_kelurahan"].iloc[7]


def test_both_backends_return_identical_results(
    sqlite_loaded: Store, postgis_loaded: Store
) -> None:
    by = ("kode_kelurahan", "sektor", "skala", "status", "tanggal_terkurasi")
    for flt in _filters(sqlite_loaded):
        for method in ("read_umkm_selected", "umkm_counts"):
            a = getattr(sqlite_loaded, method)(flt)
            b = getattr(postgis_loaded, method)(flt)
            pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b), obj=method)
    cuts = (datetime.date(2025, 5, 20), datetime.date(2026, 1, 31))
    pd.testing.assert_frame_equal(
        sqlite_loaded.umkm_counts(by=by, tanggal_cuts=cuts),
        postgis_loaded.umkm_counts(by=by, tanggal_cuts=cuts),
    )
    period = kpi.parse_period("2025-Q3")
    _assert_same_figures(
        _dashboard_from_counts(sqlite_loaded, period),
        _dashboard_from_counts(postgis_loaded, period),
    )
