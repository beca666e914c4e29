"""Texts of the browser session (cookie) and of the demo accounts on the login page."""

MESSAGES: dict[str, dict[str, str]] = {
    "sesi.demo_hint": {
        "id": (
            "Akun contoh dicetak di konsol saat `make run` (satu per peran: demo-admin, "
            "demo-perencana, demo-pimpinan, demo-petugas; sandi baru setiap kali dijalankan). "
            "Akun ini dinonaktifkan begitu data nyata pertama diimpor atau admin nyata dibuat."
        ),
        "en": (
            "Demo accounts are printed in the console by `make run` (one per role: demo-admin, "
            "demo-perencana, demo-pimpinan, demo-petugas; new passwords at every run). They are "
            "disabled by the first real import or the first real admin account."
        ),
    },
    "sesi.return": {
        "id": "Setelah masuk, Anda kembali ke halaman yang tadi dibuka.",
        "en": "After signing in you return to the page you opened.",
    },
}
