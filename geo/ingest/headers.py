"""Recognise the column headers people write in UMKM spreadsheets.

Every register field the importer can fill is a :data:`FIELDS` entry with the headers it is
known by ("Nama Usaha", "NAMA UMKM", "nama_usaha"; "No HP/WA"; "Kel.", "Kelurahan/Desa";
"Lat", "Lintang"; "Koordinat" holding "lat, lon"...). :func:`guess_mapping` proposes, for each
source header, the field it fills (or None: ignored), and the user corrects that proposal
before anything is read (:func:`check_mapping` says what is wrong with a corrected one).

Header matching works on a key: lower case, accents and punctuation removed, words separated
by one space ("No. HP / WA" -> "no hp wa"). A key equal to a known header wins; then a key
that starts with a known header followed by more words ("Omzet (Rp/tahun)" -> "omzet rp
tahun" starts with "omzet"; the longest such header wins), then one that contains a known
header as whole words ("Nama Kelurahan"), where general words such as "nama" or "jenis" only
count as the whole header; then a close typo of a known header (rapidfuzz ratio >= 90,
"Kelurhan"). A field is proposed for one column only: the first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

__all__ = [
    "FIELDS",
    "Field",
    "check_mapping",
    "count_known_headers",
    "guess_mapping",
    "header_key",
]


@dataclass(frozen=True)
class Field:
    """A register field the importer can fill from a source column.

    Attributes
    ----------
    code
        The field's code (a register column, or ``kelurahan``/``kecamatan``/``koordinat``/
        ``omzet_bulanan`` that the importer turns into register columns).
    label_id, label_en
        Labels for the mapping editor.
    headers
        Headers it is known by (any spelling; compared by :func:`header_key`).
    """

    code: str
    label_id: str
    label_en: str
    headers: tuple[str, ...]


#: The importer's target fields, in the mapping editor's order.
FIELDS: dict[str, Field] = {
    f.code: f
    for f in (
        Field("id", "ID UMKM", "UMKM id", ("id", "id umkm", "kode umkm", "id usaha", "no id")),
        Field(
            "nama_usaha",
            "Nama usaha",
            "Business name",
            (
                "nama usaha",
                "nama umkm",
                "nama toko",
                "nama usaha umkm",
                "nama brand",
                "merek",
                "merk",
                "nama",
                "usaha",
            ),
        ),
        Field(
            "pemilik",
            "Pemilik",
            "Owner",
            ("pemilik", "nama pemilik", "pemilik usaha", "nama pelaku usaha", "pelaku usaha"),
        ),
        Field(
            "telepon",
            "Telepon",
            "Phone",
            (
                "telepon",
                "telp",
                "tlp",
                "no telp",
                "no telepon",
                "nomor telepon",
                "no hp",
                "no hp wa",
                "no wa",
                "nomor hp",
                "nomor wa",
                "hp",
                "wa",
                "whatsapp",
                "hp wa",
                "kontak",
                "no kontak",
            ),
        ),
        Field("alamat", "Alamat", "Address", ("alamat", "alamat usaha", "alamat lengkap")),
        Field(
            "kelurahan",
            "Kelurahan (nama)",
            "Kelurahan (name)",
            ("kelurahan", "kel", "kelurahan desa", "kel desa", "desa", "desa kelurahan"),
        ),
        Field("kecamatan", "Kecamatan (nama)", "Kecamatan (name)", ("kecamatan", "kec")),
        Field(
            "kode_kelurahan",
            "Kode kelurahan",
            "Kelurahan code",
            ("kode kelurahan", "kode kel", "kode wilayah", "kode desa", "kd kel"),
        ),
        Field(
            "sektor",
            "Jenis usaha / sektor",
            "Business type / sector",
            (
                "sektor",
                "sektor usaha",
                "jenis usaha",
                "bidang usaha",
                "jenis produk",
                "produk",
                "komoditas",
                "kategori",
                "jenis",
                "bidang",
                "kbli",
            ),
        ),
        Field("skala", "Skala usaha", "Business size", ("skala", "skala usaha", "klasifikasi")),
        Field(
            "omzet",
            "Omzet per tahun",
            "Annual sales",
            (
                "omzet",
                "omset",
                "omzet tahunan",
                "omzet per tahun",
                "omset per tahun",
                "hasil penjualan",
                "penjualan tahunan",
                "penjualan",
            ),
        ),
        Field(
            "omzet_bulanan",
            "Omzet per bulan",
            "Monthly sales",
            (
                "omzet bulanan",
                "omset bulanan",
                "omzet per bulan",
                "omset per bulan",
                "omzet bulan",
                "omset bulan",
                "omzet rp bulan",
                "omset rp bulan",
            ),
        ),
        Field(
            "modal",
            "Aset / modal usaha",
            "Assets / business capital",
            ("aset", "asset", "modal", "modal usaha", "kekayaan bersih", "nilai aset"),
        ),
        Field("lat", "Lintang (lat)", "Latitude", ("lat", "lintang", "latitude", "y")),
        Field("lon", "Bujur (lon)", "Longitude", ("lon", "long", "lng", "bujur", "longitude", "x")),
        Field(
            "koordinat",
            "Koordinat (lat, lon)",
            "Coordinates (lat, lon)",
            (
                "koordinat",
                "titik koordinat",
                "koordinat gps",
                "koordinat lokasi",
                "lat long",
                "lat lon",
                "lat lng",
                "latlong",
                "latlon",
                "geotag",
                "gps",
                "geometri",
            ),
        ),
        Field(
            "tanggal_terkurasi",
            "Tanggal terkurasi",
            "Curation date",
            (
                "tanggal terkurasi",
                "tanggal kurasi",
                "tgl kurasi",
                "tanggal pendataan",
                "tanggal input",
                "tanggal",
                "tgl",
            ),
        ),
        Field("status", "Status", "Status", ("status", "status usaha", "keaktifan")),
        Field("sentra_id", "ID sentra", "Sentra id", ("sentra id", "id sentra", "kode sentra")),
        Field(
            "presisi_lokasi",
            "Presisi lokasi",
            "Location precision",
            ("presisi lokasi", "presisi", "ketelitian lokasi"),
        ),
        Field("sumber", "Sumber data", "Data source", ("sumber", "sumber data")),
    )
}

# Headers that are row counters or otherwise never data: never proposed for a field.
_IGNORED = frozenset({"no", "nomor", "no urut", "urut", "nomer", "keterangan", "ket"})
# Headers too general to decide a longer header by themselves ("nama kelurahan" is not the
# business name): they count only when they are the whole header.
_GENERIC = frozenset({"nama", "usaha", "jenis", "bidang", "kategori", "tanggal", "tgl", "produk"})
_FUZZY_MIN_SCORE = 90.0


def header_key(header: str) -> str:
    """Return the comparison key of a header: ``"No. HP / WA"`` -> ``"no hp wa"``."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode().lower()
    text = text.replace("_", " ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _known() -> dict[str, str]:
    known: dict[str, str] = {}
    for field in FIELDS.values():
        for header in (field.code, *field.headers):
            known.setdefault(header_key(header), field.code)
    return known


_KNOWN = _known()
_BY_LENGTH = sorted(_KNOWN, key=len, reverse=True)


def _field_for(header: str) -> str | None:
    key = header_key(header)
    if not key or key in _IGNORED:
        return None
    if key in _KNOWN:
        return _KNOWN[key]
    words = key.split()
    if "bulan" in words and words[0] in ("omzet", "omset", "penjualan"):
        return "omzet_bulanan"
    padded = f" {key} "
    for known in _BY_LENGTH:
        if len(known) > 1 and known not in _GENERIC and key.startswith(known + " "):
            return _KNOWN[known]
    for known in _BY_LENGTH:
        if len(known) > 1 and known not in _GENERIC and f" {known} " in padded:
            return _KNOWN[known]
    best = process.extractOne(key, [k for k in _KNOWN if len(k) >= 4], scorer=fuzz.ratio)
    if best is not None and best[1] >= _FUZZY_MIN_SCORE:
        return _KNOWN[best[0]]
    return None


def count_known_headers(cells: Sequence[object]) -> int:
    """Count the cells of a row that are headers of some field (to find the header row)."""
    return sum(1 for c in cells if c is not None and _field_for(str(c)) is not None)


def guess_mapping(headers: Sequence[str]) -> dict[str, str | None]:
    """Propose, for each source header, the field it fills.

    Parameters
    ----------
    headers
        The source's column headers, unique, in order.

    Returns
    -------
    dict
        Header -> field code of :data:`FIELDS`, or None for a column to ignore. Each field is
        proposed for the first column that matches it only.
    """
    taken: set[str] = set()
    mapping: dict[str, str | None] = {}
    for header in headers:
        field = _field_for(header)
        if field is not None and field in taken:
            field = None
        if field is not None:
            taken.add(field)
        mapping[header] = field
    return mapping


def check_mapping(mapping: Mapping[str, str | None]) -> list[str]:
    """Say what is wrong with a (user-corrected) mapping, in Bahasa Indonesia.

    Returns
    -------
    list of str
        Empty when the mapping can be used: every target is a field of :data:`FIELDS`, no
        field is chosen for two columns, the business name is mapped, and there is a location
        (latitude and longitude, a coordinates column, a kelurahan name or code).
    """
    problems = []
    chosen: dict[str, list[str]] = {}
    for header, field in mapping.items():
        if field is None:
            continue
        if field not in FIELDS:
            problems.append(f"kolom {header!r}: tujuan {field!r} tidak dikenal")
            continue
        chosen.setdefault(field, []).append(header)
    for field, headers in chosen.items():
        if len(headers) > 1:
            names = ", ".join(repr(h) for h in headers)
            problems.append(
                f"{FIELDS[field].label_id} dipilih untuk lebih dari satu kolom: {names}"
            )
    if "nama_usaha" not in chosen:
        problems.append("kolom nama usaha belum dipilih")
    if ("lat" in chosen) != ("lon" in chosen):
        problems.append("lintang dan bujur harus dipilih berdua")
    located = {"lat", "koordinat", "kelurahan", "kode_kelurahan"} & set(chosen)
    if not located:
        problems.append("tidak ada kolom lokasi (lintang/bujur, koordinat, atau kelurahan)")
    return problems
