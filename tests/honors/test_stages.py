import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.honors.models import Campaign, Nomination, Stage
from laurel.honors.stages import ALLOWED_MOVES, move_campaign
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db


def past(days=1):
    return timezone.now() - datetime.timedelta(days=days)


def test_draft_opens_and_the_move_is_logged(staff):
    campaign = CampaignFactory(stage=Stage.DRAFT)
    move_campaign(campaign, to=Stage.OPEN, actor=staff)
    assert Campaign.objects.get().stage == Stage.OPEN
    entry = AuditEntry.objects.get(action="honors.campaign.stage_changed")
    assert (entry.actor, entry.data["from"], entry.data["to"]) == (staff, "draft", "open")


def test_a_stage_cannot_be_skipped(staff):
    campaign = CampaignFactory(stage=Stage.OPEN, nomination_deadline=past())
    with pytest.raises(ValidationError, match="cannot move"):
        move_campaign(campaign, to=Stage.REVIEW, actor=staff)
    assert Campaign.objects.get().stage == Stage.OPEN


def test_nominations_stay_open_until_the_deadline(staff, campaign):
    with pytest.raises(ValidationError, match="until the deadline"):
        move_campaign(campaign, to=Stage.ELIGIBILITY, actor=staff)


def test_a_stale_copy_loses_the_race(staff):
    campaign = CampaignFactory(stage=Stage.OPEN, nomination_deadline=past())
    stale = Campaign.objects.get(pk=campaign.pk)
    move_campaign(campaign, to=Stage.ELIGIBILITY, actor=staff)
    with pytest.raises(ValidationError):
        move_campaign(stale, to=Stage.ELIGIBILITY, actor=staff)
    assert AuditEntry.objects.filter(action="honors.campaign.stage_changed").count() == 1


def test_review_cannot_start_while_nominations_are_unchecked(staff):
    campaign = CampaignFactory(stage=Stage.ELIGIBILITY, nomination_deadline=past())
    NominationFactory(campaign=campaign, status=Nomination.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="not been checked"):
        move_campaign(campaign, to=Stage.REVIEW, actor=staff)


def test_two_round_campaign_needs_its_second_round(staff):
    campaign = CampaignFactory(stage=Stage.REVIEW, review_rounds=2, nomination_deadline=past())
    with pytest.raises(ValidationError, match="second review round"):
        move_campaign(campaign, to=Stage.COMMITTEE, actor=staff)
    move_campaign(campaign, to=Stage.SECOND_REVIEW, actor=staff)
    move_campaign(campaign, to=Stage.COMMITTEE, actor=staff)
    assert campaign.stage == Stage.COMMITTEE


def test_notice_needs_exactly_n_selected_and_sets_its_working_day_window(staff, monkeypatch):
    campaign = CampaignFactory(
        stage=Stage.COMMITTEE, honorees_count=1, nomination_deadline=past(), holidays=["2024-05-08"]
    )
    with pytest.raises(ValidationError, match="must select 1"):
        move_campaign(campaign, to=Stage.NOTICE, actor=staff)
    NominationFactory(campaign=campaign, status=Nomination.Status.SELECTED)
    monday = datetime.datetime(2024, 5, 6, 9, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: monday)
    move_campaign(campaign, to=Stage.NOTICE, actor=staff)
    campaign.refresh_from_db()
    assert (campaign.notice_starts_on, campaign.notice_ends_on) == (
        datetime.date(2024, 5, 6),
        datetime.date(2024, 5, 13),
    )


def test_publication_waits_for_the_notice_to_end(staff, monkeypatch):
    campaign = CampaignFactory(
        stage=Stage.NOTICE, nomination_deadline=past(), notice_starts_on=datetime.date(2024, 5, 6),
        notice_ends_on=datetime.date(2024, 5, 10),
    )  # fmt: skip
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2024, 5, 10, 8, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError, match="not ended"):
        move_campaign(campaign, to=Stage.PUBLISHED, actor=staff)
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2024, 5, 11, 8, tzinfo=datetime.UTC))
    move_campaign(campaign, to=Stage.PUBLISHED, actor=staff)
    assert Campaign.objects.get().published_at is not None


def test_the_table_never_leaves_published():
    assert ALLOWED_MOVES[Stage.PUBLISHED] == set()
    assert set(ALLOWED_MOVES) == set(Stage.values)
