"""Benchmark: how fast, and within how much memory, hostile spreadsheets are refused (target: within 2 s and
100 MB each), and what the zip-directory check at upload costs. A 1.6 MB workbook once took 105 s and 420 MB
before it was refused, an 8.2 MB one 523 s and 1.55 GB.

Run: .venv/bin/python bench/import_bombs.py
Each file is read as an import of people in a fresh interpreter (tests/security/bombs.py's `measure`:
traced allocations and the growth of the peak resident size; address space capped at 3 GB, 120 s at most).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LAUREL_DEBUG", "1")
os.environ["LAUREL_DATA_DIR"] = tempfile.mkdtemp(prefix="laurel-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

import django

django.setup()

ROOT = Path(__file__).resolve().parent.parent

from laurel.people import importfiles  # noqa: E402
from tests.security import bombs  # noqa: E402

FILES = {
    "zip bomb, 1.6 MB -> 400 MB sheet": lambda: bombs.zip_bomb(unpacked_mb=400),
    "zip bomb, 8 MB -> 2 GB sheet": lambda: bombs.zip_bomb(unpacked_mb=2048),
    "one part packed 1,000 times": bombs.high_ratio_part,
    "5,000 parts": bombs.many_parts,
    "a row of a million cells (packed 6 times)": bombs.million_cell_row,
    "DTD with expanding entities": bombs.entity_expansion,
    "CSV of 6 million tiny rows (12 MB)": bombs.csv_of_tiny_rows,
    "CSV line of a million commas": bombs.csv_of_a_million_commas,
}


def main():
    directory = Path(os.environ["LAUREL_DATA_DIR"])
    for name, make in FILES.items():
        path = directory / "hostile.bin"
        content = make()
        path.write_bytes(content)
        started = time.perf_counter()
        try:
            importfiles.check_upload(content)
            upload = "passes"
        except importfiles.SpreadsheetError:
            upload = "refused"
        upload_ms = 1000 * (time.perf_counter() - started)
        try:
            figures = bombs.measure(path, data_dir=directory, timeout=120)
        except Exception as error:  # a timeout or a crash of the reading interpreter
            print(f"{name} ({len(content) / 2**20:.1f} MB): not refused: {type(error).__name__}")
            continue
        print(
            f"{name} ({len(content) / 2**20:.1f} MB): upload check {upload} in {upload_ms:.0f} ms; reading: "
            f"{figures['outcome']!r} in {figures['seconds']:.2f} s, traced peak {figures['traced_mb']:.1f} MB, "
            f"peak RSS growth {figures['rss_growth_mb']:.1f} MB"
        )


if __name__ == "__main__":
    main()
