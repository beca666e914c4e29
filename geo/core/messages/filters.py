"""Texts of the filter widgets shared by several pages."""

MESSAGES: dict[str, dict[str, str]] = {
    "filter.sektor": {"id": "Sektor", "en": "Sector"},
    "filter.skala": {"id": "Skala usaha", "en": "Size class"},
    "filter.semua": {"id": "Semua", "en": "All"},
}
