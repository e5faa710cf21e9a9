"""Nominators told early: the rules a draft breaks are shown before submission and need an explanation; after the
deadline the pages say 推荐已截止 with the date; drafts cannot be submitted late; a returned nomination says how to
resubmit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laurel.honors import nominations
from laurel.honors.models import Campaign, EligibilityRule, Nomination
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db
Status = Nomination.Status


@pytest.fixture
def too_old(draft):
    EligibilityRule.objects.filter(campaign=draft.campaign).update(born_on_or_after=datetime.date(1990, 1, 1))
    return draft


def test_the_draft_page_lists_the_broken_rules_and_asks_for_an_explanation(client, nominator, too_old):
    client.force_login(nominator)
    page = client.get(too_old.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    problems = page.split('data-testid="rule-problems"')[1].split("</div>")[0]
    assert "Born on 1985-05-30, before 1990-01-01." in problems
    assert 'name="explanation"' in page


def test_a_draft_breaking_no_rule_asks_for_no_explanation(client, nominator, draft):
    client.force_login(nominator)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="rule-problems"' not in page and 'name="explanation"' not in page
    assert nominations.submit_nomination(draft, actor=nominator).eligibility_explanation == ""


def test_submitting_through_the_page_without_then_with_an_explanation(client, nominator, too_old):
    client.force_login(nominator)
    url = reverse("honors:nomination_submit", kwargs={"code": too_old.code})
    response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Explain why it should be considered" in response.content.decode()
    assert Nomination.objects.get(pk=too_old.pk).status == Status.DRAFT
    client.post(url, {"explanation": "出生日期登记有误，已附证明。"})
    stored = Nomination.objects.get(pk=too_old.pk)
    assert (stored.status, stored.eligibility_explanation) == (Status.SUBMITTED, "出生日期登记有误，已附证明。")


def test_an_explanation_over_the_limit_is_refused(nominator, too_old):
    with pytest.raises(ValidationError) as error:
        nominations.submit_nomination(too_old, actor=nominator, explanation="理" * 1001)
    assert "the limit is 1000" in error.value.message_dict["explanation"][0]
    assert Nomination.objects.get(pk=too_old.pk).status == Status.DRAFT


def test_staff_read_the_explanation_at_the_check(staff_client, nominator, too_old):
    nominations.submit_nomination(too_old, actor=nominator, explanation="出生日期登记有误。")
    page = staff_client.get(too_old.get_absolute_url()).content.decode()
    assert "出生日期登记有误。" in page.split('data-testid="explanation"')[1]


def test_after_the_deadline_the_new_nomination_page_says_closed_with_the_date(client, nominator):
    deadline = timezone.now() - datetime.timedelta(hours=1)
    campaign = CampaignFactory(nomination_deadline=deadline)
    client.force_login(nominator)
    response = client.get(reverse("honors:nomination_create", kwargs={"code": campaign.code}))
    assert response.status_code == 410
    text = response.content.decode()
    assert "推荐已截止" in text and timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") in text
    assert client.post(reverse("honors:nomination_create", kwargs={"code": campaign.code})).status_code == 410


def test_a_late_draft_says_closed_and_cannot_be_submitted(client, nominator, draft):
    Campaign.objects.filter(pk=draft.campaign_id).update(nomination_deadline=timezone.now() - datetime.timedelta(1))
    client.force_login(nominator)
    page = client.get(draft.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="closed"' in page and "can no longer be submitted" in page
    assert reverse("honors:nomination_submit", kwargs={"code": draft.code}) not in page
    client.post(reverse("honors:nomination_submit", kwargs={"code": draft.code}))
    assert Nomination.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_returned_nomination_says_how_to_resubmit(client, nominator, staff, campaign, unit):
    nomination = NominationFactory(campaign=campaign, unit=unit, nominated_by=nominator)
    nominations.submit_nomination(nomination, actor=nominator)
    nominations.check_eligibility(nomination, outcome="return", reason="缺少单位意见盖章。", actor=staff)
    client.force_login(nominator)
    page = client.get(nomination.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "缺少单位意见盖章。" in page
    assert "then submit it again while the eligibility check lasts" in page
