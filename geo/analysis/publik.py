"""The public face: sentra cards, filters, suppressed aggregates and links.

Everything here is made for citizens (role ``publik``, no login). Only two kinds of data leave
this module:

* the sentra list (:data:`geo.core.register.SENTRA_COLUMNS`, rows with ``publik`` true): places of a
  trade written up by the city or the press, with their public address;
* aggregates of the register, with small cells suppressed: a count below
  :data:`geo.core.settings.PUBLIC_MIN_CELL` (5) is shown as ``"<5"`` and its exact value is not in
  any output (card, map, download).

From the register only ``sentra_id`` and ``status`` are read, so a register that still holds
personal fields (pemilik, telepon, alamat) cannot pass them on; pages hand in
:func:`geo.core.register.strip_personal`'s output anyway.

Coordinates are EPSG:4326 degrees throughout (no metric work here). The map of the cards is
:func:`geo.render.publik.public_map` (render sits above analysis, so the map lives there).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlencode

import numpy as np
import pandas as pd

from geo.analysis.coverage import tally, umkm_weights
from geo.core import settings
from geo.core.escape import spreadsheet_frame
from geo.core.i18n import format_number, t
from geo.core.register import SECTORS

__all__ = [
    "CARD_COLUMNS",
    "SHARE_PARAM",
    "cards_csv",
    "directions_url",
    "filter_cards",
    "kecamatan_options",
    "komoditas_options",
    "selected_sentra",
    "sentra_cards",
    "share_url",
    "suppress_counts",
    "suppressed_label",
]

#: Query parameter of a shareable link to one sentra card (``?sentra=<id>``).
SHARE_PARAM = "sentra"

#: Columns of :func:`sentra_cards`: nothing personal, no exact small count.
CARD_COLUMNS: tuple[str, ...] = (
    "id",
    "nama",
    "komoditas",
    "produk",
    "sektor",
    "sektor_label",
    "kode_kelurahan",
    "kelurahan",
    "kecamatan",
    "alamat",
    "lat",
    "lon",
    "presisi_lokasi",
    "presisi_label",
    "deskripsi",
    "jumlah_umkm",
    "directions_url",
)

_KECAMATAN_BY_KODE = settings.KECAMATAN_NAMES


# --- Small-cell suppression ------------------------------------------------------------------


def suppressed_label(
    count: float | None, *, lang: str = "id", min_cell: int = settings.PUBLIC_MIN_CELL
) -> str:
    """Return a count as the public may see it: ``"<5"`` below ``min_cell``, else the number.

    Parameters
    ----------
    count
        A number of businesses (None or NaN: unknown, shown as ``"–"``).
    lang
        Number style (``21.270`` in ``id``, ``21,270`` in ``en``).
    min_cell
        Smallest count shown exactly (default :data:`geo.core.settings.PUBLIC_MIN_CELL`, 5).

    Examples
    --------
    >>> suppressed_label(3), suppressed_label(0), suppressed_label(1250)
    ('<5', '<5', '1.250')
    """
    if count is None or pd.isna(count):
        return "–"
    if count < min_cell:
        return f"<{format_number(min_cell, lang)}"
    return format_number(float(count), lang)


def suppress_counts(
    counts: pd.DataFrame,
    *,
    column: str = "jumlah",
    lang: str = "id",
    min_cell: int = settings.PUBLIC_MIN_CELL,
    complementary: bool = True,
) -> pd.DataFrame:
    """Suppress the small cells of a table of counts before it is shown to the public.

    Complementary suppression: when exactly one cell is small, the total shown beside the
    table (e.g. "21.270 UMKM" on Beranda) minus the other cells would give its exact value,
    so the next smallest cell is withheld too (``<column>_label`` ``"≥5"``, count ``<NA>``).

    Parameters
    ----------
    counts
        A table with a count column (e.g. :func:`geo.analysis.kpi.counts_by`'s ``jumlah``).
    column
        The count column.
    lang
        Number style of the labels.
    min_cell
        Smallest count shown exactly.
    complementary
        Also withhold the next smallest cell when only one is small (default).

    Returns
    -------
    pandas.DataFrame
        A copy where ``column`` (nullable ``Int64``) is ``<NA>`` for every withheld count, so
        the exact value cannot reach a chart or a download, plus ``<column>_label`` (string):
        ``"<5"``, ``"≥5"`` (complement) or the formatted number.
    """
    out = counts.copy()
    values = pd.to_numeric(out[column], errors="coerce")
    small = values < min_cell
    labels = [suppressed_label(v, lang=lang, min_cell=min_cell) for v in values]
    withheld = small.copy()
    if complementary and int(small.sum()) == 1 and int((~small & values.notna()).sum()) > 0:
        complement = values[~small & values.notna()].idxmin()
        withheld[complement] = True
        labels[out.index.get_loc(complement)] = f"≥{format_number(min_cell, lang)}"
    out[f"{column}_label"] = pd.array(labels, dtype="string")
    out[column] = values.round().astype("Int64").mask(withheld)
    return out


# --- Cards -------------------------------------------------------------------------------------


def directions_url(lat: float, lon: float) -> str:
    """Return the Google Maps directions link to a point (degrees EPSG:4326, 6 decimals)."""
    return f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f},{lon:.6f}"


def share_url(base_url: str, sentra_id: str) -> str:
    """Return the shareable link to one sentra card: ``<base_url>?sentra=<id>``.

    ``base_url`` is the public page's address without a query (``""`` gives a relative link).
    """
    base = base_url.split("?", 1)[0].split("#", 1)[0]
    return f"{base}?{urlencode({SHARE_PARAM: sentra_id}, quote_via=quote)}"


def _split_products(komoditas: object) -> list[str]:
    if (
        komoditas is None
        or komoditas is pd.NA
        or (isinstance(komoditas, float) and np.isnan(komoditas))
    ):
        return []
    return [p.strip() for p in str(komoditas).split(",") if p.strip()]


def sentra_cards(
    sentra: pd.DataFrame,
    register: pd.DataFrame | None,
    *,
    kelurahan: pd.DataFrame | None = None,
    lang: str = "id",
    min_cell: int = settings.PUBLIC_MIN_CELL,
) -> pd.DataFrame:
    """Build one public card per sentra marked ``publik``.

    Parameters
    ----------
    sentra
        Sentra with the columns of :data:`geo.core.register.SENTRA_COLUMNS` (``lat``/``lon`` in
        degrees, EPSG:4326). Rows with ``publik`` false are left out.
    register
        The UMKM register (only ``sentra_id`` and ``status`` are read), a register given as
        counts (``Store.umkm_counts(by=("sentra_id", "status"))``, each row weighed by its
        :data:`geo.core.register.WEIGHT_COLUMN`), or None. Active UMKM
        (``status == "aktif"``) are counted per sentra.
    kelurahan
        Kelurahan with ``kode`` and ``nama`` (e.g. :func:`geo.wilayah.kelurahan`) to name each
        sentra's kelurahan; None leaves the names empty.
    lang
        Language of the labels (sector, location precision, counts).
    min_cell
        Counts below this are shown as ``"<5"``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CARD_COLUMNS`, sorted by ``nama``. ``produk`` is a list of product
        names from ``komoditas``; ``jumlah_umkm`` is a *label* (``"<5"``, ``"420"``), never the
        exact count of a small cell; ``directions_url`` is :func:`directions_url` of the point.
    """
    rows = sentra
    if "publik" in rows.columns:
        rows = rows[rows["publik"].fillna(False).astype(bool)]
    rows = rows.reset_index(drop=True)
    counts = pd.Series(0, index=rows.index, dtype="int64")
    if register is not None and len(register) and "sentra_id" in register.columns:
        reg = register
        if "status" in reg.columns:
            reg = reg[reg["status"] == "aktif"]
        per = tally(reg["sentra_id"].astype("string"), umkm_weights(reg))
        counts = rows["id"].astype(str).map(per).fillna(0).astype("int64")
    names: dict[str, str] = {}
    if kelurahan is not None and len(kelurahan):
        names = dict(zip(kelurahan["kode"].astype(str), kelurahan["nama"].astype(str), strict=True))
    kode = rows["kode_kelurahan"].astype("string").fillna("")
    sektor = rows["sektor"].astype("string").fillna("lainnya")
    presisi = rows["presisi_lokasi"].astype("string").fillna("")
    lat = pd.to_numeric(rows["lat"], errors="coerce")
    lon = pd.to_numeric(rows["lon"], errors="coerce")
    cards = pd.DataFrame(
        {
            "id": rows["id"].astype("string"),
            "nama": rows["nama"].astype("string"),
            "komoditas": rows["komoditas"].astype("string"),
            "produk": [_split_products(k) for k in rows["komoditas"]],
            "sektor": sektor,
            "sektor_label": [_sector_label(s, lang) for s in sektor],
            "kode_kelurahan": kode,
            "kelurahan": pd.array([names.get(k, "") for k in kode], dtype="string"),
            "kecamatan": pd.array(
                [_KECAMATAN_BY_KODE.get(k[:8], "") for k in kode], dtype="string"
            ),
            "alamat": rows["alamat"].astype("string"),
            "lat": lat.astype("float64"),
            "lon": lon.astype("float64"),
            "presisi_lokasi": presisi,
            "presisi_label": [_presisi_label(p, lang) for p in presisi],
            "deskripsi": rows["deskripsi"].astype("string"),
            "jumlah_umkm": pd.array(
                [suppressed_label(c, lang=lang, min_cell=min_cell) for c in counts], dtype="string"
            ),
            "directions_url": pd.array(
                [
                    directions_url(a, b) if pd.notna(a) and pd.notna(b) else ""
                    for a, b in zip(lat, lon, strict=True)
                ],
                dtype="string",
            ),
        },
        columns=list(CARD_COLUMNS),
    )
    return cards.sort_values("nama", key=lambda s: s.str.lower(), ignore_index=True)


def _sector_label(code: str, lang: str) -> str:
    sector = SECTORS.get(str(code))
    if sector is None:
        return str(code)
    return sector.label_en if lang == "en" else sector.label_id


def _presisi_label(code: str, lang: str) -> str:
    try:
        return t(f"publik.presisi.{code}", lang)
    except KeyError:
        return code


# --- Search and filters ------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents or punctuation, for forgiving search."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^0-9a-z]+", " ", plain).strip()


def komoditas_options(cards: pd.DataFrame) -> list[str]:
    """Return the distinct products of the cards (for the komoditas filter), sorted."""
    products = {p for items in cards["produk"] for p in items}
    return sorted(products, key=str.lower)


def kecamatan_options(cards: pd.DataFrame) -> list[str]:
    """Return the kecamatan that have a sentra, in the city's kode order."""
    present = set(cards["kecamatan"].dropna())
    return [name for name in _KECAMATAN_BY_KODE.values() if name in present]


def filter_cards(
    cards: pd.DataFrame,
    *,
    query: str = "",
    komoditas: Iterable[str] = (),
    kecamatan: Iterable[str] = (),
) -> pd.DataFrame:
    """Return the cards matching a search text and the chosen products and kecamatan.

    Parameters
    ----------
    cards
        As from :func:`sentra_cards`.
    query
        Words to look for (all of them, in any order) in nama, komoditas, sector, alamat,
        kelurahan, kecamatan and deskripsi; case, accents and punctuation are ignored.
    komoditas
        Keep cards offering at least one of these products (none chosen: all).
    kecamatan
        Keep cards in one of these kecamatan (none chosen: all).

    Returns
    -------
    pandas.DataFrame
        The matching cards, order kept, fresh index.
    """
    keep = np.ones(len(cards), dtype=bool)
    words = _fold(query).split()
    if words:
        haystack = (
            cards[
                [
                    "nama",
                    "komoditas",
                    "sektor_label",
                    "alamat",
                    "kelurahan",
                    "kecamatan",
                    "deskripsi",
                ]
            ]
            .astype("string")
            .fillna("")
            .agg(" ".join, axis=1)
            .map(_fold)
        )
        for word in words:
            keep &= haystack.str.contains(word, regex=False).to_numpy()
    chosen = {p.lower() for p in komoditas}
    if chosen:
        keep &= np.array([bool(chosen & {p.lower() for p in items}) for items in cards["produk"]])
    places = set(kecamatan)
    if places:
        keep &= cards["kecamatan"].isin(places).to_numpy()
    return cards[keep].reset_index(drop=True)


def selected_sentra(params: Mapping[str, object], cards: pd.DataFrame) -> str | None:
    """Return the sentra id a shared link asks for (``?sentra=<id>``) if it is a public card."""
    value = params.get(SHARE_PARAM)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    wanted = str(value).strip()
    return wanted if wanted in set(cards["id"].astype(str)) else None


# --- Download ----------------------------------------------------------------------------------


def cards_csv(cards: pd.DataFrame, *, lang: str = "id") -> bytes:
    """Return the cards as a UTF-8 CSV (with BOM, for spreadsheets) for the public download.

    Columns: nama, komoditas, sektor, kelurahan, kecamatan, alamat, lat, lon (degrees
    EPSG:4326), presisi lokasi, jumlah UMKM (suppressed label), petunjuk arah (URL). Headers in
    ``lang``.
    """
    columns = {
        "nama": "publik.col.nama",
        "komoditas": "publik.col.komoditas",
        "sektor_label": "publik.col.sektor",
        "kelurahan": "publik.col.kelurahan",
        "kecamatan": "publik.col.kecamatan",
        "alamat": "publik.col.alamat",
        "lat": "publik.col.lat",
        "lon": "publik.col.lon",
        "presisi_label": "publik.col.presisi",
        "jumlah_umkm": "publik.col.jumlah_umkm",
        "directions_url": "publik.col.arah",
    }
    table = cards[list(columns)].rename(columns={k: t(v, lang) for k, v in columns.items()})
    buffer = io.StringIO()
    spreadsheet_frame(table).to_csv(buffer, index=False, float_format="%.6f")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
