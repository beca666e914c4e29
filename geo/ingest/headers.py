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

Ids from other systems
----------------------
A generic id column (``id``, ``ID``, ``fid``, ``OBJECTID``, ``gid``, ``osm_id``, ...: the
:data:`GENERIC_ID_HEADERS`) is another system's key, not the register id: it is proposed as
``id_sumber`` (kept in the import report and preview, and stored beside the register id) and never
as ``id``, except for a column headed exactly ``id`` whose values look like register ids (they
contain a letter: ``UMKM-00012``, ``TOKO-001``, as the app's own export writes them); an all-digit
id (OSM node ``1544238704``, ``OBJECTID`` 1, 2, 3) is foreign (:func:`looks_foreign_id`). The user
maps it to the register id only by asking (``--map id=ID`` or the mapping editor).

Columns the file says more with
-------------------------------
:func:`sector_hints` names the columns left unmapped that still say what the business is:
OpenStreetMap tags (``amenity``, ``shop``, ``craft``, ``office``, ``cuisine``) and a second
"Jenis"/"Bidang"/"KBLI" column; the importer reads them for the sector
(:mod:`geo.ingest.sectors`).

Mappings from the command line and as a file
---------------------------------------------
:func:`parse_map_options` reads ``--map FIELD=COLUMN`` options, :func:`mapping_from_json` a
``--mapping FILE.json`` (``{"nama_usaha": "NAME", "telepon": "PHONE", "id": null}``: field ->
column, null to leave a field unfilled), :func:`mapping_to_json` writes one (the Data page's
download), and :func:`apply_overrides` lays such choices over the guessed mapping.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

__all__ = [
    "FIELDS",
    "GENERIC_ID_HEADERS",
    "OSM_HINT_KEYS",
    "Field",
    "apply_overrides",
    "check_mapping",
    "count_known_headers",
    "guess_mapping",
    "header_key",
    "looks_foreign_id",
    "mapping_from_json",
    "mapping_to_json",
    "parse_map_options",
    "sector_hints",
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
                "name",
                "business name",
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
                "phone",
                "contact phone",
                "mobile",
            ),
        ),
        Field(
            "alamat",
            "Alamat",
            "Address",
            ("alamat", "alamat usaha", "alamat lengkap", "address", "addr", "addr full"),
        ),
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
        Field(
            "id_sumber",
            "ID di sistem asal",
            "Id in the source system",
            ("id sumber", "id asal", "source id"),
        ),
    )
}

#: Keys (:func:`header_key`) of generic id headers: never guessed as the register id.
GENERIC_ID_HEADERS: frozenset[str] = frozenset(
    {"id", "fid", "objectid", "object id", "ogc fid", "gid", "osm id", "osmid", "uid"}
    | {"feature id", "id osm", "node id", "full id", "oid"}
)
#: OpenStreetMap keys that say what a business is (read for the sector when unmapped).
OSM_HINT_KEYS: tuple[str, ...] = ("amenity", "shop", "craft", "office", "cuisine")

# Headers that are row counters or otherwise never data: never proposed for a field.
_IGNORED = frozenset({"no", "nomor", "no urut", "urut", "nomer", "keterangan", "ket"})
# Headers too general to decide a longer header by themselves ("nama kelurahan" is not the
# business name): they count only when they are the whole header.
_GENERIC = frozenset(
    {"nama", "usaha", "jenis", "bidang", "kategori", "tanggal", "tgl", "produk", "name"}
)
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
    if key in GENERIC_ID_HEADERS:
        return "id_sumber"
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


def looks_foreign_id(values: pd.Series) -> bool:
    """Whether an id column holds another system's keys rather than register ids.

    Parameters
    ----------
    values
        The column's cells (text or None).

    Returns
    -------
    bool
        True when no filled cell contains a letter (all digits, as OSM node ids or a GIS
        table's ``OBJECTID``), or when every cell is empty; False for ids such as
        ``UMKM-00012``.
    """
    text = values.dropna().astype(str).str.strip()
    text = text[text != ""]
    return bool(text.empty or not text.str.contains(r"[A-Za-z]", regex=True).any())


def guess_mapping(
    headers: Sequence[str], *, cells: pd.DataFrame | None = None
) -> dict[str, str | None]:
    """Propose, for each source header, the field it fills.

    Parameters
    ----------
    headers
        The source's column headers, unique, in order.
    cells
        The source's cells (one column per header), to tell a register id in a column headed
        ``id`` from another system's key (:func:`looks_foreign_id`). Without them such a
        column is proposed as ``id_sumber``.

    Returns
    -------
    dict
        Header -> field code of :data:`FIELDS`, or None for a column to ignore. Each field is
        proposed for the first column that matches it only. Generic id columns are proposed as
        ``id_sumber``, never as ``id`` (see the module docstring).
    """
    taken: set[str] = set()
    mapping: dict[str, str | None] = {}
    for header in headers:
        field = _field_for(header)
        if (
            field == "id_sumber"
            and header_key(header) == "id"
            and cells is not None
            and header in cells.columns
            and not looks_foreign_id(cells[header])
        ):
            field = "id"
        if field is not None and field in taken:
            field = None
        if field is not None:
            taken.add(field)
        mapping[header] = field
    return mapping


def sector_hints(mapping: Mapping[str, str | None]) -> dict[str, str]:
    """Unmapped columns that say what the business is, and how to read each.

    Parameters
    ----------
    mapping
        Source header -> field code (None: ignored), as applied.

    Returns
    -------
    dict
        Header -> ``"amenity"``, ``"shop"``, ``"craft"``, ``"office"``, ``"cuisine"`` (an
        OpenStreetMap key: :func:`geo.ingest.sectors.classify_osm_tags`), ``"kbli"``
        (:func:`geo.ingest.sectors.classify_kbli`) or ``"teks"`` (a business type in words:
        :func:`geo.ingest.sectors.classify_business_types`), in the file's order; only
        columns mapped to nothing.
    """
    hints: dict[str, str] = {}
    for header, field in mapping.items():
        if field is not None:
            continue
        key = header_key(header)
        words = key.split()
        osm = next((k for k in OSM_HINT_KEYS if key == k or key.startswith(k + " ")), None)
        if osm is not None:
            hints[header] = osm
        elif "kbli" in words:
            hints[header] = "kbli"
        elif _field_for(header) == "sektor":
            hints[header] = "teks"
    return hints


def parse_map_options(options: Sequence[str]) -> dict[str, str | None]:
    """Read ``--map FIELD=COLUMN`` options into field -> column.

    Parameters
    ----------
    options
        ``"nama_usaha=NAME"``; ``"id="`` leaves a field unfilled (None). A later option for
        the same field wins.

    Returns
    -------
    dict
        Field code -> source header (or None).

    Raises
    ------
    ValueError
        An option without ``=`` or without a field, in Bahasa Indonesia.
    """
    out: dict[str, str | None] = {}
    for option in options:
        field, sep, column = option.partition("=")
        if not sep or not field.strip():
            raise ValueError(f"--map {option!r}: tulis BIDANG=KOLOM, mis. --map nama_usaha=NAME")
        out[field.strip()] = column.strip() or None
    return out


def mapping_from_json(text: str | bytes) -> dict[str, str | None]:
    """Read a mapping file: a JSON object field -> column (null: leave the field unfilled).

    Raises
    ------
    ValueError
        Not JSON, not an object, or a value that is neither text nor null.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"berkas pemetaan bukan JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError('berkas pemetaan harus objek JSON {"bidang": "kolom", ...}')
    out: dict[str, str | None] = {}
    for field, column in data.items():
        if column is not None and not isinstance(column, str):
            raise ValueError(f"berkas pemetaan: nilai {field!r} harus teks atau null")
        out[str(field)] = column or None
    return out


def mapping_to_json(mapping: Mapping[str, str | None]) -> str:
    """Write a mapping (header -> field) as the JSON :func:`mapping_from_json` reads.

    Fields are written in the order of :data:`FIELDS`, every field of :data:`FIELDS` that no
    column fills as null (so the file, applied to the same kind of file, gives exactly this
    mapping).
    """
    by_field = {f: h for h, f in mapping.items() if f is not None}
    data = {code: by_field.get(code) for code in FIELDS}
    data.update({f: h for f, h in by_field.items() if f not in FIELDS})
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def apply_overrides(
    mapping: Mapping[str, str | None], overrides: Mapping[str, str | None]
) -> tuple[dict[str, str | None], list[str]]:
    """Lay the user's choices (field -> column) over a mapping (header -> field).

    Parameters
    ----------
    mapping
        Header -> field code (None: ignored), e.g. :func:`guess_mapping`'s; every header of
        the file.
    overrides
        Field code -> source header that fills it, or None to leave the field unfilled
        (:func:`parse_map_options`, :func:`mapping_from_json`).

    Returns
    -------
    mapping : dict
        Header -> field code: each overridden field filled from its column only (the column's
        previous field, and any other column proposed for the field, dropped).
    problems : list of str
        Unknown fields and columns not in the file, in Bahasa Indonesia (naming the choices);
        the mapping is then not to be used.
    """
    out = dict(mapping)
    problems: list[str] = []
    for field, column in overrides.items():
        if field not in FIELDS:
            problems.append(f"bidang {field!r} tidak dikenal; pilihan: {', '.join(FIELDS)}")
            continue
        if column is not None and column not in out:
            problems.append(
                f"kolom {column!r} tidak ada di berkas; kolom di berkas: {', '.join(out)}"
            )
            continue
        for header, chosen in out.items():
            if chosen == field:
                out[header] = None
        if column is not None:
            out[column] = field
    return out, problems


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
