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


# --- Output paths (issue 13.10): one-line error, exit 2, no folder created silently --------------


def _unwritable(tmp_path):
    """(path, what the error says) for every kind of output path that cannot be written."""
    (tmp_path / "berkas").write_text("x")
    return [
        (tmp_path / "baru" / "keluaran.zip", "tidak ada; buat dulu foldernya"),
        (tmp_path / "berkas" / "keluaran.zip", "berkas bukan folder"),
        (tmp_path / "berkas" / "sub" / "keluaran.zip", "berkas bukan folder"),
        (tmp_path, "adalah folder; beri nama berkas"),
        (Path("/proc/x"), "/proc/x"),
    ]


@pytest.mark.parametrize("command", ["export", "backup"])
def test_export_and_backup_refuse_unwritable_paths(db, tmp_path, capsys, command):
    for path, says in _unwritable(tmp_path):
        args = ["export", "--format", "csv"] if command == "export" else ["backup"]
        assert main([*args, "--output", str(path)]) == 2, path
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert says in err and "Traceback" not in err
    assert not (tmp_path / "baru").exists()  # a missing folder is not created
    assert not list(tmp_path.glob("*.part"))
    assert main(["export", "--format", "csv", "--output", str(tmp_path / "ok.csv")]) == 0


def test_plan_output_folder_is_checked_before_planning(tmp_path, capsys):
    stops = tmp_path / "stops.csv"
    stops.write_text("id,nama,lat,lon\nsanan,Sentra Tempe Sanan,-7.96090,112.64351\n")
    (tmp_path / "berkas").write_text("x")
    for out, says in (
        (tmp_path / "berkas", "berkas adalah berkas, bukan folder"),
        (tmp_path / "berkas" / "rencana", "berkas bukan folder"),
        (tmp_path / "tidak-ada" / "rencana", f"folder {tmp_path / 'tidak-ada'} tidak ada"),
    ):
        args = ["plan", "--stops", str(stops), "--officers", "1", "--output", str(out)]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and says in err, err
    assert not (tmp_path / "tidak-ada").exists()
    # A folder the system refuses: planned, then one line on writing.
    args = ["plan", "--stops", str(stops), "--officers", "1", "--time-limit", "0.2"]
    assert main([*args, "--output", "/proc/x"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("error: /proc/x") and "Traceback" not in last


# --- boundaries use / undo / reset (issue 15) ---------------------------------------------------


def _city_layer_file(tmp_path: Path) -> Path:
    """A BIG-schema layer in EPSG:32749: Bunulrejo grown by 300 m of Purwantoro."""
    from tests.test_services_boundaries import _grown

    layer = _grown().rename(columns={"kode": "KDPUMDES", "nama": "WADMKD"}).to_crs(32749)
    path = tmp_path / "batas_kota.gpkg"
    layer.to_file(path, layer="kelurahan")
    return path


def test_boundaries_use_dry_run_then_use_undo_reset(db, tmp_path, capsys):
    assert main(["demo", "--count", "400", "--seed", "5"]) == 0
    path = _city_layer_file(tmp_path)
    report = tmp_path / "laporan.csv"
    capsys.readouterr()
    args = ["boundaries", "use", str(path), "--layer", "kelurahan", "--report", str(report)]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "kolom terdeteksi: kode: KDPUMDES (kode Kemendagri); nama: WADMKD" in out
    assert "Purwantoro → Bunulrejo" in out
    assert "--dry-run: tidak ada yang diubah" in out
    table = pd.read_csv(report, dtype={"kode": str})
    assert table["kode"].iloc[-1] == "35.73"
    assert table.set_index("kode").loc["35.73.01.1008", "umkm_masuk"] > 0

    label = "Batas wilayah: Pemkot Malang, 2025"
    assert main([*args, "--source-label", label]) == 0
    assert f"aktif ({label})" in capsys.readouterr().out
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"Batas wilayah aktif: {label}" in out
    assert "Sentra yang titiknya di kelurahan lain" in out
    assert "titik di Bunulrejo (35.73.01.1008)" in out

    assert main(["boundaries", "undo"]) == 0
    assert "UMKM dikembalikan" in capsys.readouterr().out
    assert main(["boundaries", "undo"]) == 1
    assert "no boundary layer to undo" in capsys.readouterr().err
    assert main([*args, "--source-label", label]) == 0
    assert main(["boundaries", "reset"]) == 0
    assert "batas bawaan aktif; 1 lapisan dibatalkan" in capsys.readouterr().out


def test_boundaries_use_refuses_invalid_layer(db, tmp_path, capsys):
    from tests.test_services_boundaries import _grown

    layer = _grown().copy()
    layer = layer[layer["kode"] != "35.73.05.1002"]
    path = tmp_path / "kurang.geojson"
    layer.to_file(path)
    assert main(["boundaries", "use", str(path), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "kelurahan Merjosari (35.73.05.1002) tidak ada di berkas" in err
    assert main(["boundaries", "use", str(tmp_path / "tidak_ada.shp")]) == 2


# --- Import from any system: --map, --mapping, --skala-default (issue 15) ---------------------

_POINTS = [(-7.9609, 112.6435), (-7.9542, 112.6462), (-7.9700, 112.6300)]


def _osm_geojson(tmp_path: Path) -> Path:
    """An OpenStreetMap-like extract: English tag columns and OSM node ids."""
    frame = gpd.GeoDataFrame(
        {
            "NAME": ["Rawon Pak Di", "Kopi Tuku Ijen", "Bakso Presiden"],
            "PHONE": ["+62 341 551234", "+62 41 595158", None],
            "ADDR": ["Jl. Ijen 1", "Jl. Kawi 2", None],
            "CUISINE": ["indonesian", "coffee_shop", None],
            "AMENITY": ["restaurant", "cafe", "fast_food"],
            "ID": [1544238704, 1544238705, 1544238706],
        },
        geometry=gpd.points_from_xy([p[1] for p in _POINTS], [p[0] for p in _POINTS]),
        crs="EPSG:4326",
    )
    path = tmp_path / "osm.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


def test_import_geojson_with_map_prints_mapping_and_numbers_features(db, tmp_path, capsys):
    from geo.store import Store

    path = _osm_geojson(tmp_path)
    report = tmp_path / "laporan.csv"
    args = ["import", str(path), "--map", "nama_usaha=NAME", "--map", "telepon=PHONE"]
    assert main([*args, "--dry-run", "--skala-default", "mikro", "--report", str(report)]) == 0
    captured = capsys.readouterr()
    out, err = captured.out, captured.err
    assert "pemetaan kolom: NAME -> nama_usaha, PHONE -> telepon, ADDR -> alamat" in out
    assert "ID -> id_sumber" in out and "ID -> id," not in out
    assert "kolom tidak dipetakan: CUISINE, AMENITY" in out
    assert "sektor dibaca juga dari kolom yang tidak dipetakan: CUISINE, AMENITY" in out
    assert "skala diasumsikan mikro untuk 3 fitur" in out
    assert "osm.geojson: 3 features: 2 ok, 1 peringatan, 0 galat" in out
    assert (
        "[peringatan] osm.geojson, fitur 2, kolom PHONE: nomor telepon '+62 41 595158' tidak "
        "mungkin menurut penomoran Indonesia; disimpan seperti tertulis"
    ) in err
    table = pd.read_csv(report, dtype="string")
    assert table["fitur"].tolist() == ["1", "2", "3"]
    assert table["id_sumber"].tolist() == ["1544238704", "1544238705", "1544238706"]
    assert main([*args, "--commit", "--skala-default", "mikro"]) == 0
    stored = Store(db).read_umkm().set_index("nama_usaha")
    assert set(stored["sektor"]) == {"kuliner"} and set(stored["skala"]) == {"mikro"}
    assert not stored["id"].str.startswith("15442387").any()  # the OSM id is not the register id
    assert stored.loc["Kopi Tuku Ijen", "telepon"] == "+62 41 595158"  # kept as written
    assert stored.loc["Rawon Pak Di", "telepon"] == "+62341551234"
    assert stored.loc["Rawon Pak Di", "alamat"] == "Jl. Ijen 1"


def test_import_map_id_takes_the_generic_id_only_when_asked(db, tmp_path, capsys):
    from geo.store import Store

    path = _osm_geojson(tmp_path)
    assert (
        main(["import", str(path), "--commit", "--map", "id=ID", "--skala-default", "mikro"]) == 0
    )
    assert "ID -> id," in capsys.readouterr().out
    assert sorted(Store(db).read_umkm()["id"]) == ["1544238704", "1544238705", "1544238706"]


def test_import_without_a_name_column_is_one_error_naming_columns_and_map(db, tmp_path, capsys):
    path = tmp_path / "daftar.csv"
    rows = "".join(
        f"Usaha {i},0812345678{i % 10},{lat},{lon}\n" for i, (lat, lon) in enumerate(_POINTS * 20)
    )
    path.write_text("Label,Telp,lat,lon\n" + rows)
    assert main(["import", str(path), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.count("[galat]") == 1
    assert (
        "[galat] daftar.csv: pemetaan kolom: kolom nama usaha belum dipilih; kolom di berkas: "
        "Label, Telp, lat, lon"
    ) in err
    assert "--map BIDANG=KOLOM (mis. --map nama_usaha=NAME" in err
    assert main(["import", str(path), "--dry-run", "--map", "nama_usaha=Label"]) == 0
    out = capsys.readouterr().out
    assert "pemetaan kolom: Label -> nama_usaha, Telp -> telepon, lat -> lat, lon -> lon" in out
    assert "kolom tidak dipetakan: -" in out
    assert "daftar.csv: 60 rows: 0 ok, 60 peringatan" in out  # no skala, omzet or aset


def test_import_refuses_unknown_fields_columns_and_bad_options(db, tmp_path, capsys):
    path = tmp_path / "daftar.csv"
    path.write_text("Label,lat,lon\nUsaha,-7.9609,112.6435\n")
    assert main(["import", str(path), "--dry-run", "--map", "nama=Label"]) == 2
    assert "bidang 'nama' tidak dikenal; pilihan: id, nama_usaha" in capsys.readouterr().err
    assert main(["import", str(path), "--dry-run", "--map", "nama_usaha=NAME"]) == 2
    assert "kolom 'NAME' tidak ada di berkas; kolom di berkas: Label, lat, lon" in (
        capsys.readouterr().err
    )
    assert main(["import", str(path), "--dry-run", "--map", "nama_usaha"]) == 2
    assert "tulis BIDANG=KOLOM" in capsys.readouterr().err
    bad = tmp_path / "pemetaan.json"
    bad.write_text("[1, 2]")
    assert main(["import", str(path), "--dry-run", "--mapping", str(bad)]) == 2
    assert "berkas pemetaan harus objek JSON" in capsys.readouterr().err


def test_import_xlsx_with_a_mapping_file_and_kbli(db, tmp_path, capsys):
    from geo.ingest.headers import guess_mapping, mapping_to_json

    path = tmp_path / "oss.xlsx"
    frame = pd.DataFrame(
        {
            "Nama Pelaku": ["Tempe Bu Sri", "Konveksi Rapi"],
            "Merchant": ["Tempe Sanan", "Daster Mojo"],
            "KBLI": ["10792", "14111"],
            "Lat": [_POINTS[0][0], _POINTS[1][0]],
            "Lon": [_POINTS[0][1], _POINTS[1][1]],
            "Omzet": ["Rp 50.000.000", "Rp 120.000.000"],
        }
    )
    frame.to_excel(path, index=False)
    mapping = guess_mapping(list(frame.columns))
    mapping["Nama Pelaku"], mapping["Merchant"] = "pemilik", "nama_usaha"
    mapping_file = tmp_path / "pemetaan.json"
    mapping_file.write_text(mapping_to_json(mapping))
    assert main(["import", str(path), "--dry-run", "--mapping", str(mapping_file)]) == 0
    out = capsys.readouterr().out
    assert "Nama Pelaku -> pemilik, Merchant -> nama_usaha, KBLI -> sektor" in out
    assert "oss.xlsx: 2 rows: 2 ok" in out


# --- plan --save and plans list/show/cancel (issue 17) --------------------------------------------


def test_plan_save_then_list_show_and_cancel(db, tmp_path, capsys):
    from geo.store import Store

    store = Store(db)
    for name in ("ani", "budi"):
        store.add_user(name, password_hash=None, peran="petugas")
    store.add_user("pak", password_hash=None, peran="pimpinan")
    stops = tmp_path / "stops.csv"
    stops.write_text(
        "id,nama,lat,lon,jenis\n"
        "sanan,Sentra Tempe Sanan,-7.96090,112.64351,sentra\n"
        "U1,Keripik Bu Sri,-7.95500,112.61800,umkm\n"
        "U2,Bakso Pak No,-7.98000,112.63000,umkm\n"
    )
    base = ["plan", "--stops", str(stops), "--officers", "2", "--time-limit", "0.5"]
    # An account that may not be given routes: the files are written, the plan is not saved.
    args = [*base, "--output", str(tmp_path / "a"), "--save", "--petugas", "pak"]
    assert main(args) == 2
    assert "plan not saved" in capsys.readouterr().err
    assert store.read_plans().empty
    args = [*base, "--output", str(tmp_path / "b"), "--save", "--tanggal", "2026-12-03"]
    assert main([*args, "--judul", "Uji CLI", "--petugas", "ani,budi"]) == 0
    out = capsys.readouterr().out
    assert "saved as plan RK-20261203-01 (2026-12-03)" in out
    record = store.get_plan("RK-20261203-01")
    assert record["judul"] == "Uji CLI" and record["pengguna"].startswith("cli:")
    stored = store.read_plan_stops("RK-20261203-01")
    assert sorted(stored["objek_id"]) == ["U1", "U2", "sanan"]
    assert set(stored["petugas"]) <= {"ani", "budi"}
    assert store.read_audit()["aksi"].iloc[0] == "rencana.simpan"
    assert main(["plans", "list"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("RK-20261203-01\t2026-12-03\taktif\t") and "Uji CLI" in listed
    assert main(["plans", "show", "RK-20261203-01"]) == 0
    shown = capsys.readouterr().out
    assert "route 1: ani" in shown and "umkm:U1 Keripik Bu Sri" in shown
    assert main(["plans", "cancel", "RK-20261203-01"]) == 0
    assert store.get_plan("RK-20261203-01")["status"] == "dibatalkan"
    assert main(["plans", "cancel", "RK-20261203-01"]) == 2
    assert "dibatalkan" in capsys.readouterr().err
    assert main(["plans", "list"]) == 0 and "RK-" not in capsys.readouterr().out
    assert main(["plans", "list", "--all"]) == 0 and "dibatalkan" in capsys.readouterr().out
    assert main(["plans", "show", "RK-X"]) == 1
    with pytest.raises(SystemExit):
        main([*args, "--tanggal", "03/12/2026"])
