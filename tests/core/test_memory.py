"""A web worker loads the numeric, PDF, spreadsheet and JSON-LD libraries where they are used, not with the URL map:
importing them all made every worker hold 210-230 MB before its first request (bench/pages.py prints a worker's
peak RSS)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["scipy", "ortools", "numpy", "pyld", "typst", "openpyxl", "segno", "pypdf", "pandas", "pyarrow", "lxml"]
WARM = """
import json, os, sys
import django
from django.conf import settings
settings.DATABASES["default"]["NAME"] = os.environ["TEST_DATABASE"]
settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
django.setup()
import laurel.urls
from django.test import Client
statuses = [Client().get(url, HTTP_USER_AGENT="Mozilla/5.0").status_code for url in sys.argv[2:]]
exec(sys.argv[1])  # the control's extra step, if any
print(json.dumps({"statuses": statuses, "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def warm_worker(*urls: str, then: str = "") -> dict:
    env = {**os.environ, "LAUREL_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "laurel.settings", "PYTHONPATH": str(ROOT)}
    env["TEST_DATABASE"] = str(connection.settings_dict["NAME"])
    result = subprocess.run(
        [sys.executable, "-c", WARM, then, *urls], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_url_map_and_the_public_pages_load_no_heavy_library():
    article = ArticleFactory()
    pages = ["/", "/news/", article.get_absolute_url(), "/campaigns/", "/lecture-groups/", "/api/v1/articles"]
    warmed = warm_worker(*pages)
    assert all(status in (200, 302) for status in warmed["statuses"]), warmed["statuses"]
    assert [name for name in HEAVY if name in warmed["loaded"]] == []


def test_control_the_libraries_load_when_their_feature_is_used():
    warmed = warm_worker(
        "/",
        then="from laurel.honors import engine, committee; from laurel.certificates import pdf; pdf.qr_svg('x'); from laurel.core import exports; exports.workbook_bytes",
    )
    assert {"numpy", "scipy", "ortools", "segno"} <= set(warmed["loaded"])
