import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laurel.core.models import AuditEntry
from laurel.honors import texts
from laurel.honors.models import Campaign, Nomination, Stage
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db
Status = Nomination.Status


@pytest.fixture
def committee(unit, nominator):
    """A campaign at the committee decision with two selected honorees (one from the nominator's unit)
    and one eligible nomination that was not selected."""
    campaign = CampaignFactory(stage=Stage.COMMITTEE, name="2024年最美科技工作者", name_en="", edition=2024)
    other_unit = OrganizationFactory(name="乙研究所")
    honorees = [
        NominationFactory(
            campaign=campaign, unit=unit, nominated_by=nominator, person=PersonFactory(name="李青", organization=unit),
            status=Status.SELECTED, citation="扎根田野", photos=0,
        ),
        NominationFactory(
            campaign=campaign, unit=other_unit, person=PersonFactory(name="王䶮", organization=other_unit),
            status=Status.SELECTED, citation="材料先锋", citation_en="A pioneer of materials", photos=0,
        ),
    ]  # fmt: skip
    left_out = NominationFactory(campaign=campaign, status=Status.ELIGIBLE, citation="未入选", photos=0)
    return campaign, honorees, left_out


def texts_of(honorees):
    """The citations as they stand."""
    return [
        texts.CitationText(nomination=nomination, citation=nomination.citation, citation_en=nomination.citation_en)
        for nomination in honorees
    ]


def test_staff_edit_citations_and_the_english_name_with_before_and_after_in_the_audit_log(committee, staff):
    campaign, honorees, _left_out = committee
    first, second = honorees
    changed = texts.edit_texts(
        campaign,
        name_en="Most Beautiful Sci-tech Workers 2024",
        citations=texts_of(honorees),
        actor=staff,
    )
    assert changed == 1  # only the English name
    changed = texts.edit_texts(
        campaign,
        name_en="Most Beautiful Sci-tech Workers 2024",
        citations=[
            texts.CitationText(nomination=first, citation=" 扎根田野二十年 ", citation_en="Twenty years in the fields"),
            texts.CitationText(nomination=second, citation="材料先锋", citation_en="A pioneer of materials"),
        ],
        actor=staff,
    )
    assert changed == 1  # the first honoree; the second is unchanged
    assert Campaign.objects.get(pk=campaign.pk).name_en == "Most Beautiful Sci-tech Workers 2024"
    stored = Nomination.objects.get(pk=first.pk)
    assert (stored.citation, stored.citation_en) == ("扎根田野二十年", "Twenty years in the fields")
    name_entry = AuditEntry.objects.get(action="honors.campaign.texts_edited")
    assert (name_entry.actor, name_entry.data) == (staff, {"name_en": ["", "Most Beautiful Sci-tech Workers 2024"]})
    citation_entry = AuditEntry.objects.get(action="honors.nomination.texts_edited")
    assert (citation_entry.object_id, citation_entry.data) == (
        str(first.pk),
        {"citation": ["扎根田野", "扎根田野二十年"], "citation_en": ["", "Twenty years in the fields"]},
    )


def test_a_citation_over_its_limit_saves_nothing(committee, staff):
    campaign, honorees, _left_out = committee
    first, second = honorees
    with pytest.raises(ValidationError) as error:
        texts.edit_texts(
            campaign,
            name_en="Most Beautiful Sci-tech Workers 2024",
            citations=[
                texts.CitationText(nomination=first, citation="新的推荐语", citation_en="x" * 601),
                texts.CitationText(nomination=second, citation="材" * 301, citation_en=""),
            ],
            actor=staff,
        )
    assert error.value.message_dict == {
        f"{first.code}-citation_en": ["The English citation of 李青 has 601 characters; the limit is 600."],
        f"{second.code}-citation": ["The citation of 王䶮 has 301 characters; the limit is 300."],
    }
    assert Campaign.objects.get(pk=campaign.pk).name_en == ""
    assert Nomination.objects.get(pk=first.pk).citation == "扎根田野"
    assert not AuditEntry.objects.filter(action__endswith="texts_edited").exists()


def test_texts_are_refused_before_the_committee_and_for_nominations_not_selected(committee, staff):
    campaign, honorees, left_out = committee
    with pytest.raises(ValidationError, match="Only the citations of this campaign's selected honorees"):
        texts.edit_texts(campaign, name_en="", citations=texts_of([*honorees, left_out]), actor=staff)
    assert Nomination.objects.get(pk=left_out.pk).citation == "未入选"
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.REVIEW)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="from the committee decision on"):
        texts.edit_texts(campaign, name_en="English", citations=[], actor=staff)


def test_only_staff_may_edit_texts(committee, nominator):
    campaign, honorees, _left_out = committee
    with pytest.raises(PermissionDenied):
        texts.edit_texts(campaign, name_en="English", citations=texts_of(honorees), actor=nominator)
    assert Campaign.objects.get(pk=campaign.pk).name_en == ""


def test_texts_page_is_for_staff_only(client, committee, nominator, stranger):
    campaign, _honorees, _left_out = committee
    url = reverse("honors:texts", kwargs={"code": campaign.code})
    assert client.get(url).status_code == 302  # anonymous: to login
    for user in (nominator, stranger):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"name_en": "Hijacked"}).status_code == 403
    assert Campaign.objects.get(pk=campaign.pk).name_en == ""


def form_data(honorees, **overrides):
    data = {"name_en": ""}
    for nomination in honorees:
        data[f"{nomination.code}-citation"] = nomination.citation
        data[f"{nomination.code}-citation_en"] = nomination.citation_en
    return {**data, **overrides}


def test_texts_page_saves_and_shows_errors_in_the_users_language(staff_client, committee):
    campaign, honorees, left_out = committee
    first, _second = honorees
    url = reverse("honors:texts", kwargs={"code": campaign.code})
    page = staff_client.get(url).content.decode()
    assert "李青" in page and "王䶮" in page and "未入选" not in page
    too_long = form_data(honorees, name_en="Most Beautiful 2024", **{f"{first.code}-citation_en": "x" * 601})
    english = staff_client.post(url, too_long, headers={"accept-language": "en"})
    assert english.status_code == 200
    assert "The English citation of 李青 has 601 characters; the limit is 600." in english.content.decode()
    chinese = staff_client.post(url, too_long, headers={"accept-language": "zh-hans"})
    assert "李青 的英文推荐语有 601 个字符，上限为 600 个。" in chinese.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).name_en == ""
    saved = staff_client.post(
        url, form_data(honorees, name_en="Most Beautiful 2024", **{f"{first.code}-citation_en": "A rice breeder"})
    )
    assert saved.status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).name_en == "Most Beautiful 2024"
    assert Nomination.objects.get(pk=first.pk).citation_en == "A rice breeder"


def test_texts_page_before_the_committee_sends_staff_back_to_the_campaign(staff_client, committee):
    campaign, _honorees, _left_out = committee
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.ELIGIBILITY)
    response = staff_client.get(reverse("honors:texts", kwargs={"code": campaign.code}))
    assert response.status_code == 302
    assert response.url == campaign.get_absolute_url()


def test_texts_page_without_issued_certificates_says_nothing_about_them(staff_client, committee):
    campaign, _honorees, _left_out = committee
    page = staff_client.get(reverse("honors:texts", kwargs={"code": campaign.code})).content.decode()
    assert 'data-testid="issued-certificates"' not in page


def test_campaign_page_links_the_texts_from_the_committee_on(staff_client, committee):
    campaign, _honorees, _left_out = committee
    link = reverse("honors:texts", kwargs={"code": campaign.code})
    assert link in staff_client.get(campaign.get_absolute_url()).content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.REVIEW)
    assert link not in staff_client.get(campaign.get_absolute_url()).content.decode()


def test_texts_page_queries_do_not_grow_with_the_honorees(staff_client, committee):
    campaign, _honorees, _left_out = committee
    url = reverse("honors:texts", kwargs={"code": campaign.code})
    with CaptureQueriesContext(connection) as two:
        staff_client.get(url)
    for _index in range(3):
        NominationFactory(campaign=campaign, status=Status.SELECTED, photos=0)
    with CaptureQueriesContext(connection) as five:
        assert staff_client.get(url).content.decode().count('data-testid="honoree-texts"') == 5
    assert len(five) == len(two)


def test_an_honoree_selected_after_the_page_was_opened_keeps_their_citation(staff_client, committee):
    campaign, honorees, left_out = committee
    opened = form_data(honorees, name_en="Most Beautiful 2024")  # the page as the staff member saw it
    Nomination.objects.filter(pk=left_out.pk).update(status=Status.SELECTED)  # selected meanwhile
    response = staff_client.post(reverse("honors:texts", kwargs={"code": campaign.code}), opened)
    assert response.status_code == 302
    assert Nomination.objects.get(pk=left_out.pk).citation == "未入选"
    assert Campaign.objects.get(pk=campaign.pk).name_en == "Most Beautiful 2024"


def test_leaving_the_english_name_out_keeps_it(committee, staff):
    campaign, honorees, _left_out = committee
    Campaign.objects.filter(pk=campaign.pk).update(name_en="Kept")
    campaign.refresh_from_db()
    texts.edit_texts(campaign, name_en=None, citations=texts_of(honorees), actor=staff)
    assert Campaign.objects.get(pk=campaign.pk).name_en == "Kept"
