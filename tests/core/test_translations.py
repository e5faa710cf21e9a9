"""zh-hans must be complete: every string in the code and templates has a Chinese translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_a_chinese_translation(tmp_path):
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "laurel", copy / "laurel", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    django_admin = Path(sys.executable).parent / "django-admin"
    subprocess.run(
        [str(ROOT / "scripts" / "messages"), str(copy)],
        check=True,
        env={"DJANGO_ADMIN": str(django_admin), "PATH": "/usr/bin:/bin"},
        capture_output=True,
    )
    missing = []
    catalogs = sorted(copy.glob("laurel/**/locale/zh_Hans/LC_MESSAGES/django.po"))
    assert len(catalogs) >= 3
    for path in catalogs:
        for entry in polib.pofile(str(path)):
            translated = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
            if not translated or "fuzzy" in entry.flags:
                missing.append(f"{path.relative_to(copy)}: {entry.msgid}")
    assert missing == [], "Untranslated (run scripts/messages, then scripts/translate.py):\n" + "\n".join(missing)


def test_the_check_above_can_fail(tmp_path):
    """A control: a new untranslated string in a copy must show up as missing."""
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "laurel", copy / "laurel", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    (copy / "laurel" / "core" / "probe.py").write_text(
        "from django.utils.translation import gettext as _\n\nPROBE = _('An untranslated probe sentence')\n"
    )
    subprocess.run(
        [str(ROOT / "scripts" / "messages"), str(copy)],
        check=True,
        env={"DJANGO_ADMIN": str(Path(sys.executable).parent / "django-admin"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
    )
    catalog = polib.pofile(str(copy / "laurel/core/locale/zh_Hans/LC_MESSAGES/django.po"))
    assert catalog.find("An untranslated probe sentence").msgstr == ""
