"""Stops of a visit plan: flagged kelurahan, sentra, individual UMKM, or rows of a CSV file.

A stop table is a plain DataFrame with the columns of :data:`STOP_COLUMNS`, one row per place
an officer should visit, coordinates in EPSG:4326. Time windows are minutes since midnight
(local time, WIB): the visit must *start* between ``window_start`` and ``window_end``
(inclusive); either may be missing (open on that side). ``must_visit`` stops may not be
dropped from a plan; the others may, when the day is too short. ``prioritas`` (0-100, from
:func:`geo.analysis.coverage.coverage`) decides which optional stops are dropped first; missing
counts as 50 in :func:`geo.planning.routing.solve`.

Builders
--------
:func:`kelurahan_stops`
    A kelurahan's point: its kantor kelurahan is not mapped yet, so the point is the centre of
    the kelurahan (the centroid, or a point inside it when the centroid falls outside), with
    ``presisi_lokasi = "kelurahan"``.
:func:`sentra_stops`
    The sentra's own point and precision (``data/sentra.csv``).
:func:`umkm_stops`
    Individual businesses of the register. Their ``alamat`` is personal data (UU PDP
    27/2022): callers pass register rows only on officer pages.
:func:`read_stops_csv`
    The command line's input; every problem is reported with file, row and column.

Cells of a stop table are read in the one vocabulary of :mod:`geo.core.rows`: ``must_visit``
is yes/no by :func:`geo.core.rows.parse_bool` (``ya``, ``y``, ``wajib``, ``true``, ``1`` /
``tidak``, ``n``, ``false``, ``0``; empty is no). ``t`` is refused as ambiguous (``true`` or
``tidak``?); before the shared vocabulary this module read it as no. Coordinates and
``prioritas`` accept a decimal point or a decimal comma (:func:`geo.core.rows.parse_number`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import wilayah
from geo.core.rows import (
    Problem,
    blank_mask,
    choices_text,
    duplicate_rows,
    parse_bools,
    parse_numbers,
    row_numbers,
    text_cells,
    unknown_rows,
)
from geo.core.settings import CRS_METRIC, CRS_STORAGE

__all__ = [
    "STOP_COLUMNS",
    "STOP_KINDS",
    "Depot",
    "StopError",
    "combine_stops",
    "depot_from_offices",
    "empty_stops",
    "format_hhmm",
    "kelurahan_stops",
    "parse_hhmm",
    "read_stops_csv",
    "sentra_stops",
    "umkm_stops",
    "validate_stops",
]

#: Columns of a stop table, in order, with their pandas dtypes. ``window_start`` and
#: ``window_end`` are minutes since midnight (local time).
STOP_COLUMNS: dict[str, str] = {
    "id": "string",
    "nama": "string",
    "jenis": "string",
    "alamat": "string",
    "kode_kelurahan": "string",
    "lat": "float64",
    "lon": "float64",
    "presisi_lokasi": "string",
    "window_start": "Int64",
    "window_end": "Int64",
    "must_visit": "bool",
    "prioritas": "float64",
}

#: What a stop is: a kelurahan (its centre), a sentra, one UMKM, or another place (CSV input).
STOP_KINDS: tuple[str, ...] = ("kelurahan", "sentra", "umkm", "lain")

_CSV_REQUIRED = ("id", "nama", "lat", "lon")
_CSV_OPTIONAL = ("window_start", "window_end", "must_visit", "alamat", "prioritas", "jenis")
_HHMM = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class StopError(ValueError):
    """A stop table or file cannot be planned; ``problems`` says where and what.

    Parameters
    ----------
    problems
        One :class:`geo.core.rows.Problem` per problem (file, row, column, message).
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n... dan {len(problems) - 20} masalah lain" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} masalah pada daftar titik kunjungan:\n{head}{more}")


@dataclass(frozen=True)
class Depot:
    """The office where every officer's route starts and ends.

    Attributes
    ----------
    id, nama, alamat
        As in ``data/kantor.csv``.
    lat, lon
        Degrees, EPSG:4326.
    presisi_lokasi
        How far the point can be trusted (``alamat``, ``jalan`` or ``kelurahan``; see
        :mod:`geo.wilayah.sentra`).
    """

    id: str
    nama: str
    alamat: str
    lat: float
    lon: float
    presisi_lokasi: str


# --------------------------------------------------------------------------------------------
# Times
# --------------------------------------------------------------------------------------------
def parse_hhmm(value: object) -> int | None:
    """Parse a clock time into minutes since midnight.

    Parameters
    ----------
    value
        ``"08:30"``, ``"8.30"``, a :class:`datetime.time`, an integer number of minutes, or
        empty/None/NA.

    Returns
    -------
    int or None
        Minutes since midnight (0-1440; ``"24:00"`` is 1440), None for an empty value.

    Raises
    ------
    ValueError
        The value is not a clock time.

    Examples
    --------
    >>> parse_hhmm("08:30"), parse_hhmm("8.05"), parse_hhmm(""), parse_hhmm(None)
    (510, 485, None, None)
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, datetime.time):
        return value.hour * 60 + value.minute
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        minutes = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        match = _HHMM.match(text)
        if match is None:
            raise ValueError(f"{text!r} bukan jam HH:MM")
        hours, mins = int(match.group(1)), int(match.group(2))
        if mins >= 60:
            raise ValueError(f"{text!r} bukan jam HH:MM (menit {mins} lebih dari 59)")
        minutes = hours * 60 + mins
    if not 0 <= minutes <= 24 * 60:
        raise ValueError(f"{value!r} di luar 00:00-24:00")
    return minutes


def format_hhmm(minutes: float | int | None) -> str:
    """Format minutes since midnight as ``"HH:MM"`` (rounded to the nearest minute).

    Examples
    --------
    >>> format_hhmm(510), format_hhmm(509.6), format_hhmm(None)
    ('08:30', '08:30', '')
    """
    if minutes is None or minutes is pd.NA or (isinstance(minutes, float) and np.isnan(minutes)):
        return ""
    total = round(float(minutes))
    return f"{total // 60:02d}:{total % 60:02d}"


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------
def empty_stops() -> pd.DataFrame:
    """Return an empty stop table with the columns and dtypes of :data:`STOP_COLUMNS`."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in STOP_COLUMNS.items()})


def _missing(dtype: str, n: int) -> pd.Series:
    """Return a column of ``n`` missing values (False for bool) of ``dtype``."""
    if dtype == "bool":
        return pd.Series(np.zeros(n, dtype=bool))
    if dtype == "float64":
        return pd.Series(np.full(n, np.nan))
    return pd.Series(pd.array([pd.NA] * n, dtype=dtype))


def _frame(data: dict[str, object], n: int) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.RangeIndex(n))
    for col, dtype in STOP_COLUMNS.items():
        value = data.get(col)
        if value is None:
            out[col] = _missing(dtype, n)
        else:
            out[col] = pd.Series(np.asarray(value, dtype=object) if dtype != "bool" else value)
            out[col] = out[col].astype(dtype)
    return out


def kelurahan_stops(
    kelurahan: gpd.GeoDataFrame, *, prioritas: pd.Series | None = None
) -> pd.DataFrame:
    """Turn kelurahan (e.g. flagged rows of :func:`geo.analysis.coverage.coverage`) into stops.

    Parameters
    ----------
    kelurahan
        Rows with ``kode``, ``nama``, ``kecamatan`` and polygons in any CRS; a ``prioritas``
        column (0-100) is carried over.
    prioritas
        Priorities to use instead of the ``prioritas`` column, aligned on the rows.

    Returns
    -------
    pandas.DataFrame
        One stop per row (:data:`STOP_COLUMNS`): id ``"kel:<kode>"``, ``jenis`` kelurahan,
        the point at the kelurahan's centre (centroid computed in EPSG:32749, or a point on
        the polygon's surface when the centroid falls outside it) in EPSG:4326, and
        ``presisi_lokasi = "kelurahan"``: the kantor kelurahan is not mapped yet.
    """
    if kelurahan.empty:
        return empty_stops()
    metric = kelurahan.to_crs(CRS_METRIC).geometry
    centroids = metric.centroid
    inside = centroids.within(metric).to_numpy()
    points = gpd.GeoSeries(
        np.where(inside, centroids.to_numpy(), metric.representative_point().to_numpy()),
        crs=CRS_METRIC,
    ).to_crs(CRS_STORAGE)
    prio = prioritas if prioritas is not None else kelurahan.get("prioritas")
    kecamatan = kelurahan["kecamatan"].astype(str).to_numpy()
    nama = kelurahan["nama"].astype(str).to_numpy()
    return _frame(
        {
            "id": [f"kel:{k}" for k in kelurahan["kode"].astype(str)],
            "nama": [f"Kelurahan {n}" for n in nama],
            "jenis": ["kelurahan"] * len(kelurahan),
            "alamat": [f"Kel. {n}, Kec. {k}" for n, k in zip(nama, kecamatan, strict=True)],
            "kode_kelurahan": kelurahan["kode"].astype(str).to_numpy(),
            "lat": points.y.to_numpy(),
            "lon": points.x.to_numpy(),
            "presisi_lokasi": ["kelurahan"] * len(kelurahan),
            "prioritas": None if prio is None else np.asarray(prio, dtype="float64"),
        },
        len(kelurahan),
    )


def sentra_stops(sentra: pd.DataFrame) -> pd.DataFrame:
    """Turn sentra (``data/sentra.csv`` or the store's table) into stops.

    Parameters
    ----------
    sentra
        Rows with ``id``, ``nama``, ``alamat``, ``kode_kelurahan``, ``lat``, ``lon`` and
        ``presisi_lokasi``.

    Returns
    -------
    pandas.DataFrame
        One stop per sentra: id ``"sentra:<id>"``, ``jenis`` sentra, the sentra's own point
        and precision.
    """
    if sentra.empty:
        return empty_stops()
    return _frame(
        {
            "id": [f"sentra:{s}" for s in sentra["id"].astype(str)],
            "nama": sentra["nama"].astype(str).to_numpy(),
            "jenis": ["sentra"] * len(sentra),
            "alamat": sentra["alamat"].astype("string").to_numpy(),
            "kode_kelurahan": sentra["kode_kelurahan"].astype("string").to_numpy(),
            "lat": sentra["lat"].to_numpy(dtype="float64"),
            "lon": sentra["lon"].to_numpy(dtype="float64"),
            "presisi_lokasi": sentra["presisi_lokasi"].astype("string").to_numpy(),
        },
        len(sentra),
    )


def umkm_stops(register: pd.DataFrame) -> pd.DataFrame:
    """Turn register rows (individual UMKM) into stops.

    Parameters
    ----------
    register
        Rows with ``id``, ``nama_usaha``, ``kode_kelurahan``, ``lat``, ``lon`` and, for
        officer pages only, ``alamat`` (personal data: a home-business address). Without
        ``alamat`` the stop's address is empty.

    Returns
    -------
    pandas.DataFrame
        One stop per business: id ``"umkm:<id>"``, ``jenis`` umkm, ``presisi_lokasi``
        ``alamat`` (the register's point is the business's own).
    """
    if register.empty:
        return empty_stops()
    n = len(register)
    alamat = register["alamat"].astype("string").to_numpy() if "alamat" in register else None
    return _frame(
        {
            "id": [f"umkm:{u}" for u in register["id"].astype(str)],
            "nama": register["nama_usaha"].astype("string").to_numpy(),
            "jenis": ["umkm"] * n,
            "alamat": alamat,
            "kode_kelurahan": register["kode_kelurahan"].astype("string").to_numpy(),
            "lat": register["lat"].to_numpy(dtype="float64"),
            "lon": register["lon"].to_numpy(dtype="float64"),
            "presisi_lokasi": ["alamat"] * n,
        },
        n,
    )


def depot_from_offices(offices: pd.DataFrame, name: str | None = None) -> Depot:
    """Pick the route depot among the offices (``data/kantor.csv``).

    Parameters
    ----------
    offices
        The offices, as from :func:`geo.wilayah.sentra.load_offices`.
    name
        The office's ``id`` (``"balai-kota"``), or a case-insensitive part of its ``nama``
        (``"Balai Kota"``, ``"Diskopindag"``); None picks the first office.

    Returns
    -------
    Depot

    Raises
    ------
    ValueError
        No office, or ``name`` matches none or several (the message lists the choices).
    """
    if offices.empty:
        raise ValueError("tidak ada kantor yang bisa menjadi depo")
    ids = offices["id"].astype(str)
    if name is None:
        row = offices.iloc[0]
    elif (ids == name).any():
        row = offices[ids == name].iloc[0]
    else:
        hits = offices[offices["nama"].astype(str).str.lower().str.contains(name.lower().strip())]
        choices = ", ".join(f"{i} ({n})" for i, n in zip(ids, offices["nama"], strict=True))
        if len(hits) != 1:
            what = "tidak dikenal" if hits.empty else "cocok dengan lebih dari satu kantor"
            raise ValueError(f"depo {name!r} {what}; pilihan: {choices}")
        row = hits.iloc[0]
    return Depot(
        id=str(row["id"]),
        nama=str(row["nama"]),
        alamat=str(row["alamat"]),
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        presisi_lokasi=str(row["presisi_lokasi"]),
    )


# --------------------------------------------------------------------------------------------
# Validation and CSV input
# --------------------------------------------------------------------------------------------
#: A problem of one cell, before it gets the file name: (row, column, message).
_Found = tuple[int, str, str]
_Stage = Callable[[pd.DataFrame, np.ndarray], tuple[dict[str, object], list[_Found]]]


def validate_stops(stops: pd.DataFrame, *, file: str = "titik kunjungan") -> pd.DataFrame:
    """Check a stop table and return it with the dtypes of :data:`STOP_COLUMNS`.

    Cells are read in the vocabulary of :mod:`geo.core.rows`: ``must_visit`` by
    :func:`geo.core.rows.parse_bool` (``ya``/``wajib``/``true``/``1`` or
    ``tidak``/``false``/``0``, empty is false; ``t`` is refused as ambiguous), ``lat``,
    ``lon`` and ``prioritas`` by :func:`geo.core.rows.parse_number` (decimal point or comma).

    Parameters
    ----------
    stops
        A stop table (missing optional columns are added empty). Row numbers in messages
        count the header as row 1, as in a spreadsheet.
    file
        Name used in the messages.

    Returns
    -------
    pandas.DataFrame
        The stops, index reset, every :data:`STOP_COLUMNS` column with its dtype.

    Raises
    ------
    StopError
        Every problem with row and column: missing or duplicate ``id``, coordinates that are
        not numbers or not on Earth (degrees, EPSG:4326), a window end before its start, a
        ``must_visit`` that is not yes or no, a ``prioritas`` that is not a number, an unknown
        ``jenis``.
    """
    table = stops.reset_index(drop=True)
    missing = [c for c in ("id", "lat", "lon") if c not in table.columns]
    if missing:
        raise StopError([Problem(file, 1, c, "kolom wajib tidak ada") for c in missing])
    rows = row_numbers(len(table))
    out = table.copy()
    found: list[_Found] = []
    for stage in _STAGES:
        columns, problems = stage(table, rows)
        for col, values in columns.items():
            out[col] = values
        found += problems
    if found:
        raise StopError([Problem(file, row, col, message) for row, col, message in sorted(found)])
    return _typed_stops(out, has_jenis="jenis" in table)


def _check_ids(table: pd.DataFrame, rows: np.ndarray) -> tuple[dict[str, object], list[_Found]]:
    """Empty and repeated ``id``; the ids as stripped text."""
    ids = text_cells(table["id"])
    found: list[_Found] = [(int(r), "id", "id kosong") for r in rows[blank_mask(table["id"])]]
    found += [(r, "id", f"id {value!r} ganda") for r, value, _ in duplicate_rows(ids, rows)]
    return {"id": ids}, found


def _check_coordinates(
    table: pd.DataFrame, rows: np.ndarray
) -> tuple[dict[str, object], list[_Found]]:
    """``lat``/``lon`` that are not numbers or not on Earth; the degrees as float64."""
    columns: dict[str, object] = {}
    found: list[_Found] = []
    for col, limit in (("lat", 90.0), ("lon", 180.0)):
        values, _ = parse_numbers(table[col])
        bad = values.isna().to_numpy() | (values.abs() > limit).to_numpy()
        found += [(int(r), col, f"{col} bukan koordinat yang sah") for r in rows[bad]]
        columns[col] = values
    return columns, found


def _check_windows(table: pd.DataFrame, rows: np.ndarray) -> tuple[dict[str, object], list[_Found]]:
    """Time windows (:func:`parse_hhmm`) and an end before the start; minutes as Int64."""
    minutes: dict[str, pd.Series] = {}
    found: list[_Found] = []
    for col in ("window_start", "window_end"):
        parsed: list[int | None] = []
        values = table[col] if col in table else [None] * len(table)
        for r, value in zip(rows.tolist(), values, strict=True):
            try:
                parsed.append(parse_hhmm(value))
            except ValueError as exc:
                found.append((r, col, str(exc)))
                parsed.append(None)
        minutes[col] = pd.Series(pd.array(parsed, dtype="Int64"))
    start, end = minutes["window_start"], minutes["window_end"]
    reversed_ = (start.notna() & end.notna() & (end < start).fillna(False)).to_numpy(dtype=bool)
    found += [
        (int(r), "window_end", "akhir jendela waktu sebelum awalnya") for r in rows[reversed_]
    ]
    return {col: values.array for col, values in minutes.items()}, found


def _check_must_visit(
    table: pd.DataFrame, rows: np.ndarray
) -> tuple[dict[str, object], list[_Found]]:
    """``must_visit`` as yes/no (:func:`geo.core.rows.parse_bool`, empty is no)."""
    if "must_visit" not in table:
        return {}, []
    flags, unknown = parse_bools(table["must_visit"], blank=False)
    found: list[_Found] = [
        (int(r), "must_visit", f"{value!r} bukan ya/tidak (true/false)")
        for r, value in zip(rows[unknown], table["must_visit"][unknown], strict=True)
    ]
    return {"must_visit": flags}, found


def _check_prioritas(
    table: pd.DataFrame, rows: np.ndarray
) -> tuple[dict[str, object], list[_Found]]:
    """``prioritas`` that is given but not a number; the numbers as float64."""
    if "prioritas" not in table:
        return {}, []
    values, unknown = parse_numbers(table["prioritas"])
    found: list[_Found] = [(int(r), "prioritas", "prioritas bukan angka") for r in rows[unknown]]
    return {"prioritas": values}, found


def _check_jenis(table: pd.DataFrame, rows: np.ndarray) -> tuple[dict[str, object], list[_Found]]:
    """``jenis`` outside :data:`STOP_KINDS` (empty is ``lain``)."""
    if "jenis" not in table:
        return {}, []
    jenis = text_cells(table["jenis"]).replace("", "lain")
    found: list[_Found] = [
        (r, "jenis", f"jenis {value!r}; pilihan: {choices_text(STOP_KINDS)}")
        for r, value in unknown_rows(jenis, STOP_KINDS, rows)
    ]
    return {"jenis": jenis}, found


_STAGES: tuple[_Stage, ...] = (
    _check_ids,
    _check_coordinates,
    _check_windows,
    _check_must_visit,
    _check_prioritas,
    _check_jenis,
)


def _typed_stops(out: pd.DataFrame, *, has_jenis: bool) -> pd.DataFrame:
    """Fill defaults (``nama`` from ``id``, ``jenis`` lain) and give every column its dtype."""
    ids = out["id"]
    if "nama" not in out:
        out["nama"] = ids
    out["nama"] = out["nama"].astype("string").fillna(ids).mask(out["nama"] == "", ids)
    if not has_jenis:
        out["jenis"] = "lain"
    result = pd.DataFrame(index=out.index)
    for col, dtype in STOP_COLUMNS.items():
        if col in out:
            result[col] = out[col].astype(dtype)
        else:
            result[col] = pd.Series(_missing(dtype, len(out)).to_numpy(), index=out.index).astype(
                dtype
            )
    return result


def read_stops_csv(
    path: str | Path, *, kel: gpd.GeoDataFrame | None = None, within_city: bool = True
) -> pd.DataFrame:
    """Read the stops of ``python -m geo plan --stops FILE``.

    Parameters
    ----------
    path
        A UTF-8 CSV with a header: ``id``, ``nama``, ``lat``, ``lon`` (degrees, EPSG:4326)
        and optionally ``window_start``, ``window_end`` (``HH:MM``), ``must_visit``
        (yes/no as :func:`geo.core.rows.parse_bool` reads it: ``ya``/``wajib``/``true``/``1``
        or ``tidak``/``false``/``0``; empty is no), ``alamat``, ``prioritas`` (0-100) and
        ``jenis`` (one of :data:`STOP_KINDS`, default ``lain``). Other columns are ignored.
    kel
        Kelurahan layer for the city check; the shipped one by default.
    within_city
        Refuse points outside Kota Malang (as :func:`geo.wilayah.assign_kelurahan` decides,
        with the distance to the city's edge in the message) and fill ``kode_kelurahan``.

    Returns
    -------
    pandas.DataFrame
        The stops (:data:`STOP_COLUMNS`), in file order.

    Raises
    ------
    StopError
        With every problem (file, row, column, what): the file is read whole or not at all.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise StopError([Problem(name, 0, "-", f"berkas tidak ditemukan: {path}")])
    try:
        raw = pd.read_csv(
            path, dtype="string", keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise StopError([Problem(name, 0, "-", f"CSV tidak terbaca: {exc}")]) from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in _CSV_REQUIRED if c not in raw.columns]
    if missing:
        raise StopError([Problem(name, 1, c, "kolom wajib tidak ada") for c in missing])
    problems: list[Problem] = []
    for r in row_numbers(len(raw))[blank_mask(raw["nama"])].tolist():
        problems.append(Problem(name, r, "nama", "nama kosong"))
    try:
        stops = validate_stops(raw[[c for c in raw.columns if c in STOP_COLUMNS]], file=name)
    except StopError as exc:
        problems += exc.problems
        stops = None
    if stops is not None and within_city:
        assigned = wilayah.assign_kelurahan(stops["lon"], stops["lat"], kel=kel)
        outside = assigned["kode_kelurahan"].isna().to_numpy()
        reasons = assigned.loc[outside, "alasan"]
        for r, reason in zip(np.flatnonzero(outside) + 2, reasons, strict=True):
            problems.append(Problem(name, int(r), "lat/lon", str(reason)))
        stops["kode_kelurahan"] = assigned["kode_kelurahan"].astype("string").to_numpy()
    if problems:
        problems.sort(key=lambda p: (p.row, p.column))
        raise StopError(problems)
    assert stops is not None
    return stops


def combine_stops(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate stop tables, keeping the first of any repeated ``id``."""
    frames = [p for p in parts if not p.empty]
    if not frames:
        return empty_stops()
    out = pd.concat(frames, ignore_index=True)
    return out[~out["id"].duplicated()].reset_index(drop=True)
