"""Benchmark: import 10,000 sci-tech workers from an XLSX file (target: under 30 s, preview + write).

Run: LAUREL_DEBUG=1 .venv/bin/python bench/import_people.py
Uses a throw-away SQLite database in a temporary directory; prints the figures.
"""

import io
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

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

ROWS = int(os.environ.get("LAUREL_BENCH_ROWS", "10000"))


def main():
    call_command("migrate", verbosity=0)
    from laurel.people import spreadsheets
    from laurel.people.models import Organization, Person, User

    units = [Organization.objects.create(name=f"单位{index}", kind="enterprise") for index in range(30)]
    actor = User.objects.create_user("bench@example.org", "x")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "英文姓名", "性别", "出生日期", "单位", "职务", "领域", "一线", "电子邮箱"])
    for index in range(ROWS):
        sheet.append(
            [f"测试{index}", f"Test {index}", "女" if index % 2 else "男", "1980-05-30", units[index % 30].name,
             "工程师", "材料科学", "是" if index % 3 else "否", f"p{index}@example.org"]
        )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()

    started = time.perf_counter()
    preview = spreadsheets.preview_import("persons", content)
    previewed = time.perf_counter()
    assert preview.ok, preview.errors[:3]
    spreadsheets.apply_import(preview, actor=actor)
    finished = time.perf_counter()
    assert Person.objects.count() == ROWS
    total = finished - started
    print(f"rows: {ROWS}")
    print(f"preview (read + check every row): {previewed - started:.2f} s")
    print(f"write (one transaction): {finished - previewed:.2f} s")
    print(f"total: {total:.2f} s  (target under 30 s: {total / 30:.2f} of the budget)")


if __name__ == "__main__":
    main()
