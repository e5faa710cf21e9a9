"""Staff's desk for campaigns: what waits for them (counts, each linking to the list that shows it) and the running
campaigns' charts (nominations by unit and status, review progress by expert), drawn as SVG on the server.

Every figure comes from grouped queries over all running campaigns at once, so the desk costs the same few queries
with one campaign or fifty (tests/honors/test_desk.py counts them).
"""

from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from laurel.core.registry import Todo
from laurel.honors import deadlines, permissions
from laurel.honors.models import Assignment, Campaign, Nomination, Objection, Stage
from laurel.honors.reviews import REVIEW_STAGES

# Campaigns whose charts the desk draws: those between the call and the publication, newest first.
RUNNING = [Stage.OPEN, Stage.ELIGIBILITY, Stage.REVIEW, Stage.SECOND_REVIEW, Stage.PUBLIC_VOTE, Stage.COMMITTEE,
           Stage.NOTICE]  # fmt: skip
CHARTED_CAMPAIGNS = 3
CHARTED_UNITS = 8  # more units than this are summed into one "other units" bar: a chart of 200 bars reads as noise
# Left to right: waiting, in the running, chosen, out (drafts and withdrawn nominations are not counted).
CHART_STATUSES = [
    Nomination.Status.SUBMITTED,
    Nomination.Status.RETURNED,
    Nomination.Status.ELIGIBLE,
    Nomination.Status.SELECTED,
    Nomination.Status.REJECTED,
    Nomination.Status.REMOVED,
]
BAR_WIDTH = 220  # the longest bar in SVG units; the others in proportion (a 400-unit-wide chart)
ROW_HEIGHT = 22

# In the current review round: the first round's assignments in the review stage, the second's in the second round.
_CURRENT_ROUND = Q(nomination__campaign__stage=Stage.REVIEW, round=REVIEW_STAGES[Stage.REVIEW]) | Q(
    nomination__campaign__stage=Stage.SECOND_REVIEW, round=REVIEW_STAGES[Stage.SECOND_REVIEW]
)


def _url(name: str, code: str, **query) -> str:
    url = reverse(name, kwargs={"code": code})
    return f"{url}?{urlencode(query)}" if query else url


def _campaign_name(row: dict, prefix: str) -> str:
    """The campaign's English name on English pages when it has one (as `Campaign.display_name` does)."""
    english = row[f"{prefix}name_en"] if get_language() == "en" else ""
    return english or row[f"{prefix}name"]


def todos(user) -> list[Todo]:
    """Nominations awaiting the eligibility check, reviews past the review deadline and objections not yet decided,
    per campaign: three grouped queries."""
    if not permissions.can_manage_campaigns(user):
        return []
    items = []
    for row in (
        Nomination.objects.filter(
            status=Nomination.Status.SUBMITTED, campaign__stage__in=[Stage.OPEN, Stage.ELIGIBILITY]
        )
        .values("campaign__code", "campaign__name", "campaign__name_en")
        .annotate(count=Count("pk"))
        .order_by("campaign__name")
    ):
        items.append(
            Todo(
                _("Nominations awaiting the eligibility check · %(campaign)s")
                % {"campaign": _campaign_name(row, "campaign__")},
                row["count"],
                _url("honors:staff_nominations", row["campaign__code"], status=Nomination.Status.SUBMITTED),
            )
        )
    for row in (
        Assignment.objects.released()
        .filter(_CURRENT_ROUND, review__isnull=True, nomination__campaign__review_deadline__lt=timezone.now())
        .exclude(deadlines.extended())  # an expert given more time is not late yet
        .values("nomination__campaign__code", "nomination__campaign__name", "nomination__campaign__name_en")
        .annotate(count=Count("pk"))
        .order_by("nomination__campaign__name")
    ):
        items.append(
            Todo(
                _("Reviews past the review deadline · %(campaign)s")
                % {"campaign": _campaign_name(row, "nomination__campaign__")},
                row["count"],
                _url("honors:assignment", row["nomination__campaign__code"], pairs="waiting"),
            )
        )
    for row in (
        Objection.objects.filter(status=Objection.Status.PENDING)
        .values("nomination__campaign__code", "nomination__campaign__name", "nomination__campaign__name_en")
        .annotate(count=Count("pk"))
        .order_by("nomination__campaign__name")
    ):
        items.append(
            Todo(
                _("Objections to decide · %(campaign)s") % {"campaign": _campaign_name(row, "nomination__campaign__")},
                row["count"],
                _url("honors:objections", row["nomination__campaign__code"], status=Objection.Status.PENDING),
            )
        )
    return items


def _stacked_rows(counts: dict[str, dict[str, int]], statuses: list[tuple[str, str]]) -> list[dict]:
    """One row per unit (the largest first, the rest summed), each with its segments' x and width in pixels."""
    ordered = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    if len(ordered) > CHARTED_UNITS:
        rest: dict[str, int] = defaultdict(int)
        for _unit, by_status in ordered[CHARTED_UNITS - 1 :]:
            for status, count in by_status.items():
                rest[status] += count
        ordered = [*ordered[: CHARTED_UNITS - 1], (_("Other units"), dict(rest))]
    most = max((sum(by_status.values()) for _unit, by_status in ordered), default=0) or 1
    rows = []
    for index, (unit, by_status) in enumerate(ordered):
        x, segments = 0, []
        for status, label in statuses:
            count = by_status.get(status, 0)
            if count:
                width = max(1, round(BAR_WIDTH * count / most))
                segments.append({"status": status, "label": label, "count": count, "x": x, "width": width})
                x += width
        rows.append(
            {"label": unit, "segments": segments, "total": sum(by_status.values()), "end": x, "y": index * ROW_HEIGHT}
        )
    return rows


def charts(campaigns: list[Campaign]) -> list[dict]:
    """For each campaign: nominations by unit and status (stacked bars) and, in a review stage, each expert's scored
    and open assignments. Two grouped queries for all the campaigns together."""
    if not campaigns:
        return []
    english = get_language() == "en"
    by_campaign: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in (
        Nomination.objects.filter(campaign__in=campaigns, status__in=CHART_STATUSES)
        .values("campaign_id", "unit__name", "unit__name_en", "status")
        .annotate(count=Count("pk"))
    ):
        # The unit's English name on English pages when it has one (as `Organization.display_name` does).
        unit = row["unit__name_en"] if english and row["unit__name_en"] else row["unit__name"]
        by_campaign[row["campaign_id"]][unit][row["status"]] = row["count"]
    progress: dict[int, list[dict]] = defaultdict(list)
    reviewing = [campaign for campaign in campaigns if campaign.stage in REVIEW_STAGES]
    for row in (
        Assignment.objects.released()
        .filter(_CURRENT_ROUND, nomination__campaign__in=reviewing)
        .values("nomination__campaign_id", "expert__full_name", "expert__email")
        .annotate(assigned=Count("pk"), scored=Count("review"))
        .order_by("nomination__campaign_id", "expert__full_name", "expert__email")
    ):
        progress[row["nomination__campaign_id"]].append(row)
    labels = dict(Nomination.Status.choices)
    statuses = [(status, labels[status]) for status in CHART_STATUSES]
    result = []
    for campaign in campaigns:
        rows = _stacked_rows(by_campaign.get(campaign.pk, {}), statuses)
        used = {segment["status"] for row in rows for segment in row["segments"]}
        result.append(
            {
                "campaign": campaign,
                "units": rows,
                "units_height": max(1, len(rows)) * ROW_HEIGHT + 4,
                "legend": [(status, label) for status, label in statuses if status in used],
                "review": _progress_rows(progress.get(campaign.pk, [])),
                "review_height": max(1, len(progress.get(campaign.pk, []))) * ROW_HEIGHT + 4,
            }
        )
    return result


def _progress_rows(rows: list[dict]) -> list[dict]:
    most = max((row["assigned"] for row in rows), default=0) or 1
    return [
        {
            "label": row["expert__full_name"] or row["expert__email"],
            "assigned": row["assigned"],
            "scored": row["scored"],
            "scored_width": round(BAR_WIDTH * row["scored"] / most),
            "open_width": round(BAR_WIDTH * (row["assigned"] - row["scored"]) / most),
            "end": round(BAR_WIDTH * row["assigned"] / most),
            "y": index * ROW_HEIGHT,
        }
        for index, row in enumerate(rows)
    ]


def running_campaigns() -> list[Campaign]:
    return list(Campaign.objects.filter(stage__in=RUNNING).order_by("-stage_changed_at", "-pk")[:CHARTED_CAMPAIGNS])
