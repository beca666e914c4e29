"""Texts of saved plans on Perencanaan Kunjungan: save, assign, reopen, cancel, re-plan."""

MESSAGES: dict[str, dict[str, str]] = {
    # Saving a solved plan
    "rencana.simpan.header": {"id": "Simpan rencana", "en": "Save the plan"},
    "rencana.simpan.intro": {
        "id": "Simpan rute ini dengan tanggal dan tugaskan tiap rute ke akun petugas. Petugas "
        "melihat rutenya di halaman Kunjungan saya.",
        "en": "Save these routes with a date and assign each route to an officer account. "
        "Officers see their route on the My visits page.",
    },
    "rencana.simpan.tanggal": {"id": "Tanggal kunjungan", "en": "Visit date"},
    "rencana.simpan.judul": {"id": "Judul rencana", "en": "Plan title"},
    "rencana.simpan.judul_default": {
        "id": "Kunjungan {tanggal}",
        "en": "Visits {tanggal}",
    },
    "rencana.simpan.petugas_rute": {
        "id": "Petugas rute {nomor} ({jumlah} perhentian)",
        "en": "Officer of route {nomor} ({jumlah} stops)",
    },
    "rencana.simpan.tanpa_akun": {
        "id": "Belum ada akun aktif berperan petugas, perencana atau admin. Rute dapat "
        "disimpan tanpa petugas dan ditugaskan nanti.",
        "en": "No active account with role petugas, perencana or admin yet. Routes can be "
        "saved unassigned and assigned later.",
    },
    "rencana.simpan.tombol": {"id": "Simpan rencana", "en": "Save plan"},
    "rencana.simpan.berhasil": {
        "id": "Rencana {id} tersimpan. Lihat tab Rencana tersimpan untuk status kunjungan.",
        "en": "Plan {id} saved. See the Saved plans tab for the visit status.",
    },
    "rencana.simpan.sudah": {
        "id": "Rute ini sudah disimpan sebagai rencana {id}.",
        "en": "These routes are already saved as plan {id}.",
    },
    "rencana.simpan.gagal": {
        "id": "Rencana tidak tersimpan: {error}",
        "en": "Plan not saved: {error}",
    },
    "rencana.belum_ditugaskan": {"id": "(belum ditugaskan)", "en": "(not assigned)"},
    # The list of saved plans
    "rencana.tab": {"id": "Rencana tersimpan", "en": "Saved plans"},
    "rencana.daftar.header": {"id": "Rencana tersimpan", "en": "Saved plans"},
    "rencana.daftar.semua": {
        "id": "Tampilkan juga rencana yang dibatalkan atau diganti",
        "en": "Also show cancelled and replaced plans",
    },
    "rencana.daftar.kosong": {
        "id": "Belum ada rencana tersimpan. Buat rute di tab Rencana rute lalu simpan.",
        "en": "No saved plan yet. Plan routes on the Route plan tab, then save them.",
    },
    "rencana.daftar.buka": {"id": "Buka rencana", "en": "Open plan"},
    "rencana.daftar.label": {
        "id": "{id} · {tanggal} · {judul} ({status})",
        "en": "{id} · {tanggal} · {judul} ({status})",
    },
    "rencana.col.id": {"id": "Rencana", "en": "Plan"},
    "rencana.col.tanggal": {"id": "Tanggal", "en": "Date"},
    "rencana.col.judul": {"id": "Judul", "en": "Title"},
    "rencana.col.status": {"id": "Status", "en": "Status"},
    "rencana.col.rute": {"id": "Rute", "en": "Routes"},
    "rencana.col.kemajuan": {"id": "Selesai", "en": "Done"},
    "rencana.col.pembuat": {"id": "Dibuat oleh", "en": "Made by"},
    "rencana.col.urutan": {"id": "No.", "en": "No."},
    "rencana.col.tiba": {"id": "Rencana tiba", "en": "Planned arrival"},
    "rencana.col.nama": {"id": "Tujuan", "en": "Destination"},
    "rencana.col.jenis": {"id": "Jenis", "en": "Kind"},
    "rencana.col.alasan": {"id": "Alasan", "en": "Reason"},
    "rencana.col.diperbarui": {"id": "Diperbarui (WIB)", "en": "Updated (WIB)"},
    "rencana.status.aktif": {"id": "aktif", "en": "active"},
    "rencana.status.dibatalkan": {"id": "dibatalkan", "en": "cancelled"},
    "rencana.status.diganti": {"id": "diganti", "en": "replaced"},
    "rencana.henti.belum": {"id": "Belum", "en": "Not yet"},
    "rencana.henti.selesai": {"id": "Selesai", "en": "Done"},
    "rencana.henti.tidak_bertemu": {"id": "Tidak bertemu", "en": "Not met"},
    # One plan, reopened
    "rencana.detail.ringkas": {
        "id": "{tanggal} · {selesai} dari {jumlah} perhentian selesai, {tidak} tidak bertemu.",
        "en": "{tanggal} · {selesai} of {jumlah} stops done, {tidak} not met.",
    },
    "rencana.detail.asal": {
        "id": "Hasil perencanaan ulang dari {id}.",
        "en": "Re-planned from {id}.",
    },
    "rencana.detail.diganti": {
        "id": "Rencana ini sudah diganti oleh {id}.",
        "en": "This plan was replaced by {id}.",
    },
    "rencana.detail.live": {
        "id": "Status diperbarui otomatis setiap {detik} detik.",
        "en": "The status refreshes every {detik} seconds.",
    },
    "rencana.detail.rute": {
        "id": "Rute {nomor} · {petugas} · {selesai}/{jumlah} selesai",
        "en": "Route {nomor} · {petugas} · {selesai}/{jumlah} done",
    },
    "rencana.detail.tidak_terjadwal": {
        "id": "Tidak terjadwal: {daftar}",
        "en": "Not scheduled: {daftar}",
    },
    "rencana.tugas.header": {"id": "Penugasan rute", "en": "Route assignment"},
    "rencana.tugas.rute": {"id": "Petugas rute {nomor}", "en": "Officer of route {nomor}"},
    "rencana.tugas.tombol": {"id": "Simpan penugasan", "en": "Save assignment"},
    "rencana.tugas.berhasil": {
        "id": "Penugasan rencana {id} diperbarui.",
        "en": "Assignment of plan {id} updated.",
    },
    "rencana.ulang.header": {"id": "Rencanakan ulang", "en": "Re-plan"},
    "rencana.ulang.intro": {
        "id": "Perhentian yang sudah selesai tetap selesai; perhentian lain direncanakan "
        "ulang menjadi rencana baru, dan rencana ini menjadi riwayat.",
        "en": "Stops already done stay done; the other stops are planned again as a new "
        "plan, and this plan becomes history.",
    },
    "rencana.ulang.mulai": {"id": "Mulai dari jam", "en": "Start at"},
    "rencana.ulang.tombol": {"id": "Rencanakan ulang", "en": "Re-plan"},
    "rencana.ulang.berjalan": {"id": "Merencanakan ulang…", "en": "Re-planning…"},
    "rencana.ulang.berhasil": {
        "id": "Rencana baru {id} tersimpan; {lama} menjadi riwayat.",
        "en": "New plan {id} saved; {lama} is now history.",
    },
    "rencana.batal.header": {"id": "Batalkan rencana", "en": "Cancel the plan"},
    "rencana.batal.yakin": {
        "id": "Ya, batalkan rencana ini (rute hilang dari Kunjungan saya petugas)",
        "en": "Yes, cancel this plan (its routes leave the officers' My visits)",
    },
    "rencana.batal.tombol": {"id": "Batalkan rencana", "en": "Cancel plan"},
    "rencana.batal.berhasil": {"id": "Rencana {id} dibatalkan.", "en": "Plan {id} cancelled."},
    "rencana.gagal": {"id": "Tidak dapat dilakukan: {error}", "en": "Not possible: {error}"},
}
