"""An expert's list of assignments: what still waits for a score comes first, however many years they served."""

import pytest
from django.utils import timezone

from laurel.honors.models import Assignment, Nomination, Review, Stage
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db


def _pair(campaign, expert, *, scored):
    nomination = NominationFactory(campaign=campaign, photos=0)
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.ELIGIBLE)
    assignment = Assignment.objects.create(nomination=nomination, expert=expert)
    if scored:
        Review.objects.create(assignment=assignment, total=75, submitted_at=timezone.now())
    return nomination


def test_the_experts_list_puts_the_assignments_waiting_for_a_score_first(client, expert):
    old = CampaignFactory(edition=2023, stage=Stage.PUBLISHED)
    current = CampaignFactory(edition=2026, stage=Stage.REVIEW)
    scored_long_ago = [_pair(old, expert, scored=True) for _index in range(3)]
    scored_now = _pair(current, expert, scored=True)
    waiting = [_pair(current, expert, scored=False) for _index in range(2)]
    client.force_login(expert)
    listed = [assignment.nomination for assignment in client.get("/campaigns/reviews/").context["object_list"]]
    assert listed == [*reversed(waiting), scored_now, *reversed(scored_long_ago)]


def test_the_list_is_50_a_page_with_every_campaigns_deadline_and_constant_queries(
    client, expert, django_assert_max_num_queries
):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    old = CampaignFactory(edition=2023, stage=Stage.PUBLISHED, review_deadline=timezone.now())
    current = CampaignFactory(edition=2026, stage=Stage.REVIEW, review_deadline=timezone.now() + datetime.timedelta(7))
    waiting = _pair(current, expert, scored=False)
    for _index in range(3):
        _pair(old, expert, scored=True)
    client.force_login(expert)
    client.get("/campaigns/reviews/")
    with CaptureQueriesContext(connection) as small:
        client.get("/campaigns/reviews/")
    for _index in range(60):
        _pair(old, expert, scored=True)
    with django_assert_max_num_queries(len(small)):
        first = client.get("/campaigns/reviews/")
    assert len(first.context["object_list"]) == 50
    assert first.context["object_list"][0].nomination == waiting
    assert [campaign for campaign, _deadline in first.context["deadlines"]] == [current]
    second = client.get("/campaigns/reviews/", {"page": 2})
    assert len(second.context["object_list"]) == 14
    # The deadline of the campaign in review shows on every page, whichever assignments the page holds.
    assert [campaign for campaign, _deadline in second.context["deadlines"]] == [current]
    assert 'data-testid="review-deadline"' in second.content.decode()
