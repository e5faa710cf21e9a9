import datetime
import io

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from laurel.honors import demo as honors_demo
from laurel.honors import votes
from laurel.honors.models import Campaign, Nomination, Stage, Vote
from laurel.people import demo as people_demo
from laurel.people.models import User

pytestmark = pytest.mark.django_db


def test_demo_has_a_campaign_in_its_public_vote_with_votes_and_a_voter_login():
    for _run in range(2):
        people_demo.seed(stdout=io.StringIO())
        logins = honors_demo.seed(stdout=io.StringIO())
    campaign = Campaign.objects.get(series="young-sci-tech", edition=2024)
    assert (campaign.stage, votes.state(campaign), campaign.public_vote_weight) == (Stage.PUBLIC_VOTE, "open", 30)
    candidates = list(votes.candidates(campaign))
    assert len(candidates) >= 10 and all(candidate.id_photo for candidate in candidates)
    assert all(candidate.person.date_of_birth >= datetime.date(1984, 1, 1) for candidate in candidates)
    today = timezone.localdate()
    assert set(Vote.objects.filter(campaign=campaign).values_list("day", flat=True)) == {
        today - datetime.timedelta(days=1),
        today,
    }
    tallies = Nomination.objects.filter(campaign=campaign).annotate(
        counted=Count("votes", filter=Q(votes__voided_at__isnull=True))
    )
    assert all(nomination.public_votes == nomination.counted for nomination in tallies)
    assert sum(nomination.public_votes for nomination in tallies) == Vote.objects.filter(campaign=campaign).count()
    assert votes.busiest_addresses(campaign, limit=1)[0]["accounts"] == 8  # the cluster staff may look into
    assert campaign.nominations.filter(rank__isnull=False).count() == len(candidates)

    login = next(login for login in logins if login.persona == "public voter")
    voter = User.objects.get(email=login.email)
    vote = votes.cast_vote(candidates[0], actor=voter, address="192.0.2.1")
    assert vote.voter == voter
    assert Campaign.objects.get(series="most-beautiful", edition=2024).stage == Stage.OPEN
