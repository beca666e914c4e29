"""Command line: ``python -m geo <command>``.

Commands
--------
demo        generate the deterministic demo data set into the store; on a store holding only
            demo data, (re)create one demo account per role and print their fresh passwords
info        counts per kecamatan, sector and size class
import      ``import FILE --dry-run|--commit [--report PATH] [--sheet NAME] [--place-missing]
            [--map FIELD=COLUMN ...] [--mapping FILE.json] [--skala-default mikro]``:
            check or store a register (CSV, XLSX, GeoJSON, GPKG), all accepted rows or none
export      write the register as CSV, XLSX, GeoJSON or GeoPackage
boundaries  ``boundaries build --source PATH_OR_URL``: convert the upstream boundaries;
            ``boundaries use FILE [--kode-column C] [--nama-column C] [--kecamatan-column C]
            [--layer NAME] [--source-label TEXT] [--report PATH] [--dry-run]``: validate the
            city's own layer, report what it changes and make it the active one;
            ``boundaries undo`` / ``boundaries reset``: back one layer / to the shipped one
resolve     resolve an officer's spelling of a kelurahan to its kode
user        officer accounts: ``user add NAME --peran ROLE``, ``list``, ``disable``, ``enable``,
            ``passwd``, ``role`` (password asked twice, or ``--password-stdin``)
plan        visit routes: ``plan --stops FILE --officers N --output DIR`` (exit 3 when a
            must-visit stop had to be dropped); ``--save [--tanggal YYYY-MM-DD] [--judul TEXT]
            [--petugas USER1,USER2]`` also stores it as a saved plan, route N assigned to the
            N-th account
plans       saved plans: ``plans list [--all]``, ``plans show ID``, ``plans cancel ID``
brief       ``brief --period 2026-Q3|2026-09|2026 --format pdf|html --output PATH``: the
            one-page leadership brief (Laporan Ringkas)
backup      ``backup --output FILE.zip``: every table in a portable file (any backend)
restore     ``restore FILE.zip``: replace the whole store with a backup, in one transaction

The store is the one ``DATABASE_URL`` names (default: the SQLite file under ``data/``).
Errors exit non-zero with a message naming file, row and column.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.core import settings

if TYPE_CHECKING:
    from geo.store import Store

__all__ = ["main"]


def _store() -> Store:
    from geo.store import Store  # lazy: `resolve` and `boundaries` start fast without SQL

    return Store()


def _cmd_demo(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from geo.services import demo

    store = _store()
    if args.if_empty and not store.is_empty():
        print(f"Store already holds {store.count_umkm():,} UMKM; demo not generated.")
        _print_demo_accounts(demo.ensure_demo_accounts(store))
        _print_demo_route(demo, store)
        return 0
    with tqdm(total=100, desc="Data contoh", unit="%", file=sys.stderr) as bar:

        def progress(fraction: float, message: str) -> None:
            bar.set_postfix_str(message[:40])
            bar.update(round(fraction * 100) - bar.n)

        try:
            data = demo.generate_and_load(
                store, seed=args.seed, count=args.count, progress=progress
            )
        except ValueError as exc:
            bar.close()
            print(f"error: {exc}", file=sys.stderr)
            return 2
    active = int((data.umkm["status"] == "aktif").sum())
    print(
        f"Data contoh (seed {args.seed}): {active:,} UMKM aktif, {len(data.umkm):,} total, "
        f"{len(data.sentra)} sentra, {len(data.sahabat)} Sahabat UMKM, "
        f"{len(data.visits):,} kunjungan -> {store.url}"
    )
    _print_demo_accounts(demo.ensure_demo_accounts(store))
    _print_demo_route(demo, store)
    return 0


def _print_demo_route(demo: Any, store: Any) -> None:
    """Give the demo field officer today's route (WIB) and say so (see ensure_demo_route)."""
    from zoneinfo import ZoneInfo

    today = datetime.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    plan_id = demo.ensure_demo_route(store, today=today)
    if plan_id:
        print(f"Rute contoh {plan_id} untuk demo-petugas pada {today:%d/%m/%Y} (Kunjungan saya).")


def _print_demo_accounts(accounts: Sequence[Any]) -> None:
    """Print the demo accounts' fresh passwords (``geo demo`` on a store of demo data only)."""
    if not accounts:
        return
    print("\nAkun contoh (demo accounts; new passwords at every `make run`):")
    print(f"  {'username':<18}{'peran':<12}password")
    for account in accounts:
        print(f"  {account.username:<18}{account.peran:<12}{account.password}")
    print("  The first real import or a real admin (geo user add ... --peran admin) disables them.")


def _cmd_info(_args: argparse.Namespace) -> int:
    from geo.analysis import kpi

    store = _store()
    register = store.read_umkm()
    dataset = store.get_meta("dataset")
    label = " (data contoh)" if dataset == "demo" else ""
    progress = kpi.program_progress(register)
    print(f"Store: {store.url}{label}")
    print(f"UMKM aktif: {progress['active']:,} of target {progress['target']:,}")
    for column in ("kecamatan", "sektor", "skala"):
        counts = kpi.counts_by(register, column)
        print(f"\nPer {column}:")
        for label, jumlah in zip(counts["label"], counts["jumlah"], strict=True):
            print(f"  {label:<36}{jumlah:>8,}")
    _print_sentra_flags(store)
    return 0


def _print_sentra_flags(store: Store) -> None:
    """Print the active boundary layer and the sentra whose point lies in another kelurahan."""
    from geo.services.boundaries import sentra_flags
    from geo.wilayah.citylayer import attribution

    print(f"\nBatas wilayah aktif: {attribution(store.kelurahan_layer())}")
    flags = sentra_flags(store)
    if flags.empty:
        return
    print(f"\nSentra yang titiknya di kelurahan lain ({len(flags)}):")
    for r in flags.itertuples(index=False):
        print(
            f"  {r.id} {r.nama}: tercatat {r.nama_kelurahan} ({r.kode_kelurahan}), "
            f"titik di {r.nama_titik} ({r.kode_titik})"
        )


def _cmd_import(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from geo.core import audit
    from geo.services.imports import ImportOptions, import_file, mapping_overrides

    try:
        overrides = mapping_overrides(map_options=args.map or (), mapping_file=args.mapping)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with tqdm(total=100, desc=Path(args.file).name, unit="%", file=sys.stderr) as bar:

        def progress(fraction: float, message: str) -> None:
            bar.set_postfix_str(message[:40])
            bar.update(round(fraction * 100) - bar.n)

        status, out, err = import_file(
            args.file,
            store=_store(),
            commit=args.commit,
            user=audit.cli_actor(),
            options=ImportOptions(
                sheet=args.sheet,
                place_missing=args.place_missing,
                on_duplicate=args.on_duplicate,
                skip_errors=args.skip_errors,
                report_path=args.report,
                overrides=overrides,
                skala_default=args.skala_default,
            ),
            progress=progress,
        )
    for line in err:
        print(line, file=sys.stderr)
    for line in out:
        print(line)
    return status


def _cmd_user(args: argparse.Namespace) -> int:
    from geo.core import audit
    from geo.services import auth

    try:
        password = None
        if args.action in ("add", "passwd"):
            password = auth.read_new_password(stdin=args.password_stdin)
        message = auth.run_user_command(
            _store(),
            args.action,
            username=args.username,
            peran=args.peran,
            password=password,
            by=audit.cli_actor(),
        )
    except auth.AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(message)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from geo.core.paths import output_problem
    from geo.ingest.export import export_bytes

    out = Path(args.output)
    problem = output_problem(out)  # a missing folder is refused, not created silently
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    register = _store().read_umkm(presisi_lokasi=True)
    role = "publik" if args.without_personal else "admin"  # the CLI is the data staff's
    try:
        out.write_bytes(export_bytes(register, fmt=args.format, role=role))
    except OSError as exc:
        print(f"error: {out} tidak dapat ditulis: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"{len(register):,} UMKM written to {out} ({args.format})")
    return 0


def _cmd_boundaries(args: argparse.Namespace) -> int:
    from geo import wilayah

    try:
        out = wilayah.build_boundaries(
            args.source,
            output=Path(args.output),
            expected_sha256=None if args.sha256 == "skip" else args.sha256,
        )
    except wilayah.BoundaryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    layer = wilayah.load_boundary_layer(out)
    print(
        f"{len(layer)} kelurahan, {layer['area_km2'].sum():.1f} km² -> {out} "
        f"(with {out.name.replace('.geojson', '.source.json')} and LICENSE notice)"
    )
    return 0


def _cmd_boundaries_use(args: argparse.Namespace) -> int:
    from geo.core import audit
    from geo.services import boundaries as service
    from geo.wilayah import citylayer, compare

    options = citylayer.LayerOptions(
        kode_column=args.kode_column,
        nama_column=args.nama_column,
        kecamatan_column=args.kecamatan_column,
        layer=args.layer,
    )
    try:
        city = citylayer.read_city_layer(args.file, options=options)
    except citylayer.CityLayerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(city.columns.describe())
    for warning in city.warnings:
        print(f"peringatan: {warning}")
    if not city.ok:
        print(f"{len(city.problems)} masalah; tidak ada yang diubah:", file=sys.stderr)
        for problem in city.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    label = args.source_label or f"Batas wilayah: {Path(args.file).name}"
    try:
        plan = service.use_layer(
            _store(), city, source_label=label, user=audit.cli_actor(), dry_run=args.dry_run
        )
    except ValueError as exc:  # StoreError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(plan.lines()))
    if args.report:
        compare.report_table(plan.comparison).to_csv(args.report, index=False)
        print(f"laporan: {args.report}")
    if plan.layer_id is None:
        print("--dry-run: tidak ada yang diubah")
    else:
        print(f"lapisan {plan.layer_id} aktif ({label}); {len(plan.changes):,} UMKM diperbarui")
    return 0


def _cmd_boundaries_reset(args: argparse.Namespace) -> int:
    from geo.core import audit
    from geo.services import boundaries as service

    try:
        if args.action == "undo":
            layer_id, restored = service.undo_layer(_store(), user=audit.cli_actor())
            print(f"lapisan {layer_id} dibatalkan; {restored:,} UMKM dikembalikan")
        else:
            layers, restored = service.reset_layer(_store(), user=audit.cli_actor())
            print(
                f"batas bawaan aktif; {layers} lapisan dibatalkan, {restored:,} UMKM dikembalikan"
            )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_resolve(args: argparse.Namespace) -> int:
    from geo import wilayah

    match = wilayah.resolve_kelurahan(args.name, kecamatan=args.kecamatan)
    if match is None:
        where = f" in Kecamatan {args.kecamatan}" if args.kecamatan else ""
        print(f"{args.name!r} is not a kelurahan of Kota Malang{where}", file=sys.stderr)
        return 1
    print(f"{match.kode}\t{match.nama}\t{match.confidence:.2f}")
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from geo.core.paths import folder_problem
    from geo.planning import routing, routing_export, stops

    problem = folder_problem(Path(args.output))  # created only when its parent folder exists
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    steps = ["baca", "waktu_tempuh", "cari", "tulis"]
    with tqdm(total=len(steps), desc="Rencana rute", unit="langkah", file=sys.stderr) as bar:

        def progress(name: str) -> None:
            bar.update(steps.index(name) - bar.n)
            bar.set_postfix_str(name)

        try:
            plan, files = routing_export.plan_from_csv(
                args.stops,
                args.output,
                officers=args.officers,
                depot=args.depot,
                options=routing_export.CsvPlanOptions(
                    start=args.start,
                    end=args.end,
                    minutes_per_stop=args.minutes_per_stop,
                    time_limit_s=args.time_limit,
                    osrm_url=routing.osrm_url(),
                ),
                progress=progress,
                on_solution=lambda cost: bar.set_postfix_str(f"cari: biaya {cost:,}"),
            )
        except (stops.StopError, routing.OsrmError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            bar.close()
            print(f"error: {exc.filename or args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        bar.update(len(steps) - bar.n)
    for note in plan.notes:
        print(f"peringatan: {note}", file=sys.stderr)
    summary = plan.summary()
    print(f"{summary['visited']} of {summary['stops']} stops planned, status {plan.status}")
    for officer in summary["officers"]:
        print(
            f"  officer {officer['officer']}: {officer['stops']} stops, "
            f"{officer['depart'] or '-'}-{officer['return'] or '-'}, "
            f"{officer['total_minutes']:.0f} min"
        )
    for row in plan.dropped.itertuples(index=False):
        print(f"  dropped {row.id}: {row.alasan}")
    print(f"{len(files)} files written to {args.output}")
    if args.save and _save_plan(plan, args) != 0:
        return 2
    return 3 if plan.status == "infeasible" else 0


def _save_plan(plan: Any, args: argparse.Namespace) -> int:
    """Store the plan of ``plan --save`` (route N assigned to the N-th ``--petugas`` name)."""
    from geo.core import audit
    from geo.services import plans
    from geo.store import StoreError

    tanggal = args.tanggal or datetime.date.today()
    names = [n.strip() for n in (args.petugas or "").split(",")]
    petugas = {k: name or None for k, name in enumerate(names, start=1) if name}
    request = plans.SaveRequest(
        tanggal=tanggal,
        judul=args.judul or f"Rencana {Path(args.stops).name} {tanggal:%d/%m/%Y}",
        petugas=petugas,
    )
    try:
        plan_id = plans.save_plan(_store(), plan, request, user=audit.cli_actor())
    except (plans.PlanError, StoreError) as exc:
        print(f"error: plan not saved: {exc}", file=sys.stderr)
        return 2
    print(f"saved as plan {plan_id} ({tanggal.isoformat()})")
    return 0


def _date_argument(text: str) -> datetime.date:
    """Parse ``--tanggal`` (YYYY-MM-DD) for argparse."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def _cmd_plans(args: argparse.Namespace) -> int:
    from geo.core import audit
    from geo.services import plans

    store = _store()
    if args.action == "list":
        listed = store.read_plans(status=None if args.all else "aktif")
        for r in listed.itertuples(index=False):
            print(
                f"{r.id}\t{r.tanggal:%Y-%m-%d}\t{r.status}\t{r.jumlah_rute} rute\t"
                f"{r.jumlah_selesai}/{r.jumlah_henti} selesai\t{r.judul}"
            )
        print(f"{len(listed)} plans", file=sys.stderr)
        return 0
    if not args.id:
        print(f"error: plans {args.action} needs a plan id", file=sys.stderr)
        return 2
    record = store.get_plan(args.id)
    if record is None:
        print(f"error: no plan {args.id!r}", file=sys.stderr)
        return 1
    if args.action == "cancel":
        try:
            plans.cancel_plan(store, args.id, user=audit.cli_actor())
        except plans.PlanError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"{args.id} cancelled")
        return 0
    _print_plan(store, record)
    return 0


def _print_plan(store: Store, record: dict[str, Any]) -> None:
    """Print one saved plan: header, then every route's stops with their status."""
    print(f"{record['id']}  {record['tanggal']}  {record['status']}  {record['judul']}")
    if record["asal_id"]:
        print(f"  re-planned from {record['asal_id']}")
    stops = store.read_plan_stops(record["id"])
    for nomor, route in stops.groupby("nomor", sort=True):
        assignee = route["petugas"].fillna("-").iloc[0]
        print(f"  route {nomor}: {assignee}")
        shown = route.fillna({"rencana_tiba": "", "nama": "", "alasan": ""})
        for r in shown.itertuples(index=False):
            reason = f" ({r.alasan})" if r.alasan else ""
            print(
                f"    {r.urutan:>2}. {r.rencana_tiba:<5} {r.status:<13} "
                f"{r.jenis}:{r.objek_id} {r.nama}{reason}"
            )


def _cmd_brief(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from geo.services import brief

    with tqdm(total=100, desc="Laporan Ringkas", unit="%", file=sys.stderr) as bar:

        def progress(fraction: float, message: str) -> None:
            bar.set_postfix_str(message[:40])
            bar.update(round(fraction * 100) - bar.n)

        try:
            out, figures = brief.write_brief(
                _store(),
                period=args.period,
                fmt=args.format,
                output=Path(args.output),
                lang=args.lang,
                progress=progress,
            )
        except ValueError as exc:
            bar.close()
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(f"{figures.period.label(args.lang)} ({figures.period.code}) -> {out}")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    from geo.core.paths import output_problem
    from geo.services.backup import BackupError, backup

    problem = output_problem(Path(args.output))
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    store = _store()
    try:
        manifest = backup(store, args.output)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    total = sum(manifest["rows"].values())
    print(f"{args.output}: {total:,} rows from {store.url} (schema {manifest['schema_version']})")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from geo.core import audit
    from geo.services.backup import BackupError, restore

    store = _store()
    try:
        counts = restore(store, args.file, user=audit.cli_actor())
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{store.url}: restored {sum(counts.values()):,} rows from {args.file}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m geo``."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="generate the demo data set (data contoh) into the store")
    p.add_argument("--seed", type=int, default=settings.DEMO_SEED)
    p.add_argument("--count", type=int, default=settings.CURATED_NOW, help="active UMKM")
    p.add_argument("--if-empty", action="store_true", help="only when the store has no UMKM")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("info", help="counts per kecamatan, sector and size")
    p.set_defaults(func=_cmd_info)

    p = sub.add_parser("import", help="check or import a register (CSV, XLSX, GeoJSON, GPKG)")
    p.add_argument("file")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="check only; store nothing")
    mode.add_argument("--commit", action="store_true", help="store the accepted rows")
    p.add_argument("--report", default=None, help="write the row-level report (CSV) here")
    p.add_argument("--sheet", default=None, help="XLSX sheet or GeoPackage layer")
    p.add_argument(
        "--place-missing",
        action="store_true",
        help="place rows without coordinates inside their kelurahan (presisi_lokasi = kelurahan)",
    )
    p.add_argument("--on-duplicate", choices=["lewati", "perbarui"], default="lewati")
    p.add_argument("--skip-errors", action="store_true", help="commit despite rows in galat")
    p.add_argument(
        "--map",
        action="append",
        metavar="FIELD=COLUMN",
        help="fill FIELD from COLUMN (repeatable), e.g. --map nama_usaha=NAME; FIELD= leaves "
        "it unfilled; --map id=ID takes a generic id column as the register id",
    )
    p.add_argument(
        "--mapping", default=None, metavar="FILE.json", help="field -> column JSON (Data page)"
    )
    p.add_argument(
        "--skala-default",
        choices=["mikro", "kecil", "menengah"],
        default=None,
        help="size class assumed for rows without skala, omzet or aset",
    )
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("user", help="officer accounts: add, list, disable, enable, passwd, role")
    p.add_argument(
        "action", choices=["add", "list", "disable", "enable", "passwd", "role", "unlock"]
    )
    p.add_argument("username", nargs="?", default=None)
    p.add_argument("--peran", choices=["perencana", "pimpinan", "admin", "petugas"], default=None)
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin (scripts)"
    )
    p.set_defaults(func=_cmd_user)

    p = sub.add_parser("export", help="export the register")
    p.add_argument("--format", choices=["csv", "xlsx", "geojson", "gpkg"], required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--without-personal", action="store_true", help="drop pemilik/telepon/alamat")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("boundaries", help="official boundaries")
    bsub = p.add_subparsers(dest="action", required=True)
    b = bsub.add_parser("build", help="convert the upstream SQL into data/")
    b.add_argument("--source", required=True, help="path or pinned URL of the upstream SQL")
    b.add_argument("--output", default=str(settings.BOUNDARIES_PATH))
    b.add_argument(
        "--sha256",
        default=settings.UPSTREAM_SHA256,
        help="expected checksum ('skip' to accept any, for a reviewed newer release)",
    )
    b.set_defaults(func=_cmd_boundaries)
    b = bsub.add_parser("use", help="validate the city's layer and make it the active one")
    b.add_argument("file", help="GeoJSON, GeoPackage or Shapefile, any CRS")
    b.add_argument("--kode-column", help="kode column (Kemendagri or BPS)")
    b.add_argument("--nama-column", help="kelurahan name column (alone: match by names)")
    b.add_argument("--kecamatan-column", help="kecamatan name column")
    b.add_argument("--layer", help="layer name inside a GeoPackage")
    b.add_argument("--source-label", help='attribution, e.g. "Batas wilayah: Pemkot Malang"')
    b.add_argument("--report", help="write the comparison as CSV")
    b.add_argument("--dry-run", action="store_true", help="report only, change nothing")
    b.set_defaults(func=_cmd_boundaries_use)
    b = bsub.add_parser("undo", help="undo the active city layer (its UMKM kode restored)")
    b.set_defaults(func=_cmd_boundaries_reset)
    b = bsub.add_parser("reset", help="back to the shipped layer (every UMKM kode restored)")
    b.set_defaults(func=_cmd_boundaries_reset)

    p = sub.add_parser("resolve", help="resolve a kelurahan name to its kode")
    p.add_argument("name")
    p.add_argument("--kecamatan", default=None)
    p.set_defaults(func=_cmd_resolve)

    p = sub.add_parser("brief", help="the one-page leadership brief (Laporan Ringkas)")
    p.add_argument("--period", default=None, help="2026-Q3, 2026-09 or 2026 (default: latest)")
    p.add_argument("--format", choices=["pdf", "html"], default="pdf")
    p.add_argument("--output", required=True)
    p.add_argument("--lang", choices=["id", "en"], default=settings.DEFAULT_LANG)
    p.set_defaults(func=_cmd_brief)

    p = sub.add_parser("plan", help="plan visit routes for officers from a CSV of stops")
    p.add_argument("--stops", required=True, help="CSV: id, nama, lat, lon[, window_*, ...]")
    p.add_argument("--officers", type=int, required=True)
    p.add_argument("--depot", default=None, help="office id or name (data/kantor.csv)")
    p.add_argument("--start", default="08:00", help="HH:MM")
    p.add_argument("--end", default="15:00", help="HH:MM")
    p.add_argument("--minutes-per-stop", type=int, default=30)
    p.add_argument("--time-limit", type=float, default=None, help="search seconds")
    p.add_argument("--output", required=True, help="folder for route_N.gpx/csv and summary")
    p.add_argument("--save", action="store_true", help="also store it as a saved plan")
    p.add_argument(
        "--tanggal", type=_date_argument, default=None, help="visit date YYYY-MM-DD (today)"
    )
    p.add_argument("--judul", default=None, help="plan title")
    p.add_argument("--petugas", default=None, help="accounts of routes 1, 2, ...: ani,budi")
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser("plans", help="saved plans: list, show ID, cancel ID")
    p.add_argument("action", choices=["list", "show", "cancel"])
    p.add_argument("id", nargs="?", default=None)
    p.add_argument("--all", action="store_true", help="list cancelled and replaced plans too")
    p.set_defaults(func=_cmd_plans)

    p = sub.add_parser("backup", help="write the whole store to a portable backup file")
    p.add_argument("--output", required=True, help="the .zip file to write")
    p.set_defaults(func=_cmd_backup)
    p = sub.add_parser("restore", help="replace the whole store with a backup file")
    p.add_argument("file", help="a file written by `backup`")
    p.set_defaults(func=_cmd_restore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))
