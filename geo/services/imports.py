"""Import and undo a register: the only writes of imported UMKM.

A commit stores every accepted row of an import plan as one batch, records the audit entry and
bumps the data version, all in one transaction (:meth:`geo.store.Store.unit_of_work`): a crash
anywhere leaves either all three or none. Planning (reading, mapping, repairing, validating)
is :mod:`geo.ingest.importer`; this module only writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.core import audit
from geo.core.progress import Progress, no_progress
from geo.ingest.duplicates import find_duplicates
from geo.ingest.headers import (
    apply_overrides,
    guess_mapping,
    mapping_from_json,
    parse_map_options,
)
from geo.ingest.importer import (
    ImportPlan,
    ImportResult,
    PlanOptions,
    plan_import,
    problems_text,
    report_csv,
)
from geo.ingest.readers import SourceError, SourceTable, read_source
from geo.services import auth
from geo.store import Store

__all__ = [
    "ImportOptions",
    "commit_import",
    "import_file",
    "mapping_lines",
    "mapping_overrides",
    "undo_import",
]

#: How to map a column by hand, said with every problem of the mapping on the command line.
MAP_HINT = (
    "petakan kolom dengan --map BIDANG=KOLOM (mis. --map nama_usaha=NAME --map telepon=PHONE) "
    "atau --mapping BERKAS.json"
)


def commit_import(
    store: Store, plan: ImportPlan, *, user: str, progress: Progress | None = None
) -> ImportResult:
    """Store every accepted row of a plan as one import batch: all of them or none.

    Rows with action ``impor`` are inserted, rows with ``perbarui`` update the stored business
    they repeat (its previous version is kept for :func:`undo_import`), the others are skipped.
    The batch records the file's name and SHA-256; the audit entry who imported it; the data
    version changes so that every page shows the new register at its next run.

    Parameters
    ----------
    store
        The store.
    plan
        From :func:`geo.ingest.importer.plan_import` (and :meth:`ImportPlan.with_actions`).
    user
        Who imports, for the audit log (a username, or :func:`geo.core.audit.cli_actor`).
    progress
        Called with (fraction done 0-1, message in Bahasa Indonesia).

    Returns
    -------
    ImportResult
        Batch id and the numbers of rows added, updated and skipped.

    Raises
    ------
    ValueError
        The mapping is unusable or no row is to be stored; nothing is stored.
    geo.store.StoreError
        The store refused the batch (e.g. an id taken since the plan was made); nothing is
        stored.
    """
    report = progress or no_progress
    if plan.mapping_problems:
        raise ValueError("pemetaan kolom belum benar: " + "; ".join(plan.mapping_problems))
    report(0.1, "Menyiapkan baris")
    new, updates = plan.to_insert(), plan.to_update()
    if new.empty and updates.empty:
        raise ValueError(f"{plan.source.name}: tidak ada baris untuk disimpan")
    report(0.3, f"Menyimpan {len(new) + len(updates):,} UMKM")
    with store.unit_of_work():
        # Check again, inside the write: another import may have stored the same businesses
        # since this plan was made (the Data page plans at preview time). Imports queue here.
        store.serialise("umkm")
        new = _without_late_duplicates(new, store.read_umkm())
        if new.empty and updates.empty:
            raise ValueError(f"{plan.source.name}: semua baris sudah tersimpan oleh impor lain")
        skipped = len(plan.rows) - len(new) - len(updates)
        batch = store.commit_import(
            nama_file=plan.source.name,
            sha256=plan.source.sha256,
            jumlah_baris=len(plan.rows),
            new=new,
            updates=updates,
        )
        audit.record(
            store,
            user,
            audit.IMPORT,
            plan.source.name,
            f"batch {batch}; {len(new)} ditambah; {len(updates)} diperbarui; "
            f"{skipped} dilewati; sha256 {plan.source.sha256[:12]}",
        )
        store.bump_data_version(f"impor {batch}")
        # Real data from now on: the printed demo passwords must open nothing.
        auth.disable_demo_accounts(store, by=user, reason=f"impor {plan.source.name}")
    report(1.0, "Selesai")
    return ImportResult(batch, len(new), len(updates), skipped)


def _without_late_duplicates(new: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Drop the rows to insert that now repeat a stored business (same id, phone or name)."""
    if new.empty or register.empty:
        return new
    columns = [c for c in ("id", "nama_usaha", "telepon", "lat", "lon") if c in new.columns]
    found = find_duplicates(
        pd.DataFrame(new[columns]).reset_index(drop=True),
        register=pd.DataFrame(register[["id", "nama_usaha", "telepon", "lat", "lon"]]),
    )
    return new[~found["id_sama"].notna().to_numpy()]


def undo_import(store: Store, batch_id: int, *, user: str) -> tuple[int, int]:
    """Undo an import batch (see :meth:`geo.store.Store.undo_import`), audited, in one go.

    Parameters
    ----------
    store
        The store.
    batch_id
        The batch to undo.
    user
        Who undoes it, for the audit log.

    Returns
    -------
    tuple of int
        (UMKM deleted, UMKM restored to their previous version).

    Raises
    ------
    geo.store.StoreError
        The batch does not exist or a later batch changed its rows; nothing changes.
    """
    batches = store.read_import_batches()
    name = batches.loc[batches["id"] == batch_id, "nama_file"]
    with store.unit_of_work():
        deleted, restored = store.undo_import(batch_id)
        audit.record(
            store,
            user,
            audit.IMPORT_UNDO,
            str(name.iloc[0]) if len(name) else str(batch_id),
            f"batch {batch_id}; {deleted} dihapus; {restored} dipulihkan",
        )
        store.bump_data_version(f"batal {batch_id}")
    return deleted, restored


@dataclass(frozen=True)
class ImportOptions:
    """How ``python -m geo import`` treats a file.

    Attributes
    ----------
    sheet : str or None
        XLSX sheet or GeoPackage layer; the first by default.
    place_missing : bool
        Place rows without coordinates inside their kelurahan.
    on_duplicate : str
        ``"lewati"`` skips rows that repeat a stored business, ``"perbarui"`` updates it.
    skip_errors : bool
        Commit the other rows even when some rows have a ``galat``; by default a file with any
        ``galat`` row stores nothing.
    report_path : str or Path or None
        Write the row-level report here as CSV.
    overrides : Mapping or None
        Field code -> source column chosen by the user (None: leave the field unfilled), laid
        over the guessed mapping (:func:`mapping_overrides`; ``--map``, ``--mapping``).
    skala_default : str or None
        Size class assumed for rows without skala, omzet or aset (``--skala-default``).
    """

    sheet: str | None = None
    place_missing: bool = False
    on_duplicate: str = "lewati"
    skip_errors: bool = False
    report_path: str | Path | None = None
    overrides: Mapping[str, str | None] | None = None
    skala_default: str | None = None


def mapping_overrides(
    *, map_options: Sequence[str] = (), mapping_file: str | Path | None = None
) -> dict[str, str | None]:
    """Return the user's column choices from ``--mapping FILE.json`` and ``--map F=C``.

    Parameters
    ----------
    map_options
        ``"nama_usaha=NAME"`` strings (:func:`geo.ingest.headers.parse_map_options`); they win
        over the file.
    mapping_file
        A JSON file field -> column (:func:`geo.ingest.headers.mapping_from_json`), e.g. the
        one the Data page's mapping editor downloads.

    Returns
    -------
    dict
        Field code -> source column (None: leave the field unfilled).

    Raises
    ------
    ValueError
        The file is missing or not such JSON, or an option is not ``FIELD=COLUMN``.
    """
    out: dict[str, str | None] = {}
    if mapping_file is not None:
        path = Path(mapping_file)
        try:
            text = path.read_bytes()
        except OSError as exc:
            raise ValueError(f"berkas pemetaan {path}: {exc.strerror or exc}") from exc
        out.update(mapping_from_json(text))
    out.update(parse_map_options(map_options))
    return out


def mapping_lines(plan: ImportPlan) -> list[str]:
    """Return what the command line says of the mapping: the one applied, then the notes.

    Returns
    -------
    list of str
        ``pemetaan kolom: NAME -> nama_usaha, ...``, ``kolom tidak dipetakan: ...`` (``-``
        when none) and every other note of the plan (columns read for the sector, a size
        class assumed), each once.
    """
    applied = [f"{h} -> {f}" for h, f in plan.mapping.items() if f is not None]
    lines = [f"pemetaan kolom: {', '.join(applied) or '-'}"]
    if not plan.unmapped:
        lines.append("kolom tidak dipetakan: -")
    return lines + list(plan.notes)


def _plan(
    source: SourceTable, store: Store, opt: ImportOptions, progress: Progress | None
) -> tuple[ImportPlan | None, list[str]]:
    """Plan one file with the user's mapping; (None, problems) when the mapping is refused."""
    mapping, problems = apply_overrides(
        guess_mapping(source.headers, cells=source.cells), opt.overrides or {}
    )
    if problems:
        return None, [f"[galat] {source.name}: pemetaan kolom: {p}" for p in problems]
    plan = plan_import(
        source,
        mapping=mapping,
        options=PlanOptions(place_missing=opt.place_missing, skala_default=opt.skala_default),
        register=store.read_umkm(presisi_lokasi=True),
        sentra_ids=set(store.read_sentra()["id"]),
        kel=store.kelurahan_layer(),  # the active layer (the city's, once it is in use)
        progress=progress,
    )
    if opt.on_duplicate != "lewati":
        plan = plan.with_duplicate_action(opt.on_duplicate)
    return plan, []


def import_file(
    path: str | Path,
    *,
    store: Store,
    commit: bool,
    user: str,
    options: ImportOptions | None = None,
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
    options
        Sheet, placement, duplicates, errors and report (:class:`ImportOptions`).
    progress
        Called with (fraction done 0-1, message in Bahasa Indonesia).

    Returns
    -------
    tuple
        (exit status: 0 done, 2 refused; lines for standard output; lines for standard
        error, every problem as ``[level] file, baris N, kolom C: message``).
    """
    opt = options or ImportOptions()
    skip_errors, report_path = opt.skip_errors, opt.report_path
    out: list[str] = []
    err: list[str] = []
    try:
        source = read_source(path, sheet=opt.sheet)
    except SourceError as exc:
        return 2, out, [f"{exc}; tidak ada yang disimpan"]
    plan, refused = _plan(source, store, opt, progress)
    if plan is None:
        return 2, out, [*refused, MAP_HINT, f"{source.name}: tidak ada yang disimpan"]
    out += mapping_lines(plan)
    if report_path is not None:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_bytes(report_csv(plan))
    s = plan.summary()
    records = "features" if plan.unit == "fitur" else "rows"
    out.append(
        f"{source.name}: {s['baris']:,} {records}: {s['ok']:,} ok, {s['peringatan']:,} "
        f"peringatan, {s['galat']:,} galat; to import {s['impor']:,}, update {s['perbarui']:,}, "
        f"skip {s['lewati']:,}"
    )
    ordered = sorted(plan.problems, key=lambda p: (p.level != "galat", p.row))
    if ordered:
        err.append(problems_text(ordered, limit=200, unit=plan.unit))
    if plan.mapping_problems:
        err.append(MAP_HINT)
    if not commit:
        return (2 if s["galat"] else 0), out, err
    if s["galat"] and not skip_errors:
        err.append(
            f"{s['galat']:,} {plan.unit} galat: tidak ada yang disimpan "
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
