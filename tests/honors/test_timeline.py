"""The stage stepper: the stages this campaign goes through, the current one marked, the dates of its setup."""

import datetime
import re

import pytest
from django.utils import timezone

from laurel.honors import timeline
from laurel.honors.models import Stage
from tests.factories.honors import CampaignFactory

pytestmark = pytest.mark.django_db


def _aware(day: datetime.date, hour: int = 18) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _stepper(html: str) -> list[tuple[str, str, str]]:
    """(stage, state, dates) of each step as the page shows it."""
    nav = re.search(r'<nav class="stepper".*?</nav>', html, re.S).group(0)
    steps = re.findall(r'<li class="step step-(\w+)"[^>]*data-stage="(\w+)">(.*?)</li>', nav, re.S)
    result = []
    for state, stage, body in steps:
        dates = re.search(r'<span class="step-dates">([^<]*)</span>', body)
        result.append((stage, state, dates.group(1) if dates else ""))
    return result


def test_a_campaign_without_a_vote_or_second_round_skips_those_stages_and_marks_the_current_one():
    campaign = CampaignFactory(stage=Stage.REVIEW, review_rounds=1, public_vote=False)
    steps = timeline.steps(campaign, staff=False)
    assert [(step.stage, step.state) for step in steps] == [
        (Stage.OPEN, "done"),
        (Stage.ELIGIBILITY, "done"),
        (Stage.REVIEW, "current"),
        (Stage.COMMITTEE, "next"),
        (Stage.NOTICE, "next"),
        (Stage.PUBLISHED, "next"),
    ]
    assert [step.stage for step in timeline.steps(campaign, staff=True)][:2] == [Stage.DRAFT, Stage.OPEN]


def test_a_campaign_with_two_rounds_and_a_vote_shows_every_stage():
    campaign = CampaignFactory(stage=Stage.OPEN, review_rounds=2, public_vote=True, public_vote_weight=30)
    assert [step.stage for step in timeline.steps(campaign, staff=False)] == [
        Stage.OPEN, Stage.ELIGIBILITY, Stage.REVIEW, Stage.SECOND_REVIEW, Stage.PUBLIC_VOTE, Stage.COMMITTEE,
        Stage.NOTICE, Stage.PUBLISHED,
    ]  # fmt: skip


def test_the_stepper_on_the_public_vote_page_gives_each_stages_dates_in_the_associations_days(client):
    day = datetime.date(2026, 4, 1)
    campaign = CampaignFactory(
        stage=Stage.PUBLIC_VOTE, public_vote=True, public_vote_weight=30,
        nomination_opens_at=_aware(day), nomination_deadline=_aware(day + datetime.timedelta(days=14)),
        review_deadline=_aware(day + datetime.timedelta(days=28)),
        # 23:30 UTC on 4 May is 5 May in Shanghai: the stepper shows the association's day.
        vote_opens_at=timezone.make_aware(datetime.datetime(2026, 5, 4, 23, 30), datetime.UTC),
        vote_closes_at=_aware(datetime.date(2026, 5, 11)),
    )  # fmt: skip
    html = client.get(f"/campaigns/{campaign.code}/vote/", headers={"accept-language": "en"}).content.decode()
    assert _stepper(html) == [
        ("open", "done", "2026-04-01 – 2026-04-15"),
        ("eligibility", "done", "from 2026-04-15"),
        ("review", "done", "until 2026-04-29"),
        ("public_vote", "current", "2026-05-05 – 2026-05-11"),
        ("committee", "next", ""),
        ("notice", "next", ""),
        ("published", "next", ""),
    ]
    assert re.search(r'<li class="step step-current" aria-current="step" data-stage="public_vote">', html)
    assert "draft" not in [stage for stage, _state, _dates in _stepper(html)]


def test_staff_pages_show_the_draft_stage_and_the_public_results_the_publication_day(staff_client, client):
    campaign = CampaignFactory(
        stage=Stage.PUBLISHED, published_at=_aware(datetime.date(2026, 5, 29), hour=10),
        notice_starts_on=datetime.date(2026, 5, 18), notice_ends_on=datetime.date(2026, 5, 22),
    )  # fmt: skip
    staff_html = staff_client.get(f"/campaigns/{campaign.code}/objections/").content.decode()
    assert _stepper(staff_html)[0] == ("draft", "done", "")
    public = _stepper(client.get(f"/campaigns/{campaign.code}/results/").content.decode())
    assert public[-2:] == [("notice", "done", "2026-05-18 – 2026-05-22"), ("published", "current", "2026-05-29")]
    assert all(state == "done" for _stage, state, _dates in public[:-1])


def test_the_stepper_reads_in_chinese_on_chinese_pages(client):
    campaign = CampaignFactory(stage=Stage.PUBLISHED, published_at=timezone.now())
    html = client.get(f"/campaigns/{campaign.code}/results/", headers={"accept-language": "zh-hans"}).content.decode()
    assert 'aria-label="评选阶段"' in html
    assert "（当前阶段）" in html or "(当前阶段)" in html
