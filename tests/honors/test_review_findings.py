"""Findings of the review of the expert review: an expert's unit is declared once, a scored review that comes to
conflict stops counting, one conflict rule for the engine and for manual assignment (nominator roles included),
review settings frozen once review starts, extensions respected on the staff desk, the XLSX covers the ZIP's
nominations."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from laurel.core.models import AuditEntry
from laurel.honors import campaigns, deadlines, desk, engine, paperwork, ranking, reviews
from laurel.honors.models import Conflict, Criterion, Nomination, Stage
from laurel.people import accounts
from laurel.people.models import DeclaredUnit, Role
from laurel.people.roles import RoleKind
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import OrganizationFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def reviewing(staff):
    return CampaignFactory(stage=Stage.REVIEW, experts_per_nomination=1, expert_load_cap=5)


def eligible(campaign, unit=None, **kwargs):
    unit = unit or OrganizationFactory()
    return NominationFactory(campaign=campaign, unit=unit, status=Nomination.Status.ELIGIBLE, photos=0, **kwargs)


# 1. An expert declares their unit once; staff change it afterwards, with a reason.


def test_an_expert_cannot_declare_a_second_unit(client):
    own, other = OrganizationFactory(), OrganizationFactory()
    expert = user_with_role(RoleKind.EXPERT, declared_unit=False)
    accounts.declare_unit(user=expert, organization=own, actor=expert)
    with pytest.raises(ValidationError, match="ask the association's staff"):
        accounts.declare_unit(user=expert, organization=other, actor=expert)
    client.force_login(expert)
    url = reverse("people:declare_unit")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert own.name in page and 'data-testid="unit-declared"' in page
    assert "请联系协会工作人员" in page
    client.post(url, {"unit": other.code})
    assert DeclaredUnit.objects.get(user=expert).organization == own


def test_staff_change_a_declared_unit_with_a_reason(staff):
    own, other = OrganizationFactory(), OrganizationFactory()
    expert = user_with_role(RoleKind.EXPERT, declared_unit=False)
    accounts.declare_unit(user=expert, organization=own, actor=expert)
    with pytest.raises(ValidationError, match="Say why"):
        accounts.declare_unit(user=expert, organization=other, actor=staff)
    accounts.declare_unit(user=expert, organization=other, actor=staff, reason="moved to another hospital")
    assert DeclaredUnit.objects.get(user=expert).organization == other
    entry = AuditEntry.objects.filter(action="people.unit.declared").latest("pk")
    assert entry.actor == staff and entry.data["reason"] == "moved to another hospital"


def test_a_scored_review_that_comes_to_conflict_stops_counting(staff, reviewing):
    own = OrganizationFactory()
    nomination = eligible(reviewing, own)
    expert = user_with_role(RoleKind.EXPERT)  # declared independent
    reviews.add_panel_member(reviewing, expert=expert, actor=staff)
    assignment = reviews.assign_expert(nomination, expert=expert, actor=staff)
    scores = {criterion.pk: 100 for criterion in Criterion.objects.filter(campaign=reviewing)}
    reviews.submit_review(assignment, scores=scores, comments={}, comment="excellent", actor=expert)
    assert [row.count for row in ranking.score_table(reviewing) if row.nomination == nomination] == [1]
    accounts.declare_unit(user=expert, organization=own, actor=staff, reason="works there after all")
    assignment.refresh_from_db()
    assert assignment.recused_at is not None
    assert Conflict.objects.filter(nomination=nomination, expert=expert).exists()
    assert [row.count for row in ranking.score_table(reviewing) if row.nomination == nomination] == [0]
    assert AuditEntry.objects.filter(action="honors.review.discounted").count() == 1


def test_linking_a_profile_discounts_a_scored_review(staff, reviewing):
    nomination = eligible(reviewing)
    expert = user_with_role(RoleKind.EXPERT)
    reviews.add_panel_member(reviewing, expert=expert, actor=staff)
    assignment = reviews.assign_expert(nomination, expert=expert, actor=staff)
    scores = {criterion.pk: 80 for criterion in Criterion.objects.filter(campaign=reviewing)}
    reviews.submit_review(assignment, scores=scores, comments={}, comment="", actor=expert)
    accounts.link_person(user=expert, person=PersonFactory(organization=nomination.unit), actor=staff)
    assignment.refresh_from_db()
    assert assignment.recused_at is not None
    assert [row.count for row in ranking.score_table(reviewing) if row.nomination == nomination] == [0]


# 2. One conflict rule: the nominee's own unit, the parent chain, and units the expert nominates for.


def test_manual_assignment_sees_the_nominees_own_unit_and_the_parent_chain(staff, reviewing):
    works_at = OrganizationFactory()
    nomination = eligible(reviewing, person=PersonFactory(organization=works_at))
    expert = user_with_role(RoleKind.EXPERT, declared_unit=False)
    accounts.declare_unit(user=expert, organization=works_at, actor=expert)
    reviews.add_panel_member(reviewing, expert=expert, actor=staff)
    assert reviews.conflict_reasons(nomination, expert) == [Conflict.Kind.SAME_UNIT]
    with pytest.raises(ValidationError, match="conflict of interest"):
        reviews.assign_expert(nomination, expert=expert, actor=staff)
    parent = OrganizationFactory()
    child_nomination = eligible(reviewing, OrganizationFactory(parent=parent))
    above = user_with_role(RoleKind.EXPERT, declared_unit=False)
    accounts.declare_unit(user=above, organization=parent, actor=above)
    assert reviews.conflict_reasons(child_nomination, above) == [Conflict.Kind.SAME_UNIT]


def test_a_nominator_role_is_a_conflict_whatever_the_declaration(staff, reviewing):
    nominating = OrganizationFactory()
    nomination = eligible(reviewing, nominating)
    expert = user_with_role(RoleKind.EXPERT)  # declared independent
    Role.objects.create(user=expert, kind=RoleKind.NOMINATOR, organization=nominating)
    reviews.add_panel_member(reviewing, expert=expert, actor=staff)
    assert reviews.conflict_reasons(nomination, expert) == [Conflict.Kind.SAME_UNIT]
    context = engine.build_context(reviewing, 1)
    assert (context.item_index()[nomination.pk], context.expert_index()[expert.pk]) in context.conflicts


# 4. Review settings are frozen once the expert review starts.


@pytest.mark.parametrize(
    ("field", "value"),
    [("blind_review", False), ("ranking_method", "median"), ("review_rounds", 2), ("public_vote", True),
     ("public_vote_weight", 50)],
)  # fmt: skip
def test_review_settings_are_frozen_from_the_review_on(staff, field, value):
    campaign = CampaignFactory(
        stage=Stage.REVIEW, blind_review=True, nomination_deadline=timezone.now() - datetime.timedelta(days=5)
    )
    before = getattr(campaign, field)
    assert before != value
    data = {key: getattr(campaign, key) for key in campaigns.CAMPAIGN_FIELDS}
    data[field] = value
    with pytest.raises(ValidationError) as refused:
        campaigns.update_campaign(campaign, actor=staff, data=data, amendment_reason="we changed our mind")
    assert field in refused.value.message_dict
    campaign.refresh_from_db()
    assert getattr(campaign, field) == before


def test_review_settings_still_change_before_the_review(staff):
    campaign = CampaignFactory(stage=Stage.OPEN, blind_review=True)
    data = {key: getattr(campaign, key) for key in campaigns.CAMPAIGN_FIELDS}
    data["blind_review"] = False
    campaigns.update_campaign(campaign, actor=staff, data=data, amendment_reason="the rules changed")
    campaign.refresh_from_db()
    assert campaign.blind_review is False


# 5. A per-expert extension keeps a pair off the desk's overdue count and the waiting list.


def test_an_extended_expert_is_not_overdue_on_the_desk(staff, staff_client):
    campaign = CampaignFactory(stage=Stage.REVIEW, review_deadline=timezone.now() + datetime.timedelta(hours=1))
    nomination = eligible(campaign)
    extended, late = user_with_role(RoleKind.EXPERT), user_with_role(RoleKind.EXPERT)
    for expert in (extended, late):
        reviews.add_panel_member(campaign, expert=expert, actor=staff)
        reviews.assign_expert(nomination, expert=expert, actor=staff)
    deadlines.extend_review_deadline(
        campaign=campaign, expert=extended, until=timezone.now() + datetime.timedelta(days=7), reason="ill", actor=staff
    )
    campaign.review_deadline = timezone.now() - datetime.timedelta(minutes=1)
    campaign.save(update_fields=["review_deadline"])
    overdue = [todo for todo in desk.todos(staff) if "past the review deadline" in str(todo.label)]
    assert [todo.count for todo in overdue] == [1]
    page = staff_client.get(reverse("honors:assignment", args=[campaign.code]), {"pairs": "waiting"})
    pairs = list(page.context["pairs"])
    assert [pair.expert for pair in pairs] == [late]


# 6. The nominations XLSX covers the nominations the ZIP covers.


def test_the_workbook_leaves_out_drafts_and_withdrawn_nominations(staff):
    from openpyxl import load_workbook

    campaign = CampaignFactory()
    NominationFactory(campaign=campaign, story="DRAFT-ONLY-STORY")
    NominationFactory(campaign=campaign, story="WITHDRAWN-STORY", status=Nomination.Status.WITHDRAWN)
    NominationFactory(campaign=campaign, story="SUBMITTED-STORY", status=Nomination.Status.SUBMITTED)
    sheet = load_workbook(io.BytesIO(paperwork.nominations_workbook(campaign))).active
    cells = " ".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row)
    assert "SUBMITTED-STORY" in cells
    assert "DRAFT-ONLY-STORY" not in cells and "WITHDRAWN-STORY" not in cells
    assert sheet.max_row - 1 == len(paperwork.forms_for_zip(campaign))


def test_the_campaign_form_names_the_frozen_setting_in_chinese(staff_client):
    from laurel.honors.forms import CampaignForm

    campaign = CampaignFactory(
        stage=Stage.REVIEW, blind_review=True, nomination_deadline=timezone.now() - datetime.timedelta(days=5)
    )
    form = CampaignForm(instance=campaign, locked=True)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        shown = field.widget.format_value(value)
        if shown is not None:
            data[name] = shown
    data.pop("blind_review", None)
    data["amendment_reason"] = "专家要求"
    page = staff_client.post(
        reverse("honors:campaign_update", args=[campaign.code]), data, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert page.status_code == 200
    assert "专家评审已经开始" in page.content.decode()
    campaign.refresh_from_db()
    assert campaign.blind_review is True
