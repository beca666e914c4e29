"""Deterministic demo data set ("data contoh") at the scale of Kota Malang's real register.

No real UMKM register is public, so the app ships a generator. Everything is drawn from one
``numpy.random.Generator`` seeded by ``seed``: the same seed and count give the same data, byte
for byte. Every name and phone number is obviously fake ("Tempe Contoh 00123",
"Pemilik Contoh 00123", "+62800000123") and every row says ``sumber = "data contoh"``.

What the generator models
-------------------------
* **Count and history.** ``count`` active curated UMKM (default 21,270, the city's published
  figure) plus about 3 % inactive ones. ``tanggal_terkurasi`` grows from the program's launch
  (June 2024) to 19,000 by the end of 2025 and to ``count`` by :data:`AS_OF`.
* **Clusters at sentra.** Each sentra of ``data/sentra.csv`` gets a dense cluster of its own
  trade (hundreds of tempe producers around Sanan, rattan workshops in Tasikmadu, racket makers
  in Bandungrejosari...), drawn around the sentra point (standard deviation 150 m) and kept
  inside the sentra's kelurahan.
* **Background.** The rest are spread by kecamatan shares (Lowokwaru has the most, as in BPS
  2023) and, inside each kecamatan, by kelurahan area; inside a kelurahan, density falls
  with distance from the city centre (alun-alun), so the centre is denser than the periphery.
* **Mixes.** :data:`SECTOR_MIX` and :data:`SIZE_MIX` (mikro the large majority); omzet and
  modal are drawn inside the PP 7/2021 band of the class, so ``classify_size`` agrees.
* **Naik kelas.** :data:`NAIK_KELAS_SHARE` of businesses started one class lower; their size
  history holds both records.
* **Sahabat UMKM.** About 190 facilitators (170 at the 2024 launch, some joined since, some
  inactive), allocated to kelurahan by UMKM count with noise; a few kelurahan have none and
  several are stretched far beyond one Sahabat per 300 UMKM, so coverage flags have work.
* **Visits.** A history of visits since July 2024 with the support areas found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo import wilayah
from geo.core import register
from geo.core.progress import Progress, no_progress
from geo.core.register import KEBUTUHAN, SIZE_CLASSES, to_geodataframe
from geo.core.settings import CRS_METRIC, CRS_STORAGE, CURATED_EARLIER, CURATED_NOW, DEMO_SEED
from geo.wilayah.sentra import load_sentra

__all__ = [
    "AS_OF",
    "DEMO_SOURCE",
    "KECAMATAN_SHARE",
    "NAIK_KELAS_SHARE",
    "SECTOR_MIX",
    "SIZE_MIX",
    "DemoData",
    "dataset_meta",
    "generate",
]

#: The date the demo register is "as of" (fixed, so the data never depends on the clock).
AS_OF = date(2026, 11, 20)
PROGRAM_START = date(2024, 6, 1)
EARLIER_DATE = date(2025, 12, 31)
DEMO_SOURCE = "data contoh"

#: Background sector mix (share of UMKM outside sentra clusters). Trade and food dominate
#: micro business in Indonesian cities; crafts concentrate in sentra (added on top).
SECTOR_MIX: dict[str, float] = {
    "perdagangan": 0.31,
    "kuliner": 0.30,
    "jasa": 0.16,
    "fesyen": 0.08,
    "kriya": 0.04,
    "agribisnis": 0.03,
    "industri_pengolahan": 0.03,
    "digital_kreatif": 0.04,
    "lainnya": 0.01,
}

#: Size mix: mikro the large majority, as in every Indonesian UMKM census.
SIZE_MIX: dict[str, float] = {"mikro": 0.90, "kecil": 0.085, "menengah": 0.015}

#: Share of UMKM that moved up one size class since they were curated.
NAIK_KELAS_SHARE = 0.04

#: Background share per kecamatan. BPS 2023 counted 9,448 of 29,058 UMKM (32.5 %) in
#: Lowokwaru; the other shares are assumptions by population and commerce.
KECAMATAN_SHARE: dict[str, float] = {
    "35.73.01": 0.20,  # Blimbing
    "35.73.02": 0.14,  # Klojen
    "35.73.03": 0.16,  # Kedungkandang
    "35.73.04": 0.18,  # Sukun
    "35.73.05": 0.32,  # Lowokwaru
}

#: Cluster size by keyword in a sentra's nama/komoditas (first match wins); default below.
_CLUSTER_SIZE: tuple[tuple[str, int], ...] = (
    ("tempe", 420),
    ("rotan", 25),  # press: only 10-23 rattan workshops remain in each place
    ("meubel", 70),
    ("mebel", 70),
    ("raket", 45),
    ("bolen", 60),
    ("arem-arem", 40),
    ("daster", 60),
    ("keramik", 40),
    ("gerabah", 30),
    ("marning", 35),
    ("kue", 50),
)
_DEFAULT_CLUSTER = 25
_CLUSTER_SD_M = 150.0
_CITY_CENTRE = (112.6308, -7.9826)  # alun-alun Malang (lon, lat)
_CENTRE_DECAY_M = 3500.0
_INACTIVE_SHARE = 0.03
#: At most this share of a small demo register sits in sentra clusters: below about 1,100 UMKM
#: the clusters shrink in proportion (``generate(count=10)`` works), above it they keep their
#: press-reported sizes.
_MAX_CLUSTER_SHARE = 0.8

_TRADE_WORD: dict[str, tuple[str, ...]] = {
    "kuliner": ("Warung", "Katering", "Kue", "Keripik", "Sambal", "Bakso", "Kopi"),
    "fesyen": ("Konveksi", "Batik", "Daster", "Jahit"),
    "kriya": ("Kerajinan", "Anyaman", "Mebel"),
    "jasa": ("Laundry", "Salon", "Bengkel", "Servis"),
    "perdagangan": ("Toko", "Pracangan", "Kios"),
    "agribisnis": ("Tanaman Hias", "Hidroponik", "Ternak"),
    "industri_pengolahan": ("Sabun", "Percetakan", "Logam"),
    "digital_kreatif": ("Desain", "Foto", "Studio"),
    "lainnya": ("Usaha",),
}

#: PP 7/2021 omzet bands (rupiah per year) used to draw a figure consistent with the class.
_OMZET_BAND = {
    "mikro": (30e6, 2e9),
    "kecil": (2.0001e9, 15e9),
    "menengah": (15.0001e9, 50e9),
}
_MODAL_BAND = {"mikro": (5e6, 1e9), "kecil": (1.0001e9, 5e9), "menengah": (5.0001e9, 10e9)}


@dataclass(frozen=True)
class DemoData:
    """The generated data set, ready for :meth:`geo.store.Store.replace_dataset`."""

    umkm: gpd.GeoDataFrame
    sentra: gpd.GeoDataFrame
    sahabat: pd.DataFrame
    visits: pd.DataFrame
    size_history: pd.DataFrame
    seed: int


def _sample_in_kelurahan(
    rng: np.random.Generator,
    kel: gpd.GeoDataFrame,
    kode: str,
    n: int,
    *,
    centre: tuple[float, float] | None = None,
    sd_m: float = _CLUSTER_SD_M,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` points (lon, lat) that :func:`wilayah.assign_kelurahan` gives to ``kode``.

    With ``centre`` the points are Gaussian around it (``sd_m`` metres); otherwise uniform in
    the polygon, thinned by distance from the city centre.
    """
    polygon = kel.loc[kel["kode"] == kode, "geometry"].iloc[0]
    minx, miny, maxx, maxy = polygon.bounds
    to_m = Transformer.from_crs(CRS_STORAGE, CRS_METRIC, always_xy=True)
    cx, cy = to_m.transform(*_CITY_CENTRE)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    have = 0
    deg_per_m = 1 / 110_574.0
    for _ in range(200):
        batch = max(64, (n - have) * 4)
        if centre is None:
            x = rng.uniform(minx, maxx, batch)
            y = rng.uniform(miny, maxy, batch)
            mx, my = to_m.transform(x, y)
            d = np.hypot(mx - cx, my - cy)
            keep = rng.random(batch) < np.exp(-d / _CENTRE_DECAY_M) * 0.9 + 0.1
            x, y = x[keep], y[keep]
        else:
            x = centre[0] + rng.normal(0, sd_m * deg_per_m, batch)
            y = centre[1] + rng.normal(0, sd_m * deg_per_m, batch)
        inside = shapely.contains_xy(polygon, x, y)
        x, y = x[inside], y[inside]
        if len(x):
            assigned = wilayah.assign_kelurahan(x, y, kel=kel)["kode_kelurahan"].to_numpy()
            ok = assigned == kode
            x, y = x[ok], y[ok]
        xs.append(x)
        ys.append(y)
        have += len(x)
        if have >= n:
            break
    else:  # pragma: no cover - only for a degenerate polygon
        raise RuntimeError(f"could not place {n} points in kelurahan {kode}")
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _cluster_size(nama: str, komoditas: str) -> int:
    text = f"{nama} {komoditas}".lower()
    for word, size in _CLUSTER_SIZE:
        if word in text:
            return size
    return _DEFAULT_CLUSTER


def _curated_dates(rng: np.random.Generator, n_active: int) -> np.ndarray:
    """Dates: ~19,000 from launch to end 2025 (front-loaded), the rest during 2026."""
    early = min(CURATED_EARLIER * n_active // CURATED_NOW, n_active)
    start = np.datetime64(PROGRAM_START, "D")
    mid = np.datetime64(EARLIER_DATE, "D")
    end = np.datetime64(AS_OF, "D")
    span1 = (mid - start).astype(int)
    span2 = (end - mid).astype(int)
    # Front-loaded first wave (density falls linearly from the launch to the end of 2025).
    first = start + (span1 * (1 - np.sqrt(rng.random(early)))).astype("timedelta64[D]")
    second = mid + (1 + (span2 - 1) * rng.random(n_active - early)).astype("timedelta64[D]")
    dates = np.concatenate([first, second])
    rng.shuffle(dates)
    return dates


def _money(rng: np.random.Generator, skala: np.ndarray, bands: dict) -> np.ndarray:
    out = np.empty(len(skala))
    for cls, (lo, hi) in bands.items():
        m = skala == cls
        # log-uniform inside the band: most businesses sit near the bottom of their class.
        out[m] = np.exp(rng.uniform(np.log(lo), np.log(hi), m.sum()))
    return np.round(out, -5)


def generate(
    *,
    seed: int = DEMO_SEED,
    count: int = CURATED_NOW,
    progress: Progress | None = None,
) -> DemoData:
    """Generate the demo register, sentra, Sahabat UMKM roster, visits and size history.

    Parameters
    ----------
    seed
        Seed of the random generator; same seed and count, same data.
    count
        Number of active curated UMKM, at least 1 (the inactive ones come on top; below
        about 1,100 the sentra clusters shrink in proportion).
    progress
        Called with (fraction done 0-1, message in Bahasa Indonesia) as work proceeds.

    Returns
    -------
    DemoData
        UMKM as a GeoDataFrame (EPSG:4326) with every point inside its kelurahan.
    """
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise ValueError(f"jumlah UMKM contoh harus bilangan bulat >= 1, bukan {count!r}")
    report = progress or no_progress
    rng = np.random.default_rng(seed)
    kel = wilayah.kelurahan()
    sentra = load_sentra()
    n_inactive = round(count * _INACTIVE_SHARE)
    total = count + n_inactive
    report(0.02, "Menyiapkan batas kelurahan dan sentra")

    # --- sentra clusters -----------------------------------------------------------------
    parts: list[pd.DataFrame] = []
    sentra_rows = sentra.sort_values("id").reset_index(drop=True)
    sizes = [_cluster_size(r.nama, r.komoditas) for r in sentra_rows.itertuples(index=False)]
    scale = min(1.0, _MAX_CLUSTER_SHARE * total / sum(sizes))
    for row, size in zip(sentra_rows.itertuples(index=False), sizes, strict=True):
        n = int(size * scale)
        lon, lat = _sample_in_kelurahan(rng, kel, row.kode_kelurahan, n, centre=(row.lon, row.lat))
        parts.append(
            pd.DataFrame(
                {
                    "lon": lon,
                    "lat": lat,
                    "kode_kelurahan": row.kode_kelurahan,
                    "sektor": row.sektor,
                    "sentra_id": row.id,
                    "trade": str(row.komoditas).split(",")[0].strip().title(),
                }
            )
        )
    n_cluster = sum(len(p) for p in parts)
    report(0.15, f"{n_cluster} UMKM di sentra ditempatkan")

    # --- background --------------------------------------------------------------------------
    n_background = total - n_cluster
    kec_codes = np.array(list(KECAMATAN_SHARE))
    kec_counts = rng.multinomial(n_background, list(KECAMATAN_SHARE.values()))
    sectors = np.array(list(SECTOR_MIX))
    done = 0
    for kec, n_kec in zip(kec_codes, kec_counts, strict=True):
        members = kel[kel["kode_kecamatan"] == kec].sort_values("kode")
        weights = members["area_km2"].to_numpy() ** 0.6 * rng.lognormal(0, 0.35, len(members))
        per_kel = rng.multinomial(n_kec, weights / weights.sum())
        for kode, n in zip(members["kode"], per_kel, strict=True):
            lon, lat = _sample_in_kelurahan(rng, kel, kode, int(n))
            sektor = rng.choice(sectors, size=n, p=list(SECTOR_MIX.values()))
            parts.append(
                pd.DataFrame(
                    {
                        "lon": lon,
                        "lat": lat,
                        "kode_kelurahan": kode,
                        "sektor": sektor,
                        "sentra_id": None,
                        "trade": [str(rng.choice(_TRADE_WORD[s])) for s in sektor],
                    }
                )
            )
            done += 1
            report(0.15 + 0.55 * done / len(kel), f"Kelurahan {done}/{len(kel)}")

    df = pd.concat(parts, ignore_index=True)
    # Shuffle rows so ids do not reveal sentra membership, then number them.
    df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)
    ids = np.arange(1, len(df) + 1)
    df["id"] = [f"UMKM-{i:05d}" for i in ids]
    df["nama_usaha"] = [f"{t} Contoh {i:05d}" for t, i in zip(df["trade"], ids, strict=True)]
    df["pemilik"] = [f"Pemilik Contoh {i:05d}" for i in ids]
    df["telepon"] = [f"+62800{i:07d}" for i in ids]
    kel_names = kel.set_index("kode")["nama"]
    df["alamat"] = [
        f"Jl. Contoh No. {rng.integers(1, 200)}, Kel. {kel_names[k]}" for k in df["kode_kelurahan"]
    ]
    report(0.75, "Skala usaha, omzet dan tanggal kurasi")

    status = np.array(["aktif"] * count + ["tidak_aktif"] * n_inactive, dtype=object)
    rng.shuffle(status)
    df["status"] = status
    dates = np.empty(len(df), dtype="datetime64[D]")
    active = status == "aktif"
    dates[active] = _curated_dates(rng, int(active.sum()))
    dates[~active] = _curated_dates(rng, int((~active).sum()))
    df["tanggal_terkurasi"] = dates.astype("datetime64[s]")
    skala = rng.choice(np.array(SIZE_CLASSES), size=len(df), p=list(SIZE_MIX.values()))
    df["skala"] = skala
    df["omzet"] = _money(rng, skala, _OMZET_BAND)
    df["modal"] = _money(rng, skala, _MODAL_BAND)
    df["sumber"] = DEMO_SOURCE
    umkm = to_geodataframe(df.drop(columns=["trade"]))

    # --- size history (naik kelas) --------------------------------------------------------
    size_history = _size_history(rng, umkm)
    report(0.85, "Sahabat UMKM dan riwayat kunjungan")
    sahabat = _sahabat(rng, umkm, kel)
    visits = _visits(rng, umkm, sahabat, sentra_rows)
    report(1.0, f"Selesai: {count} UMKM aktif, {len(sahabat)} Sahabat UMKM")
    return DemoData(
        umkm=umkm,
        sentra=sentra_rows,
        sahabat=sahabat,
        visits=visits,
        size_history=size_history,
        seed=seed,
    )


def _size_history(rng: np.random.Generator, umkm: gpd.GeoDataFrame) -> pd.DataFrame:
    skala = umkm["skala"].to_numpy(dtype=object)
    start = umkm["tanggal_terkurasi"].to_numpy().astype("datetime64[D]")
    # Only kecil and menengah can have moved up; draw them so the overall share is right.
    p_up = NAIK_KELAS_SHARE / (1 - SIZE_MIX["mikro"])
    promoted = (rng.random(len(umkm)) < p_up) & (skala != "mikro")
    lower = {"kecil": "mikro", "menengah": "kecil"}
    first = np.where(promoted, [lower.get(s, s) for s in skala], skala)
    rows = pd.DataFrame(
        {"umkm_id": umkm["id"].to_numpy(), "tanggal": start, "skala": first},
    )
    end = np.datetime64(AS_OF, "D")
    span = np.maximum((end - start[promoted]).astype(int), 2)
    later = start[promoted] + (1 + rng.random(promoted.sum()) * (span - 1)).astype("timedelta64[D]")
    ups = pd.DataFrame(
        {"umkm_id": umkm["id"].to_numpy()[promoted], "tanggal": later, "skala": skala[promoted]}
    )
    out = pd.concat([rows, ups], ignore_index=True).sort_values(["umkm_id", "tanggal"])
    out["tanggal"] = out["tanggal"].astype("datetime64[s]")
    return out.reset_index(drop=True).astype(register.SIZE_HISTORY_COLUMNS)


def _sahabat(
    rng: np.random.Generator, umkm: gpd.GeoDataFrame, kel: gpd.GeoDataFrame
) -> pd.DataFrame:
    counts = (
        umkm[umkm["status"] == "aktif"]
        .groupby("kode_kelurahan")
        .size()
        .reindex(kel["kode"], fill_value=0)
    )
    codes = counts.index.to_numpy()
    # Allocation by need with noise: around one Sahabat per 120 UMKM on average.
    expected = counts.to_numpy() / 120.0 * rng.lognormal(0, 0.45, len(codes))
    n_kel = np.maximum(np.round(expected), 1).astype(int)
    # Under-served: four kelurahan have nobody; four busy ones (over 450 UMKM) are stretched
    # to a single Sahabat, which puts them over the 300-per-Sahabat line.
    order = rng.permutation(len(codes))
    n_kel[order[:4]] = 0
    busy = [i for i in order[4:] if counts.iloc[i] > 450][:4]
    n_kel[busy] = 1
    rows = []
    for i, (kode, n) in enumerate(zip(codes, n_kel, strict=True)):
        for _ in range(n):
            tingkat = "rw" if rng.random() < 0.3 else "kelurahan"
            aktif = bool(rng.random() > 0.06) or i in busy
            rows.append((kode, tingkat, aktif))
    for _ in range(10):  # city-level facilitators, attached to the kelurahan of Balai Kota
        rows.append(("35.73.02.1004", "kota", True))
    df = pd.DataFrame(rows, columns=["kode_kelurahan", "tingkat", "aktif"])
    df.insert(0, "id", [f"SU-{i:03d}" for i in range(1, len(df) + 1)])
    df.insert(1, "nama", [f"Sahabat Contoh {i:03d}" for i in range(1, len(df) + 1)])
    return df.astype(register.SAHABAT_COLUMNS)


def _visits(
    rng: np.random.Generator,
    umkm: gpd.GeoDataFrame,
    sahabat: pd.DataFrame,
    sentra: gpd.GeoDataFrame,
) -> pd.DataFrame:
    active = sahabat[sahabat["aktif"] & (sahabat["tingkat"] != "kota")]
    city = sahabat[sahabat["tingkat"] == "kota"]["id"].to_numpy()
    start = np.datetime64(date(2024, 7, 1), "D")
    end = np.datetime64(AS_OF, "D")
    span = int((end - start).astype(int))
    needs = np.array(list(KEBUTUHAN))
    by_kel = umkm[umkm["status"] == "aktif"].groupby("kode_kelurahan")["id"].agg(list)
    rows = []
    for s in active.itertuples(index=False):
        for _ in range(int(rng.poisson(8))):
            pool = by_kel.get(s.kode_kelurahan, [])
            rows.append((s.id, s.kode_kelurahan, None, str(rng.choice(pool)) if pool else None))
    # City-level officers visit sentra (Program Ngombe) and scattered kelurahan.
    for sid in sentra["id"]:
        kode = sentra.loc[sentra["id"] == sid, "kode_kelurahan"].iloc[0]
        for _ in range(int(rng.integers(2, 6))):
            rows.append((str(rng.choice(city)), kode, sid, None))
    df = pd.DataFrame(rows, columns=["petugas", "kode_kelurahan", "sentra_id", "umkm_id"])
    df["tanggal"] = start + (rng.random(len(df)) * span).astype("timedelta64[D]")
    df["kebutuhan"] = [
        ",".join(sorted(rng.choice(needs, size=rng.integers(1, 4), replace=False)))
        for _ in range(len(df))
    ]
    df["catatan"] = "Catatan contoh kunjungan"
    follow = rng.random(len(df)) < 0.5
    df["tindak_lanjut"] = pd.NaT
    df.loc[follow, "tindak_lanjut"] = df.loc[follow, "tanggal"] + pd.to_timedelta(
        rng.integers(7, 60, follow.sum()), unit="D"
    )
    df = df.sort_values(["tanggal", "petugas"], kind="stable").reset_index(drop=True)
    df.insert(0, "id", [f"KJ-{i:05d}" for i in range(1, len(df) + 1)])
    df["tanggal"] = df["tanggal"].astype("datetime64[s]")
    df["tindak_lanjut"] = pd.to_datetime(df["tindak_lanjut"]).astype("datetime64[s]")
    return df[list(register.VISIT_COLUMNS)].astype(register.VISIT_COLUMNS)


def dataset_meta(data: DemoData) -> dict[str, str]:
    """Return the ``meta`` entries that mark a store as holding this demo data set."""
    return {
        "dataset": "demo",
        "seed": str(data.seed),
        "as_of": AS_OF.isoformat(),
        "count_active": str(int((data.umkm["status"] == "aktif").sum())),
    }
