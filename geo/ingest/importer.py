"""Import UMKM registers from the city's spreadsheets: map, repair, validate, preview, commit.

The flow, each step a pure function a test can call:

1. :func:`geo.ingest.readers.read_source` reads CSV, XLSX, GeoJSON or GeoPackage into text cells.
2. :func:`geo.ingest.headers.guess_mapping` proposes which column fills which field; the user
   corrects it.
3. :func:`plan_import` repairs and validates every row and returns an :class:`ImportPlan`: the
   register rows it would write, a status per row (``ok``, ``peringatan``, ``galat``), every
   problem with its row and column, the duplicates it found and what to do with each
   (``impor``, ``lewati``, ``perbarui``). Nothing is written. It runs the stages of
   :mod:`geo.ingest.stages` over one working frame (map columns -> names -> repair
   coordinates -> resolve wilayah -> sector, size, money, phone, date -> duplicates), then
   :func:`finish_plan`; each stage can run alone.
4. :meth:`ImportPlan.with_actions` lets the user decide the duplicates;
   :meth:`ImportPlan.report` (and :func:`report_csv`, :func:`report_xlsx`) is the row-level
   report in Bahasa Indonesia.
5. :func:`geo.services.imports.commit_import` writes all accepted rows or none, as one import
   batch with the file's name and SHA-256; :func:`geo.services.imports.undo_import` undoes a
   batch, restoring updated rows exactly (the services write; this module only plans).

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
GeoJSON and GeoPackage records are features, numbered from 1 (the first feature), and every
message, report and summary calls them ``fitur`` instead of ``baris`` (:attr:`ImportPlan.unit`;
the report's first column keeps the key ``baris`` in :meth:`ImportPlan.report` and is headed
``fitur`` in the CSV and XLSX files).

Registers from other systems (an OpenStreetMap extract, an SIDT/OSS export): the mapping can be
given field by field (:func:`geo.ingest.headers.apply_overrides`, the CLI's ``--map`` and
``--mapping``); a generic id column is kept as ``id_sumber`` (stored beside the id), never taken as
the register id unless asked; unmapped OSM tags and "Jenis"/"Bidang"/"KBLI" columns still decide
the sector; with :attr:`PlanOptions.skala_default` a list without omzet or aset gets ``ok`` rows,
and the plan says once that the class is assumed (:attr:`ImportPlan.notes`). A mapping that cannot
be used (no business name) is one problem of the file (row 0), not one per row.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import wilayah
from geo.core.escape import spreadsheet_frame
from geo.core.progress import Progress, no_progress
from geo.core.register import to_geodataframe
from geo.core.rows import Problem
from geo.ingest import stages
from geo.ingest.readers import SourceError, SourceTable, read_source

__all__ = [
    "ACTIONS",
    "LEVELS",
    "REPORT_COLUMNS",
    "STATUSES",
    "ImportPlan",
    "ImportResult",
    "PlanOptions",
    "Problem",
    "RegisterImportError",
    "SourceError",
    "finish_plan",
    "plan_import",
    "problems_text",
    "provided_columns",
    "read_register_csv",
    "read_source",
    "report_csv",
    "report_xlsx",
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
    "id_sumber",
)


#: Register columns an import writes (the register plus ``presisi_lokasi``).
_OUTPUT_COLUMNS: dict[str, str] = stages.OUTPUT_COLUMNS
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

# --- Problems ---------------------------------------------------------------------------------


class RegisterImportError(ValueError):
    """A file cannot be imported; ``problems`` lists every row-level reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n... dan {len(problems) - 20} masalah lain" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} masalah, tidak ada yang disimpan:\n{head}{more}")


# --- The plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanOptions:
    """What the user chose for a whole file (the mapping aside).

    Attributes
    ----------
    place_missing : bool
        Place rows without coordinates at a point inside their kelurahan (a representative
        point of the polygon), marked ``presisi_lokasi = "kelurahan"``; otherwise such rows
        are ``galat``.
    skala_default : str or None
        Size class (``mikro``, ``kecil`` or ``menengah``) assumed for rows with no skala, omzet
        or aset: they can then be ``ok``, and :attr:`ImportPlan.notes` says the class is
        assumed. None: such rows keep a warning and no class.
    """

    place_missing: bool = False
    skala_default: str | None = None


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
    notes
        What holds for the whole file, in Bahasa Indonesia: the columns left unmapped, the
        ones still read for the sector, a size class assumed; said once.
    """

    source: SourceTable
    mapping: dict[str, str | None]
    mapping_problems: tuple[str, ...]
    place_missing: bool
    rows: pd.DataFrame
    issues: pd.DataFrame = field(repr=False)
    stored: pd.DataFrame = field(repr=False)
    provided: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()

    @property
    def unit(self) -> str:
        """What a record is called: ``"fitur"`` (GeoJSON, GeoPackage) or ``"baris"``."""
        return stages.unit_word(self.source.format)

    @property
    def unmapped(self) -> tuple[str, ...]:
        """Source headers the mapping leaves unmapped, in the file's order."""
        return tuple(h for h, f in self.mapping.items() if f is None)

    @functools.cached_property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem as a :class:`Problem` (file, row, column, message, level).

        A problem of the whole file (an unusable mapping) has row 0 and column ``"-"``.
        """
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
                raise ValueError(f"{self.unit} {baris} tidak ada di {self.source.name}")
            i = int(position[baris])
            allowed = str(rows["pilihan"].iat[i]).split("/")
            if action not in allowed:
                raise ValueError(
                    f"{self.unit} {baris}: tindakan {action!r} tidak boleh; pilihan: "
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


# --- Planning ---------------------------------------------------------------------------------


def plan_import(
    source: SourceTable,
    *,
    mapping: Mapping[str, str | None] | None = None,
    options: PlanOptions | None = None,
    register: pd.DataFrame | None = None,
    sentra_ids: Collection[str] | None = None,
    kel: gpd.GeoDataFrame | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Repair and validate every row of a source file; decide nothing is stored yet.

    Runs the stages of :mod:`geo.ingest.stages` in order (map columns -> names and ids ->
    repair coordinates -> points in kelurahan -> kelurahan as written -> sector, money and
    size, phone, date and status -> duplicates), then :func:`finish_plan`.

    Parameters
    ----------
    source
        The file as read by :func:`geo.ingest.readers.read_source`.
    mapping
        Source header -> field code of :data:`geo.ingest.headers.FIELDS` (None: ignore); headers
        left out are ignored. Default: :func:`geo.ingest.headers.guess_mapping`.
    options
        Placement of rows without coordinates and the size class to assume
        (:class:`PlanOptions`); the defaults by default.
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
    report = progress or no_progress
    opt = options or PlanOptions()
    place_missing = opt.place_missing
    kel = wilayah.kelurahan() if kel is None else kel
    work = stages.map_columns(source, mapping=mapping)
    report(0.05, "Membaca kolom")
    if work.mapping_problems or not work.n:
        work.out["nama_usaha"] = work.col("nama_usaha")
        return finish_plan(work, source=source, place_missing=place_missing)
    stages.take_names(work, id_prefix=f"IMP-{source.sha256[:8]}-")
    report(0.15, "Membaca koordinat")
    stages.repair_coordinates(work)
    report(0.3, "Mencocokkan titik dengan batas kelurahan")
    stages.locate_points(work, kel=kel)
    report(0.45, "Mencocokkan nama kelurahan")
    stages.resolve_wilayah(work, kel=kel, place_missing=place_missing)
    report(0.6, "Sektor, skala, telepon")
    stages.classify_sectors(work)
    stages.money_and_size(work, skala_default=opt.skala_default)
    stages.normalise_phone(work)
    stages.dates_and_status(
        work, today=today or dt.date.today(), sentra_ids=sentra_ids, sumber=source.name
    )
    report(0.75, "Mencari duplikat")
    stages.mark_duplicates(work, register=register)
    stored = _stored_rows(register, work.out["_id_sama"])
    report(0.9, "Menyusun laporan")
    return finish_plan(
        work,
        source=source,
        place_missing=place_missing,
        stored=stored,
        provided=provided_columns(work.labels),
    )


def provided_columns(fields: Collection[str]) -> frozenset[str]:
    """Register columns filled from the mapped ``fields`` (an update changes only these)."""
    return frozenset(c for f in fields for c in _PROVIDES.get(f, (f,)) if c in _OUTPUT_COLUMNS)


def _stored_rows(register: pd.DataFrame | None, ids: pd.Series) -> pd.DataFrame:
    wanted = ids.dropna().unique()
    if register is None or not len(wanted):
        return _no_stored_rows()
    frame = pd.DataFrame(register.drop(columns="geometry", errors="ignore"))
    frame = frame[frame["id"].isin(wanted)]
    return frame.set_index(frame["id"].astype(str), drop=False)


def _no_stored_rows() -> pd.DataFrame:
    return pd.DataFrame(columns=list(_OUTPUT_COLUMNS)).set_index("id", drop=False)


def finish_plan(
    work: stages.Work,
    *,
    source: SourceTable,
    place_missing: bool = False,
    stored: pd.DataFrame | None = None,
    provided: Collection[str] = frozenset(),
) -> ImportPlan:
    """Turn a working frame into an :class:`ImportPlan`: the last stage.

    Each row's status is its worst problem's level; its action is ``lewati`` for a ``galat``
    row or a duplicate (:func:`geo.ingest.stages.mark_duplicates`), ``impor`` otherwise; its
    message joins its problems in the order found. When the mapping cannot be used, every row
    is ``galat`` and the mapping's problems are problems of the file (row 0), once each.

    Parameters
    ----------
    work
        The working frame after the other stages (register columns not filled stay missing).
    source
        The file the frame came from (kept in the plan).
    place_missing
        Whether rows without coordinates were placed (recorded in the plan).
    stored
        Stored businesses that rows repeat, indexed by id; none by default.
    provided
        Register columns the file provides (see :func:`provided_columns`).

    Returns
    -------
    ImportPlan
    """
    out = work.out
    for column in ("_baris_sama", "_id_sama", "_alasan"):
        if column not in out:
            out[column] = pd.Series(pd.NA, index=out.index, dtype="string")
    found = work.issues.frame()
    found["baris"] = work.rows[found["pos"].astype(int).to_numpy()] if len(found) else []
    found = found.sort_values("pos", kind="stable")  # per row, in the order checked
    rows = _decide_rows(out, found, work.rows, refuse_all=bool(work.mapping_problems))
    for column in (*_OUTPUT_COLUMNS, "kelurahan"):
        rows[column] = out[column].to_numpy()
        rows[column] = rows[column].astype(out[column].dtype)
    rows["pesan"] = _join_per_row(
        found["pos"].to_numpy(dtype="int64"),
        [f"{c}: {m}" for c, m in zip(found["column"], found["message"], strict=True)],
        work.n,
    )
    if work.mapping_problems:
        rows["pesan"] = "pemetaan kolom belum benar (lihat masalah berkas)"
    rows = rows.astype({"status_baris": "string", "tindakan": "string", "pilihan": "string"})
    problems = pd.concat(
        [_file_problems(work.mapping_problems), _row_problems(found)], ignore_index=True
    )
    return ImportPlan(
        source=source,
        mapping=dict(work.mapping),
        mapping_problems=tuple(work.mapping_problems),
        place_missing=place_missing,
        rows=rows,
        issues=problems.reset_index(drop=True),
        stored=_no_stored_rows() if stored is None else stored,
        provided=frozenset(provided),
        notes=tuple(_notes(work)),
    )


def _row_problems(found: pd.DataFrame) -> pd.DataFrame:
    """Return the problems of rows as the plan's ``issues`` table."""
    problems = found[["baris", "column", "message", "level"]].rename(columns={"baris": "row"})
    return problems.astype({"row": "int64", "column": object, "message": object, "level": object})


def _file_problems(mapping_problems: Sequence[str]) -> pd.DataFrame:
    """Return the mapping's problems as problems of the whole file (row 0, column ``"-"``)."""
    return pd.DataFrame(
        {
            "row": np.zeros(len(mapping_problems), dtype="int64"),
            "column": np.full(len(mapping_problems), "-", dtype=object),
            "message": np.array([f"pemetaan kolom: {p}" for p in mapping_problems], dtype=object),
            "level": np.full(len(mapping_problems), "galat", dtype=object),
        }
    )


def _notes(work: stages.Work) -> list[str]:
    """Return what the plan says once: unmapped columns first, then the stages' notes."""
    unmapped = [h for h, f in work.mapping.items() if f is None]
    head = ["kolom tidak dipetakan: " + ", ".join(unmapped)] if unmapped else []
    return head + list(work.notes)


def _decide_rows(
    out: pd.DataFrame, found: pd.DataFrame, rows_no: np.ndarray, *, refuse_all: bool = False
) -> pd.DataFrame:
    """Status, action, allowed actions and duplicate columns of each row.

    ``refuse_all`` makes every row ``galat`` (a mapping that cannot be used).
    """
    n = len(out)
    galat = np.full(n, refuse_all, dtype=bool)
    warn = np.zeros(n, dtype=bool)
    galat[found.loc[found["level"] == "galat", "pos"].astype(int).to_numpy()] = True
    warn[found.loc[found["level"] == "peringatan", "pos"].astype(int).to_numpy()] = True
    status = np.where(galat, "galat", np.where(warn, "peringatan", "ok"))
    dup_row = out["_baris_sama"].notna().to_numpy()
    dup_id = out["_id_sama"].notna().to_numpy() & ~dup_row
    same_id_reason = (out["_alasan"] == "id sama").fillna(False).to_numpy()
    action = np.where(galat | dup_row | dup_id, "lewati", "impor")
    choices = np.full(n, "impor/lewati", dtype=object)
    choices[galat] = "lewati"
    choices[dup_id & ~galat] = "lewati/perbarui/impor"
    choices[dup_id & same_id_reason & ~galat] = "lewati/perbarui"
    return pd.DataFrame(
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


# --- Reports ----------------------------------------------------------------------------------


def _report_table(plan: ImportPlan) -> pd.DataFrame:
    """Return the report, its first column headed by the plan's unit (``baris``/``fitur``)."""
    return plan.report().rename(columns={"baris": plan.unit})


def report_csv(plan: ImportPlan) -> bytes:
    """Return the row-level report as CSV (UTF-8, comma-separated, header row).

    The first column is headed ``fitur`` for GeoJSON and GeoPackage files, ``baris`` otherwise.
    """
    return spreadsheet_frame(_report_table(plan)).to_csv(index=False).encode("utf-8")


def _text_cell(sheet: object, value: object) -> object:
    """Wrap ``=...`` text in a write-only cell typed as text (never a formula)."""
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


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
    report = _report_table(plan)
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
        row = [_text_cell(sheet, v) for v in values]
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
    for note in plan.notes:
        info.append(["catatan", note])
    info.append([])
    info.append(["kolom sumber", "kolom tujuan"])
    for header_name, target in plan.mapping.items():
        info.append([header_name, target or "(diabaikan)"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Commit and undo --------------------------------------------------------------------------


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


def problems_text(problems: Sequence[Problem], *, limit: int = 50, unit: str = "baris") -> str:
    """Problems as lines ``[level] file, baris N, kolom C: message`` (at most ``limit``).

    ``unit`` names a record (``"fitur"`` for GeoJSON and GeoPackage, see
    :attr:`ImportPlan.unit`); a problem of the whole file (row 0) is ``[level] file: message``.
    """
    lines = [_problem_line(p, unit=unit) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... dan {len(problems) - limit} masalah lain")
    return "\n".join(lines)


def _problem_line(problem: Problem, *, unit: str) -> str:
    p = problem
    if p.row == 0:
        return f"[{p.level}] {p.file}: {p.message}"
    return f"[{p.level}] {p.file}, {unit} {p.row}, kolom {p.column}: {p.message}"
