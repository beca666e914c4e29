"""The one message catalogue of the app: every UI text in Bahasa Indonesia and English.

Bahasa Indonesia (``id``) comes first and is the fallback; English (``en``) is selectable.
Official terms stay as they are in both languages: UMKM, kelurahan, kecamatan, sentra,
Sahabat UMKM, kode wilayah.

Numbers follow the language's convention: ``21.270`` and ``70,9%`` in Bahasa Indonesia,
``21,270`` and ``70.9%`` in English.
"""

from __future__ import annotations

import string
from typing import Any

from geo.core.register import SECTORS

__all__ = [
    "LANGUAGES",
    "MESSAGES",
    "UNKNOWN_CATEGORY",
    "category_label",
    "chart_locale",
    "format_number",
    "format_percent",
    "normalize_lang",
    "number_separators",
    "placeholders",
    "t",
]

#: Selectable UI languages: code -> name in that language.
LANGUAGES: dict[str, str] = {"id": "Bahasa Indonesia", "en": "English"}

_FALLBACK_LANG = "id"

#: Category key for rows whose value is missing or unknown (see :mod:`geo.analysis.kpi`).
UNKNOWN_CATEGORY = "tidak_diketahui"

#: Message key -> {language code -> text}. Texts may hold ``str.format`` placeholders; both
#: languages of a key use the same ones.
MESSAGES: dict[str, dict[str, str]] = {
    # --- App shell -------------------------------------------------------------------------
    "app.title": {
        "id": "Peta Sentra UMKM Kota Malang",
        "en": "Peta Sentra UMKM Kota Malang",
    },
    "app.language": {"id": "Bahasa / Language", "en": "Bahasa / Language"},
    "nav.beranda": {"id": "Beranda", "en": "Home"},
    # --- Beranda (landing page) ------------------------------------------------------------
    "beranda.title": {
        "id": "Peta Sentra UMKM Kota Malang",
        "en": "Peta Sentra UMKM Kota Malang",
    },
    "beranda.intro": {
        "id": (
            "Ringkasan UMKM terkurasi Kota Malang: kemajuan program Sahabat UMKM, "
            "pertumbuhan register, dan sebaran per kecamatan, sektor, dan skala usaha."
        ),
        "en": (
            "Summary of Kota Malang's curated UMKM: progress of the Sahabat UMKM program, "
            "growth of the register, and the spread by kecamatan, sector and business size."
        ),
    },
    "beranda.demo_banner": {
        "id": (
            "**Data contoh.** Usaha, lokasi, dan angka di aplikasi ini dibuat otomatis untuk "
            "peragaan; bukan data UMKM sebenarnya."
        ),
        "en": (
            "**Data contoh (sample data).** The businesses, locations and figures in this app "
            "are generated for demonstration; they are not real UMKM records."
        ),
    },
    "beranda.progress_header": {
        "id": "Kemajuan program Sahabat UMKM",
        "en": "Progress of the Sahabat UMKM program",
    },
    "beranda.metric_curated": {"id": "UMKM terkurasi (aktif)", "en": "Curated UMKM (active)"},
    "beranda.metric_curated_help": {
        "id": "Jumlah UMKM berstatus aktif di register aplikasi ini.",
        "en": "Number of UMKM with status aktif (active) in this app's register.",
    },
    "beranda.metric_target": {"id": "Target program", "en": "Program target"},
    "beranda.metric_target_delta": {"id": "{share} tercapai", "en": "{share} reached"},
    "beranda.metric_growth": {
        "id": "Pertumbuhan sejak {earlier}",
        "en": "Growth since {earlier}",
    },
    "beranda.progress_text": {
        "id": "{count} dari target {target} UMKM terkurasi ({share})",
        "en": "{count} of the target of {target} curated UMKM ({share})",
    },
    "beranda.source_caption": {
        "id": (
            "Angka resmi: {now} UMKM terkurasi dari target {target} (sebelumnya {earlier}). "
            "Sumber: Pemkot Malang, program Sahabat UMKM. Angka di atas dihitung dari "
            "register aplikasi ini."
        ),
        "en": (
            "Official figures: {now} curated UMKM against a target of {target} (earlier "
            "{earlier}). Source: Pemkot Malang, program Sahabat UMKM. The figures above are "
            "counted from this app's register."
        ),
    },
    "beranda.over_time_header": {
        "id": "UMKM terkurasi per bulan (kumulatif)",
        "en": "Curated UMKM by month (cumulative)",
    },
    "beranda.over_time_empty": {
        "id": "Belum ada tanggal kurasi di register.",
        "en": "The register has no curation dates yet.",
    },
    "beranda.by_kecamatan": {"id": "UMKM per kecamatan", "en": "UMKM by kecamatan"},
    "beranda.by_sektor": {"id": "UMKM per sektor", "en": "UMKM by sector"},
    "beranda.by_skala": {"id": "UMKM per skala usaha", "en": "UMKM by business size"},
    "beranda.empty": {
        "id": (
            "Penyimpanan data masih kosong: belum ada register UMKM. Admin dapat memuat data "
            "contoh di halaman Admin (atau dengan `python -m geo demo`) untuk melihat aplikasi "
            "bekerja; data contoh dapat diganti dengan register sebenarnya kapan saja."
        ),
        "en": (
            "The data store is empty: there is no UMKM register yet. An admin can load sample "
            "data on the Admin page (or with `python -m geo demo`) to see the app at work; it "
            "can be replaced by the real register at any time."
        ),
    },
    "beranda.demo_admin_link": {
        "id": "Muat data contoh di halaman Admin",
        "en": "Load sample data on the Admin page",
    },
    "beranda.demo_button": {"id": "Buat data contoh", "en": "Create sample data"},
    "beranda.demo_running": {"id": "Membuat data contoh…", "en": "Creating sample data…"},
    "beranda.demo_saving": {
        "id": "Menyimpan data contoh ke basis data…",
        "en": "Saving the sample data to the database…",
    },
    "beranda.demo_done": {
        "id": "Data contoh siap: {count} UMKM.",
        "en": "Sample data ready: {count} UMKM.",
    },
    "beranda.demo_failed": {
        "id": "Gagal membuat data contoh (rujukan log server: {ref}).",
        "en": "Could not create sample data (server log reference: {ref}).",
    },
    "beranda.demo_replace_warning": {
        "id": (
            "Memuat data contoh MENGGANTI seluruh data yang tersimpan ({count} UMKM sekarang). "
            "Tindakan ini dicatat di log audit."
        ),
        "en": (
            "Loading sample data REPLACES all stored data ({count} UMKM now). The action is "
            "recorded in the audit log."
        ),
    },
    "admin.tab_demo": {"id": "Data contoh", "en": "Sample data"},
    "admin.demo_confirm": {
        "id": "Saya mengerti: ganti data yang tersimpan",
        "en": "I understand: replace the stored data",
    },
    "common.failed": {
        "id": "Terjadi kesalahan; tidak ada yang berubah. Rujukan log server: {ref}.",
        "en": "Something went wrong; nothing changed. Server log reference: {ref}.",
    },
    # --- Chart axes ------------------------------------------------------------------------
    "axis.month": {"id": "Bulan", "en": "Month"},
    "axis.count": {"id": "Jumlah UMKM", "en": "Number of UMKM"},
    "axis.kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "axis.sektor": {"id": "Sektor", "en": "Sector"},
    "axis.skala": {"id": "Skala usaha", "en": "Business size"},
    # --- Category labels -------------------------------------------------------------------
    "skala.mikro": {"id": "Mikro", "en": "Micro"},
    "skala.kecil": {"id": "Kecil", "en": "Small"},
    "skala.menengah": {"id": "Menengah", "en": "Medium"},
    "status.aktif": {"id": "Aktif", "en": "Active"},
    "status.tidak_aktif": {"id": "Tidak aktif", "en": "Inactive"},
    f"category.{UNKNOWN_CATEGORY}": {"id": "Tidak diketahui", "en": "Unknown"},
}


def _merge_feature_messages() -> None:
    """Add the tables of :mod:`geo.core.messages` to :data:`MESSAGES` (a key only once)."""
    import importlib
    import pkgutil

    import geo.core.messages

    for info in sorted(pkgutil.iter_modules(geo.core.messages.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"geo.core.messages.{info.name}")
        for key, texts in module.MESSAGES.items():
            if key in MESSAGES:
                raise RuntimeError(
                    f"message key {key!r} defined twice (geo.core.messages.{info.name})"
                )
            MESSAGES[key] = texts


_merge_feature_messages()


def normalize_lang(lang: str | None) -> str:
    """Return ``lang`` if it is a known language code, else the fallback ``"id"``."""
    return lang if lang in LANGUAGES else _FALLBACK_LANG


def t(key: str, lang: str = "id", **fmt: Any) -> str:
    """Return the text of message ``key`` in ``lang``, formatted with ``fmt``.

    Parameters
    ----------
    key
        A key of :data:`MESSAGES`.
    lang
        Language code; an unknown code or a missing translation falls back to ``"id"``.
    **fmt
        Values for the message's ``{placeholders}``.

    Returns
    -------
    str
        The message text.

    Raises
    ------
    KeyError
        If ``key`` is not in the catalogue (so a typo fails loudly in tests).

    """
    texts = MESSAGES[key]
    text = texts.get(lang) or texts[_FALLBACK_LANG]
    return text.format(**fmt) if fmt else text


def placeholders(text: str) -> set[str]:
    """Return the names of the ``str.format`` placeholders in ``text``."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def number_separators(lang: str = "id") -> tuple[str, str]:
    """Return the language's ``(decimal mark, thousands separator)``.

    Examples
    --------
    >>> number_separators("id")
    (',', '.')
    >>> number_separators("en")
    ('.', ',')

    """
    return (",", ".") if normalize_lang(lang) == "id" else (".", ",")


def format_number(
    value: float, lang: str = "id", *, decimals: int = 0, signed: bool = False
) -> str:
    """Format a number with the language's separators.

    Parameters
    ----------
    value
        The number.
    lang
        ``"id"``: ``.`` groups thousands and ``,`` marks decimals (``21.270``, ``3,5``);
        ``"en"``: the other way round (``21,270``, ``3.5``).
    decimals
        Digits after the decimal mark.
    signed
        Prefix positive numbers with ``+`` (for changes).

    Returns
    -------
    str
        The formatted number.

    Examples
    --------
    >>> format_number(21270)
    '21.270'
    >>> format_number(21270, lang="en")
    '21,270'
    >>> format_number(1234.5, decimals=1)
    '1.234,5'
    >>> format_number(2270, signed=True)
    '+2.270'

    """
    sign = "+" if signed else ""
    text = f"{value:{sign},.{decimals}f}"
    decimal, thousands = number_separators(lang)
    return "".join({",": thousands, ".": decimal}.get(ch, ch) for ch in text)


def format_percent(
    share: float, lang: str = "id", *, decimals: int = 1, signed: bool = False
) -> str:
    """Format a share (``0.709`` for 70.9 %) as a percentage in the language's style.

    Examples
    --------
    >>> format_percent(0.709)
    '70,9%'
    >>> format_percent(0.709, lang="en")
    '70.9%'
    >>> format_percent(2270 / 19000, signed=True)
    '+11,9%'

    """
    return f"{format_number(share * 100, lang, decimals=decimals, signed=signed)}%"


_MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
_DAYS_ID = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"]


def chart_locale(lang: str = "id") -> dict[str, Any]:
    """Return a Vega-Lite ``config.locale`` for charts: number separators and, in ``id``, dates.

    Parameters
    ----------
    lang
        Language code.

    Returns
    -------
    dict
        ``{"number": {...}}`` plus ``"time"`` month and day names for Bahasa Indonesia (an
        English chart keeps Vega's built-in en-US time locale).

    """
    decimal, thousands = number_separators(lang)
    locale: dict[str, Any] = {
        "number": {
            "decimal": decimal,
            "thousands": thousands,
            "grouping": [3],
            "currency": ["Rp", ""] if normalize_lang(lang) == "id" else ["IDR ", ""],
        }
    }
    if normalize_lang(lang) == "id":
        locale["time"] = {
            "dateTime": "%A, %e %B %Y pukul %X",
            "date": "%d/%m/%Y",
            "time": "%H.%M.%S",
            "periods": ["AM", "PM"],
            "days": _DAYS_ID,
            "shortDays": [d[:3] for d in _DAYS_ID],
            "months": _MONTHS_ID,
            "shortMonths": [m[:3] for m in _MONTHS_ID],
        }
    return locale


def category_label(column: str, value: str, lang: str = "id") -> str:
    """Return the display label of a category value of a register column.

    Parameters
    ----------
    column
        ``"sektor"`` (labels from :data:`geo.core.register.SECTORS`), ``"skala"`` or ``"status"``
        (labels from the catalogue); any other column returns ``value`` unchanged.
    value
        The category code, or :data:`UNKNOWN_CATEGORY`.
    lang
        Language code.

    Returns
    -------
    str
        The label; an unknown code is returned as it is.

    """
    if value == UNKNOWN_CATEGORY:
        return t(f"category.{UNKNOWN_CATEGORY}", lang)
    if column == "sektor" and value in SECTORS:
        sector = SECTORS[value]
        return sector.label_en if normalize_lang(lang) == "en" else sector.label_id
    key = f"{column}.{value}"
    if key in MESSAGES:
        return t(key, lang)
    return value
