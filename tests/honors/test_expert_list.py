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
