"""Saved visit plans: save with a date and assignees, assign, cancel, re-plan, close stops.

A plan solved on Perencanaan Kunjungan (or by ``python -m geo plan ... --save``) is stored
with its date, a title and, per route, the officer account it is assigned to (an active
account with role ``petugas``, ``perencana`` or ``admin``). Every stop keeps a live status:
``belum`` (not yet), ``selesai`` (done; closed by a visit of "Kunjungan saya" or marked by
hand) or ``tidak_bertemu`` (nobody met; the reason is required). Each function here validates,
then writes, records its audit entry and bumps the data version in ONE
:meth:`~geo.store.Store.unit_of_work`.

What is stored
--------------
Per stop: what it is (``jenis`` umkm/sentra/kelurahan/lain and ``objek_id``: the UMKM id, the
sentra id, the kode kelurahan, or the CSV row's id), its name, kode kelurahan, point
(EPSG:4326) and planned arrival ``HH:MM`` (WIB). ``rencana.parameter`` is the JSON of what
re-planning needs (:func:`plan_parameter`): the depot, the working day, minutes per stop, the
number of officers, the travel-time source, every input stop with its window, must-visit flag
and priority, and the stops the solver could not fit, with the reason. The ``alamat`` of an
individual UMKM (personal data) is not copied into it.

Re-planning
-----------
:func:`replan` keeps history: it solves again only the plan's stops that are not ``selesai``
(stops marked ``tidak_bertemu`` and stops the first solve could not fit are planned again, as
``belum``) and stores the result as a NEW plan whose ``asal_id`` is the old one; the old plan
gets the status ``diganti`` (replaced) and stays readable, with the visits that closed its
stops. The visited stops are also carried over into the new plan's record, at the head of the
route they were on, still ``selesai`` with their visit id, so the new plan alone shows the
whole day. Routes keep their number and assignee. When the routing solver offers a warm start
(``SolveOptions.initial_routes``), the previous order of the remaining stops is the starting
point. A re-plan is refused when a stop's status changed while solving (nothing is written;
try again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.core import audit
from geo.planning import routing
from geo.planning.stops import STOP_COLUMNS, Depot, StopError
from geo.store import Store

__all__ = [
    "ASSIGNABLE_ROLES",
    "MAX_ALASAN",
    "MAX_JUDUL",
    "PLAN_STATUSES",
    "STOP_STATUSES",
    "PlanError",
    "ReplanOptions",
    "SaveRequest",
    "assign_route",
    "assignable_officers",
    "cancel_plan",
    "mark_stop",
    "objek_of",
    "parameter_depot",
    "parameter_stops",
    "plan_parameter",
    "plan_routes",
    "read_parameter",
    "replan",
    "save_plan",
]

#: Status of a plan stop: not yet visited, done, nobody met (with a reason).
STOP_STATUSES: tuple[str, ...] = ("belum", "selesai", "tidak_bertemu")
#: Status of a plan: active, cancelled, replaced by a re-plan (``asal_id`` of the new one).
PLAN_STATUSES: tuple[str, ...] = ("aktif", "dibatalkan", "diganti")
#: Roles whose active accounts may be assigned a route.
ASSIGNABLE_ROLES: tuple[str, ...] = ("petugas", "perencana", "admin")
#: Roles that may close any stop, not only those of their own routes.
_PLANNER_ROLES = frozenset({"perencana", "admin"})
#: Longest title and reason, characters.
MAX_JUDUL = 120
MAX_ALASAN = 500
#: Stop-id prefixes of :mod:`geo.planning.stops` per kind of stop.
_PREFIX = {"kelurahan": "kel:", "sentra": "sentra:", "umkm": "umkm:"}
_PARAMETER_VERSION = 1


class PlanError(ValueError):
    """A plan action the service refuses; nothing is stored. The message is Indonesian."""


@dataclass(frozen=True, kw_only=True)
class SaveRequest:
    """What the planner gives when saving a solved plan.

    Attributes
    ----------
    tanggal
        The day the routes are driven (local calendar day, WIB).
    judul
        A title (1 to :data:`MAX_JUDUL` characters).
    petugas
        Route number (the plan's officer 1, 2, ...) -> the account it is assigned to; a route
        left out or mapped to None stays unassigned.
    """

    tanggal: dt.date
    judul: str
    petugas: Mapping[int, str | None] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ReplanOptions:
    """How :func:`replan` solves again (the saved parameters otherwise).

    Attributes
    ----------
    start
        New start of the working day, minutes since midnight (WIB), e.g. now when re-planning
        at noon; the saved start when None.
    officers
        Number of officers; the saved number when None.
    time_limit_s, solution_limit
        Search limits (:class:`geo.planning.routing.SolveOptions`).
    osrm_url
        OSRM server for road times; the offline estimate when None.
    """

    start: int | None = None
    officers: int | None = None
    time_limit_s: float | None = None
    solution_limit: int | None = None
    osrm_url: str | None = None


# --- Conversions between a solved plan and its stored form ---------------------------------------


def objek_of(stop_id: str, jenis: str) -> str:
    """Return what a stop visits: the stop id without its kind's prefix (``umkm:U1`` -> ``U1``)."""
    prefix = _PREFIX.get(str(jenis))
    text = str(stop_id)
    return text[len(prefix) :] if prefix and text.startswith(prefix) else text


def _json_value(value: Any) -> Any:
    """Return a JSON-ready scalar: None for missing values, Python numbers and booleans."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    return value


def plan_parameter(plan: routing.Plan) -> dict[str, Any]:
    """Return what re-planning ``plan`` needs, as a JSON-ready dict (``rencana.parameter``).

    Keys: ``versi``, ``depot`` (id, nama, alamat, lat, lon, presisi_lokasi), ``start``,
    ``end`` (minutes since midnight, WIB), ``minutes_per_stop``, ``officers``,
    ``matrix_source``, ``stops`` (every input stop, :data:`geo.planning.stops.STOP_COLUMNS`;
    ``alamat`` blank for an individual UMKM) and ``tidak_terjadwal`` (``id``, ``nama``,
    ``alasan`` of every stop the solver could not fit).
    """
    records = []
    for row in plan.stops.to_dict("records"):
        item = {c: _json_value(row.get(c)) for c in STOP_COLUMNS}
        if item["jenis"] == "umkm":
            item["alamat"] = None  # personal data stays in the register
        records.append(item)
    return {
        "versi": _PARAMETER_VERSION,
        "depot": {k: _json_value(v) for k, v in dataclasses.asdict(plan.depot).items()},
        "start": int(plan.start),
        "end": int(plan.end),
        "minutes_per_stop": int(plan.minutes_per_stop),
        "officers": int(plan.n_officers),
        "matrix_source": str(plan.matrix_source),
        "stops": records,
        "tidak_terjadwal": [
            {"id": str(r.id), "nama": str(r.nama), "alasan": str(r.alasan)}
            for r in plan.dropped.itertuples(index=False)
        ],
    }


def read_parameter(text: str | None) -> dict[str, Any]:
    """Return a stored ``rencana.parameter`` as a dict (empty for missing or unreadable)."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def parameter_stops(parameter: Mapping[str, Any]) -> pd.DataFrame:
    """Return the stop table saved in a plan's parameter (:data:`STOP_COLUMNS` dtypes)."""
    rows = parameter.get("stops") or []
    frame = pd.DataFrame.from_records(rows, columns=list(STOP_COLUMNS))
    out = pd.DataFrame(index=frame.index)
    for col, dtype in STOP_COLUMNS.items():
        values = frame[col]
        out[col] = values.fillna(False).astype(bool) if dtype == "bool" else values.astype(dtype)
    return out


def parameter_depot(parameter: Mapping[str, Any]) -> Depot:
    """Return the depot saved in a plan's parameter.

    Raises
    ------
    PlanError
        The parameter holds no usable depot.
    """
    raw = parameter.get("depot")
    names = [f.name for f in dataclasses.fields(Depot)]
    if not isinstance(raw, Mapping) or any(n not in raw for n in names):
        raise PlanError("parameter rencana tidak memuat depo; rencanakan dari awal")
    return Depot(**{n: raw[n] for n in names})


def plan_routes(plan: routing.Plan, petugas: Mapping[int, str | None]) -> list[dict[str, Any]]:
    """Return the routes of a solved plan as :meth:`~geo.store.Store.write_plan` records.

    One record per officer with at least one stop (``nomor`` = the plan's officer number),
    assigned to ``petugas.get(nomor)``; stops in visiting order, depot left out.
    """
    officers = plan.officers.set_index("petugas") if not plan.officers.empty else None
    routes = []
    for nomor in sorted({int(v) for v in plan.routes["petugas"]}) if not plan.routes.empty else []:
        rows = plan.route(nomor)
        rows = rows[rows["jenis"] != "depot"]
        henti = [
            {
                "jenis": str(r.jenis),
                "objek_id": objek_of(str(r.id), str(r.jenis)),
                "nama": _json_value(r.nama),
                "kode_kelurahan": _json_value(r.kode_kelurahan),
                "lat": float(r.lat),
                "lon": float(r.lon),
                "rencana_tiba": str(r.tiba),
            }
            for r in rows.itertuples(index=False)
        ]
        summary = officers.loc[nomor] if officers is not None and nomor in officers.index else None
        routes.append(
            {
                "nomor": nomor,
                "petugas": petugas.get(nomor),
                "jarak_km": None if summary is None else float(summary["jarak_km"]),
                "durasi_menit": None if summary is None else float(summary["total_menit"]),
                "henti": henti,
            }
        )
    return routes


# --- Checks -----------------------------------------------------------------------------------


def assignable_officers(store: Store) -> list[str]:
    """Return the accounts a route may be assigned to: active, role in :data:`ASSIGNABLE_ROLES`."""
    return store.read_assignable_users(ASSIGNABLE_ROLES)


def _check_officers(store: Store, names: Sequence[str | None]) -> None:
    """Refuse an assignee that is not an active account with an assignable role."""
    allowed = set(assignable_officers(store))
    for name in names:
        if name and name not in allowed:
            raise PlanError(
                f"akun {name!r} tidak dapat diberi rute (harus akun aktif dengan peran "
                f"{', '.join(ASSIGNABLE_ROLES)})"
            )


def _check_title(judul: str) -> str:
    text = str(judul or "").strip()
    if not text:
        raise PlanError("judul rencana wajib diisi")
    if len(text) > MAX_JUDUL:
        raise PlanError(f"judul rencana paling panjang {MAX_JUDUL} karakter")
    return text


def _active_plan(store: Store, rencana_id: str) -> dict[str, Any]:
    """Return the plan's row, refusing an unknown or inactive plan."""
    record = store.get_plan(rencana_id)
    if record is None:
        raise PlanError(f"rencana {rencana_id} tidak ada")
    if record["status"] != "aktif":
        raise PlanError(f"rencana {rencana_id} sudah {record['status']}")
    return record


def _names(petugas: Mapping[int, str | None]) -> str:
    assigned = [f"rute {k}: {v}" for k, v in sorted(petugas.items()) if v]
    return "; ".join(assigned) if assigned else "belum ditugaskan"


# --- Use cases ----------------------------------------------------------------------------------


def save_plan(store: Store, plan: routing.Plan, request: SaveRequest, *, user: str) -> str:
    """Store a solved plan with its date, title and assignees, audited; return its id.

    Parameters
    ----------
    store
        The store.
    plan
        A plan from :func:`geo.planning.routing.solve` with at least one route.
    request
        Date, title and route assignees.
    user
        Who saves it, for the audit log.

    Returns
    -------
    str
        The new plan's id, ``RK-YYYYMMDD-NN``.

    Raises
    ------
    PlanError
        No route, no title, a bad date or an assignee that may not be given routes.
    geo.store.StoreError
        The store refused the write. Nothing is stored.
    """
    if not isinstance(request.tanggal, dt.date) or isinstance(request.tanggal, dt.datetime):
        raise PlanError("tanggal rencana tidak sah")
    judul = _check_title(request.judul)
    routes = plan_routes(plan, request.petugas)
    if not routes:
        raise PlanError("rencana tanpa rute tidak dapat disimpan")
    numbers = {r["nomor"] for r in routes}
    unknown = sorted(k for k, v in request.petugas.items() if v and k not in numbers)
    if unknown:
        raise PlanError(f"rencana tidak memiliki rute {unknown[0]}")
    _check_officers(store, [r["petugas"] for r in routes])
    parameter = json.dumps(plan_parameter(plan), ensure_ascii=False, sort_keys=True)
    stops = sum(len(r["henti"]) for r in routes)
    with store.unit_of_work():
        store.serialise("rencana")
        plan_id = store.next_plan_id(request.tanggal)
        store.write_plan(
            {
                "id": plan_id,
                "tanggal": request.tanggal,
                "judul": judul,
                "parameter": parameter,
                "pengguna": user,
            },
            routes,
        )
        details = (
            f"{request.tanggal.isoformat()}: {len(routes)} rute, {stops} perhentian; "
            + _names({r["nomor"]: r["petugas"] for r in routes})
        )
        audit.record(store, user, audit.PLAN_SAVE, plan_id, details)
        store.bump_data_version(f"rencana {plan_id}")
    return plan_id


def assign_route(
    store: Store, rencana_id: str, nomor: int, petugas: str | None, *, user: str
) -> None:
    """Assign route ``nomor`` of an active plan to ``petugas`` (None: unassign), audited.

    Raises
    ------
    PlanError
        Unknown or inactive plan, no such route, or an account that may not be given routes.
    """
    _check_officers(store, [petugas])
    with store.unit_of_work():
        _active_plan(store, rencana_id)
        routes = store.read_plan_routes(rencana_id)
        if int(nomor) not in set(routes["nomor"].astype(int)):
            raise PlanError(f"rencana {rencana_id} tidak memiliki rute {nomor}")
        store.assign_route(rencana_id, int(nomor), petugas or None)
        audit.record(
            store, user, audit.PLAN_ASSIGN, rencana_id, f"rute {nomor}: {petugas or '(kosong)'}"
        )
        store.bump_data_version(f"rencana {rencana_id} rute {nomor}")


def cancel_plan(store: Store, rencana_id: str, *, user: str) -> None:
    """Cancel an active plan (status ``dibatalkan``), audited; its routes leave every officer.

    Raises
    ------
    PlanError
        Unknown plan, or a plan already cancelled or replaced.
    """
    with store.unit_of_work():
        _active_plan(store, rencana_id)
        stops = store.read_plan_stops(rencana_id)
        store.set_plan_status(rencana_id, "dibatalkan", when=_utcnow())
        done = int((stops["status"] == "selesai").sum())
        audit.record(
            store, user, audit.PLAN_CANCEL, rencana_id, f"{done} dari {len(stops)} selesai"
        )
        store.bump_data_version(f"rencana {rencana_id} batal")


def mark_stop(
    store: Store,
    henti_id: int,
    status: str,
    *,
    alasan: str | None = None,
    user: str,
    peran: str = "petugas",
) -> None:
    """Set a stop's status, audited, and bump the data version.

    Parameters
    ----------
    store
        The store.
    henti_id
        The stop (``rencana_henti.id``).
    status
        One of :data:`STOP_STATUSES`.
    alasan
        Why nobody was met; required for ``tidak_bertemu`` (at most :data:`MAX_ALASAN`
        characters), ignored otherwise.
    user
        The signed-in username; a ``petugas`` may only mark stops of routes assigned to them.
    peran
        The user's role; ``perencana`` and ``admin`` may mark any stop.

    Raises
    ------
    PlanError
        Unknown status or stop, a cancelled or replaced plan, a stop of another officer, a
        stop already closed by a visit, or ``tidak_bertemu`` without a reason. Nothing is
        stored.
    """
    if status not in STOP_STATUSES:
        raise PlanError(f"status {status!r} tidak dikenal; pilihan: {', '.join(STOP_STATUSES)}")
    reason = str(alasan or "").strip() if status == "tidak_bertemu" else ""
    if status == "tidak_bertemu" and not reason:
        raise PlanError("alasan wajib diisi untuk status tidak bertemu")
    if len(reason) > MAX_ALASAN:
        raise PlanError(f"alasan paling panjang {MAX_ALASAN} karakter")
    with store.unit_of_work():
        store.serialise("rencana")
        stop = store.read_stop(int(henti_id))
        if stop is None:
            raise PlanError(f"perhentian {henti_id} tidak ada")
        if stop["status_rencana"] != "aktif":
            raise PlanError(f"rencana {stop['rencana_id']} sudah {stop['status_rencana']}")
        if peran not in _PLANNER_ROLES and stop["petugas"] != user:
            raise PlanError("perhentian ini bukan pada rute Anda")
        if stop["kunjungan_id"]:
            raise PlanError(f"perhentian ini sudah ditutup oleh kunjungan {stop['kunjungan_id']}")
        store.set_stop_status(int(henti_id), status, alasan=reason or None)
        details = (
            f"rencana {stop['rencana_id']} rute {stop['nomor']} urutan {stop['urutan']}: "
            f"{stop['status']} -> {status}"
        )
        audit.record(store, user, audit.STOP_STATUS, f"henti {henti_id}", details)
        store.bump_data_version(f"henti {henti_id}")


def replan(
    store: Store, rencana_id: str, *, user: str, options: ReplanOptions | None = None
) -> str:
    """Solve an active plan again without its visited stops; store it as a new plan.

    See the module notes: the new plan (``asal_id`` = ``rencana_id``) keeps the route numbers
    and assignees, carries the ``selesai`` stops over at the head of their routes, and plans
    every other stop again; the old plan gets the status ``diganti``.

    Parameters
    ----------
    store
        The store.
    rencana_id
        An active plan.
    user
        Who re-plans, for the audit log.
    options
        Overrides of the saved parameters (:class:`ReplanOptions`).

    Returns
    -------
    str
        The new plan's id.

    Raises
    ------
    PlanError
        Unknown or inactive plan, nothing left to plan, unusable saved parameters or options,
        or a stop's status changed while solving. Nothing is stored.
    """
    opts = options or ReplanOptions()
    record = _active_plan(store, rencana_id)
    parameter = read_parameter(record["parameter"])
    old_stops = store.read_plan_stops(rencana_id)
    done = old_stops[old_stops["status"] == "selesai"]
    done_keys = set(zip(done["jenis"], done["objek_id"], strict=True))
    todo = _remaining(parameter_stops(parameter), done_keys)
    if todo.empty:
        raise PlanError("semua perhentian rencana ini sudah selesai; tidak ada yang direncanakan")
    plan = _solve_again(todo, parameter, old_stops, opts)
    assignees = _assignees(store.read_plan_routes(rencana_id))
    routes = _merge_routes(plan_routes(plan, assignees), done, assignees)
    new_parameter = {**plan_parameter(plan), "stops": parameter.get("stops", [])}
    with store.unit_of_work():
        store.serialise("rencana")
        _active_plan(store, rencana_id)
        now_done = store.read_plan_stops(rencana_id)
        if set(now_done.loc[now_done["status"] == "selesai", "henti_id"]) != set(done["henti_id"]):
            raise PlanError("status perhentian berubah selama perencanaan ulang; ulangi")
        new_id = store.next_plan_id(record["tanggal"])
        store.write_plan(
            {
                "id": new_id,
                "tanggal": record["tanggal"],
                "judul": record["judul"],
                "parameter": json.dumps(new_parameter, ensure_ascii=False, sort_keys=True),
                "pengguna": user,
                "asal_id": rencana_id,
            },
            routes,
        )
        store.set_plan_status(rencana_id, "diganti", when=_utcnow())
        details = (
            f"dari {rencana_id}: {len(done)} selesai dipertahankan, "
            f"{len(todo) - len(plan.dropped)} dijadwalkan ulang, "
            f"{len(plan.dropped)} tidak terjadwal"
        )
        audit.record(store, user, audit.PLAN_REPLAN, new_id, details)
        store.bump_data_version(f"rencana {new_id}")
    return new_id


# --- Re-planning steps ----------------------------------------------------------------------------


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _remaining(stops: pd.DataFrame, done_keys: set[tuple[str, str]]) -> pd.DataFrame:
    """Return the saved stops that are not done, in their saved order."""
    keep = [
        (str(j), objek_of(str(i), str(j))) not in done_keys
        for i, j in zip(stops["id"], stops["jenis"], strict=True)
    ]
    return stops[keep].reset_index(drop=True)


def _warm_start(todo: pd.DataFrame, old_stops: pd.DataFrame, officers: int) -> list[list[str]]:
    """Return the previous order of the remaining stops, one list of stop ids per route."""
    by_key = {
        (str(j), objek_of(str(i), str(j))): str(i)
        for i, j in zip(todo["id"], todo["jenis"], strict=True)
    }
    routes: list[list[str]] = [[] for _ in range(officers)]
    for row in old_stops.itertuples(index=False):
        key = (str(row.jenis), str(row.objek_id))
        if key in by_key and 1 <= int(row.nomor) <= officers:
            routes[int(row.nomor) - 1].append(by_key[key])
    return routes


def _solve_again(
    todo: pd.DataFrame,
    parameter: Mapping[str, Any],
    old_stops: pd.DataFrame,
    opts: ReplanOptions,
) -> routing.Plan:
    """Solve the remaining stops with the saved parameters and ``opts``."""
    depot = parameter_depot(parameter)
    officers = int(opts.officers or parameter.get("officers") or 1)
    settings: dict[str, Any] = {
        "start": int(opts.start if opts.start is not None else parameter.get("start", 480)),
        "end": int(parameter.get("end", routing.DEFAULT_END)),
        "minutes_per_stop": int(
            parameter.get("minutes_per_stop", routing.DEFAULT_MINUTES_PER_STOP)
        ),
        "time_limit_s": opts.time_limit_s,
        "solution_limit": opts.solution_limit,
    }
    if any(f.name == "initial_routes" for f in dataclasses.fields(routing.SolveOptions)):
        settings["initial_routes"] = _warm_start(todo, old_stops, officers)
    try:
        matrix, failure = routing.travel_matrix_or_estimate(
            [depot.lat, *todo["lat"]], [depot.lon, *todo["lon"]], osrm_url=opts.osrm_url
        )
        plan = routing.solve(
            todo,
            depot,
            officers=officers,
            options=routing.SolveOptions(**settings),
            matrix=matrix,
        )
    except (routing.RoutingError, StopError) as exc:
        raise PlanError(f"perencanaan ulang gagal: {exc}") from exc
    if failure:
        note = f"OSRM gagal ({failure}); waktu tempuh diperkirakan dari jarak garis lurus"
        plan = dataclasses.replace(plan, notes=(*plan.notes, note))
    return plan


def _assignees(routes: pd.DataFrame) -> dict[int, str | None]:
    return {
        int(n): (None if pd.isna(p) else str(p))
        for n, p in zip(routes["nomor"], routes["petugas"], strict=True)
    }


def _merge_routes(
    new_routes: list[dict[str, Any]],
    done: pd.DataFrame,
    assignees: Mapping[int, str | None],
) -> list[dict[str, Any]]:
    """Put the done stops at the head of their route number, before the re-planned stops."""
    by_number = {int(r["nomor"]): r for r in new_routes}
    for nomor, group in done.groupby("nomor", sort=True):
        kept = [
            {
                "jenis": str(r.jenis),
                "objek_id": str(r.objek_id),
                "nama": None if pd.isna(r.nama) else str(r.nama),
                "kode_kelurahan": None if pd.isna(r.kode_kelurahan) else str(r.kode_kelurahan),
                "lat": float(r.lat),
                "lon": float(r.lon),
                "rencana_tiba": None if pd.isna(r.rencana_tiba) else str(r.rencana_tiba),
                "status": "selesai",
                "kunjungan_id": None if pd.isna(r.kunjungan_id) else str(r.kunjungan_id),
                "diperbarui": None if pd.isna(r.diperbarui) else r.diperbarui,
            }
            for r in group.sort_values("urutan").itertuples(index=False)
        ]
        route = by_number.setdefault(
            int(nomor),
            {
                "nomor": int(nomor),
                "petugas": assignees.get(int(nomor)),
                "jarak_km": None,
                "durasi_menit": None,
                "henti": [],
            },
        )
        route["henti"] = [*kept, *route["henti"]]
    return [by_number[k] for k in sorted(by_number)]
