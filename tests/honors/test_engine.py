import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from laurel.core.models import AuditEntry
from laurel.honors import engine, reviews
from laurel.honors.models import Assignment, AssignmentRun, Conflict, Nomination, PanelMember, Preference, Stage
from laurel.people.roles import RoleKind
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import OrganizationFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db

FIELDS = ["人工智能", "临床医学", "作物育种", "水利工程"]


@pytest.fixture
def setup(staff):
    """4 nominations (one per field) and 4 experts whose profiles match one field each."""
    campaign = CampaignFactory(stage=Stage.REVIEW, experts_per_nomination=2, expert_load_cap=3)
    experts, nominations = [], []
    for index, field in enumerate(FIELDS):
        expert = user_with_role(RoleKind.EXPERT, email=f"e{index}@example.org", full_name=f"专家{index}")
        reviews.add_panel_member(campaign, expert=expert, actor=staff)
        PanelMember.objects.filter(expert=expert).update(
            fields=field, keywords="", expertise=f"{field}研究", senior=index == 0
        )
        experts.append(expert)
        person = PersonFactory(field=field)
        nominations.append(
            NominationFactory(
                campaign=campaign,
                person=person,
                unit=person.organization,
                status=Nomination.Status.ELIGIBLE,
                story=f"长期从事{field}工作。",
            )  # fmt: skip
        )
    return campaign, experts, nominations


def pairs(campaign, **filters):
    return set(
        Assignment.objects.active().filter(nomination__campaign=campaign, **filters).values_list("nomination", "expert")
    )


def test_run_proposes_drafts_that_match_fields_and_experts_see_nothing(client, staff, setup):
    campaign, experts, nominations = setup
    run = engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=2)
    assert run.report["method"] == "min-cost-flow" and run.report["exact"] is True
    assert len(pairs(campaign, draft=True)) == 8
    for nomination, expert in zip(nominations, experts, strict=True):  # the matching expert is always chosen
        assignment = Assignment.objects.get(nomination=nomination, expert=expert)
        others = Assignment.objects.filter(nomination=nomination).exclude(expert=expert)
        assert others.exists()
        assert any(term in nomination.person.field for term, _weight in assignment.affinity_terms)
    client.force_login(experts[0])
    page = client.get(reverse("honors:my_assignments")).content.decode()
    assert nominations[0].code not in page
    assert client.get(nominations[0].get_absolute_url()).status_code == 403
    assert AuditEntry.objects.filter(action="honors.assignment.proposed").count() == 1


def test_release_makes_assignments_visible_and_mails_each_expert_once(
    client, staff, setup, mailoutbox, django_capture_on_commit_callbacks
):
    campaign, experts, nominations = setup
    engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert engine.release(campaign, actor=staff) == 8
    assert sorted(message.to[0] for message in mailoutbox) == sorted(expert.email for expert in experts)
    assert AssignmentRun.objects.get().released_at is not None
    with pytest.raises(ValidationError, match="no draft"):
        engine.release(campaign, actor=staff)
    mine = {a.nomination.code for a in Assignment.objects.filter(expert=experts[0]).select_related("nomination")}
    client.force_login(experts[0])
    page = client.get(reverse("honors:my_assignments")).content.decode()
    for nomination in nominations:
        assert (nomination.code in page or nomination.person.name in page) == (nomination.code in mine)


def test_conflicts_from_records_are_never_assigned(staff, setup):
    campaign, experts, nominations = setup
    parent = OrganizationFactory()
    nominations[0].unit.parent = parent
    nominations[0].unit.save()
    PersonFactory(user=experts[0], organization=parent)  # parent unit of the nominee's unit
    reviews.declare_conflict(nominations[1], expert=experts[1], note="师生", actor=staff)
    run = engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=3)
    chosen = pairs(campaign)
    assert (nominations[0].pk, experts[0].pk) not in chosen
    assert (nominations[1].pk, experts[1].pk) not in chosen
    assert run.report["conflicts"] >= 2


def test_infeasible_run_shows_reasons_and_assigns_nothing(staff, setup):
    campaign, *_ = setup
    with pytest.raises(ValidationError) as caught:
        engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=1)
    assert "maximum loads allow only 4" in caught.value.messages[0]
    assert not Assignment.objects.exists()
    assert AuditEntry.objects.filter(action="honors.assignment.infeasible").count() == 1


def test_senior_group_constraint_puts_a_senior_expert_on_every_nomination(staff, setup):
    campaign, experts, nominations = setup
    run = engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=4, senior_per_nomination=True)
    assert run.report["method"] == "milp"
    assert {nomination for nomination, expert in pairs(campaign) if expert == experts[0].pk} == {
        n.pk for n in nominations
    }


def _regions(experts, nominations, *, expert_regions, nominee_region="东城区"):
    for expert, region in zip(experts, expert_regions, strict=True):
        PanelMember.objects.filter(expert=expert).update(region=region)
    for nomination in nominations:
        organization = nomination.person.organization
        organization.region = nominee_region
        organization.save(update_fields=["region"])


def test_outside_region_constraint_puts_an_outsider_on_every_nomination(staff, setup):
    campaign, experts, nominations = setup
    _regions(experts, nominations, expert_regions=["东城区", "东城区", "西城区", ""])
    plain = engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=4)
    assert plain.report["method"] == "min-cost-flow"
    # Without the rule, most nominations are reviewed by insiders only (experts match one field each).
    assert len({nomination for nomination, expert in pairs(campaign) if expert == experts[2].pk}) < 4
    run = engine.run_assignment(
        campaign, actor=staff, experts_per_nomination=2, load_max=4, outside_region_per_nomination=True
    )
    assert run.report["method"] == "milp" and run.outside_region_per_nomination
    drafts = pairs(campaign, draft=True)
    assert {nomination for nomination, expert in drafts if expert == experts[2].pk} == {n.pk for n in nominations}
    assert AuditEntry.objects.filter(action="honors.assignment.proposed").order_by("pk").last().data["outside_region"]


def test_outside_region_rule_that_cannot_hold_is_explained(staff, setup):
    campaign, experts, nominations = setup
    _regions(experts, nominations, expert_regions=["东城区", "东城区", "西城区", ""])
    with pytest.raises(ValidationError) as caught:
        engine.run_assignment(
            campaign, actor=staff, experts_per_nomination=2, load_max=2, outside_region_per_nomination=True
        )
    assert any(
        "outside the nominee's region" in message and "allow only 2" in message for message in caught.value.messages
    )


def test_unknown_regions_are_judged_conservatively(staff, setup):
    campaign, experts, nominations = setup
    _regions(experts, nominations, expert_regions=["东城区", "", "西城区", ""], nominee_region="")
    context = engine.build_context(campaign, 1)
    assert engine.outside_region(context).all()  # the nominee's region is unknown: every expert is outside
    _regions(experts, nominations, expert_regions=["东城区", "", "西城区", ""])
    context = engine.build_context(campaign, 1)
    assert engine.outside_region(context)[0].tolist() == [False, False, True, False]


def test_fair_objective_is_recorded(staff, setup):
    campaign, *_ = setup
    run = engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=2, objective="fair")
    assert run.report["method"].startswith("fair") and len(pairs(campaign)) == 8


def test_preferences_move_the_affinity(staff, setup):
    campaign, experts, nominations = setup
    Preference.objects.create(nomination=nominations[0], expert=experts[3], value=100)
    context = engine.build_context(campaign, 1)
    plain = engine.build_context(campaign, 1)
    Preference.objects.all().delete()
    plain = engine.build_context(campaign, 1)
    assert context.affinity[0, 3] > plain.affinity[0, 3] + 0.2


def test_manual_pair_breaking_a_conflict_or_the_load_cap_is_refused(staff, setup):
    campaign, experts, nominations = setup
    engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=2)
    nominations[2].nominated_by = experts[2]
    nominations[2].save()
    Assignment.objects.filter(nomination=nominations[2], expert=experts[2]).delete()
    with pytest.raises(ValidationError, match="nominated this person"):
        engine.add_pair(nominations[2], expert=experts[2], actor=staff)
    full = next(e for e in experts if Assignment.objects.filter(expert=e).count() == 2)
    free = next(n for n in nominations if not Assignment.objects.filter(nomination=n, expert=full).exists())
    with pytest.raises(ValidationError, match="the most allowed"):
        engine.add_pair(free, expert=full, actor=staff)
    assert AuditEntry.objects.filter(action="honors.assignment.refused").count() == 1


def test_manual_add_and_remove_of_drafts(staff, expert, setup):
    campaign, experts, nominations = setup
    engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=3)
    removed = Assignment.objects.filter(draft=True).first()
    engine.remove_pair(removed, actor=staff)
    added = engine.add_pair(removed.nomination, expert=removed.expert, actor=staff)
    assert added.draft and added.affinity is not None
    with pytest.raises(PermissionDenied):
        engine.remove_pair(added, actor=expert)
    engine.release(campaign, actor=staff)
    added.refresh_from_db()
    with pytest.raises(ValidationError, match="Only draft pairs"):
        engine.remove_pair(added, actor=staff)


def test_recusal_reassigns_with_the_engine_keeping_submitted_and_open_pairs(staff, setup):
    campaign, experts, nominations = setup
    engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=3)
    engine.release(campaign, actor=staff)
    first = Assignment.objects.filter(expert=experts[0]).order_by("pk").first()
    other = Assignment.objects.exclude(expert=experts[0]).order_by("pk").first()
    criteria = list(campaign.criteria.all())
    reviews.submit_review(other, scores={c.pk: 80 for c in criteria}, comments={}, comment="", actor=other.expert)
    before = pairs(campaign) - {(first.nomination_id, first.expert_id)}
    reviews.recuse(first, reason="发现亲属关系", actor=experts[0])
    after = pairs(campaign)
    assert before <= after  # every other pair kept, the submitted one too
    assert len(after) == 8 and (first.nomination_id, experts[0].pk) not in after
    new = Assignment.objects.filter(nomination=first.nomination, recused_at__isnull=True).order_by("-pk").first()
    assert new.pk > first.pk and new.draft is False
    assert AuditEntry.objects.filter(action="honors.assignment.reassigned").count() == 1


def test_dropout_moves_open_assignments_to_other_experts(staff, setup):
    campaign, experts, nominations = setup
    engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=3)
    engine.release(campaign, actor=staff)
    mine = Assignment.objects.filter(expert=experts[0]).select_related("nomination").first()
    criteria = list(campaign.criteria.all())
    reviews.submit_review(mine, scores={c.pk: 70 for c in criteria}, comments={}, comment="", actor=experts[0])
    ended = engine.drop_expert(campaign, expert=experts[0], reason="出国", actor=staff)
    assert ended == Assignment.objects.filter(expert=experts[0], recused_at__isnull=False).count()
    assert set(Assignment.objects.active().filter(expert=experts[0]).values_list("pk", flat=True)) == {mine.pk}
    assert len(pairs(campaign)) == 8
    with pytest.raises(ValidationError):
        engine.drop_expert(campaign, expert=experts[1], reason=" ", actor=staff)


def test_staff_pages_and_forms(client, staff_client, staff, expert, setup, django_capture_on_commit_callbacks):
    campaign, experts, nominations = setup
    url = reverse("honors:assignment", kwargs={"code": campaign.code})
    with django_capture_on_commit_callbacks(execute=True):  # the immediate task backend runs the queued run
        staff_client.post(
            reverse("honors:assignment_run", kwargs={"code": campaign.code}),
            {"experts_per_nomination": 2, "load_max": 2, "load_min": 0, "objective": "total"},
        )
    page = staff_client.get(url).content.decode()
    assert "min-cost-flow" in page and "人工智能" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("honors:assignment_run", kwargs={"code": campaign.code}),
            {"experts_per_nomination": 2, "load_max": 1, "load_min": 0, "objective": "total"},
        )
    assert "未做任何分配" in staff_client.get(url).content.decode()
    assert Assignment.objects.count() == 8  # the earlier drafts are untouched
    member = PanelMember.objects.get(expert=experts[1])
    staff_client.post(
        reverse("honors:profile_edit", kwargs={"pk": member.pk}),
        {f"m{member.pk}-fields": "公共卫生", f"m{member.pk}-keywords": "防疫", f"m{member.pk}-expertise": "",
         f"m{member.pk}-region": "东城区", f"m{member.pk}-senior": "on"},
    )  # fmt: skip
    member.refresh_from_db()
    assert member.fields == "公共卫生" and member.senior
    staff_client.post(
        reverse("honors:conflicts", kwargs={"code": campaign.code}),
        {"expert": experts[3].pk, "nomination": nominations[0].code, "note": "同门"},
    )
    assert Conflict.objects.filter(expert=experts[3], nomination=nominations[0], kind="declared").exists()
    staff_client.post(reverse("honors:assignment_release", kwargs={"code": campaign.code}))
    assert not Assignment.objects.active().filter(draft=True).exists()
    assert "同门" in staff_client.get(reverse("honors:conflicts", kwargs={"code": campaign.code})).content.decode()
    client.force_login(expert)
    assert client.get(url).status_code == 403
    assert client.post(reverse("honors:assignment_release", kwargs={"code": campaign.code})).status_code == 403
    assert client.get(reverse("honors:conflicts", kwargs={"code": campaign.code})).status_code == 403


def test_declaring_a_conflict_needs_staff_and_a_reason(staff, expert, setup):
    campaign, experts, nominations = setup
    with pytest.raises(PermissionDenied):
        reviews.declare_conflict(nominations[0], expert=experts[0], note="x", actor=expert)
    with pytest.raises(ValidationError):
        reviews.declare_conflict(nominations[0], expert=experts[0], note="  ", actor=staff)


def test_declared_conflict_on_a_live_pair_is_reassigned_by_the_engine(staff, setup):
    campaign, experts, nominations = setup
    engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=3)
    engine.release(campaign, actor=staff)
    live = Assignment.objects.active().filter(nomination=nominations[0]).first()
    reviews.declare_conflict(nominations[0], expert=live.expert, note="同一课题组", actor=staff)
    chosen = pairs(campaign, nomination=nominations[0])
    assert len(chosen) == 2 and (nominations[0].pk, live.expert_id) not in chosen


def test_staff_ask_for_an_outsider_on_every_nomination_from_the_page(
    staff_client, staff, setup, django_capture_on_commit_callbacks
):
    campaign, experts, nominations = setup
    _regions(experts, nominations, expert_regions=["东城区", "东城区", "西城区", "西城区"])
    page = staff_client.get(reverse("honors:assignment", kwargs={"code": campaign.code})).content.decode()
    assert "至少一名来自被推荐人所在地区以外的专家" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("honors:assignment_run", kwargs={"code": campaign.code}),
            {"experts_per_nomination": 2, "load_max": 4, "load_min": 0, "objective": "total",
             "outside_region_per_nomination": "on"},
        )  # fmt: skip
    run = AssignmentRun.objects.get()
    assert run.outside_region_per_nomination and run.report["method"] == "milp"
    outsiders = {experts[2].pk, experts[3].pk}
    for nomination in nominations:
        assert {expert for n, expert in pairs(campaign) if n == nomination.pk} & outsiders


def test_the_nomination_page_sends_staff_to_the_assignment_page(staff_client, setup):
    campaign, _experts, nominations = setup
    page = staff_client.get(nominations[0].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("honors:assignment", kwargs={"code": campaign.code}) in page
    assert "Assign experts on the assignment page" in page
