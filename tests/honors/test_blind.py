"""Blind means blind: in a blind campaign the expert never sees the nominee's name, unit or photo, in fields, in
the story (masked on the server) or in documents (only the anonymized evidence); the nominator is warned at
submission when the story names the person or the unit."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from laurel.honors import blind, nominations, reviews
from laurel.honors.forms import NominationForm
from laurel.honors.models import Nomination, Stage
from tests.factories.honors import CampaignFactory, NominationFactory, pdf
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db
Status = Nomination.Status
STORY = (
    "张明远同志1998年进入星河大学附属医院，后调入星河大学。Zhang Mingyuan leads the XINGHE UNIVERSITY "
    "team. 张明远带领团队攻克了关键技术难题。"
)


@pytest.fixture
def named(nominator):
    """A draft in a blind campaign by 星河大学附属医院 (whose parent unit is 星河大学), its story naming both."""
    parent = OrganizationFactory(name="星河大学", name_en="Xinghe University")
    unit = OrganizationFactory(name="星河大学附属医院", name_en="Xinghe University Affiliated Hospital", parent=parent)
    nominator.roles.create(kind="nominator", organization=unit)
    person = PersonFactory(organization=unit, name="张明远", name_en="Zhang Mingyuan")
    campaign = CampaignFactory(blind_review=True)
    return NominationFactory(
        campaign=campaign, unit=unit, person=person, nominated_by=nominator, story=STORY,
        anonymized_evidence=pdf("anonymized.pdf"),
    )  # fmt: skip


def test_the_story_is_masked_longest_name_first_and_latin_names_in_any_case(named):
    assert blind.mask(STORY, named) == (
        "[nominee]同志1998年进入[unit]，后调入[unit]。[nominee] leads the [unit] team. [nominee]带领团队攻克了关键技术难题。"
    )


def test_names_in_lists_the_names_the_story_contains(named):
    assert blind.names_in(STORY, named) == [
        "Zhang Mingyuan",
        "张明远",
        "Xinghe University",
        "星河大学附属医院",
        "星河大学",
    ]
    assert blind.names_in("带领团队攻克了关键技术难题。", named) == []


@pytest.fixture
def reviewing(named, staff, expert):
    Nomination.objects.filter(pk=named.pk).update(status=Status.ELIGIBLE)
    named.campaign.stage = Stage.REVIEW
    named.campaign.save()
    reviews.add_panel_member(named.campaign, expert=expert, actor=staff)
    reviews.assign_expert(Nomination.objects.get(pk=named.pk), expert=expert, actor=staff)
    return Nomination.objects.for_list().get(pk=named.pk)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_expert_page_names_neither_the_nominee_nor_the_unit(client, expert, reviewing, language):
    client.force_login(expert)
    pages = [
        client.get(reviewing.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode(),
        client.get(reverse("honors:review", kwargs={"code": reviewing.code}), HTTP_ACCEPT_LANGUAGE=language),
        client.get(reverse("honors:my_assignments"), HTTP_ACCEPT_LANGUAGE=language),
    ]
    pages = [page if isinstance(page, str) else page.content.decode() for page in pages]
    for page in pages:
        for name in ("张明远", "Zhang Mingyuan", "星河大学", "Xinghe University", "xinghe university"):
            assert name.casefold() not in page.casefold(), name
        assert "<img" not in page
    detail = pages[0]
    assert reverse("honors:nomination_file", kwargs={"code": reviewing.code, "kind": "anonymized_evidence"}) in detail
    for kind in ("evidence", "unit_opinion", "integrity_certificate", "id_photo"):
        assert f"/files/{kind}/" not in detail
    masked = "【被推荐人】" if language == "zh-hans" else "[nominee]"
    assert masked in detail


def test_staff_and_the_nominator_read_the_story_unmasked(client, staff, nominator, reviewing):
    for user in (staff, nominator):
        client.force_login(user)
        page = client.get(reviewing.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "张明远同志1998年进入星河大学附属医院" in page


def test_a_blind_campaign_asks_for_the_anonymized_evidence(nominator, named):
    Nomination.objects.filter(pk=named.pk).update(anonymized_evidence="", story="带领团队攻克了关键技术难题。")
    draft = Nomination.objects.for_list().get(pk=named.pk)
    with pytest.raises(ValidationError) as error:
        nominations.submit_nomination(draft, actor=nominator)
    assert list(error.value.message_dict) == ["anonymized_evidence"]
    draft.campaign.blind_review = False
    draft.campaign.save()
    assert nominations.submit_nomination(draft, actor=nominator).status == Status.SUBMITTED


def test_the_form_offers_the_anonymized_evidence_only_in_a_blind_campaign():
    assert "anonymized_evidence" in NominationForm(blind=True).fields
    assert "anonymized_evidence" not in NominationForm(blind=False).fields


def test_a_story_naming_the_nominee_is_submitted_only_after_the_warning(nominator, named):
    with pytest.raises(ValidationError) as error:
        nominations.submit_nomination(named, actor=nominator)
    assert error.value.code == "blind_names"
    assert "张明远" in error.value.messages[0] and "星河大学附属医院" in error.value.messages[0]
    assert Nomination.objects.get(pk=named.pk).status == Status.DRAFT
    nominations.submit_nomination(named, actor=nominator, names_confirmed=True)
    assert Nomination.objects.get(pk=named.pk).status == Status.SUBMITTED


def test_the_nominator_is_warned_on_the_page_and_can_submit_anyway(client, nominator, named):
    client.force_login(nominator)
    page = client.get(named.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="blind-warning"' in page and 'data-testid="submit-anyway"' in page
    submit = reverse("honors:nomination_submit", kwargs={"code": named.code})
    response = client.post(submit, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "the story names" in response.content.decode()
    assert Nomination.objects.get(pk=named.pk).status == Status.DRAFT
    client.post(submit, {"names_confirmed": "1"})
    assert Nomination.objects.get(pk=named.pk).status == Status.SUBMITTED


def test_no_warning_when_the_campaign_is_not_blind(nominator, named):
    named.campaign.blind_review = False
    named.campaign.save()
    assert nominations.submit_nomination(named, actor=nominator).status == Status.SUBMITTED


@pytest.mark.parametrize(
    "form",
    ["张教授", "张老师", "张院士", "张研究员", "张工", "张总", "小张", "老张", "张博士", "张同志", "张主任", "明远"],
)
def test_the_short_forms_of_the_name_are_masked_and_named_in_the_warning(named, form):
    text = f"多年来，{form}带领团队攻克了关键技术难题。"
    assert blind.mask(text, named) == "多年来，[nominee]带领团队攻克了关键技术难题。"
    assert blind.names_in(text, named) == [form]


@pytest.mark.parametrize(
    "text",
    [
        "团队在张力测试中取得突破。",
        "企业规模不断扩张。",
        "他主张开放合作，总结了经验。",
        "张工作了三十年。",  # 工 here is 工作, not the engineer's title
        "明年继续推进。",  # one character of the given name is not the given name
        "Zhang led the team.",  # a surname alone is nobody in particular
    ],
)
def test_ordinary_words_containing_the_surname_are_not_masked(named, text):
    assert blind.mask(text, named) == text
    assert blind.names_in(text, named) == []


def test_a_one_character_given_name_is_not_masked_alone(named):
    named.person.name = "张明"
    assert blind.mask("明天张明和张教授去了实验室。", named) == "明天[nominee]和[nominee]去了实验室。"


def test_a_compound_surname_takes_its_two_characters(named):
    named.person.name = "欧阳晓明"
    named.person.name_en = ""
    text = "欧阳教授和晓明是同一个人，欧阳老师的学生称她小欧阳；欧洲的阳光不是她。"
    assert blind.mask(text, named) == "[nominee]和[nominee]是同一个人，[nominee]的学生称她[nominee]；欧洲的阳光不是她。"
    assert blind.surname("诸葛亮") == "诸葛" and blind.surname("司马光") == "司马" and blind.surname("王晓明") == "王"


def test_the_english_name_is_masked_in_any_case_and_either_order(named):
    text = "ZHANG MINGYUAN, zhang mingyuan and Mingyuan Zhang are one person."
    assert blind.mask(text, named) == "[nominee], [nominee] and [nominee] are one person."
    assert blind.names_in(text, named) == ["Mingyuan Zhang", "Zhang Mingyuan"]


def test_the_expert_review_page_shows_the_short_forms_masked(client, expert, reviewing):
    Nomination.objects.filter(pk=reviewing.pk).update(story="小张和张教授在星河大学工作，明远负责张力测试。")
    client.force_login(expert)
    shown = 0
    for url in (reviewing.get_absolute_url(), reverse("honors:review", kwargs={"code": reviewing.code})):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        if "张力测试" not in page:
            continue  # the page does not show the story
        shown += 1
        assert "[nominee]和[nominee]在[unit]工作，[nominee]负责张力测试。" in page
        for form in ("小张", "张教授", "明远"):
            assert form not in page
    assert shown


def test_a_story_naming_the_nominee_only_by_a_short_form_is_warned_at_submission(nominator, named):
    Nomination.objects.filter(pk=named.pk).update(story="小张和张教授是同一个人，团队在张力测试中取得突破。")
    draft = Nomination.objects.for_list().get(pk=named.pk)
    with pytest.raises(ValidationError) as error:
        nominations.submit_nomination(draft, actor=nominator)
    assert error.value.code == "blind_names"
    assert "张教授" in error.value.messages[0] and "小张" in error.value.messages[0]
    assert "张力" not in error.value.messages[0]
