"""The stages of an import plan, each a function over the working frame of one source file.

:func:`geo.ingest.importer.plan_import` reads nothing itself: the file is read by
:func:`geo.ingest.readers.read_source`, then these stages run in this order, each adding
register columns and problems to one :class:`Work`:

1. :func:`map_columns`: apply the column mapping, clean every mapped cell, note rows with more
   cells than headers and what is wrong with the mapping;
2. :func:`take_names`: business name, owner, address and id (generated where none is given);
3. :func:`repair_coordinates`: read lat/lon, "lat, lon" pairs and degrees-minutes-seconds,
   repair swapped axes, missing minus signs and lost decimal separators;
4. :func:`locate_points`: the kelurahan each point lies in (points outside the city refused);
5. :func:`resolve_wilayah`: the kelurahan written (name or code), compared with the point's,
   rows without coordinates placed inside it when asked, ``presisi_lokasi``;
6. :func:`classify_sectors`, :func:`money_and_size`, :func:`normalise_phone`,
   :func:`dates_and_status`: the other register columns;
7. :func:`mark_duplicates`: rows repeating an earlier row or a stored business.

:func:`geo.ingest.importer.finish_plan` then turns the working frame into an
:class:`~geo.ingest.importer.ImportPlan`. Each stage runs alone on a small frame made with
:meth:`Work.of` (the tests do), provided the columns it reads are there: the location stages
read what :func:`repair_coordinates` writes.

A row's problems are reported in the order they are added, so the stages keep the order of the
checks: name, location, sector, size, phone, date, duplicates. Coordinates are degrees
(EPSG:4326) throughout; distances are metres in EPSG:32749.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo import wilayah
from geo.core.register import PRESISI_LOKASI, SECTORS, UMKM_COLUMNS, classify_size
from geo.core.rows import parse_date
from geo.core.settings import CRS_METRIC, CRS_STORAGE
from geo.ingest.coordinates import REPAIRS, parse_coordinates, parse_pairs, repair_lat_lon
from geo.ingest.duplicates import find_duplicates
from geo.ingest.headers import (
    OSM_HINT_KEYS,
    check_mapping,
    guess_mapping,
    header_key,
    sector_hints,
)
from geo.ingest.money import format_rupiah, parse_rupiah
from geo.ingest.phone import normalise_phones
from geo.ingest.readers import SourceTable
from geo.ingest.sectors import classify_business_types, classify_kbli, classify_osm_tags

__all__ = [
    "OUTPUT_COLUMNS",
    "SIZE_CLASSES_ASSUMABLE",
    "Issues",
    "Work",
    "classify_sectors",
    "dates_and_status",
    "locate_points",
    "map_columns",
    "mark_duplicates",
    "money_and_size",
    "normalise_phone",
    "repair_coordinates",
    "resolve_wilayah",
    "take_names",
    "unit_word",
]

#: Register columns an import writes (the register plus ``presisi_lokasi``) and their dtypes.
OUTPUT_COLUMNS: dict[str, str] = {
    **UMKM_COLUMNS,
    "presisi_lokasi": "string",
    "id_sumber": "string",  # the id in the system the file came from (stored, version 6)
}
#: Size classes a user may assume for rows without skala, omzet or aset (``skala_default``).
SIZE_CLASSES_ASSUMABLE: tuple[str, ...] = ("mikro", "kecil", "menengah")
# Formats whose records are features, not spreadsheet rows ("fitur 1" is the first feature).
_FEATURE_FORMATS = frozenset({"geojson", "gpkg"})

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMPTY_MARKERS = frozenset(
    {"-", "--", "---", "—", "–", ".", "n/a", "na", "#n/a", "null", "none", "nan", "?"}
    | {"tidak ada", "belum ada", "tidak diketahui", "kosong"}
)
_SIZE_WORDS: dict[str, str] = {
    "mikro": "mikro",
    "micro": "mikro",
    "umi": "mikro",
    "usaha mikro": "mikro",
    "kecil": "kecil",
    "small": "kecil",
    "usaha kecil": "kecil",
    "menengah": "menengah",
    "medium": "menengah",
    "usaha menengah": "menengah",
    "besar": "besar",
    "usaha besar": "besar",
}
_STATUS_WORDS: dict[str, str] = {
    "aktif": "aktif",
    "active": "aktif",
    "ya": "aktif",
    "buka": "aktif",
    "beroperasi": "aktif",
    "berjalan": "aktif",
    "1": "aktif",
    "tidak aktif": "tidak_aktif",
    "nonaktif": "tidak_aktif",
    "non aktif": "tidak_aktif",
    "inactive": "tidak_aktif",
    "tidak": "tidak_aktif",
    "tutup": "tidak_aktif",
    "berhenti": "tidak_aktif",
    "0": "tidak_aktif",
}
_TO_METRIC = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)


def unit_word(fmt: str) -> str:
    """Name of one record of a file format: ``"fitur"`` (GeoJSON, GeoPackage) or ``"baris"``."""
    return "fitur" if fmt in _FEATURE_FORMATS else "baris"


# --- The working frame ------------------------------------------------------------------------


class Issues:
    """Problems found so far, as (row position, column, level, message), recorded by mask.

    Parameters
    ----------
    n
        Number of rows of the working frame.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.pos: list[np.ndarray] = []
        self.column: list[np.ndarray] = []
        self.level: list[str] = []
        self.count: list[int] = []
        self.message: list[np.ndarray] = []

    def add(
        self,
        mask: pd.Series | np.ndarray,
        column: str | pd.Series,
        level: str,
        message: str | pd.Series | Callable[[], str | pd.Series],
    ) -> None:
        """Record a problem for every row of ``mask``.

        Parameters
        ----------
        mask
            Boolean, one value per row of the frame.
        column
            Source header to name, one for all rows or one per row (a Series over all rows).
        level
            ``"galat"`` or ``"peringatan"``.
        message
            One text, one per row (a Series over all rows), or a function giving either: it is
            called only when ``mask`` selects a row, so that the (costly) texts of problems no
            row has are never built.
        """
        where = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(where):
            return
        if callable(message):
            message = message()
        self.pos.append(where)
        if isinstance(column, str):
            self.column.append(np.full(len(where), column, dtype=object))
        else:
            self.column.append(column.to_numpy(dtype=object)[where])
        if isinstance(message, str):
            self.message.append(np.full(len(where), message, dtype=object))
        else:
            self.message.append(message.to_numpy(dtype=object)[where])
        self.level.append(level)
        self.count.append(len(where))

    def frame(self) -> pd.DataFrame:
        """Return every problem so far, in the order recorded.

        Columns ``pos`` (row position), ``column``, ``level`` and ``message``.
        """
        if not self.pos:
            return pd.DataFrame({"pos": [], "column": [], "level": [], "message": []}).astype(
                {"pos": "int64"}
            )
        return pd.DataFrame(
            {
                "pos": np.concatenate(self.pos),
                "column": np.concatenate(self.column),
                "level": np.repeat(self.level, self.count),
                "message": np.concatenate(self.message),
            }
        )

    def galat(self) -> np.ndarray:
        """Boolean per row: whether the row has a ``galat`` problem so far."""
        found = self.frame()
        out = np.zeros(self.n, dtype=bool)
        out[found.loc[found["level"] == "galat", "pos"].astype(int).to_numpy()] = True
        return out


@dataclass
class Work:
    """The working frame of one import: text cells in, register rows and problems out.

    Stages read :attr:`cells` and earlier stages' columns of :attr:`out`, and write columns of
    :attr:`out` and problems to :attr:`issues`; every frame has a ``RangeIndex`` (row position).

    Attributes
    ----------
    cells
        Cleaned text (``string`` dtype, missing where empty or "-", "n/a", ...), one column per
        mapped field code of :data:`geo.ingest.headers.FIELDS`; unmapped fields are absent.
    rows
        Source row number of each row (int64; the header is row 1; for GeoJSON and GeoPackage
        the feature's number, 1 = first feature).
    out
        The register columns being built (:data:`OUTPUT_COLUMNS`; ``lat``/``lon`` in degrees,
        EPSG:4326) and ``kelurahan`` (name), plus working columns of the stages, named
        ``_...``: ``_has``, ``_written``, ``_unlocated``, ``_coord_label`` (from
        :func:`repair_coordinates`), ``_point_kode``, ``_outside`` (from :func:`locate_points`),
        ``_baris_sama``, ``_id_sama``, ``_alasan`` (from :func:`mark_duplicates`).
    issues
        Problems found so far.
    labels
        Field code -> source header it comes from (named in problems).
    mapping
        Source header -> field code (None: ignored), as applied.
    mapping_problems
        What is wrong with the mapping (then no stage after :func:`map_columns` runs), once
        for the whole file.
    unit
        What a record is called in messages: ``"baris"``, or ``"fitur"`` for GeoJSON and
        GeoPackage (:func:`unit_word`).
    hints
        Cleaned text of unmapped columns that say what the business is, by source header
        (:func:`geo.ingest.headers.sector_hints`); read by :func:`classify_sectors`.
    hint_kinds
        Source header -> how to read it (``"amenity"`` ... ``"cuisine"``, ``"kbli"``,
        ``"teks"``).
    notes
        What holds for the whole file, said once in the report (a size class assumed, the
        columns read for the sector), in Bahasa Indonesia.
    """

    cells: pd.DataFrame
    rows: np.ndarray
    out: pd.DataFrame
    issues: Issues
    labels: dict[str, str] = field(default_factory=dict)
    mapping: dict[str, str | None] = field(default_factory=dict)
    mapping_problems: list[str] = field(default_factory=list)
    unit: str = "baris"
    hints: pd.DataFrame = field(default_factory=pd.DataFrame)
    hint_kinds: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        cells: Mapping[str, pd.Series | Sequence[str | None]],
        *,
        rows: np.ndarray | Sequence[int] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> Work:
        """Start a working frame from raw text cells by field code.

        Parameters
        ----------
        cells
            Field code -> cells (str or None), all of one length; cleaned here.
        rows
            Source row numbers; by default 2, 3, ... (the header is row 1).
        labels
            Field code -> source header; by default every field is named by its code.

        Returns
        -------
        Work
            With empty register columns and no problems.
        """
        n = len(rows) if rows is not None else len(next(iter(cells.values()), ()))
        index = pd.RangeIndex(n)
        clean = {
            code: _clean(
                values.set_axis(index)
                if isinstance(values, pd.Series)
                else pd.Series(list(values), index=index, dtype=object)
            )
            for code, values in cells.items()
        }
        return cls(
            cells=pd.DataFrame(clean, index=index),
            rows=np.asarray(range(2, n + 2) if rows is None else rows, dtype="int64"),
            out=_empty_out(index),
            issues=Issues(n),
            labels=dict(labels) if labels is not None else {code: code for code in cells},
        )

    @property
    def n(self) -> int:
        """Number of rows."""
        return len(self.out)

    def col(self, code: str) -> pd.Series:
        """Return the cleaned text of field ``code`` (all missing when the field is not mapped)."""
        if code in self.cells.columns:
            return self.cells[code]
        return pd.Series(pd.NA, index=self.out.index, dtype="string")

    def label(self, code: str) -> str:
        """Source header of field ``code``, to name in problems (the code if not mapped)."""
        return self.labels.get(code, code)


def _empty_out(index: pd.RangeIndex) -> pd.DataFrame:
    out = pd.DataFrame(index=index)
    for column, dtype in OUTPUT_COLUMNS.items():
        out[column] = pd.Series(pd.NA if dtype == "string" else np.nan, index=index).astype(dtype)
    out["kelurahan"] = pd.Series(pd.NA, index=index, dtype="string")
    out["id_sumber"] = pd.Series(pd.NA, index=index, dtype="string")
    return out


# --- Cell cleaning and parsing ----------------------------------------------------------------


def _clean(values: pd.Series) -> pd.Series:
    """Strip control characters and spaces; empty cells and "-", "n/a", ... become missing."""
    text = values.astype("string").str.replace(_CONTROL.pattern, "", regex=True).str.strip()
    empty = (text == "") | text.str.lower().isin(_EMPTY_MARKERS)
    return text.mask(empty.fillna(True).astype(bool))


def _parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (dates as datetime64[s], unreadable mask) for a column of date cells."""
    present = values.notna()
    cache = {u: parse_date(u) for u in values[present].unique()}
    days = [cache[u] for u in values[present].tolist()]
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    out[present] = np.array(
        [np.datetime64(d, "s") if d is not None else np.datetime64("NaT") for d in days],
        dtype="datetime64[s]",
    )
    unreadable = present & out.isna()
    return out, unreadable


def _normalise_kode(values: pd.Series, known: set[str]) -> tuple[pd.Series, pd.Series]:
    """Kelurahan codes with or without dots -> ``35.73.KK.LLLL``; (codes, unknown mask)."""
    digits = values.str.replace(r"[^0-9]", "", regex=True)
    dotted = (
        digits.str.slice(0, 2)
        + "."
        + digits.str.slice(2, 4)
        + "."
        + digits.str.slice(4, 6)
        + "."
        + digits.str.slice(6, 10)
    )
    ok = (digits.str.len() == 10).fillna(False) & dotted.isin(known).fillna(False)
    return dotted.where(ok), values.notna() & ~ok


def _map_distinct(values: pd.Series, func: Callable[[float], str]) -> pd.Series:
    """Apply ``func`` once per distinct value (missing values give missing)."""
    distinct = values.dropna().unique()
    table = pd.Series([func(v) for v in distinct], index=distinct, dtype="string")
    return values.map(table).astype("string")


def _lookup(values: pd.Series, words: Mapping[str, str]) -> pd.Series:
    """Look each cell up in ``words`` by its :func:`~geo.ingest.headers.header_key` (or missing)."""
    distinct = values.dropna().unique()
    table = pd.Series([words.get(header_key(v)) for v in distinct], index=distinct, dtype="string")
    return values.map(table).astype("string")


def _quote(values: pd.Series, limit: int = 60) -> pd.Series:
    """Cell values quoted for a message, long ones shortened."""
    text = values.astype("string").fillna("")
    short = text.where(text.str.len() <= limit, text.str.slice(0, limit - 1) + "…")
    return "'" + short + "'"


# --- 1. Mapping -------------------------------------------------------------------------------


def map_columns(source: SourceTable, *, mapping: Mapping[str, str | None] | None = None) -> Work:
    """Apply a column mapping to a source file: the first stage, giving the working frame.

    Parameters
    ----------
    source
        The file as read by :func:`geo.ingest.readers.read_source`.
    mapping
        Source header -> field code (None: ignore); headers left out are ignored. Default:
        :func:`geo.ingest.headers.guess_mapping` (with the cells, for the id rule).

    Returns
    -------
    Work
        The mapped, cleaned cells; a ``galat`` for every row with more cells than headers.
        What is wrong with the mapping is said once, in :attr:`Work.mapping_problems` (a
        missing business name names the columns the file has); the plan then refuses every
        row (:func:`geo.ingest.importer.finish_plan`). Unmapped columns that say what the
        business is are kept in :attr:`Work.hints`.
    """
    headers = source.headers
    cells = source.cells.reset_index(drop=True)
    chosen = dict(guess_mapping(headers, cells=cells) if mapping is None else mapping)
    problems = [f"kolom {h!r} tidak ada di berkas" for h in chosen if h not in headers]
    applied: dict[str, str | None] = {h: chosen.get(h) for h in headers}
    present = f"; kolom di berkas: {', '.join(headers)}"
    problems += [
        p + present if p == "kolom nama usaha belum dipilih" else p for p in check_mapping(applied)
    ]
    by_field = {f: h for h, f in applied.items() if f is not None}
    work = Work.of(
        {code: cells[header] for code, header in by_field.items()},
        rows=source.rows,
        labels=by_field,
    )
    work.mapping, work.mapping_problems = applied, problems
    work.unit = unit_word(source.format)
    work.hint_kinds = sector_hints(applied)
    work.hints = pd.DataFrame(
        {h: _clean(cells[h].set_axis(work.out.index)) for h in work.hint_kinds},
        index=work.out.index,
    )
    if work.n and source.overflow:
        extra = pd.Series(source.rows).map(source.overflow)
        work.issues.add(
            extra.notna(),
            "-",
            "galat",
            lambda: (
                "baris berisi "
                + extra.fillna(0).astype(int).astype(str)
                + " sel lebih banyak dari judul kolom (pemisah di dalam nilai?)"
            ),
        )
    return work


# --- 2. Names and ids -------------------------------------------------------------------------


def take_names(work: Work, *, id_prefix: str = "IMP-") -> Work:
    """Fill ``nama_usaha``, ``pemilik``, ``alamat``, ``id`` and ``id_sumber``.

    A row without a name is ``galat``; a row without an id gets ``id_prefix`` + its source row
    number; an id given twice is ``galat`` on the later rows. ``id_sumber`` (another system's
    id, see :mod:`geo.ingest.headers`) is kept as written and stored beside the register id.

    Parameters
    ----------
    work
        The working frame (changed in place).
    id_prefix
        Prefix of generated ids (the importer uses ``"IMP-<first 8 hex of the SHA-256>-"``).

    Returns
    -------
    Work
        ``work``.
    """
    out, issues, label = work.out, work.issues, work.label
    out["nama_usaha"] = work.col("nama_usaha")
    issues.add(out["nama_usaha"].isna(), label("nama_usaha"), "galat", "nama usaha kosong")
    for column in ("pemilik", "alamat", "id_sumber"):
        out[column] = work.col(column)
    given_id = work.col("id")
    rows_no = pd.Series(work.rows, index=out.index)
    out["id"] = given_id.fillna(id_prefix + rows_no.astype(str)).astype("string")
    repeated = given_id.notna() & given_id.duplicated(keep="first")
    if repeated.any():
        first_row = rows_no.groupby(given_id).transform("min")
        issues.add(
            repeated,
            label("id"),
            "galat",
            lambda: (
                "id "
                + _quote(given_id)
                + f" sudah dipakai {work.unit} "
                + first_row.astype("Int64").astype(str)
            ),
        )
    return work


# --- 3. Coordinates ---------------------------------------------------------------------------


def repair_coordinates(work: Work) -> Work:
    """Read each row's point from ``lat``/``lon`` or ``koordinat`` cells and repair it.

    Separate lat/lon cells are used when both are readable; otherwise a "lat, lon" pair, from
    ``koordinat`` or written whole in the ``lat`` cell. Unreadable or half-written locations are
    ``galat``; swapped axes, a missing minus sign and a lost decimal separator are repaired
    with a ``peringatan`` (:func:`geo.ingest.coordinates.repair_lat_lon`).

    Parameters
    ----------
    work
        The working frame (changed in place).

    Returns
    -------
    Work
        ``work``, with ``lat``/``lon`` (degrees, EPSG:4326, as repaired; NaN where missing or
        unreadable; not yet checked against the city) and the working columns ``_has`` (a
        point was read), ``_written`` (a location cell is filled), ``_unlocated`` (written but
        unreadable) and ``_coord_label`` (the header(s) the point came from).
    """
    out, issues, label = work.out, work.issues, work.label
    index = out.index
    lat_text, lon_text, pair_col = work.col("lat"), work.col("lon"), work.col("koordinat")
    lat_p, lon_p = parse_coordinates(lat_text), parse_coordinates(lon_text)
    lat, lon = lat_p["value"].copy(), lon_p["value"].copy()
    coord_label = pd.Series(f"{label('lat')}/{label('lon')}", index=index, dtype=object)
    single_ok = lat.notna() & lon.notna()
    pair_in_lat = lat_text.notna() & lat_p["unreadable"] & lon_text.isna()
    pair_text = pair_col.where(~single_ok)
    from_lat = pair_text.isna() & pair_in_lat
    pair_text = pair_text.fillna(lat_text.where(pair_in_lat))
    pairs = parse_pairs(pair_text)
    use_pair = ~single_ok & pairs["lat"].notna() & pairs["lon"].notna()
    lat[use_pair], lon[use_pair] = pairs["lat"][use_pair], pairs["lon"][use_pair]
    coord_label[use_pair & ~from_lat] = label("koordinat")
    coord_label[use_pair & from_lat] = label("lat")
    has = lat.notna() & lon.notna()
    # What could not be read, when it left the row without a location.
    bad_lat = lat_p["unreadable"] & ~has & ~from_lat
    bad_lon = lon_p["unreadable"] & ~has
    issues.add(bad_lat, label("lat"), "galat", lambda: "lintang tidak terbaca: " + _quote(lat_text))
    issues.add(bad_lon, label("lon"), "galat", lambda: "bujur tidak terbaca: " + _quote(lon_text))
    bad_pair = pairs["unreadable"] & ~has
    issues.add(
        bad_pair & ~from_lat,
        label("koordinat"),
        "galat",
        lambda: (
            "koordinat tidak terbaca: " + _quote(pair_col) + " (tulis 'lintang, bujur', mis. "
            "-7.9666, 112.6345)"
        ),
    )
    issues.add(
        bad_pair & from_lat,
        label("lat"),
        "galat",
        lambda: "lintang tidak terbaca: " + _quote(lat_text),
    )
    half = ~has & ~bad_lat & ~bad_lon & ~bad_pair & (lat.notna() ^ lon.notna())
    issues.add(half & lat.isna(), label("lat"), "galat", "lintang kosong, bujur terisi")
    issues.add(half & lon.isna(), label("lon"), "galat", "bujur kosong, lintang terisi")
    # The unreadable half of a row that is located anyway: say it was ignored.
    issues.add(
        (lat_p["unreadable"] | lon_p["unreadable"]) & has & ~from_lat & use_pair,
        coord_label,
        "peringatan",
        lambda: "lintang/bujur tidak terbaca dan diabaikan; dipakai kolom " + label("koordinat"),
    )
    repaired = repair_lat_lon(lat, lon)
    fixed = repaired["perbaikan"]
    issues.add(fixed.notna(), coord_label, "peringatan", lambda: fixed.map(REPAIRS).astype(object))
    out["lat"], out["lon"] = repaired["lat"], repaired["lon"]
    out["_has"] = has
    out["_written"] = lat_text.notna() | lon_text.notna() | pair_col.notna()
    out["_unlocated"] = bad_lat | bad_lon | bad_pair | half
    out["_coord_label"] = coord_label
    return work


# --- 4. Points in kelurahan -------------------------------------------------------------------


def locate_points(work: Work, *, kel: gpd.GeoDataFrame | None = None) -> Work:
    """Give every point read by :func:`repair_coordinates` its kelurahan.

    A point outside Kota Malang is ``galat``, with its distance to the city boundary
    (:func:`geo.wilayah.assign_kelurahan`).

    Parameters
    ----------
    work
        The working frame after :func:`repair_coordinates` (changed in place).
    kel
        Kelurahan layer (EPSG:4326); the shipped one by default.

    Returns
    -------
    Work
        ``work``, with the working columns ``_point_kode`` (kelurahan code of the point,
        missing where no point or outside) and ``_outside`` (a point outside the city).
    """
    out = work.out
    has = out["_has"]
    assigned = wilayah.assign_kelurahan(
        out["lon"].where(has), out["lat"].where(has), kel=kel
    ).set_axis(out.index)
    point_kode = assigned["kode_kelurahan"]
    outside = has & point_kode.isna()
    work.issues.add(
        outside, out["_coord_label"], "galat", lambda: assigned["alasan"].astype(object)
    )
    out["_point_kode"] = point_kode
    out["_outside"] = outside
    return work


# --- 5. Kelurahan as written ------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    """The kelurahan layer with its lookups by code."""

    kel: gpd.GeoDataFrame
    names: pd.Series  # kode -> nama
    kecamatan: pd.Series  # kode -> nama kecamatan

    @classmethod
    def of(cls, kel: gpd.GeoDataFrame) -> _Layer:
        kode = kel["kode"].astype(str)
        return cls(
            kel=kel,
            names=pd.Series(kel["nama"].astype(str).to_numpy(), index=kode),
            kecamatan=pd.Series(kel["kecamatan"].astype(str).to_numpy(), index=kode),
        )


def resolve_wilayah(
    work: Work, *, kel: gpd.GeoDataFrame | None = None, place_missing: bool = False
) -> Work:
    """Settle each row's kelurahan and keep only located points.

    The kelurahan written (``kode_kelurahan``, else ``kelurahan`` with ``kecamatan``) is
    resolved with :func:`geo.wilayah.resolve_kelurahan` (typos with a warning, unknown names
    refused unless the point gives the kelurahan); a point in another kelurahan than written
    gets a warning naming both (the point decides); rows without coordinates are placed inside
    their kelurahan when ``place_missing`` (``presisi_lokasi = "kelurahan"``), else ``galat``.

    Parameters
    ----------
    work
        The working frame after :func:`locate_points` (changed in place).
    kel
        Kelurahan layer (EPSG:4326); the shipped one by default.
    place_missing
        Place rows without coordinates at a representative point of their kelurahan.

    Returns
    -------
    Work
        ``work``, with ``lat``, ``lon`` (kept only where located), ``kode_kelurahan``,
        ``kelurahan`` and ``presisi_lokasi``.
    """
    layer = _Layer.of(wilayah.kelurahan() if kel is None else kel)
    out = work.out
    has, point_kode = out["_has"], out["_point_kode"]
    stated, named_unknown = _stated_kelurahan(work, layer)
    _point_against_stated(work, layer, stated)
    placed = _place_missing(work, layer, stated, named_unknown, place_missing=place_missing)
    located = has & ~out["_outside"] | placed
    kode = point_kode.where(has, stated).astype("string")
    out["lat"] = out["lat"].where(located)
    out["lon"] = out["lon"].where(located)
    out["kode_kelurahan"] = kode.where(located)
    out["kelurahan"] = out["kode_kelurahan"].map(layer.names).astype("string")
    _take_presisi(work)
    return work


def _stated_kelurahan(work: Work, layer: _Layer) -> tuple[pd.Series, pd.Series]:
    """Resolve the kelurahan written; return (its code, mask of names/codes not known)."""
    issues, label = work.issues, work.label
    point_kode = work.out["_point_kode"]
    kode_text = work.col("kode_kelurahan")
    stated_kode, bad_kode = _normalise_kode(kode_text, set(layer.names.index))
    name_text = work.col("kelurahan")
    resolved = _resolve_with_kecamatan(work, layer)
    name_kode = resolved["kode"].astype("string")
    typo = name_kode.notna() & (resolved["confidence"].astype(float) < 1.0)
    issues.add(
        typo,
        label("kelurahan"),
        "peringatan",
        lambda: (
            "nama kelurahan " + _quote(name_text) + " dibaca sebagai " + resolved["nama"].fillna("")
        ),
    )
    both = stated_kode.notna() & name_kode.notna() & (stated_kode != name_kode)
    issues.add(
        both.fillna(False),
        label("kode_kelurahan"),
        "peringatan",
        lambda: (
            "kode "
            + stated_kode.fillna("")
            + " bukan kode Kelurahan "
            + resolved["nama"].fillna("")
            + "; dipakai kodenya"
        ),
    )
    stated = stated_kode.fillna(name_kode).astype("string")
    unknown_name = name_text.notna() & name_kode.isna() & stated_kode.isna()
    for mask, column, word, text in (
        (unknown_name, label("kelurahan"), "kelurahan ", name_text),
        (bad_kode & name_kode.isna(), label("kode_kelurahan"), "kode ", kode_text),
    ):
        with_point = mask & point_kode.notna()
        issues.add(
            with_point,
            column,
            "peringatan",
            lambda word=word, text=text: (
                word
                + _quote(text)
                + " tidak dikenal di Kota Malang; dipakai kelurahan dari koordinat: "
                + point_kode.map(layer.names).fillna("")
            ),
        )
        issues.add(
            mask & ~with_point,
            column,
            "galat",
            lambda word=word, text=text: word + _quote(text) + " tidak dikenal di Kota Malang",
        )
    return stated, unknown_name | bad_kode


def _resolve_with_kecamatan(work: Work, layer: _Layer) -> pd.DataFrame:
    """Resolve kelurahan names within their kecamatan, else anywhere (with a warning)."""
    name_text, kec_text = work.col("kelurahan"), work.col("kecamatan")
    resolved = _resolve_names(name_text, kec_text)
    retry = name_text.notna() & resolved["kode"].isna() & kec_text.notna()
    if retry.any():
        no_kec = pd.Series(pd.NA, index=name_text[retry].index, dtype="string")
        loose = _resolve_names(name_text[retry], no_kec)
        resolved.loc[retry, ["kode", "nama", "confidence"]] = loose.to_numpy()
        wrong_kec = retry & resolved["kode"].notna()
        work.issues.add(
            wrong_kec,
            work.label("kecamatan"),
            "peringatan",
            lambda: (
                "Kelurahan "
                + resolved["nama"].fillna("")
                + " berada di Kecamatan "
                + resolved["kode"].map(layer.kecamatan).fillna("")
                + ", bukan "
                + _quote(kec_text)
            ),
        )
    return resolved


def _point_against_stated(work: Work, layer: _Layer, stated: pd.Series) -> None:
    """Warn where the point lies in another kelurahan than written (the point decides)."""
    out = work.out
    point_kode = out["_point_kode"]
    differs = (point_kode.notna() & stated.notna() & (point_kode != stated)).fillna(False)
    if not differs.any():
        return
    metres = _distance_to_kelurahan(
        out["lon"][differs], out["lat"][differs], stated[differs], layer.kel
    )
    stated_label = (
        work.label("kelurahan") if "kelurahan" in work.labels else work.label("kode_kelurahan")
    )
    work.issues.add(
        differs,
        stated_label,
        "peringatan",
        lambda: (
            "titik koordinat berada di Kelurahan "
            + point_kode.map(layer.names).fillna("")
            + ", bukan Kelurahan "
            + stated.map(layer.names).fillna("")
            + " seperti tertulis ("
            + metres.map(_format_metres).reindex(out.index).fillna("")
            + " dari batasnya); dipakai kelurahan dari titik"
        ),
    )


def _place_missing(
    work: Work,
    layer: _Layer,
    stated: pd.Series,
    named_unknown: pd.Series,
    *,
    place_missing: bool,
) -> pd.Series:
    """Rows without any coordinates: place them in their kelurahan, or refuse them.

    Returns the mask of rows placed.
    """
    out, issues = work.out, work.issues
    missing = ~out["_written"] & ~out["_unlocated"]
    placeable = missing & stated.notna()
    if place_missing and placeable.any():
        kel = layer.kel
        points = kel.set_index(kel["kode"].astype(str)).geometry.representative_point()
        out.loc[placeable, "lon"] = stated[placeable].map(points.x).astype(float)
        out.loc[placeable, "lat"] = stated[placeable].map(points.y).astype(float)
        out.loc[placeable, "presisi_lokasi"] = "kelurahan"
        issues.add(
            placeable,
            "koordinat",
            "peringatan",
            lambda: (
                "koordinat kosong; ditempatkan di titik dalam Kelurahan "
                + stated.map(layer.names).fillna("")
                + " (presisi_lokasi = kelurahan)"
            ),
        )
    elif placeable.any():
        issues.add(
            placeable,
            "koordinat",
            "galat",
            lambda: (
                "koordinat kosong; bisa ditempatkan di Kelurahan "
                + stated.map(layer.names).fillna("")
                + " bila opsi 'tempatkan di kelurahan' dipilih"
            ),
        )
    issues.add(
        missing & stated.isna() & ~named_unknown,
        "koordinat",
        "galat",
        "koordinat dan kelurahan kosong: lokasi tidak diketahui",
    )
    return placeable & place_missing


def _take_presisi(work: Work) -> None:
    """``presisi_lokasi`` as written, for rows with a point (unknown words with a warning)."""
    out = work.out
    has = out["_has"]
    presisi_text = work.col("presisi_lokasi")
    presisi_ok = presisi_text.str.lower().isin(list(PRESISI_LOKASI)).fillna(False)
    out.loc[has & presisi_ok, "presisi_lokasi"] = presisi_text[has & presisi_ok].str.lower()
    work.issues.add(
        presisi_text.notna() & ~presisi_ok,
        work.label("presisi_lokasi"),
        "peringatan",
        lambda: (
            "presisi lokasi "
            + _quote(presisi_text)
            + " tidak dikenal; pilihan: "
            + ", ".join(PRESISI_LOKASI)
        ),
    )


@functools.lru_cache(maxsize=8192)
def _resolve_one(name: str, kecamatan: str | None) -> tuple[str | None, str | None, float]:
    """Resolve one (name, kecamatan) against the shipped layer, remembered across imports."""
    match = wilayah.resolve_kelurahan(name, kecamatan=kecamatan)
    return (match.kode, match.nama, match.confidence) if match else (None, None, np.nan)


def _resolve_names(names: pd.Series, kecamatan: pd.Series) -> pd.DataFrame:
    """Resolve kelurahan names (:func:`geo.wilayah.resolve_kelurahan`) once per distinct pair."""
    pairs = pd.DataFrame({"name": names, "kec": kecamatan}).astype("string")
    distinct = pairs.drop_duplicates().reset_index(drop=True)
    found = pd.DataFrame(
        [
            _resolve_one(str(n), None if pd.isna(k) else str(k))
            if not pd.isna(n)
            else (None, None, np.nan)
            for n, k in zip(distinct["name"], distinct["kec"], strict=True)
        ],
        columns=["kode", "nama", "confidence"],
    ).astype({"kode": "string", "nama": "string", "confidence": "float64"})
    table = pd.concat([distinct, found], axis=1)
    merged = pairs.merge(table, on=["name", "kec"], how="left", sort=False)
    merged.index = names.index
    return merged[["kode", "nama", "confidence"]]


def _distance_to_kelurahan(
    lon: pd.Series, lat: pd.Series, kode: pd.Series, kel: gpd.GeoDataFrame
) -> pd.Series:
    """Metres (EPSG:32749) from each point to the polygon of the kelurahan ``kode``."""
    polys = kel.set_index(kel["kode"].astype(str)).to_crs(CRS_METRIC).geometry
    x, y = _TO_METRIC.transform(lon.to_numpy(dtype=float), lat.to_numpy(dtype=float))
    targets = polys.reindex(kode.astype(str).to_numpy()).to_numpy()
    return pd.Series(shapely.distance(shapely.points(x, y), targets), index=lon.index)


def _format_metres(metres: float) -> str:
    if not np.isfinite(metres):
        return ""
    if metres >= 1000:
        return f"{metres / 1000:.1f} km".replace(".", ",")
    return f"{metres:.0f} m"


# --- 6. Sector, money and size, phone, date and status ----------------------------------------


def classify_sectors(work: Work) -> Work:
    """Map business types to ``sektor`` (:mod:`geo.ingest.sectors`).

    The mapped ``sektor`` column decides (read as OSM tags when it is an OSM key such as
    ``AMENITY``, as KBLI codes when headed "KBLI", else as words). Where it is missing, empty
    or not recognised, the unmapped columns that say what the business is
    (:attr:`Work.hints`: ``amenity``, ``shop``, ``craft``, ``office``, ``cuisine``, a second
    "Jenis"/"Bidang"/"KBLI") are read in the file's order and the first that decides wins,
    without a warning (the file said it). Rows still undecided go to ``lainnya`` with a
    warning; close spellings are read with one.

    Parameters
    ----------
    work
        The working frame (changed in place).

    Returns
    -------
    Work
        ``work``, with ``sektor``; the hint columns used are named in :attr:`Work.notes`.
    """
    label = work.label("sektor")
    sector_text = work.col("sektor")
    sectors = _classify_column(label, sector_text)
    open_rows = sectors["cara"].isin(["tidak", "kosong"])
    used: list[str] = []
    for header, kind in work.hint_kinds.items():
        if not open_rows.any():
            break
        found = _classify_column(kind, work.hints[header])
        decided = open_rows & found["cara"].isin(["kode", "kata", "tag", "kbli"])
        if decided.any():
            sectors.loc[decided] = found.loc[decided]
            sectors.loc[decided, "cara"] = "petunjuk"
            open_rows &= ~decided
            used.append(header)
    if used:
        work.notes.append("sektor dibaca juga dari kolom yang tidak dipetakan: " + ", ".join(used))
    work.out["sektor"] = sectors["sektor"]
    _sector_problems(work, sectors, label=label, sector_text=sector_text)
    return work


def _classify_column(header: str, values: pd.Series) -> pd.DataFrame:
    """Sectors of one column, read by what its header says it holds."""
    key = header_key(header)
    if key in OSM_HINT_KEYS:
        return classify_osm_tags(key, values)
    if "kbli" in key.split():
        return classify_kbli(values)
    return classify_business_types(values)


def _sector_problems(
    work: Work, sectors: pd.DataFrame, *, label: str, sector_text: pd.Series
) -> None:
    """Warn about business types not recognised, empty, or read with a typo."""
    work.issues.add(
        sectors["cara"] == "tidak",
        label,
        "peringatan",
        lambda: "jenis usaha " + _quote(sector_text) + " tidak dikenali; dimasukkan ke 'lainnya'",
    )
    work.issues.add(
        sectors["cara"] == "mirip",
        label,
        "peringatan",
        lambda: (
            "jenis usaha "
            + _quote(sector_text)
            + " dibaca sebagai '"
            + sectors["kata_kunci"].fillna("")
            + "' ("
            + sectors["sektor"].map({c: s.label_id for c, s in SECTORS.items()}).fillna("")
            + ")"
        ),
    )
    work.issues.add(
        sectors["cara"] == "kosong",
        label,
        "peringatan",
        "jenis usaha kosong; dimasukkan ke 'lainnya'",
    )


def money_and_size(work: Work, *, skala_default: str | None = None) -> Work:
    """Read omzet and aset (Rupiah) and settle the size class per PP 7/2021.

    ``omzet_bulanan`` is multiplied by 12 where no yearly omzet is written; unreadable or
    negative amounts are dropped with a warning. A written size wins over the one derived
    from the money (:func:`geo.core.register.classify_size`), with a warning where they
    disagree; a ``besar`` business is ``galat`` (not an UMKM).

    Parameters
    ----------
    work
        The working frame (changed in place).
    skala_default
        The class to assume (one of :data:`SIZE_CLASSES_ASSUMABLE`) for rows with no skala,
        omzet or aset, as the user says; such rows then have no warning, and the assumption
        is said once in :attr:`Work.notes`. None: they keep the warning and no class.

    Returns
    -------
    Work
        ``work``, with ``omzet`` (Rupiah per year), ``modal`` (Rupiah) and ``skala``.

    Raises
    ------
    ValueError
        ``skala_default`` is not a class of :data:`SIZE_CLASSES_ASSUMABLE`.
    """
    if skala_default is not None and skala_default not in SIZE_CLASSES_ASSUMABLE:
        raise ValueError(
            f"skala bawaan {skala_default!r} tidak dikenal; pilihan: "
            + ", ".join(SIZE_CLASSES_ASSUMABLE)
        )
    money: dict[str, pd.Series] = {}
    for code, word in (("omzet", "omzet"), ("omzet_bulanan", "omzet per bulan"), ("modal", "aset")):
        money[code] = _read_money(work, code=code, word=word)
    omzet = money["omzet"].fillna(money["omzet_bulanan"] * 12)
    work.out["omzet"], work.out["modal"] = omzet, money["modal"]
    work.out["skala"] = _settle_size(
        work, omzet=omzet, modal=money["modal"], skala_default=skala_default
    )
    return work


def _read_money(work: Work, *, code: str, word: str) -> pd.Series:
    """Rupiah amounts of field ``code`` (NaN where unreadable or negative, with a warning)."""
    text = work.col(code)
    parsed = parse_rupiah(text)
    value = parsed["value"]
    work.issues.add(
        parsed["unreadable"],
        work.label(code),
        "peringatan",
        lambda: f"{word} tidak terbaca: " + _quote(text) + "; dikosongkan",
    )
    negative = value < 0
    work.issues.add(negative, work.label(code), "peringatan", f"{word} negatif; dikosongkan")
    return value.where(~negative)


def _settle_size(
    work: Work, *, omzet: pd.Series, modal: pd.Series, skala_default: str | None = None
) -> pd.Series:
    """Settle the size class of each row (missing for ``besar``), with its problems."""
    issues, label, index = work.issues, work.label, work.out.index
    derived = classify_size(modal=modal, omzet=omzet)
    size_text = work.col("skala")
    size_key = _lookup(size_text, _SIZE_WORDS)
    unknown_size = size_text.notna() & size_key.isna()
    skala = size_key.where(unknown_size.eq(False), pd.NA).fillna(derived).astype("string")

    @functools.cache
    def money_text() -> pd.Series:
        return (
            pd.Series(np.where(omzet.notna(), "omzet ", "aset "), index=index)
            + _map_distinct(omzet.fillna(modal), format_rupiah)
            + pd.Series(np.where(omzet.notna(), " per tahun", ""), index=index)
        )

    issues.add(
        unknown_size & derived.notna() & derived.ne("besar").fillna(True),
        label("skala"),
        "peringatan",
        lambda: (
            "skala "
            + _quote(size_text)
            + " tidak dikenal; dipakai "
            + derived.fillna("")
            + " menurut "
            + money_text()
            + " (PP 7/2021)"
        ),
    )
    issues.add(
        unknown_size & derived.isna(),
        label("skala"),
        "galat",
        lambda: "skala " + _quote(size_text) + " tidak dikenal; pilihan: mikro, kecil, menengah",
    )
    too_big = (skala == "besar").fillna(False)
    issues.add(
        too_big,
        label("skala") if size_key.eq("besar").any() else label("omzet"),
        "galat",
        lambda: (
            "usaha besar menurut " + money_text() + " (di atas batas usaha menengah PP 7/2021): "
            "bukan UMKM"
        ),
    )
    disagree = (size_key.notna() & derived.notna() & (size_key != derived) & ~too_big).fillna(False)
    issues.add(
        disagree,
        label("skala"),
        "peringatan",
        lambda: (
            "tertulis "
            + size_key.fillna("")
            + ", tetapi "
            + money_text()
            + " termasuk "
            + derived.fillna("")
            + " menurut PP 7/2021; dipakai yang tertulis"
        ),
    )
    unknown = (skala.isna() & size_text.isna()).fillna(False).astype(bool)
    if skala_default is not None and unknown.any():
        skala = skala.mask(unknown, skala_default)
        work.notes.append(
            f"skala diasumsikan {skala_default} untuk {int(unknown.sum()):,} {work.unit} "
            "tanpa skala, omzet, maupun aset (skala bawaan dipilih pengguna)"
        )
    else:
        issues.add(
            unknown,
            label("skala"),
            "peringatan",
            "skala tidak diketahui: tidak ada skala, omzet, maupun aset",
        )
    return skala.where(~too_big)


def normalise_phone(work: Work) -> Work:
    """Normalise phone numbers to ``+62…`` (:mod:`geo.ingest.phone`).

    Text that is no phone number is dropped, a number impossible in the Indonesian numbering
    plan is kept as written, and of several numbers the first is kept, each with a warning.

    Parameters
    ----------
    work
        The working frame (changed in place).

    Returns
    -------
    Work
        ``work``, with ``telepon``.
    """
    label = work.label("telepon")
    phone_text = work.col("telepon")
    phones = normalise_phones(phone_text)
    work.out["telepon"] = phones["telepon"]
    work.issues.add(
        phones["tidak_valid"],
        label,
        "peringatan",
        lambda: "nomor telepon " + _quote(phone_text) + " tidak valid; tidak disimpan",
    )
    work.issues.add(
        phones["tidak_mungkin"],
        label,
        "peringatan",
        lambda: (
            "nomor telepon "
            + _quote(phone_text)
            + " tidak mungkin menurut penomoran Indonesia; disimpan seperti tertulis"
        ),
    )
    work.issues.add(
        phones["lebih_dari_satu"] & ~phones["tidak_valid"],
        label,
        "peringatan",
        lambda: "lebih dari satu nomor; disimpan yang pertama: " + phones["telepon"].fillna(""),
    )
    return work


def dates_and_status(
    work: Work,
    *,
    today: dt.date,
    sentra_ids: Collection[str] | None = None,
    sumber: str = "",
) -> Work:
    """Fill ``tanggal_terkurasi``, ``status``, ``sentra_id`` and ``sumber``.

    Unreadable or future dates become ``today``, unknown statuses ``aktif``, unknown sentra
    ids are dropped, each with a warning.

    Parameters
    ----------
    work
        The working frame (changed in place).
    today
        Date of the import, for rows without a (usable) date.
    sentra_ids
        Known sentra ids; None accepts every id (the store checks them on commit).
    sumber
        Source to record where the file names none (the importer gives the file's name).

    Returns
    -------
    Work
        ``work``.
    """
    out, issues, label = work.out, work.issues, work.label
    date_text = work.col("tanggal_terkurasi")
    dates, bad_date = _parse_dates(date_text)
    future = dates > pd.Timestamp(today)
    issues.add(
        bad_date,
        label("tanggal_terkurasi"),
        "peringatan",
        lambda: "tanggal " + _quote(date_text) + " tidak terbaca; dipakai tanggal impor",
    )
    issues.add(
        future,
        label("tanggal_terkurasi"),
        "peringatan",
        lambda: "tanggal " + _quote(date_text) + " di masa depan; dipakai tanggal impor",
    )
    out["tanggal_terkurasi"] = (
        dates.where(~future).fillna(pd.Timestamp(today)).astype("datetime64[s]")
    )
    status_text = work.col("status")
    status = _lookup(status_text, _STATUS_WORDS)
    issues.add(
        status_text.notna() & status.isna(),
        label("status"),
        "peringatan",
        lambda: "status " + _quote(status_text) + " tidak dikenal; dianggap aktif",
    )
    out["status"] = status.fillna("aktif")
    sentra_text = work.col("sentra_id")
    if sentra_ids is not None:
        unknown_sentra = sentra_text.notna() & ~sentra_text.isin(list(sentra_ids)).fillna(False)
        issues.add(
            unknown_sentra,
            label("sentra_id"),
            "peringatan",
            lambda: "sentra " + _quote(sentra_text) + " tidak dikenal; dikosongkan",
        )
        sentra_text = sentra_text.mask(unknown_sentra)
    out["sentra_id"] = sentra_text
    out["sumber"] = work.col("sumber").fillna(sumber)
    return work


# --- 7. Duplicates ----------------------------------------------------------------------------


def mark_duplicates(work: Work, *, register: pd.DataFrame | None = None) -> Work:
    """Mark rows (without ``galat`` so far) that repeat an earlier row or a stored business.

    See :func:`geo.ingest.duplicates.find_duplicates`: the same phone, the same name within
    30 m, or (against the register) the same id; the id compared is the one to be stored, so a
    generated id found in the register is a row of this same file imported before.

    Parameters
    ----------
    work
        The working frame after the other stages (changed in place).
    register
        The stored register (``id``, ``nama_usaha``, ``telepon``, ``lat``, ``lon``), or None.

    Returns
    -------
    Work
        ``work``, with the working columns ``_baris_sama`` (source row repeated, Int64),
        ``_id_sama`` (stored id repeated) and ``_alasan`` (why).
    """
    out = work.out
    index = out.index
    candidates = np.flatnonzero(~work.issues.galat())
    dups = find_duplicates(
        out[["id", "nama_usaha", "telepon", "lat", "lon"]].iloc[candidates], register=register
    ).set_axis(candidates)
    dups = dups.reindex(index)
    same_row = pd.Series(pd.NA, index=index, dtype="Int64")
    has_row = dups["baris_sama"].fillna(-1).astype(int) >= 0
    same_row[has_row] = work.rows[candidates[dups.loc[has_row, "baris_sama"].astype(int)]]
    why_row = dups["alasan_baris"].map({"telepon": "telepon sama", "nama": "nama sama"})
    work.issues.add(
        has_row,
        work.label("nama_usaha"),
        "peringatan",
        lambda: (
            f"duplikat {work.unit} "
            + same_row.astype("string").fillna("")
            + " ("
            + why_row.fillna("")
            + _metres_suffix(dups["jarak_baris_m"])
            + "); dilewati kecuali dipilih impor"
        ),
    )
    same_id = dups["id_sama"].astype("string")
    has_id = same_id.notna() & ~has_row
    why_id = dups["alasan_id"].map(
        {"id": "id sama", "telepon": "telepon sama", "nama": "nama sama"}
    )
    work.issues.add(
        has_id,
        work.label("nama_usaha"),
        "peringatan",
        lambda: (
            "sudah ada di register: "
            + same_id.fillna("")
            + " ("
            + why_id.fillna("")
            + _metres_suffix(dups["jarak_id_m"])
            + "); dilewati kecuali dipilih perbarui"
        ),
    )
    out["_baris_sama"] = same_row
    out["_id_sama"] = same_id.where(has_id)
    out["_alasan"] = why_row.where(has_row, why_id.where(has_id)).astype("string")
    return work


def _metres_suffix(metres: pd.Series) -> pd.Series:
    """``", 12 m"`` for known distances, ``""`` for unknown ones (vectorised)."""
    known = np.isfinite(metres.to_numpy(dtype=float))
    whole = np.round(np.where(known, metres.to_numpy(dtype=float), 0)).astype("int64")
    text = np.where(known, np.char.add(np.char.add(", ", whole.astype(str)), " m"), "")
    return pd.Series(text, index=metres.index, dtype="string")
