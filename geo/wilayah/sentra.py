"""Sentra and kampung tematik of Kota Malang, and the offices used as route depots.

Two small CSV files written by the project (UTF-8, header on the first line) hold the places:

``data/sentra.csv``
    One row per sentra, columns exactly :data:`geo.core.register.SENTRA_COLUMNS`.
``data/kantor.csv``
    One row per office that can start and end a visiting route, columns exactly
    :data:`OFFICE_COLUMNS`.

Both are checked on load against the official kelurahan layer (:mod:`geo.wilayah`): every
``kode_kelurahan`` must be a kelurahan of Kota Malang and every point must fall in the
kelurahan it names, as :func:`geo.wilayah.assign_kelurahan` decides (the simplified polygons
included). A file with problems is refused with one message per problem, each naming the CSV
row (the header is row 1, the first data row is row 2; a quoted field spanning lines still
counts as one row), the column and what is wrong. Cells are read in the one vocabulary of
:mod:`geo.core.rows` (yes/no, numbers with a decimal point or comma, row numbers).

Location precision
------------------
``presisi_lokasi`` says how far the point can be trusted, in the terms of
:data:`geo.core.register.PRESISI_LOKASI`, read for places as follows:

``alamat``
    The point is the verified location of the address (building, gate or secretariat).
``jalan``
    The point comes from a public map of the place or street and is right to roughly a
    street block (a couple of hundred metres), but has not been checked on the ground.
``kelurahan``
    Only the kelurahan is known: the point is a placeholder inside it (the shipped rows use
    the kelurahan's centroid) and says nothing about where in the kelurahan the place is.

The ``deskripsi`` of each shipped sentra (and the ``sumber`` of each office) says where its
point comes from and whether it was moved into its kelurahan.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from geo import wilayah
from geo.core import settings
from geo.core.register import PRESISI_LOKASI, SECTORS, SENTRA_COLUMNS
from geo.core.rows import (
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
    "OFFICE_COLUMNS",
    "load_offices",
    "load_sentra",
    "sentra_summary",
    "validate_offices",
    "validate_sentra",
]

#: Columns of ``data/kantor.csv``, in order, with their pandas dtypes. ``sumber`` says where
#: the address and the point come from and how far they have been verified.
OFFICE_COLUMNS: dict[str, str] = {
    "id": "string",
    "nama": "string",
    "alamat": "string",
    "kode_kelurahan": "string",
    "lat": "float64",
    "lon": "float64",
    "presisi_lokasi": "string",
    "sumber": "string",
}

#: Columns that must hold a value in every row (the others may be empty).
_REQUIRED = ("id", "nama", "kode_kelurahan", "lat", "lon", "presisi_lokasi")


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------
def load_sentra(path: Path = settings.SENTRA_PATH) -> gpd.GeoDataFrame:
    """Read and check the sentra list.

    Parameters
    ----------
    path
        The sentra CSV; ``data/sentra.csv`` by default.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per sentra, in file order: the columns of
        :data:`geo.core.register.SENTRA_COLUMNS` with their dtypes (empty optional text as
        missing) and a point geometry from ``lon``/``lat`` in EPSG:4326.

    Raises
    ------
    ValueError
        The file breaks a rule of :func:`validate_sentra`; the message lists every problem.
    """
    raw = _read_csv(path)
    _raise_if_any(path, validate_sentra(raw))
    return _to_geodataframe(raw, SENTRA_COLUMNS)


def load_offices(path: Path = settings.OFFICES_PATH) -> gpd.GeoDataFrame:
    """Read and check the offices usable as route depots.

    Parameters
    ----------
    path
        The office CSV; ``data/kantor.csv`` by default.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per office, in file order: the columns of :data:`OFFICE_COLUMNS` with their
        dtypes and a point geometry from ``lon``/``lat`` in EPSG:4326.

    Raises
    ------
    ValueError
        The file breaks a rule of :func:`validate_offices`; the message lists every problem.
    """
    raw = _read_csv(path)
    _raise_if_any(path, validate_offices(raw))
    return _to_geodataframe(raw, OFFICE_COLUMNS)


def _read_csv(path: Path) -> pd.DataFrame:
    # Everything as text, empty cells as "": validation reports what a cell really holds.
    # utf-8-sig also reads a file saved with a byte-order mark (spreadsheet programs do).
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _raise_if_any(path: Path, problems: list[str]) -> None:
    if problems:
        lines = "\n".join(f"- {p}" for p in problems)
        raise ValueError(f"{path}: {len(problems)} problem(s):\n{lines}")


def _to_geodataframe(raw: pd.DataFrame, columns: dict[str, str]) -> gpd.GeoDataFrame:
    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    for col, dtype in columns.items():
        values = raw[col].reset_index(drop=True)
        if dtype == "float64":
            out[col] = parse_numbers(values)[0]
        elif dtype == "bool":
            out[col] = parse_bools(values)[0]
        else:
            text = values.astype("string").str.strip()
            out[col] = text.mask(text == "").astype(dtype)
    geometry = gpd.points_from_xy(out["lon"].to_numpy(), out["lat"].to_numpy())
    return gpd.GeoDataFrame(out, geometry=geometry, crs=CRS_STORAGE)


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------
def validate_sentra(df: pd.DataFrame, *, kel: gpd.GeoDataFrame | None = None) -> list[str]:
    """List every problem of a sentra table, naming the CSV row and column of each.

    Checked: the columns are exactly those of :data:`geo.core.register.SENTRA_COLUMNS` (a
    ``geometry`` column is allowed besides); ``id``, ``nama``, ``kode_kelurahan``, ``lat``,
    ``lon`` and ``presisi_lokasi`` hold a value; ``id`` is unique; ``sektor`` is a key of
    :data:`geo.core.register.SECTORS`; ``presisi_lokasi`` is one of
    :data:`geo.core.register.PRESISI_LOKASI`; ``publik`` is yes or no
    (:func:`geo.core.rows.parse_bool`: ``true``/``false``, ``ya``/``tidak``, ``1``/``0``, ...;
    ``t`` and empty are refused); ``kode_kelurahan`` is the kode of a kelurahan of Kota Malang;
    ``lat``/``lon`` are numbers (:func:`geo.core.rows.parse_number`: decimal point or comma);
    and the point lies in the stated kelurahan per :func:`geo.wilayah.assign_kelurahan` (the
    message names both kelurahan and the distance to the stated one).

    Parameters
    ----------
    df
        The table as read from the CSV (text) or as loaded (typed); rows in file order. Row
        numbers in the messages are positions: the first row of ``df`` is CSV row 2.
    kel
        Kelurahan layer to check against; the shipped one by default.

    Returns
    -------
    list of str
        One message per problem, like ``"row 5, column sektor: unknown sektor 'kulinr'
        (expected one of kuliner, fesyen, ...)"``; empty when the table is clean.
    """
    return _validate(df, SENTRA_COLUMNS, kel=kel)


def validate_offices(df: pd.DataFrame, *, kel: gpd.GeoDataFrame | None = None) -> list[str]:
    """List every problem of an office table, naming the CSV row and column of each.

    The rules of :func:`validate_sentra` that apply to :data:`OFFICE_COLUMNS`: exact columns,
    required values, unique ``id``, known ``presisi_lokasi``, a real ``kode_kelurahan`` and a
    point inside that kelurahan.

    Parameters
    ----------
    df
        The table as read from the CSV (text) or as loaded (typed); rows in file order.
    kel
        Kelurahan layer to check against; the shipped one by default.

    Returns
    -------
    list of str
        One message per problem; empty when the table is clean.
    """
    return _validate(df, OFFICE_COLUMNS, kel=kel)


def _validate(
    df: pd.DataFrame, columns: dict[str, str], *, kel: gpd.GeoDataFrame | None
) -> list[str]:
    problems, missing = _header_problems(df, columns)
    if missing:
        return problems  # rows cannot be checked without their columns

    kel = wilayah.kelurahan() if kel is None else kel
    names = dict(zip(kel["kode"].astype(str), kel["nama"].astype(str), strict=True))
    table = df.reset_index(drop=True)
    rows = row_numbers(len(table))
    problems += _required_problems(table, rows)
    problems += _id_problems(table, rows)
    problems += _choice_problems(table, columns, rows)
    problems += _publik_problems(table, columns, rows)
    kode = text_cells(table["kode_kelurahan"])
    kode_ok = kode.isin(list(names)).to_numpy()
    problems += [
        f"row {row}, column kode_kelurahan: {_unknown_kode(value, kel)}"
        for row, value in unknown_rows(kode, names, rows)
    ]
    lat, lon, coordinate_problems = _coordinate_problems(table, rows)
    problems += coordinate_problems

    check = np.flatnonzero(kode_ok & lat.notna().to_numpy() & lon.notna().to_numpy())
    if len(check):
        problems += _point_problems(
            rows[check],
            lon.to_numpy()[check],
            lat.to_numpy()[check],
            kode.to_numpy()[check],
            kel=kel,
            names=names,
        )
    return sorted(problems, key=_row_of)


def _header_problems(df: pd.DataFrame, columns: dict[str, str]) -> tuple[list[str], list[str]]:
    """Problems of the header (row 1), and the missing columns."""
    present = [c for c in df.columns if c != "geometry"]
    missing = [c for c in columns if c not in present]
    extra = [c for c in present if c not in columns]
    problems = [f"row 1 (header): missing column {c!r}" for c in missing]
    problems += [f"row 1 (header): unexpected column {c!r}" for c in extra]
    return problems, missing


def _required_problems(table: pd.DataFrame, rows: np.ndarray) -> list[str]:
    """Empty cells of the columns that must hold a value."""
    return [
        f"row {row}, column {col}: empty"
        for col in _REQUIRED
        for row in rows[blank_mask(table[col])]
    ]


def _id_problems(table: pd.DataFrame, rows: np.ndarray) -> list[str]:
    """Repeated ids, each naming the row of the first occurrence."""
    return [
        f"row {row}, column id: duplicate id {value!r} (first on row {first})"
        for row, value, first in duplicate_rows(table["id"], rows)
    ]


def _choice_problems(table: pd.DataFrame, columns: dict[str, str], rows: np.ndarray) -> list[str]:
    """Unknown ``sektor`` (and empty: every sentra belongs to one trade) and ``presisi_lokasi``."""
    problems = []
    if "sektor" in columns:
        problems += [
            f"row {row}, column sektor: unknown sektor {value!r} "
            f"(expected one of {choices_text(SECTORS)})"
            for row, value in unknown_rows(table["sektor"], SECTORS, rows)
        ]
        problems += [
            f"row {row}, column sektor: empty" for row in rows[blank_mask(table["sektor"])]
        ]
    problems += [
        f"row {row}, column presisi_lokasi: unknown presisi_lokasi {value!r} "
        f"(expected one of {choices_text(PRESISI_LOKASI)})"
        for row, value in unknown_rows(table["presisi_lokasi"], PRESISI_LOKASI, rows)
    ]
    return problems


def _publik_problems(table: pd.DataFrame, columns: dict[str, str], rows: np.ndarray) -> list[str]:
    """``publik`` cells that are not yes or no (:func:`geo.core.rows.parse_bool`); empty too."""
    if "publik" not in columns:
        return []
    _, unknown = parse_bools(table["publik"])
    text = text_cells(table["publik"]).to_numpy()
    return [
        f"row {row}, column publik: {value!r} is not true or false (write true or false)"
        for row, value in zip(rows[unknown], text[unknown], strict=True)
    ]


def _coordinate_problems(
    table: pd.DataFrame, rows: np.ndarray
) -> tuple[pd.Series, pd.Series, list[str]]:
    """Read ``lat``/``lon`` (degrees); (lat, lon, problems of cells that are not numbers)."""
    read = {col: parse_numbers(table[col]) for col in ("lat", "lon")}
    problems = []
    for col, (_, unknown) in read.items():
        text = text_cells(table[col]).to_numpy()
        for row, value in zip(rows[unknown], text[unknown], strict=True):
            problems.append(f"row {row}, column {col}: {value!r} is not a number")
    return read["lat"][0], read["lon"][0], problems


def _point_problems(
    rows: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    stated: np.ndarray,
    *,
    kel: gpd.GeoDataFrame,
    names: dict[str, str],
) -> list[str]:
    assigned = wilayah.assign_kelurahan(lon, lat, kel=kel)
    got = assigned["kode_kelurahan"].fillna("").astype(str).to_numpy()
    wrong = np.flatnonzero(got != stated.astype(str))
    if not len(wrong):
        return []
    to_metric = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)
    polygons = kel.to_crs(CRS_METRIC).set_index(kel["kode"].astype(str)).geometry
    problems = []
    for i in wrong:
        x, y = to_metric.transform(lon[i], lat[i])
        distance = polygons[stated[i]].distance(gpd.points_from_xy([x], [y])[0])
        want = f"{names[stated[i]]} ({stated[i]})"
        where = (
            f"outside Kota Malang ({_metres(assigned['jarak_m'].iloc[i])} beyond its edge)"
            if not got[i]
            else f"in {names[got[i]]} ({got[i]})"
        )
        problems.append(
            f"row {rows[i]}, columns lat/lon: point ({lat[i]:.5f}, {lon[i]:.5f}) lies {where}, "
            f"not in the stated kelurahan {want}: {_metres(distance)} from it"
        )
    return problems


def _unknown_kode(value: str, kel: gpd.GeoDataFrame) -> str:
    message = f"{value!r} is not the kode of a kelurahan of Kota Malang"
    match = wilayah.resolve_kelurahan(value, kel=kel)
    if match is not None:  # a name where the kode belongs: say which kode it is
        message += f" (for the kelurahan {match.nama} write {match.kode})"
    return message


def _metres(distance: float) -> str:
    if distance >= 1000:
        return f"{distance / 1000:.1f} km"
    return f"{distance:.0f} m"


def _row_of(message: str) -> int:
    # "row 12, ..." or "row 1 (header): ..." -> 12 / 1; stable sort keeps check order per row.
    return int(message.split(maxsplit=2)[1].rstrip(",:"))


# --------------------------------------------------------------------------------------------
# Aggregates
# --------------------------------------------------------------------------------------------
def sentra_summary(sentra: gpd.GeoDataFrame, register: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Add to each sentra the number of register rows that belong to it.

    A public aggregate: only the count leaves the register, no row and no personal field.

    Parameters
    ----------
    sentra
        The sentra, as from :func:`load_sentra`.
    register
        The UMKM register (any table with a ``sentra_id`` column), or None.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``sentra`` with ``jumlah_umkm`` (int64): the number of register rows whose
        ``sentra_id`` is the sentra's ``id``; 0 for every sentra when ``register`` is None or
        empty. Register rows of other or no sentra are not counted anywhere.

    Raises
    ------
    ValueError
        ``register`` has rows but no ``sentra_id`` column.
    """
    out = sentra.copy()
    if register is None or register.empty:
        out["jumlah_umkm"] = np.zeros(len(out), dtype="int64")
        return out
    if "sentra_id" not in register.columns:
        raise ValueError("register has no sentra_id column, so UMKM cannot be counted by sentra")
    counts = register["sentra_id"].dropna().astype(str).value_counts()
    jumlah = out["id"].astype(str).map(counts).fillna(0)
    out["jumlah_umkm"] = jumlah.astype("int64").to_numpy()
    return out
