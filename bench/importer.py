"""Benchmark: validate a 50,000-row messy register, against a naive per-row importer.

Run: ``.venv/bin/python bench/importer.py [--rows 50000] [--baseline-rows 500]``. Prints a
Markdown table with the time of each step, rows per second and the ratio to the baseline, all
measured in the same run. Target (issue 7): a 50,000-row file read and validated in under 10 s.

The file mixes every problem of ``tests/fixtures/messy.py`` at realistic shares: decimal
commas, "lat, lon" in one cell, degrees-minutes-seconds, swapped axes, missing minus signs,
lost decimal separators, points outside the city, rows without coordinates (placed at their
kelurahan), misspelt kelurahan, free-text business types, phones in every format, omzet and
aset in words, and 2 % repeated businesses. Duplicates are also checked against a stored
register of 21,270 UMKM (the demo data set), as the app does.

The baseline is what one writes first: a loop over the rows that parses each cell, resolves
each kelurahan name, assigns each point with :func:`geo.wilayah.assign_kelurahan` and compares
each row with the rows before it. It is timed on the first ``--baseline-rows`` rows and scaled
linearly to the whole file (the duplicate check alone grows quadratically, so the scaled figure
flatters the baseline).

XLSX reading is timed too: calamine (what :mod:`geo.ingest.readers` uses) against openpyxl.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import time
from datetime import date, datetime

import numpy as np
import pandas as pd
import shapely

from geo import wilayah
from geo.core.register import classify_size
from geo.ingest import demo
from geo.ingest.importer import PlanOptions, plan_import
from geo.ingest.money import parse_rupiah
from geo.ingest.phone import normalise_phones
from geo.ingest.readers import read_source
from geo.ingest.sectors import _classify

HEADERS = [
    "No",
    "Nama Usaha",
    "Pemilik",
    "No HP/WA",
    "Alamat",
    "Kel.",
    "Kec.",
    "Jenis Usaha",
    "Skala",
    "Omzet",
    "Aset",
    "Lat",
    "Long",
    "Koordinat",
]
TYPES = [
    "warung makan",
    "katering",
    "keripik tempe",
    "konveksi daster",
    "batik tulis",
    "kerajinan rotan",
    "keramik",
    "raket",
    "laundry kiloan",
    "toko kelontong",
    "jual pulsa",
    "tanaman hias",
    "desain grafis",
    "konveski",
    "aneka",
    "bengkel motor",
]
OMZET = ["Rp 150.000.000", "240 jt", "1,5 M", "Rp 3,5 M", "", "", "90000000", "sekitar sejuta"]


def _dms(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value >= 0 else negative
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = (value - d - m / 60) * 3600
    return f"{d}°{m}'{s:.1f}\"{hemisphere}"


def messy_rows(n: int, *, seed: int = 7) -> list[list[str]]:
    """``n`` messy rows (cells as text) over random points inside Kota Malang."""
    rng = np.random.default_rng(seed)
    kel = wilayah.kelurahan()
    city = wilayah.city_outline(kel).geometry.iloc[0]
    minx, miny, maxx, maxy = city.bounds
    xs, ys = np.empty(0), np.empty(0)
    while len(xs) < n:
        x, y = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
        keep = shapely.contains_xy(city, x, y)
        xs, ys = np.r_[xs, x[keep]], np.r_[ys, y[keep]]
    lon, lat = xs[:n], ys[:n]
    assigned = wilayah.assign_kelurahan(lon, lat, kel=kel)["kode_kelurahan"].to_numpy()
    names = kel.set_index("kode")["nama"]
    kec = kel.set_index("kode")["kecamatan"]
    kind = rng.choice(
        ["plain", "comma", "pair", "dms", "swap", "minus", "lost", "outside", "none", "typo"],
        size=n,
        p=[0.45, 0.15, 0.1, 0.05, 0.05, 0.03, 0.02, 0.03, 0.05, 0.07],
    )
    rows = []
    for i in range(n):
        y, x = round(float(lat[i]), 6), round(float(lon[i]), 6)
        kode = assigned[i]
        kelurahan = names[kode]
        cells = {h: "" for h in HEADERS}
        cells["No"] = str(i + 1)
        cells["Nama Usaha"] = f"Usaha Uji {i:06d}"
        cells["Pemilik"] = f"Pemilik {i:06d}"
        cells["No HP/WA"] = rng.choice(
            [f"0812-{i % 10_000:04d}-{i // 10_000:04d}", f"62 857 {i:08d}", f"8{i:010d}", ""]
        )
        cells["Alamat"] = f"Jl. Uji No. {i % 200}"
        cells["Kel."] = kelurahan if kind[i] != "typo" else kelurahan[:-1]
        cells["Kec."] = kec[kode]
        cells["Jenis Usaha"] = TYPES[i % len(TYPES)]
        cells["Skala"] = rng.choice(["", "", "Mikro", "usaha kecil"])
        cells["Omzet"] = OMZET[i % len(OMZET)]
        cells["Aset"] = rng.choice(["", "", "50 jt", "Rp 6 miliar"])
        match kind[i]:
            case "plain" | "typo":
                cells["Lat"], cells["Long"] = str(y), str(x)
            case "comma":
                cells["Lat"], cells["Long"] = str(y).replace(".", ","), str(x).replace(".", ",")
            case "pair":
                cells["Koordinat"] = f"{y}, {x}"
            case "dms":
                cells["Koordinat"] = f"{_dms(y, 'N', 'S')} {_dms(x, 'E', 'W')}"
            case "swap":
                cells["Lat"], cells["Long"] = str(x), str(y)
            case "minus":
                cells["Lat"], cells["Long"] = str(-y), str(x)
            case "lost":
                cells["Lat"], cells["Long"] = (
                    f"{y:.6f}".replace(".", ""),
                    f"{x:.6f}".replace(".", ""),
                )
            case "outside":
                cells["Lat"], cells["Long"] = str(y + 0.5), str(x)
            case "none":
                pass
        rows.append([cells[h] for h in HEADERS])
    # 2 % of the rows repeat an earlier business a few metres away.
    for i in rng.choice(np.arange(100, n), size=n // 50, replace=False):
        j = int(rng.integers(0, i))
        rows[i][1] = rows[j][1]
        rows[i][11:14] = rows[j][11:14]
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp1252")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("UMKM")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def naive_import(rows: list[list[str]], register: pd.DataFrame) -> int:
    """The per-row importer one writes first. Returns the number of accepted rows."""
    kel = wilayah.kelurahan()
    accepted = 0
    seen: list[tuple[str, float, float, str]] = []
    stored = list(
        zip(
            register["nama_usaha"],
            register["lat"],
            register["lon"],
            register["telepon"],
            strict=True,
        )
    )
    for row in rows:
        cells = dict(zip(HEADERS, row, strict=True))
        try:
            if cells["Koordinat"]:
                a, b = cells["Koordinat"].split(",")
                lat, lon = float(a), float(b)
            else:
                lat = float(cells["Lat"].replace(",", "."))
                lon = float(cells["Long"].replace(",", "."))
        except ValueError:
            lat = lon = float("nan")
        if lat > 90:
            lat, lon = lon, lat
        where = wilayah.assign_kelurahan([lon], [lat], kel=kel)["kode_kelurahan"].iloc[0]
        stated = wilayah.resolve_kelurahan(cells["Kel."], kecamatan=cells["Kec."])
        _classify(cells["Jenis Usaha"])
        phone = normalise_phones(pd.Series([cells["No HP/WA"]]))["telepon"].iloc[0]
        phone = phone if isinstance(phone, str) else ""
        omzet = parse_rupiah(pd.Series([cells["Omzet"]]))["value"].iloc[0]
        modal = parse_rupiah(pd.Series([cells["Aset"]]))["value"].iloc[0]
        classify_size(modal=modal, omzet=omzet)
        name = cells["Nama Usaha"].lower().strip()
        duplicate = any(
            (n == name and abs(y - lat) < 0.0003 and abs(x - lon) < 0.0003) or (p and p == phone)
            for n, y, x, p in seen
        ) or any(
            (str(n).lower() == name and abs(y - lat) < 0.0003 and abs(x - lon) < 0.0003)
            for n, y, x, _ in stored
        )
        seen.append((name, lat, lon, phone))
        if isinstance(where, str) and stated is not None and not duplicate:
            accepted += 1
    return accepted


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--baseline-rows", type=int, default=500)
    args = parser.parse_args()
    n, nb = args.rows, args.baseline_rows

    rows = messy_rows(n)
    data = csv_bytes(rows)
    register = demo.generate().umkm  # 21,270 active UMKM (+3 % inactive) to check against
    wilayah.kelurahan()  # load the boundaries once, outside every timing

    cpu, start = time.process_time(), time.perf_counter()
    source = read_source(data, name="uji_50rb.csv")
    t_read, c_read = time.perf_counter() - start, time.process_time() - cpu
    cpu, start = time.process_time(), time.perf_counter()
    plan = plan_import(
        source,
        register=register,
        options=PlanOptions(place_missing=True),
        today=date(2026, 1, 15),
    )
    t_plan, c_plan = time.perf_counter() - start, time.process_time() - cpu
    summary = plan.summary()

    start = time.perf_counter()
    naive_import(rows[:nb], register)
    t_naive = (time.perf_counter() - start) * n / nb

    xlsx = xlsx_bytes(rows)
    start = time.perf_counter()
    from_xlsx = read_source(xlsx, name="uji_50rb.xlsx")
    t_calamine = time.perf_counter() - start
    start = time.perf_counter()
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True, data_only=True)
    count = sum(1 for _ in book["UMKM"].iter_rows(values_only=True)) - 1
    book.close()
    t_openpyxl = time.perf_counter() - start
    assert count == len(from_xlsx.cells) == n

    total, c_total = t_read + t_plan, c_read + c_plan
    machine = platform.processor() or platform.machine()
    load = os.getloadavg()[0]
    print(
        f"Importer, {n:,} messy rows — {datetime.now():%Y-%m-%d}, {machine}, "
        f"{os.cpu_count()} cores, load average {load:.1f} at the end"
    )
    print()
    print(
        f"Statuses: {summary['ok']:,} ok, {summary['peringatan']:,} peringatan, "
        f"{summary['galat']:,} galat; {summary['impor']:,} to import, "
        f"{summary['lewati']:,} skipped; {len(plan.issues):,} problems reported."
    )
    print()
    print("| step | wall s | CPU s | rows/s (wall) | ratio to baseline (wall) |")
    print("|---|---:|---:|---:|---:|")
    print(f"| read CSV (`read_source`) | {t_read:.2f} | {c_read:.2f} | {n / t_read:,.0f} | |")
    print(
        f"| validate (`plan_import`, 21,270 stored) | {t_plan:.2f} | {c_plan:.2f} | "
        f"{n / t_plan:,.0f} | |"
    )
    print(
        f"| **read + validate** | **{total:.2f}** | **{c_total:.2f}** | {n / total:,.0f} | "
        f"**{total / t_naive:.4f}** |"
    )
    print(
        f"| naive per-row importer (baseline; {nb:,} rows timed, scaled to {n:,}) | "
        f"{t_naive:.1f} | | {n / t_naive:,.0f} | 1 |"
    )
    print()
    print("| XLSX reading | wall s | ratio to openpyxl |")
    print("|---|---:|---:|")
    print(f"| openpyxl read-only (baseline) | {t_openpyxl:.2f} | 1.00 |")
    print(f"| calamine (`read_source`) | {t_calamine:.2f} | {t_calamine / t_openpyxl:.2f} |")
    print()
    verdict = "met" if total < 10 else "NOT met"
    print(
        f"Target: {n:,} rows read and validated in under 10 s: {verdict} ({total:.2f} s wall, "
        f"{c_total:.2f} s CPU; on a machine shared with other work wall time exceeds CPU time)."
    )


if __name__ == "__main__":
    main()
