"""The Klaster & hot spot page through AppTest: figures, candidates, promotion by an admin."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from streamlit.testing.v1 import AppTest

from geo import wilayah
from geo.analysis import clusters
from geo.core.i18n import t
from geo.core.register import to_geodataframe
from geo.core.settings import CRS_METRIC, CRS_STORAGE
from geo.ingest import demo
from geo.services import demo as demo_service
from geo.store import Store

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "klaster.py")
BATIK_KELURAHAN = "35.73.04.1004"  # Bandungrejosari: no fesyen sentra anywhere near


def _batik_makers(n: int = 40) -> pd.DataFrame:
    """A planted group of batik makers (fesyen) far from the only fesyen sentra."""
    poly = wilayah.kelurahan().set_index("kode").to_crs(CRS_METRIC).geometry[BATIK_KELURAHAN]
    c = poly.representative_point()
    xy = np.array([c.x, c.y]) + np.random.default_rng(7).normal(0, 60, size=(n, 2))
    lon, lat = Transformer.from_crs(CRS_METRIC, CRS_STORAGE, always_xy=True).transform(
        xy[:, 0], xy[:, 1]
    )
    rows = pd.DataFrame(
        {
            "id": [f"BATIK-{i:03d}" for i in range(n)],
            "nama_usaha": [f"Batik Contoh {i:03d}" for i in range(n)],
            "pemilik": [f"Pemilik Batik {i:03d}" for i in range(n)],
            "telepon": [f"+6280099{i:05d}" for i in range(n)],
            "alamat": [f"Jl. Contoh Batik {i}" for i in range(n)],
            "kode_kelurahan": BATIK_KELURAHAN,
            "lat": lat,
            "lon": lon,
            "sektor": "fesyen",
            "skala": "mikro",
            "sentra_id": None,
            "tanggal_terkurasi": pd.Timestamp("2025-03-01"),
            "status": "aktif",
            "modal": 50e6,
            "omzet": 200e6,
            "sumber": "data contoh",
        }
    )
    return to_geodataframe(rows)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("klaster") / "umkm.sqlite"
    store = Store(f"sqlite:///{path}")
    demo_service.load_into(store, demo.generate(count=1_500))
    store.write_umkm(_batik_makers())
    store.close()
    return path


@pytest.fixture
def url(seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh copy of the seeded database for each test (promotion writes to it)."""
    path = tmp_path / "umkm.sqlite"
    shutil.copyfile(seeded, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _run(role: str, *, user: str | None = None, lang: str = "id") -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=180)
    app.session_state["role"] = role
    app.session_state["lang"] = lang
    if user:
        app.session_state["user"] = user
    return app.run()


def _metric(app: AppTest, key: str) -> str:
    return next(m.value for m in app.metric if m.label == t(key, "id"))


def test_planner_sees_the_candidate_and_no_promotion(url: str) -> None:
    app = _run("perencana")
    assert not app.exception, [e.value for e in app.exception]
    assert t("beranda.demo_banner", "id") in [w.value for w in app.warning]
    assert _metric(app, "clusters.m.kandidat") == "1"
    candidates = app.dataframe[0].value
    assert len(candidates) == 1
    assert candidates[t("clusters.field.jumlah_umkm", "id")].iloc[0] >= 35
    assert "Bandungrejosari" in candidates[t("clusters.field.kelurahan", "id")].iloc[0]
    # The same figures as the function the page calls.
    store = Store(url)
    expected = clusters.candidates(
        clusters.detect_clusters(store.read_umkm(), sentra=store.read_sentra())
    )
    store.close()
    assert list(candidates[t("clusters.field.jumlah_umkm", "id")]) == list(expected["jumlah_umkm"])
    assert t("clusters.promote.admin_only", "id") in [c.value for c in app.caption]
    assert not app.get("form")
    # Nothing personal on the page.
    shown = " ".join(str(df.value.to_dict()) for df in app.dataframe)
    assert "Pemilik" not in shown and "Jl. Contoh" not in shown


def test_admin_promotes_a_candidate_and_the_audit_log_records_it(url: str) -> None:
    app = _run("admin", user="admin")
    assert not app.exception, [e.value for e in app.exception]
    nama = next(w for w in app.text_input if w.label == t("clusters.promote.nama", "id"))
    komoditas = next(w for w in app.text_input if w.label == t("clusters.promote.komoditas", "id"))
    nama.input("Sentra Batik Bandungrejosari")
    komoditas.input("batik tulis")
    submit = next(b for b in app.button if b.label == t("clusters.promote.submit", "id"))
    submit.click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    ok = t("clusters.promote.ok", "id", nama="Sentra Batik Bandungrejosari", id="")
    assert any(ok.split("(")[0] in s.value for s in app.success)
    store = Store(url)
    sentra = store.read_sentra().set_index("id")
    audit = store.read_audit()
    store.close()
    new = sentra.loc["sentra-batik-bandungrejosari"]
    assert new["sektor"] == "fesyen" and new["kode_kelurahan"] == BATIK_KELURAHAN
    assert not new["publik"] and new["presisi_lokasi"] == "jalan"
    entry = audit.iloc[0]
    assert (entry["pengguna"], entry["aksi"], entry["objek"]) == (
        "admin",
        clusters.AUDIT_PROMOTE,
        "sentra-batik-bandungrejosari",
    )
    assert (
        entry["rincian"].startswith("dari klaster fesyen-")
        and "Bandungrejosari" in entry["rincian"]
    )
    # The cluster now lies at a known sentra: no candidate left.
    assert _metric(app, "clusters.m.kandidat") == "0"


def test_promotion_without_a_name_stores_nothing(url: str) -> None:
    store = Store(url)
    before = (len(store.read_sentra()), len(store.read_audit()))
    store.close()
    app = _run("admin", user="admin")
    submit = next(b for b in app.button if b.label == t("clusters.promote.submit", "id"))
    submit.click()
    app.run()
    assert [e.value for e in app.error] == [t("clusters.promote.need_nama", "id")]
    store = Store(url)
    assert (len(store.read_sentra()), len(store.read_audit())) == before
    store.close()


def test_public_is_refused(url: str) -> None:
    app = _run("publik")
    assert [e.value for e in app.error] == [t("access.refused", "id")]
    assert not app.dataframe
