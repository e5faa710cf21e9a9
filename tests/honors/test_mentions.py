"""Honorable mentions (提名奖): chosen by staff after the honorees, capped, published apart, never shown early."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from laurel.core.models import AuditEntry
from laurel.honors import mentions
from laurel.honors.models import HonorableMention, Nomination, Stage
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(db):
    """A campaign at the committee: two honorees selected, three other eligible candidates, one mention."""
    campaign = CampaignFactory(stage=Stage.COMMITTEE, honorees_count=2, honorable_mentions_count=1)
    made = {}
    for name, status in [
        ("获评甲", Nomination.Status.SELECTED),
        ("获评乙", Nomination.Status.SELECTED),
        ("候选丙", Nomination.Status.ELIGIBLE),
        ("候选丁", Nomination.Status.ELIGIBLE),
        ("落选戊", Nomination.Status.REMOVED),
    ]:
        nomination = NominationFactory(campaign=campaign, status=status, photos=0)
        nomination.person.name = name
        nomination.person.name_en = f"EN {name}"
        nomination.person.save()
        made[name] = nomination
    return campaign, made


def test_staff_choose_a_mention_after_the_honorees(staff, decided):
    campaign, made = decided
    mentions.choose_mention(made["候选丙"], actor=staff)
    assert HonorableMention.objects.get().nomination == made["候选丙"]
    assert AuditEntry.objects.get(action="honors.mention.chosen").actor == staff


def test_the_cap_holds_and_a_mention_can_be_taken_back(staff, decided):
    campaign, made = decided
    mentions.choose_mention(made["候选丙"], actor=staff)
    with pytest.raises(ValidationError, match="All 1 honorable mentions are chosen"):
        mentions.choose_mention(made["候选丁"], actor=staff)
    with pytest.raises(ValidationError, match="already has an honorable mention"):
        campaign.honorable_mentions_count = 2
        campaign.save()
        mentions.choose_mention(made["候选丙"], actor=staff)
    mentions.drop_mention(made["候选丙"], actor=staff)
    assert not HonorableMention.objects.exists()
    assert AuditEntry.objects.filter(action="honors.mention.dropped").exists()
    with pytest.raises(ValidationError, match="has no honorable mention"):
        mentions.drop_mention(made["候选丙"], actor=staff)


def test_honorees_and_removed_candidates_get_no_mention(staff, decided):
    _campaign, made = decided
    for name in ("获评甲", "落选戊"):
        with pytest.raises(ValidationError, match="Only an eligible candidate"):
            mentions.choose_mention(made[name], actor=staff)
    assert not HonorableMention.objects.exists()


def test_no_mention_before_the_honorees_are_decided(staff, decided):
    campaign, made = decided
    Nomination.objects.filter(pk=made["获评乙"].pk).update(status=Nomination.Status.ELIGIBLE)
    with pytest.raises(ValidationError, match="Choose the 2 honorees first; 1 are selected"):
        mentions.choose_mention(made["候选丙"], actor=staff)
    review = CampaignFactory(stage=Stage.REVIEW, honorable_mentions_count=1)
    nomination = NominationFactory(campaign=review, status=Nomination.Status.ELIGIBLE, photos=0)
    with pytest.raises(ValidationError, match="chosen at the committee decision"):
        mentions.choose_mention(nomination, actor=staff)
    none = CampaignFactory(stage=Stage.COMMITTEE, honorable_mentions_count=0)
    nomination = NominationFactory(campaign=none, status=Nomination.Status.ELIGIBLE, photos=0)
    with pytest.raises(ValidationError, match="no honorable mentions"):
        mentions.choose_mention(nomination, actor=staff)


@pytest.mark.parametrize("persona", ["nominator", "expert", "stranger"])
def test_only_staff_choose(persona, request, decided, client):
    _campaign, made = decided
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        mentions.choose_mention(made["候选丙"], actor=actor)
    client.force_login(actor)
    url = reverse("honors:mention_choose", args=[_campaign.code])
    assert client.post(url, {"nomination": made["候选丙"].code}).status_code == 403
    assert client.get(reverse("honors:mentions", args=[_campaign.code])).status_code == 403
    assert not HonorableMention.objects.exists()


def test_the_mentions_page_chooses_and_reports(staff_client, decided):
    campaign, made = decided
    page = staff_client.get(reverse("honors:mentions", args=[campaign.code])).content.decode()
    assert "候选丙" in page and "获评甲" not in page
    url = reverse("honors:mention_choose", args=[campaign.code])
    staff_client.post(url, {"nomination": made["候选丙"].code})
    staff_client.post(url, {"nomination": made["候选丙"].code})  # a double click
    assert HonorableMention.objects.count() == 1
    page = staff_client.post(url, {"nomination": made["候选丁"].code}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "名额已满，请先撤销一个" in page.content.decode()
    assert staff_client.post(url, {"nomination": "NOPE"}).status_code == 404
    other = CampaignFactory(stage=Stage.COMMITTEE)
    assert (
        staff_client.post(
            reverse("honors:mention_choose", args=[other.code]), {"nomination": made["候选丁"].code}
        ).status_code
        == 404
    )
    staff_client.post(url, {"nomination": made["候选丙"].code, "action": "drop"})
    assert not HonorableMention.objects.exists()


def test_mentions_are_published_apart_and_only_once_published(staff, decided, client):
    campaign, made = decided
    mentions.choose_mention(made["候选丙"], actor=staff)
    assert list(mentions.published_mentions(campaign)) == []
    campaign.stage = Stage.PUBLISHED
    campaign.save()
    url = reverse("honors:results", args=[campaign.code])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    honorees, _sep, rest = page.partition('data-testid="mentions-heading"')
    assert "提名奖" in rest and "候选丙" in rest and "获评甲" in honorees and "获评甲" not in rest
    assert "候选丁" not in page
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Honorable mentions" in english and "EN 候选丙" in english


def test_a_mention_who_became_an_honoree_is_listed_once(staff, decided):
    campaign, made = decided
    mentions.choose_mention(made["候选丙"], actor=staff)
    Nomination.objects.filter(pk=made["候选丙"].pk).update(status=Nomination.Status.SELECTED)
    campaign.stage = Stage.PUBLISHED
    campaign.save()
    assert list(mentions.published_mentions(campaign)) == []


def test_nominators_never_see_mentions_before_publication(staff, decided, client, nominator):
    campaign, made = decided
    mentions.choose_mention(made["候选丙"], actor=staff)
    client.force_login(nominator)
    page = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "提名奖" not in page
    assert client.get(reverse("honors:results", args=[campaign.code])).status_code == 404
