"""Reading an uploaded spreadsheet within fixed bounds of time and memory, whatever the file holds.

An XLSX workbook is a zip archive of XML parts, and a few kilobytes of it can unpack to gigabytes: a 1.6 MB
workbook once took 105 s and 420 MB before it was refused for its row count. So, before any XML parser sees a
workbook, its zip directory is checked (`check_workbook`: number of parts, each part's and the total unpacked
size, compression ratio, compression method), which refuses such a bomb in milliseconds; then every XML part is
streamed once through expat (`_check_xml`: no DTD, bounded depth, children and elements) so that no part can
make openpyxl build a huge tree; only then does openpyxl read the first sheet, row by row, and reading stops at
the row and column limits. A CSV file is read line by line with the same limits.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterator
from pyexpat import ExpatError, ParserCreate

from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024  # the uploaded file
MAX_ROWS = 50_000  # rows of data, not counting the header or empty rows
MAX_SHEET_ROWS = 200_000  # rows read in all, empty ones too (sheets often carry formatted empty rows)
MAX_COLUMNS = 100  # the widest import has 12 columns

# The zip directory of a workbook. Excel and WPS write 10 to 30 parts; the data of 50,000 rows of 12 columns
# unpacks to well under 100 MB. The ratio bound is Apache POI's (ZipSecureFile's minimum inflate ratio, 1%):
# XML compresses 5 to 30 times; only parts above 1 MB are held to it.
MAX_PARTS = 1_000
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024

# Each XML part. openpyxl keeps every element of a part it reads whole (styles, shared strings) and each row's
# cells: bounded here. 65,536 is above Excel's own limits (16,384 columns, 64,000 cell formats).
MAX_XML_DEPTH = 32
MAX_XML_CHILDREN = 65_536
MAX_XML_ELEMENTS = 4_000_000
MAX_SHARED_STRINGS = 1_000_000
XML_READ_BYTES = 64 * 1024

# A CSV line may hold at most so many commas, and a row (quoted line breaks) span at most so many lines.
MAX_CSV_COMMAS_PER_LINE = 10_000
MAX_CSV_LINES_PER_ROW = 500

PROGRESS_EVERY = 500  # rows between two progress reports

Progress = Callable[[int, int], None]  # (rows read, rows expected or 0 when unknown)


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, no header, beyond a limit). Says why, in words."""


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)


def check_upload(content: bytes) -> None:
    """The checks that are quick enough for the upload request itself: size, and a workbook's zip directory."""
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(_("The file is over %(size)d MB.") % {"size": _megabytes(MAX_BYTES)})
    if is_workbook(content):
        with _open_zip(content) as archive:
            check_workbook(archive)


def is_workbook(content: bytes) -> bool:
    return content.startswith(b"PK\x03\x04")


def _open_zip(content: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise SpreadsheetError(_("The file looks like an XLSX workbook but cannot be read.")) from None


def check_workbook(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose zip directory promises more than a spreadsheet of people ever needs. Python's
    zipfile never unpacks more than a part's stated size, so the stated sizes bound what any reader can get."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise SpreadsheetError(
            _("The workbook holds more than %(max)d parts; a spreadsheet holds a few dozen.") % {"max": MAX_PARTS}
        )
    total = 0
    for part in parts:
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SpreadsheetError(_("The file looks like an XLSX workbook but cannot be read."))
        if part.file_size > MAX_PART_BYTES:
            raise SpreadsheetError(
                _("A part of the workbook unpacks to more than %(size)d MB.") % {"size": _megabytes(MAX_PART_BYTES)}
            )
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise SpreadsheetError(
                _("A part of the workbook unpacks to more than %(ratio)d times its packed size: refused as a zip bomb.")
                % {"ratio": MAX_RATIO}
            )
        total += part.file_size
    if total > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            _("The workbook unpacks to more than %(size)d MB.") % {"size": _megabytes(MAX_UNPACKED_BYTES)}
        )


def _local_name(tag: str) -> str:
    return tag.rpartition(":")[2]


def _may_be_xml(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether an XML parser could read the part. openpyxl finds parts through the workbook's relationships, not
    by their names, so a sheet may be called `sheet1.bin`: every part that begins like XML (after a byte order mark
    and white space, in UTF-8 or UTF-16) is checked. Anything else (images, printer settings) makes an XML parser
    stop at its first byte, so it cannot cost anything there."""
    if name.endswith((".xml", ".rels")):
        return True
    with archive.open(name) as part:
        head = part.read(512)
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(encoding, errors="ignore").encode()
            break
    else:
        if head[1:2] == b"\x00" or head[:1] == b"\x00":  # UTF-16 without a byte order mark
            head = head.replace(b"\x00", b"")
    return head.lstrip().startswith(b"<")


def _check_xml(archive: zipfile.ZipFile, name: str) -> None:
    """Stream one XML part through expat, refusing a DTD (entity expansion), deep nesting, an element with too
    many children (a row of millions of cells) and too many elements in all."""
    too_big = SpreadsheetError(_("The workbook's part %(name)s is too large or too deeply nested.") % {"name": name})
    parser = ParserCreate()
    children, tags, elements = [0], [""], 0

    def start(tag, _attributes):
        nonlocal elements
        elements += 1
        children[-1] += 1
        parent = tags[-1]
        limit = {"sheetData": MAX_SHEET_ROWS, "sst": MAX_SHARED_STRINGS}.get(parent, MAX_XML_CHILDREN)
        if children[-1] > limit or len(tags) > MAX_XML_DEPTH or elements > MAX_XML_ELEMENTS:
            raise too_big
        children.append(0)
        tags.append(_local_name(tag))

    def end(_tag):
        children.pop()
        tags.pop()

    def refuse_dtd(*_arguments):
        raise SpreadsheetError(_("The workbook's part %(name)s declares a DTD; refused.") % {"name": name})

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(XML_READ_BYTES):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (ExpatError, zipfile.BadZipFile, OSError, EOFError):
        raise SpreadsheetError(_("The file looks like an XLSX workbook but cannot be read.")) from None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Rows:
    """Collects the non-empty rows of a table, refusing it past the limits and reporting progress."""

    def __init__(self, progress: Progress | None, expected: int = 0):
        self.rows: list[list[str]] = []
        self.read = 0
        self.progress = progress
        self.expected = min(expected, MAX_SHEET_ROWS)

    def add(self, cells: list[str]) -> None:
        self.read += 1
        if self.read > MAX_SHEET_ROWS:
            raise SpreadsheetError(
                _("The file has more than %(max)d rows, counting empty ones.") % {"max": MAX_SHEET_ROWS}
            )
        if any(cells[MAX_COLUMNS:]):
            raise SpreadsheetError(_("The file has more than %(max)d columns.") % {"max": MAX_COLUMNS})
        while cells and not cells[-1]:  # a workbook's rows come padded to its widest row
            cells.pop()
        if cells:
            if len(self.rows) > MAX_ROWS:  # the header and MAX_ROWS rows of data are already in
                raise SpreadsheetError(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
            self.rows.append(cells)
        if self.progress is not None and self.read % PROGRESS_EVERY == 0:
            self.progress(self.read, max(self.expected, self.read))


def _read_workbook(content: bytes, progress: Progress | None) -> list[list[str]]:
    from openpyxl import load_workbook

    with _open_zip(content) as archive:
        check_workbook(archive)
        for name in archive.namelist():
            if _may_be_xml(archive, name):
                _check_xml(archive, name)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
        try:
            sheet = workbook.worksheets[0]
            rows = _Rows(progress, expected=sheet.max_row or 0)
            for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
                rows.add([_cell_text(value) for value in row])
        finally:
            workbook.close()
    except SpreadsheetError:
        raise
    except Exception:  # openpyxl raises many kinds on a broken workbook
        raise SpreadsheetError(_("The file looks like an XLSX workbook but cannot be read.")) from None
    return rows.rows


def _bounded_lines(stream: io.TextIOBase, rows: _Rows) -> Iterator[str]:
    """The CSV file's lines for csv.reader, refusing a line of too many commas or a row spanning too many
    lines: csv.reader builds a whole row before it returns it, so a row's size is bounded here."""
    lines_in_row, rows_before = 0, rows.read
    for line in stream:
        if line.count(",") > MAX_CSV_COMMAS_PER_LINE:
            raise SpreadsheetError(_("The file has more than %(max)d columns.") % {"max": MAX_COLUMNS})
        if rows.read != rows_before:
            lines_in_row, rows_before = 0, rows.read
        lines_in_row += 1
        if lines_in_row > MAX_CSV_LINES_PER_ROW:
            raise SpreadsheetError(_("The CSV file is malformed."))
        yield line


def _read_csv(content: bytes, progress: Progress | None) -> list[list[str]]:
    if b"\x00" in content[:4096]:
        raise SpreadsheetError(_("The file is neither an XLSX workbook nor a CSV file."))
    for encoding in ("utf-8-sig", "gb18030"):
        rows = _Rows(progress)
        stream = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
        try:
            for row in csv.reader(_bounded_lines(stream, rows)):
                rows.add([cell.strip() for cell in row])
        except UnicodeDecodeError:
            continue
        except csv.Error:
            raise SpreadsheetError(_("The CSV file is malformed.")) from None
        return rows.rows
    raise SpreadsheetError(_("The CSV file is neither UTF-8 nor GB18030 text."))


def read_rows(content: bytes, *, progress: Progress | None = None) -> list[list[str]]:
    """The non-empty rows of an XLSX (first sheet) or CSV file (UTF-8 or GB18030), judged by content, not
    name, as lists of strings. Raises SpreadsheetError, in words, for a file beyond the limits above."""
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(_("The file is over %(size)d MB.") % {"size": _megabytes(MAX_BYTES)})
    if is_workbook(content):
        return _read_workbook(content, progress)
    return _read_csv(content, progress)
