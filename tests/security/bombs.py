"""Hostile spreadsheets, made small on disk: zip bombs, a workbook of too many parts, a row of a million cells,
an entity-expanding DTD, CSV files past the limits. Used by tests/security/test_import_bombs.py and
bench/import_bombs.py."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _inline(text: str) -> bytes:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'.encode()


HEADER_ROW = b"<row>" + _inline("姓名") + _inline("性别") + _inline("单位") + b"</row>"
PERSON_ROW = b"<row>" + _inline("王芳") + _inline("女") + _inline("云州大学") + b"</row>"


def _workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(["姓名", "性别", "单位"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_with(*, sheet_chunks=None, extra_parts=()) -> bytes:
    """A real workbook whose first sheet is replaced by `sheet_chunks` (streamed, so that gigabytes of XML
    never sit in memory) and which carries `extra_parts` (name, bytes) besides."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename == SHEET and sheet_chunks is not None:
                with target.open(SHEET, "w", force_zip64=True) as sheet:
                    for chunk in sheet_chunks:
                        sheet.write(chunk)
            else:
                target.writestr(info.filename, source.read(info.filename))
        for name, data in extra_parts:
            target.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(unpacked_mb: int = 1024) -> bytes:
    """About 1 MB on disk; its sheet unpacks to `unpacked_mb` MB of identical rows."""
    block = PERSON_ROW * (1024 * 1024 // len(PERSON_ROW))

    def chunks():
        yield SHEET_HEAD + HEADER_ROW
        for _ in range(unpacked_mb):
            yield block
        yield SHEET_TAIL

    return workbook_with(sheet_chunks=chunks())


def high_ratio_part() -> bytes:
    """An ordinary workbook carrying one 20 MB part of zeros, packed about 1,000 times."""
    return workbook_with(extra_parts=[("xl/media/image1.png", bytes(20 * 1024 * 1024))])


def many_parts(count: int = 5_000) -> bytes:
    return workbook_with(extra_parts=[(f"xl/media/image{index}.png", b"x") for index in range(count)])


def million_cell_row() -> bytes:
    """A row of a million cells, each with its own reference so that it packs only some 20 times: under the
    zip directory's limits, but openpyxl would build every cell."""

    def chunks():
        yield SHEET_HEAD + HEADER_ROW + b'<row r="2">'
        for start in range(0, 1_000_000, 10_000):
            yield b"".join(f'<c r="A{index}"/>'.encode() for index in range(start, start + 10_000))
        yield b"</row>" + SHEET_TAIL

    return workbook_with(sheet_chunks=chunks())


def entity_expansion() -> bytes:
    """A sheet with a DTD whose entities expand (a small "billion laughs")."""
    doctype = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY a "laugh">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    row = b"<row>" + _inline("&c;") + _inline("女") + _inline("云州大学") + b"</row>"
    return workbook_with(sheet_chunks=[doctype, HEADER_ROW, row, SHEET_TAIL])


def csv_of_tiny_rows(rows: int = 6_000_000) -> bytes:
    """Under 20 MB: a header and millions of one-cell rows."""
    return "姓名,性别,单位\n".encode() + b"1\n" * rows


def csv_of_wide_rows(columns: int = 200) -> bytes:
    return ("姓名,性别,单位" + ",x" * columns + "\n王芳,女,云州大学" + ",x" * columns + "\n").encode()


def csv_of_a_million_commas() -> bytes:
    return "姓名,性别,单位\n".encode() + b"," * 1_000_000 + b"\n"


ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter, whose memory (traced allocations, and growth of the peak resident size) is the
# import's alone. Its address space is capped so that a reader without limits fails instead of eating the machine.
MEASURE = """
import json, resource, sys, time, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
import django
django.setup()
from django.utils import translation
from laurel.people import spreadsheets
translation.activate("en")
content = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
started = time.perf_counter()
try:
    spreadsheets.preview_import("persons", content)
    outcome = "accepted"
except spreadsheets.SpreadsheetError as error:
    outcome = str(error)
except MemoryError:
    outcome = "MemoryError"
seconds = time.perf_counter() - started
peak = tracemalloc.get_traced_memory()[1]
growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"outcome": outcome, "seconds": seconds, "traced_mb": peak / 2**20, "rss_growth_mb": growth / 1024}))
"""


def measure(path: Path, *, data_dir: Path, timeout: float) -> dict:
    """Read `path` as an import of people in a fresh interpreter: the outcome (the refusal, in English), the
    seconds it took, the peak of traced allocations and the growth of the peak resident size, in MB."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "laurel.settings",
        "LAUREL_DEBUG": "1",
        "LAUREL_DATA_DIR": str(data_dir),
    }
    completed = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-2000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])
