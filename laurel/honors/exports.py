"""Exports for accountability: the campaign workbook (nominations, scores, results) and its audit record."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from laurel.core import exports
from laurel.core.models import AuditEntry
from laurel.honors.models import Campaign, CriterionScore, Nomination


def _number(value: float):
    return None if value != value else round(value, 3)  # NaN -> empty cell


def campaign_workbook(campaign: Campaign) -> bytes:
    from openpyxl import Workbook

    from laurel.honors import ranking

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Nominations")[:31]
    exports.append(sheet, [
        _("code"), _("name"), _("unit"), _("category"), _("status"), _("eligibility problems"), _("reason"),
        _("own public notice starts"), _("own public notice ends"),
    ])  # fmt: skip
    for nomination in campaign.nominations.for_list().order_by("unit__name", "pk"):
        exports.append(sheet, [
            nomination.code, nomination.person.name, nomination.unit.name, nomination.get_category_display(),
            nomination.get_status_display(), "; ".join(nomination.eligibility_problems), nomination.status_reason,
            nomination.notice_starts_on, nomination.notice_ends_on,
        ])  # fmt: skip

    scores = workbook.create_sheet(_("Scores")[:31])
    exports.append(scores, [_("code"), _("name"), _("expert"), _("round"), _("criterion"), _("score"), _("comment")])
    rows = (
        CriterionScore.objects.filter(review__assignment__nomination__campaign=campaign)
        .select_related("criterion", "review__assignment__expert", "review__assignment__nomination__person")
        .order_by("review__assignment__nomination_id", "review__assignment__expert_id", "criterion__order")
    )
    for score in rows:
        assignment = score.review.assignment
        exports.append(scores, [
            assignment.nomination.code, assignment.nomination.person.name, assignment.expert.email, assignment.round,
            score.criterion.name, score.value, score.comment,
        ])  # fmt: skip

    results = workbook.create_sheet(_("Results")[:31])
    exports.append(results, [
        _("rank"), _("code"), _("name"), _("unit"), _("reviews"), _("Mean"), _("Median"),
        _("Mean without highest and lowest"), _("Per-expert normalized (z-score)"), _("spread"), _("public votes"),
        _("score"), _("status"),
    ])  # fmt: skip
    for row in ranking.score_table(campaign):
        nomination = row.nomination
        exports.append(results, [
            row.rank, nomination.code, nomination.person.name, nomination.unit.name, row.count, _number(row.mean),
            _number(row.median), _number(row.trimmed), _number(row.zscore), _number(row.spread), row.votes,
            _number(row.score), nomination.get_status_display(),
        ])  # fmt: skip
    return exports.workbook_bytes(workbook)


def campaign_audit(campaign: Campaign):
    """Every audit entry about the campaign itself or any of its nominations, oldest first."""
    nomination_ids = [str(pk) for pk in Nomination.objects.filter(campaign=campaign).values_list("pk", flat=True)]
    return (
        AuditEntry.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(Campaign), object_id=str(campaign.pk))
            | Q(content_type=ContentType.objects.get_for_model(Nomination), object_id__in=nomination_ids)
        )
        .select_related("content_type")
        .order_by("created_at", "pk")
    )
