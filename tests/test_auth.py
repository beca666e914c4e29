"""Accounts: Argon2 hashes, login throttling, session expiry, SSO roles, user CLI, audit."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.cli import main
from geo.core import audit, settings
from geo.core.i18n import t
from geo.services import auth
from geo.store import Store

NOW = dt.datetime(2026, 3, 2, 3, 0, 0)  # naive UTC, like the store
PASSWORD = "rahasia-sentra-2026"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'auth.sqlite'}")


@pytest.fixture
def planner(store: Store) -> str:
    return auth.create_user(store, "sri", PASSWORD, "perencana", by="admin")


# --- Hashing -----------------------------------------------------------------------------------


def test_hash_verifies_and_is_not_the_password() -> None:
    encoded = auth.hash_password(PASSWORD)
    assert encoded.startswith("$argon2id$")
    assert PASSWORD not in encoded
    assert auth.verify_password(encoded, PASSWORD)
    assert not auth.verify_password(encoded, PASSWORD + "x")
    assert not auth.verify_password(encoded, "")
    # Salted: the same password hashes differently each time, and both verify.
    again = auth.hash_password(PASSWORD)
    assert again != encoded and auth.verify_password(again, PASSWORD)


@pytest.mark.parametrize("garbage", [None, "", "not-a-hash", "$argon2id$v=19$broken"])
def test_verify_refuses_missing_or_broken_hashes(garbage: str | None) -> None:
    assert not auth.verify_password(garbage, PASSWORD)


def test_store_keeps_only_the_hash(store: Store, planner: str) -> None:
    row = store.get_user(planner)
    assert row is not None and row["password_hash"] != PASSWORD
    assert auth.verify_password(row["password_hash"], PASSWORD)
    listed = store.read_users()
    assert "password_hash" not in listed.columns
    assert listed.to_dict("records")[0] | {"dibuat": None} == {
        "username": "sri",
        "peran": "perencana",
        "aktif": True,
        "dibuat": None,
        "gagal_login": 0,
        "terkunci_sampai": pd.NaT,
    }


# --- Validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ab", "-sri", "sri budi", "sri;drop", "x" * 65, ""])
def test_bad_usernames_are_refused(store: Store, name: str) -> None:
    with pytest.raises(auth.AuthError) as info:
        auth.create_user(store, name, PASSWORD, "perencana", by="admin")
    assert info.value.code == "auth.err_username"
    assert store.read_users().empty


def test_username_is_normalised_and_unique(store: Store) -> None:
    assert auth.create_user(store, "  Sri.Budi ", PASSWORD, "pimpinan", by="a") == "sri.budi"
    with pytest.raises(auth.AuthError, match="already exists"):
        auth.create_user(store, "SRI.BUDI", PASSWORD, "admin", by="a")
    assert store.read_users()["peran"].tolist() == ["pimpinan"]


@pytest.mark.parametrize(
    ("password", "code"),
    [("pendek", "auth.err_password_short"), ("sriwijaya1", "auth.err_password_username")],
)
def test_weak_passwords_are_refused(store: Store, password: str, code: str) -> None:
    with pytest.raises(auth.AuthError) as info:
        auth.create_user(store, "sriwijaya1", password, "perencana", by="a")
    assert info.value.code == code
    assert store.get_user("sriwijaya1") is None


@pytest.mark.parametrize("role", ["publik", "superuser", ""])
def test_only_officer_roles_get_accounts(store: Store, role: str) -> None:
    with pytest.raises(auth.AuthError) as info:
        auth.create_user(store, "sri", PASSWORD, role, by="a")
    assert info.value.code == "auth.err_role"


# --- Login and throttling ----------------------------------------------------------------------


def test_login_succeeds_with_role_and_is_audited(store: Store, planner: str) -> None:
    result = auth.authenticate(store, "SRI", PASSWORD, now=NOW)
    assert result == auth.LoginResult(ok=True, reason="ok", username="sri", peran="perencana")
    entries = store.read_audit()
    assert entries.loc[0, ["pengguna", "aksi", "objek"]].tolist() == ["sri", "login", "sri"]


def test_unknown_user_and_wrong_password_look_the_same(store: Store, planner: str) -> None:
    unknown = auth.authenticate(store, "budi", PASSWORD, now=NOW)
    wrong = auth.authenticate(store, "sri", "salah-sandi-123", now=NOW)
    assert (unknown.ok, unknown.reason, unknown.peran) == (False, "invalid", "publik")
    assert (wrong.ok, wrong.reason, wrong.peran) == (False, "invalid", "publik")


def test_throttling_locks_after_repeated_failures(store: Store, planner: str) -> None:
    for attempt in range(1, settings.LOGIN_MAX_FAILURES):
        result = auth.authenticate(store, "sri", f"salah-{attempt:04d}", now=NOW)
        assert result.reason == "invalid"
        assert store.get_user("sri")["gagal_login"] == attempt
    locked = auth.authenticate(store, "sri", "salah-terakhir", now=NOW)
    until = NOW + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    assert (locked.ok, locked.reason, locked.locked_until) == (False, "locked", until)
    # While locked even the right password is refused ...
    during = auth.authenticate(store, "sri", PASSWORD, now=until - dt.timedelta(seconds=1))
    assert (during.ok, during.reason) == (False, "locked")
    # ... and after the lock it works again and resets the count.
    after = auth.authenticate(store, "sri", PASSWORD, now=until)
    assert after.ok
    row = store.get_user("sri")
    assert (row["gagal_login"], row["terkunci_sampai"]) == (0, None)
    failed = store.read_audit().query("aksi == 'login.gagal'")
    assert len(failed) == settings.LOGIN_MAX_FAILURES


def test_success_resets_the_failure_count(store: Store, planner: str) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        auth.authenticate(store, "sri", "salah-sandi-x", now=NOW)
    assert auth.authenticate(store, "sri", PASSWORD, now=NOW).ok
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        assert auth.authenticate(store, "sri", "salah-sandi-x", now=NOW).reason == "invalid"


def test_disabled_account_cannot_sign_in(store: Store, planner: str) -> None:
    auth.set_active(store, "sri", aktif=False, by="admin")
    assert auth.authenticate(store, "sri", PASSWORD, now=NOW).reason == "invalid"
    auth.set_active(store, "sri", aktif=True, by="admin")
    assert auth.authenticate(store, "sri", PASSWORD, now=NOW).ok


def test_password_change_replaces_the_hash_and_clears_a_lock(store: Store, planner: str) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES):
        auth.authenticate(store, "sri", "salah-sandi-x", now=NOW)
    auth.set_password(store, "sri", "sandi-baru-yang-panjang", by="admin")
    assert not auth.authenticate(store, "sri", PASSWORD, now=NOW).ok
    assert auth.authenticate(store, "sri", "sandi-baru-yang-panjang", now=NOW).ok


def test_session_throttle_counts_recent_failures_only() -> None:
    window = dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    n = settings.CLIENT_MAX_FAILURES
    times = [NOW - dt.timedelta(minutes=i) for i in range(n - 1)]
    assert auth.session_locked_until(times, now=NOW) is None
    times.append(NOW)
    oldest = min(times)
    assert auth.session_locked_until(times, now=NOW) == oldest + window
    assert auth.session_locked_until(times, now=oldest + window) is None


def test_session_expires_when_idle_or_too_old() -> None:
    idle = dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    absolute = dt.timedelta(hours=settings.SESSION_MAX_HOURS)
    start = NOW
    assert not auth.session_expired(signed_in_at=start, last_seen=start, now=start + idle / 2)
    assert auth.session_expired(signed_in_at=start, last_seen=start, now=start + idle)
    late = start + absolute
    assert auth.session_expired(signed_in_at=start, last_seen=late, now=late)
    active = start + absolute - dt.timedelta(minutes=1)
    assert not auth.session_expired(signed_in_at=start, last_seen=active, now=active)


# --- Single sign-on --------------------------------------------------------------------------


ROLES = {"Ani@MalangKota.go.id": "admin", "@malangkota.go.id": "pimpinan", "x@y.id": "root"}


@pytest.mark.parametrize(
    ("email", "verified", "expected"),
    [
        ("ani@malangkota.go.id", True, "admin"),
        ("budi@malangkota.go.id", None, "pimpinan"),
        ("budi@malangkota.go.id", False, "publik"),
        ("budi@gmail.com", True, "publik"),
        ("x@y.id", True, "publik"),  # unknown role in the secrets is ignored
        (None, True, "publik"),
    ],
)
def test_role_for_identity_from_secrets(email: str | None, verified: bool | None, expected: str):
    assert auth.role_for_identity(email, email_verified=verified, roles=ROLES) == expected


def test_role_for_identity_prefers_store_accounts(store: Store) -> None:
    auth.create_user(store, "ani@malangkota.go.id", PASSWORD, "perencana", by="a")
    role = auth.role_for_identity(
        "ANI@malangkota.go.id", email_verified=True, roles=ROLES, store=store
    )
    assert role == "perencana"
    auth.set_active(store, "ani@malangkota.go.id", aktif=False, by="a")
    role = auth.role_for_identity(
        "ani@malangkota.go.id", email_verified=True, roles=ROLES, store=store
    )
    assert role == "publik"


# --- User management and the audit log --------------------------------------------------------


def test_user_changes_are_audited(store: Store, planner: str) -> None:
    auth.set_role(store, "sri", "pimpinan", by="admin")
    auth.set_password(store, "sri", "sandi-baru-yang-panjang", by="admin")
    auth.set_active(store, "sri", aktif=False, by="admin")
    log = store.read_audit()
    assert log["aksi"].tolist() == [
        "pengguna.nonaktif",
        "pengguna.sandi",
        "pengguna.peran",
        "pengguna.tambah",
    ]
    assert set(log["pengguna"]) == {"admin"} and set(log["objek"]) == {"sri"}
    assert not log["rincian"].str.contains("sandi-baru").any()
    assert store.get_user("sri")["peran"] == "pimpinan"


def test_admin_cannot_disable_themselves(store: Store) -> None:
    auth.create_user(store, "kepala", PASSWORD, "admin", by="cli:root")
    with pytest.raises(auth.AuthError) as info:
        auth.set_active(store, "kepala", aktif=False, by="kepala")
    assert info.value.code == "auth.err_self"
    assert store.get_user("kepala")["aktif"]


def test_unknown_user_changes_are_refused(store: Store) -> None:
    with pytest.raises(auth.AuthError) as info:
        auth.set_password(store, "hantu", PASSWORD, by="a")
    assert info.value.code == "auth.err_unknown_user"
    assert store.read_audit().empty


def test_audited_records_only_when_the_block_succeeds(store: Store) -> None:
    visit = pd.DataFrame(
        {
            "id": ["K-1"],
            "tanggal": [pd.Timestamp("2026-03-02")],
            "petugas": ["SU-001"],
            "kode_kelurahan": ["35.73.02.1001"],
            "sentra_id": [pd.NA],
            "umkm_id": [pd.NA],
            "kebutuhan": ["perizinan"],
            "catatan": ["NIB diurus"],
            "tindak_lanjut": [pd.NaT],
        }
    )
    with audit.audited(store, "sri", audit.VISIT_ADD, "K-1") as details:
        store.add_visits(visit)
        details.append("1 kunjungan")
    with (
        pytest.raises(ValueError, match="already in the store"),
        audit.audited(store, "sri", audit.VISIT_ADD, "K-1"),
    ):
        store.add_visits(visit)  # duplicate id: refused, so not audited
    log = store.read_audit()
    assert log[["pengguna", "aksi", "objek", "rincian"]].values.tolist() == [
        ["sri", "kunjungan.tambah", "K-1", "1 kunjungan"]
    ]
    assert log.loc[0, "waktu"] <= pd.Timestamp(auth.utcnow())


def test_read_audit_is_newest_first_and_limited(store: Store) -> None:
    for i in range(5):
        audit.record(store, "sri", audit.UMKM_EDIT, f"U-{i}")
    assert audit.read(store, limit=3)["objek"].tolist() == ["U-4", "U-3", "U-2"]


# --- Command line ------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_cli_user_add_list_passwd_disable(db: str, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "Sri", "--peran", "perencana", "--password-stdin"]) == 0
    assert "'sri' created" in capsys.readouterr().out
    assert auth.authenticate(Store(db), "sri", PASSWORD).ok

    monkeypatch.setattr("sys.stdin", io.StringIO("sandi-baru-yang-panjang\n"))
    assert main(["user", "passwd", "sri", "--password-stdin"]) == 0
    assert main(["user", "disable", "sri"]) == 0
    assert main(["user", "list"]) == 0
    out = capsys.readouterr().out
    assert "sri" in out and "perencana" in out and "tidak" in out
    assert PASSWORD not in out and "$argon2" not in out
    log = Store(db).read_audit()
    assert log["aksi"].tolist() == [
        "pengguna.nonaktif",
        "pengguna.sandi",
        "login",
        "pengguna.tambah",
    ]
    assert log.query("aksi != 'login'")["pengguna"].str.startswith("cli:").all()


def test_cli_user_errors_exit_nonzero(db: str, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("pendek\n"))
    assert main(["user", "add", "sri", "--peran", "admin", "--password-stdin"]) == 2
    assert "at least" in capsys.readouterr().err
    assert main(["user", "disable", "hantu"]) == 2
    assert "no user 'hantu'" in capsys.readouterr().err
    assert Store(db).read_users().empty


def test_cli_import_is_audited(db: str, tmp_path: Path, capsys) -> None:
    csv = tmp_path / "daftar.csv"
    csv.write_text(
        "id,nama_usaha,lat,lon,sektor,skala,status\n"
        "A1,Tempe Bu Sri,-7.9609,112.6435,kuliner,mikro,aktif\n"
    )
    assert main(["import", str(csv), "--dry-run"]) == 0
    assert Store(db).read_audit().empty  # a check stores nothing, so there is nothing to audit
    assert main(["import", str(csv), "--commit"]) == 0
    log = Store(db).read_audit()
    assert log[["aksi", "objek"]].values.tolist() == [["import", "daftar.csv"]]
    assert log.loc[0, "pengguna"].startswith("cli:")
    assert "1 ditambah" in log.loc[0, "rincian"]


def test_failed_cli_import_is_not_audited(db: str, tmp_path: Path) -> None:
    csv = tmp_path / "rusak.csv"
    csv.write_text(
        "id,nama_usaha,lat,lon,sektor,skala,status\nA1,X,abc,112.6,kuliner,mikro,aktif\n"
    )
    assert main(["import", str(csv), "--commit"]) == 2
    assert Store(db).read_audit().empty


# --- Admin page (AppTest) ----------------------------------------------------------------------

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _admin_app(url: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["role"] = "admin"
    app.session_state["user"] = "kepala"
    return app.switch_page("pages/admin.py")


def test_admin_page_adds_a_user_and_shows_the_audit_log(db: str) -> None:
    store = Store(db)
    auth.create_user(store, "kepala", PASSWORD, "admin", by="cli:root")
    app = _admin_app(db).run()
    assert not app.exception, [e.value for e in app.exception]
    app.text_input(key="admin_new_username").input("budi")
    app.selectbox(key="admin_new_role").select("pimpinan")
    app.text_input(key="admin_new_pw").input("sandi-budi-panjang")
    app.text_input(key="admin_new_pw2").input("sandi-budi-panjang")
    app.button[0].click().run()  # the add form's submit button comes first
    assert not app.exception, [e.value for e in app.exception]
    assert [s.value for s in app.success] == ["Pengguna budi ditambahkan."]
    log = store.read_audit()
    assert log.loc[0, ["pengguna", "aksi", "objek"]].tolist() == [
        "kepala",
        "pengguna.tambah",
        "budi",
    ]
    assert auth.authenticate(store, "budi", "sandi-budi-panjang").peran == "pimpinan"
    # The page never shows a hash.
    shown = "\n".join(str(df.value) for df in app.dataframe)
    assert "$argon2" not in shown and "budi" in shown and "pengguna.tambah" in shown


def test_admin_page_refuses_mismatched_passwords(db: str) -> None:
    store = Store(db)
    auth.create_user(store, "kepala", PASSWORD, "admin", by="cli:root")
    app = _admin_app(db).run()
    app.text_input(key="admin_new_username").input("budi")
    app.text_input(key="admin_new_pw").input("sandi-budi-panjang")
    app.text_input(key="admin_new_pw2").input("sandi-budi-lain-x")
    app.button[0].click().run()
    assert [e.value for e in app.error] == ["Kedua kata sandi tidak sama."]
    assert store.get_user("budi") is None


# --- Store: users and audit tables -------------------------------------------------------------


def test_migration_adds_user_and_audit_tables_to_an_old_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geo.store.schema as store_module

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
    old = Store(url)
    assert old.schema_version == 1
    old.set_meta("dataset", "lama")
    old.close()
    monkeypatch.undo()
    new = Store(url)
    assert new.schema_version == len(store_module.MIGRATIONS) >= 2
    assert new.get_meta("dataset") == "lama"  # data kept
    auth.create_user(new, "sri", PASSWORD, "perencana", by="cli:root")
    assert new.read_audit()["aksi"].tolist() == ["pengguna.tambah"]


def test_store_user_methods_refuse_bad_requests(store: Store, planner: str) -> None:
    from geo.store import StoreError

    with pytest.raises(StoreError, match="already taken"):
        store.add_user("sri", password_hash=None, peran="admin")
    with pytest.raises(StoreError, match="cannot change dibuat"):
        store.update_user("sri", dibuat=NOW)
    with pytest.raises(StoreError, match="unknown user"):
        store.update_user("budi", aktif=False)
    assert store.record_login_failure("budi", lock_after=1, lock_until=NOW) == 0
    assert store.get_user("budi") is None
    assert store.read_users()["username"].tolist() == ["sri"]


# --- Revoked accounts end their open sessions (issue 13.4) ------------------------------------


def _signed_in(url: str, name: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("pages/masuk.py").run()
    app.text_input[0].input(name)
    app.text_input[1].input("sandi-yang-panjang-1")
    app.button[0].click().run()
    assert app.session_state["role"] == "admin", [e.value for e in app.error]
    return app.switch_page("pages/admin.py").run()


@pytest.mark.parametrize(
    "change",
    [
        lambda s: auth.set_active(s, "budi", aktif=False, by="cli:root"),
        lambda s: auth.set_role(s, "budi", "pimpinan", by="cli:root"),
        lambda s: auth.set_password(s, "budi", "sandi-baru-yang-panjang", by="cli:root"),
    ],
    ids=["disabled", "role", "password"],
)
def test_account_change_ends_open_sessions(db: str, change) -> None:
    store = Store(db)
    auth.create_user(store, "budi", "sandi-yang-panjang-1", "admin", by="cli:root")
    app = _signed_in(db, "budi")
    assert not app.exception and not app.error
    app.run()  # an ordinary rerun keeps the session
    assert app.session_state["role"] == "admin" and not app.error
    change(store)
    app.run()
    assert not app.exception
    assert "user" not in app.session_state
    assert any("dinonaktifkan atau diubah" in w.value for w in app.warning)
    assert [e.value for e in app.error] == [t("access.refused", "id")]
    assert store.read_audit().iloc[0]["aksi"] == audit.LOGOUT


# --- Authentication hardening (issue 13.8) ----------------------------------------------------


@pytest.mark.parametrize(
    "weak",
    ["aaaaaaaaaa", "password12", " " * 10, "qwertyuiop", "1234567890", "malang2026", "P@ssw0rd123"],
)
def test_easily_guessed_passwords_are_refused(weak: str) -> None:
    with pytest.raises(auth.AuthError) as err:
        auth.validate_password(weak, username="sri")
    assert err.value.code in ("auth.err_password_weak", "auth.err_password_short")


def test_locked_and_wrong_cost_the_same_and_read_the_same(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(db)
    auth.create_user(store, "sri", PASSWORD, "perencana", by="admin")
    store.update_user("sri", terkunci_sampai=NOW + dt.timedelta(minutes=10))
    checks: list[str] = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: checks.append(p) or real(h, p))
    result = auth.authenticate(store, "sri", "salah-sekali-ini", now=NOW)
    assert result.reason == "locked" and checks == ["salah-sekali-ini"]  # the hash was checked
    monkeypatch.undo()
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("pages/masuk.py").run()
    app.text_input[0].input("sri")
    app.text_input[1].input(PASSWORD)  # right password, locked account
    app.button[0].click().run()
    locked_text = [e.value for e in app.error]
    app.text_input[0].input("tidak-ada")
    app.text_input[1].input(PASSWORD)
    app.button[0].click().run()
    assert locked_text == [e.value for e in app.error] == [t("auth.invalid", "id")]


def test_client_throttle_holds_across_sessions(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new tab (a new session) from the same client is throttled too."""
    import pages._auth

    monkeypatch.setattr(pages._auth, "_client_key", lambda: "ip:203.0.113.9")
    pages._auth._client_failures.clear()

    def attempt(app: AppTest) -> list[str]:
        app.text_input[0].input("siapa")
        app.text_input[1].input("bukan-sandinya")
        app.button[0].click().run()
        return [e.value for e in app.error]

    first = AppTest.from_file(APP, default_timeout=60).run()
    first.switch_page("pages/masuk.py").run()
    for _ in range(settings.CLIENT_MAX_FAILURES):
        attempt(first)
    second = AppTest.from_file(APP, default_timeout=60).run()  # a fresh session, same client
    second.switch_page("pages/masuk.py").run()
    assert "Terlalu banyak percobaan" in attempt(second)[0]
    pages._auth._client_failures.clear()


def test_admin_unlocks_an_account(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(db)
    auth.create_user(store, "sri", PASSWORD, "perencana", by="admin")
    store.update_user("sri", gagal_login=9, terkunci_sampai=NOW + dt.timedelta(minutes=10))
    assert main(["user", "unlock", "sri"]) == 0
    user = store.get_user("sri")
    assert user["terkunci_sampai"] is None and user["gagal_login"] == 0
    assert store.read_audit().iloc[0]["aksi"] == audit.USER_UNLOCK
    assert auth.authenticate(store, "sri", PASSWORD).ok


def test_user_add_without_a_terminal_or_with_bad_bytes_is_one_line(db: str, tmp_path: Path) -> None:
    """No traceback: no terminal and no --password-stdin, or a non-UTF-8 password (13.10)."""
    import subprocess
    import sys

    def run(args: list[str], data: bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "geo", "user", "add", "budi", "--peran", "admin", *args],
            input=data,
            capture_output=True,
            check=False,
            cwd=Path(__file__).resolve().parent.parent,
        )

    for args, data, message in (
        ([], b"", b"--password-stdin"),
        (["--password-stdin"], b"\xff\xfe\xfa-sandi-panjang\n", b"not UTF-8"),
    ):
        out = run(args, data)
        assert out.returncode == 2 and message in out.stderr
        assert b"Traceback" not in out.stderr
