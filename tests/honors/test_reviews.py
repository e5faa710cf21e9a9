import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from laurel.core.models import AuditEntry
from laurel.honors import reviews
from laurel.honors.models import Assignment, Conflict, Nomination, Review, Stage
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewing(staff, expert, other_expert):
    campaign = CampaignFactory(stage=Stage.REVIEW, expert_load_cap=1)
    for member in (expert, other_expert):
        reviews.add_panel_member(campaign, expert=member, actor=staff)
    return campaign


@pytest.fixture
def eligible(reviewing):
    return NominationFactory(campaign=reviewing, status=Nomination.Status.ELIGIBLE)


def scores_for(nomination, value=80):
    return {criterion.pk: value for criterion in nomination.campaign.criteria.all()}


def test_same_unit_conflict_is_refused_and_recorded(staff, expert, eligible):
    PersonFactory(user=expert, organization=eligible.unit)
    with pytest.raises(ValidationError, match="conflict of interest"):
        reviews.assign_expert(eligible, expert=expert, actor=staff)
    assert Conflict.objects.get().kind == Conflict.Kind.SAME_UNIT
    assert Assignment.objects.count() == 0


def test_self_conflict_is_refused(staff, expert, reviewing):
    nomination = NominationFactory(campaign=reviewing, status=Nomination.Status.ELIGIBLE)
    nomination.person.user = expert
    nomination.person.save()
    with pytest.raises(ValidationError, match="The expert is the nominee"):
        reviews.assign_expert(nomination, expert=expert, actor=staff)


def test_load_cap_holds(staff, expert, reviewing, eligible):
    reviews.assign_expert(eligible, expert=expert, actor=staff)
    second = NominationFactory(campaign=reviewing, status=Nomination.Status.ELIGIBLE)
    with pytest.raises(ValidationError, match="the most allowed"):
        reviews.assign_expert(second, expert=expert, actor=staff)


def test_score_once_with_weighted_total(staff, expert, eligible):
    assignment = reviews.assign_expert(eligible, expert=expert, actor=staff)
    criteria = list(eligible.campaign.criteria.all())
    scores = {criteria[0].pk: 90, criteria[1].pk: 40}
    review = reviews.submit_review(assignment, scores=scores, comments={}, comment="好", actor=expert)
    assert review.total == 70.0  # (60*90 + 40*40) / 100
    with pytest.raises(ValidationError, match="already scored"):
        reviews.submit_review(assignment, scores=scores, comments={}, comment="", actor=expert)
    assert Review.objects.count() == 1
    assert AuditEntry.objects.filter(action="honors.review.submitted").count() == 1


def test_scores_outside_0_to_100_are_refused(staff, expert, eligible):
    assignment = reviews.assign_expert(eligible, expert=expert, actor=staff)
    with pytest.raises(ValidationError):
        reviews.submit_review(assignment, scores=scores_for(eligible, 101), comments={}, comment="", actor=expert)


def test_another_expert_cannot_submit_on_an_assignment(staff, expert, other_expert, eligible):
    assignment = reviews.assign_expert(eligible, expert=expert, actor=staff)
    with pytest.raises(PermissionDenied):
        reviews.submit_review(assignment, scores=scores_for(eligible), comments={}, comment="", actor=other_expert)


def test_recusal_ends_the_assignment_records_the_conflict_and_is_logged(
    staff, expert, other_expert, reviewing, eligible
):
    reviews.assign_expert(
        NominationFactory(campaign=reviewing, status=Nomination.Status.ELIGIBLE), expert=other_expert, actor=staff
    )
    assignment = reviews.assign_expert(eligible, expert=expert, actor=staff)
    reviews.recuse(assignment, reason="曾与候选人合作发表论文", actor=expert)
    assert Assignment.objects.active().filter(nomination=eligible).count() == 0
    assert Conflict.objects.get().kind == Conflict.Kind.RECUSED
    assert AuditEntry.objects.filter(action="honors.assignment.recused").count() == 1
    assert AuditEntry.objects.filter(action="honors.assignment.unfilled").count() == 1  # other_expert is at the cap
    with pytest.raises(ValidationError, match="conflict of interest"):
        reviews.assign_expert(eligible, expert=expert, actor=staff)


def test_unassigned_expert_gets_403(client, other_expert, staff, expert, eligible):
    reviews.assign_expert(eligible, expert=expert, actor=staff)
    client.force_login(other_expert)
    assert client.get(eligible.get_absolute_url()).status_code == 403
    assert client.get(reverse("honors:review", kwargs={"code": eligible.code})).status_code == 403


def test_conflicted_expert_gets_403_even_when_assigned(client, staff, expert, eligible):
    reviews.assign_expert(eligible, expert=expert, actor=staff)
    reviews.declare_conflict(eligible, expert=expert, note="亲属", actor=staff)
    client.force_login(expert)
    assert client.get(eligible.get_absolute_url()).status_code == 403


def test_blind_review_hides_name_unit_photos_and_nominator(client, staff, expert, eligible):
    eligible.campaign.blind_review = True
    eligible.campaign.save()
    reviews.assign_expert(eligible, expert=expert, actor=staff)
    client.force_login(expert)
    page = client.get(eligible.get_absolute_url()).content.decode()
    assert eligible.person.name not in page
    assert eligible.unit.name not in page
    assert "<img" not in page
    assert str(eligible.nominated_by) not in page
    assert eligible.story in page


def test_experts_never_see_other_experts_scores(client, staff, expert, other_expert, eligible):
    eligible.campaign.expert_load_cap = 5
    eligible.campaign.save()
    first = reviews.assign_expert(eligible, expert=other_expert, actor=staff)
    reviews.submit_review(first, scores=scores_for(eligible, 77), comments={}, comment="秘密评语", actor=other_expert)
    reviews.assign_expert(eligible, expert=expert, actor=staff)
    client.force_login(expert)
    for url in (eligible.get_absolute_url(), reverse("honors:review", kwargs={"code": eligible.code})):
        page = client.get(url).content.decode()
        assert "秘密评语" not in page and "77.0" not in page


def test_expert_is_mailed_in_their_language_after_commit(
    staff, expert, eligible, mailoutbox, django_capture_on_commit_callbacks
):
    expert.language = "zh-hans"
    expert.save()
    with django_capture_on_commit_callbacks(execute=True):
        reviews.assign_expert(eligible, expert=expert, actor=staff)
    assert [message.to for message in mailoutbox] == [[expert.email]]
    assert mailoutbox[0].subject == "[Laurel 科技工作者荣誉平台] 有一条推荐等待您评审"


def test_recusal_reassigns_to_a_free_panel_expert_without_conflict(staff, expert, other_expert, eligible):
    eligible.campaign.expert_load_cap = 5
    eligible.campaign.save()
    assignment = reviews.assign_expert(eligible, expert=expert, actor=staff)
    reviews.recuse(assignment, reason="与候选人是师生关系", actor=expert)
    assert list(Assignment.objects.active().values_list("expert", flat=True)) == [other_expert.pk]
