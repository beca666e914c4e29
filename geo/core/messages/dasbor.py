"""Texts of the leadership dashboard ("Dasbor Pimpinan") and the printable brief."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.dasbor": {"id": "Dasbor Pimpinan", "en": "Leadership dashboard"},
    # --- Periods ---------------------------------------------------------------------------
    "dasbor.period.kind": {"id": "Jenis periode", "en": "Period type"},
    "dasbor.period.month": {"id": "Bulan", "en": "Month"},
    "dasbor.period.quarter": {"id": "Triwulan", "en": "Quarter"},
    "dasbor.period.year": {"id": "Tahun", "en": "Year"},
    "dasbor.period.select": {"id": "Periode", "en": "Period"},
    "dasbor.period.quarter_label": {"id": "{quarter} {year}", "en": "{quarter} {year}"},
    "dasbor.quarter.1": {"id": "Triwulan I", "en": "Q1"},
    "dasbor.quarter.2": {"id": "Triwulan II", "en": "Q2"},
    "dasbor.quarter.3": {"id": "Triwulan III", "en": "Q3"},
    "dasbor.quarter.4": {"id": "Triwulan IV", "en": "Q4"},
    "dasbor.period.year_label": {"id": "Tahun {year}", "en": "Year {year}"},
    "dasbor.month.1": {"id": "Januari", "en": "January"},
    "dasbor.month.2": {"id": "Februari", "en": "February"},
    "dasbor.month.3": {"id": "Maret", "en": "March"},
    "dasbor.month.4": {"id": "April", "en": "April"},
    "dasbor.month.5": {"id": "Mei", "en": "May"},
    "dasbor.month.6": {"id": "Juni", "en": "June"},
    "dasbor.month.7": {"id": "Juli", "en": "July"},
    "dasbor.month.8": {"id": "Agustus", "en": "August"},
    "dasbor.month.9": {"id": "September", "en": "September"},
    "dasbor.month.10": {"id": "Oktober", "en": "October"},
    "dasbor.month.11": {"id": "November", "en": "November"},
    "dasbor.month.12": {"id": "Desember", "en": "December"},
    # --- Page ------------------------------------------------------------------------------
    "dasbor.title": {"id": "Dasbor Pimpinan", "en": "Leadership dashboard"},
    "dasbor.intro": {
        "id": (
            "Kemajuan program Sahabat UMKM dalam satu layar: capaian terhadap target, UMKM naik "
            "kelas, Sahabat UMKM, kelurahan yang perlu perhatian, dan kunjungan. Pilih periode; "
            "semua angka di halaman ini dan di Laporan Ringkas mengikutinya."
        ),
        "en": (
            "The Sahabat UMKM program on one screen: progress against the target, businesses "
            "moving up a size class, Sahabat UMKM, kelurahan needing attention, and visits. "
            "Choose a period; every figure on this page and in the brief follows it."
        ),
    },
    "dasbor.empty": {
        "id": "Belum ada data UMKM. Buat data contoh di Beranda atau impor register.",
        "en": "There is no UMKM data yet. Create sample data on Beranda or import a register.",
    },
    "dasbor.as_of": {
        "id": (
            "{period} ({range}). Angka stok per {as_of}; data terakhir tercatat {latest}. "
            "Pembanding angka periode: {previous}."
        ),
        "en": (
            "{period} ({range}). Stock figures as of {as_of}; latest record in the data {latest}. "
            "Period figures compared with {previous}."
        ),
    },
    "dasbor.kpi_header": {"id": "Angka utama", "en": "Headline figures"},
    "dasbor.progress_text": {
        "id": "{count} dari target {target} UMKM terkurasi ({share})",
        "en": "{count} of the target of {target} curated UMKM ({share})",
    },
    # --- KPI tiles -------------------------------------------------------------------------
    "dasbor.kpi.curated": {"id": "UMKM terkurasi", "en": "Curated UMKM"},
    "dasbor.kpi.curated_help": {
        "id": (
            "UMKM aktif di register yang terkurasi sampai akhir periode (atau sampai data "
            "terakhir), dibanding target program {target}."
        ),
        "en": (
            "Active UMKM in the register curated by the end of the period (or the latest "
            "data), against the program target of {target}."
        ),
    },
    "dasbor.kpi.curated_delta": {
        "id": "{share} dari target {target}",
        "en": "{share} of the {target} target",
    },
    "dasbor.kpi.remaining": {"id": "Sisa menuju target", "en": "Still to reach the target"},
    "dasbor.kpi.remaining_help": {
        "id": "UMKM yang masih perlu dikurasi untuk mencapai target program {target}.",
        "en": "UMKM still to be curated to reach the program target of {target}.",
    },
    "dasbor.kpi.remaining_delta": {"id": "target {target}", "en": "target {target}"},
    "dasbor.kpi.growth": {"id": "Pertumbuhan sejak {earlier}", "en": "Growth since {earlier}"},
    "dasbor.kpi.growth_help": {
        "id": "Selisih UMKM terkurasi dengan angka {earlier} yang diumumkan sebelumnya.",
        "en": "Curated UMKM minus the {earlier} announced earlier.",
    },
    "dasbor.kpi.new": {"id": "UMKM baru terkurasi", "en": "Newly curated UMKM"},
    "dasbor.kpi.new_help": {
        "id": "UMKM aktif dengan tanggal terkurasi di dalam periode.",
        "en": "Active UMKM whose curation date lies in the period.",
    },
    "dasbor.kpi.naik_kelas": {"id": "UMKM naik kelas", "en": "UMKM moving up a class"},
    "dasbor.kpi.naik_kelas_help": {
        "id": (
            "Usaha yang skalanya naik (mikro → kecil → menengah) di dalam periode, menurut "
            "riwayat skala; satu usaha dihitung sekali."
        ),
        "en": (
            "Businesses whose size class rose (mikro → kecil → menengah) within the period, "
            "from the size history; each business counts once."
        ),
    },
    "dasbor.kpi.sahabat_active": {"id": "Sahabat UMKM aktif", "en": "Active Sahabat UMKM"},
    "dasbor.kpi.sahabat_active_help": {
        "id": (
            "Sahabat UMKM aktif di daftar petugas saat ini (semua tingkat); daftar tidak "
            "menyimpan riwayat, jadi angka ini tidak berubah menurut periode."
        ),
        "en": (
            "Active Sahabat UMKM on today's roster (all levels); the roster keeps no history, "
            "so this figure does not change with the period."
        ),
    },
    "dasbor.kpi.sahabat_active_delta": {
        "id": "{visiting} berkunjung",
        "en": "{visiting} made visits",
    },
    "dasbor.kpi.flagged": {"id": "Kelurahan ditandai", "en": "Kelurahan flagged"},
    "dasbor.kpi.flagged_help": {
        "id": "Kelurahan dengan Sahabat UMKM terlalu sedikit untuk jumlah UMKM-nya.",
        "en": "Kelurahan with too few Sahabat UMKM for their number of UMKM.",
    },
    "dasbor.kpi.flagged_delta": {
        "id": "dari {kelurahan} kelurahan",
        "en": "of {kelurahan} kelurahan",
    },
    "dasbor.kpi.visits": {"id": "Kunjungan", "en": "Visits"},
    "dasbor.kpi.visits_help": {
        "id": "Kunjungan petugas yang tercatat di dalam periode, di {visited} kelurahan.",
        "en": "Officer visits recorded within the period, in {visited} kelurahan.",
    },
    "dasbor.kpi.vs_previous": {
        "id": "{change} vs periode lalu",
        "en": "{change} vs previous period",
    },
    "dasbor.kpi.compared_help": {
        "id": "Pembanding: {previous}.",
        "en": "Compared with {previous}.",
    },
    # --- Charts and tables -----------------------------------------------------------------
    "dasbor.trend_header": {
        "id": "Pertumbuhan UMKM terkurasi (kumulatif per bulan)",
        "en": "Growth of curated UMKM (cumulative by month)",
    },
    "dasbor.trend_earlier": {"id": "Angka sebelumnya: {value}", "en": "Earlier figure: {value}"},
    "dasbor.trend_target": {"id": "Target: {value}", "en": "Target: {value}"},
    "dasbor.breakdown_header": {"id": "Sebaran UMKM terkurasi", "en": "Where the curated UMKM are"},
    "dasbor.by_kecamatan": {"id": "Per kecamatan", "en": "By kecamatan"},
    "dasbor.by_kelurahan": {
        "id": "{n} kelurahan dengan UMKM terbanyak",
        "en": "The {n} kelurahan with the most UMKM",
    },
    "dasbor.by_sektor": {"id": "Per sektor", "en": "By sector"},
    "dasbor.by_skala": {"id": "Per skala usaha", "en": "By business size"},
    "dasbor.series_before": {"id": "Sebelum periode", "en": "Before the period"},
    "dasbor.series_new": {"id": "Baru pada periode", "en": "New in the period"},
    "dasbor.series": {"id": "Keterangan", "en": "Series"},
    "dasbor.kecamatan_header": {
        "id": "Kecamatan berdampingan",
        "en": "Kecamatan side by side",
    },
    "dasbor.map_header": {
        "id": "Kepadatan UMKM per kelurahan",
        "en": "UMKM density by kelurahan",
    },
    "dasbor.map_caption": {
        "id": (
            "Warna: UMKM terkurasi per km². Garis merah: kelurahan ditandai. Angka: peringkat "
            "prioritas kunjungan (1 = pertama)."
        ),
        "en": (
            "Colour: curated UMKM per km². Red outline: flagged kelurahan. Numbers: visit "
            "priority rank (1 = first)."
        ),
    },
    "dasbor.map_legend": {"id": "UMKM per km²", "en": "UMKM per km²"},
    "dasbor.priority_header": {
        "id": "{n} kelurahan prioritas tertinggi",
        "en": "The {n} highest-priority kelurahan",
    },
    "dasbor.context_header": {
        "id": "Konteks: penduduk miskin Kota Malang",
        "en": "Context: poor residents of Kota Malang",
    },
    "dasbor.context_caption": {
        "id": "Angka dari data `konteks_bps.csv`, dengan sumbernya.",
        "en": "Figures from the data file `konteks_bps.csv`, with their source.",
    },
    # --- Column names ----------------------------------------------------------------------
    "dasbor.col.peringkat": {"id": "Peringkat", "en": "Rank"},
    "dasbor.col.kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "dasbor.col.kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "dasbor.col.umkm": {"id": "UMKM", "en": "UMKM"},
    "dasbor.col.baru": {"id": "Baru", "en": "New"},
    "dasbor.col.naik_kelas": {"id": "Naik kelas", "en": "Moved up"},
    "dasbor.col.sahabat": {"id": "Sahabat", "en": "Sahabat"},
    "dasbor.col.umkm_per_sahabat": {"id": "UMKM per Sahabat", "en": "UMKM per Sahabat"},
    "dasbor.col.flagged": {"id": "Ditandai", "en": "Flagged"},
    "dasbor.col.kunjungan": {"id": "Kunjungan", "en": "Visits"},
    "dasbor.col_help.kecamatan": {
        "id": (
            "UMKM: terkurasi per akhir periode; Baru dan Naik kelas: di dalam periode; "
            "Sahabat: tingkat kelurahan dan RW; Ditandai: kelurahan dengan Sahabat UMKM "
            "terlalu sedikit."
        ),
        "en": (
            "UMKM: curated by the end of the period; New and Moved up: within the period; "
            "Sahabat: kelurahan and RW level; Flagged: kelurahan with too few Sahabat UMKM."
        ),
    },
    "dasbor.col.hari": {"id": "Hari sejak kunjungan", "en": "Days since visit"},
    "dasbor.col.prioritas": {"id": "Prioritas", "en": "Priority"},
    "dasbor.col.alasan": {"id": "Alasan", "en": "Reason"},
    "dasbor.col.tahun": {"id": "Tahun", "en": "Year"},
    "dasbor.col.persen_miskin": {"id": "Penduduk miskin (%)", "en": "Poor residents (%)"},
    "dasbor.col.jumlah_miskin": {"id": "Jumlah penduduk miskin", "en": "Number of poor residents"},
    "dasbor.col.sumber": {"id": "Sumber", "en": "Source"},
    "dasbor.never_visited": {"id": "belum pernah", "en": "never"},
    # --- Brief -----------------------------------------------------------------------------
    "dasbor.brief_header": {"id": "Laporan Ringkas", "en": "Printable brief"},
    "dasbor.brief_format": {"id": "Format", "en": "Format"},
    "dasbor.brief_button": {"id": "Buat Laporan Ringkas", "en": "Make the brief"},
    "dasbor.brief_running": {"id": "Membuat Laporan Ringkas…", "en": "Making the brief…"},
    "dasbor.brief_done": {"id": "Laporan Ringkas siap.", "en": "The brief is ready."},
    "dasbor.brief_failed": {
        "id": "Laporan Ringkas gagal dibuat: {error}",
        "en": "Could not make the brief: {error}",
    },
    "dasbor.brief_download": {"id": "Unduh {name}", "en": "Download {name}"},
    "dasbor.brief_caption": {
        "id": "Satu halaman A4: angka utama, peta, dan kelurahan prioritas periode terpilih.",
        "en": "One A4 page: headline figures, map and priority kelurahan of the chosen period.",
    },
    "dasbor.brief.step.map": {"id": "Menggambar peta…", "en": "Drawing the map…"},
    "dasbor.brief.step.document": {"id": "Menyusun dokumen…", "en": "Composing the document…"},
    "dasbor.brief.step.data": {"id": "Membaca data…", "en": "Reading the data…"},
    "dasbor.brief.step.figures": {"id": "Menghitung angka…", "en": "Computing the figures…"},
    "dasbor.brief.title": {
        "id": "Laporan Ringkas Program Sahabat UMKM Kota Malang",
        "en": "Brief: Sahabat UMKM program, Kota Malang",
    },
    "dasbor.brief.period": {
        "id": "Periode: {period} ({range})",
        "en": "Period: {period} ({range})",
    },
    "dasbor.brief.as_of": {
        "id": "Angka stok per {as_of}; pembanding angka periode: {previous}. Dibuat {generated}.",
        "en": (
            "Stock figures as of {as_of}; period figures compared with {previous}. "
            "Made {generated}."
        ),
    },
    "dasbor.brief.demo": {
        "id": "DATA CONTOH: dibuat otomatis untuk peragaan, bukan data UMKM sebenarnya.",
        "en": "SAMPLE DATA (data contoh): generated for demonstration, not real UMKM records.",
    },
    "dasbor.brief.footer": {
        "id": (
            "Sumber angka program: register aplikasi Peta Sentra UMKM. Target {target} dan "
            "angka sebelumnya {earlier}: Pemkot Malang, program Sahabat UMKM. {attribution}."
        ),
        "en": (
            "Program figures: the Peta Sentra UMKM register. Target {target} and earlier "
            "figure {earlier}: Pemkot Malang, Sahabat UMKM program. {attribution}."
        ),
    },
}
