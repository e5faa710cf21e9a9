"""An expert's unit for conflicts of interest comes from their linked profile, else from the unit they declared;
an expert with neither sees no nomination until they declare one."""

import pytest
from django.urls import reverse

from laurel.honors import engine, reviews
from laurel.honors.models import Assignment, Conflict, Nomination, Stage
from laurel.people import accounts
from laurel.people.models import DeclaredUnit
from laurel.people.roles import RoleKind
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import OrganizationFactory, PersonFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewing(staff):
    return CampaignFactory(stage=Stage.REVIEW, experts_per_nomination=1, expert_load_cap=5)


def eligible(campaign, unit=None):
    unit = unit or OrganizationFactory()
    return NominationFactory(campaign=campaign, unit=unit, status=Nomination.Status.ELIGIBLE, photos=0)


def test_a_profile_linked_by_staff_makes_its_unit_a_conflict(staff, expert, reviewing):
    nomination = eligible(reviewing)
    reviews.add_panel_member(reviewing, expert=expert, actor=staff)
    person = PersonFactory(organization=nomination.unit)
    accounts.link_person(user=expert, person=person, actor=staff)
    assert Conflict.Kind.SAME_UNIT in reviews.conflict_reasons(nomination, expert)


def test_the_profile_wins_over_a_declaration(staff, expert, reviewing):
    nomination = eligible(reviewing)
    DeclaredUnit.objects.filter(user=expert).update(organization=OrganizationFactory())
    PersonFactory(user=expert, organization=nomination.unit)
    assert Conflict.Kind.SAME_UNIT in reviews.conflict_reasons(nomination, expert)


def test_a_declared_unit_is_a_conflict_for_manual_assignment(staff, reviewing):
    nomination = eligible(reviewing)
    expert = user_with_role(RoleKind.EXPERT, declared_unit=False)
    accounts.declare_unit(user=expert, organization=nomination.unit, actor=expert)
    reviews.add_panel_member(reviewing, expert=expert, actor=staff)
    assert reviews.conflict_reasons(nomination, expert) == [Conflict.Kind.SAME_UNIT]
    with pytest.raises(Exception, match="conflict of interest"):
        reviews.assign_expert(nomination, expert=expert, actor=staff)
    assert not Assignment.objects.exists()


def test_the_engine_never_assigns_an_expert_to_their_declared_unit(staff, reviewing):
    own, other = OrganizationFactory(), OrganizationFactory()
    mine = eligible(reviewing, own)
    theirs = eligible(reviewing, other)
    declared = user_with_role(RoleKind.EXPERT, declared_unit=False)
    accounts.declare_unit(user=declared, organization=own, actor=declared)
    outsider = user_with_role(RoleKind.EXPERT)
    for member in (declared, outsider):
        reviews.add_panel_member(reviewing, expert=member, actor=staff)
    context = engine.build_context(reviewing, 1)
    items, experts = context.item_index(), context.expert_index()
    assert (items[mine.pk], experts[declared.pk]) in context.conflicts
    assert (items[theirs.pk], experts[declared.pk]) not in context.conflicts
    engine.run_assignment(reviewing, actor=staff, experts_per_nomination=1, load_max=2)
    assert not Assignment.objects.filter(nomination=mine, expert=declared).exists()


def test_the_engine_reads_a_unit_from_a_parent_chain_of_a_declared_unit(staff, reviewing):
    parent = OrganizationFactory()
    child = OrganizationFactory(parent=parent)
    nomination = eligible(reviewing, child)
    expert = user_with_role(RoleKind.EXPERT, declared_unit=False)
    accounts.declare_unit(user=expert, organization=parent, actor=expert)
    reviews.add_panel_member(reviewing, expert=expert, actor=staff)
    context = engine.build_context(reviewing, 1)
    assert (context.item_index()[nomination.pk], context.expert_index()[expert.pk]) in context.conflicts


@pytest.fixture
def undeclared(staff, reviewing):
    expert = user_with_role(RoleKind.EXPERT, declared_unit=False, email="new-expert@example.org")
    reviews.add_panel_member(reviewing, expert=expert, actor=staff)
    nomination = eligible(reviewing)
    Assignment.objects.create(nomination=nomination, expert=expert)
    return expert, nomination


def test_an_undeclared_expert_is_sent_to_the_declaration_from_the_desk_list_and_review(client, undeclared):
    expert, nomination = undeclared
    client.force_login(expert)
    for url in (reverse("honors:my_assignments"), reverse("honors:review", args=[nomination.code])):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 302
        assert response.url.startswith(reverse("people:declare_unit"))
        assert "next=" in response.url
    follow = client.get(reverse("honors:my_assignments"), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "请先申报您的工作单位" in follow.content.decode()
    desk = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="declare-unit"' in desk


def test_an_undeclared_expert_reads_no_nomination_or_document(client, undeclared):
    expert, nomination = undeclared
    client.force_login(expert)
    assert client.get(nomination.get_absolute_url()).status_code == 403
    assert client.get(reverse("honors:nomination_file", args=[nomination.code, "evidence"])).status_code == 403
    assert reviews.active_assignment(nomination, expert) is None


def test_after_declaring_the_expert_reviews(client, undeclared):
    expert, nomination = undeclared
    client.force_login(expert)
    url = reverse("honors:review", args=[nomination.code])
    response = client.post(reverse("people:declare_unit") + f"?next={url}", {"unit": "none"})
    assert response.url == url
    assert client.get(url).status_code == 200
    assert client.get(nomination.get_absolute_url()).status_code == 200


def test_declaring_ones_own_nominations_unit_ends_in_a_conflict(client, undeclared):
    expert, nomination = undeclared
    client.force_login(expert)
    client.post(reverse("people:declare_unit"), {"unit": nomination.unit.code})
    assert reviews.active_assignment(nomination, expert) is None
    assert client.get(reverse("honors:review", args=[nomination.code])).status_code == 403


def test_staff_and_nominators_are_never_sent_to_the_declaration(staff_client, client, nominator):
    assert staff_client.get(reverse("core:dashboard")).status_code == 200
    client.force_login(nominator)
    assert client.get(reverse("honors:my_assignments")).status_code == 403


def test_a_user_without_the_expert_role_gets_no_review_page(client, reviewing):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("honors:my_assignments")).status_code == 403


def test_staff_cannot_assign_an_expert_whose_unit_is_unknown(staff, reviewing):
    expert = user_with_role(RoleKind.EXPERT, declared_unit=False)
    reviews.add_panel_member(reviewing, expert=expert, actor=staff)
    with pytest.raises(Exception, match="conflicts cannot be checked"):
        reviews.assign_expert(eligible(reviewing), expert=expert, actor=staff)
    assert not Assignment.objects.exists()


def test_the_reminder_task_runs():
    from laurel.honors.tasks import send_review_reminders_task

    send_review_reminders_task.enqueue()


def test_a_unit_declared_after_assignment_ends_the_conflicting_review(client, undeclared):
    expert, nomination = undeclared
    other = eligible(nomination.campaign)
    kept = Assignment.objects.create(nomination=other, expert=expert)
    accounts.declare_unit(user=expert, organization=nomination.unit, actor=expert)
    ended = Assignment.objects.get(nomination=nomination, expert=expert)
    assert ended.recused_at is not None
    assert Conflict.objects.get(nomination=nomination, expert=expert).kind == Conflict.Kind.SAME_UNIT
    assert Assignment.objects.get(pk=kept.pk).recused_at is None
    from laurel.core.models import AuditEntry

    assert AuditEntry.objects.get(action="honors.assignment.ended").data["conflicts"] == [Conflict.Kind.SAME_UNIT]


def test_linking_the_nominees_own_profile_ends_the_review(staff, expert, reviewing):
    nomination = eligible(reviewing)
    reviews.add_panel_member(reviewing, expert=expert, actor=staff)
    assignment = reviews.assign_expert(nomination, expert=expert, actor=staff)
    accounts.link_person(user=expert, person=nomination.person, actor=staff)
    assignment.refresh_from_db()
    assert assignment.recused_at is not None
    assert reviews.active_assignment(nomination, expert) is None
