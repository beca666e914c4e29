"""The services: every write is one transaction with its audit entry and a data-version bump.

For each use case: success records the audit entry and a new data version together with the
data; a failure at any step (here: the audit entry itself refused) leaves no data, no entry
and the old version. Then, through AppTest: a promoted sentra and a logged visit show on
Peta UMKM at the next run, with no cache cleared by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import wilayah
from geo.analysis import clusters, visits
from geo.core import audit
from geo.ingest import demo
from geo.ingest.importer import plan_import
from geo.ingest.readers import read_source
from geo.services import auth, backup, imports, sentra
from geo.services import demo as demo_service
from geo.services.visits import log_visit
from geo.store import Store, StoreError

APP = Path(__file__).resolve().parent.parent / "app.py"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "messy.csv"


@pytest.fixture
def store(database_url: str) -> Store:
    s = Store(database_url)
    demo_service.load_into(s, demo.generate(count=1_500, seed=5), user="uji")
    return s


@pytest.fixture(scope="module")
def kel():
    return wilayah.kelurahan()


def _state(store: Store) -> tuple:
    return (
        store.get_meta("data_version"),
        len(store.read_audit()),
        store.count_umkm(),
        len(store.read_sentra()),
        len(store.read_visits()),
        len(store.read_import_batches()),
    )


def _refuse_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the audit step fail after the data write of the same transaction."""

    def refuse(*_args: object, **_kwargs: object) -> int:
        raise StoreError("audit_log", "ditolak (uji)")

    monkeypatch.setattr(audit, "record", refuse)


def _visit(store: Store, kel, kode: str, visit_id: str = "KJ-UJI-1") -> pd.DataFrame:
    form = visits.VisitInput(
        tanggal=dt.date.today(),
        petugas=["Sahabat Uji"],
        kode_kelurahan=kode,
        kebutuhan=["pemasaran"],
        catatan="uji",
    )
    return visits.build_visit(form, today=dt.date.today(), kelurahan=kel, visit_id=visit_id)


def _candidate(store: Store, kel) -> pd.Series:
    found = clusters.detect_clusters(store.read_umkm(), sentra=None, kel=kel)
    assert len(found), "the demo data has clusters"
    return found.iloc[0]


def _assert_written(store: Store, before: tuple, action: str, user: str) -> None:
    after = _state(store)
    assert after[0] and after[0] != before[0], "data version bumped"
    assert after[1] == before[1] + 1, "one audit entry"
    entry = store.read_audit().iloc[0]
    assert (entry["aksi"], entry["pengguna"]) == (action, user)


# --- each use case: written with audit and version, or not at all ---------------------------
def test_import_and_undo(store):
    plan = plan_import(read_source(FIXTURE), register=store.read_umkm(presisi_lokasi=True))
    before = _state(store)
    result = imports.commit_import(store, plan, user="perencana")
    _assert_written(store, before, audit.IMPORT, "perencana")
    before = _state(store)
    imports.undo_import(store, result.batch_id, user="admin")
    _assert_written(store, before, audit.IMPORT_UNDO, "admin")
    assert _state(store)[2] == before[2] - result.ditambah


def test_import_refused_audit_stores_nothing(store, monkeypatch):
    plan = plan_import(read_source(FIXTURE), register=store.read_umkm(presisi_lokasi=True))
    before = _state(store)
    _refuse_audit(monkeypatch)
    with pytest.raises(StoreError):
        imports.commit_import(store, plan, user="perencana")
    assert _state(store) == before


def test_log_visit(store, kel):
    kode = str(kel["kode"].iloc[0])
    before = _state(store)
    assert log_visit(store, _visit(store, kel, kode), user="sri") == "KJ-UJI-1"
    _assert_written(store, before, audit.VISIT_ADD, "sri")
    before = _state(store)
    with pytest.raises(StoreError):  # the same id again: refused, nothing changes
        log_visit(store, _visit(store, kel, kode), user="sri")
    assert _state(store) == before


def test_log_visit_refused_audit_stores_nothing(store, kel, monkeypatch):
    before = _state(store)
    _refuse_audit(monkeypatch)
    with pytest.raises(StoreError):
        log_visit(store, _visit(store, kel, str(kel["kode"].iloc[0])), user="sri")
    assert _state(store) == before


def test_promote_cluster(store, kel):
    before = _state(store)
    row = sentra.promote_cluster(
        store,
        _candidate(store, kel),
        nama="Sentra Uji",
        komoditas="uji",
        publik=False,
        user="admin",
        kel=kel,
    )
    _assert_written(store, before, audit.SENTRA_PROMOTE, "admin")
    assert row["id"] in set(store.read_sentra()["id"])
    before = _state(store)
    with pytest.raises(ValueError, match="nama sentra"):
        sentra.promote_cluster(
            store,
            _candidate(store, kel),
            nama=" ",
            komoditas="uji",
            publik=False,
            user="admin",
            kel=kel,
        )
    assert _state(store) == before


def test_promote_refused_audit_stores_nothing(store, kel, monkeypatch):
    candidate = _candidate(store, kel)
    before = _state(store)
    _refuse_audit(monkeypatch)
    with pytest.raises(StoreError):
        sentra.promote_cluster(
            store,
            candidate,
            nama="Sentra Uji",
            komoditas="uji",
            publik=False,
            user="admin",
            kel=kel,
        )
    assert _state(store) == before


def test_demo_load_is_audited_and_atomic(store, monkeypatch):
    data = demo.generate(count=1_200, seed=9)
    before = _state(store)
    demo_service.load_into(store, data, user="admin")
    _assert_written(store, before, audit.DATASET_REPLACE, "admin")
    before = _state(store)
    _refuse_audit(monkeypatch)
    with pytest.raises(StoreError):
        demo_service.load_into(store, demo.generate(count=1_000, seed=10), user="admin")
    assert _state(store) == before


def test_restore_is_audited_and_atomic(store, tmp_path, monkeypatch):
    path = tmp_path / "cadangan.zip"
    backup.backup(store, path)
    log_visit(store, _visit(store, wilayah.kelurahan(), "35.73.01.1007"), user="sri")
    before = _state(store)
    backup.restore(store, path, user="admin")
    after = _state(store)
    assert after[4] == before[4] - 1  # the visit logged after the backup is gone
    assert after[0] != before[0]
    entry = store.read_audit().iloc[0]
    assert (entry["aksi"], entry["pengguna"], entry["objek"]) == (
        audit.RESTORE,
        "admin",
        "cadangan.zip",
    )
    before = _state(store)
    _refuse_audit(monkeypatch)
    with pytest.raises(StoreError):
        backup.restore(store, path, user="admin")
    assert _state(store) == before
    with pytest.raises(backup.BackupError):
        backup.restore(store, tmp_path / "tidak-ada.zip", user="admin")


def test_account_change_and_its_audit_are_one(store, monkeypatch):
    auth.create_user(store, "kepala", "sandi-kepala-panjang", "admin", by="cli:root")
    assert store.read_audit().iloc[0]["aksi"] == audit.USER_ADD
    _refuse_audit(monkeypatch)
    with pytest.raises(StoreError):
        auth.set_role(store, "kepala", "pimpinan", by="cli:root")
    assert store.get_user("kepala")["peran"] == "admin"


# --- visible at the next run of Peta UMKM ---------------------------------------------------
def _peta(database_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", database_url)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["role"] = "perencana"
    at.session_state["user"] = "perencana"
    at.run()
    at.switch_page("pages/peta.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _sentra_options(at: AppTest) -> list[str]:
    return list(next(w for w in at.sidebar.multiselect if w.key == "peta_sentra").options)


def _priorities(at: AppTest) -> dict[str, str]:
    table = at.dataframe[-1].value
    return dict(zip(table.iloc[:, 1], table.iloc[:, -1], strict=True))


def test_promoted_sentra_and_logged_visit_show_on_peta_at_next_run(
    store, kel, database_url, monkeypatch
):
    at = _peta(database_url, monkeypatch)
    options, priorities = _sentra_options(at), _priorities(at)
    row = sentra.promote_cluster(
        store,
        _candidate(store, kel),
        nama="Sentra Baru Uji",
        komoditas="uji",
        publik=False,
        user="admin",
        kel=kel,
    )
    at.run()
    assert not at.exception
    assert "Sentra Baru Uji" in _sentra_options(at) and len(_sentra_options(at)) == len(options) + 1
    assert row["id"]

    # A visit to the top flagged kelurahan lowers its priority at the next run.
    names = dict(zip(kel["nama"], kel["kode"], strict=True))
    top = next(iter(priorities))
    log_visit(store, _visit(store, kel, names[top], "KJ-UJI-9"), user="perencana")
    at.run()
    assert not at.exception
    after = _priorities(at)
    as_number = lambda v: float(str(v).replace(",", "."))  # noqa: E731
    assert as_number(after[top]) < as_number(priorities[top])


# --- duplicates are checked again inside the write (issue 13.5) ------------------------------
def _register_csv(path: Path, start: int, n: int) -> Path:
    rows = [
        f"Usaha Uji {i},+6281{i:08d},Purwantoro,{-7.955 - i * 1e-4:.6f},{112.640 + i * 1e-4:.6f}"
        for i in range(start, start + n)
    ]
    path.write_text("nama_usaha,telepon,kelurahan,lat,lon\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture(params=["sqlite", "postgis"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "postgis":
        from tests import postgis

        with postgis.fresh_schema_url() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'dup.sqlite'}"


def test_plans_made_before_a_commit_cannot_store_twice(any_url, tmp_path):
    store = Store(any_url)
    a = plan_import(read_source(_register_csv(tmp_path / "a.csv", 0, 60)))
    b = plan_import(read_source(_register_csv(tmp_path / "b.csv", 30, 60)))  # 30 overlap
    first = imports.commit_import(store, a, user="a")
    second = imports.commit_import(store, b, user="b")  # planned before `first` was stored
    assert (first.ditambah, second.ditambah) == (60, 30)
    register = store.read_umkm()
    assert len(register) == register["telepon"].nunique() == 90


def test_concurrent_imports_store_each_business_once(any_url, tmp_path):
    import threading

    Store(any_url).close()  # schema first
    plans = [
        plan_import(read_source(_register_csv(tmp_path / f"{k}.csv", 40 * k, 120)))
        for k in range(3)
    ]
    errors: list[BaseException] = []

    def run(plan) -> None:
        try:
            imports.commit_import(Store(any_url), plan, user="paralel")
        except ValueError as exc:
            # The last of three overlapping files may find every row already stored: refused.
            if "semua baris sudah tersimpan" not in str(exc):
                errors.append(exc)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    register = Store(any_url).read_umkm()
    assert len(register) == register["telepon"].nunique() == 40 * 2 + 120
