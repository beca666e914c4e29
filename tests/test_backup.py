"""geo.store.backup and ``python -m geo backup/restore``: SQLite -> file -> PostGIS -> file."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


# --- Hardening (issue 13.10-13.12): every tampered archive is a clear BackupError --------------


def _rewritten(source: Path, target: Path, entry: str, change: Callable[[bytes], bytes]) -> Path:
    """Copy ``source`` to ``target`` with the bytes of one entry changed (or dropped: None)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == entry:
                data = change(data)
            dst.writestr(item, data)
    return target


def _row_set(table: str, line: int, column: str, value: object) -> Callable[[bytes], bytes]:
    """A change of ``tables/<table>.jsonl``: row ``line`` gets ``column = value``."""

    def change(data: bytes) -> bytes:
        rows = [json.loads(x) for x in data.decode().splitlines()]
        rows[line - 1][column] = value
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()

    return change


def _manifest(change: Callable[[dict[str, Any]], object]) -> Callable[[bytes], bytes]:
    return lambda data: json.dumps(change(json.loads(data))).encode()


#: (entry, change, what the message says after "<file>: ").
TAMPERED: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("manifest.json", _manifest(lambda m: {**m, "rows": list(m["rows"])}), "'rows' is not an"),
    ("manifest.json", _manifest(lambda m: {**m, "rows": {"umkm": "6"}}), "rows of 'umkm' is not"),
    ("manifest.json", _manifest(lambda m: [m]), "manifest.json: not a peta-umkm-backup/1"),
    ("manifest.json", lambda d: d.replace(b'"format"', b'"f\xffrmat"'), "manifest.json unread"),
    ("manifest.json", _manifest(lambda m: {**m, "rows": {**m["rows"], "x": 0}}), "unknown tables"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "lat", "abc"), "line 1, column lat: text where a"),
    ("tables/umkm.jsonl", _row_set("umkm", 2, "lat", 95.0), "line 2, column lat: latitude 95"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "lon", float("nan")), "column lon: not a finite"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "modal", True), "column modal: a boolean where"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "tanggal_terkurasi", "2024-13-45"), "ISO date"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "tanggal_terkurasi", 20240101), "a number where"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "sektor", "<script>"), "'<script>' is not one of"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "skala", "raksasa"), "column skala: 'raksasa'"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "status", "hapus"), "column status: 'hapus'"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "kode_kelurahan", "99.99"), "not a kode kelurahan"),
    ("tables/umkm.jsonl", _row_set("umkm", 3, "sentra_id", "S99"), "line 3, column sentra_id: r"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "warna", "merah"), "line 1: unknown columns"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "id", None), "column id: missing"),
    ("tables/umkm.jsonl", _row_set("umkm", 2, "id", "B1"), "line 2: repeats the key id of line 1"),
    ("tables/umkm.jsonl", lambda d: b"[1, 2]\n" + d.split(b"\n", 1)[1], "line 1: not a JSON obj"),
    ("tables/umkm.jsonl", lambda d: d + b'{"id": "X"}\n', "holds 7 rows, the manifest says 6"),
    ("tables/umkm.jsonl", lambda d: d.replace(b"Sanan", b"S\xe9nan", 1), "line 1: not UTF-8"),
    ("tables/sentra.jsonl", _row_set("sentra", 1, "publik", "ya"), "column publik: text where t"),
    ("tables/pengguna.jsonl", _row_set("pengguna", 1, "peran", "superadmin"), "'superadmin' is"),
    ("tables/pengguna.jsonl", _row_set("pengguna", 1, "gagal_login", "0"), "a whole number"),
    ("tables/pengguna.jsonl", _row_set("pengguna", 1, "dibuat", "kemarin"), "ISO date and time"),
    ("tables/pengguna.jsonl", _row_set("pengguna", 1, "aktif", None), "column aktif: missing"),
    ("tables/pengguna.jsonl", _row_set("pengguna", 1, "gagal_login", 10**30), "beyond 64 bits"),
    ("tables/pengguna.jsonl", _row_set("pengguna", 1, "dibuat", "2026-01-01T08:00+07:00"), "UTC"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "omzet", float("inf")), "not a finite number"),
    ("tables/umkm.jsonl", _row_set("umkm", 1, "nama_usaha", "Siti\x00"), "with a NUL character"),
    ("tables/kunjungan.jsonl", _row_set("kunjungan", 2, "kebutuhan", "pinjol"), "support area"),
    ("tables/audit_log.jsonl", _row_set("audit_log", 1, "id", 1.5), "column id: a number where"),
    ("tables/riwayat_skala.jsonl", _row_set("riwayat_skala", 1, "umkm_id", "X"), "is not a id"),
]


@pytest.mark.parametrize(("entry", "change", "says"), TAMPERED)
def test_every_tampered_backup_is_a_clear_error_and_changes_nothing(
    tmp_path: Path, entry: str, change: Callable[[bytes], bytes], says: str
) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    with Store(url) as store:
        _full(store)
        good = tmp_path / "good.zip"
        write_backup(store, good)
        before = state(store)
        bad = _rewritten(good, tmp_path / "tampered.zip", entry, change)
        with pytest.raises(BackupError) as err:
            restore_backup(store, bad)
        message = str(err.value)
        assert message.startswith(f"{bad}: ")
        assert entry in message or entry == "manifest.json", message
        assert says in message, message
        assert "Traceback" not in message and "Siti" not in message  # no personal data
        assert_same_state(before, state(store))


def test_cli_restore_refuses_invalid_values_with_file_table_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    with Store(url) as store:
        _full(store)
        write_backup(store, tmp_path / "good.zip")
    monkeypatch.setenv("DATABASE_URL", url)
    for column, value in (("peran", "superadmin"), ("username", None)):
        bad = _rewritten(
            tmp_path / "good.zip",
            tmp_path / f"{column}.zip",
            "tables/pengguna.jsonl",
            _row_set("pengguna", 1, column, value),
        )
        assert main(["restore", str(bad)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert f"{column}.zip: tables/pengguna.jsonl, line 1, column {column}:" in err
    with Store(url) as store:
        assert store.read_users()["peran"].tolist() == ["admin"]


def test_a_refusal_by_the_database_shows_no_row_data(tmp_path: Path) -> None:
    from geo.store.schema import StoreError

    with Store(f"sqlite:///{tmp_path / 'a.sqlite'}") as store:
        _full(store)
        tables = store.dump()
        before = state(store)
        # Past the file's checks (store.restore directly): the database refuses the reference.
        tables["umkm"][0]["sentra_id"] = "S99"
        with pytest.raises(StoreError) as err:
            store.restore(tables)
        message = str(err.value)
        assert "refused" in message and "'umkm'" in message
        for private in ("Siti", "Jl. Sanan", "0812", "parameters", "INSERT"):
            assert private not in message
        assert_same_state(before, state(store))


def test_text_with_line_separators_survives_a_backup(tmp_path: Path) -> None:
    # U+2028, U+0085 and U+001C end a line for str.splitlines but not in a backup's JSON lines.
    with Store(f"sqlite:///{tmp_path / 'a.sqlite'}") as store:
        name = "Warung\u2028Bu\x85Sri\x1cBaru"
        store.write_umkm(make_umkm(nama_usaha=[name] * 4, sentra_id=None))
        write_backup(store, tmp_path / "a.zip")
        restore_backup(store, tmp_path / "a.zip")
        assert store.read_umkm()["nama_usaha"].tolist() == [name] * 4


def test_backup_to_an_unwritable_path_is_a_clear_error(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'a.sqlite'}") as store:
        fill(store)
        (tmp_path / "berkas").write_text("x")
        for target in (tmp_path / "berkas" / "a.zip", Path("/proc/x.zip"), tmp_path):
            with pytest.raises(BackupError, match="cannot be written"):
                write_backup(store, target)
        assert not list(tmp_path.glob("*.part"))


def test_check_tables_accepts_what_the_store_dumps(tmp_path: Path) -> None:
    from geo.store.backup import check_tables

    with Store(f"sqlite:///{tmp_path / 'a.sqlite'}") as store:
        _full(store)
        tables = store.dump()
    check_tables(tables)
    tables["sahabat"][0]["tingkat"] = "provinsi"
    with pytest.raises(BackupError, match=r"^tables/sahabat.jsonl, line 1, column tingkat: "):
        check_tables(tables)
