"""Read registers from files and validate them row by row before anything is stored.

Today this reads CSV files in the register's own columns (see :data:`geo.register.UMKM_COLUMNS`)
and checks every cell it needs; the forgiving importer for the city's spreadsheets (column
mapping, repairs, XLSX and GeoJSON) builds on the same :class:`Problem` report.

Row numbers follow the spreadsheet convention: the header is row 1, the first record row 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import wilayah
from geo.register import SECTORS, SIZE_CLASSES, STATUS, UMKM_COLUMNS, to_geodataframe

__all__ = ["Problem", "RegisterImportError", "read_register_csv", "validate_register"]

REQUIRED = ("id", "nama_usaha", "lat", "lon", "sektor", "skala", "status")


@dataclass(frozen=True)
class Problem:
    """One problem found in a source file: where (file, row, column) and what."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, baris {self.row}, kolom {self.column}: {self.message}"


class RegisterImportError(ValueError):
    """A file cannot be imported; ``problems`` lists every row-level reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n... dan {len(problems) - 20} masalah lain" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} masalah, tidak ada yang disimpan:\n{head}{more}")


def validate_register(
    df: pd.DataFrame, *, file: str, kel: gpd.GeoDataFrame | None = None
) -> list[Problem]:
    """Check a register table cell by cell.

    Parameters
    ----------
    df
        Raw table as read (all cells as text), index 0 = first record.
    file
        File name used in the messages.
    kel
        Kelurahan layer for the point checks; the shipped one by default.

    Returns
    -------
    list of Problem
        Empty when every row can be stored. Checks: required columns present, ids present and
        unique, lat/lon numeric and inside Kota Malang (distance given otherwise), kode_kelurahan
        (when given) the one the point falls in, sektor/skala/status from the taxonomy, dates
        and money parseable.
    """
    problems: list[Problem] = []
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        return [Problem(file, 1, c, "kolom wajib tidak ada") for c in missing]
    rows = np.arange(len(df)) + 2

    def flag(mask: np.ndarray | pd.Series, column: str, message: str | list[str]) -> None:
        mask = np.asarray(mask, dtype=bool)
        messages = message if isinstance(message, list) else [message] * int(mask.sum())
        for r, m in zip(rows[mask], messages, strict=True):
            problems.append(Problem(file, int(r), column, m))

    ids = df["id"].astype("string").str.strip()
    flag(ids.isna() | (ids == ""), "id", "id kosong")
    flag(ids.duplicated(keep="first") & ids.notna(), "id", "id ganda dalam berkas")
    name = df["nama_usaha"].astype("string").str.strip()
    flag(name.isna() | (name == ""), "nama_usaha", "nama_usaha kosong")

    lat = pd.to_numeric(df["lat"], errors="coerce")
    lon = pd.to_numeric(df["lon"], errors="coerce")
    flag(lat.isna(), "lat", "lat bukan angka")
    flag(lon.isna(), "lon", "lon bukan angka")
    both = lat.notna() & lon.notna()
    assigned = wilayah.assign_kelurahan(lon.where(both), lat.where(both), kel=kel)
    outside = both.to_numpy() & assigned["kode_kelurahan"].isna().to_numpy()
    flag(outside, "lat/lon", [str(a) for a in assigned.loc[outside, "alasan"]])
    if "kode_kelurahan" in df.columns:
        stated = df["kode_kelurahan"].astype("string").str.strip()
        differs = (
            stated.notna().to_numpy()
            & assigned["kode_kelurahan"].notna().to_numpy()
            & (stated.to_numpy() != assigned["kode_kelurahan"].to_numpy())
        )
        flag(
            differs,
            "kode_kelurahan",
            [
                f"titik berada di kelurahan {a}, bukan {s}"
                for s, a in zip(
                    stated[differs], assigned.loc[differs, "kode_kelurahan"], strict=True
                )
            ],
        )
    for column, allowed in (("sektor", SECTORS), ("skala", SIZE_CLASSES), ("status", STATUS)):
        values = df[column].astype("string").str.strip()
        bad = ~values.isin(list(allowed)).fillna(False)
        flag(
            bad,
            column,
            [f"nilai {v!r} tidak dikenal; pilihan: {', '.join(allowed)}" for v in values[bad]],
        )
    if "tanggal_terkurasi" in df.columns:
        raw = df["tanggal_terkurasi"].astype("string")
        parsed = pd.to_datetime(raw, errors="coerce", format="ISO8601")
        flag(raw.notna() & parsed.isna(), "tanggal_terkurasi", "tanggal bukan YYYY-MM-DD")
    for column in ("modal", "omzet"):
        if column in df.columns:
            raw = df[column].astype("string")
            value = pd.to_numeric(raw, errors="coerce")
            flag(raw.notna() & (raw.str.strip() != "") & value.isna(), column, "bukan angka")
            flag(value < 0, column, "tidak boleh negatif")
    problems.sort(key=lambda p: (p.row, p.column))
    return problems


def read_register_csv(path: str | Path, *, kel: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Read and validate a CSV in the register's own columns.

    Returns
    -------
    geopandas.GeoDataFrame
        The register rows (EPSG:4326), ``kode_kelurahan`` filled from the point where empty.

    Raises
    ------
    RegisterImportError
        With every problem (file, row, column, reason) when any row is invalid: nothing of the
        file is returned, so nothing is stored.
    """
    path = Path(path)
    if not path.is_file():
        raise RegisterImportError([Problem(path.name, 0, "-", f"berkas tidak ditemukan: {path}")])
    try:
        raw = pd.read_csv(path, dtype="string", keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        problem = Problem(path.name, 0, "-", f"CSV tidak terbaca: {exc}")
        raise RegisterImportError([problem]) from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    problems = validate_register(raw, file=path.name, kel=kel)
    if problems:
        raise RegisterImportError(problems)
    df = raw[[c for c in raw.columns if c in UMKM_COLUMNS]].copy()
    for column in ("lat", "lon", "modal", "omzet"):
        if column in df:
            df[column] = pd.to_numeric(df[column])
    if "tanggal_terkurasi" in df:
        df["tanggal_terkurasi"] = pd.to_datetime(df["tanggal_terkurasi"], format="ISO8601")
    assigned = wilayah.assign_kelurahan(df["lon"], df["lat"], kel=kel)["kode_kelurahan"]
    if "kode_kelurahan" in df:
        df["kode_kelurahan"] = df["kode_kelurahan"].fillna(assigned)
    else:
        df["kode_kelurahan"] = assigned
    df["sumber"] = df["sumber"].fillna(path.name) if "sumber" in df else path.name
    return to_geodataframe(df.reset_index(drop=True))
