"""Texts of "Kunjungan saya": an officer's routes of the day, check-in and the visit form."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.kunjungan_saya": {"id": "Kunjungan saya", "en": "My visits"},
}
