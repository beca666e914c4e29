"""Field visits from "Kunjungan saya" (geo.services.visits.log_field_visit), both backends.

Idempotent by key (also under two concurrent submits), check-in columns, the photo row, the
stop marked ``selesai``, audit and data version in one transaction; the old ``log_visit``
keeps working; photos survive a backup round trip.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from geo import wilayah
from geo.analysis import visits
from geo.analysis.checkin import Position, check_in
from geo.core import audit
from geo.ingest.photo import prepare_photo
from geo.services.visits import FieldVisit, FieldVisitError, log_field_visit, log_visit
from geo.store import Store
from geo.store.backup import BackupError, read_backup, restore_backup, write_backup
from tests import postgis

TODAY = dt.date(2026, 11, 27)
KEL = wilayah.kelurahan()
KODE = str(KEL["kode"].iloc[0])


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgis":
        with postgis.fresh_schema_url() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'umkm.sqlite'}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
    yield s
    s.close()


def _row(**kw) -> pd.DataFrame:
    form = visits.VisitInput(
        tanggal=TODAY,
        petugas=["petugas1"],
        kode_kelurahan=kw.pop("kode", KODE),
        kebutuhan=["pemasaran", "perizinan"],
        catatan="Pemilik ingin ikut pelatihan.",
        **kw,
    )
    return visits.build_visit(form, today=TODAY, kelurahan=KEL)


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), (10, 120, 10)).save(out, format="JPEG")
    return prepare_photo(out.getvalue())


def _check_in(jarak_north_deg: float = 0.001):
    pos = Position(lat=-7.97 + jarak_north_deg, lon=112.63, akurasi_m=12.0)
    return check_in(pos, stop_lat=-7.97, stop_lon=112.63)


def test_field_visit_is_stored_with_check_in_photo_audit_and_version(store):
    version = store.get_meta("data_version")
    key = uuid.uuid4().hex
    saved = log_field_visit(
        store,
        FieldVisit(visit=_row(), kunci=key, check_in=_check_in(0.004), photo=_photo()),
        user="petugas1",
        peran="petugas",
    )
    assert saved.baru
    stored = store.read_visits(check_in=True)
    assert len(stored) == 1
    row = stored.iloc[0]
    assert row["id"] == saved.id and row["kunci"] == key
    assert row["kode_kelurahan"] == KODE
    assert row["lat"] == pytest.approx(-7.966) and row["lon"] == pytest.approx(112.63)
    assert row["akurasi_m"] == 12.0
    assert row["jarak_m"] == pytest.approx(442, abs=2)
    assert bool(row["di_luar_radius"]) is True
    assert pd.isna(row["henti_id"])
    photo = store.read_visit_photo(saved.id)
    assert photo is not None and photo["mime"] == "image/jpeg"
    assert (photo["lebar"], photo["tinggi"]) == (1280, 640)
    assert photo["data"][:2] == b"\xff\xd8"
    entries = audit.read(store)
    mine = entries[entries["aksi"] == audit.VISIT_ADD]
    assert list(mine["objek"]) == [saved.id]
    assert "di luar radius 300 m" in mine["rincian"].iloc[0]
    assert store.get_meta("data_version") != version
    # The plain read keeps the visit log's columns only.
    assert list(store.read_visits().columns) == list(visits.VISIT_COLUMNS)


def test_a_repeated_submit_returns_the_stored_visit_and_writes_nothing(store):
    key = uuid.uuid4().hex
    first = log_field_visit(
        store, FieldVisit(visit=_row(), kunci=key), user="petugas1", peran="petugas"
    )
    version = store.get_meta("data_version")
    audits = len(audit.read(store))
    # The same form sent again after a dropped connection: another row object, same key.
    again = log_field_visit(
        store,
        FieldVisit(visit=_row(), kunci=key, photo=_photo()),
        user="petugas1",
        peran="petugas",
    )
    assert again.id == first.id and not again.baru
    assert len(store.read_visits()) == 1
    assert store.read_visit_photo(first.id) is None  # the repeat wrote no photo either
    assert len(audit.read(store)) == audits
    assert store.get_meta("data_version") == version


def test_two_concurrent_submits_of_one_form_store_one_visit(store):
    key = uuid.uuid4().hex
    results: list[object] = []
    barrier = threading.Barrier(2)

    def submit():
        barrier.wait()
        results.append(
            log_field_visit(
                store, FieldVisit(visit=_row(), kunci=key), user="petugas1", peran="petugas"
            )
        )

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 2
    assert len({r.id for r in results}) == 1
    assert sorted(r.baru for r in results) == [False, True]
    assert len(store.read_visits()) == 1


def test_a_failed_write_stores_nothing_and_the_same_key_can_be_retried(store, monkeypatch):
    key = uuid.uuid4().hex

    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(store, "write_visit_photo", broken)
    with pytest.raises(OSError):
        log_field_visit(
            store,
            FieldVisit(visit=_row(), kunci=key, photo=_photo()),
            user="petugas1",
            peran="petugas",
        )
    assert store.read_visits().empty
    assert audit.read(store).query("aksi == @audit.VISIT_ADD").empty
    monkeypatch.undo()
    saved = log_field_visit(
        store, FieldVisit(visit=_row(), kunci=key, photo=_photo()), user="petugas1", peran="petugas"
    )
    assert saved.baru and store.read_visit_photo(saved.id) is not None


@pytest.mark.parametrize("key", ["", "short", "a" * 65, "spasi di dalam kunci", None])
def test_a_bad_key_is_refused(store, key):
    with pytest.raises(FieldVisitError):
        log_field_visit(store, FieldVisit(visit=_row(), kunci=key), user="u", peran="petugas")
    assert store.read_visits().empty


def test_log_visit_without_key_keeps_working_beside_field_visits(store):
    log_visit(store, _row(), user="perencana")
    log_visit(store, _row(), user="perencana")  # two rows without a key: NULLs do not clash
    log_field_visit(
        store, FieldVisit(visit=_row(), kunci=uuid.uuid4().hex), user="petugas1", peran="petugas"
    )
    stored = store.read_visits(check_in=True)
    assert len(stored) == 3
    assert int(stored["kunci"].isna().sum()) == 2


def test_a_photo_survives_backup_and_restore_byte_for_byte(store, tmp_path):
    saved = log_field_visit(
        store,
        FieldVisit(visit=_row(), kunci=uuid.uuid4().hex, photo=_photo(), check_in=_check_in()),
        user="petugas1",
        peran="petugas",
    )
    original = store.read_visit_photo(saved.id)
    path = tmp_path / "cadangan.zip"
    write_backup(store, path)
    target = Store(f"sqlite:///{tmp_path / 'pulih.sqlite'}")
    try:
        restore_backup(target, path)
        assert target.read_visit_photo(saved.id) == original
        pd.testing.assert_frame_equal(
            target.read_visits(check_in=True), store.read_visits(check_in=True)
        )
        write_backup(target, tmp_path / "lagi.zip")
        assert (tmp_path / "lagi.zip").read_bytes() == path.read_bytes()
    finally:
        target.close()


def test_backup_refuses_a_photo_that_is_not_base64(store, tmp_path):
    import json
    import zipfile

    saved = log_field_visit(
        store,
        FieldVisit(visit=_row(), kunci=uuid.uuid4().hex, photo=_photo()),
        user="p",
        peran="petugas",
    )
    path = tmp_path / "cadangan.zip"
    write_backup(store, path)
    bad = tmp_path / "rusak.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "tables/kunjungan_foto.jsonl":
                row = json.loads(data)
                assert row["kunjungan_id"] == saved.id
                row["data"] = "<script>bukan base64</script>"
                data = (json.dumps(row) + "\n").encode()
            dst.writestr(info, data)
    with pytest.raises(
        BackupError, match=r"kunjungan_foto\.jsonl, line 1, column data: not base64"
    ):
        read_backup(bad)


# --- Visits at plan stops ----------------------------------------------------------------------


def _plan(store: Store, *, petugas: str = "petugas1", status: str = "aktif") -> pd.DataFrame:
    """Store a one-route plan with a kelurahan stop and a sentra-free kelurahan stop."""
    kode2 = str(KEL["kode"].iloc[1])
    plan_id = store.next_plan_id(TODAY)
    store.write_plan(
        {
            "id": plan_id,
            "tanggal": TODAY,
            "judul": "Uji",
            "parameter": "{}",
            "pengguna": "perencana",
            "status": status,
        },
        [
            {
                "nomor": 1,
                "petugas": petugas,
                "jarak_km": 5.0,
                "durasi_menit": 60.0,
                "henti": [
                    {
                        "jenis": "kelurahan",
                        "objek_id": KODE,
                        "nama": "Kelurahan satu",
                        "kode_kelurahan": KODE,
                        "lat": -7.97,
                        "lon": 112.63,
                        "rencana_tiba": "09:00",
                    },
                    {
                        "jenis": "kelurahan",
                        "objek_id": kode2,
                        "nama": "Kelurahan dua",
                        "kode_kelurahan": kode2,
                        "lat": -7.95,
                        "lon": 112.61,
                        "rencana_tiba": "10:00",
                    },
                ],
            }
        ],
    )
    return store.read_plan_stops(plan_id)


def test_a_visit_at_a_stop_marks_it_done_with_the_visit_id(store):
    stops = _plan(store)
    henti = int(stops["henti_id"].iloc[0])
    saved = log_field_visit(
        store,
        FieldVisit(visit=_row(), kunci=uuid.uuid4().hex, henti_id=henti, check_in=_check_in()),
        user="petugas1",
        peran="petugas",
    )
    stop = store.read_stop(henti)
    assert stop["status"] == "selesai" and stop["kunjungan_id"] == saved.id
    stored = store.read_visits(check_in=True).iloc[0]
    assert int(stored["henti_id"]) == henti
    assert bool(stored["di_luar_radius"]) is False
    assert stored["jarak_m"] == pytest.approx(111, abs=2)
    # The other stop is untouched, and the officer's list shows the new status at once.
    mine = store.read_officer_stops("petugas1", tanggal=TODAY)
    assert list(mine["status"]) == ["selesai", "belum"]


def test_the_same_key_after_the_stop_closed_still_returns_the_visit(store):
    henti = int(_plan(store)["henti_id"].iloc[0])
    key = uuid.uuid4().hex
    first = log_field_visit(
        store, FieldVisit(visit=_row(), kunci=key, henti_id=henti), user="petugas1", peran="petugas"
    )
    again = log_field_visit(
        store, FieldVisit(visit=_row(), kunci=key, henti_id=henti), user="petugas1", peran="petugas"
    )
    assert again == type(first)(first.id, False)
    assert len(store.read_visits()) == 1


def test_stop_refusals_store_nothing(store):
    stops = _plan(store)
    henti, other = (int(h) for h in stops["henti_id"])

    def submit(**kw):
        visit = kw.pop("visit", _row())
        user = kw.pop("user", "petugas1")
        peran = kw.pop("peran", "petugas")
        return log_field_visit(
            store,
            FieldVisit(visit=visit, kunci=uuid.uuid4().hex, **kw),
            user=user,
            peran=peran,
        )

    with pytest.raises(FieldVisitError, match="bukan pada rute Anda"):
        submit(henti_id=henti, user="petugas2")
    with pytest.raises(FieldVisitError, match="tidak ada"):
        submit(henti_id=999_999)
    with pytest.raises(FieldVisitError, match="bukan ke sasaran"):
        submit(henti_id=other)  # the form's kelurahan is the first stop's
    assert store.read_visits().empty
    assert set(store.read_plan_stops(stops["rencana_id"].iloc[0])["status"]) == {"belum"}
    # A planner may close any stop; a closed stop is not closed twice.
    submit(henti_id=henti, user="perencana", peran="perencana")
    with pytest.raises(FieldVisitError, match="sudah selesai"):
        submit(henti_id=henti)
    assert len(store.read_visits()) == 1


def test_a_stop_of_a_cancelled_plan_is_refused(store):
    stops = _plan(store, status="dibatalkan")
    with pytest.raises(FieldVisitError, match="dibatalkan"):
        log_field_visit(
            store,
            FieldVisit(visit=_row(), kunci=uuid.uuid4().hex, henti_id=int(stops["henti_id"][0])),
            user="petugas1",
            peran="petugas",
        )
