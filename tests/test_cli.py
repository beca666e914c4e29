import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo.cli import main
from geo.core import settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_SQL = ROOT.parent / "shared/data/wilayah_boundaries/wilayah_boundaries_kel_35.73.sql"


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_resolve_prints_kode_name_confidence(capsys):
    assert main(["resolve", "Tasikmadu"]) == 0
    assert capsys.readouterr().out == "35.73.05.1012\tTasik Madu\t1.00\n"
    assert main(["resolve", "Bandung Rejosari", "--kecamatan", "Sukun"]) == 0
    assert capsys.readouterr().out.startswith("35.73.04.1004\tBandungrejosari\t")


def test_resolve_rejects_outside_names(capsys):
    assert main(["resolve", "Gubeng"]) == 1
    assert "not a kelurahan of Kota Malang" in capsys.readouterr().err


def test_module_entry_point_runs():
    out = subprocess.run(
        [sys.executable, "-m", "geo", "resolve", "Oro Oro Dowo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split("\t")[:2] == ["35.73.02.1008", "Oro-oro Dowo"]


def test_boundaries_build(tmp_path, capsys):
    out = tmp_path / "kel.geojson"
    assert main(["boundaries", "build", "--source", str(SHARED_SQL), "--output", str(out)]) == 0
    assert "57 kelurahan" in capsys.readouterr().out
    assert out.read_text() == settings.BOUNDARIES_PATH.read_text()
    assert json.loads((tmp_path / "kel.source.json").read_text())["sha256"]


def test_boundaries_build_bad_checksum_exits_nonzero(tmp_path, capsys):
    bad = tmp_path / "x.sql"
    bad.write_text("not the file")
    assert main(["boundaries", "build", "--source", str(bad), "--output", str(tmp_path / "o")]) == 2
    assert "Checksum mismatch" in capsys.readouterr().err


def test_demo_info_export_import_round_trip(db, tmp_path, capsys, monkeypatch):
    assert main(["demo", "--count", "1500", "--seed", "5"]) == 0
    assert "1,500 UMKM aktif" in capsys.readouterr().out
    assert main(["demo", "--if-empty"]) == 0
    assert "already holds" in capsys.readouterr().out
    assert main(["info"]) == 0
    info = capsys.readouterr().out
    assert "(data contoh)" in info and "Lowokwaru" in info and "Mikro" in info

    csv = tmp_path / "out.csv"
    assert main(["export", "--format", "csv", "--output", str(csv)]) == 0
    exported = pd.read_csv(csv, dtype="string")
    assert len(exported) > 1500 and exported["kode_kelurahan"].notna().all()
    gj = tmp_path / "out.geojson"
    gp = tmp_path / "out.gpkg"
    assert main(["export", "--format", "geojson", "--output", str(gj)]) == 0
    assert main(["export", "--format", "gpkg", "--output", str(gp)]) == 0
    assert len(gpd.read_file(gj)) == len(gpd.read_file(gp)) == len(exported)

    # Re-import into a fresh store: same rows.
    from geo.store import Store

    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    Store(other).write_sentra(Store(db).read_sentra())
    monkeypatch.setenv("DATABASE_URL", other)
    assert main(["import", str(csv), "--commit"]) == 0
    back = Store(other).read_umkm()
    original = Store(db).read_umkm()
    pd.testing.assert_frame_equal(
        back.drop(columns=["sumber", "geometry"]).reset_index(drop=True),
        original.drop(columns=["sumber", "geometry"]).reset_index(drop=True),
        check_exact=False,
        atol=1e-9,
    )


def test_import_errors_name_file_row_column_and_store_nothing(db, tmp_path, capsys):
    from geo.store import Store

    path = tmp_path / "daftar.csv"
    path.write_text(
        "id,nama_usaha,lat,lon,sektor,skala,status\n"
        "A1,Tempe Bu Sri,-7.9609,112.6435,kuliner,mikro,aktif\n"
        "A2,Rotan Jaya,-7.87,112.52,kriya,mikro,aktif\n"
        "A3,Toko X,abc,112.63,perdagangan,mikro,aktif\n"
        "A4,Salon Y,-7.97,112.63,zzz,raksasa,aktif\n"
    )
    assert main(["import", str(path), "--commit"]) == 2
    err = capsys.readouterr().err
    assert "daftar.csv, baris 3, kolom lat/lon: di luar Kota Malang" in err
    assert "daftar.csv, baris 4, kolom lat: lintang tidak terbaca: 'abc'" in err
    assert "[peringatan] daftar.csv, baris 5, kolom sektor: jenis usaha 'zzz' tidak dikenali" in err
    assert "[galat] daftar.csv, baris 5, kolom skala: skala 'raksasa' tidak dikenal" in err
    assert "tidak ada yang disimpan" in err
    assert Store(db).is_empty()
