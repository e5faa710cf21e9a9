"""Exports for accountability: the campaign workbook (nominations, scores, results) and its audit record."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext, pgettext_lazy

from laurel.core import exports
from laurel.core.models import AuditEntry
from laurel.honors.models import Campaign, CommitteeDecision, CriterionScore, Nomination


def _number(value: float):
    return None if value != value else round(value, 3)  # NaN -> empty cell


def campaign_workbook(campaign: Campaign) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Nominations")[:31]
    exports.append(sheet, [
        _("code"), pgettext("of a person", "name"), _("unit"), _("category"), _("status"), _("eligibility problems"), _("reason"),
        _("own public notice starts"), _("own public notice ends"),
    ])  # fmt: skip
    for nomination in campaign.nominations.for_list().order_by("unit__name", "pk"):
        exports.append(sheet, [
            nomination.code, nomination.person.name, nomination.unit.name, nomination.get_category_display(),
            nomination.get_status_display(), "; ".join(nomination.eligibility_problems), nomination.status_reason,
            nomination.notice_starts_on, nomination.notice_ends_on,
        ])  # fmt: skip

    scores = workbook.create_sheet(_("Scores")[:31])
    exports.append(
        scores,
        [_("code"), pgettext("of a person", "name"), _("expert"), _("round"), _("criterion"), _("score"), _("comment")],
    )
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

    decision = campaign.decisions.order_by("-created_at", "-pk").first()
    if decision is None:
        _live_results(workbook.create_sheet(_("Results")[:31]), campaign)
    else:
        _decided_results(workbook.create_sheet(_("Results")[:31]), decision)
        _decisions(workbook.create_sheet(_("Committee decisions")[:31]), campaign)
    return exports.workbook_bytes(workbook)


SCORE_HEADER = (
    _lazy("rank"), _lazy("code"), pgettext_lazy("of a person", "name"), _lazy("unit"), _lazy("reviews"), _lazy("Mean"), _lazy("Median"),
    _lazy("Mean without highest and lowest"), _lazy("Per-expert normalized (z-score)"), _lazy("spread"),
    _lazy("public votes"), _lazy("score"),
)  # fmt: skip


def _live_results(sheet, campaign: Campaign) -> None:
    """Before the committee decides, the ranking as it stands."""
    from laurel.honors import ranking  # numpy and scipy: loaded when a workbook is made, not with the URL map

    exports.append(sheet, [str(title) for title in SCORE_HEADER] + [_("status")])
    for row in ranking.score_table(campaign):
        nomination = row.nomination
        exports.append(sheet, [
            row.rank, nomination.code, nomination.person.name, nomination.unit.name, row.count, _number(row.mean),
            _number(row.median), _number(row.trimmed), _number(row.zscore), _number(row.spread), row.votes,
            _number(row.score), nomination.get_status_display(),
        ])  # fmt: skip


def _decided_results(sheet, decision: CommitteeDecision) -> None:
    """The list of the committee's last decision as it was decided on: the scores it ranked by, who was selected,
    and the candidates removed before it with the cause and the reason of their removal."""
    exports.append(sheet, [
        _("As decided on %(time)s (%(decision)s)") % {
            "time": formats.date_format(timezone.localtime(decision.created_at), "Y-m-d H:i"),
            "decision": decision.get_kind_display(),
        }
    ])  # fmt: skip
    exports.append(sheet, [str(title) for title in SCORE_HEADER] + [_("selected"), _("status"), _("removal")])
    statuses = dict(Nomination.Status.choices)
    causes = dict(CommitteeDecision.Cause.choices)
    for row in decision.rows:
        removal = row.get("removal")
        removal_text = f"{causes.get(removal['cause'], '')}: {removal['reason']}" if removal else ""
        exports.append(sheet, [
            row["rank"], row["code"], row["name"], row["unit"], row["count"], row["mean"], row["median"],
            row["trimmed"], row["zscore"], row["spread"], row["votes"], row["score"],
            _("yes") if row["selected"] else "", statuses.get(row["status"], row["status"]), removal_text,
        ])  # fmt: skip
    exports.append(sheet, [])
    exports.append(sheet, [_("rule"), _("hard rule"), _("count"), _("total"), _("holds"), _("groups")])
    for outcome in decision.outcomes:
        exports.append(sheet, _outcome_cells(outcome))


def _outcome_cells(outcome: dict) -> list:
    groups = "; ".join(f"{group['group']}: {group['count']}" for group in outcome.get("groups", []))
    return [
        outcome["rule"], _("yes") if outcome["hard"] else _("no"), outcome["count"], outcome["total"],
        _("yes") if outcome["holds"] else _("no"), groups,
    ]  # fmt: skip


def _decisions(sheet, campaign: Campaign) -> None:
    """Every decision in order, with the selection it left and that selection's rule outcomes."""
    exports.append(sheet, [
        _("time"), _("decision"), _("cause"), _("by"), _("reason"), _("selected"), _("added"), _("removed"),
        _("rules missed"),
    ])  # fmt: skip
    for decision in campaign.decisions.select_related("actor"):
        missed = [outcome["rule"] for outcome in decision.outcomes if not outcome["holds"]]
        exports.append(sheet, [
            timezone.localtime(decision.created_at).replace(tzinfo=None), decision.get_kind_display(),
            decision.get_cause_display(), str(decision.actor or ""), decision.reason, ", ".join(decision.selected),
            ", ".join(decision.added), ", ".join(decision.removed), "; ".join(missed),
        ])  # fmt: skip


def campaign_audit(campaign: Campaign):
    """Every audit entry about the campaign, its nominations, its honorees becoming public and its certificates
    (issued, corrected, revoked), oldest first."""
    nominations = Nomination.objects.filter(campaign=campaign)
    nomination_ids = [str(pk) for pk in nominations.values_list("pk", flat=True)]
    person_ids = [str(pk) for pk in nominations.values_list("person_id", flat=True)]
    # Certificates are a higher app: their entries are found by the batch key their hand-off gives a campaign's
    # certificates (`certificates.handoffs.campaign_batch_key`), then every entry about those certificates.
    issued = AuditEntry.objects.filter(
        action="certificates.certificate.issued", data__batch_key=f"campaign:{campaign.pk}"
    ).values_list("content_type_id", "object_id")
    by_type: dict[int, list[str]] = {}
    for content_type_id, object_id in issued:
        by_type.setdefault(content_type_id, []).append(object_id)
    certificates = Q(pk__in=[])
    for content_type_id, object_ids in by_type.items():
        certificates |= Q(content_type_id=content_type_id, object_id__in=object_ids)
    return (
        AuditEntry.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(Campaign), object_id=str(campaign.pk))
            | Q(content_type=ContentType.objects.get_for_model(Nomination), object_id__in=nomination_ids)
            | Q(action="people.person.made_public", data__reason=f"honors.campaign:{campaign.code}",
                object_id__in=person_ids)
            | certificates
        )
        .select_related("content_type")
        .order_by("created_at", "pk")
    )  # fmt: skip
