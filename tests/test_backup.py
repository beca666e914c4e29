"""geo.store.backup and ``python -m geo backup/restore``: SQLite -> file -> PostGIS -> file."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from geo.cli import main
from geo.services import auth
from geo.store import Store
from geo.store.backup import BackupError, read_backup, restore_backup, write_backup
from tests import postgis
from tests.test_store import assert_same_state, fill, make_umkm, state


@pytest.fixture
def postgis_url() -> Iterator[str]:
    with postgis.fresh_schema_url() as url:
        yield url


def _full(store: Store) -> None:
    """Every table holds rows: register, visits, history, a batch with its log, users, audit."""
    fill(store)
    store.commit_import(
        nama_file="daftar.xlsx",
        sha256="e" * 64,
        jumlah_baris=2,
        new=make_umkm(ids=["B1", "B2"]).assign(presisi_lokasi="kelurahan"),
        updates=make_umkm().iloc[:0].assign(presisi_lokasi=pd.Series(dtype="string")),
    )
    auth.create_user(store, "admin", "kata-sandi-uji-123", "admin", by="tests")
    store.log_audit("tests", "uji", "semua", "rincian ✓")


def test_sqlite_to_postgis_and_back_is_identical(tmp_path: Path, postgis_url: str) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    with Store(sqlite_url) as source:
        _full(source)
        before = state(source)
        users = source.read_users()
        manifest = write_backup(source, first)
    assert manifest["rows"]["umkm"] == 6 and manifest["rows"]["pengguna"] == 1
    assert all(manifest["rows"][t] > 0 for t in ("import_perubahan", "audit_log", "kunjungan"))
    with Store(postgis_url) as target:
        target.write_umkm(make_umkm(ids=["LAMA"]).assign(sentra_id=None))  # replaced
        counts = restore_backup(target, first)
        assert counts == manifest["rows"]
        assert_same_state(before, state(target))
        pd.testing.assert_frame_equal(users, target.read_users())
        write_backup(target, second)
        # Sequences continue after the restored ids: new rows do not collide.
        assert target.log_audit("tests", "sesudah", "x") > max(
            r["id"] for r in read_backup(first)[1]["audit_log"]
        )
        assert target.create_import_batch("c.csv", "f" * 64, 1) > 1
    assert first.read_bytes() == second.read_bytes()


def _edited(source: Path, target: Path, entry: str, change: Callable[[str], str]) -> Path:
    """Copy the backup ``source`` to ``target`` with one entry's text changed."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == entry:
                data = change(data.decode()).encode()
            dst.writestr(item, data)
    return target


def test_bad_backups_change_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    good = tmp_path / "good.zip"
    with Store(url) as store:
        _full(store)
        write_backup(store, good)
        before = state(store)
        not_zip = tmp_path / "x.zip"
        not_zip.write_text("bukan zip")
        with pytest.raises(BackupError, match="not a backup file"):
            restore_backup(store, not_zip)
        # A line that is not JSON; then a row the database refuses (unknown sentra).
        bad_json = _edited(good, tmp_path / "json.zip", "tables/meta.jsonl", lambda t: "{\n")
        with pytest.raises(BackupError, match=r"tables/meta.jsonl, line 1"):
            restore_backup(store, bad_json)

        def unknown_sentra(text: str) -> str:
            return text.replace('"sentra_id": "S01"', '"sentra_id": "S99"', 1)

        refused = _edited(good, tmp_path / "fk.zip", "tables/umkm.jsonl", unknown_sentra)
        with pytest.raises(BackupError, match="refused"):
            restore_backup(store, refused)
        assert_same_state(before, state(store))


def test_restore_refuses_another_schema_version(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'a.sqlite'}") as store:
        fill(store)
        path = tmp_path / "a.zip"
        write_backup(store, path)
        other = _edited(
            path,
            tmp_path / "other.zip",
            "manifest.json",
            lambda t: t.replace('"schema_version": ', '"schema_version": 9'),
        )
        with pytest.raises(BackupError, match="schema version"):
            restore_backup(store, other)
        assert store.count_umkm() == 4


def test_cli_backup_and_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'a.sqlite'}"
    with Store(source) as store:
        _full(store)
        before = state(store)
    monkeypatch.setenv("DATABASE_URL", source)
    assert main(["backup", "--output", str(tmp_path / "a.zip")]) == 0
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'b.sqlite'}")
    assert main(["restore", str(tmp_path / "a.zip")]) == 0
    with Store(f"sqlite:///{tmp_path / 'b.sqlite'}") as store:
        after = state(store)
        # The restore is a write: the data version moves on (pages refresh), all else is equal.
        assert after["meta"].pop("data_version") != before["meta"].pop("data_version", None)
        assert_same_state(before, after)
        assert store.read_audit(limit=1)["aksi"].iloc[0] == "restore"
    (tmp_path / "bad.zip").write_text("x")
    assert main(["restore", str(tmp_path / "bad.zip")]) == 2
    assert "bad.zip" in capsys.readouterr().err
