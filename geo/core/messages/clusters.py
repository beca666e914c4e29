"""Texts of cluster detection and hot spots (geo.analysis.clusters and .hotspots, "klaster")."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.klaster": {"id": "Klaster & hot spot", "en": "Clusters & hot spots"},
    "clusters.title": {"id": "Klaster UMKM dan hot spot", "en": "UMKM clusters and hot spots"},
    "clusters.intro": {
        "id": (
            "Di mana UMKM satu jenis usaha berkumpul, mana yang belum menjadi sentra, dan "
            "wilayah mana yang panas atau dingin untuk suatu sektor."
        ),
        "en": (
            "Where businesses of one kind gather, which of those are not yet a sentra, and "
            "which areas are hot or cold for a sector."
        ),
    },
    # --- explanations ---------------------------------------------------------------------
    "clusters.explain.title": {
        "id": "Apa arti klaster dan hot spot?",
        "en": "What do clusters and hot spots mean?",
    },
    "clusters.explain.clusters": {
        "id": (
            "**Klaster** adalah kelompok UMKM satu sektor yang rapat: setiap usaha intinya "
            "punya paling sedikit {min_samples} usaha sejenis dalam radius {eps} m, dan "
            "{contrast}× lebih banyak daripada kepadatan sektor itu di sekitarnya (sekitar "
            "{background} km). **Kandidat sentra baru** adalah klaster yang jaraknya lebih dari "
            "{distance} m dari setiap sentra yang dikenal untuk sektornya."
        ),
        "en": (
            "A **cluster** is a dense group of UMKM of one sector: each of its core businesses "
            "has at least {min_samples} businesses of the same kind within {eps} m, and "
            "{contrast}× as many as the sector's density around it (about {background} km) "
            "would put there. A **sentra candidate** is a cluster more than {distance} m from "
            "every known sentra of its sector."
        ),
    },
    "clusters.explain.hotspots": {
        "id": (
            "**Hot spot (panas)**: wilayah yang bersama tetangganya memiliki lebih banyak UMKM "
            "(dari pilihan saat ini) daripada yang wajar bila UMKM kota tersebar acak, "
            "dibandingkan dengan Kota Malang secara keseluruhan. **Cold spot (dingin)**: lebih "
            "sedikit dari itu.\n\n"
            "Hot spot **tidak** berarti usaha di sana lebih maju atau lebih untung, **bukan** "
            "penyebab apa pun, dan tidak mengatakan apa pun tentang satu usaha. **Tidak "
            'signifikan** bukan berarti "rata-rata": data belum menunjukkan perbedaan. Satu '
            "tempat padat yang dikelilingi wilayah biasa tidak selalu menjadi hot spot; "
            "tempat seperti itu terlihat di lapisan klaster.\n\n"
            "Metode: Getis-Ord Gi* (PySAL esda), tetangga yang bersinggungan (queen), "
            "{permutations} permutasi acak, koreksi false discovery rate (Benjamini-Hochberg); "
            "90/95/99 % berarti q ≤ 0,10/0,05/0,01."
        ),
        "en": (
            "**Hot spot**: an area that, together with its neighbours, has more UMKM (of the "
            "current selection) than a random spread of the city's UMKM would plausibly give, "
            "compared with Kota Malang as a whole. **Cold spot**: fewer than that.\n\n"
            "A hot spot does **not** mean that businesses there do better or earn more, it is "
            "**not** a cause of anything, and it says nothing about a single business. **Not "
            'significant** does not mean "average": the data just do not show a difference. '
            "A single dense place surrounded by ordinary areas is not always a hot spot; such "
            "places show in the cluster layer.\n\n"
            "Method: Getis-Ord Gi* (PySAL esda), touching neighbours (queen), {permutations} "
            "random permutations, false discovery rate correction (Benjamini-Hochberg); "
            "90/95/99 % means q ≤ 0.10/0.05/0.01."
        ),
    },
    # --- map layers -----------------------------------------------------------------------
    "clusters.layer.klaster": {"id": "Klaster UMKM", "en": "UMKM clusters"},
    "clusters.layer.hotspot": {"id": "Hot spot Gi* ({unit})", "en": "Gi* hot spots ({unit})"},
    "clusters.unit.kelurahan": {"id": "kelurahan", "en": "kelurahan"},
    "clusters.unit.heksagon": {"id": "heksagon 500 m", "en": "500 m hexagons"},
    "clusters.legend.title": {"id": "Klaster dan hot spot", "en": "Clusters and hot spots"},
    "clusters.legend.klaster": {
        "id": "klaster (warna = sektor)",
        "en": "cluster (colour = sector)",
    },
    "clusters.legend.kandidat": {
        "id": "kandidat sentra baru (garis putus-putus)",
        "en": "sentra candidate (dashed outline)",
    },
    "clusters.legend.hotspot": {"id": "Hot spot Gi*", "en": "Gi* hot spots"},
    "clusters.legend.tidak": {
        "id": "tidak signifikan: tanpa warna",
        "en": "not significant: not coloured",
    },
    # --- fields ---------------------------------------------------------------------------
    "clusters.field.id": {"id": "Klaster", "en": "Cluster"},
    "clusters.field.sektor": {"id": "Sektor", "en": "Sector"},
    "clusters.field.kata_kunci": {"id": "Kata kunci", "en": "Keyword"},
    "clusters.field.komoditas_dugaan": {"id": "Komoditas (dugaan)", "en": "Products (guess)"},
    "clusters.field.jumlah_umkm": {"id": "Jumlah UMKM", "en": "Number of UMKM"},
    "clusters.field.kepadatan": {"id": "Kepadatan (UMKM/ha)", "en": "Density (UMKM/ha)"},
    "clusters.field.luas": {"id": "Luas (ha)", "en": "Area (ha)"},
    "clusters.field.porsi_mikro": {"id": "Porsi usaha mikro", "en": "Share of micro"},
    "clusters.field.kontras": {
        "id": "Kontras dengan sekitar (×)",
        "en": "Contrast with surroundings (×)",
    },
    "clusters.field.kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "clusters.field.sentra_terdekat": {"id": "Sentra terdekat", "en": "Nearest sentra"},
    "clusters.field.jarak": {"id": "Jarak ke sentra (m)", "en": "Distance to sentra (m)"},
    "clusters.field.status": {"id": "Status", "en": "Status"},
    "clusters.status.kandidat": {"id": "Kandidat sentra baru", "en": "Sentra candidate"},
    "clusters.status.dekat": {"id": "Dekat sentra yang dikenal", "en": "Near a known sentra"},
    "clusters.status.tanpa_sentra": {
        "id": "tidak ada sentra di sektor ini",
        "en": "no sentra in this sector",
    },
    "clusters.hs.unit": {"id": "Unit", "en": "Unit"},
    "clusters.hs.jumlah": {"id": "Jumlah UMKM", "en": "Number of UMKM"},
    "clusters.hs.nilai.per_km2": {"id": "UMKM per km²", "en": "UMKM per km²"},
    "clusters.hs.nilai.jumlah": {"id": "Nilai yang diuji (jumlah)", "en": "Value tested (count)"},
    "clusters.hs.gi_z": {"id": "Skor z Gi*", "en": "Gi* z-score"},
    "clusters.hs.p": {"id": "p (permutasi)", "en": "p (permutations)"},
    "clusters.hs.q": {"id": "q (setelah koreksi FDR)", "en": "q (after FDR correction)"},
    "clusters.hs.kelas": {"id": "Kelas", "en": "Class"},
    "clusters.kelas.panas_99": {"id": "Panas (99 %)", "en": "Hot (99 %)"},
    "clusters.kelas.panas_95": {"id": "Panas (95 %)", "en": "Hot (95 %)"},
    "clusters.kelas.panas_90": {"id": "Panas (90 %)", "en": "Hot (90 %)"},
    "clusters.kelas.tidak_signifikan": {"id": "Tidak signifikan", "en": "Not significant"},
    "clusters.kelas.dingin_90": {"id": "Dingin (90 %)", "en": "Cold (90 %)"},
    "clusters.kelas.dingin_95": {"id": "Dingin (95 %)", "en": "Cold (95 %)"},
    "clusters.kelas.dingin_99": {"id": "Dingin (99 %)", "en": "Cold (99 %)"},
    # --- page -----------------------------------------------------------------------------
    "clusters.options": {"id": "Pilihan", "en": "Options"},
    "clusters.sektor": {"id": "Sektor", "en": "Sector"},
    "clusters.skala": {"id": "Skala usaha", "en": "Size class"},
    "clusters.semua": {"id": "Semua", "en": "All"},
    "clusters.kata_kunci": {
        "id": "Kata kunci nama usaha (mis. tempe)",
        "en": "Keyword in business name (e.g. tempe)",
    },
    "clusters.unit": {"id": "Unit hot spot", "en": "Hot-spot unit"},
    "clusters.show_clusters": {"id": "Tampilkan klaster", "en": "Show clusters"},
    "clusters.show_hotspots": {"id": "Tampilkan hot spot", "en": "Show hot spots"},
    "clusters.advanced": {"id": "Pengaturan lanjutan", "en": "Advanced settings"},
    "clusters.eps": {"id": "Radius tetangga (m)", "en": "Neighbourhood radius (m)"},
    "clusters.min_samples": {
        "id": "Minimum usaha sejenis dalam radius",
        "en": "Minimum businesses of the kind within the radius",
    },
    "clusters.contrast": {
        "id": "Kontras dengan sekitar (×)",
        "en": "Contrast with surroundings (×)",
    },
    "clusters.min_size": {"id": "Ukuran klaster minimum", "en": "Minimum cluster size"},
    "clusters.distance": {
        "id": "Jarak kandidat dari sentra (m)",
        "en": "Candidate distance from sentra (m)",
    },
    "clusters.m.klaster": {"id": "Klaster terdeteksi", "en": "Clusters found"},
    "clusters.m.kandidat": {"id": "Kandidat sentra baru", "en": "Sentra candidates"},
    "clusters.m.panas": {"id": "Wilayah panas", "en": "Hot areas"},
    "clusters.m.dingin": {"id": "Wilayah dingin", "en": "Cold areas"},
    "clusters.progress.start": {
        "id": "Mencari klaster dan hot spot…",
        "en": "Looking for clusters and hot spots…",
    },
    "clusters.progress.clusters": {
        "id": "Klaster: {n} ditemukan",
        "en": "Clusters: {n} found",
    },
    "clusters.progress.hotspots": {
        "id": "Hot spot: {n} wilayah diuji",
        "en": "Hot spots: {n} areas tested",
    },
    "clusters.progress.done": {"id": "Selesai", "en": "Done"},
    "clusters.candidates.title": {"id": "Kandidat sentra baru", "en": "Sentra candidates"},
    "clusters.candidates.none": {
        "id": (
            "Tidak ada kandidat: setiap klaster yang ditemukan berada dekat sentra yang sudah "
            "dikenal untuk sektornya."
        ),
        "en": "No candidates: every cluster found lies near a known sentra of its sector.",
    },
    "clusters.all.title": {"id": "Semua klaster terdeteksi", "en": "All clusters found"},
    "clusters.all.none": {
        "id": "Tidak ada klaster untuk pilihan ini.",
        "en": "No cluster for this selection.",
    },
    "clusters.download.csv": {"id": "Unduh CSV", "en": "Download CSV"},
    "clusters.download.geojson": {"id": "Unduh GeoJSON", "en": "Download GeoJSON"},
    "clusters.hotspots.title": {"id": "Wilayah panas dan dingin", "en": "Hot and cold areas"},
    "clusters.hotspots.none": {
        "id": "Tidak ada wilayah yang signifikan setelah koreksi.",
        "en": "No area is significant after the correction.",
    },
    "clusters.promote.title": {
        "id": "Tetapkan kandidat sebagai sentra",
        "en": "Promote a candidate to a sentra",
    },
    "clusters.promote.admin_only": {
        "id": "Hanya admin yang dapat menetapkan sentra baru.",
        "en": "Only an admin can promote a candidate to a sentra.",
    },
    "clusters.promote.pick": {"id": "Kandidat", "en": "Candidate"},
    "clusters.promote.nama": {"id": "Nama sentra", "en": "Sentra name"},
    "clusters.promote.komoditas": {"id": "Komoditas", "en": "Products"},
    "clusters.promote.publik": {
        "id": "Tampilkan di halaman publik",
        "en": "Show on the public page",
    },
    "clusters.promote.hint": {
        "id": (
            "Titik sentra = pusat klaster (presisi lokasi: jalan), alamat hanya kelurahan dan "
            "kecamatan. Periksa di lapangan sebelum menampilkannya ke publik."
        ),
        "en": (
            "The sentra's point is the cluster's centre (location precision: street), its "
            "address only the kelurahan and kecamatan. Check on the ground before showing it "
            "to the public."
        ),
    },
    "clusters.promote.submit": {"id": "Tetapkan sebagai sentra", "en": "Promote to sentra"},
    "clusters.promote.need_nama": {
        "id": "Sentra tidak disimpan: isi kolom Nama sentra.",
        "en": "Sentra not saved: fill in Sentra name.",
    },
    "clusters.promote.need_komoditas": {
        "id": "Sentra tidak disimpan: isi kolom Komoditas (tidak ada dugaan dari nama usaha).",
        "en": "Sentra not saved: fill in Products (the business names suggest none).",
    },
    "clusters.promote.ok": {
        "id": "Sentra {nama} ({id}) disimpan dan dicatat di log audit.",
        "en": "Sentra {nama} ({id}) saved and recorded in the audit log.",
    },
    "clusters.promote.error": {
        "id": "Sentra tidak disimpan: {error}",
        "en": "Sentra not saved: {error}",
    },
}
