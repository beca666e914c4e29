"""Routing: travel times (offline and OSRM), optimality against brute force, windows, drops."""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest

from geo.planning import routing
from geo.planning.routing import (
    DROP_REASONS,
    OsrmError,
    RoutingError,
    SolveOptions,
    TravelMatrix,
    haversine_matrix,
    haversine_travel,
    osrm_table,
    plan_cost,
    schedule_route,
    solve,
    travel_matrix,
)
from geo.planning.stops import Depot, StopError

DEPOT = Depot("balai-kota", "Balai Kota Malang", "Jl. Tugu No. 1", -7.97724, 112.63411, "jalan")
SVC = 15  # minutes per stop in most tests
#: A search budget counted in solutions, not seconds: the result does not depend on how busy
#: the (shared) machine is. 100 solutions take a fraction of a second for these sizes.
BUDGET = {"time_limit_s": 60.0, "solution_limit": 100}


@pytest.fixture(autouse=True, params=routing.SOLVERS)
def solver(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run every test with each selectable solver (the deployment setting, as in production)."""
    monkeypatch.setenv("PETA_UMKM_ROUTING_SOLVER", request.param)
    return request.param


def _stops(n: int, seed: int, **columns: object) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "id": [f"s{i}" for i in range(n)],
            "nama": [f"Titik {i}" for i in range(n)],
            "lat": DEPOT.lat + rng.uniform(-0.04, 0.04, n),
            "lon": DEPOT.lon + rng.uniform(-0.035, 0.035, n),
        }
    )
    for key, value in columns.items():
        df[key] = value
    return df


def _int_matrix(stops: pd.DataFrame) -> np.ndarray:
    """The integer seconds the solver works with (ceil, zero diagonal)."""
    m = haversine_travel([DEPOT.lat, *stops["lat"]], [DEPOT.lon, *stops["lon"]])
    t = np.ceil(m.seconds).astype(np.int64)
    np.fill_diagonal(t, 0)
    return t


def _travel(t: np.ndarray, route: list[int]) -> int:
    path = [0, *route, 0]
    return int(sum(t[a, b] for a, b in itertools.pairwise(path)))


def _routes_as_nodes(plan: routing.Plan) -> list[list[int]]:
    index = {sid: k + 1 for k, sid in enumerate(plan.stops["id"])}
    out = []
    for officer in range(1, plan.n_officers + 1):
        r = plan.route(officer)
        out.append([index[s] for s in r["id"].iloc[1:-1]] if not r.empty else [])
    return out


def _every_stop_once(plan: routing.Plan) -> None:
    routed = [s for s in plan.routes["id"] if not str(s).startswith("depot:")]
    dropped = list(plan.dropped["id"])
    assert len(routed) == len(set(routed))
    assert not set(routed) & set(dropped)
    assert sorted(routed + dropped) == sorted(plan.stops["id"])


# --------------------------------------------------------------------------------------------
# Travel times
# --------------------------------------------------------------------------------------------
def test_haversine_matches_a_known_distance():
    # One degree of longitude on the equator: 2 * pi * R / 360.
    d = haversine_matrix([0.0, 0.0], [0.0, 1.0])
    assert d[0, 1] == pytest.approx(2 * np.pi * routing.EARTH_RADIUS_M / 360, rel=1e-9)
    assert d[0, 0] == 0 and d[1, 0] == d[0, 1]
    # Balai Kota to Sanan, about 2.5 km apart.
    d = haversine_matrix([-7.97724, -7.96090], [112.63411, 112.64351])
    assert 2_000 < d[0, 1] < 2_300


def test_offline_times_apply_circuity_and_speed():
    m = haversine_travel([-7.97724, -7.96090], [112.63411, 112.64351], circuity=1.5, speed_kmh=30)
    straight = haversine_matrix([-7.97724, -7.96090], [112.63411, 112.64351])[0, 1]
    assert m.metres[0, 1] == pytest.approx(straight * 1.5)
    assert m.seconds[0, 1] == pytest.approx(straight * 1.5 / (30 / 3.6))
    assert m.source == "haversine"
    with pytest.raises(RoutingError):
        haversine_travel([0, 0], [0, 1], circuity=0.9)
    with pytest.raises(RoutingError):
        haversine_travel([0, 0], [0, 1], speed_kmh=0)


# --- a fake OSRM server answering in the table service's format --------------------------------
class _FakeOsrm(BaseHTTPRequestHandler):
    mode = "ok"
    requests: list[str] = []  # noqa: RUF012 - shared by design: the test reads what was asked

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        url = urlsplit(self.path)
        parts = url.path.split("/")
        assert parts[1:4] == ["table", "v1", "driving"], parts
        coords = [tuple(map(float, c.split(","))) for c in parts[4].split(";")]
        query = parse_qs(url.query)
        n = len(coords)
        sources = [int(s) for s in query["sources"][0].split(";")] if "sources" in query else None
        rows = sources if sources is not None else list(range(n))
        if self.mode == "slow":
            time.sleep(1.0)
        if self.mode == "error":
            self._send(400, {"code": "InvalidQuery", "message": "Query string malformed"})
            return
        # Durations encode (from, to) so the test can check where each cell went.
        durations = [[float(100 * i + j) if i != j else 0.0 for j in range(n)] for i in rows]
        distances = [[float(1000 * i + j) if i != j else 0.0 for j in range(n)] for i in rows]
        if self.mode == "null":
            durations[0][n - 1] = None
        body = {"code": "Ok", "durations": durations, "sources": [], "destinations": []}
        if self.mode != "no_distances":
            body["distances"] = distances
        self._send(200, body)

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fake_osrm() -> Iterator[tuple[str, type[_FakeOsrm]]]:
    handler = type("Handler", (_FakeOsrm,), {"mode": "ok", "requests": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


LAT = [-7.97724, -7.96090, -8.0120, -7.9380, -7.91898]
LON = [112.63411, 112.64351, 112.6205, 112.6100, 112.62711]


def test_osrm_table_is_read_into_the_matrix(fake_osrm):
    url, handler = fake_osrm
    m = travel_matrix(LAT, LON, osrm_url=url)
    assert m.source == "osrm"
    for i, j in itertools.product(range(5), range(5)):
        assert m.seconds[i, j] == (100 * i + j if i != j else 0)
        assert m.metres[i, j] == (1000 * i + j if i != j else 0)
    (path,) = handler.requests
    assert "annotations=duration,distance" in path
    assert path.split("/")[4].split("?")[0].split(";")[0] == "112.634110,-7.977240"  # lon,lat


def test_osrm_large_tables_are_asked_in_blocks_of_sources(fake_osrm):
    url, handler = fake_osrm
    m = osrm_table(LAT, LON, base_url=url, max_cells=10)  # 2 source rows of 5 per request
    assert len(handler.requests) == 3
    assert [parse_qs(urlsplit(p).query)["sources"][0] for p in handler.requests] == [
        "0;1",
        "2;3",
        "4",
    ]
    assert m.seconds[4, 2] == 402 and m.seconds[1, 3] == 103


def test_osrm_without_distances_estimates_them(fake_osrm):
    url, handler = fake_osrm
    handler.mode = "no_distances"
    m = osrm_table(LAT, LON, base_url=url)
    expected = haversine_matrix(LAT, LON) * routing.CIRCUITY_FACTOR
    assert m.metres == pytest.approx(expected)
    assert m.seconds[2, 1] == 201


@pytest.mark.parametrize(
    ("mode", "fragment"),
    [
        ("error", "InvalidQuery"),
        ("null", "tidak menemukan jalan dari A ke E"),
        ("slow", "tidak menjawab dalam 0.2 detik"),
    ],
)
def test_osrm_failures_say_what_went_wrong(fake_osrm, mode, fragment):
    url, handler = fake_osrm
    handler.mode = mode
    with pytest.raises(OsrmError, match=fragment):
        osrm_table(LAT, LON, base_url=url, timeout_s=0.2, labels=list("ABCDE"))


def test_osrm_unreachable_server_is_a_clear_error():
    with socket.socket() as sock:  # a free port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(OsrmError, match="tidak dapat dihubungi"):
        osrm_table(LAT, LON, base_url=f"http://127.0.0.1:{port}", timeout_s=2)


def test_osrm_url_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("OSRM_URL", raising=False)
    assert routing.osrm_url() is None
    monkeypatch.setenv("OSRM_URL", " http://osrm.internal:5000 ")
    assert routing.osrm_url() == "http://osrm.internal:5000"


def test_solve_uses_osrm_times_when_given_a_server(fake_osrm):
    url, _ = fake_osrm
    stops = pd.DataFrame({"id": ["a", "b"], "nama": ["A", "B"], "lat": LAT[1:3], "lon": LON[1:3]})
    plan = solve(stops, DEPOT, options=SolveOptions(osrm_url=url, minutes_per_stop=10, **BUDGET))
    assert plan.matrix_source == "osrm"
    route = plan.route(1)
    # Fake durations: 0->1 is 1 s, 1->2 102 s, 2->0 200 s (or the reverse order).
    assert route["tempuh_menit"].sum() * 60 == pytest.approx(1 + 102 + 200) or route[
        "tempuh_menit"
    ].sum() * 60 == pytest.approx(2 + 201 + 100)


# --------------------------------------------------------------------------------------------
# Optimality against brute force (same objective, computed independently)
# --------------------------------------------------------------------------------------------
def test_one_officer_eight_stops_matches_brute_force():
    stops = _stops(8, seed=1)
    t = _int_matrix(stops)
    best = min(_travel(t, list(p)) for p in itertools.permutations(range(1, 9)))
    plan = solve(
        stops,
        DEPOT,
        options=SolveOptions(minutes_per_stop=SVC, start=8 * 60, end=17 * 60, **BUDGET),
    )
    assert plan.dropped.empty
    (route,) = [r for r in _routes_as_nodes(plan) if r]
    assert _travel(t, route) == best
    # Objective: travel + (return - departure) = 2 * travel + service.
    assert plan.cost_s == 2 * best + 8 * SVC * 60
    assert plan.officers["tempuh_menit"].iloc[0] * 60 == pytest.approx(best, abs=0.6)
    assert plan.officers["total_menit"].iloc[0] * 60 == pytest.approx(best + 8 * SVC * 60, abs=0.6)


def test_two_officers_seven_stops_matches_brute_force():
    stops = _stops(7, seed=2)
    t = _int_matrix(stops)
    svc = SVC * 60
    best = None
    for perm in itertools.permutations(range(1, 8)):
        for k in range(8):
            r1, r2 = list(perm[:k]), list(perm[k:])
            t1 = _travel(t, r1) if r1 else 0
            t2 = _travel(t, r2) if r2 else 0
            span = max(t1 + svc * len(r1), t2 + svc * len(r2))
            cost = t1 + t2 + span
            best = cost if best is None else min(best, cost)
    plan = solve(stops, DEPOT, officers=2, options=SolveOptions(minutes_per_stop=SVC, **BUDGET))
    assert plan.dropped.empty
    assert plan.cost_s == best
    assert all(len(r) for r in _routes_as_nodes(plan))  # the work is shared


def test_three_officers_six_stops_matches_brute_force():
    stops = _stops(6, seed=3)
    t = _int_matrix(stops)
    svc = SVC * 60
    best_order: dict[tuple[int, ...], int] = {}
    for size in range(1, 7):
        for subset in itertools.combinations(range(1, 7), size):
            best_order[subset] = min(_travel(t, list(p)) for p in itertools.permutations(subset))
    best = None
    for assignment in itertools.product(range(3), repeat=6):
        groups = [tuple(i + 1 for i in range(6) if assignment[i] == v) for v in range(3)]
        travel = [best_order[g] if g else 0 for g in groups]
        span = max(tr + svc * len(g) for tr, g in zip(travel, groups, strict=True))
        cost = sum(travel) + span
        best = cost if best is None else min(best, cost)
    plan = solve(stops, DEPOT, officers=3, options=SolveOptions(minutes_per_stop=SVC, **BUDGET))
    assert plan.cost_s == best


def _window_cost(t, route, svc, open_s, close_s, start_s, end_s):
    """Independent single-route objective with windows: travel + shortest duration, or None.

    With ``reach_k`` the time from leaving the depot to reaching stop k without waiting and
    ``total`` the time to get back, leaving at d returns at
    ``max(d + total, max_k(open_k + total - reach_k))``, and the windows allow any
    d <= min_k(close_k - reach_k) (and d <= end - total). The duration shrinks as d grows, so
    the best departure is the latest allowed one.
    """
    clock, prev = start_s, 0
    for node in route:
        clock = max(clock + t[prev, node], open_s[node])
        if clock > close_s[node]:
            return None
        clock += svc
        prev = node
    if clock + t[prev, 0] > end_s:
        return None
    reach, elapsed, prev = [], 0, 0
    for node in route:
        elapsed += t[prev, node]
        reach.append(elapsed)
        elapsed += svc
        prev = node
    total = elapsed + t[prev, 0]
    latest = min([*(close_s[n] - r for n, r in zip(route, reach, strict=True)), end_s - total])
    forced = max(open_s[n] + total - r for n, r in zip(route, reach, strict=True))
    return _travel(t, route) + max(total, forced - latest)


def test_one_officer_nine_stops_with_windows_matches_brute_force():
    stops = _stops(9, seed=4)
    # Three waves of windows (minutes): the visits must follow them roughly in order.
    waves = [(8 * 60, 9 * 60 + 30), (9 * 60 + 30, 11 * 60), (11 * 60, 12 * 60 + 30)]
    stops["window_start"] = [
        f"{waves[i // 3][0] // 60:02d}:{waves[i // 3][0] % 60:02d}" for i in range(9)
    ]
    stops["window_end"] = [
        f"{waves[i // 3][1] // 60:02d}:{waves[i // 3][1] % 60:02d}" for i in range(9)
    ]
    t = _int_matrix(stops)
    svc = SVC * 60
    start_s, end_s = 8 * 3600, 15 * 3600
    open_s = np.r_[start_s, [waves[i // 3][0] * 60 for i in range(9)]]
    close_s = np.r_[end_s, [waves[i // 3][1] * 60 for i in range(9)]]

    best = None

    def feasible_prefix(route: list[int]) -> bool:
        clock, prev = start_s, 0
        for node in route:
            clock = max(clock + t[prev, node], open_s[node])
            if clock > close_s[node]:
                return False
            clock += svc
            prev = node
        return True

    def dfs(route: list[int], left: set[int]) -> None:
        nonlocal best
        if not left:
            cost = _window_cost(t, route, svc, open_s, close_s, start_s, end_s)
            if cost is not None and (best is None or cost < best):
                best = cost
            return
        for node in sorted(left):
            if feasible_prefix([*route, node]):
                dfs([*route, node], left - {node})

    dfs([], set(range(1, 10)))
    assert best is not None
    plan = solve(
        stops,
        DEPOT,
        options=SolveOptions(minutes_per_stop=SVC, start=8 * 60, end=15 * 60, **BUDGET),
    )
    assert plan.dropped.empty
    assert plan.cost_s == best


def test_plan_cost_pushes_waiting_to_the_depot():
    # One stop 10 minutes away whose window opens at 10:00: leave at 09:50, no waiting.
    travel = np.array([[0, 600], [600, 0]], dtype=np.int64)
    service = np.array([0, 1800], dtype=np.int64)
    open_s = np.array([8 * 3600, 10 * 3600], dtype=np.int64)
    close_s = np.array([15 * 3600, 10 * 3600 + 1800], dtype=np.int64)
    kw = {"travel": travel, "service": service, "open_s": open_s, "close_s": close_s}
    s = schedule_route([1], start_s=8 * 3600, end_s=15 * 3600, **kw)
    assert s is not None
    assert (s.depart, s.arrive[0], s.begin[0], s.back) == (35400, 36000, 36000, 38400)
    assert plan_cost([[1]], start_s=8 * 3600, end_s=15 * 3600, **kw) == 1200 + 3000
    assert plan_cost([[]], start_s=8 * 3600, end_s=15 * 3600, **kw) == 0
    late = {
        **kw,
        "open_s": np.array([8 * 3600, 8 * 3600], dtype=np.int64),
        "close_s": np.array([15 * 3600, 9 * 3600], dtype=np.int64),
    }
    assert schedule_route([1], start_s=8 * 3600, end_s=15 * 3600, **late) is not None
    assert plan_cost([[1]], start_s=10 * 3600, end_s=15 * 3600, **late) is None


# --------------------------------------------------------------------------------------------
# Time windows and the schedule
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [5, 6])
def test_time_windows_are_respected(seed):
    rng = np.random.default_rng(seed)
    n = 12
    opens = rng.integers(8 * 60, 12 * 60, n)
    stops = _stops(
        n,
        seed=seed,
        window_start=[f"{o // 60:02d}:{o % 60:02d}" for o in opens],
        window_end=[f"{(o + 60) // 60:02d}:{(o + 60) % 60:02d}" for o in opens],
    )
    plan = solve(
        stops,
        DEPOT,
        officers=2,
        options=SolveOptions(minutes_per_stop=20, end=16 * 60, **BUDGET),
    )
    _every_stop_once(plan)
    visited = plan.routes[plan.routes["jenis"] != "depot"].merge(
        stops.assign(o=opens), on="id", suffixes=("", "_in")
    )
    assert len(visited) > 0
    assert (visited["mulai_menit"] >= visited["o"] - 1e-9).all()
    assert (visited["mulai_menit"] <= visited["o"] + 60 + 1e-9).all()
    for officer in range(1, 3):
        r = plan.route(officer)
        if r.empty:
            continue
        assert r["selesai_menit"].iloc[0] >= 8 * 60
        assert r["tiba_menit"].iloc[-1] <= 16 * 60
        for prev, cur in itertools.pairwise(r.itertuples()):
            assert cur.tiba_menit == pytest.approx(prev.selesai_menit + cur.tempuh_menit)
            assert cur.mulai_menit >= cur.tiba_menit - 1e-9
            assert cur.tunggu_menit == pytest.approx(cur.mulai_menit - cur.tiba_menit)
        stops_only = r.iloc[1:-1]
        assert (stops_only["selesai_menit"] - stops_only["mulai_menit"] == 20).all()


# --------------------------------------------------------------------------------------------
# Infeasible plans say which stops were dropped and why
# --------------------------------------------------------------------------------------------
def test_stops_no_plan_can_serve_are_dropped_with_the_reason():
    stops = pd.DataFrame(
        {
            "id": ["ok", "jauh", "malam", "lama"],
            "nama": ["Dekat", "Jauh pagi", "Malam", "Lama"],
            "lat": [-7.9700, -8.0450, -7.9650, -7.9600],
            "lon": [112.6300, 112.6900, 112.6400, 112.6350],
            "window_start": ["", "08:00", "17:00", ""],
            "window_end": ["", "08:05", "18:00", ""],
        }
    )
    plan = solve(stops, DEPOT, options=SolveOptions(minutes_per_stop=30, **BUDGET))
    _every_stop_once(plan)
    reasons = dict(zip(plan.dropped["id"], plan.dropped["kode"], strict=True))
    assert reasons == {"jauh": "jendela_tak_terjangkau", "malam": "jendela_di_luar_jam_kerja"}
    text = dict(zip(plan.dropped["id"], plan.dropped["alasan"], strict=True))
    assert text["jauh"].startswith("jendela waktu 08:00–08:05 tidak terjangkau dari depo (tiba")
    assert text["malam"] == "jendela waktu 17:00–18:00 di luar jam kerja 08:00–15:00"
    assert plan.status == "heuristic"
    # A visit longer than the day cannot be done even alone.
    plan = solve(stops.iloc[[0]], DEPOT, options=SolveOptions(minutes_per_stop=8 * 60, **BUDGET))
    assert list(plan.dropped["kode"]) == ["melebihi_jam_kerja"]
    assert "melebihi jam kerja" in plan.dropped["alasan"].iloc[0]
    assert plan.routes.empty and plan.status == "optimal"


def test_a_full_day_drops_the_fewest_stops_and_says_so():
    stops = _stops(7, seed=7)
    t = _int_matrix(stops)
    start_s, end_s, svc = 8 * 3600, 10 * 3600, 25 * 60

    def fits(route: list[int]) -> bool:
        return _travel(t, route) + svc * len(route) <= end_s - start_s

    most = max(
        size
        for size in range(8)
        for subset in itertools.combinations(range(1, 8), size)
        if any(fits(list(p)) for p in itertools.permutations(subset))
    )
    assert most < 7
    plan = solve(
        stops,
        DEPOT,
        options=SolveOptions(minutes_per_stop=25, start=8 * 60, end=10 * 60, **BUDGET),
    )
    _every_stop_once(plan)
    assert len(plan.dropped) == 7 - most
    assert set(plan.dropped["kode"]) == {"tidak_muat"}
    assert plan.dropped["alasan"].iloc[0] == DROP_REASONS["tidak_muat"].format(
        petugas=1, jam_kerja="08:00–10:00"
    )
    assert plan.status == "heuristic"  # optional stops dropped: still a plan


def test_lower_priority_stops_are_dropped_first():
    # Two stops side by side; the day only has room for one visit.
    stops = pd.DataFrame(
        {
            "id": ["rendah", "tinggi"],
            "nama": ["Rendah", "Tinggi"],
            "lat": [-7.9600, -7.9601],
            "lon": [112.6400, 112.6401],
            "prioritas": [20.0, 80.0],
        }
    )
    plan = solve(
        stops,
        DEPOT,
        options=SolveOptions(minutes_per_stop=60, start=8 * 60, end=9 * 60 + 30, **BUDGET),
    )
    assert list(plan.dropped["id"]) == ["rendah"]
    plan = solve(
        stops.assign(prioritas=[90.0, 10.0]),
        DEPOT,
        options=SolveOptions(minutes_per_stop=60, start=8 * 60, end=9 * 60 + 30, **BUDGET),
    )
    assert list(plan.dropped["id"]) == ["tinggi"]


def test_must_visit_stops_are_kept_over_optional_ones():
    stops = _stops(4, seed=8, prioritas=100.0)
    stops["must_visit"] = [False, False, False, True]
    stops.loc[3, "prioritas"] = 0.0
    plan = solve(
        stops,
        DEPOT,
        options=SolveOptions(minutes_per_stop=50, start=8 * 60, end=10 * 60, **BUDGET),
    )
    assert "s3" in set(plan.routes["id"])
    assert not plan.dropped["wajib"].any()
    assert plan.status == "heuristic"


def test_an_unmeetable_must_visit_makes_the_plan_infeasible():
    stops = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "nama": ["Utara", "Selatan", "Biasa"],
            "lat": [-7.9200, -8.0300, -7.9700],
            "lon": [112.6300, 112.6300, 112.6350],
            "window_start": ["10:00", "10:00", ""],
            "window_end": ["10:05", "10:05", ""],
            "must_visit": [True, True, False],
        }
    )
    plan = solve(stops, DEPOT, officers=1, options=SolveOptions(minutes_per_stop=20, **BUDGET))
    _every_stop_once(plan)
    assert plan.status == "infeasible"
    (row,) = plan.dropped.itertuples()
    assert row.id in {"a", "b"} and row.wajib and row.kode == "jendela_bentrok"
    assert row.alasan.startswith("wajib dikunjungi, tetapi jendela waktu 10:00–10:05")
    assert "c" in set(plan.routes["id"])
    # Two officers can meet both windows.
    plan = solve(stops, DEPOT, officers=2, options=SolveOptions(minutes_per_stop=20, **BUDGET))
    assert plan.dropped.empty and plan.status == "heuristic"
    summary = plan.summary()
    assert summary["status"] == "heuristic" and len(summary["total_minutes"]) == 2


@pytest.mark.parametrize("seed", [9, 10, 11])
def test_every_stop_appears_exactly_once(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 25))
    stops = _stops(n, seed=seed, must_visit=rng.random(n) < 0.2)
    opens = rng.integers(7 * 60, 16 * 60, n)
    has = rng.random(n) < 0.5
    stops["window_start"] = [
        f"{o // 60:02d}:{o % 60:02d}" if h else "" for o, h in zip(opens, has, strict=True)
    ]
    stops["window_end"] = [
        f"{(o + 30) // 60:02d}:{(o + 30) % 60:02d}" if h else ""
        for o, h in zip(opens, has, strict=True)
    ]
    plan = solve(stops, DEPOT, officers=int(rng.integers(1, 4)), options=SolveOptions(**BUDGET))
    _every_stop_once(plan)
    assert plan.status in routing.STATUSES
    assert (plan.status == "infeasible") == bool(plan.dropped["wajib"].any())


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------
def test_no_stops_is_an_empty_optimal_plan():
    plan = solve(_stops(0, seed=0), DEPOT, officers=2)
    assert plan.status == "optimal" and plan.routes.empty and plan.dropped.empty
    assert list(plan.officers["jumlah_kunjungan"]) == [0, 0]


def test_bad_inputs_are_refused_with_where():
    stops = _stops(2, seed=0, window_start=["09:00", "10:00"], window_end=["08:00", "nanti"])
    with pytest.raises(StopError) as info:
        solve(stops, DEPOT)
    text = str(info.value)
    assert "baris 2, kolom window_end: akhir jendela waktu sebelum awalnya" in text
    assert "baris 3, kolom window_end: 'nanti' bukan jam HH:MM" in text
    with pytest.raises(RoutingError, match="jumlah petugas"):
        solve(_stops(2, seed=0), DEPOT, officers=0)
    with pytest.raises(RoutingError, match="jam kerja 15:00–08:00"):
        solve(_stops(2, seed=0), DEPOT, options=SolveOptions(start=15 * 60, end=8 * 60))
    with pytest.raises(RoutingError, match="matriks"):
        solve(
            _stops(2, seed=0),
            DEPOT,
            matrix=TravelMatrix(np.zeros((2, 2)), np.zeros((2, 2)), "haversine"),
        )


def test_on_solution_reports_only_improvements():
    seen: list[int] = []
    solve(
        _stops(10, seed=12),
        DEPOT,
        officers=2,
        on_solution=seen.append,
        options=SolveOptions(**BUDGET),
    )
    assert seen and seen == sorted(seen, reverse=True) and len(set(seen)) == len(seen)


def test_default_time_limit_grows_with_the_stops():
    assert routing.default_time_limit(0) == pytest.approx(0.4)
    assert routing.default_time_limit(50) == pytest.approx(1.4)
    assert routing.default_time_limit(100) == pytest.approx(2.4)
    assert routing.default_time_limit(200) == pytest.approx(4.4)
    assert routing.default_time_limit(1_000) == 10.0


# --------------------------------------------------------------------------------------------
# The stages of solve: options, problem, search, result tables
# --------------------------------------------------------------------------------------------
def test_solve_options_default_to_the_module_constants():
    o = SolveOptions()
    assert (o.start, o.end, o.minutes_per_stop) == (
        routing.DEFAULT_START,
        routing.DEFAULT_END,
        routing.DEFAULT_MINUTES_PER_STOP,
    )
    assert (o.time_limit_s, o.solution_limit, o.osrm_url) == (None, None, None)
    assert (o.solver, o.initial_routes) == (None, None)
    assert (o.circuity, o.speed_kmh) == (routing.CIRCUITY_FACTOR, routing.AVERAGE_SPEED_KMH)
    stops = _stops(4, seed=13)
    plan = solve(stops, DEPOT, options=SolveOptions(solution_limit=50))
    assert (plan.start, plan.end, plan.minutes_per_stop) == (8 * 60, 15 * 60, 30)
    default = solve(stops, DEPOT)  # options=None is SolveOptions()
    assert (default.start, default.end, default.minutes_per_stop) == (8 * 60, 15 * 60, 30)
    assert default.time_limit_s == routing.default_time_limit(4)
    assert default.matrix_source == "haversine"


def test_check_request_refuses_bad_options():
    routing._check_request(1, SolveOptions())
    with pytest.raises(RoutingError, match="jumlah petugas minimal 1, bukan 0"):
        routing._check_request(0, SolveOptions())
    with pytest.raises(RoutingError, match="jam kerja 08:00–08:00"):
        routing._check_request(1, SolveOptions(start=8 * 60, end=8 * 60))
    with pytest.raises(RoutingError, match="jam kerja"):
        routing._check_request(1, SolveOptions(start=0, end=24 * 60 + 1))
    with pytest.raises(RoutingError, match="negatif"):
        routing._check_request(1, SolveOptions(minutes_per_stop=-1))


def _problem_of(stops: pd.DataFrame, officers: int = 1, **options: object) -> routing._Problem:
    from geo.planning.stops import validate_stops

    valid = validate_stops(stops)
    opts = SolveOptions(**options)
    matrix = routing._stop_matrix(valid, DEPOT, options=opts, matrix=None)
    return routing._problem(valid, matrix, officers=officers, options=opts)


def test_problem_is_in_seconds_with_the_depot_as_node_0():
    stops = _stops(3, seed=14, window_start=["", "07:00", "10:00"], window_end=["", "", "11:00"])
    p = _problem_of(stops, minutes_per_stop=20, start=8 * 60, end=16 * 60)
    assert p.travel.shape == (4, 4) and (np.diag(p.travel) == 0).all()
    assert (p.travel == _int_matrix(stops)).all()
    assert list(p.service) == [0, 1200, 1200, 1200]
    # Windows open no earlier than the day; a missing end is the end of the day.
    assert list(p.open_s) == [8 * 3600, 8 * 3600, 8 * 3600, 10 * 3600]
    assert list(p.close_s) == [16 * 3600, 16 * 3600, 16 * 3600, 11 * 3600]
    assert p.day == "08:00–16:00" and p.window(2) == "10:00–11:00" and p.window(0) == ""
    assert [p.has_window(i) for i in range(3)] == [False, True, True]
    assert list(p.priority) == [50.0, 50.0, 50.0]  # missing priorities are neutral
    with pytest.raises(RoutingError, match="matriks"):
        routing._stop_matrix(
            p.stops,
            DEPOT,
            options=SolveOptions(),
            matrix=TravelMatrix(np.zeros((2, 2)), np.zeros((2, 2)), "haversine"),
        )


def test_unservable_stops_are_found_before_the_search():
    stops = pd.DataFrame(
        {
            "id": ["ok", "malam", "lama"],
            "nama": ["OK", "Malam", "Lama"],
            "lat": [-7.9700, -7.9700, -7.9700],
            "lon": [112.6300, 112.6300, 112.6300],
            "window_start": ["", "17:00", ""],
            "window_end": ["", "18:00", ""],
        }
    )
    p = _problem_of(stops)
    assert routing._unservable(p) == {
        1: (
            "jendela_di_luar_jam_kerja",
            "jendela waktu 17:00–18:00 di luar jam kerja 08:00–15:00",
        )
    }
    long_visit = _problem_of(stops.iloc[[2]], minutes_per_stop=8 * 60)
    assert [code for code, _ in routing._unservable(long_visit).values()] == ["melebihi_jam_kerja"]


def test_search_alone_returns_each_officers_nodes():
    stops = _stops(6, seed=15)
    p = _problem_of(stops, officers=2, minutes_per_stop=SVC)
    manager, model, nodes = routing._build_model(p, [0, 2, 4])
    assert nodes == [0, 1, 3, 5]
    assert model.vehicles() == 2 and manager.GetNumberOfNodes() == 4
    found = routing._search(p, range(6), time_limit_s=60.0, solution_limit=100)
    assert sorted(n for seq in found.sequences for n in seq) == [1, 2, 3, 4, 5, 6]
    assert found.solver_status.startswith("ROUTING_") and found.solve_seconds > 0
    assert routing._unvisited(p, range(6), found.sequences) == {}
    # Nodes 2 and 3 left out: the reason names the officers and the day.
    left = routing._unvisited(p, range(6), [[1, 4], [5, 6]])
    assert sorted(left) == [1, 2]
    assert left[1] == (
        "tidak_muat",
        DROP_REASONS["tidak_muat"].format(petugas=2, jam_kerja="08:00–15:00"),
    )


def test_result_tables_and_status():
    stops = _stops(3, seed=16, must_visit=[False, True, False])
    p = _problem_of(stops)
    reasons = {2: ("tidak_muat", "teks"), 1: ("jendela_bentrok", "lain")}
    dropped = routing._dropped_table(p, reasons)
    assert list(dropped["id"]) == ["s1", "s2"]  # stop order, not insertion order
    assert list(dropped["alasan"]) == ["wajib dikunjungi, tetapi lain", "teks"]
    assert list(dropped["wajib"]) == [True, False]
    assert routing._status(dropped, proven=True, searched=True) == "infeasible"
    none = routing._dropped_table(p, {})
    assert list(none.columns) == ["id", "nama", "kode", "alasan", "wajib"] and none.empty
    assert routing._status(none, proven=False, searched=True) == "heuristic"
    assert routing._status(none, proven=True, searched=True) == "optimal"
    assert routing._status(none, proven=False, searched=False) == "optimal"
    schedules = routing._schedules(p, [[1, 3], []])
    assert schedules[1] is None and schedules[0] is not None
    assert schedules[0].back <= p.end_s


# --------------------------------------------------------------------------------------------
# Solvers: the setting, VROOM's first routes, and the warm start from a previous plan
# --------------------------------------------------------------------------------------------
def test_the_solver_comes_from_the_options_or_the_setting(solver, monkeypatch):
    assert routing.resolve_solver() == solver
    assert routing.resolve_solver(" VROOM ") == "vroom"
    with pytest.raises(RoutingError, match="pemecah rute 'gurobi' tidak dikenal"):
        routing.resolve_solver("gurobi")
    monkeypatch.delenv("PETA_UMKM_ROUTING_SOLVER")
    from geo.core import settings

    assert routing.resolve_solver() == settings.ROUTING_SOLVER
    stops = _stops(6, seed=20)
    plan = solve(stops, DEPOT, officers=2, options=SolveOptions(solver="ortools", **BUDGET))
    assert plan.solver == "ortools" and plan.summary()["solver"] == "ortools"
    plan = solve(stops, DEPOT, officers=2, options=SolveOptions(solver="vroom", **BUDGET))
    assert plan.solver == "vroom" and not plan.notes
    with pytest.raises(RoutingError, match="tidak dikenal"):
        solve(stops, DEPOT, options=SolveOptions(solver="cplex"))


def test_vroom_missing_plans_with_ortools_and_says_so(monkeypatch):
    from geo.planning import vroom_solver

    monkeypatch.setattr(vroom_solver, "available", lambda: False)
    plan = solve(_stops(5, seed=21), DEPOT, options=SolveOptions(solver="vroom", **BUDGET))
    assert plan.solver == "ortools" and plan.dropped.empty
    assert plan.notes == ("pyvroom tidak terpasang; rute dibuat dengan OR-Tools saja",)


def test_vroom_failure_plans_with_ortools_and_says_so(monkeypatch):
    from geo.planning import vroom_solver

    def broken(*args: object, **kwargs: object) -> list[list[int]]:
        raise RuntimeError("matriks rusak")

    monkeypatch.setattr(vroom_solver, "vroom_routes", broken)
    plan = solve(_stops(5, seed=22), DEPOT, options=SolveOptions(solver="vroom", **BUDGET))
    assert plan.solver == "ortools" and plan.dropped.empty
    assert plan.notes == ("VROOM gagal (matriks rusak); rute dibuat dengan OR-Tools saja",)


def test_vroom_routes_are_improved_against_the_real_objective(monkeypatch):
    """VROOM alone minimises travel only; the plan also weighs the span (travel + span)."""
    from geo.planning import vroom_solver

    stops = _stops(12, seed=23)
    p = _problem_of(stops, officers=3, minutes_per_stop=SVC, start=6 * 60, end=22 * 60)
    seen: list[list[list[int]]] = []
    real = vroom_solver.vroom_routes

    def spy(*args: object, **kwargs: object) -> list[list[int]]:
        seen.append(real(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(vroom_solver, "vroom_routes", spy)
    plan = solve(
        stops,
        DEPOT,
        officers=3,
        options=SolveOptions(
            solver="vroom", minutes_per_stop=SVC, start=6 * 60, end=22 * 60, **BUDGET
        ),
    )
    (first,) = seen
    assert plan.solver == "vroom"
    assert plan.cost_s <= plan_cost(first, **p.times)
    _every_stop_once(plan)


def _random_routes(n: int, officers: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    order = [f"s{i}" for i in rng.permutation(n)]
    cuts = sorted(rng.choice(np.arange(1, n), officers - 1, replace=False))
    return [list(part) for part in np.split(np.array(order), cuts)]


@pytest.mark.parametrize("seed", [24, 25])
def test_a_warm_start_is_never_worse_than_its_routes(seed):
    n, officers = 30, 3
    stops = _stops(n, seed=seed)
    day = {"minutes_per_stop": 10, "start": 6 * 60, "end": 20 * 60}
    initial = _random_routes(n, officers, seed)
    p = _problem_of(stops, officers=officers, **day)
    as_nodes = [[int(s[1:]) + 1 for s in r] for r in initial]
    before = plan_cost(as_nodes, **p.times)
    assert before is not None
    # One solution only: the search stops at its first, which is the warm start itself.
    plan = solve(
        stops,
        DEPOT,
        officers=officers,
        options=SolveOptions(initial_routes=initial, time_limit_s=60, solution_limit=1, **day),
    )
    assert plan.solver == "ortools+awal"
    assert plan.dropped.empty and plan.cost_s == before
    assert routing.initial_sequences(plan) == initial
    # A real search from there improves on the random routes.
    plan = solve(
        stops,
        DEPOT,
        officers=officers,
        options=SolveOptions(initial_routes=initial, **BUDGET, **day),
    )
    assert plan.dropped.empty and plan.cost_s < before
    _every_stop_once(plan)


def test_a_warm_start_from_the_best_plan_keeps_it():
    stops = _stops(7, seed=2)
    best = solve(stops, DEPOT, officers=2, options=SolveOptions(minutes_per_stop=SVC, **BUDGET))
    again = solve(
        stops,
        DEPOT,
        officers=2,
        options=SolveOptions(
            minutes_per_stop=SVC,
            initial_routes=routing.initial_sequences(best),
            time_limit_s=60,
            solution_limit=5,
        ),
    )
    assert again.cost_s == best.cost_s  # the brute-force optimum of the test above


def test_a_warm_start_survives_changed_stops():
    """Re-planning after edits: removed, repeated, unknown, unservable and new stops."""
    stops = _stops(10, seed=26)
    previous = solve(stops, DEPOT, officers=2, options=SolveOptions(**BUDGET))
    routes = routing.initial_sequences(previous)
    assert sorted(s for r in routes for s in r) == sorted(stops["id"])
    routes = [[*routes[0], "hilang", routes[0][0]], routes[1], ["s3"]]  # unknown, repeat, extra
    changed = stops[stops["id"] != "s5"].copy()  # s5 removed
    changed.loc[changed["id"] == "s1", ["window_start", "window_end"]] = ["17:00", "18:00"]
    changed.loc[changed["id"] == "s2", ["window_start", "window_end"]] = ["08:00", "08:01"]
    new = _stops(12, seed=27).iloc[10:].assign(id=["baru1", "baru2"])
    changed = pd.concat([changed, new], ignore_index=True)
    plan = solve(
        changed,
        DEPOT,
        officers=2,
        options=SolveOptions(initial_routes=routes, **BUDGET),
    )
    _every_stop_once(plan)
    assert plan.solver == "ortools+awal"
    reasons = dict(zip(plan.dropped["id"], plan.dropped["kode"], strict=True))
    assert reasons["s1"] == "jendela_di_luar_jam_kerja"
    assert {"baru1", "baru2"} <= set(plan.routes["id"])
    s2 = plan.routes[plan.routes["id"] == "s2"]
    if len(s2):  # reachable by 08:01 only when leaving at 08:00 straight to it
        assert 8 * 60 <= s2["mulai_menit"].iloc[0] <= 8 * 60 + 1


def test_feasible_sequences_repair_the_warm_routes():
    stops = _stops(4, seed=28, window_start=["", "", "09:00", ""], window_end=["", "", "09:10", ""])
    p = _problem_of(stops, officers=2, minutes_per_stop=60, start=8 * 60, end=12 * 60)
    # Node 3 must start 09:00-09:10: after two one-hour visits it is too late.
    kept = routing._feasible_sequences(p, [0, 1, 2], [[1, 2, 3, 9, 1], [4], [2]])
    assert kept == [[1, 2], []]  # 3 too late, 9 unknown, 1 repeated, 4 not a candidate
    assert routing._feasible_sequences(p, range(4), [[3, 1]]) == [[3, 1], []]
    key = routing._plan_key(p, [0, 1, 2], [[1, 2], []])
    assert key[:3] == (0, 1, 50.0)
    assert routing._plan_key(p, [0, 1, 2], [[3, 1], [2]])[:2] == (0, 0)


def test_new_stops_are_inserted_into_the_warm_routes_before_the_search():
    """OR-Tools alone inserts stops missing from a warm start only slowly; they come placed."""
    n, officers = 40, 3
    stops = _stops(n, seed=29)
    day = {"minutes_per_stop": 10, "start": 6 * 60, "end": 20 * 60}
    initial = _random_routes(n - 5, officers, 29)  # s35..s39 are new
    plan = solve(
        stops,
        DEPOT,
        officers=officers,
        options=SolveOptions(initial_routes=initial, time_limit_s=60, solution_limit=1, **day),
    )
    assert plan.dropped.empty  # the search stopped at its first solution: the completed start
    routes = routing.initial_sequences(plan)
    for old, new in zip(initial, routes, strict=True):
        assert [s for s in new if s in set(old)] == old  # old order kept, new stops in between
    assert sorted(s for r in routes for s in r) == sorted(stops["id"])


def test_complete_inserts_where_windows_allow_must_visit_first():
    stops = _stops(
        4,
        seed=30,
        window_start=["", "", "09:00", ""],
        window_end=["", "", "09:10", ""],
        must_visit=[False, False, False, True],
    )
    p = _problem_of(stops, officers=1, minutes_per_stop=60, start=8 * 60, end=11 * 60)
    # Room for two one-hour visits plus travel in 08:00-11:00: node 4 (must) goes in first.
    (route,) = routing._complete(p, range(4), [[1]])
    assert sorted(route) == [1, 4]
    assert routing.schedule_route(route, **p.times) is not None
    # Node 3's window (09:00-09:10) is met only when it is visited first: 1 then 3 is too late.
    p = _problem_of(stops, officers=1, minutes_per_stop=60, start=8 * 60, end=12 * 60)
    assert routing.schedule_route([1, 3], **p.times) is None
    assert routing._complete(p, [0, 2], [[1]]) == [[3, 1]]
    assert routing._complete(p, [0, 2], [[]]) == [[3, 1]]
