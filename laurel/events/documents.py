"""Printed and exported documents: the presider's run-of-show (PDF via typst), QR passes, attendance XLSX."""

import io
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.core import exports
from laurel.events.models import Event

FONT_PATHS = ["/usr/share/fonts/opentype/noto"]

# The data travels as JSON in sys.inputs, so no user text is ever parsed as typst markup.
RUN_OF_SHOW = """
#let data = json(bytes(sys.inputs.data))
#set page(paper: "a4", margin: (x: 1.6cm, y: 1.4cm))
#set text(font: ("Noto Serif CJK SC", "Noto Sans CJK SC"), size: 10pt, lang: "zh")
#align(center, text(size: 15pt, weight: "bold", data.theme))
#align(center, text(size: 9pt, data.when + " · " + data.venue))
#if data.organizers.len() > 0 [ #align(center, text(size: 8pt, data.organizers.join("　"))) ]
#v(0.4em)
#table(
  columns: (auto, auto, 1fr, auto),
  inset: 4pt,
  stroke: 0.4pt + gray,
  table.header(..data.header.map(h => strong(h))),
  ..data.rows.map(row => (row.time, row.role, [#strong(row.title) #if row.people != "" [ \\ #text(size: 8pt, row.people)]], row.minutes)).flatten()
)
#v(0.3em)
#text(size: 8pt, data.footer)
"""


def run_of_show_pdf(event: Event) -> bytes:
    import typst

    start = timezone.localtime(event.start_at)
    clock = start
    rows = []
    items = event.agenda_items.prefetch_related("people__person")
    for item in items:
        people = "；".join(
            f"{entry.get_part_display()}：{entry.display_name}"
            + (f"（{entry.title_line}）" if entry.title_line else "")
            for entry in item.people.all()
        )
        rows.append(
            {
                "time": clock.strftime("%H:%M"),
                "role": item.get_role_display(),
                "title": item.title,
                "people": people,
                "minutes": str(item.duration_minutes),
            }
        )
        clock += timezone.timedelta(minutes=item.duration_minutes)
    data = {
        "theme": event.theme,
        "when": f"{start:%Y-%m-%d %H:%M}–{timezone.localtime(event.end_at):%H:%M}",
        "venue": event.venue,
        "organizers": [f"{o.get_role_display()}：{o}" for o in event.organizers.select_related("organization")],
        "header": [_("Time"), _("Role"), _("Item and people"), _("Minutes")],
        "rows": rows,
        "footer": _("Run of show for the presider. Total: %(minutes)d minutes.")
        % {"minutes": sum(item.duration_minutes for item in items)},
    }
    return typst.compile(
        RUN_OF_SHOW.encode(), font_paths=FONT_PATHS, sys_inputs={"data": json.dumps(data, ensure_ascii=False)}
    )


def pass_svg(code: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="svg", scale=6, border=4, xmldecl=False)
    return buffer.getvalue().decode()


def pass_png(code: str) -> bytes:
    """The pass's QR code as a PNG, attached to the pass mail so it can be shown at the entrance offline."""
    import segno

    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def attendance_xlsx(event: Event) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Attendance")[:31]
    exports.append(sheet, [_("Name"), _("Unit and position"), _("Category"), _("Reply"), _("Checked in at"), _("Late")])
    for attendee in event.attendees.order_by("category", "name", "pk"):
        checked = (
            timezone.localtime(attendee.checked_in_at).strftime("%Y-%m-%d %H:%M") if attendee.checked_in_at else ""
        )
        exports.append(
            sheet,
            [
                attendee.name,
                attendee.title_line,
                attendee.get_category_display(),
                attendee.get_status_display(),
                checked,
                _("yes") if attendee.is_late() else "",
            ],
        )
    return exports.workbook_bytes(workbook)
