"""The UMKM register model: columns, sector taxonomy, size classes and personal fields.

The register moves through the app as one GeoDataFrame in EPSG:4326 with the columns of
:data:`UMKM_COLUMNS` and a point geometry built from ``lon``/``lat``. Other tables (sentra,
Sahabat UMKM roster, visits, size history) are plain DataFrames with the columns listed here.

Size classes follow PP 7/2021 (Peraturan Pemerintah No. 7 Tahun 2021, Pasal 35):

========  ==========================================  ===========================
class     modal usaha (excluding land and buildings)  hasil penjualan tahunan
========  ==========================================  ===========================
mikro     up to Rp1 billion                           up to Rp2 billion
kecil     over Rp1 up to Rp5 billion                  over Rp2 up to Rp15 billion
menengah  over Rp5 up to Rp10 billion                 over Rp15 up to Rp50 billion
========  ==========================================  ===========================

PP 7/2021 uses modal usaha for new businesses and annual sales for running ones, so
:func:`classify_size` takes the omzet class where omzet is known and the modal class otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.core.settings import CRS_STORAGE

__all__ = [
    "KEBUTUHAN",
    "PERSONAL_COLUMNS",
    "PRESISI_LOKASI",
    "SAHABAT_COLUMNS",
    "SAHABAT_TINGKAT",
    "SECTORS",
    "SENTRA_COLUMNS",
    "SIZE_CLASSES",
    "SIZE_HISTORY_COLUMNS",
    "STATUS",
    "UMKM_COLUMNS",
    "VISIT_COLUMNS",
    "WEIGHT_COLUMN",
    "Sector",
    "classify_size",
    "empty_register",
    "strip_personal",
    "to_geodataframe",
]


@dataclass(frozen=True)
class Sector:
    """One sector of the taxonomy: code, labels and the KBLI 2020 sections it maps to."""

    code: str
    label_id: str
    label_en: str
    kbli: tuple[str, ...]
    examples: str


#: Sector taxonomy in the words the city uses, each mapped to KBLI 2020 sections (and the
#: divisions that make the mapping specific). Order is the display order.
SECTORS: dict[str, Sector] = {
    s.code: s
    for s in (
        Sector(
            "kuliner",
            "Kuliner (makanan-minuman)",
            "Food and drink",
            ("C10", "C11", "I56"),
            "tempe, keripik tempe, bolen, arem-arem, katering, warung makan",
        ),
        Sector(
            "fesyen",
            "Fesyen",
            "Fashion",
            ("C13", "C14", "C15"),
            "konveksi, daster, batik, sepatu, tas",
        ),
        Sector(
            "kriya",
            "Kriya (kerajinan)",
            "Crafts",
            ("C16", "C23", "C32"),
            "rotan, keramik, gerabah, raket, mebel kayu",
        ),
        Sector(
            "jasa",
            "Jasa",
            "Services",
            ("S95", "S96", "N", "M"),
            "laundry, salon, bengkel, jahit, servis elektronik",
        ),
        Sector(
            "perdagangan",
            "Perdagangan",
            "Trade",
            ("G46", "G47"),
            "toko kelontong, toko pracangan, pedagang pasar",
        ),
        Sector(
            "agribisnis",
            "Agribisnis",
            "Agribusiness",
            ("A01", "A03"),
            "tanaman hias, hidroponik, ternak, perikanan",
        ),
        Sector(
            "industri_pengolahan",
            "Industri pengolahan non-pangan",
            "Non-food manufacturing",
            ("C17", "C20", "C22", "C25", "C31"),
            "sabun, percetakan, logam, mebel",
        ),
        Sector(
            "digital_kreatif",
            "Digital dan ekonomi kreatif",
            "Digital and creative",
            ("J58", "J59", "J62", "J63", "M73", "M74"),
            "desain, fotografi, aplikasi, konten",
        ),
        Sector("lainnya", "Lainnya", "Other", (), "tidak terpetakan"),
    )
}

SIZE_CLASSES: tuple[str, ...] = ("mikro", "kecil", "menengah")
STATUS: tuple[str, ...] = ("aktif", "tidak_aktif")
PRESISI_LOKASI: tuple[str, ...] = ("alamat", "jalan", "kelurahan")
SAHABAT_TINGKAT: tuple[str, ...] = ("kota", "kelurahan", "rw")

#: The support areas of the Sahabat UMKM program (code -> Bahasa Indonesia label).
KEBUTUHAN: dict[str, str] = {
    "kualitas_produk": "Kualitas produk",
    "pemasaran": "Pemasaran",
    "klinik_umkm": "Klinik UMKM",
    "perizinan": "Perizinan usaha",
    "digital_branding": "Pemasaran digital dan branding",
    "akses_pembiayaan": "Akses kredit perbankan",
    "literasi_keuangan": "Literasi keuangan (hindari pinjol)",
}

#: Register columns, in order, with their pandas dtypes.
UMKM_COLUMNS: dict[str, str] = {
    "id": "string",
    "nama_usaha": "string",
    "pemilik": "string",
    "telepon": "string",
    "alamat": "string",
    "kode_kelurahan": "string",
    "lat": "float64",
    "lon": "float64",
    "sektor": "string",
    "skala": "string",
    "sentra_id": "string",
    "tanggal_terkurasi": "datetime64[s]",
    "status": "string",
    "modal": "float64",
    "omzet": "float64",
    "sumber": "string",
}

#: Personal data under UU PDP 27/2022: owner name, phone, and the home-business address of an
#: individual UMKM. NIK is never stored at all.
PERSONAL_COLUMNS: tuple[str, ...] = ("pemilik", "telepon", "alamat")

#: A register *given as counts* (``Store.umkm_counts``): each row stands for this many UMKM
#: with the same values. The coverage and KPI functions of ``geo.analysis`` weigh rows by it
#: when the column is present, and count each row once when it is not.
WEIGHT_COLUMN = "n_umkm"

SENTRA_COLUMNS: dict[str, str] = {
    "id": "string",
    "nama": "string",
    "komoditas": "string",
    "sektor": "string",
    "kode_kelurahan": "string",
    "alamat": "string",
    "lat": "float64",
    "lon": "float64",
    "presisi_lokasi": "string",
    "deskripsi": "string",
    "publik": "bool",
}

SAHABAT_COLUMNS: dict[str, str] = {
    "id": "string",
    "nama": "string",
    "tingkat": "string",
    "kode_kelurahan": "string",
    "aktif": "bool",
}

#: One row per visit; ``kebutuhan`` is a comma-separated list of :data:`KEBUTUHAN` codes.
VISIT_COLUMNS: dict[str, str] = {
    "id": "string",
    "tanggal": "datetime64[s]",
    "petugas": "string",
    "kode_kelurahan": "string",
    "sentra_id": "string",
    "umkm_id": "string",
    "kebutuhan": "string",
    "catatan": "string",
    "tindak_lanjut": "datetime64[s]",
}

#: Size history: one row each time a business's class is recorded (naik kelas = a later row
#: with a larger class than an earlier one).
SIZE_HISTORY_COLUMNS: dict[str, str] = {
    "umkm_id": "string",
    "tanggal": "datetime64[s]",
    "skala": "string",
}

_RP = 1_000_000_000.0  # one billion rupiah
_MODAL_LIMITS = np.array([1 * _RP, 5 * _RP, 10 * _RP])
_OMZET_LIMITS = np.array([2 * _RP, 15 * _RP, 50 * _RP])
_CLASSES_WITH_BESAR = np.array([*SIZE_CLASSES, "besar"], dtype=object)


def _classes(values: np.ndarray, limits: np.ndarray) -> np.ndarray:
    # side="left": a value exactly on a limit belongs to the lower class ("up to").
    idx = np.searchsorted(limits, values, side="left")
    out = _CLASSES_WITH_BESAR[np.minimum(idx, 3)].astype(object)
    out[np.isnan(values) | (values < 0)] = None
    return out


def classify_size(
    *, modal: pd.Series | float | None = None, omzet: pd.Series | float | None = None
) -> pd.Series:
    """Classify businesses as mikro, kecil or menengah per PP 7/2021.

    Parameters
    ----------
    modal
        Business capital excluding land and buildings, in rupiah.
    omzet
        Annual sales, in rupiah.

    Returns
    -------
    pandas.Series
        ``"mikro"``, ``"kecil"``, ``"menengah"``, ``"besar"`` (above the menengah ceiling, not
        an UMKM) or missing where neither figure is known or a figure is negative. Omzet decides
        where it is known (running businesses); modal otherwise. Limits are inclusive: exactly
        Rp1 billion of modal is still mikro.
    """
    m = pd.Series(modal, dtype="float64") if modal is not None else None
    o = pd.Series(omzet, dtype="float64") if omzet is not None else None
    if m is None and o is None:
        raise ValueError("classify_size needs modal or omzet")
    index = (m if m is not None else o).index
    by_modal = _classes(m.to_numpy(), _MODAL_LIMITS) if m is not None else np.full(len(index), None)
    by_omzet = _classes(o.to_numpy(), _OMZET_LIMITS) if o is not None else np.full(len(index), None)
    result = np.where(pd.isna(by_omzet), by_modal, by_omzet)
    return pd.Series(result, index=index, dtype="string", name="skala")


def empty_register() -> gpd.GeoDataFrame:
    """Return an empty register with the right columns and dtypes, in EPSG:4326."""
    df = pd.DataFrame({c: pd.Series(dtype=t) for c, t in UMKM_COLUMNS.items()})
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy([], []), crs=CRS_STORAGE)


def to_geodataframe(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """Give a register table its dtypes and point geometry (EPSG:4326) from ``lon``/``lat``.

    Missing register columns are added empty; extra columns are kept after them.
    """
    out = pd.DataFrame(index=df.index)
    for col, dtype in UMKM_COLUMNS.items():
        out[col] = df[col].astype(dtype) if col in df else pd.Series(index=df.index, dtype=dtype)
    extra = [c for c in df.columns if c not in UMKM_COLUMNS and c != "geometry"]
    for col in extra:
        out[col] = df[col]
    geom = gpd.points_from_xy(out["lon"].to_numpy(), out["lat"].to_numpy())
    return gpd.GeoDataFrame(out, geometry=geom, crs=CRS_STORAGE)


def strip_personal(df: pd.DataFrame) -> pd.DataFrame:
    """Drop personal fields (owner, phone, home-business address) before a public face.

    This is the one function that makes register data safe for the public view; pages for the
    public call it (or receive only aggregates) and never see the dropped columns.
    """
    return df.drop(columns=[c for c in PERSONAL_COLUMNS if c in df.columns])
