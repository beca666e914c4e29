"""Export the (filtered) register as CSV, XLSX, GeoJSON or GeoPackage.

What leaves the app is the register as the caller's role may see it: the personal columns
(``pemilik``, ``telepon``, ``alamat``; see :data:`geo.core.register.PERSONAL_COLUMNS`) only for
the roles of :data:`geo.core.access.PERSONAL_DATA_ROLES`, dropped by
:func:`geo.core.register.strip_personal` for every other role. Each file carries the register
columns (plus ``presisi_lokasi`` and ``id_sumber`` when the register has them) and the kelurahan
and kecamatan names for people reading it; the importer reads every one of these files back
(:mod:`geo.ingest.importer`), so export -> import round-trips.

Coordinates are EPSG:4326 degrees in every format; dates are written ``YYYY-MM-DD``.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import wilayah
from geo.core.access import sees_personal
from geo.core.escape import spreadsheet_frame, xlsx_text_cells
from geo.core.register import UMKM_COLUMNS, strip_personal
from geo.core.settings import CRS_STORAGE

__all__ = ["EXPORT_FORMATS", "export_bytes", "export_frame", "export_name"]

#: Format -> (file suffix, MIME type).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "csv": (".csv", "text/csv"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "geojson": (".geojson", "application/geo+json"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
}
_LAYER = "umkm"


def export_frame(
    register: gpd.GeoDataFrame, *, role: str, kel: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """Return the columns an export holds, for ``role``.

    Parameters
    ----------
    register
        Register rows (EPSG:4326), e.g. a filter's result; ``presisi_lokasi`` and ``id_sumber``
        (the business's id in the system it was imported from) are kept if present.
    role
        The role of whoever receives the file (:data:`geo.core.access.ROLES`).
    kel
        Kelurahan layer for the names; the shipped one by default.

    Returns
    -------
    geopandas.GeoDataFrame
        Register columns in order (personal ones only when ``role`` may see them), then
        ``presisi_lokasi`` and ``id_sumber`` (if present), ``kelurahan`` and ``kecamatan`` names;
        point geometry,
        EPSG:4326.
    """
    kel = wilayah.kelurahan() if kel is None else kel
    columns = [c for c in UMKM_COLUMNS if c in register.columns]
    columns += [c for c in ("presisi_lokasi", "id_sumber") if c in register.columns]
    frame = pd.DataFrame(register[columns]).reset_index(drop=True)
    if not sees_personal(role):
        frame = strip_personal(frame)
    codes = kel["kode"].astype(str)
    kode = frame["kode_kelurahan"].astype("string")
    frame["kelurahan"] = kode.map(pd.Series(kel["nama"].astype(str).to_numpy(), index=codes))
    frame["kecamatan"] = kode.map(pd.Series(kel["kecamatan"].astype(str).to_numpy(), index=codes))
    frame = frame.astype({"kelurahan": "string", "kecamatan": "string"})
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS_STORAGE)


def _with_text_dates(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d").astype("string")
    return out


def export_bytes(
    register: gpd.GeoDataFrame,
    *,
    fmt: str,
    role: str,
    kel: gpd.GeoDataFrame | None = None,
) -> bytes:
    """Write the register (as :func:`export_frame` gives it for ``role``) in one format.

    Parameters
    ----------
    register
        Register rows (EPSG:4326).
    fmt
        ``"csv"`` (UTF-8, comma), ``"xlsx"`` (sheet "umkm"), ``"geojson"`` (RFC 7946:
        longitude/latitude in EPSG:4326, UTF-8) or ``"gpkg"`` (layer "umkm", EPSG:4326).
    role
        The role of whoever receives the file; personal columns only for those allowed.
    kel
        Kelurahan layer for the names; the shipped one by default.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    ValueError
        ``fmt`` is not one of :data:`EXPORT_FORMATS`.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose {', '.join(EXPORT_FORMATS)}")
    frame = export_frame(register, role=role, kel=kel)
    table = pd.DataFrame(frame.drop(columns="geometry"))
    if fmt == "csv":
        return spreadsheet_frame(_with_text_dates(table)).to_csv(index=False).encode("utf-8")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            _with_text_dates(table).to_excel(writer, sheet_name=_LAYER, index=False)
            sheet = writer.sheets[_LAYER]
            xlsx_text_cells(sheet)  # a name "=HYPERLINK(...)" stays text
            sheet.freeze_panes = "A2"
            for cells in sheet.columns:
                width = max(len(str(c.value or "")) for c in list(cells)[:200])
                sheet.column_dimensions[cells[0].column_letter].width = min(max(width, 8), 48) + 2
        return buffer.getvalue()
    dated = gpd.GeoDataFrame(_with_text_dates(frame), geometry="geometry", crs=CRS_STORAGE)
    if fmt == "geojson":
        # Python's JSON writer keeps every float exactly (shortest repr); GDAL's GeoJSON driver
        # rounds properties to 15 significant digits, which breaks export -> import equality.
        text = dated.to_json(na="null", show_bbox=False, drop_id=True, ensure_ascii=False)
        return text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "umkm.gpkg"
        dated.to_file(path, driver="GPKG", layer=_LAYER, engine="pyogrio")
        return path.read_bytes()


def export_name(fmt: str, *, stem: str = "umkm_kota_malang") -> str:
    """Return a download file name for ``fmt``, e.g. ``umkm_kota_malang.gpkg``."""
    return stem + EXPORT_FORMATS[fmt][0]
