import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from laurel.honors import committee, stages
from laurel.honors.models import Campaign, Nomination, Stage
from laurel.people.models import Person
from tests.factories.honors import CampaignFactory, NominationFactory, jpeg, pdf, scored_campaign
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "honors:campaign_update",
    "honors:staff_nominations",
    "honors:ranking",
    "honors:objections",
    "honors:export_xlsx",
    "honors:export_audit",
]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_refuse_a_nominator_and_open_for_staff(client, nominator, staff, campaign, name):
    url = reverse(name, kwargs={"code": campaign.code})
    client.force_login(nominator)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_campaign_list_and_detail_are_public_but_drafts_are_not(client):
    public = CampaignFactory(stage=Stage.OPEN)
    draft = CampaignFactory(stage=Stage.DRAFT)
    listing = client.get(reverse("honors:campaign_list")).content.decode()
    assert public.name in listing and draft.name not in listing
    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_stranger_cannot_open_a_nomination_or_nominate(stranger_client, draft):
    assert stranger_client.get(draft.get_absolute_url()).status_code == 403
    assert (
        stranger_client.get(reverse("honors:nomination_create", kwargs={"code": draft.campaign.code})).status_code
        == 403
    )
    assert stranger_client.post(reverse("honors:nomination_submit", kwargs={"code": draft.code})).status_code == 403


def test_nominator_creates_a_draft_with_files_then_submits(client, nominator, unit, campaign):
    person = PersonFactory(organization=unit)
    client.force_login(nominator)
    response = client.post(
        reverse("honors:nomination_create", kwargs={"code": campaign.code}),
        {
            "person": person.pk, "category": "front_line", "story": "扎根一线二十年。", "years_in_city": 12,
            "in_post": "on", "consent": "on", "id_photo": jpeg(), "evidence": pdf(), "unit_opinion": pdf(),
            "integrity_certificate": pdf(),
        },
    )  # fmt: skip
    nomination = Nomination.objects.get()
    assert response.url == nomination.get_absolute_url()
    for index in range(3):
        client.post(reverse("honors:photo_add", kwargs={"code": nomination.code}), {"image": jpeg(f"p{index}.jpg")})
    client.post(reverse("honors:nomination_submit", kwargs={"code": nomination.code}))
    assert Nomination.objects.get().status == Nomination.Status.SUBMITTED


def test_wrong_file_type_shows_a_message_in_the_users_language(client, nominator, unit, campaign):
    client.force_login(nominator)
    response = client.post(
        reverse("honors:nomination_create", kwargs={"code": campaign.code}),
        {"person": PersonFactory(organization=unit).pk, "category": "young", "evidence": jpeg("evidence.pdf")},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == ["The file is not a PDF document."]
    assert Nomination.objects.count() == 0


def test_staff_nomination_list_uses_a_constant_number_of_queries(staff_client, staff, campaign):
    NominationFactory.create_batch(3, campaign=campaign, photos=0)
    url = reverse("honors:staff_nominations", kwargs={"code": campaign.code})
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    unit = OrganizationFactory()
    persons = Person.objects.bulk_create(Person(name=f"人{i}", gender="male", organization=unit) for i in range(997))
    Nomination.objects.bulk_create(
        Nomination(campaign=campaign, unit=unit, person=person, nominated_by=staff, category="young")
        for person in persons
    )
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)
    assert len(response.context["object_list"]) == 50  # one page of 1,000 (issue 16: paginated server-side)
    assert len(many) == len(few)


def test_export_workbook_has_nominations_scores_and_results(staff_client, expert):
    campaign, made = scored_campaign(totals=[[90], [80]], experts=[expert])
    response = staff_client.get(reverse("honors:export_xlsx", kwargs={"code": campaign.code}))
    workbook = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert len(workbook.sheetnames) == 3
    results = list(workbook.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[5]) for row in results] == [(1, made[0].code, 90.0), (2, made[1].code, 80.0)]


def test_audit_export_holds_the_campaigns_decisions(staff_client, staff, expert):
    campaign, _made = scored_campaign(totals=[[90], [80], [70]], experts=[expert])
    committee.accept_proposal(campaign, actor=staff)
    stages.move_campaign(campaign, to=Stage.NOTICE, actor=staff)
    response = staff_client.get(reverse("honors:export_audit", kwargs={"code": campaign.code}))
    body = b"".join(response.streaming_content).decode()
    for action in (
        "honors.campaign.ranked",
        "honors.nomination.selected",
        "honors.selection.accepted",
        "honors.campaign.stage_changed",
    ):
        assert action in body


def test_results_page_is_public_once_published(client, expert, staff):
    campaign, made = scored_campaign(totals=[[90], [80], [70]], experts=[expert], stage=Stage.PUBLISHED)
    Nomination.objects.filter(pk=made[0].pk).update(status=Nomination.Status.SELECTED, citation="扎根田野的育种人")
    page = client.get(reverse("honors:results", kwargs={"code": campaign.code})).content.decode()
    assert made[0].person.name in page and "扎根田野的育种人" in page
    assert made[1].person.name not in page
    home = client.get(reverse("core:home")).content.decode()
    assert made[0].person.name in home


def test_results_and_front_page_show_english_texts_on_english_pages(client, expert):
    campaign, made = scored_campaign(totals=[[90], [80]], experts=[expert], stage=Stage.PUBLISHED)
    Campaign.objects.filter(pk=campaign.pk).update(
        name="2023年最美科技工作者", name_en="Most Beautiful Sci-tech Workers 2023"
    )
    Nomination.objects.filter(pk=made[0].pk).update(
        status=Nomination.Status.SELECTED, citation="扎根田野的育种人", citation_en="A breeder rooted in the fields"
    )
    Nomination.objects.filter(pk=made[1].pk).update(status=Nomination.Status.SELECTED, citation="守护健康的医者")
    url = reverse("honors:results", kwargs={"code": campaign.code})
    english = client.get(url, headers={"accept-language": "en"})
    assert "<h1>Most Beautiful Sci-tech Workers 2023</h1>" in english.content.decode()
    citations = [nomination.display_citation() for nomination in english.context["object_list"]]
    assert sorted(citations) == ["A breeder rooted in the fields", "守护健康的医者"]  # no English: the Chinese one
    assert "扎根田野的育种人" not in english.content.decode()
    chinese = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert "<h1>2023年最美科技工作者</h1>" in chinese and "扎根田野的育种人" in chinese
    assert "A breeder rooted in the fields" not in chinese
    home = client.get(reverse("core:home"), headers={"accept-language": "en"}).content.decode()
    assert "Most Beautiful Sci-tech Workers 2023</a>" in home
    listing = client.get(reverse("honors:campaign_list"), headers={"accept-language": "en"}).content.decode()
    assert "Most Beautiful Sci-tech Workers 2023</a>" in listing


def test_too_long_english_citation_gets_a_message_and_nothing_is_saved(client, nominator, unit, campaign):
    client.force_login(nominator)
    response = client.post(
        reverse("honors:nomination_create", kwargs={"code": campaign.code}),
        {"person": PersonFactory(organization=unit).pk, "category": "young", "citation_en": "a" * 601},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["citation_en"] == ["确保该变量包含不超过 600 字符 (目前字符数 601)。"]
    assert Nomination.objects.count() == 0


def test_nominator_saves_the_english_citation_and_reads_it_back(client, nominator, draft):
    client.force_login(nominator)
    url = reverse("honors:nomination_update", kwargs={"nomination": draft.code})
    data = {"category": "young", "story": draft.story, "citation": "扎根田野的育种人", "in_post": "on", "consent": "on"}
    response = client.post(url, {**data, "citation_en": "A breeder rooted in the fields"})
    assert response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.citation_en == "A breeder rooted in the fields"
    page = client.get(draft.get_absolute_url()).content.decode()
    assert '<dd lang="en" data-testid="citation-en">A breeder rooted in the fields</dd>' in page


def test_staff_moves_a_stage_out_of_order_and_reads_why(staff_client, campaign):
    response = staff_client.post(
        reverse("honors:campaign_move", kwargs={"code": campaign.code}), {"to": "published"}, follow=True,
        headers={"accept-language": "en"},
    )  # fmt: skip
    assert "A campaign cannot move from" in response.content.decode()
    assert Campaign.objects.get().stage == Stage.OPEN


def test_desk_shows_each_personas_section(client, nominator, expert, staff, draft):
    client.force_login(nominator)
    assert draft.person.name in client.get(reverse("core:dashboard")).content.decode()
    client.force_login(expert)
    assert reverse("honors:my_assignments") in client.get(reverse("core:dashboard")).content.decode()


def test_staff_sets_up_criteria_rules_quotas_and_eligibility_through_the_page(staff_client, unit):
    campaign = CampaignFactory(stage=Stage.DRAFT)
    kwargs = {"code": campaign.code}
    assert staff_client.get(campaign.get_absolute_url()).status_code == 200
    staff_client.post(reverse("honors:criterion_add", kwargs=kwargs), {"name": "社会影响", "weight": 20})
    staff_client.post(
        reverse("honors:rule_add", kwargs=kwargs),
        {"trait": "front_line", "scope": "honorees", "bound": "min", "measure": "share", "value": 50, "hard": "on"},
    )
    staff_client.post(reverse("honors:quota_set", kwargs=kwargs), {"unit": unit.pk, "quota": 5})
    staff_client.post(
        reverse("honors:eligibility_set", kwargs=kwargs),
        {"born_on_or_after": "1979-01-01", "min_years_in_city": 3, "require_in_post": "on", "excluded_titles": "院士"},
    )
    assert campaign.criteria.filter(name="社会影响", weight=20).exists()
    assert campaign.representation_rules.get().value == 50
    assert campaign.quotas.get(unit=unit).quota == 5
    campaign.eligibility.refresh_from_db()
    assert (campaign.eligibility.min_years_in_city, campaign.eligibility.excluded_titles) == (3, "院士")


def test_a_nominator_cannot_change_the_setup(client, nominator, unit):
    campaign = CampaignFactory(stage=Stage.DRAFT)
    client.force_login(nominator)
    response = client.post(reverse("honors:quota_set", kwargs={"code": campaign.code}), {"unit": unit.pk, "quota": 50})
    assert response.status_code == 403
    assert not campaign.quotas.exists()


def test_staff_creates_a_campaign_through_the_form(staff_client):
    response = staff_client.post(
        reverse("honors:campaign_create"),
        {
            "series": "most-beautiful", "name": "2025年最美科技工作者",
            "name_en": "Most Beautiful Sci-tech Workers 2025", "edition": 2025, "level": "city",
            "honorees_count": 20, "honorable_mentions_count": 0, "channel": "units", "default_quota": 2,
            "story_limit": 2000, "review_rounds": 1, "experts_per_nomination": 5, "expert_load_cap": 40,
            "ranking_method": "zscore", "public_vote_weight": 0, "votes_per_candidate_per_day": 1,
            "candidates_per_day": 10, "nomination_deadline": "2025-04-30T18:00",
            "notice_working_days": 5, "holidays_text": "2025-05-01 2025-05-02",
        },
    )  # fmt: skip
    campaign = Campaign.objects.get()
    assert response.url == campaign.get_absolute_url()
    assert (campaign.stage, campaign.holidays) == (Stage.DRAFT, ["2025-05-01", "2025-05-02"])
    assert campaign.name_en == "Most Beautiful Sci-tech Workers 2025"
    assert staff_client.get(reverse("honors:campaign_update", kwargs={"code": campaign.code})).status_code == 200


def test_self_nomination_only_where_the_campaign_allows_it(client, stranger):
    person = PersonFactory(user=stranger, name="赵自荐")
    units_only = CampaignFactory(stage=Stage.OPEN)
    also_self = CampaignFactory(stage=Stage.OPEN, channel=Campaign.Channel.ALSO_SELF)
    client.force_login(stranger)
    assert client.get(reverse("honors:nomination_create", kwargs={"code": units_only.code})).status_code == 403
    response = client.post(
        reverse("honors:nomination_create", kwargs={"code": also_self.code}),
        {"person": person.pk, "category": "young", "story": "自荐事迹。"},
    )
    nomination = Nomination.objects.get()
    assert response.url == nomination.get_absolute_url()
    assert (nomination.channel, nomination.person) == (Nomination.Channel.SELF, person)
