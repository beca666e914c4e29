"""Import UMKM registers from the city's spreadsheets: map, repair, validate, preview, commit.

The flow, each step a pure function a test can call:

1. :func:`geo.ingest.readers.read_source` reads CSV, XLSX, GeoJSON or GeoPackage into text cells.
2. :func:`geo.ingest.headers.guess_mapping` proposes which column fills which field; the user
   corrects it.
3. :func:`plan_import` repairs and validates every row and returns an :class:`ImportPlan`: the
   register rows it would write, a status per row (``ok``, ``peringatan``, ``galat``), every
   problem with its row and column, the duplicates it found and what to do with each
   (``impor``, ``lewati``, ``perbarui``). Nothing is written.
4. :meth:`ImportPlan.with_actions` lets the user decide the duplicates;
   :meth:`ImportPlan.report` (and :func:`report_csv`, :func:`report_xlsx`) is the row-level
   report in Bahasa Indonesia.
5. :func:`commit_import` writes all accepted rows or none, as one import batch with the file's
   name and SHA-256; :func:`undo_import` undoes a batch, restoring updated rows exactly.

Repairs and checks made by :func:`plan_import` (each named in the report):

* coordinates with decimal commas, in degrees-minutes-seconds, or as "lat, lon" in one cell
  (:mod:`geo.ingest.coordinates`); swapped latitude/longitude, a missing minus sign and a lost
  decimal separator are fixed with a warning; points outside Kota Malang are refused with their
  distance to the city boundary;
* kelurahan names resolved with :func:`geo.wilayah.resolve_kelurahan_many` (typos with a
  warning, names of other places refused); a point that lies in another kelurahan than the one
  written gets a warning naming both (the point decides); rows without coordinates are placed
  inside their kelurahan only when the user asks (``place_missing``), marked
  ``presisi_lokasi = "kelurahan"``;
* free-text business types mapped to sectors (:mod:`geo.ingest.sectors`), unmapped ones to
  ``lainnya`` with a warning;
* size from omzet or aset per PP 7/2021 when not written (:func:`geo.core.register.classify_size`).
  A spreadsheet's "Aset" is read as modal usaha: PP 7/2021 counts capital *excluding land and
  buildings*, so an "Aset" that includes them can place a business one class too high; where
  omzet is known it decides, as the regulation prefers for running businesses. "Omzet per
  bulan" is multiplied by 12;
* phone numbers normalised to ``+62`` (:mod:`geo.ingest.phone`);
* duplicates within the file and against the register: same normalised name within 30 m, same
  phone, or (against the register) same id (:mod:`geo.ingest.duplicates`); they are skipped
  unless the user chooses to update the stored business (or, for a repeat within the file, to import
  both).

Row numbers follow the spreadsheet convention: the header is row 1 (see :mod:`geo.ingest.readers`).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo import wilayah
from geo.core import audit
from geo.core.register import PRESISI_LOKASI, SECTORS, UMKM_COLUMNS, classify_size, to_geodataframe
from geo.core.settings import CRS_METRIC, CRS_STORAGE
from geo.ingest.coordinates import REPAIRS, parse_coordinates, parse_pairs, repair_lat_lon
from geo.ingest.duplicates import find_duplicates
from geo.ingest.headers import check_mapping, guess_mapping, header_key
from geo.ingest.money import format_rupiah, parse_rupiah
from geo.ingest.phone import normalise_phones
from geo.ingest.readers import SourceError, SourceTable, read_source
from geo.ingest.sectors import classify_business_types

if TYPE_CHECKING:
    from geo.store.database import Store

__all__ = [
    "ACTIONS",
    "LEVELS",
    "REPORT_COLUMNS",
    "STATUSES",
    "ImportPlan",
    "ImportResult",
    "Problem",
    "RegisterImportError",
    "SourceError",
    "commit_import",
    "import_file",
    "plan_import",
    "problems_text",
    "read_register_csv",
    "read_source",
    "report_csv",
    "report_xlsx",
    "undo_import",
]

#: Row statuses, best first.
STATUSES: tuple[str, ...] = ("ok", "peringatan", "galat")
#: Problem levels (a row's status is its worst problem's level).
LEVELS: tuple[str, ...] = ("peringatan", "galat")
#: What happens to a row on commit.
ACTIONS: tuple[str, ...] = ("impor", "lewati", "perbarui")
#: Columns of :meth:`ImportPlan.report` (and of the CSV/XLSX report).
REPORT_COLUMNS: tuple[str, ...] = (
    "baris",
    "status",
    "tindakan",
    "kode_kelurahan",
    "kelurahan",
    "nama_usaha",
    "pesan",
)

Progress = Callable[[float, str], None]

#: Register columns an import writes (the register plus ``presisi_lokasi``).
_OUTPUT_COLUMNS: dict[str, str] = {**UMKM_COLUMNS, "presisi_lokasi": "string"}
# Field of the mapping -> register columns it provides (for updates of stored businesses).
_PROVIDES: dict[str, tuple[str, ...]] = {
    "lat": ("lat", "lon", "kode_kelurahan", "presisi_lokasi"),
    "lon": ("lat", "lon", "kode_kelurahan", "presisi_lokasi"),
    "koordinat": ("lat", "lon", "kode_kelurahan", "presisi_lokasi"),
    "kelurahan": ("lat", "lon", "kode_kelurahan", "presisi_lokasi"),
    "kode_kelurahan": ("lat", "lon", "kode_kelurahan", "presisi_lokasi"),
    "omzet": ("omzet", "skala"),
    "omzet_bulanan": ("omzet", "skala"),
    "modal": ("modal", "skala"),
}
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
_MONTHS: dict[str, int] = {
    **dict.fromkeys(("jan", "januari", "january"), 1),
    **dict.fromkeys(("feb", "februari", "pebruari", "february"), 2),
    **dict.fromkeys(("mar", "maret", "march"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("agu", "agt", "ags", "agustus", "aug", "august"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oktober", "oct", "october"), 10),
    **dict.fromkeys(("nov", "nop", "november", "nopember"), 11),
    **dict.fromkeys(("des", "desember", "dec", "december"), 12),
}


# --- Problems ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem found in a source file: where (file, row, column), what, and how bad.

    ``level`` is ``"galat"`` (the row cannot be imported) or ``"peringatan"`` (it can, as
    repaired or as said in the message).
    """

    file: str
    row: int
    column: str
    message: str
    level: str = "galat"

    def __str__(self) -> str:
        return f"{self.file}, baris {self.row}, kolom {self.column}: {self.message}"


class RegisterImportError(ValueError):
    """A file cannot be imported; ``problems`` lists every row-level reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n... dan {len(problems) - 20} masalah lain" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} masalah, tidak ada yang disimpan:\n{head}{more}")


class _Issues:
    """Collects problems as (row position, column, level, message), vectorised by mask."""

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

        ``message`` is one text, one per row (a Series over all rows), or a function giving
        either: it is called only when ``mask`` selects a row, so that the (costly) texts of
        problems no row has are never built.
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


# --- The plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What :func:`commit_import` stored."""

    batch_id: int
    ditambah: int
    diperbarui: int
    dilewati: int


@dataclass(frozen=True)
class ImportPlan:
    """A validated import, ready to preview, report and commit. Nothing is stored yet.

    Attributes
    ----------
    source
        The file as read.
    mapping
        Source header -> field code (None: ignored) that was applied.
    mapping_problems
        What is wrong with the mapping (then every row is ``galat``).
    place_missing
        Whether rows without coordinates were placed inside their kelurahan.
    rows
        One row per source record: ``baris`` (source row number), ``status_baris`` (``ok``,
        ``peringatan``, ``galat``; ``status`` is the business's register status), ``tindakan``,
        ``pilihan`` (the actions allowed, ``"/"``-separated), ``baris_sama`` (row it repeats,
        Int64), ``id_sama`` (stored business it repeats), ``alasan_duplikat``, the register
        columns (``id`` ... ``sumber``, ``presisi_lokasi``; lat/lon in degrees, EPSG:4326),
        ``kelurahan`` (name) and ``pesan`` (every problem of the row, in Bahasa Indonesia).
    issues
        Every problem as a table: ``row`` (source row number), ``column`` (source header),
        ``message``, ``level``; by row, in the order the checks run (name, location, sector,
        size, phone, date, duplicates). :attr:`problems` gives them as :class:`Problem`.
    stored
        Stored businesses that rows repeat (complete rows, for updates), indexed by id.
    provided
        Register columns the file provides (an update changes only these).
    """

    source: SourceTable
    mapping: dict[str, str | None]
    mapping_problems: tuple[str, ...]
    place_missing: bool
    rows: pd.DataFrame
    issues: pd.DataFrame = field(repr=False)
    stored: pd.DataFrame = field(repr=False)
    provided: frozenset[str] = frozenset()

    @functools.cached_property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem as a :class:`Problem` (file, row, column, message, level)."""
        i = self.issues
        return tuple(
            Problem(self.source.name, int(r), str(c), str(m), str(lv))
            for r, c, m, lv in zip(i["row"], i["column"], i["message"], i["level"], strict=True)
        )

    def summary(self) -> dict[str, int]:
        """Count rows: all, per status (``ok``, ``peringatan``, ``galat``), per action."""
        out = {"baris": len(self.rows)}
        for status in STATUSES:
            out[status] = int((self.rows["status_baris"] == status).sum())
        for action in ACTIONS:
            out[action] = int((self.rows["tindakan"] == action).sum())
        return out

    def report(self) -> pd.DataFrame:
        """Return the row-level report: :data:`REPORT_COLUMNS`, one row per source record."""
        report = self.rows.rename(columns={"status": "status_umkm", "status_baris": "status"})
        return report[list(REPORT_COLUMNS)].reset_index(drop=True)

    def with_actions(self, actions: Mapping[int, str]) -> ImportPlan:
        """Return a plan with the action of some rows changed.

        Parameters
        ----------
        actions
            Source row number (``baris``) -> ``"impor"``, ``"lewati"`` or ``"perbarui"``.

        Raises
        ------
        ValueError
            A row number is unknown or the action is not allowed for that row (a ``galat``
            row can only be skipped; only a row that repeats a stored business can update
            it; a row with the id of a stored business cannot be imported as new).
        """
        rows = self.rows.copy()
        position = pd.Series(np.arange(len(rows)), index=rows["baris"].to_numpy())
        for baris, action in actions.items():
            if baris not in position.index:
                raise ValueError(f"baris {baris} tidak ada di {self.source.name}")
            i = int(position[baris])
            allowed = str(rows["pilihan"].iat[i]).split("/")
            if action not in allowed:
                raise ValueError(
                    f"baris {baris}: tindakan {action!r} tidak boleh; pilihan: "
                    + ", ".join(allowed)
                )
            rows.iloc[i, rows.columns.get_loc("tindakan")] = action
        return replace(self, rows=rows)

    def with_duplicate_action(self, action: str) -> ImportPlan:
        """Return a plan with every duplicate row set to ``action`` where allowed.

        ``"lewati"`` skips every duplicate; ``"perbarui"`` updates every stored business a
        row repeats (repeats within the file stay skipped).
        """
        dup = self.rows["pilihan"].str.contains("/") & self.rows["status_baris"].ne("galat")
        dup &= self.rows["baris_sama"].notna() | self.rows["id_sama"].notna()
        allowed = self.rows["pilihan"].str.split("/").map(lambda a: action in a)
        chosen = self.rows.loc[dup & allowed, "baris"]
        return self.with_actions(dict.fromkeys(chosen.astype(int).tolist(), action))

    def to_insert(self) -> gpd.GeoDataFrame:
        """Register rows to insert (action ``impor``), with ``presisi_lokasi``, EPSG:4326."""
        chosen = self.rows[self.rows["tindakan"] == "impor"]
        return _register_frame(chosen)

    def to_update(self) -> gpd.GeoDataFrame:
        """Return the stored businesses as they will be after the update (``perbarui``).

        Only the columns the file provides change (see :attr:`provided`); the business keeps
        its stored id, and every other column its stored value.
        """
        chosen = self.rows[self.rows["tindakan"] == "perbarui"]
        if chosen.empty:
            return _register_frame(chosen)
        stored = self.stored.loc[chosen["id_sama"].to_numpy()].reset_index(drop=True)
        new = chosen.reset_index(drop=True)
        merged = pd.DataFrame({"id": chosen["id_sama"].to_numpy()})
        for column in _OUTPUT_COLUMNS:
            if column == "id":
                continue
            old = stored[column] if column in stored else pd.Series(pd.NA, index=stored.index)
            if column in self.provided or column == "sumber":
                merged[column] = new[column].where(new[column].notna(), old)
            else:
                merged[column] = old
        return _register_frame(merged)


def _join_per_row(pos: np.ndarray, texts: list[str], n: int) -> np.ndarray:
    """Join the texts of each row position with "; " (rows without any give "")."""
    out = np.full(n, "", dtype=object)
    if not len(pos):
        return out
    order = np.argsort(pos, kind="stable")
    sorted_pos = pos[order]
    starts = np.flatnonzero(np.r_[True, sorted_pos[1:] != sorted_pos[:-1]])
    ends = np.r_[starts[1:], len(order)]
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        out[sorted_pos[start]] = "; ".join(texts[k] for k in order[start:end])
    return out


def _register_frame(rows: pd.DataFrame) -> gpd.GeoDataFrame:
    frame = pd.DataFrame({c: rows[c].astype(t) for c, t in _OUTPUT_COLUMNS.items()}).reset_index(
        drop=True
    )
    return to_geodataframe(frame)


# --- Cell cleaning and parsing ----------------------------------------------------------------


def _clean(values: pd.Series) -> pd.Series:
    """Strip control characters and spaces; empty cells and "-", "n/a", ... become missing."""
    text = values.astype("string").str.replace(_CONTROL.pattern, "", regex=True).str.strip()
    empty = (text == "") | text.str.lower().isin(_EMPTY_MARKERS)
    return text.mask(empty.fillna(True).astype(bool))


def _parse_date(text: str) -> dt.date | None:
    t = text.strip().lower()
    try:
        m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d.*)?", t)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})", t)
        if m:
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return dt.date(year, int(m[2]), int(m[1]))  # day first, as written in Indonesia
        m = re.fullmatch(r"(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.,]+(\d{4})", t)
        if m and m[2] in _MONTHS:
            return dt.date(int(m[3]), _MONTHS[m[2]], int(m[1]))
        m = re.fullmatch(r"(\d{5})(?:\.0+)?", t)
        if m and 30_000 < int(m[1]) < 80_000:  # a spreadsheet's serial day number
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(m[1]))
    except (ValueError, OverflowError):
        return None
    return None


def _parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (dates as datetime64[s], unreadable mask) for a column of date cells."""
    present = values.notna()
    cache = {u: _parse_date(u) for u in values[present].unique()}
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


def _noop(_fraction: float, _message: str) -> None:
    return None


def _quote(values: pd.Series, limit: int = 60) -> pd.Series:
    """Cell values quoted for a message, long ones shortened."""
    text = values.astype("string").fillna("")
    short = text.where(text.str.len() <= limit, text.str.slice(0, limit - 1) + "…")
    return "'" + short + "'"


# --- Planning ---------------------------------------------------------------------------------


def plan_import(
    source: SourceTable,
    *,
    mapping: Mapping[str, str | None] | None = None,
    place_missing: bool = False,
    register: pd.DataFrame | None = None,
    sentra_ids: Collection[str] | None = None,
    kel: gpd.GeoDataFrame | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Repair and validate every row of a source file; decide nothing is stored yet.

    Parameters
    ----------
    source
        The file as read by :func:`geo.ingest.readers.read_source`.
    mapping
        Source header -> field code of :data:`geo.ingest.headers.FIELDS` (None: ignore); headers
        left out are ignored. Default: :func:`geo.ingest.headers.guess_mapping`.
    place_missing
        Place rows without coordinates at a point inside their kelurahan (a representative
        point of the polygon), marked ``presisi_lokasi = "kelurahan"``; otherwise such rows
        are ``galat``.
    register
        The stored register (e.g. ``Store.read_umkm(presisi_lokasi=True)``) to find
        duplicates against and to update from; None for none.
    sentra_ids
        Known sentra ids; a ``sentra_id`` not among them is dropped with a warning. None
        accepts every id (the store checks them on commit).
    kel
        Kelurahan layer (EPSG:4326); the shipped one by default.
    today
        Date of the import, used for ``tanggal_terkurasi`` where the file gives none.
    progress
        Called with (fraction done 0-1, message in Bahasa Indonesia).

    Returns
    -------
    ImportPlan
    """
    report = progress or _noop
    kel = wilayah.kelurahan() if kel is None else kel
    today = today or dt.date.today()
    headers = source.headers
    chosen = dict(guess_mapping(headers) if mapping is None else mapping)
    mapping_problems = [f"kolom {h!r} tidak ada di berkas" for h in chosen if h not in headers]
    applied: dict[str, str | None] = {h: chosen.get(h) for h in headers}
    mapping_problems += check_mapping(applied)
    by_field = {f: h for h, f in applied.items() if f is not None}
    n = len(source.cells)
    index = pd.RangeIndex(n)
    issues = _Issues(n)
    cells = source.cells.reset_index(drop=True)
    report(0.05, "Membaca kolom")

    def col(code: str) -> pd.Series:
        header = by_field.get(code)
        if header is None:
            return pd.Series(pd.NA, index=index, dtype="string")
        return _clean(cells[header])

    def label(code: str) -> str:
        return by_field.get(code, code)

    out = pd.DataFrame(index=index)
    for column, dtype in _OUTPUT_COLUMNS.items():
        out[column] = pd.Series(pd.NA if dtype == "string" else np.nan, index=index).astype(dtype)
    out["kelurahan"] = pd.Series(pd.NA, index=index, dtype="string")

    if n and source.overflow:
        extra = pd.Series(source.rows).map(source.overflow)
        issues.add(
            extra.notna(),
            "-",
            "galat",
            lambda: (
                "baris berisi "
                + extra.fillna(0).astype(int).astype(str)
                + " sel lebih banyak dari judul kolom (pemisah di dalam nilai?)"
            ),
        )

    if mapping_problems or not n:
        for problem in mapping_problems:
            issues.add(np.ones(n, bool), "-", "galat", f"pemetaan kolom: {problem}")
        out["nama_usaha"] = col("nama_usaha")
        return _finish(source, applied, mapping_problems, place_missing, out, issues, None, set())

    # --- names and ids ------------------------------------------------------------------------
    out["nama_usaha"] = col("nama_usaha")
    issues.add(out["nama_usaha"].isna(), label("nama_usaha"), "galat", "nama usaha kosong")
    for column in ("pemilik", "alamat"):
        out[column] = col(column)
    given_id = col("id")
    rows_no = pd.Series(source.rows, index=index)
    generated = f"IMP-{source.sha256[:8]}-" + rows_no.astype(str)
    out["id"] = given_id.fillna(generated).astype("string")
    repeated = given_id.notna() & given_id.duplicated(keep="first")
    if repeated.any():
        first_row = rows_no.groupby(given_id).transform("min")
        issues.add(
            repeated,
            label("id"),
            "galat",
            lambda: "id " + _quote(given_id) + " sudah dipakai baris " + first_row.astype(str),
        )
    report(0.15, "Membaca koordinat")

    # --- coordinates --------------------------------------------------------------------------
    lat_text, lon_text, pair_col = col("lat"), col("lon"), col("koordinat")
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
    written = lat_text.notna() | lon_text.notna() | pair_col.notna()
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
    unreadable_location = bad_lat | bad_lon | bad_pair | half
    # The unreadable half of a row that is located anyway: say it was ignored.
    issues.add(
        (lat_p["unreadable"] | lon_p["unreadable"]) & has & ~from_lat & use_pair,
        coord_label,
        "peringatan",
        lambda: "lintang/bujur tidak terbaca dan diabaikan; dipakai kolom " + label("koordinat"),
    )
    repaired = repair_lat_lon(lat, lon)
    lat, lon = repaired["lat"], repaired["lon"]
    fixed = repaired["perbaikan"]
    issues.add(fixed.notna(), coord_label, "peringatan", lambda: fixed.map(REPAIRS).astype(object))
    report(0.3, "Mencocokkan titik dengan batas kelurahan")
    assigned = wilayah.assign_kelurahan(lon.where(has), lat.where(has), kel=kel)
    point_kode = assigned["kode_kelurahan"].set_axis(index)
    outside = has & point_kode.isna()
    issues.add(
        outside, coord_label, "galat", lambda: assigned["alasan"].set_axis(index).astype(object)
    )

    # --- kelurahan as written -----------------------------------------------------------------
    report(0.45, "Mencocokkan nama kelurahan")
    kel_names = pd.Series(kel["nama"].astype(str).to_numpy(), index=kel["kode"].astype(str))
    kec_of = pd.Series(kel["kecamatan"].astype(str).to_numpy(), index=kel["kode"].astype(str))
    codes = set(kel_names.index)
    kode_text = col("kode_kelurahan")
    stated_kode, bad_kode = _normalise_kode(kode_text, codes)
    name_text, kec_text = col("kelurahan"), col("kecamatan")
    resolved = _resolve_names(name_text, kec_text)
    retry = name_text.notna() & resolved["kode"].isna() & kec_text.notna()
    if retry.any():
        no_kec = pd.Series(pd.NA, index=name_text[retry].index, dtype="string")
        loose = _resolve_names(name_text[retry], no_kec)
        resolved.loc[retry, ["kode", "nama", "confidence"]] = loose.to_numpy()
        wrong_kec = retry & resolved["kode"].notna()
        issues.add(
            wrong_kec,
            label("kecamatan"),
            "peringatan",
            lambda: (
                "Kelurahan "
                + resolved["nama"].fillna("")
                + " berada di Kecamatan "
                + resolved["kode"].map(kec_of).fillna("")
                + ", bukan "
                + _quote(kec_text)
            ),
        )
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
                + point_kode.map(kel_names).fillna("")
            ),
        )
        issues.add(
            mask & ~with_point,
            column,
            "galat",
            lambda word=word, text=text: word + _quote(text) + " tidak dikenal di Kota Malang",
        )
    # A point in another kelurahan than written: the point decides, both are named.
    differs = (point_kode.notna() & stated.notna() & (point_kode != stated)).fillna(False)
    if differs.any():
        metres = _distance_to_kelurahan(lon[differs], lat[differs], stated[differs], kel)
        stated_label = label("kelurahan") if "kelurahan" in by_field else label("kode_kelurahan")
        issues.add(
            differs,
            stated_label,
            "peringatan",
            lambda: (
                "titik koordinat berada di Kelurahan "
                + point_kode.map(kel_names).fillna("")
                + ", bukan Kelurahan "
                + stated.map(kel_names).fillna("")
                + " seperti tertulis ("
                + metres.map(_format_metres).reindex(index).fillna("")
                + " dari batasnya); dipakai kelurahan dari titik"
            ),
        )
    kode = point_kode.where(has, stated).astype("string")
    # No coordinates at all: place inside the kelurahan when asked.
    missing = ~written & ~unreadable_location
    placeable = missing & stated.notna()
    if place_missing and placeable.any():
        points = kel.set_index(kel["kode"].astype(str)).geometry.representative_point()
        lon[placeable] = stated[placeable].map(points.x).astype(float)
        lat[placeable] = stated[placeable].map(points.y).astype(float)
        out.loc[placeable, "presisi_lokasi"] = "kelurahan"
        issues.add(
            placeable,
            "koordinat",
            "peringatan",
            lambda: (
                "koordinat kosong; ditempatkan di titik dalam Kelurahan "
                + stated.map(kel_names).fillna("")
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
                + stated.map(kel_names).fillna("")
                + " bila opsi 'tempatkan di kelurahan' dipilih"
            ),
        )
    issues.add(
        missing & stated.isna() & ~unknown_name & ~bad_kode,
        "koordinat",
        "galat",
        "koordinat dan kelurahan kosong: lokasi tidak diketahui",
    )
    located = has & ~outside | (placeable & place_missing)
    out["lat"] = lat.where(located)
    out["lon"] = lon.where(located)
    out["kode_kelurahan"] = kode.where(located)
    out["kelurahan"] = out["kode_kelurahan"].map(kel_names).astype("string")
    presisi_text = col("presisi_lokasi")
    presisi_ok = presisi_text.str.lower().isin(list(PRESISI_LOKASI)).fillna(False)
    out.loc[has & presisi_ok, "presisi_lokasi"] = presisi_text[has & presisi_ok].str.lower()
    issues.add(
        presisi_text.notna() & ~presisi_ok,
        label("presisi_lokasi"),
        "peringatan",
        lambda: (
            "presisi lokasi "
            + _quote(presisi_text)
            + " tidak dikenal; pilihan: "
            + ", ".join(PRESISI_LOKASI)
        ),
    )
    report(0.6, "Sektor, skala, telepon")

    # --- sector -------------------------------------------------------------------------------
    sector_text = col("sektor")
    sectors = classify_business_types(sector_text)
    out["sektor"] = sectors["sektor"]
    issues.add(
        sectors["cara"] == "tidak",
        label("sektor"),
        "peringatan",
        lambda: "jenis usaha " + _quote(sector_text) + " tidak dikenali; dimasukkan ke 'lainnya'",
    )
    issues.add(
        sectors["cara"] == "mirip",
        label("sektor"),
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
    issues.add(
        sectors["cara"] == "kosong",
        label("sektor"),
        "peringatan",
        "jenis usaha kosong; dimasukkan ke 'lainnya'",
    )

    # --- money and size -----------------------------------------------------------------------
    money: dict[str, pd.Series] = {}
    for code, word in (("omzet", "omzet"), ("omzet_bulanan", "omzet per bulan"), ("modal", "aset")):
        text = col(code)
        parsed = parse_rupiah(text)
        value = parsed["value"]
        issues.add(
            parsed["unreadable"],
            label(code),
            "peringatan",
            lambda word=word, text=text: f"{word} tidak terbaca: " + _quote(text) + "; dikosongkan",
        )
        negative = value < 0
        issues.add(negative, label(code), "peringatan", f"{word} negatif; dikosongkan")
        money[code] = value.where(~negative)
    omzet = money["omzet"].fillna(money["omzet_bulanan"] * 12)
    out["omzet"], out["modal"] = omzet, money["modal"]
    derived = classify_size(modal=money["modal"], omzet=omzet)
    size_text = col("skala")
    size_key = _lookup(size_text, _SIZE_WORDS)
    unknown_size = size_text.notna() & size_key.isna()
    skala = size_key.where(unknown_size.eq(False), pd.NA).fillna(derived).astype("string")

    @functools.cache
    def money_text() -> pd.Series:
        return (
            pd.Series(np.where(omzet.notna(), "omzet ", "aset "), index=index)
            + _map_distinct(omzet.fillna(money["modal"]), format_rupiah)
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
    issues.add(
        skala.isna() & size_text.isna(),
        label("skala"),
        "peringatan",
        "skala tidak diketahui: tidak ada skala, omzet, maupun aset",
    )
    out["skala"] = skala.where(~too_big)

    # --- phone --------------------------------------------------------------------------------
    phone_text = col("telepon")
    phones = normalise_phones(phone_text)
    out["telepon"] = phones["telepon"]
    issues.add(
        phones["tidak_valid"],
        label("telepon"),
        "peringatan",
        lambda: "nomor telepon " + _quote(phone_text) + " tidak valid; tidak disimpan",
    )
    issues.add(
        phones["lebih_dari_satu"] & ~phones["tidak_valid"],
        label("telepon"),
        "peringatan",
        lambda: "lebih dari satu nomor; disimpan yang pertama: " + phones["telepon"].fillna(""),
    )

    # --- date, status, sentra, source ---------------------------------------------------------
    date_text = col("tanggal_terkurasi")
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
    status_text = col("status")
    status = _lookup(status_text, _STATUS_WORDS)
    issues.add(
        status_text.notna() & status.isna(),
        label("status"),
        "peringatan",
        lambda: "status " + _quote(status_text) + " tidak dikenal; dianggap aktif",
    )
    out["status"] = status.fillna("aktif")
    sentra_text = col("sentra_id")
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
    out["sumber"] = col("sumber").fillna(source.name)
    report(0.75, "Mencari duplikat")

    # --- duplicates ---------------------------------------------------------------------------
    errors = issues.frame()
    galat = np.zeros(n, dtype=bool)
    galat[errors.loc[errors["level"] == "galat", "pos"].astype(int).to_numpy()] = True
    candidates = np.flatnonzero(~galat)
    dups = find_duplicates(
        # The id as it will be stored: a generated id found in the register is a row of this
        # same file imported before.
        out.iloc[candidates],
        register=register,
    ).set_axis(candidates)
    dups = dups.reindex(index)
    same_row = pd.Series(pd.NA, index=index, dtype="Int64")
    has_row = dups["baris_sama"].fillna(-1).astype(int) >= 0
    same_row[has_row] = source.rows[candidates[dups.loc[has_row, "baris_sama"].astype(int)]]
    why_row = dups["alasan_baris"].map({"telepon": "telepon sama", "nama": "nama sama"})
    issues.add(
        has_row,
        label("nama_usaha"),
        "peringatan",
        lambda: (
            "duplikat baris "
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
    issues.add(
        has_id,
        label("nama_usaha"),
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
    stored = _stored_rows(register, out["_id_sama"])
    provided = {c for f in by_field for c in _PROVIDES.get(f, (f,)) if c in _OUTPUT_COLUMNS}
    report(0.9, "Menyusun laporan")
    return _finish(source, applied, mapping_problems, place_missing, out, issues, stored, provided)


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


def _stored_rows(register: pd.DataFrame | None, ids: pd.Series) -> pd.DataFrame:
    wanted = ids.dropna().unique()
    if register is None or not len(wanted):
        return pd.DataFrame(columns=list(_OUTPUT_COLUMNS)).set_index("id", drop=False)
    frame = pd.DataFrame(register.drop(columns="geometry", errors="ignore"))
    frame = frame[frame["id"].isin(wanted)]
    return frame.set_index(frame["id"].astype(str), drop=False)


_TO_METRIC = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)


def _distance_to_kelurahan(
    lon: pd.Series, lat: pd.Series, kode: pd.Series, kel: gpd.GeoDataFrame
) -> pd.Series:
    """Metres (EPSG:32749) from each point to the polygon of the kelurahan ``kode``."""
    polys = kel.set_index(kel["kode"].astype(str)).to_crs(CRS_METRIC).geometry
    x, y = _TO_METRIC.transform(lon.to_numpy(dtype=float), lat.to_numpy(dtype=float))
    targets = polys.reindex(kode.astype(str).to_numpy()).to_numpy()
    return pd.Series(shapely.distance(shapely.points(x, y), targets), index=lon.index)


def _metres_suffix(metres: pd.Series) -> pd.Series:
    """``", 12 m"`` for known distances, ``""`` for unknown ones (vectorised)."""
    known = np.isfinite(metres.to_numpy(dtype=float))
    whole = np.round(np.where(known, metres.to_numpy(dtype=float), 0)).astype("int64")
    text = np.where(known, np.char.add(np.char.add(", ", whole.astype(str)), " m"), "")
    return pd.Series(text, index=metres.index, dtype="string")


def _format_metres(metres: float) -> str:
    if not np.isfinite(metres):
        return ""
    if metres >= 1000:
        return f"{metres / 1000:.1f} km".replace(".", ",")
    return f"{metres:.0f} m"


def _finish(
    source: SourceTable,
    mapping: dict[str, str | None],
    mapping_problems: list[str],
    place_missing: bool,
    out: pd.DataFrame,
    issues: _Issues,
    stored: pd.DataFrame | None,
    provided: set[str],
) -> ImportPlan:
    """Turn the collected problems into statuses, actions, messages and :class:`Problem`."""
    n = len(out)
    found = issues.frame()
    rows_no = source.rows
    found["baris"] = rows_no[found["pos"].astype(int).to_numpy()] if len(found) else []
    found = found.sort_values("pos", kind="stable")  # per row, in the order checked
    galat = np.zeros(n, dtype=bool)
    warn = np.zeros(n, dtype=bool)
    galat[found.loc[found["level"] == "galat", "pos"].astype(int).to_numpy()] = True
    warn[found.loc[found["level"] == "peringatan", "pos"].astype(int).to_numpy()] = True
    status = np.where(galat, "galat", np.where(warn, "peringatan", "ok"))
    for column in ("_baris_sama", "_id_sama", "_alasan"):
        if column not in out:
            out[column] = pd.Series(pd.NA, index=out.index, dtype="string")
    dup_row = out["_baris_sama"].notna().to_numpy()
    dup_id = out["_id_sama"].notna().to_numpy() & ~dup_row
    same_id_reason = (out["_alasan"] == "id sama").fillna(False).to_numpy()
    action = np.where(galat | dup_row | dup_id, "lewati", "impor")
    choices = np.full(n, "impor/lewati", dtype=object)
    choices[galat] = "lewati"
    choices[dup_id & ~galat] = "lewati/perbarui/impor"
    choices[dup_id & same_id_reason & ~galat] = "lewati/perbarui"
    pesan = _join_per_row(
        found["pos"].to_numpy(dtype="int64"),
        [f"{c}: {m}" for c, m in zip(found["column"], found["message"], strict=True)],
        n,
    )
    rows = pd.DataFrame(
        {
            "baris": rows_no.astype("int64"),
            "status_baris": status,
            "tindakan": action,
            "pilihan": choices,
            "baris_sama": out["_baris_sama"].astype("Int64").to_numpy(),
            "id_sama": out["_id_sama"].astype("string").to_numpy(),
            "alasan_duplikat": out["_alasan"].astype("string").to_numpy(),
        }
    )
    for column in (*_OUTPUT_COLUMNS, "kelurahan"):
        rows[column] = out[column].to_numpy()
        rows[column] = rows[column].astype(out[column].dtype)
    rows["pesan"] = pesan
    rows = rows.astype({"status_baris": "string", "tindakan": "string", "pilihan": "string"})
    problems = found.rename(
        columns={"baris": "row", "column": "column", "message": "message", "level": "level"}
    )[["row", "column", "message", "level"]].reset_index(drop=True)
    if stored is None:
        stored = pd.DataFrame(columns=list(_OUTPUT_COLUMNS)).set_index("id", drop=False)
    return ImportPlan(
        source=source,
        mapping=dict(mapping),
        mapping_problems=tuple(mapping_problems),
        place_missing=place_missing,
        rows=rows,
        issues=problems,
        stored=stored,
        provided=frozenset(provided),
    )


# --- Reports ----------------------------------------------------------------------------------


def report_csv(plan: ImportPlan) -> bytes:
    """Return the row-level report as CSV (UTF-8, comma-separated, header row)."""
    return plan.report().to_csv(index=False).encode("utf-8")


def report_xlsx(plan: ImportPlan) -> bytes:
    """Return the row-level report as XLSX: sheets "laporan" (status colours) and "ringkasan".

    Written in openpyxl's streaming (write-only) mode, so 50,000 rows take seconds.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    fills = {
        "ok": PatternFill("solid", fgColor="E6F4EA"),
        "peringatan": PatternFill("solid", fgColor="FEF3C7"),
        "galat": PatternFill("solid", fgColor="FDE2E1"),
    }
    book = Workbook(write_only=True)
    sheet = book.create_sheet("laporan")
    for letter, width in {"A": 8, "B": 12, "C": 10, "D": 16, "E": 20, "F": 32, "G": 100}.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    report = plan.report()
    bold = Font(bold=True)
    header = []
    for name in report.columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    styled = {}
    for status, fill in fills.items():
        cell = WriteOnlyCell(sheet, value=status)
        cell.fill = fill
        styled[status] = cell
    for values in report.astype(object).where(report.notna(), None).itertuples(index=False):
        row = list(values)
        row[1] = styled.get(str(row[1]), row[1])
        sheet.append(row)
    info = book.create_sheet("ringkasan")
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 70
    summary = plan.summary()
    for key, value in (
        ("berkas", plan.source.name),
        ("sha256", plan.source.sha256),
        ("sheet/layer", plan.source.sheet or ""),
        *summary.items(),
    ):
        info.append([key, value])
    info.append([])
    info.append(["kolom sumber", "kolom tujuan"])
    for header_name, target in plan.mapping.items():
        info.append([header_name, target or "(diabaikan)"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Commit and undo --------------------------------------------------------------------------


def commit_import(
    store: Store, plan: ImportPlan, *, user: str, progress: Progress | None = None
) -> ImportResult:
    """Store every accepted row of a plan as one import batch: all of them or none.

    Rows with action ``impor`` are inserted, rows with ``perbarui`` update the stored business
    they repeat (its previous version is kept for :func:`undo_import`), the others are skipped.
    The batch records the file's name and SHA-256; the audit log records who imported it.

    Parameters
    ----------
    store
        The store.
    plan
        From :func:`plan_import` (and :meth:`ImportPlan.with_actions`).
    user
        Who imports, for the audit log (a username, or :func:`geo.core.audit.cli_actor`).
    progress
        Called with (fraction done 0-1, message in Bahasa Indonesia).

    Raises
    ------
    ValueError
        The mapping is unusable or no row is to be stored; nothing is stored.
    geo.store.StoreError
        The store refused the batch (e.g. an id taken since the plan was made); nothing is
        stored.
    """
    report = progress or _noop
    if plan.mapping_problems:
        raise ValueError("pemetaan kolom belum benar: " + "; ".join(plan.mapping_problems))
    report(0.1, "Menyiapkan baris")
    new, updates = plan.to_insert(), plan.to_update()
    if new.empty and updates.empty:
        raise ValueError(f"{plan.source.name}: tidak ada baris untuk disimpan")
    report(0.3, f"Menyimpan {len(new) + len(updates):,} UMKM")
    batch = store.commit_import(
        nama_file=plan.source.name,
        sha256=plan.source.sha256,
        jumlah_baris=len(plan.rows),
        new=new,
        updates=updates,
    )
    skipped = len(plan.rows) - len(new) - len(updates)
    _bump_data_version(store, f"impor {batch}")
    audit.record(
        store,
        user,
        audit.IMPORT,
        plan.source.name,
        f"batch {batch}; {len(new)} ditambah; {len(updates)} diperbarui; {skipped} dilewati; "
        f"sha256 {plan.source.sha256[:12]}",
    )
    report(1.0, "Selesai")
    return ImportResult(batch, len(new), len(updates), skipped)


def _bump_data_version(store: Store, what: str) -> None:
    """Record that the register changed, so every app process refreshes its cached copy."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    store.set_meta("data_version", f"{what} {now}")


def undo_import(store: Store, batch_id: int, *, user: str) -> tuple[int, int]:
    """Undo an import batch (see :meth:`geo.store.Store.undo_import`) and audit it.

    Returns
    -------
    tuple of int
        (UMKM deleted, UMKM restored to their previous version).
    """
    batches = store.read_import_batches()
    name = batches.loc[batches["id"] == batch_id, "nama_file"]
    deleted, restored = store.undo_import(batch_id)
    _bump_data_version(store, f"batal {batch_id}")
    audit.record(
        store,
        user,
        audit.IMPORT_UNDO,
        str(name.iloc[0]) if len(name) else str(batch_id),
        f"batch {batch_id}; {deleted} dihapus; {restored} dipulihkan",
    )
    return deleted, restored


def read_register_csv(path: str | Path, *, kel: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Read a file, all of whose rows must be valid, into register rows.

    Returns
    -------
    geopandas.GeoDataFrame
        The register rows (EPSG:4326) with ``presisi_lokasi``.

    Raises
    ------
    RegisterImportError
        With every ``galat`` problem when any row is invalid, or the file is unreadable.
    """
    try:
        source = read_source(path)
    except SourceError as exc:
        raise RegisterImportError([Problem(exc.file, 0, "-", exc.reason)]) from exc
    plan = plan_import(source, kel=kel)
    errors = [p for p in plan.problems if p.level == "galat"]
    if errors:
        raise RegisterImportError(errors)
    return plan.to_insert()


def problems_text(problems: Sequence[Problem], *, limit: int = 50) -> str:
    """Problems as lines ``file, baris N, kolom C: message`` (at most ``limit``)."""
    lines = [f"[{p.level}] {p}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... dan {len(problems) - limit} masalah lain")
    return "\n".join(lines)


def import_file(
    path: str | Path,
    *,
    store: Store,
    commit: bool,
    user: str,
    sheet: str | None = None,
    place_missing: bool = False,
    on_duplicate: str = "lewati",
    skip_errors: bool = False,
    report_path: str | Path | None = None,
    progress: Progress | None = None,
) -> tuple[int, list[str], list[str]]:
    """Check (and with ``commit`` store) one file: what ``python -m geo import`` does.

    Parameters
    ----------
    path
        The file (CSV, XLSX, GeoJSON, GeoPackage).
    store
        The store to check duplicates against and to write to.
    commit
        Store the accepted rows (one batch); False only checks (a dry run).
    user
        Who imports, for the audit log.
    sheet
        XLSX sheet or GeoPackage layer; the first by default.
    place_missing
        Place rows without coordinates inside their kelurahan (see :func:`plan_import`).
    on_duplicate
        ``"lewati"`` skips rows that repeat a stored business, ``"perbarui"`` updates it.
    skip_errors
        Commit the other rows even when some rows have a ``galat``; by default a file with
        any ``galat`` row stores nothing.
    report_path
        Write the row-level report here as CSV (columns :data:`REPORT_COLUMNS`).
    progress
        Called with (fraction done 0-1, message in Bahasa Indonesia).

    Returns
    -------
    tuple
        (exit status: 0 done, 2 refused; lines for standard output; lines for standard
        error, every problem as ``[level] file, baris N, kolom C: message``).
    """
    out: list[str] = []
    err: list[str] = []
    try:
        source = read_source(path, sheet=sheet)
    except SourceError as exc:
        return 2, out, [f"{exc}; tidak ada yang disimpan"]
    plan = plan_import(
        source,
        place_missing=place_missing,
        register=store.read_umkm(presisi_lokasi=True),
        sentra_ids=set(store.read_sentra()["id"]),
        progress=progress,
    )
    if on_duplicate != "lewati":
        plan = plan.with_duplicate_action(on_duplicate)
    if report_path is not None:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_bytes(report_csv(plan))
    s = plan.summary()
    out.append(
        f"{source.name}: {s['baris']:,} rows: {s['ok']:,} ok, {s['peringatan']:,} peringatan, "
        f"{s['galat']:,} galat; to import {s['impor']:,}, update {s['perbarui']:,}, "
        f"skip {s['lewati']:,}"
    )
    err += [f"pemetaan kolom: {p}" for p in plan.mapping_problems]
    ordered = sorted(plan.problems, key=lambda p: (p.level != "galat", p.row))
    if ordered:
        err.append(problems_text(ordered, limit=200))
    if not commit:
        return (2 if s["galat"] else 0), out, err
    if s["galat"] and not skip_errors:
        err.append(
            f"{s['galat']:,} baris galat: tidak ada yang disimpan "
            "(perbaiki berkasnya, atau pakai --skip-errors untuk menyimpan baris lainnya)"
        )
        return 2, out, err
    try:
        result = commit_import(store, plan, user=user, progress=progress)
    except ValueError as exc:  # StoreError is a ValueError
        err.append(f"{source.name}: {exc}; tidak ada yang disimpan")
        return 2, out, err
    out.append(
        f"{result.ditambah:,} UMKM imported, {result.diperbarui:,} updated, "
        f"{result.dilewati:,} skipped from {source.name} (batch {result.batch_id})"
    )
    return 0, out, err
