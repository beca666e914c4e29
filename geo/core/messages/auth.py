"""Texts of login, logout, session expiry and the Admin page (users and audit log)."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.masuk": {"id": "Masuk petugas", "en": "Officer sign-in"},
    "nav.admin": {"id": "Admin", "en": "Admin"},
    # --- Login page ----------------------------------------------------------------------
    "auth.title": {"id": "Masuk petugas", "en": "Officer sign-in"},
    "auth.intro": {
        "id": (
            "Untuk perencana, pimpinan, dan admin Pemkot Malang. Warga tidak perlu masuk: "
            "Beranda dan Sentra UMKM terbuka untuk umum."
        ),
        "en": (
            "For Pemkot Malang planners, leadership and admins. Citizens need no account: "
            "Home and Sentra UMKM are open to everyone."
        ),
    },
    "auth.username": {"id": "Nama pengguna", "en": "Username"},
    "auth.password": {"id": "Kata sandi", "en": "Password"},
    "auth.submit": {"id": "Masuk", "en": "Sign in"},
    "auth.sso": {"id": "Masuk dengan akun kantor (SSO)", "en": "Sign in with work account (SSO)"},
    "auth.sso_no_role": {
        "id": (
            "Akun {email} belum punya peran di aplikasi ini. Hubungi admin untuk mendapatkan akses."
        ),
        "en": "The account {email} has no role in this app yet. Ask an admin for access.",
    },
    "auth.invalid": {
        "id": (
            "Nama pengguna atau kata sandi salah, atau akun tidak aktif atau sedang dikunci "
            "sementara. Jika akun Anda terkunci, tunggu 15 menit atau minta admin membukanya."
        ),
        "en": (
            "Wrong username or password, or the account is disabled or temporarily locked. If "
            "your account is locked, wait 15 minutes or ask an admin to unlock it."
        ),
    },
    "auth.locked": {
        "id": "Terlalu banyak percobaan gagal. Coba lagi setelah pukul {waktu} WIB.",
        "en": "Too many failed attempts. Try again after {waktu} WIB.",
    },
    "auth.revoked": {
        "id": "Akun Anda dinonaktifkan atau diubah oleh admin; sesi ini berakhir. Silakan masuk "
        "lagi.",
        "en": "Your account was disabled or changed by an admin; this session has ended. Please "
        "sign in again.",
    },
    "auth.expired": {
        "id": "Sesi Anda berakhir. Silakan masuk lagi.",
        "en": "Your session has ended. Please sign in again.",
    },
    "auth.signed_in_as": {
        "id": "Masuk sebagai **{user}** ({peran})",
        "en": "Signed in as **{user}** ({peran})",
    },
    "auth.logout": {"id": "Keluar", "en": "Sign out"},
    "access.refused_role": {
        "id": "Halaman ini tidak tersedia untuk peran Anda.",
        "en": "This page is not available to your role.",
    },
    "auth.role.publik": {"id": "Publik", "en": "Public"},
    "auth.role.perencana": {"id": "Perencana", "en": "Planner"},
    "auth.role.pimpinan": {"id": "Pimpinan", "en": "Leadership"},
    "auth.role.admin": {"id": "Admin", "en": "Admin"},
    "auth.role.petugas": {"id": "Petugas lapangan", "en": "Field officer"},
    # --- Errors of user management (geo.services.auth.AuthError codes) ----------------------------
    "auth.err_username": {
        "id": "Nama pengguna tidak sah: pakai 3-64 huruf kecil, angka, atau . _ @ + -",
        "en": "Invalid username: use 3-64 lower-case letters, digits or . _ @ + -",
    },
    "auth.err_password_weak": {
        "id": (
            "Kata sandi terlalu mudah ditebak (kata sandi umum, pola papan ketik, atau "
            "pengulangan). Pakai beberapa kata yang tidak berhubungan."
        ),
        "en": (
            "The password is too easy to guess (a common password, a keyboard pattern or a "
            "repetition). Use a few unrelated words."
        ),
    },
    "admin.unlock": {"id": "Buka kunci", "en": "Unlock"},
    "auth.err_password_encoding": {
        "id": "Kata sandi bukan teks UTF-8.",
        "en": "The password is not UTF-8 text.",
    },
    "auth.err_no_terminal": {
        "id": "Tidak ada terminal untuk menanyakan kata sandi: pakai --password-stdin.",
        "en": "No terminal to ask for the password: use --password-stdin.",
    },
    "auth.err_password_short": {
        "id": "Kata sandi minimal {n} karakter.",
        "en": "The password needs at least {n} characters.",
    },
    "auth.err_password_username": {
        "id": "Kata sandi tidak boleh sama dengan nama pengguna.",
        "en": "The password must not be the username.",
    },
    "auth.err_password_mismatch": {
        "id": "Kedua kata sandi tidak sama.",
        "en": "The two passwords differ.",
    },
    "auth.err_role": {"id": "Peran tidak dikenal: {peran}", "en": "Unknown role: {peran}"},
    "auth.err_exists": {
        "id": "Nama pengguna {username} sudah dipakai.",
        "en": "The username {username} is taken.",
    },
    "auth.err_unknown_user": {
        "id": "Pengguna {username} tidak ada.",
        "en": "There is no user {username}.",
    },
    "auth.err_self": {
        "id": "Anda tidak dapat menonaktifkan akun Anda sendiri.",
        "en": "You cannot disable your own account.",
    },
    "auth.err_action": {"id": "Perintah tidak dikenal.", "en": "Unknown command."},
    # --- Admin page ----------------------------------------------------------------------
    "admin.title": {"id": "Admin: pengguna dan log audit", "en": "Admin: users and audit log"},
    "admin.tab_users": {"id": "Pengguna", "en": "Users"},
    "admin.tab_audit": {"id": "Log audit", "en": "Audit log"},
    "admin.users_caption": {
        "id": "Akun petugas. Kata sandi disimpan sebagai hash Argon2id, tidak pernah ditampilkan.",
        "en": "Officer accounts. Passwords are stored as Argon2id hashes and never shown.",
    },
    "admin.col_username": {"id": "Nama pengguna", "en": "Username"},
    "admin.col_peran": {"id": "Peran", "en": "Role"},
    "admin.col_aktif": {"id": "Aktif", "en": "Active"},
    "admin.col_dibuat": {"id": "Dibuat (UTC)", "en": "Created (UTC)"},
    "admin.col_gagal": {"id": "Gagal masuk", "en": "Failed logins"},
    "admin.col_terkunci": {"id": "Terkunci sampai (UTC)", "en": "Locked until (UTC)"},
    "admin.add_header": {"id": "Tambah pengguna", "en": "Add a user"},
    "admin.password_repeat": {"id": "Ulangi kata sandi", "en": "Repeat password"},
    "admin.add_submit": {"id": "Tambah", "en": "Add"},
    "admin.added": {"id": "Pengguna {username} ditambahkan.", "en": "User {username} added."},
    "admin.manage_header": {"id": "Kelola pengguna", "en": "Manage a user"},
    "admin.select_user": {"id": "Pengguna", "en": "User"},
    "admin.new_role": {"id": "Peran baru", "en": "New role"},
    "admin.set_role": {"id": "Ubah peran", "en": "Change role"},
    "admin.new_password": {"id": "Kata sandi baru", "en": "New password"},
    "admin.set_password": {"id": "Ganti kata sandi", "en": "Change password"},
    "admin.disable": {"id": "Nonaktifkan", "en": "Disable"},
    "admin.enable": {"id": "Aktifkan", "en": "Enable"},
    "admin.done": {"id": "Tersimpan dan tercatat di log audit.", "en": "Saved and audited."},
    "admin.audit_caption": {
        "id": "Siapa mengimpor, mengubah data, mencatat kunjungan, atau mengelola pengguna, "
        "dan kapan (UTC). Menampilkan {n} entri terbaru.",
        "en": "Who imported, edited data, logged visits or managed users, and when (UTC). "
        "Showing the newest {n} entries.",
    },
    "admin.col_waktu": {"id": "Waktu (UTC)", "en": "Time (UTC)"},
    "admin.col_pengguna": {"id": "Pengguna", "en": "User"},
    "admin.col_aksi": {"id": "Aksi", "en": "Action"},
    "admin.col_objek": {"id": "Objek", "en": "Object"},
    "admin.col_rincian": {"id": "Rincian", "en": "Details"},
    "admin.filter_aksi": {"id": "Saring aksi", "en": "Filter actions"},
    "admin.empty": {"id": "Belum ada entri.", "en": "No entries yet."},
}
