"""The public face: sentra cards, filters, suppressed aggregates, links and the sentra map.

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

Coordinates are EPSG:4326 degrees throughout (no metric work here).
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlencode

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.core import settings
from geo.core.i18n import format_number, t
from geo.core.register import SECTORS
from geo.render import maptext, mapview

__all__ = [
    "CARD_COLUMNS",
    "CITY_CENTER",
    "SHARE_PARAM",
    "cards_csv",
    "directions_url",
    "filter_cards",
    "kecamatan_options",
    "komoditas_options",
    "public_map",
    "selected_sentra",
    "sentra_cards",
    "share_url",
    "suppress_counts",
    "suppressed_label",
]

#: Query parameter of a shareable link to one sentra card (``?sentra=<id>``).
SHARE_PARAM = "sentra"
#: Centre of the public map (alun-alun Kota Malang), degrees EPSG:4326 (lat, lon).
CITY_CENTER: tuple[float, float] = (-7.9771, 112.6340)

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
) -> pd.DataFrame:
    """Suppress the small cells of a table of counts before it is shown to the public.

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

    Returns
    -------
    pandas.DataFrame
        A copy where ``column`` (nullable ``Int64``) is ``<NA>`` for every count below
        ``min_cell``, so the exact value cannot reach a chart or a download, plus
        ``<column>_label`` (string): ``"<5"`` or the formatted number.
    """
    out = counts.copy()
    values = pd.to_numeric(out[column], errors="coerce")
    small = values < min_cell
    out[f"{column}_label"] = pd.array(
        [suppressed_label(v, lang=lang, min_cell=min_cell) for v in values], dtype="string"
    )
    out[column] = values.round().astype("Int64").mask(small)
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


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


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
        The UMKM register (only ``sentra_id`` and ``status`` are read), or None. Active UMKM
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
        per = reg["sentra_id"].dropna().astype(str).value_counts()
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
    table.to_csv(buffer, index=False, float_format="%.6f")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- Map ---------------------------------------------------------------------------------------


def _popup_html(card: Mapping[str, object], *, lang: str, share_base: str | None) -> str:
    esc = html.escape
    rows = [
        (t("publik.card.produk", lang), ", ".join(card["produk"]) or "–"),  # type: ignore[arg-type]
        (t("publik.card.jumlah_umkm", lang), _text(card["jumlah_umkm"])),
        (t("publik.card.alamat", lang), _text(card["alamat"])),
        (t("publik.card.presisi", lang), _text(card["presisi_label"])),
    ]
    body = "".join(
        f'<tr><th style="text-align:left;padding-right:6px;vertical-align:top">{esc(k)}</th>'
        f"<td>{esc(v)}</td></tr>"
        for k, v in rows
    )
    links = []
    if card["directions_url"]:
        links.append(
            f'<a href="{esc(_text(card["directions_url"]))}" target="_blank" rel="noopener">'
            f"{esc(t('publik.card.arah', lang))}</a>"
        )
    if share_base is not None:
        links.append(
            f'<a href="{esc(share_url(share_base, _text(card["id"])))}" target="_top">'
            f"{esc(t('publik.card.tautan', lang))}</a>"
        )
    return (
        f'<div style="font-size:13px;max-width:260px">'
        f"<b>{esc(_text(card['nama']))}</b>"
        f'<table style="margin-top:4px">{body}</table>'
        f'<div style="margin-top:6px">{" · ".join(links)}</div></div>'
    )


def public_map(
    cards: pd.DataFrame,
    *,
    kecamatan: gpd.GeoDataFrame | None = None,
    selected: str | None = None,
    share_base: str | None = None,
    lang: str = "id",
    offline: bool | None = None,
) -> folium.Map:
    """Build the public map: sentra stars over kecamatan outlines, nothing else.

    Parameters
    ----------
    cards
        As from :func:`sentra_cards` (possibly filtered); cards without a point are skipped.
    kecamatan
        Kecamatan polygons (EPSG:4326, ``kode``, ``nama``) to outline, or None.
    selected
        The id of a card to centre on and mark with a larger, red-ringed star (a shared
        link), or None.
    share_base
        Address of the public page, for the "Tautan kartu" link in each popup; None leaves it
        out.
    lang
        Language of popups and tooltips.
    offline
        Load Leaflet from the vendored files (see :func:`geo.render.mapview.localize_assets`); by
        default :func:`geo.core.settings.offline_assets`.

    Returns
    -------
    folium.Map
        Map with OpenStreetMap tiles and the attribution "Batas wilayah:
        cahyadsn/wilayah_boundaries (MIT)". Popups hold only card fields: nama, products, the
        suppressed count, the sentra's address, location precision and links.
    """
    located = cards[cards["lat"].notna() & cards["lon"].notna()]
    chosen = located[located["id"] == selected] if selected is not None else located.iloc[0:0]
    if len(chosen):
        center = (float(chosen["lat"].iloc[0]), float(chosen["lon"].iloc[0]))
        zoom = 16
    else:
        center, zoom = CITY_CENTER, 12
    # No scale bar: on a phone it sits under the (wrapped) attribution.
    m = folium.Map(location=center, zoom_start=zoom, tiles=None)
    mapview.add_basemap(m, basemap="osm")
    if kecamatan is not None and len(kecamatan):
        mapview.add_kecamatan(
            m, kecamatan=kecamatan, name=t("publik.map.kecamatan", lang), lang=lang
        )
    group = folium.FeatureGroup(name=t("publik.map.sentra", lang)).add_to(m)
    for card in located.to_dict("records"):
        color = mapview.SECTOR_COLORS.get(str(card["sektor"]), mapview.SECTOR_COLORS["lainnya"])
        is_selected = card["id"] == selected
        size = 38 if is_selected else 26
        ring = "3px solid #d7191c" if is_selected else "2px solid #fff"
        icon = maptext.div_icon(
            (
                f'<div style="background:{color};color:#fff;border:{ring};'
                f"border-radius:50%;width:{size}px;height:{size}px;line-height:{size - 4}px;"
                f'text-align:center;font-size:{size // 2 + 2}px;box-shadow:0 0 3px #0008">'
                "&#9733;</div>"
            ),
            icon_size=(size, size),
            icon_anchor=(size // 2, size // 2),
            class_name="peta-sentra-publik",
        )
        folium.Marker(
            location=(float(card["lat"]), float(card["lon"])),
            icon=icon,
            tooltip=maptext.tooltip(html.escape(_text(card["nama"]))),
            popup=maptext.popup(
                _popup_html(card, lang=lang, share_base=share_base),
                max_width=280,
            ),
        ).add_to(group)
    if not len(chosen):
        # The whole city when its outline is given, else all the sentra shown.
        if kecamatan is not None and len(kecamatan):
            minx, miny, maxx, maxy = (float(v) for v in kecamatan.total_bounds)
            m.fit_bounds([[miny, minx], [maxy, maxx]])
        elif len(located) > 1:
            bounds = [
                [float(located["lat"].min()), float(located["lon"].min())],
                [float(located["lat"].max()), float(located["lon"].max())],
            ]
            m.fit_bounds(bounds, padding=(24, 24), max_zoom=15)
    mapview.add_attribution(m)
    if settings.offline_assets() if offline is None else offline:
        mapview.localize_assets(m)
    return m
