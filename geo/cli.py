"""Command line: ``python -m geo <command>``.

Commands
--------
demo        generate the deterministic demo data set into the store
info        counts per kecamatan, sector and size class
import      import a CSV in the register's own columns (all rows or none)
export      write the register as CSV, GeoJSON or GeoPackage
boundaries  ``boundaries build --source PATH_OR_URL``: convert the upstream boundaries
resolve     resolve an officer's spelling of a kelurahan to its kode

The store is the one ``DATABASE_URL`` names (default: the SQLite file under ``data/``).
Errors exit non-zero with a message naming file, row and column.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from geo import settings

if TYPE_CHECKING:
    from geo.store import Store

__all__ = ["main"]


def _store() -> Store:
    from geo.store import Store  # lazy: `resolve` and `boundaries` start fast without SQL

    return Store()


def _cmd_demo(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from geo import demo

    store = _store()
    if args.if_empty and not store.is_empty():
        print(f"Store already holds {store.count_umkm():,} UMKM; demo not generated.")
        return 0
    with tqdm(total=100, desc="Data contoh", unit="%", file=sys.stderr) as bar:

        def progress(fraction: float, message: str) -> None:
            bar.set_postfix_str(message[:40])
            bar.update(round(fraction * 100) - bar.n)

        data = demo.generate(seed=args.seed, count=args.count, progress=progress)
    demo.load_into(store, data)
    active = int((data.umkm["status"] == "aktif").sum())
    print(
        f"Data contoh (seed {args.seed}): {active:,} UMKM aktif, {len(data.umkm):,} total, "
        f"{len(data.sentra)} sentra, {len(data.sahabat)} Sahabat UMKM, "
        f"{len(data.visits):,} kunjungan -> {store.url}"
    )
    return 0


def _cmd_info(_args: argparse.Namespace) -> int:
    from geo import kpi

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
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from geo.importer import RegisterImportError, read_register_csv

    path = Path(args.file)
    try:
        register = read_register_csv(path)
    except RegisterImportError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    store = _store()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    batch = store.create_import_batch(path.name, digest, len(register))
    try:
        store.write_umkm(register, batch_id=batch)
    except ValueError as exc:
        store.delete_batch(batch)
        print(f"{path}: {exc}; nothing was stored", file=sys.stderr)
        return 2
    print(f"{len(register):,} UMKM imported from {path.name} (batch {batch})")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    store = _store()
    register = store.read_umkm()
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "csv":
        register.drop(columns="geometry").to_csv(out, index=False, date_format="%Y-%m-%d")
    elif args.format == "geojson":
        dates = register["tanggal_terkurasi"].dt.strftime("%Y-%m-%d")
        register.assign(tanggal_terkurasi=dates).to_file(out, driver="GeoJSON")
    else:
        register.to_file(out, driver="GPKG", layer="umkm")
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


def _cmd_resolve(args: argparse.Namespace) -> int:
    from geo import wilayah

    match = wilayah.resolve_kelurahan(args.name, kecamatan=args.kecamatan)
    if match is None:
        where = f" in Kecamatan {args.kecamatan}" if args.kecamatan else ""
        print(f"{args.name!r} is not a kelurahan of Kota Malang{where}", file=sys.stderr)
        return 1
    print(f"{match.kode}\t{match.nama}\t{match.confidence:.2f}")
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

    p = sub.add_parser("import", help="import a CSV in the register's columns")
    p.add_argument("file")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("export", help="export the register")
    p.add_argument("--format", choices=["csv", "geojson", "gpkg"], required=True)
    p.add_argument("--output", required=True)
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

    p = sub.add_parser("resolve", help="resolve a kelurahan name to its kode")
    p.add_argument("name")
    p.add_argument("--kecamatan", default=None)
    p.set_defaults(func=_cmd_resolve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))
