"""The reach figures: aggregated in the database with a constant number of queries."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from laurel.core import exports
from laurel.outreach.models import AudienceType, District, Talk


def _rows(queryset, key: str) -> list[dict]:
    return list(
        queryset.values(key)
        .annotate(talks=Count("pk"), people=Sum("headcount", default=0), online=Sum("online_views", default=0))
        .order_by(key)
    )


def _by_month(days: list[dict]) -> list[dict]:
    """Roll the database's per-day sums up into months (SQLite has no fast month truncation)."""
    months: dict[str, dict] = {}
    for row in days:
        label = row["date"].strftime("%Y-%m")
        month = months.setdefault(label, {"label": label, "talks": 0, "people": 0, "online": 0})
        for key in ("talks", "people", "online"):
            month[key] += row[key]
    return list(months.values())


def _roll_up(rows: list[dict], key: str) -> dict:
    sums: dict = {}
    for row in rows:
        entry = sums.setdefault(row[key], {"talks": 0, "people": 0, "online": 0})
        for figure in ("talks", "people", "online"):
            entry[figure] += row[figure]
    return sums


def reach(*, year: int | None = None) -> dict:
    """Three scans of the talks table whatever its size: one grouped by district, host type and audience
    type (at most a few hundred groups, rolled up here), one by day (rolled up into months), one by speaker."""
    held = Talk.objects.filter(status__in=Talk.HELD)
    if year:
        held = held.filter(date__year=year)
    cells = list(
        held.values("district", "host_type", "audience_type").annotate(
            talks=Count("pk"), people=Sum("headcount", default=0), online=Sum("online_views", default=0)
        )
    )
    districts = list(District.objects.all())
    per_district = _roll_up(cells, "district")
    totals = {figure: sum(row[figure] for row in cells) for figure in ("talks", "people", "online")}
    totals["districts"] = len([pk for pk, entry in per_district.items() if entry["talks"]])
    host_labels, audience_labels = dict(Talk.HostType.choices), dict(AudienceType.choices)
    speakers = list(
        held.values("speaker", "speaker__person__name")
        .annotate(talks=Count("pk"), people=Sum("headcount", default=0), online=Sum("online_views", default=0))
        .order_by("-talks", "speaker__person__name")[:20]
    )
    empty = {"talks": 0, "people": 0, "online": 0}
    return {
        "totals": totals,
        "district_share": round(100 * totals["districts"] / len(districts)) if districts else 0,
        "district_count": len(districts),
        "untouched": [district for district in districts if district.pk not in per_district],
        "by_month": _by_month(_rows(held.exclude(date=None), "date")),
        "by_district": [{"label": district.name, **per_district.get(district.pk, empty)} for district in districts],
        "by_host_type": [
            {"label": host_labels.get(key, key), **entry} for key, entry in sorted(_roll_up(cells, "host_type").items())
        ],
        "by_audience": [
            {"label": audience_labels.get(key, key), **entry}
            for key, entry in sorted(_roll_up(cells, "audience_type").items())
        ],
        "by_speaker": [{**row, "label": row["speaker__person__name"] or "-"} for row in speakers],
    }


def public_summary() -> dict:
    return Talk.objects.aggregate(
        talks=Count("pk", filter=Q(status__in=Talk.HELD)),
        people=Sum("headcount", default=0, filter=Q(status__in=Talk.HELD)),
        districts=Count("district", distinct=True, filter=Q(status__in=Talk.HELD)),
    )


def front_page_chart(months: int = 12) -> dict:
    """People reached by month over the last twelve months with talks held: columns for a small inline SVG drawn
    on the server (no script). Two scans: the months, then nothing more (labels and heights are arithmetic)."""
    held = Talk.objects.filter(status__in=Talk.HELD).exclude(date=None)
    rows = _by_month(_rows(held, "date"))[-months:]
    most = max((row["people"] for row in rows), default=0)
    height, column = 80, 22
    columns = [
        {
            **row,
            "x": index * column,
            "height": round(height * row["people"] / most) if most else 0,
            "y": height - (round(height * row["people"] / most) if most else 0),
            "short": row["label"][5:],
        }
        for index, row in enumerate(rows)
    ]
    return {"columns": columns, "width": max(len(columns), 1) * column, "height": height}


def bars(rows: list[dict], key: str = "talks", width: int = 320) -> list[dict]:
    """Rows with the pixel width of their bar, for the inline SVG charts."""
    most = max((row[key] or 0 for row in rows), default=0)
    return [
        {**row, "value": row[key] or 0, "width": round(width * (row[key] or 0) / most) if most else 0, "y": 22 * index}
        for index, row in enumerate(rows)
    ]


def reach_xlsx(figures: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    totals = figures["totals"]
    exports.append(summary, [_("Talks held"), totals["talks"]])
    exports.append(summary, [_("People reached"), totals["people"]])
    exports.append(summary, [_("Online reach"), totals["online"]])
    exports.append(summary, [_("Districts covered"), totals["districts"], f"{figures['district_share']}%"])
    exports.append(summary, [_("Untouched districts"), "、".join(district.name for district in figures["untouched"])])
    for title, key in (
        (_("By month"), "by_month"),
        (_("By district"), "by_district"),
        (_("By host type"), "by_host_type"),
        (_("By audience type"), "by_audience"),
        (_("By speaker"), "by_speaker"),
    ):
        sheet = workbook.create_sheet(title[:31])
        exports.append(sheet, [title, _("Talks held"), _("People reached"), _("Online reach")])
        for row in figures[key]:
            exports.append(sheet, [str(row["label"]), row["talks"], row["people"], row["online"]])
    return exports.workbook_bytes(workbook)
