import dataclasses
import doctest
import itertools
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo.analysis.coverage
from geo.analysis.coverage import (
    COVERAGE_COLUMNS,
    REASON_TEMPLATES,
    CoverageRule,
    coverage,
    coverage_gap,
    describe_reasons,
    flagged_kelurahan,
    priority,
)
from geo.core.register import (
    SAHABAT_COLUMNS,
    SECTORS,
    VISIT_COLUMNS,
    empty_register,
    to_geodataframe,
)
from geo.core.settings import CRS_STORAGE, KECAMATAN_NAMES
from geo.wilayah.boundaries import kelurahan

AS_OF = date(2025, 6, 30)
A, B, C, D = "35.73.01.1001", "35.73.01.1002", "35.73.02.1001", "35.73.02.1002"
KODES = (A, B, C, D)
X0, Y0, SIDE = 112.60, -7.98, 0.01  # four squares of about 1.1 km side near Malang


def _center(kode: str) -> tuple[float, float]:
    i = KODES.index(kode)
    return X0 + (i + 0.5) * SIDE, Y0 + 0.5 * SIDE


def _layer() -> gpd.GeoDataFrame:
    squares = [shapely.box(X0 + i * SIDE, Y0, X0 + (i + 1) * SIDE, Y0 + SIDE) for i in range(4)]
    return gpd.GeoDataFrame(
        {
            "kode": pd.array(KODES, dtype="string"),
            "nama": pd.array(["Satu", "Dua", "Tiga", "Empat"], dtype="string"),
            "kode_kecamatan": pd.array([k[:8] for k in KODES], dtype="string"),
            "kecamatan": pd.array([KECAMATAN_NAMES[k[:8]] for k in KODES], dtype="string"),
        },
        geometry=squares,
        crs=CRS_STORAGE,
    )


def _umkm(kode: str | None, n: int, *, skala: str = "mikro", status: str = "aktif") -> list:
    return [(kode, skala, status)] * n


def _register(*groups: list) -> gpd.GeoDataFrame:
    """Build a register from lists of (kode_kelurahan, skala, status) rows."""
    rows = [r for g in groups for r in g]
    if not rows:
        return empty_register()
    kode, skala, status = zip(*rows, strict=True)
    lon, lat = zip(*(_center(k) if k else (np.nan, np.nan) for k in kode), strict=True)
    n = len(rows)
    return to_geodataframe(
        pd.DataFrame(
            {
                "id": [f"U{i:05d}" for i in range(n)],
                "nama_usaha": [f"Usaha Contoh {i}" for i in range(n)],
                "kode_kelurahan": list(kode),
                "lat": list(lat),
                "lon": list(lon),
                "sektor": ["kuliner"] * n,
                "skala": list(skala),
                "status": list(status),
            }
        )
    )


def _sahabat(*rows: tuple[str, str, bool]) -> pd.DataFrame:
    """Build a roster from (kode_kelurahan, tingkat, aktif) rows."""
    df = pd.DataFrame(list(rows), columns=["kode_kelurahan", "tingkat", "aktif"])
    df.insert(0, "id", [f"SU-{i:03d}" for i in range(len(df))])
    df.insert(1, "nama", [f"Sahabat Contoh {i}" for i in range(len(df))])
    return df.astype(SAHABAT_COLUMNS)


def _visits(*rows: tuple[str, str]) -> pd.DataFrame:
    """Build visits from (kode_kelurahan, tanggal) rows."""
    df = pd.DataFrame(list(rows), columns=["kode_kelurahan", "tanggal"])
    df["tanggal"] = pd.to_datetime(df["tanggal"], format="ISO8601")
    for col in VISIT_COLUMNS:
        if col not in df:
            df[col] = None
    df["id"] = [f"KJ-{i}" for i in range(len(df))]
    return df[list(VISIT_COLUMNS)].astype(VISIT_COLUMNS)


def _cov(register, sahabat=None, visits=None, **kw) -> pd.DataFrame:
    """Coverage of the four squares, indexed by kode for easy lookup."""
    sahabat = _sahabat() if sahabat is None else sahabat
    visits = _visits() if visits is None else visits
    kw.setdefault("as_of", AS_OF)
    return coverage(_layer(), register, sahabat, visits, **kw).set_index("kode", drop=False)


def _ago(days: int) -> str:
    return (AS_OF - timedelta(days=days)).isoformat()


# --- Flags and reasons ---------------------------------------------------------------------


def test_no_sahabat_is_flagged() -> None:
    cov = _cov(_register(_umkm(A, 10)))
    assert cov.loc[A, "flagged"]
    assert cov.loc[A, "alasan"] == "tidak ada Sahabat UMKM"
    assert cov.loc[A, "sahabat_aktif"] == 0
    assert np.isnan(cov.loc[A, "umkm_per_sahabat"])


def test_ratio_over_threshold_is_flagged_with_exact_message() -> None:
    cov = _cov(_register(_umkm(A, 640)), _sahabat((A, "kelurahan", True)))
    assert cov.loc[A, "flagged"]
    assert cov.loc[A, "alasan"] == "1 Sahabat untuk 640 UMKM — di atas batas 300"
    assert cov.loc[A, "umkm_per_sahabat"] == 640.0


def test_big_numbers_use_indonesian_thousands_separator() -> None:
    cov = _cov(_register(_umkm(A, 1250)), _sahabat((A, "rw", True), (A, "kelurahan", True)))
    assert cov.loc[A, "alasan"] == "2 Sahabat untuk 1.250 UMKM — di atas batas 300"


def test_under_or_at_threshold_is_not_flagged() -> None:
    cov = _cov(
        _register(_umkm(A, 300), _umkm(B, 299), _umkm(C, 601)),
        _sahabat((A, "kelurahan", True), (B, "rw", True), (C, "rw", True), (C, "rw", True)),
    )
    assert not cov.loc[A, "flagged"] and cov.loc[A, "alasan"] == ""
    assert not cov.loc[B, "flagged"] and cov.loc[B, "alasan"] == ""
    assert cov.loc[C, "flagged"]  # 300.5 per Sahabat


def test_inactive_and_city_level_sahabat_do_not_count() -> None:
    cov = _cov(
        _register(_umkm(A, 10), _umkm(B, 10)),
        _sahabat((A, "kota", True), (A, "kelurahan", False), (A, "rw", False), (B, "rw", True)),
    )
    assert cov.loc[A, "sahabat_aktif"] == 0
    assert cov.loc[A, "alasan"] == "tidak ada Sahabat UMKM"
    assert cov.loc[B, "sahabat_aktif"] == 1
    assert not cov.loc[B, "flagged"]


def test_inactive_umkm_do_not_count() -> None:
    cov = _cov(
        _register(_umkm(A, 10, status="tidak_aktif"), _umkm(B, 640), _umkm(B, 900, status="x")),
        _sahabat((B, "kelurahan", True)),
    )
    assert cov.loc[A, "umkm_aktif"] == 0
    assert not cov.loc[A, "flagged"]
    assert cov.loc[B, "umkm_aktif"] == 640
    assert cov.loc[B, "alasan"] == "1 Sahabat untuk 640 UMKM — di atas batas 300"


def test_every_kelurahan_is_returned_and_zero_umkm_is_never_flagged() -> None:
    cov = _cov(_register(_umkm(A, 5)))
    assert list(cov["kode"]) == list(KODES)
    for k in (B, C, D):
        assert cov.loc[k, "umkm_aktif"] == 0
        assert not cov.loc[k, "flagged"]
        assert cov.loc[k, "alasan"] == ""
        assert cov.loc[k, "prioritas"] == 0
        assert np.isnan(cov.loc[k, "pangsa_mikro"])


def test_counts_densities_and_mikro_share() -> None:
    cov = _cov(
        _register(_umkm(A, 3), _umkm(A, 1, skala="kecil"), _umkm(A, 1, skala=None)),
        _sahabat((A, "rw", True), (A, "rw", True)),
    )
    row = cov.loc[A]
    assert row["umkm_aktif"] == 5
    assert row["pangsa_mikro"] == pytest.approx(0.6)  # unknown skala counts as not mikro
    assert row["umkm_per_sahabat"] == 2.5
    assert row["area_km2"] == pytest.approx(1.10 * 1.11, rel=0.02)  # computed in EPSG:32749
    assert row["umkm_per_km2"] == pytest.approx(5 / row["area_km2"])


# --- Visits ------------------------------------------------------------------------------


def test_recent_visit_lowers_priority_compared_with_never_visited() -> None:
    cov = _cov(_register(_umkm(A, 50), _umkm(B, 50)), visits=_visits((A, _ago(5))))
    assert cov.loc[A, "kunjungan_terakhir"] == pd.Timestamp(_ago(5))
    assert cov.loc[A, "hari_sejak_kunjungan"] == 5
    assert pd.isna(cov.loc[B, "kunjungan_terakhir"])
    assert np.isnan(cov.loc[B, "hari_sejak_kunjungan"])
    assert cov.loc[A, "prioritas"] < cov.loc[B, "prioritas"]
    assert cov.loc[A, "peringkat"] > cov.loc[B, "peringkat"]


def test_visits_after_as_of_are_ignored_and_same_day_counts() -> None:
    tomorrow = (AS_OF + timedelta(days=1)).isoformat()
    cov = _cov(
        _register(_umkm(A, 50), _umkm(B, 50)),
        visits=_visits((A, tomorrow), (B, _ago(40)), (B, f"{AS_OF.isoformat()} 15:30")),
    )
    assert pd.isna(cov.loc[A, "kunjungan_terakhir"])
    assert cov.loc[B, "kunjungan_terakhir"] == pd.Timestamp(AS_OF)
    assert cov.loc[B, "hari_sejak_kunjungan"] == 0


# --- Configurable rule ----------------------------------------------------------------------


def test_threshold_700_unflags_the_640_case() -> None:
    register, sahabat = _register(_umkm(A, 640)), _sahabat((A, "kelurahan", True))
    assert _cov(register, sahabat).loc[A, "flagged"]
    cov = _cov(register, sahabat, rule=CoverageRule(max_umkm_per_sahabat=700))
    assert not cov.loc[A, "flagged"]
    assert cov.loc[A, "alasan"] == ""


def test_min_sahabat_two() -> None:
    rule = CoverageRule(min_sahabat=2)
    cov = _cov(
        _register(_umkm(A, 100), _umkm(B, 640), _umkm(C, 100)),
        _sahabat((A, "rw", True), (B, "rw", True), (C, "rw", True), (C, "kelurahan", True)),
        rule=rule,
    )
    assert cov.loc[A, "alasan"] == "hanya 1 Sahabat UMKM — minimal 2"
    assert cov.loc[B, "alasan"] == (
        "hanya 1 Sahabat UMKM — minimal 2; 1 Sahabat untuk 640 UMKM — di atas batas 300"
    )
    assert not cov.loc[C, "flagged"]
    assert not _cov(_register(_umkm(A, 100)), _sahabat((A, "rw", True))).loc[A, "flagged"]


def test_rule_is_validated_and_frozen() -> None:
    for bad in (
        {"max_umkm_per_sahabat": 0},
        {"min_sahabat": -1},
        {"stale_after_days": 0},
        {"weight_gap": -0.1},
        {"weight_gap": 0, "weight_umkm": 0, "weight_visit": 0, "weight_mikro": 0},
    ):
        with pytest.raises(ValueError):
            CoverageRule(**bad)
    with pytest.raises(dataclasses.FrozenInstanceError):
        CoverageRule().min_sahabat = 3  # type: ignore[misc]


def test_messages_live_in_the_template_table() -> None:
    assert REASON_TEMPLATES["tanpa_sahabat"] == "tidak ada Sahabat UMKM"
    assert describe_reasons(640, 1) == "1 Sahabat untuk 640 UMKM — di atas batas 300"
    assert describe_reasons(0, 0) == ""
    rule = CoverageRule(max_umkm_per_sahabat=250.5)
    assert describe_reasons(1000, 1, rule=rule).endswith("di atas batas 250,5")


# --- Priority -------------------------------------------------------------------------------


def _nondecreasing(values: np.ndarray) -> bool:
    return bool(np.all(np.diff(values) >= 0)) and values[-1] > values[0]


def test_priority_function_is_monotone_in_each_input() -> None:
    gaps = np.linspace(0, 1, 11)
    umkm = np.array([1, 2, 5, 10, 50, 300, 1000, 2000, 5000])
    mikro = np.linspace(0, 1, 11)
    days = np.array([0, 1, 10, 45, 89, 90, 365, np.nan])  # NaN: never visited
    for g, u, m, d in itertools.product([0, 0.5, 1], [1, 640, 3000], [0, 0.8], [0, 30, np.nan]):
        assert _nondecreasing(
            priority(gap=gaps, umkm_aktif=u, pangsa_mikro=m, hari_sejak_kunjungan=d)
        )
        assert _nondecreasing(
            priority(gap=g, umkm_aktif=umkm, pangsa_mikro=m, hari_sejak_kunjungan=d)
        )
        assert _nondecreasing(
            priority(gap=g, umkm_aktif=u, pangsa_mikro=mikro, hari_sejak_kunjungan=d)
        )
        assert _nondecreasing(
            priority(gap=g, umkm_aktif=u, pangsa_mikro=m, hari_sejak_kunjungan=days)
        )
    top = priority(gap=1, umkm_aktif=10_000, pangsa_mikro=1, hari_sejak_kunjungan=np.nan)
    assert top[0] == 100.0
    assert priority(gap=1, umkm_aktif=0, pangsa_mikro=1, hari_sejak_kunjungan=np.nan)[0] == 0


def test_gap_is_max_without_sahabat_and_zero_when_not_flagged() -> None:
    gap = coverage_gap([640, 640, 640, 640, 300, 0], [0, 1, 2, 3, 1, 0])
    assert gap[0] == 1.0
    assert gap[1] == pytest.approx(1 - 300 / 640)
    assert gap[1] > gap[2] > gap[3] == 0
    assert gap[4] == 0 and gap[5] == 0


def test_priority_in_coverage_is_monotone_in_gap() -> None:
    cov = _cov(
        _register(*(_umkm(k, 640) for k in KODES)),
        _sahabat((B, "rw", True), *[(C, "rw", True)] * 2, *[(D, "rw", True)] * 3),
    )
    p = cov.loc[list(KODES), "prioritas"].to_numpy()
    assert p[0] > p[1] > p[2] > p[3]  # 0, 1, 2, 3 Sahabat for 640 UMKM
    assert list(cov.loc[list(KODES), "peringkat"]) == [1, 2, 3, 4]


def test_priority_in_coverage_is_monotone_in_umkm_count() -> None:
    cov = _cov(_register(_umkm(A, 1), _umkm(B, 10), _umkm(C, 100), _umkm(D, 1000)))
    p = cov.loc[list(KODES), "prioritas"].to_numpy()
    assert p[0] < p[1] < p[2] < p[3]


def test_priority_in_coverage_is_monotone_in_mikro_share() -> None:
    cov = _cov(
        _register(
            *(
                _umkm(k, n) + _umkm(k, 100 - n, skala="kecil")
                for k, n in zip(KODES, (0, 30, 60, 100), strict=True)
            )
        )
    )
    assert list(cov.loc[list(KODES), "pangsa_mikro"]) == [0, 0.3, 0.6, 1]
    p = cov.loc[list(KODES), "prioritas"].to_numpy()
    assert p[0] < p[1] < p[2] < p[3]


def test_priority_in_coverage_is_monotone_in_days_since_visit() -> None:
    cov = _cov(
        _register(*(_umkm(k, 100) for k in KODES)),
        visits=_visits((A, _ago(0)), (B, _ago(30)), (B, _ago(200)), (C, _ago(60))),
    )
    assert list(cov.loc[[A, B, C], "hari_sejak_kunjungan"]) == [0, 30, 60]  # latest visit wins
    p = cov.loc[list(KODES), "prioritas"].to_numpy()
    assert p[0] < p[1] < p[2] < p[3]  # D never visited


# --- Subsets, empty input, determinism ------------------------------------------------------


def test_empty_register_flags_nobody() -> None:
    cov = _cov(empty_register(), _sahabat((A, "rw", True)), _visits((A, _ago(3))))
    assert not cov["flagged"].any()
    assert (cov["alasan"] == "").all()
    assert (cov["prioritas"] == 0).all()
    assert list(cov["peringkat"]) == [1, 2, 3, 4]  # all tied: by kode
    assert flagged_kelurahan(cov).empty


def test_any_subset_of_the_register_works() -> None:
    register = _register(_umkm(A, 400), _umkm(B, 20))
    register["sektor"] = pd.array(["kriya"] * 250 + ["kuliner"] * 170, dtype="string")
    sahabat = _sahabat((A, "rw", True), (B, "rw", True))
    assert _cov(register, sahabat).loc[A, "flagged"]
    cov = _cov(register[register["sektor"] == "kriya"], sahabat)  # a sector filter upstream
    assert list(cov.loc[[A, B], "umkm_aktif"]) == [250, 0]
    assert not cov["flagged"].any()


def test_ranks_are_deterministic_and_ties_go_by_kode() -> None:
    register = _register(_umkm(D, 20), _umkm(B, 20), _umkm(C, 640), _umkm(A, 5))
    sahabat = _sahabat((C, "rw", True), (A, "kota", True))
    visits = _visits((A, _ago(10)), (C, _ago(100)))
    first = coverage(_layer(), register, sahabat, visits, as_of=AS_OF)
    rng = np.random.default_rng(7)
    shuffled = coverage(
        _layer().iloc[rng.permutation(4)],
        register.iloc[rng.permutation(len(register))],
        sahabat.iloc[::-1],
        visits.iloc[::-1],
        as_of=AS_OF,
    )
    pd.testing.assert_frame_equal(first, shuffled)
    by_kode = first.set_index("kode")
    assert by_kode.loc[B, "prioritas"] == by_kode.loc[D, "prioritas"]
    assert by_kode.loc[B, "peringkat"] < by_kode.loc[D, "peringkat"]
    assert sorted(first["peringkat"]) == [1, 2, 3, 4]


def test_flagged_kelurahan_is_sorted_by_rank() -> None:
    cov = _cov(
        _register(_umkm(A, 10), _umkm(B, 1000), _umkm(C, 50), _umkm(D, 5)),
        _sahabat((B, "rw", True), (C, "rw", True), (D, "rw", True)),
    )
    flagged = flagged_kelurahan(cov)
    assert list(flagged["kode"]) == [B, A]
    assert list(flagged["peringkat"]) == sorted(flagged["peringkat"])
    assert flagged.crs == cov.crs


def test_rows_without_kode_are_placed_by_coordinates() -> None:
    register = _register(_umkm(A, 2))
    register.loc[0, "kode_kelurahan"] = pd.NA
    outside = _register(_umkm(A, 1))
    outside["kode_kelurahan"] = pd.array([pd.NA], dtype="string")
    outside["lon"], outside["lat"] = 110.0, -7.0  # far from the squares
    cov = coverage(
        _layer(), pd.concat([register, outside]), _sahabat(), _visits(), as_of=AS_OF
    ).set_index("kode")
    assert cov.loc[A, "umkm_aktif"] == 2
    assert cov.attrs["umkm_tanpa_kelurahan"] == 1


def test_missing_columns_are_reported() -> None:
    with pytest.raises(ValueError, match="status"):
        _cov(_register(_umkm(A, 1)).drop(columns="status"))


def test_docstring_examples() -> None:
    assert doctest.testmod(geo.analysis.coverage).failed == 0


# --- The shipped layer ----------------------------------------------------------------------


def test_real_layer_with_random_register_is_fast_and_well_typed() -> None:
    kel = kelurahan()
    rng = np.random.default_rng(35_73)
    n = 20_000
    codes = kel["kode"].astype(str).to_numpy()
    kode = rng.choice(codes, n)
    register = to_geodataframe(
        pd.DataFrame(
            {
                "id": [f"U{i:05d}" for i in range(n)],
                "kode_kelurahan": kode,
                "lat": np.full(n, -7.97),
                "lon": np.full(n, 112.63),
                "sektor": rng.choice(list(SECTORS), n),
                "skala": rng.choice(["mikro", "kecil", "menengah"], n, p=[0.9, 0.08, 0.02]),
                "status": rng.choice(["aktif", "tidak_aktif"], n, p=[0.97, 0.03]),
            }
        )
    )
    sahabat = pd.DataFrame(
        {
            "id": [f"SU-{i:03d}" for i in range(190)],
            "nama": "Sahabat Contoh",
            "tingkat": rng.choice(["kota", "kelurahan", "rw"], 190, p=[0.05, 0.65, 0.3]),
            "kode_kelurahan": rng.choice(codes[:50], 190),  # the last 7 have nobody
            "aktif": rng.random(190) > 0.06,
        }
    ).astype(SAHABAT_COLUMNS)
    visits = _visits(
        *zip(
            rng.choice(codes, 2000),
            [_ago(int(d)) for d in rng.integers(-30, 365, 2000)],
            strict=True,
        )
    )

    cov = coverage(kel, register, sahabat, visits, as_of=AS_OF)
    assert len(cov) == 57
    assert tuple(cov.columns) == COVERAGE_COLUMNS
    assert cov.crs == CRS_STORAGE
    assert cov["kode"].is_unique and cov["kode"].is_monotonic_increasing
    dtypes = cov.dtypes.astype(str).to_dict()
    assert dtypes["kode"] == dtypes["nama"] == dtypes["alasan"] == "string"
    assert dtypes["umkm_aktif"] == dtypes["sahabat_aktif"] == dtypes["peringkat"] == "int64"
    assert dtypes["flagged"] == "bool"
    assert dtypes["kunjungan_terakhir"].startswith("datetime64")
    for col in ("area_km2", "umkm_per_km2", "umkm_per_sahabat", "pangsa_mikro", "prioritas"):
        assert dtypes[col] == "float64", col
    assert cov["umkm_aktif"].sum() == (register["status"] == "aktif").sum()
    assert cov["prioritas"].between(0, 100).all()
    assert sorted(cov["peringkat"]) == list(range(1, 58))
    assert ((cov["alasan"] != "") == cov["flagged"]).all()
    assert cov.loc[cov["kode"].isin(codes[50:]), "flagged"].all()
    assert (cov["hari_sejak_kunjungan"].dropna() >= 0).all()
    assert cov["pangsa_mikro"].between(0, 1).all()
