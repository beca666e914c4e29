"""Texts of the public sentra page ("Sentra UMKM Kota Malang") and its cards, map, download."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.sentra_publik": {"id": "Sentra UMKM", "en": "Sentra UMKM"},
    "publik.title": {"id": "Sentra UMKM Kota Malang", "en": "Sentra UMKM Kota Malang"},
    "publik.intro": {
        "id": (
            "Temukan dan kunjungi sentra UMKM Kota Malang: kampung tempe, rotan, keramik, "
            "raket, dan lainnya. Cari menurut nama atau produk, lalu buka petunjuk arah."
        ),
        "en": (
            "Find and visit Kota Malang's sentra UMKM: the tempe, rattan, ceramics and racket "
            "kampung and more. Search by name or product, then open directions."
        ),
    },
    "publik.search": {"id": "Cari sentra atau produk", "en": "Search sentra or products"},
    "publik.search_placeholder": {
        "id": "mis. tempe, rotan, Dinoyo",
        "en": "e.g. tempe, rotan, Dinoyo",
    },
    "publik.filter_komoditas": {"id": "Komoditas", "en": "Products"},
    "publik.filter_kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "publik.filter_all": {"id": "Semua", "en": "All"},
    "publik.showing": {
        "id": "Menampilkan {n} dari {total} sentra.",
        "en": "Showing {n} of {total} sentra.",
    },
    "publik.none": {
        "id": "Tidak ada sentra yang cocok. Ubah kata pencarian atau saringan.",
        "en": "No sentra match. Change the search words or filters.",
    },
    "publik.selected_header": {"id": "Sentra yang dibagikan", "en": "Shared sentra"},
    "publik.show_all": {"id": "Tampilkan semua sentra", "en": "Show all sentra"},
    "publik.share_caption": {
        "id": "Tautan kartu ini (salin untuk dibagikan):",
        "en": "Link to this card (copy to share):",
    },
    "publik.download": {"id": "Unduh daftar sentra (CSV)", "en": "Download the sentra list (CSV)"},
    "publik.privacy": {
        "id": (
            "Halaman ini hanya memuat lokasi sentra dan angka agregat. Nama pemilik, nomor "
            "telepon, dan alamat usaha perorangan tidak ditampilkan (UU PDP 27/2022). Jumlah "
            "di bawah 5 ditulis \u201c<5\u201d."
        ),
        "en": (
            "This page shows only sentra locations and aggregate figures. Owners' names, "
            "phone numbers and individual business addresses are never shown (UU PDP 27/2022). "
            "Counts below 5 are written \u201c<5\u201d."
        ),
    },
    "publik.map_caption": {
        "id": "Ketuk bintang untuk detail dan petunjuk arah.",
        "en": "Tap a star for details and directions.",
    },
    # --- Card ------------------------------------------------------------------------------
    "publik.card.produk": {"id": "Produk", "en": "Products"},
    "publik.card.sektor": {"id": "Sektor", "en": "Sector"},
    "publik.card.jumlah_umkm": {"id": "Jumlah UMKM", "en": "Number of UMKM"},
    "publik.card.alamat": {"id": "Alamat", "en": "Address"},
    "publik.card.wilayah": {"id": "Wilayah", "en": "Area"},
    "publik.card.presisi": {"id": "Ketepatan lokasi", "en": "Location precision"},
    "publik.card.arah": {"id": "Petunjuk arah", "en": "Directions"},
    "publik.card.tautan": {"id": "Tautan kartu", "en": "Link to card"},
    "publik.card.kelurahan": {"id": "Kel. {nama}", "en": "Kel. {nama}"},
    "publik.card.kecamatan": {"id": "Kec. {nama}", "en": "Kec. {nama}"},
    "publik.presisi.alamat": {"id": "Alamat tepat", "en": "Exact address"},
    "publik.presisi.jalan": {
        "id": "Perkiraan di jalan/kawasan",
        "en": "Approximate, on the street or area",
    },
    "publik.presisi.kelurahan": {
        "id": "Hanya kelurahan (titik di tengah kelurahan)",
        "en": "Kelurahan only (point in its middle)",
    },
    # --- Map -------------------------------------------------------------------------------
    "publik.map.sentra": {"id": "Sentra UMKM", "en": "Sentra UMKM"},
    "publik.map.kecamatan": {"id": "Batas kecamatan", "en": "Kecamatan boundaries"},
    # --- Download columns ------------------------------------------------------------------
    "publik.col.nama": {"id": "nama", "en": "name"},
    "publik.col.komoditas": {"id": "komoditas", "en": "products"},
    "publik.col.sektor": {"id": "sektor", "en": "sector"},
    "publik.col.kelurahan": {"id": "kelurahan", "en": "kelurahan"},
    "publik.col.kecamatan": {"id": "kecamatan", "en": "kecamatan"},
    "publik.col.alamat": {"id": "alamat", "en": "address"},
    "publik.col.lat": {"id": "lintang", "en": "latitude"},
    "publik.col.lon": {"id": "bujur", "en": "longitude"},
    "publik.col.presisi": {"id": "ketepatan_lokasi", "en": "location_precision"},
    "publik.col.jumlah_umkm": {"id": "jumlah_umkm", "en": "number_of_umkm"},
    "publik.col.arah": {"id": "petunjuk_arah", "en": "directions"},
}
