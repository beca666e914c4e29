import numpy as np
import pandas as pd
import pytest

from geo import wilayah
from geo.core import register, settings
from geo.ingest import demo


@pytest.fixture(scope="module")
def data():
    return demo.generate()


def test_default_count_is_the_citys_published_figure(data):
    active = data.umkm[data.umkm["status"] == "aktif"]
    assert len(active) == settings.CURATED_NOW == 21_270
    assert data.umkm["id"].is_unique
    assert (data.umkm["status"] == "tidak_aktif").sum() > 0


def test_every_point_lies_in_its_kelurahan(data):
    umkm = data.umkm
    assigned = wilayah.assign_kelurahan(umkm["lon"], umkm["lat"])
    assert (assigned["kode_kelurahan"] == umkm["kode_kelurahan"]).all()
    assert set(assigned["metode"]) <= {"di_dalam", "tumpang_tindih"}
    assert umkm.crs.to_epsg() == 4326
    kel = wilayah.kelurahan()
    joined = umkm.sjoin(kel[["kode", "geometry"]], predicate="within")
    # Points on overlaps sit in two polygons; each point's own kelurahan is among them.
    own = joined[joined["kode"] == joined["kode_kelurahan"]]
    assert own.index.nunique() == len(umkm)


def test_same_seed_same_data_other_seed_other_data():
    a = demo.generate(seed=11, count=2_000)
    b = demo.generate(seed=11, count=2_000)
    c = demo.generate(seed=12, count=2_000)
    pd.testing.assert_frame_equal(a.umkm, b.umkm)
    pd.testing.assert_frame_equal(a.sahabat, b.sahabat)
    pd.testing.assert_frame_equal(a.visits, b.visits)
    pd.testing.assert_frame_equal(a.size_history, b.size_history)
    assert not a.umkm[["lat", "lon"]].equals(c.umkm[["lat", "lon"]])


def test_history_grows_from_about_19000(data):
    active = data.umkm[data.umkm["status"] == "aktif"]
    by_end_2025 = (active["tanggal_terkurasi"] <= "2025-12-31").sum()
    assert by_end_2025 == pytest.approx(settings.CURATED_EARLIER, rel=0.01)
    assert active["tanggal_terkurasi"].min() >= pd.Timestamp(demo.PROGRAM_START)
    assert active["tanggal_terkurasi"].max() <= pd.Timestamp(demo.AS_OF)


def test_clusters_at_sentra(data):
    umkm = data.umkm
    sanan = data.sentra[data.sentra["kode_kelurahan"] == "35.73.01.1007"]
    assert len(sanan)
    members = umkm[umkm["sentra_id"].isin(sanan["id"])]
    assert len(members) >= 300
    assert (members["sektor"] == "kuliner").all()
    # Dense: most members within 400 m of the sentra point.
    s = sanan.iloc[0]
    dx = (members["lon"] - s["lon"]) * 110_320 * np.cos(np.radians(s["lat"]))
    dy = (members["lat"] - s["lat"]) * 110_574
    assert (np.hypot(dx, dy) < 400).mean() > 0.8
    raket = data.sentra[data.sentra["kode_kelurahan"] == "35.73.04.1004"]
    assert umkm["sentra_id"].isin(raket["id"]).sum() >= 30


def test_centre_is_denser_than_periphery(data):
    per_km2 = (
        data.umkm.groupby("kode_kelurahan").size()
        / wilayah.kelurahan().set_index("kode")["area_km2"]
    )
    klojen = per_km2[per_km2.index.str.startswith("35.73.02")].median()
    kedungkandang = per_km2[per_km2.index.str.startswith("35.73.03")].median()
    assert klojen > 2 * kedungkandang


def test_mixes_and_size_consistency(data):
    share = data.umkm["skala"].value_counts(normalize=True)
    assert share["mikro"] > 0.85
    assert set(data.umkm["sektor"]) <= set(register.SECTORS)
    recomputed = register.classify_size(omzet=data.umkm["omzet"])
    assert (recomputed == data.umkm["skala"]).all()


def test_naik_kelas_history(data):
    hist = data.size_history
    assert set(hist["umkm_id"]) == set(data.umkm["id"])
    latest = hist.sort_values("tanggal").groupby("umkm_id")["skala"].last()
    assert (latest == data.umkm.set_index("id")["skala"]).all()
    multi = hist.groupby("umkm_id").size()
    moved = (multi > 1).sum()
    assert 0.02 * len(data.umkm) < moved < 0.06 * len(data.umkm)


def test_sahabat_coverage_varies(data):
    active = data.sahabat[data.sahabat["aktif"] & (data.sahabat["tingkat"] != "kota")]
    per_kel = (
        active.groupby("kode_kelurahan").size().reindex(wilayah.kelurahan()["kode"], fill_value=0)
    )
    assert (per_kel == 0).sum() >= 3
    umkm = data.umkm[data.umkm["status"] == "aktif"].groupby("kode_kelurahan").size()
    ratio = umkm / per_kel.replace(0, np.nan)
    assert (ratio > 300).sum() >= 3
    assert 150 <= len(data.sahabat) <= 260


def test_fake_personal_data_and_label(data):
    assert data.umkm["nama_usaha"].str.contains(" Contoh ").all()
    assert data.umkm["pemilik"].str.fullmatch(r"Pemilik Contoh \d{5}").all()
    assert data.umkm["telepon"].str.fullmatch(r"\+62800\d{7}").all()
    assert (data.umkm["sumber"] == demo.DEMO_SOURCE).all()


def test_visits_reference_real_rows(data):
    v = data.visits
    assert v["id"].is_unique and len(v) > 500
    assert v["petugas"].isin(data.sahabat["id"]).all()
    assert v["umkm_id"].dropna().isin(data.umkm["id"]).all()
    assert v["sentra_id"].dropna().isin(data.sentra["id"]).all()
    codes = {c for k in v["kebutuhan"] for c in k.split(",")}
    assert codes <= set(register.KEBUTUHAN)


@pytest.mark.parametrize("count", [1, 10, 500])
def test_any_size_works(count):
    data = demo.generate(count=count, seed=11)
    active = data.umkm[data.umkm["status"] == "aktif"]
    assert len(active) == count
    clustered = data.umkm["sentra_id"].notna().sum()
    assert clustered <= 0.8 * len(data.umkm)
    assert data.umkm["kode_kelurahan"].notna().all()


@pytest.mark.parametrize("count", [0, -5, 2.5, "500", True])
def test_bad_sizes_are_refused(count):
    with pytest.raises(ValueError, match="bilangan bulat >= 1"):
        demo.generate(count=count)


@pytest.mark.parametrize("arg", ["0", "-5", "abc", "1e3"])
def test_cli_refuses_bad_counts_in_one_line(arg, tmp_path, monkeypatch, capsys):
    from geo.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.sqlite'}")
    try:
        status = main(["demo", "--count", arg])
    except SystemExit as exit_:  # argparse refuses a non-number itself
        status = exit_.code
    assert status == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()
