"""Browser sessions (cookie), demo accounts and the session routes, on SQLite and PostGIS."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from starlette.applications import Starlette

from geo.cli import main
from geo.core import audit, settings
from geo.ingest import demo as demo_data
from geo.services import auth, demo, sessions
from geo.services.backup import backup, restore
from geo.store import Store
from tests import postgis

NOW = dt.datetime(2026, 3, 2, 3, 0, 0)  # naive UTC, like the store
PASSWORD = "rahasia-sentra-2026"
BACKENDS = ["sqlite", "postgis"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgis":
        with postgis.fresh_schema_url() as url, Store(url) as s:
            yield s
    else:
        with Store(f"sqlite:///{tmp_path / 'sesi.sqlite'}") as s:
            yield s


@pytest.fixture
def planner(store: Store) -> str:
    return auth.create_user(store, "sri", PASSWORD, "perencana", by="admin")


# --- Sessions ------------------------------------------------------------------------------------


def test_only_the_hash_of_a_session_id_is_stored(store: Store, planner: str) -> None:
    sid = sessions.open_session(store, planner, now=NOW)
    assert len(sid) >= 43
    assert store.get_web_session(sid) is None
    row = store.get_web_session(sessions.id_hash(sid))
    assert row is not None
    assert (row["username"], row["metode"], row["dibuat"], row["dicabut"]) == (
        "sri",
        "password",
        NOW,
        None,
    )
    # A fresh id at every login (rotation).
    assert sessions.open_session(store, planner, now=NOW) != sid


def test_validate_gives_the_account_and_touches_at_most_once_a_minute(
    store: Store, planner: str
) -> None:
    sid = sessions.open_session(store, planner, now=NOW)
    info = sessions.validate(store, sid, now=NOW + dt.timedelta(seconds=30))
    assert info is not None
    assert (info.username, info.peran, info.fingerprint) == (
        "sri",
        "perencana",
        auth.account_fingerprint(store, "sri"),
    )
    assert store.get_web_session(sessions.id_hash(sid))["terakhir"] == NOW  # throttled
    later = NOW + dt.timedelta(seconds=settings.SESSION_TOUCH_SECONDS)
    assert sessions.validate(store, sid, now=later) is not None
    assert store.get_web_session(sessions.id_hash(sid))["terakhir"] == later


def test_idle_limit_ends_a_session(store: Store, planner: str) -> None:
    sid = sessions.open_session(store, planner, now=NOW)
    idle = dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    assert sessions.validate(store, sid, now=NOW + idle - dt.timedelta(seconds=1)) is not None
    assert sessions.validate(store, sid, now=NOW + 2 * idle) is None
    assert store.get_web_session(sessions.id_hash(sid))["dicabut"] is not None
    # Once ended, it stays ended.
    assert sessions.validate(store, sid, now=NOW + idle) is None


def test_absolute_limit_ends_an_active_session(store: Store, planner: str) -> None:
    sid = sessions.open_session(store, planner, now=NOW)
    step = dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1)
    when = NOW
    end = NOW + dt.timedelta(hours=settings.SESSION_MAX_HOURS)
    while when + step < end:
        when += step
        assert sessions.validate(store, sid, now=when) is not None
    assert sessions.validate(store, sid, now=end) is None


def test_cookie_max_age_is_what_is_left_of_the_absolute_limit(store: Store, planner: str) -> None:
    sid = sessions.open_session(store, planner, now=NOW)
    info = sessions.validate(store, sid, now=NOW)
    assert info is not None
    full = settings.SESSION_MAX_HOURS * 3600
    assert sessions.cookie_max_age(info, now=NOW) == full
    assert sessions.cookie_max_age(info, now=NOW + dt.timedelta(hours=1)) == full - 3600


def test_keluar_revokes_every_session_of_the_account_only(store: Store, planner: str) -> None:
    auth.create_user(store, "budi", PASSWORD + "x", "pimpinan", by="admin")
    a = sessions.open_session(store, planner, now=NOW)
    b = sessions.open_session(store, planner, now=NOW)
    other = sessions.open_session(store, "budi", now=NOW)
    assert sessions.revoke_user(store, planner, now=NOW) == 2
    assert sessions.validate(store, a, now=NOW) is None
    assert sessions.validate(store, b, now=NOW) is None
    assert sessions.validate(store, other, now=NOW) is not None
    assert store.count_web_sessions("sri") == 0


@pytest.mark.parametrize(
    "change",
    [
        lambda s: auth.set_active(s, "sri", aktif=False, by="admin"),
        lambda s: auth.set_role(s, "sri", "pimpinan", by="admin"),
        lambda s: auth.set_password(s, "sri", "sandi-baru-yang-panjang-77", by="admin"),
    ],
    ids=["disable", "role", "password"],
)
def test_account_changes_revoke_its_sessions(store: Store, planner: str, change: object) -> None:
    sid = sessions.open_session(store, planner, now=NOW)
    change(store)  # type: ignore[operator]
    assert store.get_web_session(sessions.id_hash(sid))["dicabut"] is not None
    assert sessions.validate(store, sid) is None


def test_a_failed_account_change_keeps_the_sessions(store: Store, planner: str) -> None:
    sid = sessions.open_session(store, planner, now=NOW)
    with pytest.raises(auth.AuthError):
        auth.set_password(store, "sri", "pendek", by="admin")
    assert store.get_web_session(sessions.id_hash(sid))["dicabut"] is None


def test_disabled_account_is_refused_even_with_an_unrevoked_row(store: Store, planner: str) -> None:
    sid = sessions.open_session(store, planner, now=NOW)
    store.update_user("sri", aktif=False)  # bypassing the service: validation still refuses
    assert sessions.validate(store, sid) is None


def test_signature_round_trip_and_tampering(store: Store, planner: str) -> None:
    sid = sessions.open_session(store, planner)
    value = sessions.sign(store, sid)
    assert value.startswith(sid + ".")
    assert sessions.unsign(store, value) == sid
    body, _, mac = value.partition(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    for bad in (f"{body}.{flipped}", f"x{body}.{mac}", body, "", None, "a" * 500):
        assert sessions.unsign(store, bad) is None


def test_secret_from_the_environment_wins(
    store: Store, planner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = sessions.open_session(store, planner)
    stored = sessions.sign(store, sid)
    monkeypatch.setenv("PETA_UMKM_SESSION_SECRET", "k" * 40)
    assert sessions.unsign(store, stored) is None
    assert sessions.unsign(store, sessions.sign(store, sid)) == sid


def test_secret_is_generated_once_and_left_out_of_backups(
    store: Store, planner: str, tmp_path: Path
) -> None:
    first = store.session_secret("a" * 64)
    assert store.session_secret("b" * 64) == first == "a" * 64
    sid = sessions.open_session(store, planner)
    value = sessions.sign(store, sid)
    path = tmp_path / "cadangan.zip"
    backup(store, path)
    assert first.encode() not in path.read_bytes()
    assert all(r["key"] != "sesi_web.rahasia" for r in store.dump()["meta"])
    # A restore revokes every session (and replaces the secret with a fresh one).
    restore(store, path, user="admin")
    assert sessions.validate(store, sid) is None
    assert sessions.unsign(store, value) is None


def test_tickets_are_single_use_and_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    ticket = sessions.issue_ticket("sesi-1")
    assert sessions.redeem_ticket(ticket) == "sesi-1"
    assert sessions.redeem_ticket(ticket) is None
    assert sessions.redeem_ticket("tebakan") is None
    monkeypatch.setattr(settings, "SESSION_TICKET_SECONDS", -1)
    assert sessions.redeem_ticket(sessions.issue_ticket("sesi-2")) is None


def test_old_sessions_are_purged_at_the_next_login(store: Store, planner: str) -> None:
    old = sessions.open_session(store, planner, now=NOW - dt.timedelta(days=3))
    sessions.open_session(store, planner, now=NOW)
    assert store.get_web_session(sessions.id_hash(old)) is None


# --- Demo accounts -------------------------------------------------------------------------------


def _load_demo(store: Store) -> None:
    demo.load_into(store, demo_data.generate(count=300), user="tests")


def test_demo_accounts_one_per_role_with_fresh_passwords(store: Store) -> None:
    _load_demo(store)
    first = demo.ensure_demo_accounts(store, user="tests")
    assert {(a.username, a.peran) for a in first} == set(settings.DEMO_ACCOUNTS.items())
    for account in first:
        auth.validate_password(account.password, username=account.username)
        result = auth.authenticate(store, account.username, account.password)
        assert (result.ok, result.peran) == (True, account.peran)
    assert all(u["aktif"] for u in store.read_demo_users())
    sid = sessions.open_session(store, "demo-admin")
    second = demo.ensure_demo_accounts(store, user="tests")
    old = {a.username: a.password for a in first}
    assert all(a.password != old[a.username] for a in second)
    assert not auth.authenticate(store, "demo-admin", old["demo-admin"]).ok
    assert sessions.validate(store, sid) is None  # new passwords end the old sessions
    assert (store.read_audit()["aksi"] == audit.DEMO_ACCOUNTS).sum() == 2
    assert demo.demo_accounts_active(store)


def test_the_demo_officer_gets_one_route_for_today(store: Store) -> None:
    today = dt.date(2026, 12, 3)
    _load_demo(store)
    assert demo.ensure_demo_route(store, today=today, user="tests") is None  # no account yet
    demo.ensure_demo_accounts(store, user="tests")
    plan_id = demo.ensure_demo_route(store, today=today, user="tests")
    assert plan_id is not None
    stops = store.read_officer_stops("demo-petugas", tanggal=today)
    assert len(stops) == demo.DEMO_ROUTE_STOPS and set(stops["jenis"]) == {"umkm"}
    assert set(stops["status"]) == {"belum"}
    # The businesses on the route are the only register rows the officer may read.
    assert set(store.read_umkm_for_officer("demo-petugas")["id"]) == set(stops["objek_id"])
    assert demo.ensure_demo_route(store, today=today, user="tests") is None  # once a day
    assert store.read_officer_stops("demo-perencana", tanggal=today).empty
    auth.create_user(store, "kepala", PASSWORD, "admin", by="cli:root")  # real data from now
    assert demo.ensure_demo_route(store, today=today + dt.timedelta(days=1), user="t") is None


def test_no_demo_accounts_on_a_store_with_a_real_admin(store: Store) -> None:
    _load_demo(store)
    auth.create_user(store, "kepala", PASSWORD, "admin", by="cli:root")
    assert demo.ensure_demo_accounts(store) == []
    assert store.read_demo_users() == []


def test_a_real_admin_disables_the_demo_accounts(store: Store) -> None:
    _load_demo(store)
    accounts = {a.username: a.password for a in demo.ensure_demo_accounts(store, user="t")}
    sid = sessions.open_session(store, "demo-perencana")
    auth.create_user(store, "perencana1", PASSWORD, "perencana", by="cli:root")
    assert demo.demo_accounts_active(store)  # a real planner is not enough
    auth.create_user(store, "kepala", PASSWORD, "admin", by="cli:root")
    assert not demo.demo_accounts_active(store)
    assert not auth.authenticate(store, "demo-admin", accounts["demo-admin"]).ok
    assert sessions.validate(store, sid) is None
    log = store.read_audit()
    entry = log[log["aksi"] == audit.DEMO_ACCOUNTS_OFF].iloc[0]
    assert entry["pengguna"] == "cli:root"
    assert set(entry["objek"].split(", ")) == set(settings.DEMO_ACCOUNTS)
    assert demo.ensure_demo_accounts(store) == []


def test_the_first_real_import_disables_the_demo_accounts(store: Store, tmp_path: Path) -> None:
    from geo.services.imports import ImportOptions, import_file

    _load_demo(store)
    demo.ensure_demo_accounts(store, user="t")
    register = store.read_umkm().head(3).copy()
    register["id"] = ["NYATA-1", "NYATA-2", "NYATA-3"]
    register["nama_usaha"] = ["Keripik Nyata", "Batik Nyata", "Kopi Nyata"]
    register["lon"] = register["lon"] + 0.001
    csv = tmp_path / "nyata.csv"
    register.drop(columns=["geometry"], errors="ignore").to_csv(csv, index=False)
    status, out, err = import_file(
        str(csv),
        store=store,
        commit=True,
        user="admin1",
        options=ImportOptions(on_duplicate="perbarui"),
    )
    assert status == 0, (out, err)
    assert not demo.demo_accounts_active(store)
    assert not demo.holds_only_demo_data(store)
    assert audit.DEMO_ACCOUNTS_OFF in set(store.read_audit()["aksi"])


def test_cli_demo_prints_fresh_passwords_each_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")

    def run(*argv: str) -> str:
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(list(argv)) == 0
        return out.getvalue()

    first = run("demo", "--if-empty", "--count", "300")
    second = run("demo", "--if-empty")
    assert "demo not generated" in second

    def passwords(text: str) -> dict[str, str]:
        found = re.findall(r"^\s+(demo-\w+)\s+(\w+)\s+(\S+)$", text, flags=re.MULTILINE)
        return {name: password for name, _, password in found}

    one, two = passwords(first), passwords(second)
    assert set(one) == set(two) == set(settings.DEMO_ACCOUNTS)
    assert all(one[n] != two[n] for n in one)
    with Store() as s:
        assert auth.authenticate(s, "demo-petugas", two["demo-petugas"]).ok
        assert not auth.authenticate(s, "demo-petugas", one["demo-petugas"]).ok
        auth.create_user(s, "kepala", PASSWORD, "admin", by="cli:root")
    third = run("demo", "--if-empty")
    assert passwords(third) == {}


# --- Routes ------------------------------------------------------------------------------------


@dataclass
class Answer:
    """One response of :class:`Client`: status and lower-cased headers."""

    status_code: int
    headers: dict[str, str]


@dataclass
class Client:
    """A minimal ASGI client (no httpx here): POST with a JSON body, headers and cookies."""

    app: Starlette
    cookies: dict[str, str] = field(default_factory=dict)

    def post(
        self,
        path: str,
        *,
        json_body: object = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        body = content if content is not None else json.dumps(json_body).encode()
        raw = [(b"host", b"testserver"), (b"content-type", b"application/json")]
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        if self.cookies:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            raw.append((b"cookie", cookie.encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": raw,
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000),
        }
        sent: list[dict[str, object]] = []

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        # In a thread of its own: a worker that ran Playwright's sync API has a loop in this one.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, self.app(scope, receive, send)).result()
        start = next(m for m in sent if m["type"] == "http.response.start")
        found = {k.decode().lower(): v.decode() for k, v in start["headers"]}  # type: ignore[attr-defined]
        return Answer(int(start["status"]), found)  # type: ignore[call-overload]


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Client, Store]]:
    from web import session_routes

    url = f"sqlite:///{tmp_path / 'routes.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    session_routes._store.cache_clear()
    with Store(url) as s:
        auth.create_user(s, "sri", PASSWORD, "perencana", by="admin")
        yield Client(Starlette(routes=session_routes.ROUTES)), s
    session_routes._store.cache_clear()


def test_route_sets_an_httponly_strict_cookie_for_a_ticket_once(
    client: tuple[Client, Store],
) -> None:
    c, store = client
    sid = sessions.open_session(store, "sri")
    ticket = sessions.issue_ticket(sid)
    response = c.post("/sesi/pasang", json_body={"tiket": ticket})
    assert response.status_code == 204
    header = response.headers["set-cookie"]
    assert header.startswith(f"{sessions.COOKIE_NAME}={sessions.sign(store, sid)};")
    lowered = header.lower()
    for part in ("httponly", "samesite=strict", "path=/", "max-age="):
        assert part in lowered
    assert "secure" not in lowered
    assert response.headers["cache-control"] == "no-store"
    again = c.post("/sesi/pasang", json_body={"tiket": ticket})
    assert again.status_code == 403
    assert "set-cookie" not in again.headers


def test_route_adds_secure_behind_https_and_refuses_other_origins(
    client: tuple[Client, Store],
) -> None:
    c, store = client
    sid = sessions.open_session(store, "sri")
    foreign = c.post(
        "/sesi/pasang",
        json_body={"tiket": sessions.issue_ticket(sid)},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    response = c.post(
        "/sesi/pasang",
        json_body={"tiket": sessions.issue_ticket(sid)},
        headers={"X-Forwarded-Proto": "https", "Origin": "http://testserver"},
    )
    assert response.status_code == 204
    assert "secure" in response.headers["set-cookie"].lower()
    assert c.post("/sesi/pasang", content=b"not json").status_code == 400


def test_route_refuses_a_ticket_of_a_revoked_session(client: tuple[Client, Store]) -> None:
    c, store = client
    sid = sessions.open_session(store, "sri")
    ticket = sessions.issue_ticket(sid)
    sessions.revoke_user(store, "sri")
    assert c.post("/sesi/pasang", json_body={"tiket": ticket}).status_code == 403


def test_route_rotates_the_previous_cookie(client: tuple[Client, Store]) -> None:
    c, store = client
    old = sessions.open_session(store, "sri")
    c.cookies[sessions.COOKIE_NAME] = sessions.sign(store, old)
    new = sessions.open_session(store, "sri")
    assert (
        c.post("/sesi/pasang", json_body={"tiket": sessions.issue_ticket(new)}).status_code == 204
    )
    assert sessions.validate(store, old) is None
    assert sessions.validate(store, new) is not None


def test_keluar_route_clears_only_the_named_session(client: tuple[Client, Store]) -> None:
    c, store = client
    current = sessions.open_session(store, "sri")
    c.cookies[sessions.COOKIE_NAME] = sessions.sign(store, current)
    stale = c.post("/sesi/keluar", json_body={"sesi": sessions.id_hash("another-session")})
    assert stale.status_code == 204
    assert "set-cookie" not in stale.headers  # a newer login's cookie is kept
    assert sessions.validate(store, current) is not None
    response = c.post("/sesi/keluar", json_body={"sesi": sessions.id_hash(current)})
    assert response.status_code == 204
    header = response.headers["set-cookie"].lower()
    assert header.startswith(f"{sessions.COOKIE_NAME}=") and "max-age=0" in header
    assert response.headers["clear-site-data"] == '"cache"'  # private point files go too
    assert "clear-site-data" not in stale.headers
    assert sessions.validate(store, current) is None
    assert c.post("/sesi/keluar", json_body={}).status_code == 400


# --- Login page (AppTest) ----------------------------------------------------------------------


def _login_page_infos(url: str) -> list[str]:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(Path(__file__).parent.parent / "app.py"), default_timeout=60)
    app.switch_page("pages/masuk.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return [i.value for i in app.info]


def test_login_page_names_the_demo_accounts_only_while_they_are_active(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo.core.i18n import t

    url = f"sqlite:///{tmp_path / 'hint.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    with Store(url) as s:
        _load_demo(s)
        assert t("sesi.demo_hint", "id") not in _login_page_infos(url)
        demo.ensure_demo_accounts(s, user="tests")
        assert t("sesi.demo_hint", "id") in _login_page_infos(url)
        auth.create_user(s, "kepala", PASSWORD, "admin", by="cli:root")
        assert t("sesi.demo_hint", "id") not in _login_page_infos(url)


def test_reloading_the_demo_data_keeps_the_signing_secret(tmp_path: Path) -> None:
    from geo.services.demo import load_into

    store = Store(f"sqlite:///{tmp_path / 'secret.sqlite'}")
    data = demo_data.generate(count=50)
    load_into(store, data, user="uji")
    value = sessions.sign(store, "a" * 43)
    load_into(store, data, user="uji")  # replaces the whole data set and its meta
    assert sessions.unsign(store, value) == "a" * 43
