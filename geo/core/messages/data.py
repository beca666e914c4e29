"""Texts of the data page ("Data"): import with preview, import batches with undo, export."""

MESSAGES: dict[str, dict[str, str]] = {
    "nav.data": {"id": "Data", "en": "Data"},
    "data.title": {"id": "Data UMKM: impor dan ekspor", "en": "UMKM data: import and export"},
    "data.intro": {
        "id": (
            "Unggah register dari Sahabat UMKM (CSV, XLSX, GeoJSON, GeoPackage), periksa "
            "pemetaan kolom dan hasil pemeriksaan per baris, lalu simpan. Tidak ada yang "
            "disimpan sebelum tombol **Simpan** ditekan, dan setiap impor bisa dibatalkan."
        ),
        "en": (
            "Upload a register from Sahabat UMKM (CSV, XLSX, GeoJSON, GeoPackage), check the "
            "column mapping and the row-by-row results, then save. Nothing is stored before "
            "**Save** is pressed, and every import can be undone."
        ),
    },
    "data.tab_import": {"id": "Impor", "en": "Import"},
    "data.tab_batches": {"id": "Riwayat impor", "en": "Import history"},
    "data.tab_export": {"id": "Ekspor", "en": "Export"},
    # --- Import: file and mapping --------------------------------------------------------
    "data.upload": {"id": "Berkas register", "en": "Register file"},
    "data.upload_help": {
        "id": "CSV (pemisah apa pun, UTF-8 atau Windows-1252), XLSX/XLS/ODS, GeoJSON, GeoPackage.",
        "en": "CSV (any delimiter, UTF-8 or Windows-1252), XLSX/XLS/ODS, GeoJSON, GeoPackage.",
    },
    "data.unreadable": {
        "id": "Berkas tidak dapat dibaca: {reason}",
        "en": "The file cannot be read: {reason}",
    },
    "data.sheet": {"id": "Sheet atau layer", "en": "Sheet or layer"},
    "data.file_info": {
        "id": "{rows} baris data; judul kolom di baris {header}. {detail}",
        "en": "{rows} data rows; column headers on row {header}. {detail}",
    },
    "data.file_csv_detail": {
        "id": "Pengodean {encoding}, pemisah «{delimiter}».",
        "en": "Encoding {encoding}, delimiter «{delimiter}».",
    },
    "data.mapping_header": {"id": "1. Pemetaan kolom", "en": "1. Column mapping"},
    "data.mapping_help": {
        "id": (
            "Kolom tujuan sudah ditebak dari judul kolom. Perbaiki bila salah; pilih "
            "«(abaikan)» untuk kolom yang tidak dipakai. Kolom NIK tidak pernah disimpan."
        ),
        "en": (
            "Targets were guessed from the headers. Correct them where wrong; choose "
            "«(ignore)» for columns not to use. NIK columns are never stored."
        ),
    },
    "data.col_source": {"id": "Kolom di berkas", "en": "Column in the file"},
    "data.col_sample": {"id": "Contoh isi", "en": "Sample values"},
    "data.col_target": {"id": "Kolom tujuan", "en": "Target field"},
    "data.ignore": {"id": "(abaikan)", "en": "(ignore)"},
    "data.tab_batas": {"id": "Batas wilayah", "en": "Boundaries"},
    "data.batas_active": {
        "id": "Lapisan batas aktif: {label}",
        "en": "Active boundary layer: {label}",
    },
    "data.batas_sentra_header": {
        "id": "Sentra yang titiknya di kelurahan lain daripada kodenya",
        "en": "Sentra whose point lies in another kelurahan than its kode",
    },
    "data.batas_sentra_none": {
        "id": "Tidak ada: setiap sentra berada di kelurahan kodenya.",
        "en": "None: every sentra lies in the kelurahan of its kode.",
    },
    "data.batas_header": {
        "id": "Pakai lapisan batas kelurahan milik Pemkot",
        "en": "Use the city's own kelurahan boundary layer",
    },
    "data.batas_upload": {
        "id": "Berkas lapisan (GeoJSON atau GeoPackage, sistem koordinat apa pun)",
        "en": "Layer file (GeoJSON or GeoPackage, any coordinate system)",
    },
    "data.batas_label": {
        "id": 'Sumber untuk atribusi peta, mis. "Batas wilayah: Pemkot Malang, 2025"',
        "en": 'Source for the map attribution, e.g. "Batas wilayah: Pemkot Malang, 2025"',
    },
    "data.batas_check": {"id": "Periksa lapisan", "en": "Check the layer"},
    "data.batas_checking": {"id": "Memeriksa lapisan…", "en": "Checking the layer…"},
    "data.batas_confirm": {
        "id": "Saya sudah membaca laporannya: jadikan lapisan ini acuan",
        "en": "I have read the report: make this layer the reference",
    },
    "data.batas_use": {"id": "Pakai lapisan ini", "en": "Use this layer"},
    "data.batas_done": {
        "id": "Lapisan dipakai; {n} UMKM pindah kelurahan (bisa dibatalkan).",
        "en": "Layer in use; {n} UMKM changed kelurahan (can be undone).",
    },
    "data.batas_reset": {"id": "Kembali ke batas bawaan", "en": "Back to the shipped boundaries"},
    "data.mapping_download": {
        "id": "Unduh pemetaan kolom (JSON, untuk `geo import --mapping`)",
        "en": "Download the column mapping (JSON, for `geo import --mapping`)",
    },
    "data.skala_default": {
        "id": "Skala usaha bila berkas tidak menyebut skala, omzet, atau aset",
        "en": "Size class when the file gives no size, turnover or assets",
    },
    "data.skala_default_none": {"id": "(jangan diasumsikan)", "en": "(do not assume)"},
    "data.place_missing": {
        "id": "Tempatkan baris tanpa koordinat di titik dalam kelurahannya (presisi kelurahan)",
        "en": "Place rows without coordinates inside their kelurahan (kelurahan precision)",
    },
    "data.check": {"id": "Periksa berkas", "en": "Check the file"},
    "data.checking": {"id": "Memeriksa {name}…", "en": "Checking {name}…"},
    "data.checked": {"id": "Pemeriksaan selesai", "en": "Check finished"},
    "data.stale": {
        "id": "Pemetaan atau opsi berubah sejak pemeriksaan terakhir: periksa ulang.",
        "en": "The mapping or options changed since the last check: check again.",
    },
    "data.mapping_problem": {
        "id": "Pemetaan kolom belum bisa dipakai: {problem}",
        "en": "The column mapping cannot be used yet: {problem}",
    },
    # --- Import: preview -----------------------------------------------------------------
    "data.preview_header": {"id": "2. Hasil pemeriksaan", "en": "2. Check results"},
    "data.metric_rows": {"id": "Baris", "en": "Rows"},
    "data.metric_ok": {"id": "OK", "en": "OK"},
    "data.metric_warning": {"id": "Peringatan", "en": "Warnings"},
    "data.metric_error": {"id": "Galat", "en": "Errors"},
    "data.metric_import": {"id": "Akan ditambah", "en": "To add"},
    "data.metric_update": {"id": "Akan diperbarui", "en": "To update"},
    "data.metric_skip": {"id": "Dilewati", "en": "Skipped"},
    "data.status.ok": {"id": "ok", "en": "ok"},
    "data.status.peringatan": {"id": "peringatan", "en": "warning"},
    "data.status.galat": {"id": "galat", "en": "error"},
    "data.action.impor": {"id": "impor", "en": "import"},
    "data.action.lewati": {"id": "lewati", "en": "skip"},
    "data.action.perbarui": {"id": "perbarui", "en": "update"},
    "data.filter_status": {"id": "Tampilkan status", "en": "Show status"},
    "data.preview_caption": {
        "id": "Menampilkan {shown} dari {total} baris. Laporan lengkap bisa diunduh di bawah.",
        "en": "Showing {shown} of {total} rows. The full report can be downloaded below.",
    },
    "data.col_row": {"id": "Baris", "en": "Row"},
    "data.col_status": {"id": "Status", "en": "Status"},
    "data.col_action": {"id": "Tindakan", "en": "Action"},
    "data.col_name": {"id": "Nama usaha", "en": "Business name"},
    "data.col_kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "data.col_sector": {"id": "Sektor", "en": "Sector"},
    "data.col_size": {"id": "Skala", "en": "Size"},
    "data.col_message": {"id": "Pesan", "en": "Message"},
    "data.col_duplicate_of": {"id": "Sama dengan", "en": "Same as"},
    "data.col_choices": {"id": "Pilihan", "en": "Choices"},
    "data.duplicates_header": {"id": "Duplikat: lewati atau perbarui", "en": "Duplicates"},
    "data.duplicates_help": {
        "id": (
            "Baris yang sama dengan baris lain di berkas atau dengan UMKM di register "
            "(nama sama dalam 30 m, telepon sama, atau id sama). Pilih «perbarui» untuk "
            "memperbarui UMKM yang tersimpan, «impor» untuk tetap menambahkannya."
        ),
        "en": (
            "Rows that repeat another row of the file or an UMKM of the register (same name "
            "within 30 m, same phone, or same id). Choose «update» to update the stored UMKM, "
            "«import» to add it anyway."
        ),
    },
    "data.duplicate_row": {"id": "baris {row}", "en": "row {row}"},
    "data.action_refused": {"id": "Tindakan ditolak: {reason}", "en": "Action refused: {reason}"},
    "data.report_csv": {"id": "Unduh laporan (CSV)", "en": "Download report (CSV)"},
    "data.report_xlsx": {"id": "Unduh laporan (XLSX)", "en": "Download report (XLSX)"},
    # --- Import: commit ------------------------------------------------------------------
    "data.commit_header": {"id": "3. Simpan", "en": "3. Save"},
    "data.commit": {
        "id": "Simpan: tambah {add}, perbarui {update}",
        "en": "Save: add {add}, update {update}",
    },
    "data.commit_help": {
        "id": "Semua baris yang diterima disimpan sekaligus, atau tidak sama sekali.",
        "en": "All accepted rows are stored at once, or none at all.",
    },
    "data.nothing_to_commit": {
        "id": "Tidak ada baris yang akan disimpan.",
        "en": "There are no rows to store.",
    },
    "data.committing": {"id": "Menyimpan {name}…", "en": "Saving {name}…"},
    "data.committed": {
        "id": (
            "Tersimpan sebagai impor #{batch}: {add} ditambah, {update} diperbarui, "
            "{skip} dilewati."
        ),
        "en": "Stored as import #{batch}: {add} added, {update} updated, {skip} skipped.",
    },
    "data.commit_failed": {
        "id": "Penyimpanan gagal, tidak ada yang berubah: {reason}",
        "en": "Saving failed, nothing changed: {reason}",
    },
    # --- Import batches ------------------------------------------------------------------
    "data.batches_empty": {"id": "Belum ada impor.", "en": "No imports yet."},
    "data.col_batch": {"id": "Impor", "en": "Import"},
    "data.col_file": {"id": "Berkas", "en": "File"},
    "data.col_created": {"id": "Waktu (UTC)", "en": "Time (UTC)"},
    "data.col_file_rows": {"id": "Baris berkas", "en": "File rows"},
    "data.col_in_store": {"id": "UMKM di register", "en": "UMKM in register"},
    "data.col_added": {"id": "Ditambah", "en": "Added"},
    "data.col_updated": {"id": "Diperbarui", "en": "Updated"},
    "data.col_sha": {"id": "SHA-256", "en": "SHA-256"},
    "data.undo_header": {"id": "Batalkan impor", "en": "Undo an import"},
    "data.undo_select": {"id": "Impor yang dibatalkan", "en": "Import to undo"},
    "data.undo_confirm": {
        "id": "Saya paham: UMKM yang ditambah impor ini dihapus, yang diperbarui dikembalikan.",
        "en": "I understand: UMKM this import added are deleted, updated ones restored.",
    },
    "data.undo": {"id": "Batalkan impor #{batch}", "en": "Undo import #{batch}"},
    "data.undone": {
        "id": "Impor #{batch} dibatalkan: {deleted} UMKM dihapus, {restored} dikembalikan.",
        "en": "Import #{batch} undone: {deleted} UMKM deleted, {restored} restored.",
    },
    "data.undo_failed": {
        "id": "Impor tidak dapat dibatalkan, tidak ada yang berubah: {reason}",
        "en": "The import cannot be undone, nothing changed: {reason}",
    },
    # --- Export --------------------------------------------------------------------------
    "data.export_intro": {
        "id": "Ekspor register sesuai saringan. Koordinat dalam derajat (EPSG:4326).",
        "en": "Export the register as filtered. Coordinates in degrees (EPSG:4326).",
    },
    "data.filter_sector": {"id": "Sektor", "en": "Sector"},
    "data.filter_size": {"id": "Skala", "en": "Size"},
    "data.filter_kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "data.filter_kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "data.filter_search": {"id": "Cari nama usaha", "en": "Search business name"},
    "data.export_count": {"id": "{count} UMKM sesuai saringan.", "en": "{count} UMKM match."},
    "data.export_format": {"id": "Format", "en": "Format"},
    "data.export_personal": {
        "id": "Sertakan data pribadi (pemilik, telepon, alamat)",
        "en": "Include personal data (owner, phone, address)",
    },
    "data.export_personal_note": {
        "id": (
            "Data pribadi dilindungi UU PDP 27/2022: bagikan hanya kepada petugas yang berwenang."
        ),
        "en": (
            "Personal data is protected by UU PDP 27/2022: share it only with authorised officers."
        ),
    },
    "data.export_no_personal": {
        "id": "Peran Anda tidak melihat data pribadi; ekspor tanpa pemilik, telepon, alamat.",
        "en": "Your role does not see personal data; the export leaves out owner, phone, address.",
    },
    "data.export_prepare": {"id": "Siapkan berkas", "en": "Prepare the file"},
    "data.export_preparing": {"id": "Menyiapkan {name}…", "en": "Preparing {name}…"},
    "data.export_download": {"id": "Unduh {name}", "en": "Download {name}"},
}
