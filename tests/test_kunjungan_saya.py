"""The officer's phone page "Kunjungan saya" through AppTest.

A petugas sees only the routes assigned to them and the businesses on those routes; the
check-in marks a far position; a visit submitted twice with the same form (a reconnect) is
stored once; the page never reads the whole register.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from geo.core.i18n import t
from geo.ingest import demo
from geo.services import demo as demo_service
from geo.store import Store
from pages._geolokasi import POSITION_KEY

APP = Path(__file__).resolve().parent.parent / "app.py"
TODAY = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
HOSTILE = "<img src=x onerror=alert(1)> **tebal** ${x}"


def _stop(row) -> dict:
    return {
        "jenis": "umkm",
        "objek_id": str(row["id"]),
        "nama": str(row["nama_usaha"]),
        "kode_kelurahan": str(row["kode_kelurahan"]),
        "lat": float(row["lat"]),
        "lon": float(row["lon"]),
        "rencana_tiba": "09:30",
    }


@pytest.fixture(scope="module")
def field(tmp_path_factory):
    """A demo store with one plan: route 1 for petugas1 (3 UMKM), route 2 for petugas2 (2)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('kunjungan') / 'umkm.sqlite'}"
    store = Store(url)
    demo_service.load_into(store, demo.generate(count=1_500, seed=17))
    umkm = store.read_umkm()
    umkm = umkm[umkm["lat"].notna()].sort_values("id").reset_index(drop=True)
    mine, theirs = umkm.iloc[:3], umkm.iloc[3:5]
    first = dict(_stop(mine.iloc[0]), nama=HOSTILE)
    store.write_plan(
        {
            "id": store.next_plan_id(TODAY),
            "tanggal": TODAY,
            "judul": "Rute uji",
            "parameter": "{}",
            "pengguna": "perencana",
        },
        [
            {
                "nomor": 1,
                "petugas": "petugas1",
                "henti": [first, *(_stop(r) for _, r in mine.iloc[1:].iterrows())],
            },
            {"nomor": 2, "petugas": "petugas2", "henti": [_stop(r) for _, r in theirs.iterrows()]},
        ],
    )
    store.close()
    return {"url": url, "mine": mine, "theirs": theirs}


def _page(
    field, monkeypatch, *, role="petugas", user="petugas1", position=None, before_switch=None
) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", field["url"])
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["role"] = role
    at.session_state["user"] = user
    if position is not None:
        at.session_state[POSITION_KEY] = position
    at.run()
    if before_switch is not None:
        before_switch()
    at.switch_page("pages/kunjungan_saya.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_petugas_sees_only_its_route_and_never_the_register(field, monkeypatch):
    calls = []
    real = Store.read_umkm

    def spy(self, *args, **kwargs):
        calls.append(kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "read_umkm", spy)
    at = _page(field, monkeypatch, before_switch=calls.clear)
    text = _texts(at)
    for name in field["mine"]["nama_usaha"].iloc[1:]:
        assert str(name) in text
    for name in field["theirs"]["nama_usaha"]:
        assert str(name) not in text
    # The owner of the selected (first) stop is shown; no other route's owner is.
    assert str(field["mine"]["pemilik"].iloc[0]) in text
    for owner in field["theirs"]["pemilik"]:
        assert str(owner) not in text
    assert calls == []  # no read of the whole register
    # The hostile stop name is text: escaped for Markdown, not an image or bold.
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in text
    assert "<img" not in text.replace("\\<img", "")
    progress = at.get("progress")[0].proto
    assert progress.text == t("kunjungan.kemajuan", "id", selesai=0, jumlah=3)


@pytest.mark.parametrize("role", ["publik", "pimpinan"])
def test_other_roles_cannot_open_it(field, monkeypatch, role):
    monkeypatch.setenv("DATABASE_URL", field["url"])
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["role"] = role
    at.run()
    at.switch_page("pages/kunjungan_saya.py")
    at.run()
    assert not [x for x in at.title if x.value == t("nav.kunjungan_saya", "id")]
    assert any(t("access.refused", "id") in str(e.value) for e in at.error)


def test_petugas_cannot_open_the_register_pages(field, monkeypatch):
    from geo.core.access import pages_for

    assert pages_for("petugas") == ["beranda", "sentra_publik", "kunjungan_saya"]
    for page in ("peta", "dasbor", "data", "perencanaan"):
        monkeypatch.setenv("DATABASE_URL", field["url"])
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.session_state["role"] = "petugas"
        at.session_state["user"] = "petugas1"
        at.run()
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert any(t("access.refused", "id") in str(e.value) for e in at.error), page


def test_officer_without_a_route_today_sees_a_plain_message(field, monkeypatch):
    at = _page(field, monkeypatch, user="petugas9")
    assert any(t("kunjungan.kosong", "id", tanggal=f"{TODAY:%d/%m/%Y}") == i.value for i in at.info)


def _check_in_texts(at: AppTest) -> tuple[list[str], list[str]]:
    return [str(s.value) for s in at.success], [str(w.value) for w in at.warning]


def test_check_in_near_and_far(field, monkeypatch):
    stop = field["mine"].iloc[0]
    near = {"lat": float(stop["lat"]) + 0.0005, "lon": float(stop["lon"]), "akurasi_m": 9.0}
    at = _page(field, monkeypatch, position=near)
    ok, warn = _check_in_texts(at)
    assert any("Check-in: 55 m" in s and "dalam radius 300 m" in s for s in ok), ok
    far = {"lat": float(stop["lat"]) + 0.02, "lon": float(stop["lon"]), "akurasi_m": 9.0}
    at = _page(field, monkeypatch, position=far)
    ok, warn = _check_in_texts(at)
    assert any("Check-in: 2,2 km" in w and "di luar radius 300 m" in w for w in warn), warn


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.label == t(key, "id"))


def test_a_visit_is_stored_once_when_the_answer_to_the_submit_is_lost(field, monkeypatch):
    from geo.services import visits as visit_service

    stop = field["mine"].iloc[1]
    position = {"lat": float(stop["lat"]), "lon": float(stop["lon"]) + 0.01, "akurasi_m": 15.0}
    at = _page(field, monkeypatch, position=position)
    store = Store(field["url"])
    try:
        before = len(store.read_visits())
        henti = next(s for s in at.selectbox if s.label == t("kunjungan.pilih_henti", "id"))
        listed = store.read_officer_stops("petugas1", tanggal=TODAY)
        target = int(listed.loc[listed["objek_id"] == str(stop["id"]), "henti_id"].iloc[0])
        henti.set_value(target).run()
        note = next(a for a in at.text_area if a.label == t("kunjungan.form.catatan", "id"))
        note.input("Pemilik minta info pelatihan ekspor.")
        needs = next(m for m in at.multiselect if m.label == t("kunjungan.form.kebutuhan", "id"))
        needs.set_value(["pemasaran", "perizinan"])
        # The connection drops after the server stored the visit: the answer never arrives.
        real = visit_service.log_field_visit
        calls = []

        def stored_then_dropped(*args, **kwargs):
            calls.append(kwargs)
            real(*args, **kwargs)
            raise ConnectionResetError("koneksi terputus")

        monkeypatch.setattr(visit_service, "log_field_visit", stored_then_dropped)
        _button(at, "kunjungan.form.simpan").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert len(store.read_visits()) == before + 1
        # What was typed is still in the form, and the same key is still held.
        note = next(a for a in at.text_area if a.label == t("kunjungan.form.catatan", "id"))
        assert note.value == "Pemilik minta info pelatihan ekspor."
        monkeypatch.setattr(visit_service, "log_field_visit", real)
        _button(at, "kunjungan.form.simpan").click().run()
        assert not at.exception, [e.value for e in at.exception]
        visits = store.read_visits(check_in=True)
        assert len(visits) == before + 1  # stored once, not twice
        mine = visits[visits["umkm_id"] == str(stop["id"])]
        assert len(mine) == 1
        row = mine.iloc[0]
        assert row["catatan"] == "Pemilik minta info pelatihan ekspor."
        assert row["kebutuhan"] == "pemasaran,perizinan"
        assert bool(row["di_luar_radius"]) is True and row["jarak_m"] > 1000
        assert any(
            t("kunjungan.sudah_tersimpan", "id", id=row["id"]) == str(s.value) for s in at.success
        )
        # The stop is done at once, and the kelurahan's latest visit is today.
        stops = store.read_officer_stops("petugas1", tanggal=TODAY)
        done = stops[stops["objek_id"] == str(stop["id"])].iloc[0]
        assert done["status"] == "selesai" and done["kunjungan_id"] == row["id"]
    finally:
        store.close()


def test_not_met_needs_a_reason_and_is_shown_on_the_stop(field, monkeypatch):
    at = _page(field, monkeypatch, user="petugas2")
    store = Store(field["url"])
    try:
        listed = store.read_officer_stops("petugas2", tanggal=TODAY)
        first = int(listed["henti_id"].iloc[0])
        mark = _button(at, "kunjungan.tidak_bertemu.simpan")
        mark.click().run()
        assert any("alasan wajib diisi" in str(e.value) for e in at.error)
        assert store.read_stop(first)["status"] == "belum"
        reason = next(
            i for i in at.text_input if i.label == t("kunjungan.tidak_bertemu.alasan", "id")
        )
        reason.input("Toko tutup, pemilik ke luar kota")
        _button(at, "kunjungan.tidak_bertemu.simpan").click().run()
        assert not at.exception, [e.value for e in at.exception]
        stop = store.read_stop(first)
        assert stop["status"] == "tidak_bertemu"
        assert stop["alasan"] == "Toko tutup, pemilik ke luar kota"
        assert any(
            t("kunjungan.tidak_bertemu.tersimpan", "id", nomor=1) == str(s.value)
            for s in at.success
        )
        assert "Alasan: Toko tutup\\, pemilik ke luar kota" in _texts(at)  # Markdown-escaped
        # The next open stop is the one the form is for now.
        henti = next(s for s in at.selectbox if s.label == t("kunjungan.pilih_henti", "id"))
        assert henti.value == int(listed["henti_id"].iloc[1])
    finally:
        store.close()
