"""Exports of a plan: GPX parses with the right points, CSV, Google Maps legs, visit sheet, CLI."""

from __future__ import annotations

import csv
import html
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from geo import cli
from geo.core.i18n import t
from geo.core.register import KEBUTUHAN
from geo.planning.routing import SolveOptions, solve
from geo.planning.routing_export import (
    CSV_COLUMNS,
    GPX_NAMESPACE,
    CsvPlanOptions,
    google_maps_links,
    plan_from_csv,
    route_csv,
    route_gpx,
    route_links,
    visit_sheet_html,
    write_plan,
)
from geo.planning.stops import Depot

DEPOT = Depot("balai-kota", "Balai Kota Malang", "Jl. Tugu No. 1", -7.97724, 112.63411, "jalan")
BUDGET = {"time_limit_s": 60.0, "solution_limit": 100}
NS = {"g": GPX_NAMESPACE}

# Twelve real-ish places in Kota Malang (enough for two Google Maps legs on one route).
PLACES = [
    ("sanan", "Sentra Tempe Sanan", -7.96090, 112.64351),
    ("raket", "Kampung Raket", -8.01200, 112.62050),
    ("dinoyo", "Keramik Dinoyo", -7.93800, 112.61000),
    ("tasik", "Rotan Tasikmadu", -7.91898, 112.62711),
    ("balear", "Rotan Balearjosari", -7.92251, 112.65017),
    ("mojo", "Omah Daster", -7.93698, 112.62772),
    ("kemirahan", "Meubel Kemirahan", -7.96500, 112.63000),
    ("penang", "Gerabah Penanggungan", -7.95900, 112.61900),
    ("pandan", "Marning Pandanwangi", -7.93700, 112.65800),
    ("sukun", "Titik Sukun", -8.00200, 112.61800),
    ("kedung", "Titik Kedungkandang", -7.99500, 112.65500),
    ("klojen", "Titik <Klojen> & co", -7.97000, 112.62600),
]


def _stops(n: int = len(PLACES)) -> pd.DataFrame:
    rows = PLACES[:n]
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "nama": [r[1] for r in rows],
            "lat": [r[2] for r in rows],
            "lon": [r[3] for r in rows],
            "alamat": [f"Jl. Contoh {i}, Malang" for i in range(len(rows))],
        }
    )


@pytest.fixture(scope="module")
def one_route():
    """All twelve stops on one officer's long day."""
    return solve(
        _stops(),
        DEPOT,
        officers=1,
        options=SolveOptions(minutes_per_stop=10, end=18 * 60, **BUDGET),
    )


@pytest.fixture(scope="module")
def two_routes():
    return solve(_stops(6), DEPOT, officers=2, options=SolveOptions(minutes_per_stop=30, **BUDGET))


def _points(el: ET.Element, tag: str) -> list[tuple[float, float]]:
    return [(float(p.get("lat")), float(p.get("lon"))) for p in el.iterfind(tag, NS)]


# --------------------------------------------------------------------------------------------
# GPX
# --------------------------------------------------------------------------------------------
def test_gpx_is_gpx_1_1_with_every_point(one_route):
    plan = one_route
    assert plan.dropped.empty
    route = plan.route(1)
    root = ET.fromstring(route_gpx(plan, 1))
    assert root.tag == f"{{{GPX_NAMESPACE}}}gpx"
    assert root.get("version") == "1.1" and root.get("creator")
    # GPX 1.1 order: metadata, wpt*, rte*.
    children = [c.tag.split("}")[1] for c in root]
    assert children == ["metadata", *["wpt"] * 13, "rte"]
    waypoints = _points(root, "g:wpt")
    assert len(waypoints) == 12 + 1  # every stop and the depot once
    rte = root.find("g:rte", NS)
    assert rte is not None
    rtepts = _points(rte, "g:rtept")
    assert len(rtepts) == 12 + 2  # depot, 12 stops, depot
    expected = list(zip(route["lat"].round(6), route["lon"].round(6), strict=True))
    assert rtepts == [pytest.approx(p) for p in expected]
    names = [e.text for e in rte.iterfind("g:rtept/g:name", NS)]
    assert names[0] == names[-1] == "Depo: Balai Kota Malang"
    assert names[1] == f"1. {route['nama'].iloc[1]}"
    # Names with markup survive as text.
    assert any("<Klojen> & co" in (e.text or "") for e in root.iterfind("g:wpt/g:name", NS))
    # wpt children in schema order: name, desc, type.
    first = root.find("g:wpt", NS)
    assert [c.tag.split("}")[1] for c in first] == ["name", "desc", "type"]


def test_gpx_per_officer_and_in_english(two_routes):
    plan = two_routes
    for officer in (1, 2):
        root = ET.fromstring(route_gpx(plan, officer, lang="en"))
        n = len(plan.route(officer)) - 2
        assert n > 0
        assert len(_points(root.find("g:rte", NS), "g:rtept")) == n + 2
        assert root.find("g:metadata/g:name", NS).text == f"Route of officer {officer}"
    with pytest.raises(ValueError, match="petugas 3"):
        route_gpx(plan, 3)


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------
def test_csv_has_one_row_per_point(two_routes):
    plan = two_routes
    for officer in (1, 2):
        rows = list(csv.DictReader(io.StringIO(route_csv(plan, officer))))
        route = plan.route(officer)
        assert list(rows[0]) == list(CSV_COLUMNS)
        assert len(rows) == len(route)
        assert [int(r["urutan"]) for r in rows] == list(range(len(route)))
        assert rows[0]["id"] == rows[-1]["id"] == "depot:balai-kota"
        assert [r["tiba"] for r in rows] == list(route["tiba"])
        assert sum(float(r["jarak_km"]) for r in rows) == pytest.approx(
            route["jarak_km"].sum(), abs=0.01 * len(rows)
        )


# --------------------------------------------------------------------------------------------
# Google Maps
# --------------------------------------------------------------------------------------------
def _link_points(link: str) -> list[str]:
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.google.com", "/maps/dir/")
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert q["api"] == "1" and q["travelmode"] == "driving"
    middle = q["waypoints"].split("|") if "waypoints" in q else []
    return [q["origin"], *middle, q["destination"]]


@pytest.mark.parametrize(
    ("n", "legs"), [(0, 0), (1, 0), (2, 1), (10, 1), (11, 2), (19, 2), (20, 3)]
)
def test_links_split_into_legs_of_at_most_ten_points(n, legs):
    points = [(-7.9 - i / 1000, 112.6 + i / 1000) for i in range(n)]
    links = google_maps_links(points)
    assert len(links) == legs
    seen: list[str] = []
    for link in links:
        pts = _link_points(link)
        assert 2 <= len(pts) <= 10
        if seen:
            assert pts[0] == seen[-1]  # each leg starts where the last one ended
            pts = pts[1:]
        seen += pts
    assert seen == [f"{a:.6f},{b:.6f}" for a, b in points] if n >= 2 else seen == []


def test_route_links_visit_depot_stops_depot_in_order(one_route):
    plan = one_route
    links = route_links(plan, 1)
    assert len(links) == 2  # 14 points: 10 + 5 sharing one
    pts = _link_points(links[0]) + _link_points(links[1])[1:]
    route = plan.route(1)
    assert pts == [f"{a:.6f},{b:.6f}" for a, b in zip(route["lat"], route["lon"], strict=True)]
    with pytest.raises(ValueError):
        google_maps_links([(0, 0), (1, 1)], max_points=12)


# --------------------------------------------------------------------------------------------
# Visit sheet
# --------------------------------------------------------------------------------------------
class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []
        self.cards = 0
        self.boxes = 0
        self.lines = 0
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class", "")
        self.cards += tag == "section" and cls == "card"
        self.boxes += tag == "span" and cls == "kotak"
        self.lines += tag == "div" and cls == "garis"
        self.scripts += tag == "script"
        if tag not in {"meta", "br"}:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack[-3:], tag)
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_visit_sheet_lists_stops_checklist_and_note_space(one_route):
    plan = one_route
    page = visit_sheet_html(plan, 1, tanggal=pd.Timestamp("2026-11-30").date(), demo=True)
    parser = _Collect()
    parser.feed(page)
    parser.close()
    assert parser.stack == []  # every tag closed
    text = " ".join(parser.text)
    assert parser.cards == 12
    assert parser.boxes == 12 * len(KEBUTUHAN)
    assert parser.lines == 12 * 4
    assert parser.scripts == 0
    for code in KEBUTUHAN:
        label = html.escape(t(f"rute.kebutuhan.{code}", "id"))
        assert page.count(f'<span class="kotak"></span>{label}</li>') == 12
    assert "30/11/2026" in text and "Data contoh" in text
    assert "Titik <Klojen> & co" in text  # escaped in the HTML, intact as text
    assert "<Klojen>" not in page
    for row in plan.route(1).iloc[1:-1].itertuples():
        assert row.tiba in text and row.alamat in text
    assert "@media print" in page and "break-inside: avoid" in page


def test_visit_sheet_in_english_and_for_an_idle_officer():
    plan = solve(_stops(1), DEPOT, officers=2, options=SolveOptions(minutes_per_stop=30, **BUDGET))
    busy = 1 if not plan.route(1).empty else 2
    idle = 3 - busy
    english = visit_sheet_html(plan, busy, lang="en")
    assert "Visit sheet — Officer" in english and "Financial literacy (avoid pinjol)" in english
    empty = visit_sheet_html(plan, idle)
    assert t("rute.sheet.empty", "id") in empty


# --------------------------------------------------------------------------------------------
# Files and the command line
# --------------------------------------------------------------------------------------------
def test_write_plan_writes_every_file(two_routes, tmp_path):
    files = write_plan(two_routes, tmp_path / "out")
    names = sorted(p.name for p in files)
    assert names == sorted(
        [
            "route_1.gpx",
            "route_1.csv",
            "lembar_1.html",
            "route_2.gpx",
            "route_2.csv",
            "lembar_2.html",
            "dropped.csv",
            "summary.json",
        ]
    )
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == two_routes.status
    assert len(summary["total_minutes"]) == 2
    assert set(summary["google_maps"]) == {"1", "2"}
    assert (tmp_path / "out" / "dropped.csv").read_text().splitlines() == [
        "id,reason,nama,kode,must_visit"
    ]


def _write_stops(path: Path, rows: list[str]) -> Path:
    path.write_text(
        "id,nama,lat,lon,window_start,window_end,must_visit\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    return path


STOP_ROWS = [
    "sanan,Sentra Tempe Sanan,-7.96090,112.64351,,,true",
    "raket,Kampung Raket,-8.0120,112.6205,09:00,10:00,false",
    "dinoyo,Keramik Dinoyo,-7.9380,112.6100,,,false",
    "tasik,Rotan Tasikmadu,-7.91898,112.62711,,,false",
    "pagi,Terlalu pagi,-8.0300,112.6700,08:00,08:05,false",
]


def test_plan_command_writes_routes_and_dropped(tmp_path, capsys):
    stops = _write_stops(tmp_path / "stops.csv", STOP_ROWS)
    out = tmp_path / "rencana"
    code = cli.main(
        [
            "plan",
            "--stops",
            str(stops),
            "--officers",
            "2",
            "--depot",
            "Balai Kota",
            "--start",
            "08:00",
            "--end",
            "15:00",
            "--minutes-per-stop",
            "20",
            "--time-limit",
            "0.5",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] in {"optimal", "heuristic"}
    assert summary["depot"]["id"] == "balai-kota"
    routed = []
    for officer in (1, 2):
        if (out / f"route_{officer}.csv").exists():
            rows = list(csv.DictReader((out / f"route_{officer}.csv").open()))
            routed += [r["id"] for r in rows[1:-1]]
            gpx = ET.parse(out / f"route_{officer}.gpx").getroot()
            assert len(list(gpx.iterfind("g:rte/g:rtept", NS))) == len(rows)
    dropped = list(csv.DictReader((out / "dropped.csv").open()))
    assert [d["id"] for d in dropped] == ["pagi"]
    assert "tidak terjangkau dari depo" in dropped[0]["reason"]
    # Every input stop exactly once: in one route or in dropped.csv.
    assert sorted([*routed, "pagi"]) == sorted(r.split(",")[0] for r in STOP_ROWS)
    assert summary["total_minutes"] == [o["total_minutes"] for o in summary["officers"]]
    printed = capsys.readouterr().out
    assert "4 of 5 stops planned" in printed and "dropped pagi" in printed


def test_plan_command_reports_bad_rows_and_writes_nothing(tmp_path, capsys):
    stops = _write_stops(
        tmp_path / "stops.csv",
        [
            "a,Satu,-7.96,112.64,,,",
            "a,Dua,-7.96,abc,09:00,08:00,mungkin",
            "c,Surabaya,-7.2575,112.7521,,,",
        ],
    )
    out = tmp_path / "rencana"
    code = cli.main(["plan", "--stops", str(stops), "--officers", "1", "--output", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "stops.csv, baris 3, kolom id: id 'a' ganda" in err
    assert "stops.csv, baris 3, kolom lon: lon bukan koordinat yang sah" in err
    assert "stops.csv, baris 3, kolom window_end: akhir jendela waktu sebelum awalnya" in err
    assert "stops.csv, baris 3, kolom must_visit" in err
    assert not out.exists()


def test_plan_command_flags_an_infeasible_plan(tmp_path):
    stops = _write_stops(
        tmp_path / "stops.csv", ["pagi,Terlalu pagi,-8.0300,112.6700,08:00,08:05,true"]
    )
    out = tmp_path / "rencana"
    code = cli.main(["plan", "--stops", str(stops), "--officers", "1", "--output", str(out)])
    assert code == 3
    assert json.loads((out / "summary.json").read_text())["status"] == "infeasible"


def test_plan_from_csv_rejects_an_unknown_depot(tmp_path):
    stops = _write_stops(tmp_path / "stops.csv", STOP_ROWS[:1])
    with pytest.raises(ValueError, match="depo 'Kantor Pos' tidak dikenal; pilihan: diskopindag"):
        plan_from_csv(stops, tmp_path / "o", officers=1, depot="Kantor Pos")


def test_csv_plan_options_parse_the_working_day():
    assert CsvPlanOptions().solve_options() == SolveOptions()
    opts = CsvPlanOptions(
        start="7.30", end="16:00", minutes_per_stop=20, time_limit_s=2.0, osrm_url="http://x"
    ).solve_options()
    assert opts == SolveOptions(
        start=450, end=960, minutes_per_stop=20, time_limit_s=2.0, osrm_url="http://x"
    )
    with pytest.raises(ValueError, match="jam mulai dan selesai wajib diisi"):
        CsvPlanOptions(start="").solve_options()
    with pytest.raises(ValueError):
        CsvPlanOptions(end="nanti").solve_options()


def test_plan_from_csv_with_options(tmp_path):
    stops = _write_stops(tmp_path / "stops.csv", STOP_ROWS[:3])
    steps: list[str] = []
    plan, files = plan_from_csv(
        stops,
        tmp_path / "o",
        officers=1,
        options=CsvPlanOptions(start="09:00", end="14:00", minutes_per_stop=15, time_limit_s=0.5),
        progress=steps.append,
    )
    assert steps == ["baca", "waktu_tempuh", "cari", "tulis"]
    assert (plan.start, plan.end, plan.minutes_per_stop, plan.time_limit_s) == (540, 840, 15, 0.5)
    assert files and all(f.exists() for f in files)


def test_cli_plan_falls_back_to_the_estimate_like_the_page(tmp_path, monkeypatch, capsys):
    """A dead OSRM server: a warning, the offline estimate, exit 0 (as Perencanaan does)."""
    import json
    import socket

    from geo.cli import main

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("OSRM_URL", f"http://127.0.0.1:{port}")
    stops = _write_stops(tmp_path / "stops.csv", STOP_ROWS[:3])
    out = tmp_path / "o"
    status = main(
        [
            "plan",
            "--stops",
            str(stops),
            "--officers",
            "1",
            "--time-limit",
            "0.5",
            "--output",
            str(out),
        ]
    )
    assert status == 0
    err = capsys.readouterr().err
    assert "peringatan: OSRM gagal" in err and "tidak dapat dihubungi" in err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["travel_times"] == "haversine"
    assert summary["notes"] and "garis lurus" in summary["notes"][0]
