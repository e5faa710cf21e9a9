"""The audit log read as sentences in the reader's language.

Each app that writes audit entries describes its action codes in `laurel/<app>/audit_texts.py`: a dict
`TEXTS` from action code to a translatable sentence with `%(actor)s` and `%(object)s`. Core finds those modules
by the installed apps' names (as `seed_demo` finds demo modules), so it never imports a higher app by name. A
code no app describes still reads as a sentence, built from the code's words.
"""

from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@cache
def texts() -> dict:
    table = {}
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("laurel."):
            continue
        name = f"{app_config.name}.audit_texts"
        if find_spec(name) is not None:
            table.update(import_module(name).TEXTS)
    return table


def sentence(entry) -> str:
    """`周雅 submitted the nomination “王䶮 · 2024”.` An entry without an actor was the system's, or a visitor's."""
    actor = entry.actor_name or entry.actor_email or _("The system")
    template = texts().get(entry.action)
    if template is None:
        words = entry.action.split(".")[1:]
        return _("%(actor)s: %(action)s, %(object)s") % {
            "actor": actor,
            "action": " ".join(word.replace("_", " ") for word in words),
            "object": entry.object_repr or "—",
        }
    return str(template) % {"actor": actor, "object": entry.object_repr or "—"}


def details(entry) -> list[tuple[str, str]]:
    """The entry's data as label/value pairs for the page (the CSV keeps the JSON)."""
    data = entry.data if isinstance(entry.data, dict) else {}
    pairs = []
    for key, value in data.items():
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        elif value is None or value == "":
            value = "—"
        pairs.append((key.replace("_", " "), str(value)))
    return pairs


# Core's own codes.
TEXTS = {
    "core.identity.changed": gettext_lazy("%(actor)s changed the association's identity."),
}
