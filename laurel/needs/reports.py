"""Reach of S&T services: needs posted, matched and resolved by field, region and month, and volunteer
service; aggregated in the database with a constant number of queries."""

from django.db.models import Count, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from laurel.core import exports
from laurel.needs.models import Need, NeedField, ServiceRecord
from laurel.outreach.models import District

FIGURES = ("posted", "matched", "resolved")
# Posted: every need a poster confirmed (moderated or not, rejected included: demand is what was asked).
POSTED = ~Q(status=Need.Status.UNVERIFIED)
MATCHED = Q(status__in=Need.MATCHED)
RESOLVED = Q(status=Need.Status.CONCLUDED, outcome=Need.Outcome.RESOLVED)
COUNTS = {
    "posted": Count("pk", filter=POSTED),
    "matched": Count("pk", filter=MATCHED),
    "resolved": Count("pk", filter=RESOLVED),
}


def _roll_up(cells: list[dict], key: str) -> dict:
    sums: dict = {}
    for row in cells:
        entry = sums.setdefault(row[key], dict.fromkeys(FIGURES, 0))
        for figure in FIGURES:
            entry[figure] += row[figure]
    return sums


def reach(*, year: int | None = None, language: str = "zh-hans") -> dict:
    """Two scans of the needs table: one grouped by field and region (at most a few hundred groups, rolled up
    here), one by day of posting (rolled up into months); one of the service records."""
    needs = Need.objects.filter(POSTED)
    records = ServiceRecord.objects.filter(status=ServiceRecord.Status.VALIDATED)
    if year:
        needs = needs.filter(created_at__year=year)
        records = records.filter(date__year=year)
    cells = list(needs.values("field", "region").annotate(**COUNTS))
    days = list(needs.values("created_at__date").annotate(**COUNTS).order_by("created_at__date"))
    months: dict[str, dict] = {}
    for row in days:
        month = months.setdefault(row["created_at__date"].strftime("%Y-%m"), dict.fromkeys(FIGURES, 0))
        for figure in FIGURES:
            month[figure] += row[figure]
    per_field, per_region = _roll_up(cells, "field"), _roll_up(cells, "region")
    empty = dict.fromkeys(FIGURES, 0)
    service = records.aggregate(
        records=Count("pk"), hours=Sum("hours", default=0), people=Sum("people_reached", default=0)
    )
    with translation.override(language):
        fields = [(code, str(label)) for code, label in NeedField.choices]
    return {
        "totals": {figure: sum(row[figure] for row in cells) for figure in FIGURES},
        "service": service,
        "by_month": [{"label": label, **figures} for label, figures in months.items()],
        "by_field": [{"label": label, **per_field.get(code, empty)} for code, label in fields],
        "by_region": [
            {"label": district.display_name(language), **per_region.get(district.pk, empty)}
            for district in District.objects.all()
        ],
    }


def public_summary() -> dict:
    summary = Need.objects.aggregate(**COUNTS)
    summary.update(
        ServiceRecord.objects.filter(status=ServiceRecord.Status.VALIDATED).aggregate(hours=Sum("hours", default=0))
    )
    return summary


def service_totals(user) -> dict:
    """An expert's validated volunteer service (what their desk counts)."""
    return ServiceRecord.objects.filter(user=user, status=ServiceRecord.Status.VALIDATED).aggregate(
        records=Count("pk"), hours=Sum("hours", default=0), people=Sum("people_reached", default=0)
    )


def bars(rows: list[dict], width: int = 300) -> list[dict]:
    """Rows with the pixel widths of their three bars (posted, matched, resolved), for the SVG charts."""
    most = max((row["posted"] for row in rows), default=0)

    def scale(value: int) -> int:
        return round(width * value / most) if most else 0

    return [
        {
            **row,
            "y": 30 * index,
            "posted_width": scale(row["posted"]),
            "matched_width": scale(row["matched"]),
            "resolved_width": scale(row["resolved"]),
        }
        for index, row in enumerate(rows)
    ]


def reach_xlsx(figures: dict) -> bytes:
    from openpyxl import Workbook  # loaded for an export, not with the URL map

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    headers = [_("Needs posted"), _("Matched"), _("Resolved")]
    for label, figure in zip(headers, FIGURES, strict=True):
        exports.append(summary, [label, figures["totals"][figure]])
    exports.append(summary, [_("Volunteer service records"), figures["service"]["records"]])
    exports.append(summary, [_("Volunteer hours"), float(figures["service"]["hours"])])
    exports.append(summary, [_("People reached"), figures["service"]["people"]])
    for title, key in ((_("By month"), "by_month"), (_("By field"), "by_field"), (_("By region"), "by_region")):
        sheet = workbook.create_sheet(title[:31])
        exports.append(sheet, [title, *headers])
        for row in figures[key]:
            exports.append(sheet, [str(row["label"]), *(row[figure] for figure in FIGURES)])
    return exports.workbook_bytes(workbook)
