"""Texts of "Kunjungan saya": an officer's routes of the day, check-in and the visit form."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.kunjungan_saya": {"id": "Kunjungan saya", "en": "My visits"},
    "kunjungan.tanggal": {"id": "Tanggal", "en": "Date"},
    "kunjungan.tanggal_lain": {"id": "Rute hari lain", "en": "Another day's route"},
    "kunjungan.rute": {"id": "Rute", "en": "Route"},
    "kunjungan.rute_label": {
        "id": "{judul} · rute {nomor}",
        "en": "{judul} · route {nomor}",
    },
    "kunjungan.kosong": {
        "id": "Tidak ada rute untuk Anda pada {tanggal}. Rute diberikan oleh perencana di "
        "halaman Perencanaan Kunjungan.",
        "en": "No route assigned to you on {tanggal}. Planners assign routes on the Visit "
        "planning page.",
    },
    "kunjungan.kemajuan": {
        "id": "{selesai} dari {jumlah} perhentian selesai",
        "en": "{selesai} of {jumlah} stops done",
    },
    # Location
    "kunjungan.lokasi.tombol": {"id": "Ambil lokasi saya", "en": "Get my location"},
    "kunjungan.lokasi.menunggu": {"id": "Mencari lokasi…", "en": "Finding your location…"},
    "kunjungan.lokasi.ditolak": {
        "id": "Izin lokasi ditolak. Izinkan lokasi untuk situs ini di pengaturan browser.",
        "en": "Location permission denied. Allow location for this site in the browser.",
    },
    "kunjungan.lokasi.gagal": {
        "id": "Lokasi belum didapat. Coba lagi di tempat terbuka.",
        "en": "No location yet. Try again in the open.",
    },
    "kunjungan.lokasi.tidak_didukung": {
        "id": "Browser ini tidak dapat memberi lokasi.",
        "en": "This browser cannot give a location.",
    },
    "kunjungan.lokasi.ada": {
        "id": "Lokasi Anda: akurasi ±{akurasi}",
        "en": "Your location: accuracy ±{akurasi}",
    },
    "kunjungan.lokasi.umur": {"id": "diambil {menit} menit lalu", "en": "taken {menit} min ago"},
    "kunjungan.lokasi.belum": {
        "id": "Lokasi belum diambil: jarak ke tiap perhentian muncul setelah lokasi diambil.",
        "en": "No location yet: distances to the stops show once it is taken.",
    },
    # Stop list
    "kunjungan.daftar": {"id": "Rute hari ini", "en": "Today's route"},
    "kunjungan.col.tiba": {"id": "Rencana tiba", "en": "Planned arrival"},
    "kunjungan.col.status": {"id": "Status", "en": "Status"},
    "kunjungan.status.belum": {"id": "Belum", "en": "Not yet"},
    "kunjungan.status.selesai": {"id": "Selesai", "en": "Done"},
    "kunjungan.status.tidak_bertemu": {"id": "Tidak bertemu", "en": "Not met"},
    "kunjungan.jenis.umkm": {"id": "UMKM", "en": "UMKM"},
    "kunjungan.jenis.sentra": {"id": "Sentra", "en": "Sentra"},
    "kunjungan.jenis.kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "kunjungan.jarak": {"id": "{jarak} dari Anda", "en": "{jarak} from you"},
    "kunjungan.arah": {"id": "Petunjuk arah", "en": "Directions"},
    "kunjungan.arah_osm": {"id": "OSM", "en": "OSM"},
    "kunjungan.pemilik": {"id": "Pemilik", "en": "Owner"},
    "kunjungan.telepon": {"id": "Telepon", "en": "Phone"},
    "kunjungan.alamat": {"id": "Alamat", "en": "Address"},
    "kunjungan.alasan": {"id": "Alasan: {alasan}", "en": "Reason: {alasan}"},
    "kunjungan.peta.posisi_saya": {"id": "Posisi saya", "en": "My position"},
    # Visit at a stop
    "kunjungan.catat": {"id": "Catat kunjungan", "en": "Log the visit"},
    "kunjungan.pilih_henti": {"id": "Perhentian", "en": "Stop"},
    "kunjungan.semua_selesai": {
        "id": "Semua perhentian rute ini sudah dikunjungi. Terima kasih!",
        "en": "Every stop of this route has been visited. Thank you!",
    },
    "kunjungan.checkin.dalam": {
        "id": "Check-in: {jarak} dari lokasi perhentian (dalam radius {radius}).",
        "en": "Check-in: {jarak} from the stop (within {radius}).",
    },
    "kunjungan.checkin.luar": {
        "id": "Check-in: {jarak} dari lokasi perhentian, di luar radius {radius}. Kunjungan "
        "tetap boleh disimpan dan akan ditandai.",
        "en": "Check-in: {jarak} from the stop, beyond {radius}. The visit may still be "
        "saved and will be marked.",
    },
    "kunjungan.checkin.akurasi_rendah": {
        "id": "Akurasi lokasi rendah (±{akurasi}); ambil lokasi lagi bila bisa.",
        "en": "Low location accuracy (±{akurasi}); take the location again if you can.",
    },
    "kunjungan.checkin.tanpa_lokasi": {
        "id": "Belum ada lokasi: kunjungan disimpan tanpa check-in. Ambil lokasi dulu bila bisa.",
        "en": "No location yet: the visit is saved without a check-in. Take it first if you can.",
    },
    "kunjungan.form.kebutuhan": {"id": "Kebutuhan yang ditemukan", "en": "Needs found"},
    "kunjungan.form.catatan": {"id": "Catatan", "en": "Notes"},
    "kunjungan.form.tindak_lanjut": {"id": "Tanggal tindak lanjut", "en": "Follow-up date"},
    "kunjungan.form.foto": {"id": "Foto (opsional)", "en": "Photo (optional)"},
    "kunjungan.form.foto_help": {
        "id": "Satu foto; diperkecil dan data lokasi/kamera di dalamnya dihapus.",
        "en": "One photo; made smaller, its location/camera data removed.",
    },
    "kunjungan.form.simpan": {"id": "Simpan kunjungan", "en": "Save visit"},
    "kunjungan.form.pilih": {"id": "Pilih", "en": "Choose"},
    "kunjungan.tersimpan": {
        "id": "Kunjungan {id} tersimpan. Prioritas kelurahan sudah diperbarui.",
        "en": "Visit {id} saved. The kelurahan's priority is updated.",
    },
    "kunjungan.sudah_tersimpan": {
        "id": "Kunjungan ini sudah tersimpan sebelumnya ({id}); tidak disimpan dua kali.",
        "en": "This visit was already saved ({id}); it is not stored twice.",
    },
    "kunjungan.gagal": {
        "id": "Kunjungan belum tersimpan: {error}",
        "en": "Visit not saved: {error}",
    },
    "kunjungan.foto_gagal": {
        "id": "Foto tidak dapat dipakai: {error}",
        "en": "Photo refused: {error}",
    },
    "kunjungan.tidak_bertemu.judul": {
        "id": "Tidak bertemu pemilik?",
        "en": "Owner not met?",
    },
    "kunjungan.tidak_bertemu.alasan": {"id": "Alasan", "en": "Reason"},
    "kunjungan.tidak_bertemu.simpan": {
        "id": "Tandai tidak bertemu",
        "en": "Mark as not met",
    },
    "kunjungan.tidak_bertemu.tersimpan": {
        "id": "Perhentian {nomor} ditandai tidak bertemu.",
        "en": "Stop {nomor} marked as not met.",
    },
    "kunjungan.belum_tersedia": {
        "id": "Rencana kunjungan belum tersedia di penyimpanan ini.",
        "en": "Visit plans are not available in this store yet.",
    },
}
