import io

import pytest
from django.urls import reverse
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.events import demo as events_demo
from laurel.events.models import AgendaItem, AgendaPerson, Event
from laurel.honors import demo as honors_demo
from laurel.honors.models import Campaign, Nomination, Stage
from laurel.honors.publication import published_honorees
from laurel.people import demo as people_demo
from tests.factories.events import EventFactory
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db


def published_campaign(count=3):
    campaign = CampaignFactory(stage=Stage.PUBLISHED, published_at=timezone.now(), honorees_count=count)
    for index in range(count):
        NominationFactory(
            campaign=campaign, status=Nomination.Status.SELECTED, photos=0, unit__name=f"Unit {index}",
        )  # fmt: skip
    NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0, unit__name="Unit 9")
    return campaign


def ceremony():
    return EventFactory(kind=Event.Kind.AWARD_CEREMONY)


def test_staff_build_rounds_from_a_published_campaign_in_its_published_order(staff_client, staff):
    campaign, event = published_campaign(), ceremony()
    response = staff_client.post(
        reverse("events:award_rounds_build", kwargs={"code": event.code}),
        {"campaign": campaign.pk, "per_round": "2", "presenters": "赵明远、孙海燕\n陈立群"},
    )
    assert response.status_code == 302
    rounds = list(event.agenda_items.filter(role=AgendaItem.Role.AWARD_ROUND).order_by("order"))
    assert len(rounds) == 2
    recipients = [
        entry.person
        for item in rounds
        for entry in item.people.filter(part=AgendaPerson.Part.RECIPIENT).order_by("order")
    ]
    assert recipients == [nomination.person for nomination in published_honorees(campaign)]
    assert [entry.name for entry in rounds[0].people.filter(part=AgendaPerson.Part.PRESENTER)] == ["赵明远", "孙海燕"]
    assert Event.objects.get(pk=event.pk).campaign == campaign
    assert AuditEntry.objects.filter(action="events.award_rounds.built").count() == 1


def test_rounds_are_not_built_twice_and_an_unpublished_campaign_is_not_offered(staff_client):
    campaign, event = published_campaign(), ceremony()
    url = reverse("events:award_rounds_build", kwargs={"code": event.code})
    staff_client.post(url, {"campaign": campaign.pk, "per_round": "5"})
    response = staff_client.post(url, {"campaign": campaign.pk, "per_round": "5"}, follow=True)
    assert "本活动已有颁奖环节" in response.content.decode()
    assert event.agenda_items.filter(role=AgendaItem.Role.AWARD_ROUND).count() == 1
    unpublished = CampaignFactory(stage=Stage.NOTICE)
    staff_client.post(url, {"campaign": unpublished.pk, "per_round": "5"})
    assert event.agenda_items.filter(role=AgendaItem.Role.AWARD_ROUND).count() == 1


@pytest.mark.parametrize(("persona", "status"), [("stranger_client", 403), ("client", 302)])
def test_only_staff_build_rounds(persona, status, request):
    campaign, event = published_campaign(), ceremony()
    response = request.getfixturevalue(persona).post(
        reverse("events:award_rounds_build", kwargs={"code": event.code}), {"campaign": campaign.pk, "per_round": "5"}
    )
    assert response.status_code == status
    assert not event.agenda_items.exists()


def test_public_event_page_links_to_the_published_campaign(client):
    campaign = published_campaign()
    event = EventFactory(kind=Event.Kind.AWARD_CEREMONY, campaign=campaign)
    html = client.get(event.get_public_url()).content.decode()
    assert 'data-testid="event-campaign"' in html
    assert reverse("honors:results", kwargs={"code": campaign.code}) in html
    unpublished_event = EventFactory(campaign=CampaignFactory(stage=Stage.NOTICE))
    assert 'data-testid="event-campaign"' not in client.get(unpublished_event.get_public_url()).content.decode()


def test_public_event_page_names_the_campaign_in_the_pages_language(client):
    campaign = published_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(name="2023年最美科技工作者", name_en="Most Beautiful 2023")
    event = EventFactory(kind=Event.Kind.AWARD_CEREMONY, campaign=campaign)
    english = client.get(event.get_public_url(), headers={"accept-language": "en"}).content.decode()
    assert "Honorees of Most Beautiful 2023</a>" in english
    chinese = client.get(event.get_public_url(), headers={"accept-language": "zh-hans"}).content.decode()
    assert "2023年最美科技工作者获评者</a>" in chinese and "Most Beautiful 2023" not in chinese


def test_demo_ceremony_awards_the_demo_campaign_honorees():
    people_demo.seed(stdout=io.StringIO())
    honors_demo.seed(stdout=io.StringIO())
    events_demo.seed(stdout=io.StringIO())
    campaign = Campaign.objects.get(edition=2023)
    event = Event.objects.get(code="EVCERE2023")
    assert event.campaign == campaign
    awarded = list(
        AgendaPerson.objects.filter(item__event=event, part=AgendaPerson.Part.RECIPIENT)
        .order_by("item__order", "order")
        .values_list("person_id", flat=True)
    )
    assert awarded == [nomination.person_id for nomination in published_honorees(campaign)]
    assert event.agenda_items.filter(role=AgendaItem.Role.AWARD_ROUND).count() == 4
