"""Texts of the explore map page ("Peta UMKM")."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.peta": {"id": "Peta UMKM", "en": "UMKM map"},
    "access.refused": {
        "id": "Halaman ini hanya untuk petugas. Silakan masuk dengan akun yang berwenang.",
        "en": "This page is for officers only. Please sign in with an authorised account.",
    },
    "peta.title": {"id": "Peta UMKM", "en": "UMKM map"},
    "peta.filters": {"id": "Saring", "en": "Filters"},
    "peta.semua": {"id": "Semua", "en": "All"},
    "peta.analisis": {
        "id": "Lapisan klaster dan hot spot",
        "en": "Cluster and hot-spot layers",
    },
    "peta.analisis_help": {
        "id": (
            "Klaster usaha sejenis dan hot spot Gi* per kelurahan, mengikuti saringan sektor "
            "dan skala (seluruh kota). Penjelasan lengkap di halaman Klaster & hot spot."
        ),
        "en": (
            "Clusters of one trade and Gi* hot spots per kelurahan, following the sector and "
            "size filters (whole city). Full explanation on the Clusters & hot spots page."
        ),
    },
    "peta.sektor": {"id": "Sektor", "en": "Sector"},
    "peta.skala": {"id": "Skala usaha", "en": "Size class"},
    "peta.kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "peta.kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "peta.sentra": {"id": "Sentra", "en": "Sentra"},
    "peta.tanggal_aktif": {
        "id": "Saring tanggal terkurasi",
        "en": "Filter by curation date",
    },
    "peta.tanggal": {"id": "Tanggal terkurasi", "en": "Curation date"},
    "peta.cari": {"id": "Cari nama usaha", "en": "Search business name"},
    "peta.metrik": {"id": "Warna kelurahan menurut", "en": "Colour kelurahan by"},
    "peta.basemap": {"id": "Peta dasar", "en": "Basemap"},
    "peta.basemap.osm": {"id": "OpenStreetMap", "en": "OpenStreetMap"},
    "peta.basemap.light": {"id": "Terang", "en": "Light"},
    "peta.jumlah_umkm": {"id": "UMKM aktif", "en": "Active UMKM"},
    "peta.jumlah_kelurahan": {"id": "Kelurahan dengan UMKM", "en": "Kelurahan with UMKM"},
    "peta.jumlah_flag": {
        "id": "Kelurahan kurang Sahabat UMKM",
        "en": "Kelurahan short of Sahabat UMKM",
    },
    "peta.profil": {"id": "Profil kelurahan", "en": "Kelurahan profile"},
    "peta.profil_hint": {
        "id": "Klik sebuah kelurahan di peta untuk melihat profilnya.",
        "en": "Click a kelurahan on the map to see its profile.",
    },
    "peta.sahabat_aktif": {"id": "Sahabat UMKM aktif", "en": "Active Sahabat UMKM"},
    "peta.tidak_ditandai": {
        "id": "Cakupan Sahabat UMKM memadai.",
        "en": "Sahabat UMKM coverage is adequate.",
    },
    "peta.sentra_di_sini": {"id": "Sentra di kelurahan ini:", "en": "Sentra in this kelurahan:"},
    "peta.ringkasan": {
        "id": "Ringkasan menurut saringan",
        "en": "Summary for the current filter",
    },
    "peta.jumlah": {"id": "Jumlah", "en": "Count"},
    "peta.daftar_flag": {
        "id": "Kelurahan yang perlu tambahan Sahabat UMKM",
        "en": "Kelurahan that need more Sahabat UMKM",
    },
    "peta.tidak_ada_flag": {
        "id": "Tidak ada kelurahan yang ditandai untuk saringan ini.",
        "en": "No kelurahan is flagged for this filter.",
    },
    "peta.peringkat": {"id": "Peringkat", "en": "Rank"},
    "peta.alasan": {"id": "Alasan", "en": "Reason"},
    "peta.prioritas": {"id": "Prioritas", "en": "Priority"},
    "peta.atribusi": {
        "id": "Peta dasar © kontributor OpenStreetMap. {upstream}.",
        "en": "Basemap © OpenStreetMap contributors. {upstream}.",
    },
}
