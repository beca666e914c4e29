"""Read spreadsheets (XLSX, XLS, ODS) without letting any file take the server down.

calamine (Rust) builds a dense grid from the first used cell to the last. A 5 KB workbook with
one cell at ``XFD1048576`` therefore asks for 17 billion cells (549,755,813,888 bytes), and a
failed allocation in Rust aborts the whole process: the CLI, or the Streamlit server with
every session. Two defences:

1. :func:`check_xlsx` looks inside an XLSX before anything parses it: the total uncompressed
   size of the archive, the sheet's declared ``<dimension>`` and its real extent (the cell
   references actually written, scanned as a byte stream). A sheet over
   :data:`geo.core.settings.SPREADSHEET_MAX_CELLS` is refused with a message that says which sheet,
   which range and what to do.
2. :func:`read_sheet_values` parses in a child process (``python -m geo.ingest.spreadsheet``) with
an
   address-space limit. Whatever the file does (XLS and ODS have no cheap pre-check, and
   repeated-cell attributes can expand), an allocation failure or a crash ends the child only,
   and the caller gets :class:`SheetError`.
"""

from __future__ import annotations

import io
import os
import pickle
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from geo.core import settings

__all__ = ["SheetError", "SheetExtent", "check_xlsx", "read_sheet_values"]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# A cell or row reference attribute inside a worksheet's XML (any attribute order, optional
# namespace prefix): <c r="AB12" ...> and <row r="12" ...>.
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"([0-9]{1,7})\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\sref=\"([A-Z0-9:$]+)\"")
_A1 = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")
_CHUNK = 1 << 20


class SheetError(ValueError):
    """A spreadsheet cannot be read safely; ``reason`` says why in Bahasa Indonesia."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class SheetExtent:
    """The used rectangle of a sheet (1-based, inclusive).

    Attributes
    ----------
    first_row, last_row, first_col, last_col : int
        Row and column numbers of the first and last used cell.
    """

    first_row: int
    last_row: int
    first_col: int
    last_col: int

    @property
    def rows(self) -> int:
        """Number of rows of the rectangle."""
        return self.last_row - self.first_row + 1

    @property
    def cols(self) -> int:
        """Number of columns of the rectangle."""
        return self.last_col - self.first_col + 1

    @property
    def cells(self) -> int:
        """Number of cells of the rectangle (what a dense reader allocates)."""
        return self.rows * self.cols

    def a1(self) -> str:
        """Return the rectangle in A1 notation, e.g. ``A1:XFD1048576``."""
        return (
            f"{_column_name(self.first_col)}{self.first_row}:"
            f"{_column_name(self.last_col)}{self.last_row}"
        )


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number


def _column_name(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _parse_range(ref: str) -> SheetExtent | None:
    parts = [_A1.fullmatch(p) for p in ref.split(":")]
    if not parts or not all(parts):
        return None
    cols = [_column_number(m.group(1)) for m in parts if m]
    rows = [int(m.group(2)) for m in parts if m]
    return SheetExtent(min(rows), max(rows), min(cols), max(cols))


def _sheet_paths(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet XML member, from the workbook and its relationships."""
    try:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {}
    for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id")] = str(PurePosixPath(os.path.normpath(path)))
    paths = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        member = targets.get(sheet.get(f"{{{_REL_NS}}}id"))
        if member:
            paths[sheet.get("name", "")] = member
    return paths


def _scan_extent(stream: io.BufferedIOBase) -> tuple[SheetExtent | None, SheetExtent | None]:
    """Read the declared dimension and real extent of a worksheet's XML, read in 1 MB chunks."""
    declared = None
    rows: list[int] = []
    cols: list[int] = []
    tail = b""
    while chunk := stream.read(_CHUNK):
        buffer = tail + chunk
        # Keep an unfinished tag for the next chunk so that no reference is cut in two.
        cut = buffer.rfind(b"<")
        scan, tail = (buffer[:cut], buffer[cut:]) if cut > 0 else (buffer, b"")
        if declared is None and (dim := _DIMENSION.search(scan)):
            declared = _parse_range(dim.group(1).decode("ascii"))
        cells = _CELL_REF.findall(scan)
        if cells:
            cols += [
                min(_column_number(c.decode()) for c, _ in cells),
                max(_column_number(c.decode()) for c, _ in cells),
            ]
            rows += [min(int(r) for _, r in cells), max(int(r) for _, r in cells)]
        row_refs = _ROW_REF.findall(scan)
        if row_refs:
            rows += [min(map(int, row_refs)), max(map(int, row_refs))]
    real = SheetExtent(min(rows), max(rows), min(cols), max(cols)) if rows and cols else None
    return declared, real


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _too_large(sheet: str, extent: SheetExtent, what: str, limit: int) -> SheetError:
    return SheetError(
        f"sheet {sheet!r} {what} {extent.a1()} ({_count(extent.rows)} baris × "
        f"{_count(extent.cols)} kolom = {_count(extent.cells)} sel); batas {_count(limit)} sel. "
        "Hapus isi atau format di luar tabel (mis. sel jauh di bawah atau di kanan), simpan "
        "ulang, lalu unggah lagi"
    )


def check_xlsx(data: bytes, *, sheet: str | None = None) -> None:
    """Refuse an XLSX whose chosen sheet or archive is too large to read safely.

    Parameters
    ----------
    data
        The workbook's bytes.
    sheet
        The sheet to be read; the first sheet by default.

    Raises
    ------
    SheetError
        The archive expands beyond :data:`geo.core.settings.SPREADSHEET_MAX_EXPANDED_BYTES`, or the
        sheet's declared dimension or real extent exceeds
        :data:`geo.core.settings.SPREADSHEET_MAX_CELLS` cells. A file that is not a ZIP archive is
        left to the reader, which reports it.
    """
    limit = settings.SPREADSHEET_MAX_CELLS
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return
    with book:
        expanded = sum(info.file_size for info in book.infolist())
        if expanded > settings.SPREADSHEET_MAX_EXPANDED_BYTES:
            raise SheetError(
                f"isi berkas mengembang menjadi {_count(expanded // 2**20)} MB; batas "
                f"{_count(settings.SPREADSHEET_MAX_EXPANDED_BYTES // 2**20)} MB"
            )
        paths = _sheet_paths(book)
        if not paths:
            return
        name = sheet if sheet is not None else next(iter(paths))
        member = paths.get(name)
        if member is None or member not in book.namelist():
            return
        with book.open(member) as stream:
            declared, real = _scan_extent(stream)
    if declared is not None and declared.cells > limit:
        raise _too_large(name, declared, "menyatakan rentang", limit)
    if real is not None and real.cells > limit:
        raise _too_large(name, real, "berisi sel sampai rentang", limit)


def read_sheet_values(
    data: bytes, *, sheet: str | None = None, timeout_s: float | None = None
) -> tuple[tuple[str, ...], str, list[list[object]]]:
    """Parse one sheet with calamine in a memory-capped child process.

    Parameters
    ----------
    data
        The workbook's bytes (XLSX, XLSM, XLS or ODS).
    sheet
        Sheet to read; the first by default.
    timeout_s
        Wall-clock limit in seconds; :data:`geo.core.settings.SPREADSHEET_READER_TIMEOUT_S` by
        default.

    Returns
    -------
    tuple
        The workbook's sheet names, the sheet read, and its rows as lists of Python values
        (text, numbers, booleans, dates; ``""`` for empty cells), from the first row on.

    Raises
    ------
    SheetError
        The file is unreadable, the sheet does not exist, or reading it ran out of memory or
        time (the message says which).
    """
    timeout = settings.SPREADSHEET_READER_TIMEOUT_S if timeout_s is None else timeout_s
    package_root = str(Path(__file__).resolve().parents[2])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "geo.ingest.spreadsheet",
                sheet or "",
                str(settings.SPREADSHEET_READER_MEMORY_BYTES),
            ],
            input=data,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SheetError(
            f"membaca sheet melebihi {timeout:.0f} detik; berkas terlalu besar"
        ) from exc
    if done.returncode != 0 or not done.stdout:
        raise SheetError(
            "berkas tidak dapat dibaca dengan aman (pembaca kehabisan memori atau berhenti); "
            "periksa ukuran sheet dan simpan ulang berkasnya"
        )
    result = pickle.loads(done.stdout)  # our own child's answer, never the upload's bytes
    if "error" in result:
        raise SheetError(result["error"])
    return tuple(result["sheets"]), result["chosen"], result["values"]


def _child(sheet: str | None, memory_bytes: int) -> dict[str, object]:
    """Run in the child: parse stdin's workbook and return the answer for the parent."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    import python_calamine

    data = sys.stdin.buffer.read()
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own CalamineError, ZipError, XmlError
        return {"error": f"tidak terbaca: {exc}"}
    try:
        sheets = list(book.sheet_names)
        if not sheets:
            return {"error": "berkas tidak berisi sheet"}
        chosen = sheet or sheets[0]
        if chosen not in sheets:
            return {"error": f"sheet {chosen!r} tidak ada; pilihan: {', '.join(sheets)}"}
        try:
            values = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
        except MemoryError:
            return {"error": f"sheet {chosen!r} terlalu besar untuk dibaca"}
        except Exception as exc:
            return {"error": f"sheet {chosen!r} tidak terbaca: {exc}"}
    finally:
        book.close()
    return {"sheets": sheets, "chosen": chosen, "values": values}


if __name__ == "__main__":  # the child process of read_sheet_values
    answer = _child(sys.argv[1] or None, int(sys.argv[2]))
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
