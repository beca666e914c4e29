"""Read a register file of any supported format into one table of text cells.

Formats: CSV (any of ``,`` ``;`` tab ``|`` as delimiter, UTF-8 with or without BOM,
UTF-16 or UTF-32 with a BOM, UTF-16 without one when its zero bytes show it, or Windows-1252),
XLSX (also the older XLS and LibreOffice's ODS; the first sheet or a chosen
one), GeoJSON and GeoPackage (the first layer or a chosen one). Spreadsheets are read with
calamine (Rust), several times faster than openpyxl (``bench/importer.py`` measures both).
Every cell comes back as text (or None), exactly as written, so that the importer can repair
and report it; nothing is converted here.

Row numbers are the ones a person sees: in a spreadsheet, its row number (the header row is
usually row 1, the first record row 2); in a CSV, the record's position with the header as
row 1, counting blank lines; in GeoJSON and GeoPackage, the feature's number (1 = the first
feature; the importer calls these records "fitur", not "baris").
A header need not be on the first row:
the first of the first ten rows in which at least two cells are known headers is taken
(titles above a table are common in the city's spreadsheets); otherwise the first non-empty
row.

GeoJSON and GeoPackage geometries become a text column ``geometri`` holding ``"lat, lon"``
(reprojected to EPSG:4326 first), which the importer reads like any "Koordinat" column.

Every failure is a :class:`SourceError` naming the file, with the reason in Bahasa Indonesia
and without any path of the server: an upload is handed to GDAL under a temporary name, which
is replaced by the file's own name in every message. A header wider than
:data:`geo.core.settings.SOURCE_MAX_COLUMNS` columns is refused before the rows are read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import math
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geo.core import settings
from geo.core.settings import CRS_STORAGE
from geo.ingest import spreadsheet
from geo.ingest.headers import count_known_headers

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["FORMATS", "SourceError", "SourceTable", "read_source"]

#: File name suffix -> format name.
FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
}

GEOMETRY_COLUMN = "geometri"
_DELIMITERS = (",", ";", "\t", "|")
_HEADER_SEARCH_ROWS = 10
_SNIFF_LINES = 50
#: Byte order marks, longest first (a UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_UTF16_SAMPLE_BYTES = 4096
_UTF16_ZERO_SHARE = 0.3  # of the bytes at odd (LE) or even (BE) positions that are zero
_GEOJSON_GEOMETRIES = frozenset(
    {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
)


class SourceError(ValueError):
    """A file cannot be read at all (format, encoding, sheet); nothing is imported.

    Attributes
    ----------
    file : str
        The file's name.
    reason : str
        What is wrong, in Bahasa Indonesia.
    """

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")


def _n(number: int) -> str:
    """Return a whole number the Indonesian way (``100.000``)."""
    return f"{number:,}".replace(",", ".")


class _TooWideError(SourceError):
    """A header with more columns than :data:`geo.core.settings.SOURCE_MAX_COLUMNS`."""


def _check_width(width: int, name: str) -> None:
    """Refuse a header of more than :data:`geo.core.settings.SOURCE_MAX_COLUMNS` columns."""
    limit = settings.SOURCE_MAX_COLUMNS
    if width > limit:
        raise _TooWideError(
            name,
            f"terlalu banyak kolom: {_n(width)} (paling banyak {_n(limit)}); "
            "periksa pemisah kolom atau simpan ulang hanya kolom yang diperlukan",
        )


@dataclass(frozen=True)
class SourceTable:
    """A source file read as text cells, with where each record was in the file.

    Attributes
    ----------
    name
        The file's name (used in every message).
    sha256
        Hex SHA-256 of the file's bytes (recorded with the import batch).
    format
        ``"csv"``, ``"xlsx"``, ``"xls"``, ``"ods"``, ``"geojson"`` or ``"gpkg"``.
    cells
        One row per record, one column per header (unique labels; an empty header becomes
        ``"kolom <n>"``, a repeated one gets `` (2)``); values are str or None.
    rows
        Source row number of each record (see the module docstring), int64.
    header_row
        Row number of the header.
    sheet
        The sheet or layer read (None for CSV and GeoJSON).
    sheets
        Every sheet or layer of the file, for the user to choose from.
    encoding, delimiter
        What a CSV was read with (None otherwise).
    overflow
        Source row number -> number of non-empty cells beyond the last header (a row the
        delimiter split into more cells than there are columns).
    """

    name: str
    sha256: str
    format: str
    cells: pd.DataFrame
    rows: np.ndarray
    header_row: int = 1
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None
    overflow: dict[int, int] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        """The column headers, in order."""
        return [str(c) for c in self.cells.columns]


def _text(value: object) -> str | None:
    """Return a spreadsheet cell as the text a person sees (None for empty)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _unique_headers(raw: Sequence[str | None]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, header in enumerate(raw, start=1):
        name = (header or "").strip() or f"kolom {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _table_from_rows(
    rows: Iterable[tuple[int, Sequence[str | None]]], name: str
) -> tuple[pd.DataFrame, np.ndarray, int, dict[int, int]]:
    """Find the header among numbered rows and build the cell table below it."""
    numbered = [(n, list(cells)) for n, cells in rows]
    nonempty = [(n, c) for n, c in numbered if any(v is not None for v in c)]
    if not nonempty:
        raise SourceError(name, "berkas kosong: tidak ada baris berisi")
    header_at = 0
    for i, (_, cells) in enumerate(nonempty[:_HEADER_SEARCH_ROWS]):
        if count_known_headers(cells) >= 2:
            header_at = i
            break
    header_row, header_cells = nonempty[header_at]
    width = max(i + 1 for i, v in enumerate(header_cells) if v is not None)
    _check_width(width, name)
    headers = _unique_headers(header_cells[:width])
    body = [(n, c) for n, c in nonempty[header_at + 1 :]]
    overflow = {
        n: sum(v is not None for v in c[width:])
        for n, c in body
        if any(v is not None for v in c[width:])
    }
    data = [(c + [None] * width)[:width] for _, c in body]
    cells = pd.DataFrame(data, columns=headers, dtype=object)
    if not len(data):
        cells = pd.DataFrame({h: pd.Series(dtype=object) for h in headers})
    return cells, np.array([n for n, _ in body], dtype="int64"), header_row, overflow


def _utf16_without_bom(data: bytes) -> str | None:
    """Return ``"utf-16-le"``/``"utf-16-be"`` when the zero bytes show UTF-16 text, else None.

    Text of mostly Latin letters in UTF-16 has a zero byte in every other position: the odd
    ones in little-endian, the even ones in big-endian.
    """
    if len(data) % 2 or len(data) < 4:  # UTF-16 text is whole pairs of bytes
        return None
    sample = data[:_UTF16_SAMPLE_BYTES]
    half = len(sample) // 2
    even_zero = sample[0::2].count(0) / half
    odd_zero = sample[1::2].count(0) / half
    if odd_zero >= _UTF16_ZERO_SHARE and even_zero < _UTF16_ZERO_SHARE / 3:
        return "utf-16-le"
    if even_zero >= _UTF16_ZERO_SHARE and odd_zero < _UTF16_ZERO_SHARE / 3:
        return "utf-16-be"
    return None


def _decode_unicode(data: bytes, name: str) -> tuple[str, str] | None:
    """Decode UTF-16/UTF-32 text (by its BOM, or UTF-16 by its zero bytes), else None."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    encoding = encoding or _utf16_without_bom(data)
    if encoding is None:
        return None
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        label = encoding.upper().replace("-LE", "").replace("-BE", "")
        raise SourceError(
            name, f"berkas tampak {label} tetapi tidak terbaca (byte ke-{_n(exc.start + 1)})"
        ) from exc


def _decode(data: bytes, name: str) -> tuple[str, str]:
    unicode = _decode_unicode(data, name)
    if unicode is not None:
        return unicode
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # cp1252 leaves five bytes undefined; Latin-1 reads them all, as the same characters.
    return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str) -> str:
    """Return the delimiter that splits the first lines into the most, most equal cells."""
    sample = "\n".join(text.splitlines()[:_SNIFF_LINES])
    best, best_score = ",", (-1, -1.0)
    for delimiter in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
        except csv.Error:  # e.g. one "cell" over the field limit: not this delimiter
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = (int(mode > 1), counts.count(mode) / len(counts) * mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv_fast(
    text: str, delimiter: str, name: str
) -> tuple[pd.DataFrame, np.ndarray, int, dict[int, int]] | None:
    """Read a well-formed CSV with pandas' C parser (the header found as in the slow path).

    Returns None when a record has more cells than the header (the slow path then reports
    where) or the text is not one pandas reads the same way as :mod:`csv`.
    """
    try:
        head = list(
            itertools.islice(
                csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                _HEADER_SEARCH_ROWS * 3,
            )
        )
        _, _, header_row, _ = _table_from_rows(
            enumerate(([c.strip() or None for c in r] for r in head), start=1), name
        )
    except _TooWideError:
        raise
    except (SourceError, csv.Error):
        return None
    header_cells = [c.strip() or None for c in head[header_row - 1]]
    width = max(i + 1 for i, v in enumerate(header_cells) if v is not None)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=list(range(width)),
            skiprows=header_row,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return None
    numbers = np.arange(header_row + 1, header_row + 1 + len(frame), dtype="int64")
    columns = {}
    empty = np.ones(len(frame), dtype=bool)
    for i, header in enumerate(_unique_headers(header_cells[:width])):
        values = frame[i].str.strip()
        blank = (values == "").to_numpy()
        empty &= blank
        columns[header] = values.astype(object).where(~blank, None)
    cells = pd.DataFrame(columns, dtype=object)[~empty].reset_index(drop=True)
    return cells, numbers[~empty], header_row, {}


def _csv_reason(exc: csv.Error, line: int) -> str:
    """Say in Bahasa Indonesia why the :mod:`csv` module stopped at ``line`` (1-based)."""
    message = str(exc)
    if "field larger than field limit" in message:
        limit = csv.field_size_limit()
        return f"CSV tidak terbaca: baris {_n(line)} berisi sel lebih dari {_n(limit)} karakter"
    return f"CSV tidak terbaca di baris {_n(line)}: {message}"


def _read_csv(data: bytes, name: str) -> tuple[SourceTable, str, str]:
    text, encoding = _decode(data, name)
    if "\x00" in text:
        raise SourceError(name, "bukan berkas teks CSV (berisi karakter NUL)")
    delimiter = _sniff_delimiter(text)
    fast = _read_csv_fast(text, delimiter, name)
    if fast is not None:
        cells, numbers, header_row, overflow = fast
    else:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

        def rows() -> Iterable[tuple[int, list[str | None]]]:
            for n, record in enumerate(reader, start=1):
                yield n, [c.strip() or None for c in record]

        try:
            cells, numbers, header_row, overflow = _table_from_rows(rows(), name)
        except csv.Error as exc:
            raise SourceError(name, _csv_reason(exc, reader.line_num)) from exc
    table = SourceTable(
        name=name,
        sha256="",
        format="csv",
        cells=cells,
        rows=numbers,
        header_row=header_row,
        encoding=encoding,
        delimiter=delimiter,
        overflow=overflow,
    )
    return table, encoding, delimiter


def _read_sheet(data: bytes, name: str, fmt: str, sheet: str | None) -> SourceTable:
    """Read one sheet safely (see :mod:`geo.ingest.spreadsheet`), keeping its row numbers."""
    try:
        if fmt == "xlsx":
            spreadsheet.check_xlsx(data, sheet=sheet)
        sheets, chosen, values = spreadsheet.read_sheet_values(data, sheet=sheet)
    except spreadsheet.SheetError as exc:
        reason = exc.reason
        if reason.startswith("tidak terbaca"):
            reason = f"{fmt.upper()} {reason}"
        raise SourceError(name, reason) from exc
    rows = ((n, [_text(v) for v in cells]) for n, cells in enumerate(values, start=1))
    cells, numbers, header_row, overflow = _table_from_rows(rows, name)
    return SourceTable(
        name=name,
        sha256="",
        format=fmt,
        cells=cells,
        rows=numbers,
        header_row=header_row,
        sheet=chosen,
        sheets=sheets,
        overflow=overflow,
    )


def _vector_reason(exc: BaseException, folder: str, name: str, fmt: str) -> str:
    """Say why GDAL could not read the upload, with the temporary path replaced by ``name``."""
    message = str(exc).split("; It might help", 1)[0].strip().rstrip(".;")
    message = re.sub(rf"{re.escape(folder)}[/\\]?[^\s'\"]*", name, message)
    message = message.replace(folder, "")
    if any(
        text in message
        for text in ("not recognized as being in a supported file format", "not a database")
    ):
        return f"{fmt.upper()} tidak terbaca: bukan berkas {fmt.upper()} yang sah"
    return f"{fmt.upper()} tidak terbaca: {message}"


def _open_vector(
    data: bytes, name: str, fmt: str, layer: str | None
) -> tuple[gpd.GeoDataFrame, tuple[str, ...], str | None]:
    """Read a GeoJSON or a GeoPackage layer with GDAL; return it, the layers and the one read.

    GDAL reads files, so the bytes go to a temporary folder first; no message names it.
    """
    import geopandas as gpd
    import pyogrio

    suffix = ".gpkg" if fmt == "gpkg" else ".geojson"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"sumber{suffix}"
        path.write_bytes(data)
        try:
            layers = tuple(str(row[0]) for row in pyogrio.list_layers(path))
            chosen = layer if layer is not None else (layers[0] if layers else None)
            if fmt == "gpkg" and chosen not in layers:
                raise SourceError(name, f"layer {chosen!r} tidak ada; pilihan: {', '.join(layers)}")
            gdf = gpd.read_file(path, layer=chosen if fmt == "gpkg" else None)
            if gdf.crs is not None and gdf.crs != CRS_STORAGE:
                gdf = gdf.to_crs(CRS_STORAGE)
        except SourceError:
            raise
        except Exception as exc:  # pyogrio raises its own DataSourceError and friends
            raise SourceError(name, _vector_reason(exc, tmp, name, fmt)) from exc
    return gdf, layers, chosen


def _no_attributes_reason(data: bytes, fmt: str, features: int) -> str:
    """Say why a layer without attribute columns cannot be a register (a bare geometry?)."""
    if fmt == "geojson":
        try:
            kind = json.loads(data).get("type")
        except (ValueError, AttributeError, RecursionError):
            kind = None
        if kind in _GEOJSON_GEOMETRIES:
            return (
                f"berisi satu geometri GeoJSON ({kind}) tanpa atribut; yang dibutuhkan sebuah "
                "FeatureCollection dengan satu Feature per UMKM dan atributnya di properties"
            )
    if not features:
        return "berkas kosong: tidak ada fitur"
    return (
        f"{_n(features)} fitur tanpa atribut (properties kosong): tidak ada kolom nama usaha, "
        "alamat, sektor dan lainnya untuk dibaca"
    )


def _geometry_texts(geoms: Iterable[Any]) -> list[str | None]:
    """Return each geometry as ``"lat, lon"`` (points), None (empty) or why it is not a point."""
    texts: list[str | None] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            texts.append(None)
        elif geom.geom_type == "Point":
            texts.append(f"{geom.y!r}, {geom.x!r}")
        else:
            texts.append(f"bukan titik: {geom.geom_type}")
    return texts


def _read_vector(data: bytes, name: str, fmt: str, layer: str | None) -> SourceTable:
    gdf, layers, chosen = _open_vector(data, name, fmt, layer)
    attributes = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    if not len(attributes.columns):
        raise SourceError(name, _no_attributes_reason(data, fmt, len(gdf)))
    _check_width(len(attributes.columns), name)
    headers = _unique_headers([str(c) for c in attributes.columns])
    cells = pd.DataFrame(
        {
            h: [_text(v) for v in attributes[c].tolist()]
            for h, c in zip(headers, attributes.columns, strict=True)
        },
        dtype=object,
    )
    texts = _geometry_texts(gdf.geometry.to_numpy())
    column = GEOMETRY_COLUMN if GEOMETRY_COLUMN not in cells.columns else f"{GEOMETRY_COLUMN} (2)"
    cells[column] = pd.Series(texts, dtype=object, index=cells.index)
    cells.index = pd.RangeIndex(len(cells))
    return SourceTable(
        name=name,
        sha256="",
        format=fmt,
        cells=cells,
        rows=np.arange(1, len(cells) + 1, dtype="int64"),  # features: 1 = the first
        sheet=chosen if fmt == "gpkg" else None,
        sheets=layers if fmt == "gpkg" else (),
    )


def read_source(
    source: str | Path | bytes, *, name: str | None = None, sheet: str | None = None
) -> SourceTable:
    """Read a register file into text cells.

    Parameters
    ----------
    source
        A path, or the file's bytes (an upload).
    name
        The file's name; required with bytes (its suffix gives the format), default the
        path's name.
    sheet
        XLSX sheet or GeoPackage layer to read; the first by default.

    Returns
    -------
    SourceTable

    Raises
    ------
    SourceError
        The file is missing, empty, of an unknown format, unreadable, or the sheet/layer does
        not exist.
    """
    if isinstance(source, bytes):
        if not name:
            raise SourceError("(tanpa nama)", "nama berkas diperlukan untuk mengenali formatnya")
        data = source
    else:
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            raise SourceError(name, f"berkas tidak ditemukan: {path}")
        data = path.read_bytes()
    fmt = FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        choices = ", ".join(sorted(set(FORMATS)))
        raise SourceError(name, f"format tidak dikenal; pilihan: {choices}")
    if not data:
        raise SourceError(name, "berkas kosong")
    digest = hashlib.sha256(data).hexdigest()
    if fmt == "csv":
        table, _, _ = _read_csv(data, name)
    elif fmt in ("xlsx", "xls", "ods"):
        table = _read_sheet(data, name, fmt, sheet)
    else:
        table = _read_vector(data, name, fmt, sheet)
    return SourceTable(**{**table.__dict__, "sha256": digest})
