from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.analysis.filters import METRICS, MapView, RegisterFilter, kelurahan_options
from geo.core.register import SECTORS, SIZE_CLASSES, to_geodataframe


@pytest.fixture
def register():
    return to_geodataframe(
        pd.DataFrame(
            {
                "id": ["a", "b", "c", "d", "e"],
                "nama_usaha": ["Tempe Contoh 1", "Toko 2", "Rotan Contoh 3", "Tempe X", None],
                "kode_kelurahan": [
                    "35.73.01.1007",
                    "35.73.01.1008",
                    "35.73.05.1012",
                    "35.73.01.1007",
                    "35.73.04.1004",
                ],
                "lat": [-7.96, -7.965, -7.92, -7.961, -8.0],
                "lon": [112.64, 112.646, 112.627, 112.641, 112.616],
                "sektor": ["kuliner", "perdagangan", "kriya", "kuliner", "kriya"],
                "skala": ["mikro", "kecil", "mikro", "menengah", "mikro"],
                "sentra_id": ["sanan-tempe", None, "rotan-tasikmadu", None, None],
                "tanggal_terkurasi": pd.to_datetime(
                    ["2024-07-01", "2025-01-15", "2025-12-31", "2026-03-01", None]
                ),
                "status": ["aktif"] * 5,
            }
        )
    )


def ids(df):
    return df["id"].tolist()


def test_no_filter_keeps_everything(register):
    f = RegisterFilter()
    assert f.is_empty() and ids(f.apply(register)) == ["a", "b", "c", "d", "e"]


def test_each_filter(register):
    assert ids(RegisterFilter(sektor=("kuliner",)).apply(register)) == ["a", "d"]
    assert ids(RegisterFilter(skala=("mikro", "kecil")).apply(register)) == ["a", "b", "c", "e"]
    assert ids(RegisterFilter(kecamatan=("35.73.01",)).apply(register)) == ["a", "b", "d"]
    assert ids(RegisterFilter(kelurahan=("35.73.01.1007",)).apply(register)) == ["a", "d"]
    assert ids(RegisterFilter(sentra=("rotan-tasikmadu",)).apply(register)) == ["c"]
    assert ids(RegisterFilter(cari="tempe").apply(register)) == ["a", "d"]
    both = RegisterFilter(dari=date(2025, 1, 15), sampai=date(2025, 12, 31))
    assert ids(both.apply(register)) == ["b", "c"]  # inclusive at both ends, NaT excluded


def test_filters_combine(register):
    f = RegisterFilter(sektor=("kuliner", "kriya"), skala=("mikro",), kecamatan=("35.73.01",))
    assert ids(f.apply(register)) == ["a"]


def test_cascading_kelurahan_outside_kecamatan_is_ignored(register):
    f = RegisterFilter(kecamatan=("35.73.05",), kelurahan=("35.73.01.1007", "35.73.05.1012"))
    assert f.effective_kelurahan() == ("35.73.05.1012",)
    assert ids(f.apply(register)) == ["c"]


def test_query_round_trip_full():
    view = MapView(
        filter=RegisterFilter(
            sektor=("kuliner", "kriya"),
            skala=("mikro",),
            kecamatan=("35.73.01",),
            kelurahan=("35.73.01.1007",),
            sentra=("sanan-tempe",),
            dari=date(2025, 1, 1),
            sampai=date(2025, 6, 30),
            cari="tempe",
        ),
        metric="umkm_per_sahabat",
        basemap="light",
        center=(-7.96, 112.64),
        zoom=15,
    )
    query = view.to_query()
    assert query["sektor"] == "kuliner,kriya" and query["metrik"] == "umkm_per_sahabat"
    assert MapView.from_query(query) == view


def test_default_view_has_empty_query():
    assert MapView().to_query() == {}
    assert MapView.from_query({}) == MapView()


def test_malformed_query_is_ignored_not_fatal():
    view = MapView.from_query(
        {
            "sektor": "kuliner,bogus",
            "skala": "raksasa",
            "kecamatan": "99.99.01,35.73.02",
            "dari": "kemarin",
            "metrik": "drop table",
            "pusat": "abc",
            "zoom": "99",
        }
    )
    assert view.filter.sektor == ("kuliner",)
    assert view.filter.skala == ()
    assert view.filter.kecamatan == ("35.73.02",)
    assert view.filter.dari is None and view.metric == METRICS[0]
    assert view.center is None and view.zoom is None


@given(
    sektor=st.lists(st.sampled_from(sorted(SECTORS)), unique=True),
    skala=st.lists(st.sampled_from(SIZE_CLASSES), unique=True),
    cari=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30).map(str.strip),
    metric=st.sampled_from(METRICS),
    zoom=st.none() | st.integers(1, 19),
)
def test_query_round_trip_property(sektor, skala, cari, metric, zoom):
    view = MapView(
        filter=RegisterFilter(sektor=tuple(sektor), skala=tuple(skala), cari=cari),
        metric=metric,
        zoom=zoom,
    )
    assert MapView.from_query(view.to_query()) == view


def test_kelurahan_options_cascade():
    from geo import wilayah

    kel = wilayah.kelurahan()
    assert len(kelurahan_options(kel)) == 57
    sukun = kelurahan_options(kel, kecamatan=("35.73.04",))
    assert len(sukun) == 11 and set(sukun["kecamatan"]) == {"Sukun"}
    assert sukun["nama"].is_monotonic_increasing
