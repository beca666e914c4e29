"""Exports of a visit plan per officer: GPX, CSV, Google Maps links and a printable visit sheet.

Everything here takes a :class:`geo.planning.routing.Plan` and an officer number (1-based) and
returns
text (or a list of URLs), so the page offers them as downloads and the command line writes
them to files without solving again. Coordinates are EPSG:4326 degrees with 6 decimals
(about 0.1 m); times are local (WIB) ``HH:MM``.

GPX
    GPX 1.1 (``http://www.topografix.com/GPX/1/1``): one ``wpt`` per stop plus one for the
    depot, and one ``rte`` whose ``rtept`` run depot, stops in order, depot. Garmin devices,
    OsmAnd and Organic Maps import it.
Google Maps
    ``https://www.google.com/maps/dir/?api=1`` directions links (Google's documented Maps
    URLs). Google accepts at most nine intermediate waypoints in a link (three in mobile
    browsers; the Google Maps app takes more), so a route is split into legs of at most
    ``max_points`` points (default 10: origin, up to 8 waypoints, destination); each leg starts
    where the previous one ended.
Visit sheet
    A self-contained print-ready HTML page (A4, one card per stop that does not break across
    pages): ETA, address, how precise the point is, the seven support areas of the Sahabat UMKM
    program as a checklist, and blank lines for notes, the follow-up date and a signature.
"""

from __future__ import annotations

import csv
import html
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd

from geo.core.escape import spreadsheet_frame
from geo.core.i18n import format_number, t
from geo.core.register import KEBUTUHAN
from geo.planning.routing import (
    DEFAULT_MINUTES_PER_STOP,
    Plan,
    SolveOptions,
    solve,
    travel_matrix_or_estimate,
)
from geo.planning.stops import depot_from_offices, parse_hhmm, read_stops_csv

__all__ = [
    "CSV_COLUMNS",
    "GOOGLE_MAPS_MAX_POINTS",
    "GPX_NAMESPACE",
    "CsvPlanOptions",
    "google_maps_links",
    "plan_from_csv",
    "route_csv",
    "route_gpx",
    "route_links",
    "visit_sheet_html",
    "write_plan",
]

GPX_NAMESPACE = "http://www.topografix.com/GPX/1/1"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_CREATOR = "Peta Sentra UMKM Kota Malang"

#: Points per Google Maps link: origin + up to 8 waypoints + destination.
GOOGLE_MAPS_MAX_POINTS = 10

#: Columns of :func:`route_csv`, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "petugas",
    "urutan",
    "id",
    "nama",
    "jenis",
    "alamat",
    "lat",
    "lon",
    "presisi_lokasi",
    "jendela",
    "wajib",
    "tiba",
    "mulai",
    "selesai",
    "tunggu_menit",
    "tempuh_menit",
    "jarak_km",
)


def _route(plan: Plan, officer: int) -> pd.DataFrame:
    if not 1 <= officer <= plan.n_officers:
        raise ValueError(f"petugas {officer} tidak ada; rencana ini untuk {plan.n_officers}")
    return plan.route(officer)


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA or pd.isna(value) else str(value)


# --------------------------------------------------------------------------------------------
# GPX
# --------------------------------------------------------------------------------------------
def route_gpx(plan: Plan, officer: int, *, lang: str = "id") -> str:
    """Return one officer's route as a GPX 1.1 document.

    Parameters
    ----------
    plan
        The solved plan.
    officer
        Officer number, 1-based.
    lang
        Language of the names and descriptions.

    Returns
    -------
    str
        UTF-8 XML: ``metadata``; one ``wpt`` per stop (name ``"<n>. <nama>"``, description
        with ETA and address, ``type`` = the stop kind) and one for the depot; one ``rte``
        with the depot, the stops in visiting order and the depot again. An officer without
        visits gets a document with no points.
    """
    route = _route(plan, officer)
    ET.register_namespace("", GPX_NAMESPACE)
    ET.register_namespace("xsi", _XSI)
    q = f"{{{GPX_NAMESPACE}}}"
    root = ET.Element(
        f"{q}gpx",
        {
            "version": "1.1",
            "creator": _CREATOR,
            f"{{{_XSI}}}schemaLocation": f"{GPX_NAMESPACE} {GPX_NAMESPACE}/gpx.xsd",
        },
    )
    title = t("rute.export.title", lang, petugas=officer)
    metadata = ET.SubElement(root, f"{q}metadata")
    ET.SubElement(metadata, f"{q}name").text = title
    ET.SubElement(metadata, f"{q}desc").text = t(
        "rute.export.desc", lang, depot=plan.depot.nama, jumlah=max(0, len(route) - 2)
    )

    def point(tag: str, parent: ET.Element, row: pd.Series, name: str) -> None:
        el = ET.SubElement(parent, f"{q}{tag}", {"lat": f"{row.lat:.6f}", "lon": f"{row.lon:.6f}"})
        ET.SubElement(el, f"{q}name").text = name
        desc = t("rute.export.eta", lang, tiba=row.tiba, mulai=row.mulai, selesai=row.selesai)
        if _text(row.alamat):
            desc += f"; {row.alamat}"
        ET.SubElement(el, f"{q}desc").text = desc
        ET.SubElement(el, f"{q}type").text = str(row.jenis)

    def name_of(row: pd.Series) -> str:
        if row.jenis == "depot":
            return f"{t('rute.depot', lang)}: {row.nama}"
        return f"{row.urutan}. {row.nama}"

    if not route.empty:
        for row in route.iloc[:-1].itertuples(index=False):  # the depot once, then the stops
            point("wpt", root, row, name_of(row))
        rte = ET.SubElement(root, f"{q}rte")
        ET.SubElement(rte, f"{q}name").text = title
        for row in route.itertuples(index=False):
            point("rtept", rte, row, name_of(row))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------
def route_csv(plan: Plan, officer: int) -> str:
    """Return one officer's route as CSV text (columns :data:`CSV_COLUMNS`, header first).

    One row per point, depot first and last (``urutan`` 0 and n + 1); minutes rounded to 0.1,
    kilometres to 0.01, coordinates to 6 decimals.
    """
    route = _route(plan, officer)
    out = route.reindex(columns=list(CSV_COLUMNS)).copy()
    for col, digits in (("tunggu_menit", 1), ("tempuh_menit", 1), ("jarak_km", 2)):
        out[col] = pd.to_numeric(out[col]).round(digits)
    for col in ("lat", "lon"):
        out[col] = pd.to_numeric(out[col]).round(6)
    buffer = io.StringIO()
    spreadsheet_frame(out).to_csv(
        buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Google Maps
# --------------------------------------------------------------------------------------------
def google_maps_links(
    points: Sequence[tuple[float, float]],
    *,
    max_points: int = GOOGLE_MAPS_MAX_POINTS,
    travelmode: str = "driving",
) -> list[str]:
    """Split a sequence of points into Google Maps directions links.

    Parameters
    ----------
    points
        ``(lat, lon)`` in degrees, in travel order (at least two to make a link).
    max_points
        Most points per link, origin and destination included (3 to 11).
    travelmode
        ``driving``, ``two-wheeler``, ``walking``, ``bicycling`` or ``transit``.

    Returns
    -------
    list of str
        ``https://www.google.com/maps/dir/?api=1&origin=..&destination=..&waypoints=a|b``
        links; link k + 1 starts at the point where link k ends, so together they visit every
        point in order. Empty for fewer than two points.

    Examples
    --------
    >>> len(google_maps_links([(-7.98, 112.63)] * 12))
    2
    """
    if not 3 <= max_points <= 11:
        raise ValueError("max_points must be between 3 and 11 (Google allows 9 waypoints)")
    pts = [(float(a), float(b)) for a, b in points]
    if len(pts) < 2:
        return []
    links = []
    first = 0
    while first < len(pts) - 1:
        last = min(len(pts) - 1, first + max_points - 1)
        leg = pts[first : last + 1]
        params = {
            "api": "1",
            "origin": _latlon(leg[0]),
            "destination": _latlon(leg[-1]),
            "travelmode": travelmode,
        }
        if len(leg) > 2:
            params["waypoints"] = "|".join(_latlon(p) for p in leg[1:-1])
        links.append("https://www.google.com/maps/dir/?" + urlencode(params, safe=",|"))
        first = last
    return links


def _latlon(point: tuple[float, float]) -> str:
    return f"{point[0]:.6f},{point[1]:.6f}"


def route_links(plan: Plan, officer: int, *, max_points: int = GOOGLE_MAPS_MAX_POINTS) -> list[str]:
    """Return Google Maps links for one officer: depot, stops in order, back to the depot."""
    route = _route(plan, officer)
    return google_maps_links(
        list(zip(route["lat"], route["lon"], strict=True)), max_points=max_points
    )


# --------------------------------------------------------------------------------------------
# Visit sheet
# --------------------------------------------------------------------------------------------
_SHEET_CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #111;
       margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 0 0 1.5mm; }
.meta { margin: 0 0 4mm; color: #333; }
.demo { border: 1px solid #b45309; background: #fff7ed; padding: 2mm 3mm; margin: 0 0 4mm; }
table.ringkas { border-collapse: collapse; width: 100%; margin: 0 0 5mm; }
table.ringkas th, table.ringkas td { border: 1px solid #999; padding: 1.2mm 2mm;
       text-align: left; vertical-align: top; }
table.ringkas th { background: #eee; }
.card { border: 1px solid #444; border-radius: 2mm; padding: 3mm 4mm; margin: 0 0 4mm;
        page-break-inside: avoid; break-inside: avoid; }
.card .waktu { float: right; font-weight: bold; }
.card .alamat { color: #333; margin: 0 0 1mm; }
.card .presisi { color: #666; font-size: 9pt; margin: 0 0 2mm; }
.cek { columns: 2; list-style: none; padding: 0; margin: 1mm 0 2mm; }
.cek li { margin: 0 0 1.2mm; break-inside: avoid; }
.kotak { display: inline-block; width: 3.6mm; height: 3.6mm; border: 1px solid #111;
         margin-right: 2mm; vertical-align: -0.6mm; }
.garis { border-bottom: 1px solid #777; height: 7mm; }
.isian { display: flex; gap: 6mm; margin-top: 3mm; }
.isian div { flex: 1; border-bottom: 1px solid #777; padding-top: 6mm; font-size: 9pt;
             color: #444; }
.no-print { margin: 0 0 4mm; }
@media print { .no-print { display: none; } body { padding: 0; } }
"""


def visit_sheet_html(
    plan: Plan,
    officer: int,
    *,
    lang: str = "id",
    tanggal: date | None = None,
    demo: bool = False,
) -> str:
    """Return a printable visit sheet (HTML) for one officer.

    Parameters
    ----------
    plan
        The solved plan.
    officer
        Officer number, 1-based.
    lang
        Language of the sheet (``"id"`` or ``"en"``).
    tanggal
        Date of the visits, printed in the header (blank line to fill in when None).
    demo
        Print the "Data contoh" notice (the plan was made on the demo data set).

    Returns
    -------
    str
        A complete HTML document (inline CSS, no external resources): header with depot,
        departure and return, a summary table of the stops, then one card per stop with its
        ETA, address, location precision, the checklist of the support areas
        (:data:`geo.core.register.KEBUTUHAN`) and lines for notes, follow-up date and signature.
    """
    route = _route(plan, officer)
    e = html.escape
    stops = route.iloc[1:-1] if len(route) >= 2 else route.iloc[0:0]
    officer_row = plan.officers[plan.officers["petugas"] == officer].iloc[0]
    when = tanggal.strftime("%d/%m/%Y") if tanggal else "____ / ____ / ________"
    title = t("rute.sheet.title", lang, petugas=officer)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{_SHEET_CSS}</style></head><body>",
        f'<button class="no-print" onclick="window.print()">{e(t("rute.sheet.print", lang))}'
        "</button>",
        f"<h1>{e(title)}</h1>",
    ]
    if demo:
        parts.append(f'<p class="demo">{e(t("rute.sheet.demo", lang))}</p>')
    meta = t(
        "rute.sheet.meta",
        lang,
        tanggal=when,
        depot=plan.depot.nama,
        berangkat=officer_row["berangkat"] or "-",
        kembali=officer_row["kembali"] or "-",
        jumlah=len(stops),
        jarak=format_number(float(officer_row["jarak_km"]), lang, decimals=1),
    )
    parts.append(f'<p class="meta">{e(meta)}</p>')
    if stops.empty:
        parts.append(f"<p>{e(t('rute.sheet.empty', lang))}</p></body></html>")
        return "\n".join(parts)

    head = ["no", "tiba", "nama", "alamat", "jendela"]
    parts.append('<table class="ringkas"><thead><tr>')
    parts += [f"<th>{e(t(f'rute.col.{h}', lang))}</th>" for h in head]
    parts.append("</tr></thead><tbody>")
    for row in stops.itertuples(index=False):
        parts.append(
            f"<tr><td>{row.urutan}</td><td>{e(row.tiba)}</td><td>{e(_text(row.nama))}</td>"
            f"<td>{e(_text(row.alamat))}</td><td>{e(_text(row.jendela))}</td></tr>"
        )
    parts.append("</tbody></table>")

    needs = "".join(
        f'<li><span class="kotak"></span>{e(t(f"rute.kebutuhan.{code}", lang))}</li>'
        for code in KEBUTUHAN
    )
    for row in stops.itertuples(index=False):
        waktu = t("rute.sheet.waktu", lang, tiba=row.tiba, mulai=row.mulai, selesai=row.selesai)
        presisi = _text(row.presisi_lokasi)
        presisi_text = t(f"rute.presisi.{presisi}", lang) if presisi in _PRESISI else ""
        window = (
            f" · {e(t('rute.col.jendela', lang))} {e(row.jendela)}" if _text(row.jendela) else ""
        )
        must = f" · <strong>{e(t('rute.wajib', lang))}</strong>" if row.wajib else ""
        parts += [
            '<section class="card">',
            f'<span class="waktu">{e(waktu)}</span>',
            f"<h2>{row.urutan}. {e(_text(row.nama))}</h2>",
            f'<p class="alamat">{e(_text(row.alamat)) or "&nbsp;"}{window}{must}</p>',
            f'<p class="presisi">{e(presisi_text)}</p>' if presisi_text else "",
            f"<strong>{e(t('rute.sheet.cek', lang))}</strong>",
            f'<ul class="cek">{needs}</ul>',
            f"<strong>{e(t('rute.sheet.catatan', lang))}</strong>",
            '<div class="garis"></div>' * 4,
            '<div class="isian">',
            f"<div>{e(t('rute.sheet.tindak_lanjut', lang))}</div>",
            f"<div>{e(t('rute.sheet.ditemui', lang))}</div>",
            f"<div>{e(t('rute.sheet.paraf', lang))}</div>",
            "</div>",
            "</section>",
        ]
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


_PRESISI = ("alamat", "jalan", "kelurahan")


# --------------------------------------------------------------------------------------------
# All files of a plan
# --------------------------------------------------------------------------------------------
def write_plan(
    plan: Plan, output: str | Path, *, lang: str = "id", demo: bool = False
) -> list[Path]:
    """Write every export of a plan into a folder (created if needed).

    Files: per officer with visits ``route_<n>.gpx``, ``route_<n>.csv`` and
    ``lembar_<n>.html`` (visit sheet); ``dropped.csv`` (``id``, ``reason``, ``nama``,
    ``kode``, ``must_visit``; header only when nothing was dropped) and ``summary.json``
    (:meth:`geo.planning.routing.Plan.summary` plus the Google Maps links per officer).

    Returns
    -------
    list of pathlib.Path
        The files written, in the order above.
    """
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    links: dict[str, list[str]] = {}
    for officer in range(1, plan.n_officers + 1):
        if plan.route(officer).empty:
            continue
        for name, text in (
            (f"route_{officer}.gpx", route_gpx(plan, officer, lang=lang)),
            (f"route_{officer}.csv", route_csv(plan, officer)),
            (f"lembar_{officer}.html", visit_sheet_html(plan, officer, lang=lang, demo=demo)),
        ):
            path = folder / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
        links[str(officer)] = route_links(plan, officer)
    dropped = pd.DataFrame(
        {
            "id": plan.dropped["id"],
            "reason": plan.dropped["alasan"],
            "nama": plan.dropped["nama"],
            "kode": plan.dropped["kode"],
            "must_visit": plan.dropped["wajib"],
        }
    )
    path = folder / "dropped.csv"
    spreadsheet_frame(dropped).to_csv(path, index=False, lineterminator="\n")
    written.append(path)
    summary = {**plan.summary(), "google_maps": links}
    path = folder / "summary.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(path)
    return written


@dataclass(frozen=True)
class CsvPlanOptions:
    """Options of :func:`plan_from_csv` (``python -m geo plan``), as given on the command line.

    Attributes
    ----------
    start, end
        Working day, ``"HH:MM"`` local time (WIB).
    minutes_per_stop
        Minutes at each stop.
    time_limit_s
        Search time limit, seconds (:func:`geo.planning.routing.default_time_limit` when None).
    osrm_url
        OSRM server for road times, or None for the offline estimate.
    """

    start: str = "08:00"
    end: str = "15:00"
    minutes_per_stop: int = DEFAULT_MINUTES_PER_STOP
    time_limit_s: float | None = None
    osrm_url: str | None = None

    def solve_options(self) -> SolveOptions:
        """Return the :class:`geo.planning.routing.SolveOptions` of these options.

        Raises
        ------
        ValueError
            ``start`` or ``end`` is empty or not a clock time.
        """
        start_min = parse_hhmm(self.start)
        end_min = parse_hhmm(self.end)
        if start_min is None or end_min is None:
            raise ValueError("jam mulai dan selesai wajib diisi (HH:MM)")
        return SolveOptions(
            start=start_min,
            end=end_min,
            minutes_per_stop=self.minutes_per_stop,
            time_limit_s=self.time_limit_s,
            osrm_url=self.osrm_url,
        )


def plan_from_csv(
    stops_path: str | Path,
    output: str | Path,
    *,
    officers: int,
    depot: str | None = None,
    options: CsvPlanOptions | None = None,
    lang: str = "id",
    progress: Callable[[str], None] | None = None,
    on_solution: Callable[[int], None] | None = None,
) -> tuple[Plan, list[Path]]:
    """Read stops from a CSV, plan the routes and write every export (``python -m geo plan``).

    Parameters
    ----------
    stops_path
        The stops (see :func:`geo.planning.stops.read_stops_csv`).
    output
        Folder for the files of :func:`write_plan`.
    officers
        Number of officers.
    depot
        Office id or part of its name (:func:`geo.planning.stops.depot_from_offices`); the first
        office of ``data/kantor.csv`` when None.
    options
        Working day, minutes per stop, search time limit and OSRM server
        (:class:`CsvPlanOptions`; its defaults when None).
    lang
        Language of the exports.
    progress
        Called with the name of each step (``"baca"``, ``"waktu_tempuh"``, ``"cari"``,
        ``"tulis"``) as it starts.
    on_solution
        Passed to :func:`geo.planning.routing.solve`.

    Returns
    -------
    tuple
        The plan and the files written.

    Raises
    ------
    geo.planning.stops.StopError
        The CSV has problems (file, row, column); nothing is written.
    ValueError
        Unknown depot, bad times, or bad options (:class:`geo.planning.routing.RoutingError`).

    Notes
    -----
    When ``options.osrm_url`` is given and the server gives no usable table, the plan is made
    with the offline estimate and says so in ``plan.notes`` (as the planning page does).
    """
    from geo.wilayah.sentra import load_offices

    step = progress or (lambda _name: None)
    step("baca")
    solve_options = (options or CsvPlanOptions()).solve_options()
    table = read_stops_csv(stops_path)
    office = depot_from_offices(load_offices(), depot)
    step("waktu_tempuh")
    lat = [office.lat, *table["lat"]]
    lon = [office.lon, *table["lon"]]
    matrix, osrm_failure = travel_matrix_or_estimate(
        lat, lon, osrm_url=solve_options.osrm_url, labels=[office.nama, *table["nama"]]
    )
    step("cari")
    plan = solve(
        table,
        office,
        officers=officers,
        options=solve_options,
        matrix=matrix,
        on_solution=on_solution,
    )
    if osrm_failure:
        note = f"OSRM gagal ({osrm_failure}); waktu tempuh diperkirakan dari jarak garis lurus"
        plan = replace(plan, notes=(*plan.notes, note))
    step("tulis")
    return plan, write_plan(plan, output, lang=lang)
