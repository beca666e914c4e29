"""Load the demo data set ("data contoh"): an admin's or the command line's action, audited.

Generating is :func:`geo.ingest.demo.generate` (deterministic, no writes); loading replaces the
whole store's data set in one transaction with its audit entry and a new data version. An
anonymous visitor never reaches this: the Beranda page offers it to admins only.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from geo.core import audit, settings
from geo.core.progress import Progress
from geo.ingest import demo
from geo.ingest.demo import DemoData
from geo.planning import routing, stops
from geo.services import auth, plans
from geo.store import Store
from geo.wilayah.sentra import load_offices

__all__ = [
    "DEMO_ROUTE_STOPS",
    "DemoAccount",
    "demo_accounts_active",
    "ensure_demo_accounts",
    "ensure_demo_route",
    "generate_and_load",
    "holds_only_demo_data",
    "load_into",
]

# Letters and digits without look-alikes (0/O, 1/l/I): easy to copy from a console.
_PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_PASSWORD_GROUPS = 4
_PASSWORD_GROUP_LEN = 4


@dataclass(frozen=True)
class DemoAccount:
    """A demo account as printed to the console: username, role and its fresh password."""

    username: str
    peran: str
    password: str


def load_into(store: Store, data: DemoData, *, user: str | None = None) -> None:
    """Replace the store's whole data set with ``data``, marked as demo, audited.

    Parameters
    ----------
    store
        The store.
    data
        From :func:`geo.ingest.demo.generate`.
    user
        Who loads it; the command line's actor (:func:`geo.core.audit.cli_actor`) by default.
    """
    with store.unit_of_work():
        store.replace_dataset(
            umkm=data.umkm,
            sentra=data.sentra,
            sahabat=data.sahabat,
            visits=data.visits,
            size_history=data.size_history,
            meta=demo.dataset_meta(data),
        )
        audit.record(
            store,
            user or audit.cli_actor(),
            audit.DATASET_REPLACE,
            "data contoh",
            f"seed {data.seed}; {len(data.umkm)} UMKM",
        )
        store.bump_data_version(f"data contoh {data.seed}")


def generate_and_load(
    store: Store,
    *,
    user: str | None = None,
    seed: int = settings.DEMO_SEED,
    count: int = settings.CURATED_NOW,
    progress: Progress | None = None,
) -> DemoData:
    """Generate the demo data set and load it (see :func:`load_into`).

    Parameters
    ----------
    store
        The store.
    user
        Who loads it, for the audit log.
    seed
        Random seed (same seed, same data).
    count
        Active UMKM to generate.
    progress
        Called with (fraction done 0-1, message in Bahasa Indonesia).

    Returns
    -------
    DemoData
        What was loaded.

    Raises
    ------
    ValueError
        ``count`` is not usable (see :func:`geo.ingest.demo.generate`); nothing is stored.
    """
    data = demo.generate(seed=seed, count=count, progress=progress)
    load_into(store, data, user=user)
    return data


def holds_only_demo_data(store: Store) -> bool:
    """Return True when the store holds nothing real: no data or the demo data set only.

    Real means: a data set other than the demo one (``meta.dataset``), any import batch, or an
    active admin account that is not a demo account.
    """
    if not store.is_empty() and store.get_meta("dataset") != "demo":
        return False
    return store.read_import_batches().empty and store.count_real_admins() == 0


def demo_accounts_active(store: Store) -> bool:
    """Return True when at least one demo account is active (the login page says so)."""
    return any(u["aktif"] for u in store.read_demo_users())


def _fresh_password() -> str:
    """Return a random password: 4 groups of 4 characters (about 93 bits), e.g. ``aB3k-...``."""
    return "-".join(
        "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(_PASSWORD_GROUP_LEN))
        for _ in range(_PASSWORD_GROUPS)
    )


def ensure_demo_accounts(store: Store, *, user: str | None = None) -> list[DemoAccount]:
    """(Re)create one demo account per role with a fresh random password, audited.

    Only on a store that :func:`holds_only_demo_data`; otherwise nothing happens and the list
    is empty. Existing demo accounts get a new password (their sessions end), are enabled and
    unlocked; missing ones are created with ``pengguna.demo`` set. A username of
    :data:`geo.core.settings.DEMO_ACCOUNTS` held by a real account is left alone.

    Parameters
    ----------
    store
        The store.
    user
        Who acts, for the audit log (default: the command line's actor).

    Returns
    -------
    list of DemoAccount
        The accounts with their passwords, for the console (never stored in clear).
    """
    if not holds_only_demo_data(store):
        return []
    by = user or audit.cli_actor()
    accounts: list[DemoAccount] = []
    hashes: dict[str, str] = {}
    for name, peran in settings.DEMO_ACCOUNTS.items():
        password = _fresh_password()
        auth.validate_password(password, username=name)  # the same rule as every password
        accounts.append(DemoAccount(name, peran, password))
        hashes[name] = auth.hash_password(password)
    created: list[DemoAccount] = []
    now = auth.utcnow()
    with store.unit_of_work():
        for account in accounts:
            existing = store.get_user(account.username)
            if existing is None:
                store.add_user(
                    account.username,
                    password_hash=hashes[account.username],
                    peran=account.peran,
                    demo=True,
                )
            elif existing["demo"]:
                store.update_user(
                    account.username,
                    password_hash=hashes[account.username],
                    peran=account.peran,
                    aktif=True,
                    gagal_login=0,
                    terkunci_sampai=None,
                )
                store.revoke_web_sessions(when=now, username=account.username)
            else:
                continue
            created.append(account)
        if created:
            names = ", ".join(a.username for a in created)
            audit.record(store, by, audit.DEMO_ACCOUNTS, names, "sandi baru acak")
    return created


#: Stops of the demo officer's route of the day (businesses of the first Program Ngombe sentra).
DEMO_ROUTE_STOPS = 6


def ensure_demo_route(store: Store, *, today: dt.date, user: str | None = None) -> str | None:
    """Give the demo field officer a saved route for ``today``, so Kunjungan saya has one.

    Only on a store that :func:`holds_only_demo_data`, while the ``petugas`` demo account is
    active and has no route that day: :data:`DEMO_ROUTE_STOPS` businesses of the Sanan tempe
    sentra (the first sentra when it is missing), planned from the first office of
    ``data/kantor.csv`` and saved through :func:`geo.services.plans.save_plan` (audited).

    Parameters
    ----------
    store
        The store.
    today
        The route's day (local date, WIB).
    user
        Who acts, for the audit log (default: the command line's actor).

    Returns
    -------
    str or None
        The saved plan's id, or None when nothing was needed or allowed.
    """
    officer = next((n for n, peran in settings.DEMO_ACCOUNTS.items() if peran == "petugas"), None)
    account = store.get_user(officer) if officer else None
    if not account or not account.get("aktif") or not holds_only_demo_data(store):
        return None
    if not store.read_officer_stops(officer, tanggal=today).empty:
        return None
    register = store.read_umkm()
    sentra = store.read_sentra()
    if register.empty or sentra.empty:
        return None
    sanan = sentra[sentra["nama"].astype("string").str.contains("Sanan", na=False)]
    sentra_id = (sanan if len(sanan) else sentra)["id"].iloc[0]
    chosen = register[(register["sentra_id"] == sentra_id) & (register["status"] == "aktif")]
    chosen = chosen.dropna(subset=["lat", "lon"]).sort_values("id").head(DEMO_ROUTE_STOPS)
    if chosen.empty:
        return None
    depot = stops.depot_from_offices(load_offices())
    plan = routing.solve(
        stops.umkm_stops(chosen),
        depot,
        options=routing.SolveOptions(time_limit_s=1.0, solution_limit=200),
    )
    request = plans.SaveRequest(tanggal=today, judul="Rute contoh", petugas={1: officer})
    return plans.save_plan(store, plan, request, user=user or audit.cli_actor())
