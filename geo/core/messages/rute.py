"""Texts of visit planning ("Perencanaan Kunjungan"): routes, exports, visit sheet, visit log."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.perencanaan": {"id": "Perencanaan Kunjungan", "en": "Visit planning"},
    "rute.title": {"id": "Perencanaan Kunjungan", "en": "Visit planning"},
    "rute.intro": {
        "id": (
            "Susun rute kunjungan petugas (tindak lanjut Sahabat UMKM, Program Ngombe) dari "
            "kelurahan yang ditandai, sentra, atau UMKM tertentu; unduh rute dan lembar "
            "kunjungan; catat hasil kunjungan."
        ),
        "en": (
            "Plan officers' visit routes (Sahabat UMKM follow-ups, Program Ngombe) to flagged "
            "kelurahan, sentra or individual UMKM; download the routes and visit sheets; log "
            "what the visits found."
        ),
    },
    "rute.tab.rencana": {"id": "Rencana rute", "en": "Route plan"},
    "rute.tab.catatan": {"id": "Catatan kunjungan", "en": "Visit log"},
    # --- ranked list and stop choice ----------------------------------------------------------
    "rute.prioritas.header": {
        "id": "Kelurahan ditandai, urut prioritas kunjungan",
        "en": "Flagged kelurahan by visit priority",
    },
    "rute.prioritas.caption": {
        "id": (
            "Prioritas 0–100 menggabungkan kekurangan Sahabat UMKM, jumlah UMKM, lama sejak "
            "kunjungan terakhir, dan pangsa usaha mikro; kunjungan yang dicatat di tab "
            "Catatan kunjungan langsung menurunkan prioritas."
        ),
        "en": (
            "Priority 0–100 combines the shortage of Sahabat UMKM, the number of UMKM, the time "
            "since the latest visit and the share of micro businesses; a visit logged in the "
            "Visit log tab lowers it at once."
        ),
    },
    "rute.prioritas.empty": {
        "id": "Tidak ada kelurahan yang ditandai saat ini.",
        "en": "No kelurahan is flagged at the moment.",
    },
    "rute.pilih.header": {"id": "Titik kunjungan", "en": "Stops"},
    "rute.pilih.kelurahan": {
        "id": "Kelurahan (peringkat, prioritas; ⚑ = ditandai)",
        "en": "Kelurahan (rank, priority; ⚑ = flagged)",
    },
    "rute.pilih.sentra": {"id": "Sentra", "en": "Sentra"},
    "rute.pilih.placeholder": {"id": "Pilih…", "en": "Choose…"},
    "rute.belum_pernah": {"id": "belum pernah", "en": "never"},
    "rute.pilih.umkm_header": {"id": "Tambah UMKM tertentu", "en": "Add individual UMKM"},
    "rute.pilih.umkm_kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "rute.pilih.semua": {"id": "Semua kelurahan", "en": "All kelurahan"},
    "rute.pilih.umkm_sektor": {"id": "Sektor", "en": "Sector"},
    "rute.pilih.umkm_cari": {"id": "Cari nama usaha", "en": "Search business name"},
    "rute.pilih.umkm": {"id": "UMKM yang dikunjungi", "en": "UMKM to visit"},
    "rute.pilih.umkm_batas": {
        "id": "{jumlah} UMKM cocok; hanya {batas} pertama (urut nama) yang ditampilkan.",
        "en": "{jumlah} UMKM match; only the first {batas} (by name) are listed.",
    },
    # --- parameters ---------------------------------------------------------------------------
    "rute.param.header": {"id": "Petugas dan jam kerja", "en": "Officers and working hours"},
    "rute.param.depot": {"id": "Berangkat dari (depo)", "en": "Start from (depot)"},
    "rute.param.petugas": {"id": "Jumlah petugas", "en": "Officers"},
    "rute.param.mulai": {"id": "Mulai", "en": "Start"},
    "rute.param.selesai": {"id": "Selesai", "en": "End"},
    "rute.param.menit": {"id": "Menit per kunjungan", "en": "Minutes per visit"},
    "rute.param.presisi_warning": {
        "id": (
            "Lokasi depo: {presisi}. Waktu tempuh dari dan ke depo hanya perkiraan sampai "
            "titiknya diverifikasi."
        ),
        "en": (
            "Depot location: {presisi}. Travel times from and to the depot are rough until "
            "its point is verified."
        ),
    },
    "rute.stops.empty": {
        "id": "Pilih minimal satu kelurahan, sentra, atau UMKM untuk disusun rutenya.",
        "en": "Pick at least one kelurahan, sentra or UMKM to plan a route.",
    },
    "rute.stops.help": {
        "id": (
            "Jendela waktu: kunjungan harus dimulai di antara dua jam itu (kosong = bebas). "
            "Wajib: titik tidak boleh dilepas dari rencana."
        ),
        "en": (
            "Time window: the visit must start between the two times (empty = any time). "
            "Must visit: the stop may not be left out of the plan."
        ),
    },
    "rute.solve": {"id": "Susun rute", "en": "Plan routes"},
    "rute.status.running": {"id": "Menyusun rute…", "en": "Planning routes…"},
    "rute.status.matrix": {
        "id": "Menghitung waktu tempuh (jarak garis lurus × faktor jalan, kecepatan rata-rata)…",
        "en": "Estimating travel times (straight line × road factor, average speed)…",
    },
    "rute.status.matrix_osrm": {
        "id": "Mengambil waktu tempuh jalan dari server OSRM…",
        "en": "Fetching road travel times from the OSRM server…",
    },
    "rute.status.osrm_fail": {
        "id": "OSRM gagal ({error}); waktu tempuh diperkirakan dari jarak garis lurus.",
        "en": "OSRM failed ({error}); travel times are estimated from straight-line distance.",
    },
    "rute.status.solving": {
        "id": "Mencari rute terbaik dengan OR-Tools (batas waktu {detik} detik)…",
        "en": "Searching for the best routes with OR-Tools (time limit {detik} s)…",
    },
    "rute.status.done": {"id": "Rute tersusun", "en": "Routes planned"},
    "rute.status.error": {"id": "Rute tidak dapat disusun", "en": "Routes could not be planned"},
    # --- results ------------------------------------------------------------------------------
    "rute.result.optimal": {
        "id": "Rute optimal: tidak ada rencana lain yang lebih singkat.",
        "en": "Optimal routes: no other plan is shorter.",
    },
    "rute.result.heuristic": {
        "id": (
            "Rute heuristik: hasil terbaik pencarian lokal OR-Tools dalam {detik} detik, belum "
            "terbukti optimal. Titik dilepas: {jumlah}."
        ),
        "en": (
            "Heuristic routes: the best OR-Tools' local search found in {detik} s, not proven "
            "optimal. Stops left out: {jumlah}."
        ),
    },
    "rute.result.infeasible": {
        "id": (
            "Tidak semua titik wajib dapat dikunjungi dalam jam kerja ({jumlah} titik dilepas, "
            "lihat alasannya di bawah). Rute di peta adalah rencana terbaik tanpa titik itu "
            "(pencarian {detik} detik)."
        ),
        "en": (
            "Not every must-visit stop fits in the working day ({jumlah} stops left out, see "
            "why below). The routes on the map are the best plan without them (search "
            "{detik} s)."
        ),
    },
    "rute.result.stale": {
        "id": "Pilihan sudah berubah sejak rute ini disusun; tekan Susun rute untuk memperbarui.",
        "en": "The choices changed since these routes were planned; press Plan routes to update.",
    },
    "rute.travel.haversine": {
        "id": (
            "Waktu tempuh: perkiraan luring (jarak garis lurus × faktor jalan {faktor}, "
            "{kecepatan} km/jam); garis di peta menghubungkan titik, bukan jalur jalan."
        ),
        "en": (
            "Travel times: offline estimate (straight line × road factor {faktor}, "
            "{kecepatan} km/h); the lines on the map join the stops, they are not the roads."
        ),
    },
    "rute.travel.osrm": {
        "id": "Waktu tempuh: jaringan jalan dari server OSRM.",
        "en": "Travel times: road network from the OSRM server.",
    },
    "rute.result.header": {"id": "Ringkasan per petugas", "en": "Summary per officer"},
    "rute.dropped.header": {"id": "Titik yang tidak terjadwal", "en": "Stops not scheduled"},
    "rute.export.header": {"id": "Rute dan unduhan per petugas", "en": "Routes and downloads"},
    "rute.export.ringkas": {
        "id": "Petugas {petugas}: {jumlah} kunjungan",
        "en": "Officer {petugas}: {jumlah} visits",
    },
    "rute.export.gpx": {"id": "Unduh GPX", "en": "Download GPX"},
    "rute.export.csv": {"id": "Unduh CSV", "en": "Download CSV"},
    "rute.export.sheet": {"id": "Unduh lembar kunjungan", "en": "Download visit sheet"},
    "rute.export.links": {"id": "Google Maps:", "en": "Google Maps:"},
    "rute.export.leg": {"id": "bagian {nomor}", "en": "leg {nomor}"},
    "rute.export.title": {"id": "Rute petugas {petugas}", "en": "Route of officer {petugas}"},
    "rute.export.desc": {
        "id": "Dari dan kembali ke {depot}; {jumlah} kunjungan",
        "en": "From and back to {depot}; {jumlah} visits",
    },
    "rute.export.eta": {
        "id": "tiba {tiba}, kunjungan {mulai}–{selesai}",
        "en": "arrive {tiba}, visit {mulai}–{selesai}",
    },
    # --- shared words and columns ---------------------------------------------------------------
    "rute.depot": {"id": "Depo", "en": "Depot"},
    "rute.petugas": {"id": "Petugas", "en": "Officer"},
    "rute.wajib": {"id": "wajib dikunjungi", "en": "must visit"},
    "rute.jenis.kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "rute.jenis.sentra": {"id": "Sentra", "en": "Sentra"},
    "rute.jenis.umkm": {"id": "UMKM", "en": "UMKM"},
    "rute.jenis.lain": {"id": "Lainnya", "en": "Other"},
    "rute.jenis.depot": {"id": "Depo", "en": "Depot"},
    "rute.presisi.alamat": {"id": "alamat terverifikasi", "en": "verified address"},
    "rute.presisi.jalan": {
        "id": "perkiraan di ruas jalan, belum dicek di lapangan",
        "en": "approximate, on the street, not checked on the ground",
    },
    "rute.presisi.kelurahan": {
        "id": "titik tengah kelurahan (lokasi persis belum dipetakan)",
        "en": "centre of the kelurahan (exact location not mapped)",
    },
    "rute.col.no": {"id": "No.", "en": "No."},
    "rute.col.peringkat": {"id": "Peringkat", "en": "Rank"},
    "rute.col.kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "rute.col.kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "rute.col.umkm": {"id": "UMKM aktif", "en": "Active UMKM"},
    "rute.col.sahabat": {"id": "Sahabat UMKM", "en": "Sahabat UMKM"},
    "rute.col.alasan": {"id": "Alasan ditandai", "en": "Why flagged"},
    "rute.col.prioritas": {"id": "Prioritas", "en": "Priority"},
    "rute.col.kunjungan_terakhir": {"id": "Kunjungan terakhir", "en": "Latest visit"},
    "rute.col.nama": {"id": "Nama", "en": "Name"},
    "rute.col.jenis": {"id": "Jenis", "en": "Kind"},
    "rute.col.alamat": {"id": "Alamat", "en": "Address"},
    "rute.col.presisi": {"id": "Presisi lokasi", "en": "Location precision"},
    "rute.col.jendela": {"id": "Jendela waktu", "en": "Time window"},
    "rute.col.jendela_mulai": {"id": "Jendela mulai", "en": "Window from"},
    "rute.col.jendela_selesai": {"id": "Jendela sampai", "en": "Window until"},
    "rute.col.wajib": {"id": "Wajib", "en": "Must visit"},
    "rute.col.tiba": {"id": "Tiba", "en": "Arrive"},
    "rute.col.mulai": {"id": "Mulai", "en": "Start"},
    "rute.col.selesai": {"id": "Selesai", "en": "End"},
    "rute.col.tempuh": {"id": "Tempuh (menit)", "en": "Travel (min)"},
    "rute.col.jarak": {"id": "Jarak (km)", "en": "Distance (km)"},
    "rute.col.petugas": {"id": "Petugas", "en": "Officer"},
    "rute.col.kunjungan": {"id": "Kunjungan", "en": "Visits"},
    "rute.col.berangkat": {"id": "Berangkat", "en": "Leave"},
    "rute.col.kembali": {"id": "Kembali", "en": "Back"},
    "rute.col.total": {"id": "Total (menit)", "en": "Total (min)"},
    "rute.col.alasan_lepas": {"id": "Alasan", "en": "Reason"},
    # --- support areas (geo.core.register.KEBUTUHAN) ----------------------------------------------
    "rute.kebutuhan.kualitas_produk": {"id": "Kualitas produk", "en": "Product quality"},
    "rute.kebutuhan.pemasaran": {"id": "Pemasaran", "en": "Marketing"},
    "rute.kebutuhan.klinik_umkm": {"id": "Klinik UMKM", "en": "UMKM clinic"},
    "rute.kebutuhan.perizinan": {"id": "Perizinan usaha", "en": "Business licensing"},
    "rute.kebutuhan.digital_branding": {
        "id": "Pemasaran digital dan branding",
        "en": "Digital marketing and branding",
    },
    "rute.kebutuhan.akses_pembiayaan": {
        "id": "Akses kredit perbankan",
        "en": "Access to bank credit",
    },
    "rute.kebutuhan.literasi_keuangan": {
        "id": "Literasi keuangan (hindari pinjol)",
        "en": "Financial literacy (avoid pinjol)",
    },
    # --- visit sheet --------------------------------------------------------------------------
    "rute.sheet.title": {
        "id": "Lembar kunjungan — Petugas {petugas}",
        "en": "Visit sheet — Officer {petugas}",
    },
    "rute.sheet.print": {"id": "Cetak", "en": "Print"},
    "rute.sheet.demo": {
        "id": "Data contoh: nama dan alamat di lembar ini bukan data UMKM sebenarnya.",
        "en": "Data contoh (sample data): names and addresses here are not real UMKM records.",
    },
    "rute.sheet.meta": {
        "id": (
            "Tanggal: {tanggal} · Depo: {depot} · Berangkat {berangkat}, kembali {kembali} · "
            "{jumlah} kunjungan · ±{jarak} km"
        ),
        "en": (
            "Date: {tanggal} · Depot: {depot} · Leave {berangkat}, back {kembali} · "
            "{jumlah} visits · ±{jarak} km"
        ),
    },
    "rute.sheet.empty": {
        "id": "Petugas ini tidak mendapat kunjungan dalam rencana.",
        "en": "This officer has no visits in the plan.",
    },
    "rute.sheet.waktu": {
        "id": "tiba {tiba} · {mulai}–{selesai}",
        "en": "arrive {tiba} · {mulai}–{selesai}",
    },
    "rute.sheet.cek": {
        "id": "Yang diperiksa (centang kebutuhan yang ditemukan):",
        "en": "To check (tick the needs found):",
    },
    "rute.sheet.catatan": {"id": "Catatan:", "en": "Notes:"},
    "rute.sheet.tindak_lanjut": {"id": "Tindak lanjut (tanggal)", "en": "Follow-up (date)"},
    "rute.sheet.ditemui": {"id": "Yang ditemui", "en": "Met with"},
    "rute.sheet.paraf": {"id": "Paraf petugas", "en": "Officer's initials"},
    # --- map ----------------------------------------------------------------------------------
    "rute.map.legend": {"id": "Legenda", "en": "Legend"},
    "rute.map.kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "rute.map.peringkat": {"id": "Peringkat prioritas", "en": "Priority rank"},
    "rute.map.layer_kelurahan": {"id": "Batas kelurahan", "en": "Kelurahan boundaries"},
    "rute.map.layer_petugas": {
        "id": "Petugas {petugas} ({jumlah} kunjungan)",
        "en": "Officer {petugas} ({jumlah} visits)",
    },
    "rute.map.layer_dropped": {"id": "Tidak terjadwal", "en": "Not scheduled"},
    "rute.map.layer_kandidat": {"id": "Titik kunjungan terpilih", "en": "Chosen stops"},
    "rute.map.depot_legend": {
        "id": "D = depo (awal dan akhir rute)",
        "en": "D = depot (start and end)",
    },
    "rute.map.flagged": {"id": "kelurahan ditandai", "en": "flagged kelurahan"},
    "rute.map.garis_lurus": {
        "id": "Garis menghubungkan titik, bukan jalur jalan.",
        "en": "Lines join the stops; they are not the roads.",
    },
    # --- visit log ----------------------------------------------------------------------------
    "rute.log.header": {"id": "Catat kunjungan", "en": "Log a visit"},
    "rute.log.sasaran": {"id": "Yang dikunjungi", "en": "Visited"},
    "rute.log.tanggal": {"id": "Tanggal kunjungan", "en": "Date of visit"},
    "rute.log.petugas": {"id": "Petugas (Sahabat UMKM)", "en": "Officers (Sahabat UMKM)"},
    "rute.log.petugas_lain": {"id": "Petugas lain", "en": "Other officers"},
    "rute.log.petugas_lain_help": {
        "id": "Nama petugas yang tidak ada di daftar Sahabat UMKM, dipisah koma.",
        "en": "Names of officers not on the Sahabat UMKM roster, separated by commas.",
    },
    "rute.log.kebutuhan": {"id": "Kebutuhan yang ditemukan", "en": "Needs found"},
    "rute.log.catatan": {"id": "Catatan", "en": "Notes"},
    "rute.log.tindak_lanjut": {"id": "Tanggal tindak lanjut", "en": "Follow-up date"},
    "rute.log.simpan": {"id": "Simpan kunjungan", "en": "Save visit"},
    "rute.log.tersimpan": {
        "id": "Kunjungan {id} tersimpan; prioritas Kelurahan {kelurahan} diperbarui.",
        "en": "Visit {id} saved; the priority of Kelurahan {kelurahan} is updated.",
    },
    "rute.log.gagal": {
        "id": "Kunjungan tidak disimpan: {error}",
        "en": "The visit was not saved: {error}",
    },
    "rute.log.riwayat_header": {"id": "Riwayat kunjungan", "en": "Visit history"},
    "rute.log.riwayat_per": {"id": "Riwayat per", "en": "History by"},
    "rute.log.riwayat_kosong": {"id": "Belum ada kunjungan tercatat.", "en": "No visits yet."},
    "rute.log.jumlah": {"id": "Kali ditemukan", "en": "Times found"},
    "rute.log.prioritas_kini": {
        "id": "Peringkat prioritas kini: {peringkat} (prioritas {prioritas}).",
        "en": "Current priority rank: {peringkat} (priority {prioritas}).",
    },
}
