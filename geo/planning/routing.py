"""Visit routes for several officers: travel times and a vehicle-routing problem with windows.

Planners send officers (Sahabat UMKM follow-ups, Program Ngombe visits to sentra) from one
office, the depot, to a list of stops (:mod:`geo.planning.stops`) and back within the working day.
This
module estimates the travel times, solves the routing problem with Google OR-Tools and returns
a :class:`Plan`: one route per officer with arrival times, and every stop that could not be
fitted with the reason, in Bahasa Indonesia. Every input stop is in exactly one route or in
``Plan.dropped``: nothing disappears silently.

Travel times
------------
Offline (the default), the time between two points is their great-circle (haversine) distance
times :data:`CIRCUITY_FACTOR`, driven at :data:`AVERAGE_SPEED_KMH`:

* **Circuity 1.35.** Roads are longer than the straight line. Newell (1980) found network
  distances between random urban points about 1.2 times the straight line; Ballou, Rahardja
  and Sakai (2002, *Transportation Research Part A* 36(9)) measured national road circuity
  factors of roughly 1.15 to 1.6, higher where networks are sparser; Boscoe, Henry and Zdeb
  (2012, *The Professional Geographer* 64(2)) found 1.42 on average for US trips to hospitals.
  Malang's kampung streets, one-way loops in the centre and few river crossings (Brantas,
  Amprong, Bango) argue for the upper half of the urban range; 1.35 is that choice, not a
  measurement for Malang.
* **Speed 22 km/h.** Door-to-door average for a motorcycle or car in mixed city traffic,
  including junctions and finding the place; an assumption in the 20-25 km/h range planners
  in Malang quote for daytime trips, not a published measurement.

Both are estimates: set ``OSRM_URL`` to use real road times from an OSRM server's table
service (:func:`osrm_table`; see the README for a deployment on OpenStreetMap data of Jawa
Timur), or pass other values. Distances are reported in km along the same estimate.

The model
---------
Node 0 is the depot; every stop is a node with a service time (``minutes_per_stop``) and an
optional time window in which the visit must *start* (the officer may wait). Every officer
leaves the depot no earlier than ``start`` and is back no later than ``end``. OR-Tools'
routing solver (constraint programming with local search) minimises, in seconds,

    cost = total travel time of all officers + (last return - first departure)

so that routes are short and the work is shared: with two officers, one long route costs more
than two half-length ones even though its travel is a little shorter. Optional stops may be
dropped at a penalty larger than any plan's cost, so a stop is dropped only when it cannot be
fitted; among optional stops those with a lower ``prioritas`` are dropped first. Must-visit
stops carry a penalty larger than all optional penalties together: one is dropped only when no
plan can keep them all, and the plan is then reported as ``"infeasible"``.

Search: first routes, then OR-Tools' guided local search until the time limit
(:func:`default_time_limit`). The first routes come from one of three places:

* a **warm start** (``SolveOptions.initial_routes``): the previous plan's routes when the same
  stops are planned again, repaired where they no longer fit (:func:`_feasible_sequences`)
  and completed with the new stops (:func:`_complete`); the plan returned is never worse than
  them;
* **VROOM** (``solver="vroom"``, :mod:`geo.planning.vroom_solver`), given at most
  :data:`VROOM_TIME_SHARE` of the limit. VROOM minimises travel only; the OR-Tools search
  that follows weighs the span and the drop penalties of this model;
* OR-Tools' own first solution, :data:`FIRST_SOLUTION_STRATEGY` (path cheapest arc)
  (``solver="ortools"``).

The deployment chooses the solver (``PETA_UMKM_ROUTING_SOLVER``, default ``"vroom"``):
``bench/routing.py`` found VROOM's routes improved by OR-Tools 1.6 % below a ten times longer
OR-Tools search at 100 stops and 4 % below at 200, where OR-Tools alone in the same time stays
19-55 % above (docs/notes/routing.md has the table). Local search proves nothing, so a plan is
``"heuristic"`` unless OR-Tools reports a proven optimum (``"optimal"``; also for a plan with
nothing to route).

Times are seconds or minutes since midnight, local time (WIB); coordinates EPSG:4326.
"""

from __future__ import annotations

import itertools
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from geo.planning.stops import Depot, format_hhmm, validate_stops

__all__ = [
    "AVERAGE_SPEED_KMH",
    "CIRCUITY_FACTOR",
    "DEFAULT_END",
    "DEFAULT_MINUTES_PER_STOP",
    "DEFAULT_START",
    "DROP_REASONS",
    "EARTH_RADIUS_M",
    "OSRM_MAX_CELLS",
    "OSRM_TIMEOUT_S",
    "ROUTE_COLUMNS",
    "SOLVERS",
    "STATUSES",
    "OsrmError",
    "Plan",
    "RoutingError",
    "SolveOptions",
    "TravelMatrix",
    "default_time_limit",
    "haversine_matrix",
    "haversine_travel",
    "initial_sequences",
    "osrm_table",
    "osrm_url",
    "plan_cost",
    "resolve_solver",
    "schedule_route",
    "solve",
    "travel_matrix",
    "travel_matrix_or_estimate",
]

#: Mean Earth radius (IUGG), metres.
EARTH_RADIUS_M = 6_371_008.8
#: Road distance / straight-line distance for trips inside Kota Malang (see module notes).
CIRCUITY_FACTOR = 1.35
#: Door-to-door average speed in city traffic, km/h (see module notes).
AVERAGE_SPEED_KMH = 22.0
#: Default working day (minutes since midnight): 08:00-15:00, leaving the last office hour
#: for reports. Kota Malang's offices work 07:30/08:00-16:00 on weekdays.
DEFAULT_START = 8 * 60
DEFAULT_END = 15 * 60
#: Default minutes spent at each stop (greeting, checking the support areas, notes).
DEFAULT_MINUTES_PER_STOP = 30
#: Seconds to wait for an OSRM answer before giving up.
OSRM_TIMEOUT_S = 20.0
#: Cells (sources x destinations) per OSRM table request. ``osrm-routed`` refuses a table
#: larger than ``--max-table-size`` squared (default 100, so 10,000 cells); larger matrices are
#: requested in blocks of source rows.
OSRM_MAX_CELLS = 10_000

#: Solver outcomes: a proven optimum, a heuristic (local search) plan, or a plan that had to
#: drop a must-visit stop.
STATUSES: tuple[str, ...] = ("optimal", "heuristic", "infeasible")
#: Solvers :func:`solve` can use: OR-Tools alone, or VROOM's routes improved by OR-Tools.
SOLVERS: tuple[str, ...] = ("ortools", "vroom")

#: Why a stop is dropped: code -> Bahasa Indonesia template (placeholders already formatted).
DROP_REASONS: dict[str, str] = {
    "jendela_di_luar_jam_kerja": "jendela waktu {jendela} di luar jam kerja {jam_kerja}",
    "jendela_tak_terjangkau": (
        "jendela waktu {jendela} tidak terjangkau dari depo (tiba paling cepat {tiba})"
    ),
    "melebihi_jam_kerja": (
        "melebihi jam kerja: kunjungan ini saja baru kembali di depo pukul {kembali} "
        "(jam kerja {jam_kerja})"
    ),
    "tidak_muat": (
        "melebihi jam kerja: waktu {petugas} petugas ({jam_kerja}) habis untuk kunjungan lain"
    ),
    "jendela_bentrok": (
        "jendela waktu {jendela} tidak dapat dipenuhi bersama kunjungan lain dalam jam kerja "
        "{jam_kerja} ({petugas} petugas)"
    ),
}
_MUST_PREFIX = "wajib dikunjungi, tetapi "

#: Columns of :attr:`Plan.routes` (one row per point of a route, depot at both ends).
ROUTE_COLUMNS: tuple[str, ...] = (
    "petugas",
    "urutan",
    "jenis",
    "id",
    "nama",
    "alamat",
    "kode_kelurahan",
    "presisi_lokasi",
    "lat",
    "lon",
    "jendela",
    "wajib",
    "tiba",
    "mulai",
    "selesai",
    "tiba_menit",
    "mulai_menit",
    "selesai_menit",
    "tunggu_menit",
    "tempuh_menit",
    "jarak_km",
)

_NEUTRAL_PRIORITY = 50.0
#: OR-Tools' first-solution strategy when the search does not start from given routes.
FIRST_SOLUTION_STRATEGY = "PATH_CHEAPEST_ARC"
#: Largest share of the time limit VROOM may take (``solver="vroom"``); OR-Tools' guided local
#: search gets the rest.
VROOM_TIME_SHARE = 0.5
#: Positions tried (cheapest first) for each stop missing from given first routes.
_INSERTION_TRIES = 64


class RoutingError(ValueError):
    """The planning inputs are unusable.

    For example no officer, a working day that ends before it starts, or a matrix of the wrong
    shape.
    """


class OsrmError(RuntimeError):
    """The OSRM server could not be reached or did not give a usable table."""


@dataclass(frozen=True)
class TravelMatrix:
    """Travel times and distances between points, row = from, column = to.

    Attributes
    ----------
    seconds
        Travel times in seconds, shape (n, n), zero diagonal.
    metres
        Road distances in metres (estimated offline), shape (n, n).
    source
        ``"haversine"`` (offline estimate) or ``"osrm"`` (road network).
    """

    seconds: NDArray[np.float64]
    metres: NDArray[np.float64]
    source: str


# --------------------------------------------------------------------------------------------
# Travel times
# --------------------------------------------------------------------------------------------
def haversine_matrix(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.float64]:
    """Great-circle distances between every pair of points.

    Parameters
    ----------
    lat, lon
        Degrees (EPSG:4326), same length n.

    Returns
    -------
    numpy.ndarray
        Metres, shape (n, n), symmetric with a zero diagonal (sphere of radius
        :data:`EARTH_RADIUS_M`; within 0.5 % of the ellipsoid at Malang's latitude).

    Examples
    --------
    >>> round(float(haversine_matrix([0.0, 0.0], [0.0, 1.0])[0, 1]))
    111195
    """
    phi = np.radians(np.asarray(lat, dtype="float64"))
    lam = np.radians(np.asarray(lon, dtype="float64"))
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def haversine_travel(
    lat: ArrayLike,
    lon: ArrayLike,
    *,
    circuity: float = CIRCUITY_FACTOR,
    speed_kmh: float = AVERAGE_SPEED_KMH,
) -> TravelMatrix:
    """Estimate travel times offline: straight line x circuity at an average speed.

    Parameters
    ----------
    lat, lon
        Degrees (EPSG:4326).
    circuity
        Road distance per straight-line distance (dimensionless, >= 1).
    speed_kmh
        Average door-to-door speed, km/h (> 0).

    Returns
    -------
    TravelMatrix
        ``metres = haversine * circuity``, ``seconds = metres / (speed_kmh / 3.6)``,
        ``source = "haversine"``.
    """
    if not circuity >= 1.0:
        raise RoutingError(f"circuity must be at least 1, got {circuity}")
    if not speed_kmh > 0:
        raise RoutingError(f"speed_kmh must be positive, got {speed_kmh}")
    metres = haversine_matrix(lat, lon) * circuity
    return TravelMatrix(seconds=metres / (speed_kmh / 3.6), metres=metres, source="haversine")


def osrm_url() -> str | None:
    """Return the OSRM server's base URL from the ``OSRM_URL`` environment variable, or None."""
    url = os.environ.get("OSRM_URL", "").strip()
    return url or None


def _osrm_get(url: str, *, timeout_s: float) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"User-Agent": "peta-sentra-umkm"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:300]
        try:
            parsed = json.loads(detail)
            detail = f"{parsed.get('code')}: {parsed.get('message')}"
        except (ValueError, AttributeError):
            pass
        raise OsrmError(f"server OSRM menolak permintaan (HTTP {exc.code}): {detail}") from exc
    except TimeoutError as exc:
        raise OsrmError(f"server OSRM tidak menjawab dalam {timeout_s:g} detik") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise OsrmError(f"server OSRM tidak menjawab dalam {timeout_s:g} detik") from exc
        raise OsrmError(f"server OSRM tidak dapat dihubungi: {exc.reason}") from exc
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise OsrmError("jawaban server OSRM bukan JSON") from exc
    if not isinstance(data, dict):
        raise OsrmError("jawaban server OSRM bukan objek JSON")
    if data.get("code") != "Ok":
        raise OsrmError(f"server OSRM menjawab {data.get('code')}: {data.get('message', '')}")
    return data


def osrm_table(
    lat: ArrayLike,
    lon: ArrayLike,
    *,
    base_url: str,
    profile: str = "driving",
    timeout_s: float = OSRM_TIMEOUT_S,
    max_cells: int = OSRM_MAX_CELLS,
    labels: Sequence[str] | None = None,
) -> TravelMatrix:
    """Ask an OSRM server's table service for road travel times and distances.

    Sends ``GET {base_url}/table/v1/{profile}/{lon,lat;...}?annotations=duration,distance``
    (with ``sources=`` blocks when the table is larger than ``max_cells``) through urllib.

    Parameters
    ----------
    lat, lon
        Degrees (EPSG:4326).
    base_url
        The server, e.g. ``http://localhost:5000``.
    profile
        The OSRM profile in the URL (``driving`` for ``car.lua``).
    timeout_s
        Seconds to wait for each answer.
    max_cells
        Largest ``sources x destinations`` per request (the server's ``--max-table-size``
        squared).
    labels
        Names of the points for error messages (default: their positions).

    Returns
    -------
    TravelMatrix
        ``source = "osrm"``; seconds and metres as the server computed them. A server that
        does not return distances (older than 5.18) gets them estimated offline.

    Raises
    ------
    OsrmError
        The server cannot be reached, times out, refuses the request, answers something else
        than a table, or finds no road between two points (the message names them).
    """
    lat_a = np.asarray(lat, dtype="float64")
    lon_a = np.asarray(lon, dtype="float64")
    n = len(lat_a)
    names = list(labels) if labels is not None else [str(i) for i in range(n)]
    coords = ";".join(f"{x:.6f},{y:.6f}" for x, y in zip(lon_a, lat_a, strict=True))
    base = f"{base_url.rstrip('/')}/table/v1/{profile}/{coords}?annotations=duration,distance"
    seconds = np.full((n, n), np.nan)
    metres = np.full((n, n), np.nan)
    rows_per_request = max(1, int(max_cells) // max(n, 1))
    has_distances = True
    for first in range(0, n, rows_per_request):
        block = list(range(first, min(n, first + rows_per_request)))
        url = base if len(block) == n else base + "&sources=" + ";".join(map(str, block))
        data = _osrm_get(url, timeout_s=timeout_s)
        durations = data.get("durations")
        if not isinstance(durations, list) or len(durations) != len(block):
            raise OsrmError("jawaban server OSRM tidak memuat tabel durations yang lengkap")
        distances = data.get("distances")
        if distances is None:
            has_distances = False
        for k, row in enumerate(block):
            values = durations[k]
            if not isinstance(values, list) or len(values) != n:
                raise OsrmError("baris tabel durations dari server OSRM tidak lengkap")
            for j, value in enumerate(values):
                if value is None:
                    raise OsrmError(
                        f"OSRM tidak menemukan jalan dari {names[row]} ke {names[j]}; "
                        "periksa koordinatnya"
                    )
            seconds[row] = np.asarray(values, dtype="float64")
            if distances is not None:
                metres[row] = np.asarray(
                    [np.nan if d is None else d for d in distances[k]], dtype="float64"
                )
    if not has_distances or np.isnan(metres).any():
        estimate = haversine_matrix(lat_a, lon_a) * CIRCUITY_FACTOR
        metres = np.where(np.isnan(metres), estimate, metres)
    np.fill_diagonal(seconds, 0.0)
    np.fill_diagonal(metres, 0.0)
    return TravelMatrix(seconds=seconds, metres=metres, source="osrm")


def travel_matrix_or_estimate(
    lat: ArrayLike,
    lon: ArrayLike,
    *,
    osrm_url: str | None = None,
    labels: Sequence[str] | None = None,
) -> tuple[TravelMatrix, str | None]:
    """Return travel times from OSRM, or the offline estimate and the reason when OSRM fails.

    The one fallback policy of the app: the planning page and ``python -m geo plan`` both plan
    with the estimate (:func:`haversine_travel`) when the server gives no usable table, and say
    so.

    Parameters
    ----------
    lat, lon
        Degrees (EPSG:4326).
    osrm_url
        Base URL of an OSRM server, or None for the offline estimate (no note).
    labels
        Point names for OSRM error messages.

    Returns
    -------
    tuple
        The matrix, and None or why OSRM failed (Bahasa Indonesia; the estimate was used).
    """
    if not osrm_url:
        return travel_matrix(lat, lon), None
    try:
        return travel_matrix(lat, lon, osrm_url=osrm_url, labels=labels), None
    except OsrmError as exc:
        return travel_matrix(lat, lon), str(exc)


def travel_matrix(
    lat: ArrayLike,
    lon: ArrayLike,
    *,
    osrm_url: str | None = None,
    circuity: float = CIRCUITY_FACTOR,
    speed_kmh: float = AVERAGE_SPEED_KMH,
    timeout_s: float = OSRM_TIMEOUT_S,
    labels: Sequence[str] | None = None,
) -> TravelMatrix:
    """Return travel times: from OSRM when ``osrm_url`` is given, else the offline estimate.

    Parameters
    ----------
    lat, lon
        Degrees (EPSG:4326).
    osrm_url
        Base URL of an OSRM server (e.g. :func:`osrm_url`), or None for the offline estimate.
    circuity, speed_kmh
        Offline estimate parameters (see :func:`haversine_travel`).
    timeout_s
        OSRM request timeout, seconds.
    labels
        Point names for OSRM error messages.

    Raises
    ------
    OsrmError
        With ``osrm_url``, when the server gives no usable table (no silent fallback: the
        caller decides whether to plan with the estimate instead).
    """
    if osrm_url:
        return osrm_table(lat, lon, base_url=osrm_url, timeout_s=timeout_s, labels=labels)
    return haversine_travel(lat, lon, circuity=circuity, speed_kmh=speed_kmh)


# --------------------------------------------------------------------------------------------
# Schedules and cost
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Schedule:
    """Times of one route (seconds since midnight); ``begin`` is when each visit starts."""

    depart: int
    arrive: list[int]
    begin: list[int]
    finish: list[int]
    back: int
    feasible: bool


def _forward(
    seq: Sequence[int],
    depart: int,
    *,
    travel: NDArray[np.int64],
    service: NDArray[np.int64],
    open_s: NDArray[np.int64],
    close_s: NDArray[np.int64],
    end_s: int,
) -> _Schedule:
    t = depart
    prev = 0
    arrive, begin, finish = [], [], []
    feasible = True
    for node in seq:
        a = t + int(travel[prev, node])
        b = max(a, int(open_s[node]))
        if b > close_s[node]:
            feasible = False
        f = b + int(service[node])
        arrive.append(a)
        begin.append(b)
        finish.append(f)
        t, prev = f, node
    back = t + int(travel[prev, 0])
    return _Schedule(depart, arrive, begin, finish, back, feasible and back <= end_s)


def _latest_departure(
    seq: Sequence[int], *, deadline: int, start_s: int, **kw: Any
) -> _Schedule | None:
    """Time a route leaving as late as possible but back by ``deadline``.

    The departure is at or after ``start_s``; None when even leaving at ``start_s`` is not
    feasible or not back by ``deadline``.
    """
    first = _forward(seq, start_s, **kw)
    if not first.feasible or first.back > deadline:
        return None
    lo, hi = start_s, deadline  # lo is known good
    while lo < hi:
        mid = (lo + hi + 1) // 2
        s = _forward(seq, mid, **kw)
        if s.feasible and s.back <= deadline:
            lo = mid
        else:
            hi = mid - 1
    return _forward(seq, lo, **kw)


def schedule_route(
    seq: Sequence[int],
    *,
    travel: NDArray[np.int64],
    service: NDArray[np.int64],
    open_s: NDArray[np.int64],
    close_s: NDArray[np.int64],
    start_s: int,
    end_s: int,
) -> _Schedule | None:
    """Time one route: leave as late as possible without coming back later.

    Parameters
    ----------
    seq
        Node numbers of the stops in visiting order (the depot is node 0, not listed).
    travel
        Travel times, seconds, indexed by node.
    service
        Service time of each node, seconds.
    open_s, close_s
        Window of each node: the visit starts in ``[open_s, close_s]`` (seconds since
        midnight).
    start_s, end_s
        The working day, seconds since midnight.

    Returns
    -------
    _Schedule or None
        Departure, arrival, start and end of every visit and the return, with waiting pushed
        to the depot: the officer leaves at the latest time that still brings them back as
        early as leaving at ``start_s`` would. None when the route cannot be done in the day.
    """
    kw = {"travel": travel, "service": service, "open_s": open_s, "close_s": close_s}
    earliest = _forward(seq, start_s, end_s=end_s, **kw)
    if not earliest.feasible:
        return None
    return _latest_departure(seq, deadline=earliest.back, start_s=start_s, end_s=end_s, **kw)


def plan_cost(
    routes: Sequence[Sequence[int]],
    *,
    travel: NDArray[np.int64],
    service: NDArray[np.int64],
    open_s: NDArray[np.int64],
    close_s: NDArray[np.int64],
    start_s: int,
    end_s: int,
) -> int | None:
    """Return the solver's objective for given routes (seconds), without drop penalties.

    ``total travel + (last return - first departure)`` over the non-empty routes, with the
    departures chosen to make it smallest: every route returns as early as it can, the last
    of those returns is fixed, and each officer leaves as late as still allows it.

    Returns
    -------
    int or None
        Seconds; 0 for no visits; None when a route is infeasible.
    """
    used = [list(r) for r in routes if len(r)]
    if not used:
        return 0
    kw = {"travel": travel, "service": service, "open_s": open_s, "close_s": close_s}
    earliest = [_forward(r, start_s, end_s=end_s, **kw) for r in used]
    if not all(s.feasible for s in earliest):
        return None
    last = max(s.back for s in earliest)
    departures = []
    for r in used:
        s = _latest_departure(r, deadline=last, start_s=start_s, end_s=end_s, **kw)
        assert s is not None
        departures.append(s.depart)
    total_travel = 0
    for r in used:
        path = [0, *r, 0]
        total_travel += int(sum(travel[a, b] for a, b in itertools.pairwise(path)))
    return total_travel + last - min(departures)


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """A solved visit plan.

    Attributes
    ----------
    depot
        Where every route starts and ends.
    stops
        The input stops, validated (:data:`geo.planning.stops.STOP_COLUMNS`).
    routes
        One row per point of each officer's route (:data:`ROUTE_COLUMNS`), depot first
        (``urutan`` 0) and last, stops numbered from 1. Times are ``"HH:MM"`` strings and
        minutes since midnight; ``tempuh_menit`` and ``jarak_km`` are from the previous point.
        Officers without visits have no rows.
    dropped
        ``id``, ``nama``, ``kode`` (a key of :data:`DROP_REASONS`), ``alasan`` (Bahasa
        Indonesia) and ``wajib`` for every stop not in a route.
    officers
        One row per officer (1..n): ``petugas``, ``jumlah_kunjungan``, ``berangkat`` and
        ``kembali`` (``"HH:MM"``), ``total_menit`` (return minus departure),
        ``tempuh_menit`` (driving), ``tunggu_menit``, ``jarak_km``.
    status
        One of :data:`STATUSES`.
    solver_status
        OR-Tools' own status name (e.g. ``ROUTING_SUCCESS``), or ``"TIDAK_DIJALANKAN"``.
    cost_s
        The objective without penalties, seconds (:func:`plan_cost`).
    solve_seconds
        Wall time of the search: VROOM or the warm start's repair, then OR-Tools.
    time_limit_s
        The search's time limit.
    matrix_source
        ``"haversine"`` or ``"osrm"``.
    start, end, minutes_per_stop, n_officers
        The working day (minutes since midnight), the service time and the officers asked.
    notes
        What the planner should know about how the plan was made (e.g. the OSRM server failed
        and the offline estimate was used), in Bahasa Indonesia.
    solver
        How the first routes were made: ``"ortools"``, ``"vroom"`` (VROOM's routes, then
        improved by OR-Tools) or ``"ortools+awal"`` (a warm start from ``initial_routes``;
        VROOM is then not asked).
    """

    depot: Depot
    stops: pd.DataFrame
    routes: pd.DataFrame
    dropped: pd.DataFrame
    officers: pd.DataFrame
    status: str
    solver_status: str
    cost_s: int
    solve_seconds: float
    time_limit_s: float
    matrix_source: str
    start: int
    end: int
    minutes_per_stop: int
    n_officers: int
    notes: tuple[str, ...] = ()
    solver: str = "ortools"

    def route(self, officer: int) -> pd.DataFrame:
        """Return the rows of one officer's route (1-based), depot at both ends, or empty."""
        rows = self.routes[self.routes["petugas"] == officer]
        return rows.reset_index(drop=True)

    def summary(self) -> dict[str, Any]:
        """Return a JSON-ready summary: status, minutes per officer, dropped stops."""
        officers = [
            {
                "officer": int(r.petugas),
                "stops": int(r.jumlah_kunjungan),
                "depart": r.berangkat,
                "return": r.kembali,
                "total_minutes": float(r.total_menit),
                "travel_minutes": float(r.tempuh_menit),
                "distance_km": float(r.jarak_km),
            }
            for r in self.officers.itertuples(index=False)
        ]
        return {
            "status": self.status,
            "solver_status": self.solver_status,
            "solver": self.solver,
            "total_minutes": [o["total_minutes"] for o in officers],
            "officers": officers,
            "stops": len(self.stops),
            "visited": len(self.stops) - len(self.dropped),
            "dropped": [
                {"id": r.id, "reason": r.alasan, "must_visit": bool(r.wajib)}
                for r in self.dropped.itertuples(index=False)
            ],
            "cost_seconds": int(self.cost_s),
            "solve_seconds": round(float(self.solve_seconds), 3),
            "time_limit_seconds": float(self.time_limit_s),
            "travel_times": self.matrix_source,
            "depot": {"id": self.depot.id, "nama": self.depot.nama},
            "working_hours": [format_hhmm(self.start), format_hhmm(self.end)],
            "minutes_per_stop": int(self.minutes_per_stop),
            "notes": list(self.notes),
        }


def default_time_limit(n_stops: int) -> float:
    """Seconds of search for ``n_stops`` stops: 0.4 s plus 0.02 s per stop, at most 10 s.

    10 stops get 0.6 s, 50 get 1.4 s, 100 get 2.4 s, 200 get 4.4 s; ``bench/routing.py``
    shows the gap to a ten times longer search (docs/notes/routing.md).
    """
    return float(min(10.0, 0.4 + 0.02 * max(0, n_stops)))


def _window_text(open_min: int | None, close_min: int | None) -> str:
    if open_min is None and close_min is None:
        return ""
    return f"{format_hhmm(open_min) or '…'}–{format_hhmm(close_min) or '…'}"


@dataclass(frozen=True)
class SolveOptions:
    """How :func:`solve` plans: the working day, the service time, the search and travel times.

    Attributes
    ----------
    start, end
        Working day, minutes since midnight (local time, WIB): nobody leaves the depot before
        ``start`` or is back after ``end``. 08:00-15:00 by default.
    minutes_per_stop
        Minutes spent at each stop.
    time_limit_s
        Search time limit, seconds; :func:`default_time_limit` of the stops that can be served
        when None.
    solution_limit
        Stop the search after this many solutions as well (the guided local search visits
        many, not only improving ones). Unlike the time limit it does not depend on how busy
        the machine is, so a run is repeatable; tests and the benchmark use it. None: no limit.
    osrm_url, circuity, speed_kmh
        How to compute the travel times when :func:`solve` is given no matrix (see
        :func:`travel_matrix`): an OSRM server, or the offline estimate's circuity factor and
        speed in km/h.
    solver
        ``"ortools"`` or ``"vroom"`` (:data:`SOLVERS`): how the first routes are made before
        OR-Tools' guided local search improves them. None: the deployment's setting
        (:func:`geo.core.settings.routing_solver`, environment variable
        ``PETA_UMKM_ROUTING_SOLVER``). ``"vroom"`` without pyvroom installed plans with
        OR-Tools and says so in :attr:`Plan.notes`.
    initial_routes
        Warm start when re-planning: the previous plan's routes, one sequence of stop ids
        (the ``id`` column of the stop table, in visiting order, depot left out) per officer,
        e.g. ``[list(plan.route(v)["id"].iloc[1:-1]) for v in range(1, plan.n_officers + 1)]``
        (:func:`initial_sequences` does that for a :class:`Plan`). The search starts from
        these routes instead of building its own first solution, and the plan returned is
        never worse than them (same or fewer dropped stops, then same or lower
        :func:`plan_cost`). Ids no longer in the stop table, stops no plan can serve, repeats
        and routes beyond ``officers`` are ignored; a stop that no longer fits where it was
        (new window, shorter day) is left out of its route and placed again by the search;
        new stops are inserted by the search. None or empty: no warm start.
    """

    start: int = DEFAULT_START
    end: int = DEFAULT_END
    minutes_per_stop: int = DEFAULT_MINUTES_PER_STOP
    time_limit_s: float | None = None
    solution_limit: int | None = None
    osrm_url: str | None = None
    circuity: float = CIRCUITY_FACTOR
    speed_kmh: float = AVERAGE_SPEED_KMH
    solver: str | None = None
    initial_routes: Sequence[Sequence[str]] | None = None


@dataclass(frozen=True)
class _Problem:
    """The routing problem in the solver's units: nodes (0 = depot, i + 1 = stop i), seconds.

    ``travel`` is the rounded-up travel time matrix with a zero diagonal; ``service``,
    ``open_s`` and ``close_s`` are per node (the depot's window is the working day and stop
    windows never open before it); ``must`` and ``priority`` are per stop (0-100, missing
    priorities neutral).
    """

    stops: pd.DataFrame
    officers: int
    travel: NDArray[np.int64]
    service: NDArray[np.int64]
    open_s: NDArray[np.int64]
    close_s: NDArray[np.int64]
    must: NDArray[np.bool_]
    priority: NDArray[np.float64]
    start_s: int
    end_s: int

    @property
    def times(self) -> dict[str, Any]:
        """Keyword arguments of :func:`schedule_route` and :func:`plan_cost`."""
        return {
            "travel": self.travel,
            "service": self.service,
            "open_s": self.open_s,
            "close_s": self.close_s,
            "start_s": self.start_s,
            "end_s": self.end_s,
        }

    @property
    def day(self) -> str:
        """The working day as ``"HH:MM–HH:MM"``."""
        return f"{format_hhmm(self.start_s // 60)}–{format_hhmm(self.end_s // 60)}"

    def has_window(self, i: int) -> bool:
        """Whether stop ``i`` (0-based) has a window start or end."""
        return bool(
            pd.notna(self.stops["window_start"].iloc[i])
            or pd.notna(self.stops["window_end"].iloc[i])
        )

    def window(self, i: int) -> str:
        """Stop ``i``'s window as text (``"09:00–11:00"``, ``"…"`` for an open side)."""
        a, b = self.stops["window_start"].iloc[i], self.stops["window_end"].iloc[i]
        return _window_text(None if pd.isna(a) else int(a), None if pd.isna(b) else int(b))


@dataclass(frozen=True)
class _Search:
    """Outcome of the OR-Tools search: each officer's stop nodes in visiting order."""

    sequences: list[list[int]]
    solver_status: str = "TIDAK_DIJALANKAN"
    solve_seconds: float = 0.0
    proven: bool = True


def _check_request(officers: int, options: SolveOptions) -> None:
    """Raise :class:`RoutingError` for no officer, a bad working day or a negative service."""
    start, end = options.start, options.end
    if officers < 1:
        raise RoutingError(f"jumlah petugas minimal 1, bukan {officers}")
    if not 0 <= start < end <= 24 * 60:
        raise RoutingError(
            f"jam kerja {format_hhmm(start)}–{format_hhmm(end)} tidak sah (selesai harus "
            "setelah mulai, dalam satu hari)"
        )
    if options.minutes_per_stop < 0:
        raise RoutingError("menit per kunjungan tidak boleh negatif")


def _stop_matrix(
    stops: pd.DataFrame, depot: Depot, *, options: SolveOptions, matrix: TravelMatrix | None
) -> TravelMatrix:
    """Return the given matrix, checked against the stops, or :func:`travel_matrix` of them."""
    n = len(stops)
    if matrix is None:
        lat = np.r_[depot.lat, stops["lat"].to_numpy(dtype="float64")]
        lon = np.r_[depot.lon, stops["lon"].to_numpy(dtype="float64")]
        labels = [depot.nama, *stops["nama"].astype(str)]
        matrix = travel_matrix(
            lat,
            lon,
            osrm_url=options.osrm_url,
            circuity=options.circuity,
            speed_kmh=options.speed_kmh,
            labels=labels,
        )
    if matrix.seconds.shape != (n + 1, n + 1):
        raise RoutingError(f"matriks waktu tempuh {matrix.seconds.shape} untuk {n + 1} titik")
    return matrix


def _problem(
    stops: pd.DataFrame, matrix: TravelMatrix, *, officers: int, options: SolveOptions
) -> _Problem:
    """Convert validated stops and their matrix into solver units (see :class:`_Problem`)."""
    n = len(stops)
    start, end = options.start, options.end
    travel = np.ceil(np.asarray(matrix.seconds, dtype="float64")).astype("int64")
    np.fill_diagonal(travel, 0)
    start_s, end_s = start * 60, end * 60
    service = np.r_[0, np.full(n, options.minutes_per_stop * 60)].astype("int64")
    ws = stops["window_start"]
    we = stops["window_end"]
    open_s = np.r_[start_s, (ws.fillna(start).to_numpy(dtype="int64") * 60)].astype("int64")
    close_s = np.r_[end_s, (we.fillna(end).to_numpy(dtype="int64") * 60)].astype("int64")
    return _Problem(
        stops=stops,
        officers=officers,
        travel=travel,
        service=service,
        open_s=np.maximum(open_s, start_s),
        close_s=close_s,
        must=stops["must_visit"].to_numpy(dtype=bool),
        priority=stops["prioritas"].fillna(_NEUTRAL_PRIORITY).clip(0, 100).to_numpy(),
        start_s=start_s,
        end_s=end_s,
    )


def _unservable(problem: _Problem) -> dict[int, tuple[str, str]]:
    """Return the stops no plan can serve, whatever the others do: position -> (code, reason)."""
    p = problem
    we = p.stops["window_end"]
    reasons: dict[int, tuple[str, str]] = {}
    for i in range(len(p.stops)):
        node = i + 1
        if p.has_window(i) and (p.close_s[node] < p.start_s or p.open_s[node] > p.end_s):
            text = DROP_REASONS["jendela_di_luar_jam_kerja"].format(
                jendela=p.window(i), jam_kerja=p.day
            )
            reasons[i] = ("jendela_di_luar_jam_kerja", text)
            continue
        earliest = p.start_s + int(p.travel[0, node])
        if pd.notna(we.iloc[i]) and earliest > p.close_s[node]:
            text = DROP_REASONS["jendela_tak_terjangkau"].format(
                jendela=p.window(i), tiba=format_hhmm(earliest / 60)
            )
            reasons[i] = ("jendela_tak_terjangkau", text)
            continue
        back = max(earliest, int(p.open_s[node])) + int(p.service[node]) + int(p.travel[node, 0])
        if back > p.end_s:
            text = DROP_REASONS["melebihi_jam_kerja"].format(
                kembali=format_hhmm(back / 60), jam_kerja=p.day
            )
            reasons[i] = ("melebihi_jam_kerja", text)
    return reasons


def _build_model(problem: _Problem, candidates: Sequence[int]) -> tuple[Any, Any, list[int]]:
    """Build the OR-Tools model of the candidate stops (see the module notes).

    Returns the index manager, the routing model and the problem node of each model node
    (model node 0 is the depot, model node k is ``candidates[k - 1]``).
    """
    from ortools.constraint_solver import pywrapcp

    p = problem
    nodes = [0] + [i + 1 for i in candidates]
    sub = p.travel[np.ix_(nodes, nodes)]
    transit = sub + p.service[nodes][:, None]
    manager = pywrapcp.RoutingIndexManager(len(nodes), p.officers, 0)
    model = pywrapcp.RoutingModel(manager)
    travel_cb = model.RegisterTransitMatrix(sub.tolist())
    time_cb = model.RegisterTransitMatrix(transit.tolist())
    model.SetArcCostEvaluatorOfAllVehicles(travel_cb)
    model.AddDimension(time_cb, p.end_s - p.start_s, p.end_s, False, "waktu")
    dim = model.GetDimensionOrDie("waktu")
    dim.SetGlobalSpanCostCoefficient(1)
    for v in range(p.officers):
        dim.CumulVar(model.Start(v)).SetRange(p.start_s, p.end_s)
        dim.CumulVar(model.End(v)).SetRange(p.start_s, p.end_s)
    horizon = p.end_s - p.start_s
    worst = int(sub.max()) * (len(nodes) + p.officers) + horizon  # bound on any plan's cost
    step = worst + 1  # one priority point
    optional = (len(nodes) + 1) * (100 * step) + worst + 1
    mandatory = len(nodes) * (optional + 100 * step) + worst + 1
    for k, i in enumerate(candidates, start=1):
        index = manager.NodeToIndex(k)
        dim.CumulVar(index).SetRange(int(p.open_s[i + 1]), int(p.close_s[i + 1]))
        penalty = mandatory if p.must[i] else optional + round(p.priority[i] * step)
        model.AddDisjunction([index], int(penalty))
    for v in range(p.officers):
        model.AddVariableMaximizedByFinalizer(dim.CumulVar(model.Start(v)))
        model.AddVariableMinimizedByFinalizer(dim.CumulVar(model.End(v)))
    return manager, model, nodes


def _search_parameters(*, time_limit_s: float, solution_limit: int | None) -> Any:
    """Return OR-Tools search parameters: local cheapest insertion, then guided local search."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, FIRST_SOLUTION_STRATEGY
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    if solution_limit is not None:
        params.solution_limit = int(solution_limit)
    return params


def _report_improvements(model: Any, on_solution: Callable[[int], None]) -> None:
    """Call ``on_solution`` with the objective of each solution better than all before."""
    best: list[int | None] = [None]

    def _report() -> None:
        cost = int(model.CostVar().Max())
        if best[0] is None or cost < best[0]:  # guided local search also accepts worse
            best[0] = cost
            on_solution(cost)

    model.AddAtSolutionCallback(_report)


def _search(
    problem: _Problem,
    candidates: Sequence[int],
    *,
    time_limit_s: float,
    solution_limit: int | None = None,
    on_solution: Callable[[int], None] | None = None,
    initial: Sequence[Sequence[int]] | None = None,
) -> _Search:
    """Build the model of the candidate stops, search and read each officer's route.

    With ``initial`` (one node list per officer, feasible: see :func:`_feasible_sequences`)
    the search starts from those routes (``RoutesToAssignment`` and
    ``SolveFromAssignmentWithParameters``) instead of building a first solution; stops in no
    initial route start unvisited and are inserted by the search.

    Raises
    ------
    RoutingError
        OR-Tools found no solution at all.
    """
    from ortools.constraint_solver import routing_enums_pb2

    manager, model, nodes = _build_model(problem, candidates)
    if on_solution is not None:
        _report_improvements(model, on_solution)
    params = _search_parameters(time_limit_s=time_limit_s, solution_limit=solution_limit)
    t0 = time.perf_counter()
    solution = None
    if initial is not None and any(initial):
        model.CloseModelWithParameters(params)
        position = {node: k for k, node in enumerate(nodes)}
        routes = [
            [manager.NodeToIndex(position[n]) for n in seq if n in position] for seq in initial
        ]
        assignment = model.solver().Assignment()
        if model.RoutesToAssignment(routes, True, True, assignment):
            solution = model.SolveFromAssignmentWithParameters(assignment, params)
    if solution is None:
        solution = model.SolveWithParameters(params)
    solve_seconds = time.perf_counter() - t0
    code = model.status()
    solver_status = routing_enums_pb2.RoutingSearchStatus.Value.Name(code)
    if solution is None:
        raise RoutingError(f"OR-Tools tidak menemukan rencana ({solver_status})")
    sequences: list[list[int]] = [[] for _ in range(problem.officers)]
    for v in range(problem.officers):
        index = solution.Value(model.NextVar(model.Start(v)))
        while not model.IsEnd(index):
            sequences[v].append(nodes[manager.IndexToNode(index)])
            index = solution.Value(model.NextVar(index))
    return _Search(
        sequences=sequences,
        solver_status=solver_status,
        solve_seconds=solve_seconds,
        proven=code == routing_enums_pb2.RoutingSearchStatus.ROUTING_OPTIMAL,
    )


def _unvisited(
    problem: _Problem, candidates: Sequence[int], sequences: Sequence[Sequence[int]]
) -> dict[int, tuple[str, str]]:
    """Return the candidate stops the search left out: position -> (code, reason)."""
    visited = {node - 1 for seq in sequences for node in seq}
    reasons: dict[int, tuple[str, str]] = {}
    for i in candidates:
        if i in visited:
            continue
        code = "jendela_bentrok" if problem.has_window(i) else "tidak_muat"
        reasons[i] = (
            code,
            DROP_REASONS[code].format(
                jendela=problem.window(i), jam_kerja=problem.day, petugas=problem.officers
            ),
        )
    return reasons


def _dropped_table(problem: _Problem, reasons: dict[int, tuple[str, str]]) -> pd.DataFrame:
    """Return :attr:`Plan.dropped`: one row per dropped stop, in stop order."""
    stops, must = problem.stops, problem.must
    order = sorted(reasons)
    return pd.DataFrame(
        {
            "id": pd.array([stops["id"].iloc[i] for i in order], dtype="string"),
            "nama": pd.array([stops["nama"].iloc[i] for i in order], dtype="string"),
            "kode": pd.array([reasons[i][0] for i in order], dtype="string"),
            "alasan": pd.array(
                [(_MUST_PREFIX if must[i] else "") + reasons[i][1] for i in order],
                dtype="string",
            ),
            "wajib": np.array([bool(must[i]) for i in order], dtype=bool),
        }
    )


def _schedules(problem: _Problem, sequences: Sequence[Sequence[int]]) -> list[_Schedule | None]:
    """Time every officer's route (:func:`schedule_route`); None for an officer without visits."""
    schedules = []
    for seq in sequences:
        s = schedule_route(seq, **problem.times) if seq else None
        if seq and s is None:  # the solver's routes always fit; this guards the model itself
            raise RoutingError("OR-Tools memberi rute yang tidak memenuhi jam kerja")
        schedules.append(s)
    return schedules


def _status(dropped: pd.DataFrame, *, proven: bool, searched: bool) -> str:
    """Return the plan's status, one of :data:`STATUSES` (see :class:`Plan`)."""
    if dropped["wajib"].any():
        return "infeasible"
    if proven or not searched:
        return "optimal"
    return "heuristic"


def resolve_solver(name: str | None = None) -> str:
    """Return the solver to use: ``name``, or the deployment's setting when None.

    Parameters
    ----------
    name
        ``"ortools"`` or ``"vroom"`` (any case, surrounding spaces ignored), or None for
        :func:`geo.core.settings.routing_solver` (``PETA_UMKM_ROUTING_SOLVER``).

    Raises
    ------
    RoutingError
        The name is not one of :data:`SOLVERS`.
    """
    from geo.core import settings

    chosen = (settings.routing_solver() if name is None else name).strip().lower()
    if chosen not in SOLVERS:
        raise RoutingError(f"pemecah rute {chosen!r} tidak dikenal; pilihan: {', '.join(SOLVERS)}")
    return chosen


def initial_sequences(plan: Plan) -> list[list[str]]:
    """Return a plan's routes as stop ids per officer, the depot left out.

    The ``initial_routes`` of :class:`SolveOptions` when the same stops are planned again
    (a saved plan re-planned after a stop was added, removed or changed).

    Examples
    --------
    ``SolveOptions(initial_routes=initial_sequences(previous))``
    """
    return [[str(x) for x in plan.route(v)["id"].iloc[1:-1]] for v in range(1, plan.n_officers + 1)]


def _warm_nodes(stops: pd.DataFrame, routes: Sequence[Sequence[str]]) -> list[list[int]]:
    """Map routes of stop ids to node numbers (position + 1); unknown ids are skipped."""
    index = {str(sid): k + 1 for k, sid in enumerate(stops["id"])}
    return [[index[str(s)] for s in seq if str(s) in index] for seq in routes]


def _feasible_sequences(
    problem: _Problem, candidates: Sequence[int], routes: Sequence[Sequence[int]]
) -> list[list[int]]:
    """Keep, route by route and in order, every candidate node that still fits its route.

    Nodes that are not candidates, repeats and routes beyond the officers are dropped; a stop
    whose window (or the working day) can no longer be met after the ones kept before it is
    left out of the route. Returns one list per officer, each feasible on its own.
    """
    p = problem
    allowed = {i + 1 for i in candidates}
    seen: set[int] = set()
    kw = {"travel": p.travel, "service": p.service, "open_s": p.open_s, "close_s": p.close_s}
    out: list[list[int]] = []
    for seq in list(routes)[: p.officers]:
        kept: list[int] = []
        for node in seq:
            node = int(node)
            if node not in allowed or node in seen:
                continue
            if _forward([*kept, node], p.start_s, end_s=p.end_s, **kw).feasible:
                kept.append(node)
                seen.add(node)
        out.append(kept)
    return out + [[] for _ in range(p.officers - len(out))]


def _complete(
    problem: _Problem, candidates: Sequence[int], sequences: Sequence[Sequence[int]]
) -> list[list[int]]:
    """Insert the candidate stops missing from feasible routes where they add least travel.

    Must-visit stops first, then by descending priority, then farthest from the depot first;
    each goes to the feasible position (of the :data:`_INSERTION_TRIES` cheapest) that adds
    the least travel time, or stays out. OR-Tools' local search inserts stops that start
    unvisited only slowly (a re-plan with 5 new stops among 100 had not placed them after
    2.4 s), so warm starts and VROOM's routes are completed here first.
    """
    p = problem
    routes = [list(r) for r in sequences]
    placed = {n for r in routes for n in r}
    missing = [i + 1 for i in candidates if i + 1 not in placed]
    missing.sort(key=lambda n: (not p.must[n - 1], -p.priority[n - 1], -int(p.travel[0, n])))
    kw = {"travel": p.travel, "service": p.service, "open_s": p.open_s, "close_s": p.close_s}
    for node in missing:
        options: list[tuple[int, int, int]] = []
        for v, r in enumerate(routes):
            path = np.asarray([0, *r, 0])
            a, b = path[:-1], path[1:]
            delta = p.travel[a, node] + p.travel[node, b] - p.travel[a, b]
            options.extend((int(d), v, k) for k, d in enumerate(delta))
        options.sort()
        for _, v, k in options[:_INSERTION_TRIES]:
            trial = [*routes[v][:k], node, *routes[v][k:]]
            if _forward(trial, p.start_s, end_s=p.end_s, **kw).feasible:
                routes[v] = trial
                break
    return routes


def _plan_key(
    problem: _Problem, candidates: Sequence[int], sequences: Sequence[Sequence[int]]
) -> tuple[int, int, float, int]:
    """Rank routes as the model does: dropped must-visit, dropped optional, their priority, cost.

    Lower is better; the routes must be feasible.
    """
    visited = {n - 1 for seq in sequences for n in seq}
    left = [i for i in candidates if i not in visited]
    must = sum(bool(problem.must[i]) for i in left)
    priority = float(sum(problem.priority[i] for i in left if not problem.must[i]))
    cost = plan_cost(sequences, **problem.times)
    assert cost is not None
    return must, len(left) - must, priority, cost


@dataclass(frozen=True)
class _Start:
    """Routes the search starts from (None: OR-Tools builds its own), and how they were made."""

    sequences: list[list[int]] | None
    solver: str
    seconds: float = 0.0
    notes: tuple[str, ...] = ()


def _start(
    problem: _Problem,
    candidates: Sequence[int],
    *,
    solver: str,
    initial_routes: Any,
    time_limit_s: float,
) -> _Start:
    """Return the search's first routes: the warm start, VROOM's routes, or none.

    A warm start (``initial_routes`` given and not empty) wins over VROOM, which is then not
    asked. VROOM gets at most :data:`VROOM_TIME_SHARE` of ``time_limit_s``. Without pyvroom,
    or when VROOM fails, OR-Tools starts alone and a note says so.
    """
    if initial_routes is not None and any(len(r) for r in initial_routes):
        t0 = time.perf_counter()
        nodes = _warm_nodes(problem.stops, initial_routes)
        kept = _feasible_sequences(problem, candidates, nodes)
        sequences = _complete(problem, candidates, kept)
        return _Start(sequences, "ortools+awal", seconds=time.perf_counter() - t0)
    if solver != "vroom":
        return _Start(None, "ortools")
    from geo.planning import vroom_solver

    if not vroom_solver.available():
        note = "pyvroom tidak terpasang; rute dibuat dengan OR-Tools saja"
        return _Start(None, "ortools", notes=(note,))
    t0 = time.perf_counter()
    try:
        routes = vroom_solver.vroom_routes(
            problem, candidates, timeout_s=VROOM_TIME_SHARE * time_limit_s
        )
    except Exception as exc:  # VROOM's own exceptions derive from Exception only
        note = f"VROOM gagal ({exc}); rute dibuat dengan OR-Tools saja"
        return _Start(None, "ortools", notes=(note,))
    sequences = _complete(problem, candidates, _feasible_sequences(problem, candidates, routes))
    return _Start(sequences, "vroom", seconds=time.perf_counter() - t0)


def solve(
    stops: pd.DataFrame,
    depot: Depot,
    *,
    officers: int = 1,
    options: SolveOptions | None = None,
    matrix: TravelMatrix | None = None,
    on_solution: Callable[[int], None] | None = None,
) -> Plan:
    """Plan the routes of ``officers`` officers from ``depot`` through ``stops``.

    Three stages: the problem (:func:`_problem`; stops no plan can serve are set aside by
    :func:`_unservable`), the search (:func:`_build_model` and :func:`_search`) and the result
    tables (:func:`_route_table`, :func:`_dropped_table`, :func:`_officer_table`).

    Parameters
    ----------
    stops
        Stop table (:data:`geo.planning.stops.STOP_COLUMNS`; checked by
        :func:`geo.planning.stops.validate_stops`). Windows in minutes since midnight.
    depot
        Start and end of every route.
    officers
        Number of officers (vehicles), at least 1.
    options
        Working day, minutes per stop, search limits and how to compute the travel times
        (:class:`SolveOptions`; its defaults when None).
    matrix
        Travel times between the depot (row 0) and the stops (rows 1..n, in table order);
        computed with :func:`travel_matrix` and ``options`` when None.
    on_solution
        Called with the objective (seconds, drop penalties included) of each solution that
        improves on the best found so far.

    Returns
    -------
    Plan
        Every stop is in exactly one route or in ``dropped`` with its reason, whichever solver
        made the first routes (``options.solver``) and with or without a warm start
        (``options.initial_routes``, see :class:`SolveOptions`).

    Raises
    ------
    geo.planning.stops.StopError
        The stop table is invalid.
    RoutingError
        Bad options (also an unknown ``options.solver``) or a matrix of the wrong shape.
    OsrmError
        ``options.osrm_url`` given and the server gives no usable table.
    """
    opts = SolveOptions() if options is None else options
    stops = validate_stops(stops)
    _check_request(officers, opts)
    matrix = _stop_matrix(stops, depot, options=opts, matrix=matrix)
    problem = _problem(stops, matrix, officers=officers, options=opts)
    reasons = _unservable(problem)
    candidates = [i for i in range(len(stops)) if i not in reasons]
    limit = (
        float(opts.time_limit_s)
        if opts.time_limit_s is not None
        else default_time_limit(len(candidates))
    )
    solver = resolve_solver(opts.solver)
    search = _Search(sequences=[[] for _ in range(officers)])
    start = _Start(None, solver)
    if candidates:
        start = _start(
            problem,
            candidates,
            solver=solver,
            initial_routes=opts.initial_routes,
            time_limit_s=limit,
        )
        search = _search(
            problem,
            candidates,
            time_limit_s=max(0.05, limit - start.seconds),
            solution_limit=opts.solution_limit,
            on_solution=on_solution,
            initial=start.sequences,
        )
        if start.sequences is not None and _plan_key(
            problem, candidates, start.sequences
        ) < _plan_key(problem, candidates, search.sequences):
            search = replace(search, sequences=start.sequences)
        search = replace(search, solve_seconds=search.solve_seconds + start.seconds)
        reasons.update(_unvisited(problem, candidates, search.sequences))
    schedules = _schedules(problem, search.sequences)
    cost = plan_cost(search.sequences, **problem.times)
    assert cost is not None
    routes = _route_table(stops, depot, search.sequences, schedules, problem.travel, matrix.metres)
    dropped = _dropped_table(problem, reasons)
    return Plan(
        depot=depot,
        stops=stops,
        routes=routes,
        dropped=dropped,
        officers=_officer_table(routes, officers),
        status=_status(dropped, proven=search.proven, searched=bool(candidates)),
        solver_status=search.solver_status,
        cost_s=int(cost),
        solve_seconds=search.solve_seconds,
        time_limit_s=limit,
        matrix_source=matrix.source,
        start=opts.start,
        end=opts.end,
        minutes_per_stop=opts.minutes_per_stop,
        n_officers=officers,
        notes=start.notes,
        solver=start.solver,
    )


def _route_table(
    stops: pd.DataFrame,
    depot: Depot,
    sequences: list[list[int]],
    schedules: list[_Schedule | None],
    travel: NDArray[np.int64],
    metres: NDArray[np.float64],
) -> pd.DataFrame:
    records: list[dict[str, Any]] = []
    for v, (seq, s) in enumerate(zip(sequences, schedules, strict=True), start=1):
        if not seq or s is None:
            continue
        depot_row = {
            "petugas": v,
            "jenis": "depot",
            "id": f"depot:{depot.id}",
            "nama": depot.nama,
            "alamat": depot.alamat,
            "kode_kelurahan": pd.NA,
            "presisi_lokasi": depot.presisi_lokasi,
            "lat": depot.lat,
            "lon": depot.lon,
            "jendela": "",
            "wajib": False,
        }
        records.append(
            {
                **depot_row,
                "urutan": 0,
                "tiba_s": s.depart,
                "mulai_s": s.depart,
                "selesai_s": s.depart,
                "tunggu_s": 0,
                "tempuh_s": 0,
                "jarak_m": 0.0,
            }
        )
        prev = 0
        for k, node in enumerate(seq):
            row = stops.iloc[node - 1]
            a, b = row["window_start"], row["window_end"]
            records.append(
                {
                    "petugas": v,
                    "urutan": k + 1,
                    "jenis": row["jenis"],
                    "id": row["id"],
                    "nama": row["nama"],
                    "alamat": row["alamat"],
                    "kode_kelurahan": row["kode_kelurahan"],
                    "presisi_lokasi": row["presisi_lokasi"],
                    "lat": float(row["lat"]),
                    "lon": float(row["lon"]),
                    "jendela": _window_text(
                        None if pd.isna(a) else int(a), None if pd.isna(b) else int(b)
                    ),
                    "wajib": bool(row["must_visit"]),
                    "tiba_s": s.arrive[k],
                    "mulai_s": s.begin[k],
                    "selesai_s": s.finish[k],
                    "tunggu_s": s.begin[k] - s.arrive[k],
                    "tempuh_s": int(travel[prev, node]),
                    "jarak_m": float(metres[prev, node]),
                }
            )
            prev = node
        records.append(
            {
                **depot_row,
                "urutan": len(seq) + 1,
                "tiba_s": s.back,
                "mulai_s": s.back,
                "selesai_s": s.back,
                "tunggu_s": 0,
                "tempuh_s": int(travel[prev, 0]),
                "jarak_m": float(metres[prev, 0]),
            }
        )
    if not records:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ROUTE_COLUMNS})
    df = pd.DataFrame.from_records(records)
    out = pd.DataFrame(
        {
            "petugas": df["petugas"].astype("int64"),
            "urutan": df["urutan"].astype("int64"),
            "jenis": df["jenis"].astype("string"),
            "id": df["id"].astype("string"),
            "nama": df["nama"].astype("string"),
            "alamat": df["alamat"].astype("string"),
            "kode_kelurahan": df["kode_kelurahan"].astype("string"),
            "presisi_lokasi": df["presisi_lokasi"].astype("string"),
            "lat": df["lat"].astype("float64"),
            "lon": df["lon"].astype("float64"),
            "jendela": df["jendela"].astype("string"),
            "wajib": df["wajib"].astype(bool),
            "tiba": [format_hhmm(x / 60) for x in df["tiba_s"]],
            "mulai": [format_hhmm(x / 60) for x in df["mulai_s"]],
            "selesai": [format_hhmm(x / 60) for x in df["selesai_s"]],
            "tiba_menit": df["tiba_s"] / 60.0,
            "mulai_menit": df["mulai_s"] / 60.0,
            "selesai_menit": df["selesai_s"] / 60.0,
            "tunggu_menit": df["tunggu_s"] / 60.0,
            "tempuh_menit": df["tempuh_s"] / 60.0,
            "jarak_km": df["jarak_m"] / 1000.0,
        }
    )
    for col in ("tiba", "mulai", "selesai"):
        out[col] = out[col].astype("string")
    return out[list(ROUTE_COLUMNS)]


def _officer_table(routes: pd.DataFrame, officers: int) -> pd.DataFrame:
    rows = []
    for v in range(1, officers + 1):
        r = routes[routes["petugas"] == v] if not routes.empty else routes
        if r.empty:
            rows.append((v, 0, "", "", 0.0, 0.0, 0.0, 0.0))
            continue
        depart = float(r["selesai_menit"].iloc[0])
        back = float(r["tiba_menit"].iloc[-1])
        rows.append(
            (
                v,
                len(r) - 2,
                format_hhmm(depart),
                format_hhmm(back),
                round(back - depart, 2),
                round(float(r["tempuh_menit"].sum()), 2),
                round(float(r["tunggu_menit"].sum()), 2),
                round(float(r["jarak_km"].sum()), 3),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "petugas",
            "jumlah_kunjungan",
            "berangkat",
            "kembali",
            "total_menit",
            "tempuh_menit",
            "tunggu_menit",
            "jarak_km",
        ],
    )
