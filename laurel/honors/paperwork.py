"""The paperwork associations live on: the printable nomination form (推荐表) of a nomination as a PDF, a ZIP of
all of a campaign's forms, and an XLSX with every field of every nomination.

The form is rendered by typst like the certificates (`laurel/certificates/pdf.py`): the data goes in as one JSON
input and the template places each text as a string, so no text a nominator typed is ever read as typst markup.
"""

import io
import json
import os
import threading
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from laurel.core import exports
from laurel.core.typst_workspace import TypstWorkspace
from laurel.honors import permissions
from laurel.honors.models import Campaign, Nomination

TEMPLATE = Path(__file__).resolve().parent / "typst" / "nomination_form.typ"
# typst refuses a compiler used by two threads at once ("Already borrowed"); one compiler, loaded once, is shared.
_COMPILING = threading.Lock()
# The photo is printed 2.5 x 3.5 cm: 300 x 420 pixels is 300 dpi, and it bounds what goes into the JSON input.
PHOTO_SIZE = (300, 420)
# A ZIP is rendered while it streams (about a tenth of a second a form); beyond this the staff narrow it by unit.
ZIP_LIMIT = 300


class FormRenderError(Exception):
    """The PDF cannot be rendered (no CJK font installed). The message says what to do."""


def can_print_form(user, nomination: Nomination) -> bool:
    """Staff, and the nominators who may act for the nomination. Never an expert as such: in a blind campaign the
    form names the nominee and the unit, and experts read the nomination on the review page, not on paper."""
    return permissions.can_manage_campaigns(user) or permissions.can_edit_nomination(user, nomination)


@lru_cache(maxsize=1)
def _compiler(fonts: str) -> TypstWorkspace:
    # Its directory is removed when it leaves this cache (another font directory) or at process exit
    return TypstWorkspace(prefix="laurel-nomination-form-", main=TEMPLATE, fonts=fonts)


def font_dir() -> str:
    # The certificates' font directory (one setting, LAUREL_CJK_FONT_DIR): fonts-noto-cjk.
    from django.conf import settings

    directory = Path(getattr(settings, "LAUREL_CJK_FONT_DIR", "/usr/share/fonts/opentype/noto"))
    if not any(directory.glob("*CJK*")):
        raise FormRenderError(
            _("No Chinese (CJK) font found in %(dir)s. Install Debian's fonts-noto-cjk package.") % {"dir": directory}
        )
    return str(directory)


def _photo_bytes(nomination: Nomination) -> list[int] | None:
    """The ID photo as a small JPEG's bytes (a JSON list: typst's `bytes()` takes one), or None without one."""
    if not nomination.id_photo:
        return None
    from PIL import Image, ImageOps

    try:
        with nomination.id_photo.open("rb") as handle, Image.open(handle) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail(PHOTO_SIZE)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=85)
    except (OSError, ValueError):
        return None  # a file gone from storage prints the empty photo box, not an error
    return list(buffer.getvalue())


def _labels() -> dict[str, str]:
    return {
        "unit": _("Nominating unit"),
        "number": _("Nomination number"),
        "photo": _("Photo"),
        "name": pgettext("of a person", "Name"),
        "gender": _("Gender"),
        "birth": _("Date of birth"),
        "category": _("Category"),
        "organization": _("Work unit"),
        "position": _("Position"),
        "title_held": _("Professional title"),
        "field": _("Field"),
        "contact": _("Contact"),
        "years": _("Years worked in the city"),
        "in_post": _("In post"),
        "honors": _("Honors and titles held"),
        "citation": _("Citation"),
        "deeds": _("Main deeds"),
        "opinion": _("Opinion of the nominating unit"),
        "seal": _("(Seal)"),
        "date_line": _("Year      Month      Day"),
    }


def form_data(nomination: Nomination) -> dict:
    """What the form prints, in the active language's labels."""
    person = nomination.person
    birth = person.date_of_birth
    paragraphs = [line.strip() for line in nomination.story.splitlines() if line.strip()]
    return {
        "title": _("Nomination form: %(campaign)s (%(edition)s)")
        % {"campaign": nomination.campaign.display_name(), "edition": nomination.campaign.edition},
        "labels": _labels(),
        "number": nomination.code,
        "unit": nomination.unit.name,
        "name": person.name,
        "gender": person.get_gender_display(),
        "birth": birth.strftime("%Y-%m") if birth else "",
        "category": nomination.get_category_display(),
        "organization": person.organization.name,
        "position": person.position,
        "professional_title": person.title,
        "field": person.field,
        "contact": person.email,
        "years": "" if nomination.years_in_city is None else str(nomination.years_in_city),
        "in_post": _("Yes") if nomination.in_post else _("No"),
        "honors": nomination.titles_held,
        "citation": nomination.citation,
        "deeds": paragraphs,
        "photo": _photo_bytes(nomination),
    }


def render_form(nomination: Nomination) -> bytes:
    import typst

    compiler = _compiler(font_dir())
    inputs = {"data": json.dumps(form_data(nomination), ensure_ascii=False)}
    try:
        with _COMPILING:
            return compiler.compile(sys_inputs=inputs)
    except typst.TypstError as error:
        raise FormRenderError(_("The nomination form could not be rendered: %(error)s") % {"error": error}) from error


def form_filename(nomination: Nomination) -> str:
    """`云州大学-张三-ABC123.pdf`: sorted by unit in a file manager; path separators and controls taken out."""
    raw = f"{nomination.unit.name}-{nomination.person.name}-{nomination.code}.pdf"
    return "".join("_" if char in '/\\:*?"<>|' or ord(char) < 32 else char for char in raw)


def forms_for_zip(campaign: Campaign, *, unit_code: str = ""):
    """The nominations whose forms go into the campaign's ZIP: everything submitted (drafts and withdrawn ones are
    not the association's yet, or no longer), optionally one unit's. Refused beyond `ZIP_LIMIT`."""
    queryset = campaign.nominations.counted_against_quota().for_list().order_by("unit__name", "pk")
    if unit_code:
        queryset = queryset.filter(unit__code=unit_code[:12])
    count = queryset.count()
    if not count:
        raise ValidationError(_("There is no submitted nomination to print."))
    if count > ZIP_LIMIT:
        raise ValidationError(
            _("%(count)d forms are too many for one download (at most %(limit)d): choose one unit on the list.")
            % {"count": count, "limit": ZIP_LIMIT}
        )
    return list(queryset)


class _Sink(io.RawIOBase):
    """A write-only stream that hands over what was written since the last `take()` (zipfile writes a ZIP to an
    unseekable stream with data descriptors, so it can be sent while it is made)."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_zip(nominations: list[Nomination]) -> Iterator[bytes]:
    """The forms as a ZIP, one PDF rendered at a time: memory holds one form, not the campaign's."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for nomination in nominations:
            name = form_filename(nomination)
            if name in used:  # two units of the same name: the code already differs, but be safe
                name = f"{os.path.splitext(name)[0]}-{len(used)}.pdf"
            used.add(name)
            archive.writestr(name, render_form(nomination))
            yield sink.take()
    yield sink.take()


def _cell_value(nomination: Nomination, field):
    value = getattr(nomination, field.attname)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file: its file name, never the storage path
        return os.path.basename(value.name) if value else ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if hasattr(value, "tzinfo") and hasattr(value, "hour") and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # XLSX has no time zones: the association's
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


# Foreign keys are written as what people read (the unit's name, the nominator's email), not as ids.
_RELATED = {"campaign", "unit", "person", "nominated_by"}


def nominations_workbook(campaign: Campaign) -> bytes:
    """Every field of every submitted nomination of the campaign (as in the ZIP), one row each, with the nominee's profile and the counts of
    photos and reviews. The columns follow the model, so a field added later is exported without a change here."""
    from openpyxl import Workbook

    fields = [field for field in Nomination._meta.concrete_fields if field.name not in _RELATED]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Nominations")[:31])
    exports.append(sheet, [
        *(str(field.verbose_name) for field in fields), _("campaign"), _("unit"), pgettext("of a person", "name"),
        _("English name"), _("gender"), _("date of birth"), _("work unit"), _("position"), _("professional title"),
        _("field"), _("email address"), _("nominated by"), _("photos"), _("reviews submitted"),
    ])  # fmt: skip
    # The same nominations as the ZIP of forms (`forms_for_zip`): drafts and withdrawn ones are not the association's.
    queryset = (
        campaign.nominations.counted_against_quota()
        .for_list()
        .prefetch_related("photos", "assignments__review")
        .order_by("unit__name", "pk")
    )
    for nomination in queryset.iterator(chunk_size=200):
        person = nomination.person
        reviews = sum(1 for assignment in nomination.assignments.all() if hasattr(assignment, "review"))
        exports.append(sheet, [
            *(_cell_value(nomination, field) for field in fields), campaign.display_name(), nomination.unit.name,
            person.name, person.name_en, person.get_gender_display(), person.date_of_birth,
            person.organization.name, person.position, person.title, person.field, person.email,
            nomination.nominated_by.email, len(nomination.photos.all()), reviews,
        ])  # fmt: skip
    return exports.workbook_bytes(workbook)
