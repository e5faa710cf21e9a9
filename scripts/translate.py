"""Fill zh_Hans catalogs from a JSON file of {"English msgid": "中文"} (plural: {"msgid": ["中文"]}).

Usage: .venv/bin/python scripts/translate.py translations.json [--fill] [--report]
Every catalog under laurel/ gets the translations it needs; --report lists what is still missing; --fill only
fills entries that have no translation yet (so a table from one app's work never rewrites another app's words).
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    table = json.loads(Path(sys.argv[1]).read_text()) if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else {}
    fill_only = "--fill" in sys.argv
    missing = 0
    for path in sorted(ROOT.glob("laurel/**/locale/zh_Hans/LC_MESSAGES/django.po")):
        catalog = polib.pofile(str(path))
        catalog.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
        catalog.metadata["Language"] = "zh_Hans"
        catalog.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        for entry in catalog:
            key = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}\x04{entry.msgid}"
            value = table.get(key, table.get(entry.msgid))
            already = (
                entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
            ) and "fuzzy" not in entry.flags
            if value is not None and not (fill_only and already):
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: value[0] if isinstance(value, list) else value}
                else:
                    entry.msgstr = value
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            translated = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
            if not translated or "fuzzy" in entry.flags:
                missing += 1
                print(f"{path.relative_to(ROOT)}: {entry.msgid!r}")
        catalog.save()
    print(f"{missing} untranslated", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
