import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from laurel.core.models import AuditEntry
from laurel.honors import campaigns, vetting
from laurel.honors.models import Campaign, Nomination, RepresentationRule, Stage, Trait, VettingBody, VettingResult
from laurel.honors.stages import move_campaign
from tests.factories.honors import scored_campaign

pytestmark = pytest.mark.django_db
Status = Nomination.Status
CLEARED, VETOED = VettingResult.Outcome.CLEARED, VettingResult.Outcome.VETOED


@pytest.fixture
def committee(expert, staff):
    """At the committee decision: 4 eligible nominations scored 95, 90, 88, 70; the first two selected; two bodies."""
    campaign, made = scored_campaign(
        totals=[[95], [90], [88], [70]], experts=[expert], honorees_count=2,
        nomination_deadline=timezone.now() - datetime.timedelta(days=30),
    )  # fmt: skip
    for index, nomination in enumerate(made):
        nomination.person.name = f"候选人{index + 1}"
        nomination.person.save()
    Nomination.objects.filter(pk__in=[made[0].pk, made[1].pk]).update(status=Status.SELECTED)
    for nomination in made[:2]:
        nomination.status = Status.SELECTED
    police = vetting.add_body(campaign, name="公安机关", name_en="Police", actor=staff)
    tax = vetting.add_body(campaign, name="税务机关", name_en="Tax office", actor=staff)
    return campaign, made, police, tax


def fresh(nomination):
    return Nomination.objects.select_related("campaign", "person").get(pk=nomination.pk)


def test_clearing_is_recorded_once_per_body_and_logged(committee, staff):
    _campaign, made, police, _tax = committee
    recorded = vetting.record_result(
        made[0], body=police, outcome=CLEARED, letter_date=datetime.date(2024, 5, 3), actor=staff
    )
    assert (recorded.removed, recorded.replacements) == (False, ())
    stored = VettingResult.objects.get()
    assert (stored.nomination, stored.body, stored.outcome, stored.letter_date, stored.recorded_by) == (
        made[0], police, CLEARED, datetime.date(2024, 5, 3), staff,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="honors.vetting.recorded")
    assert entry.data == {"body": "公安机关", "outcome": "cleared", "reason": "", "letter_date": "2024-05-03"}
    with pytest.raises(IntegrityError), transaction.atomic():
        VettingResult.objects.create(
            nomination=made[0], body=police, outcome=CLEARED, recorded_by=staff, recorded_at=timezone.now()
        )


def test_a_veto_needs_the_bodys_reason(committee, staff):
    _campaign, made, police, _tax = committee
    with pytest.raises(ValidationError) as error:
        vetting.record_result(made[0], body=police, outcome=VETOED, reason="  ", actor=staff)
    assert error.value.message_dict == {"reason": ["Give the body's reason for the veto."]}
    assert not VettingResult.objects.exists()
    assert fresh(made[0]).status == Status.SELECTED
    with pytest.raises(IntegrityError), transaction.atomic():
        VettingResult.objects.create(
            nomination=made[0], body=police, outcome=VETOED, recorded_by=staff, recorded_at=timezone.now()
        )


def test_a_veto_removes_the_candidate_and_proposes_the_best_replacement(committee, staff, mailoutbox):
    campaign, made, police, _tax = committee
    recorded = vetting.record_result(made[0], body=police, outcome=VETOED, reason="涉嫌违法，正在调查", actor=staff)
    assert recorded.removed is True
    assert recorded.replacements == (made[2],)
    removed = fresh(made[0])
    # The body's reason is confidential: the nominator reads only that the vetting was not passed.
    assert (removed.status, removed.status_reason) == (Status.REMOVED, gettext("Not cleared in the joint vetting."))
    assert "涉嫌违法" not in "".join(message.body for message in mailoutbox)
    assert removed.vetting_results.get(body=police).reason == "涉嫌违法，正在调查"
    assert set(campaign.nominations.selected()) == {made[1], made[2]}
    entry = AuditEntry.objects.get(action="honors.nomination.removed")
    assert entry.data["vetting"] is True
    assert fresh(made[2]).notice_starts_on is None  # no own notice: the campaign's notice has not started
    assert [nomination.person.name for nomination, _bodies in vetting.waiting(campaign)] == ["候选人2", "候选人3"]


def test_a_veto_leaves_the_place_empty_when_no_replacement_keeps_the_hard_rules(committee, staff):
    campaign, made, police, _tax = committee
    Nomination.objects.filter(pk__in=[n.pk for n in made]).update(category=Nomination.Category.RESEARCH)
    made[0].person.is_front_line = True
    made[0].person.save()
    RepresentationRule.objects.create(campaign=campaign, trait=Trait.FRONT_LINE, bound="min", measure="count", value=1)
    recorded = vetting.record_result(fresh(made[0]), body=police, outcome=VETOED, reason="有违法记录", actor=staff)
    assert (recorded.removed, recorded.replacements) == (True, ())
    assert fresh(made[0]).status == Status.REMOVED
    assert set(campaign.nominations.selected()) == {made[1]}
    assert AuditEntry.objects.get(action="honors.nomination.not_replaced").data == {"removed": made[0].code}


def test_changing_an_answer_before_the_notice_is_logged_with_before_and_after(committee, staff):
    _campaign, made, police, _tax = committee
    vetting.record_result(made[1], body=police, outcome=CLEARED, actor=staff)
    vetting.record_result(made[1], body=police, outcome=CLEARED, letter_date=datetime.date(2024, 5, 6), actor=staff)
    entry = AuditEntry.objects.get(action="honors.vetting.changed")
    assert entry.data == {
        "body": "公安机关",
        "before": {"outcome": "cleared", "reason": "", "letter_date": None},
        "after": {"outcome": "cleared", "reason": "", "letter_date": "2024-05-06"},
    }
    vetting.record_result(made[1], body=police, outcome=VETOED, reason="复函更正：有不良记录", actor=staff)
    assert VettingResult.objects.get().outcome == VETOED
    assert fresh(made[1]).status == Status.REMOVED
    assert AuditEntry.objects.filter(action="honors.vetting.changed").count() == 2


def test_answers_are_refused_outside_the_committee_and_to_others_than_staff(committee, staff, nominator, expert):
    campaign, made, police, _tax = committee
    for user in (nominator, expert):
        with pytest.raises(PermissionDenied):
            vetting.record_result(made[0], body=police, outcome=CLEARED, actor=user)
    with pytest.raises(ValidationError, match="Only selected candidates are vetted"):
        vetting.record_result(made[3], body=police, outcome=CLEARED, actor=staff)
    other_body = VettingBody.objects.create(campaign=Campaign.objects.create(
        series="x", name="x", edition=2030, honorees_count=1, nomination_deadline=timezone.now()
    ), name="公安机关")  # fmt: skip
    with pytest.raises(ValidationError, match="belongs to another campaign"):
        vetting.record_result(made[0], body=other_body, outcome=CLEARED, actor=staff)
    vetting.record_result(made[0], body=police, outcome=CLEARED, actor=staff)
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.NOTICE)
    with pytest.raises(ValidationError, match="can no longer change once the public notice has started"):
        vetting.record_result(fresh(made[0]), body=police, outcome=VETOED, reason="迟到的复函", actor=staff)
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.REVIEW)
    with pytest.raises(ValidationError, match="recorded at the committee decision"):
        vetting.record_result(fresh(made[1]), body=police, outcome=CLEARED, actor=staff)
    assert VettingResult.objects.count() == 1


def test_the_notice_waits_for_every_body_to_clear_every_selected_candidate(committee, staff):
    campaign, made, police, tax = committee
    vetting.record_result(made[0], body=police, outcome=CLEARED, actor=staff)
    with pytest.raises(ValidationError) as error:
        move_campaign(campaign, to=Stage.NOTICE, actor=staff)
    assert error.value.messages == [
        "Joint vetting is not finished; still waiting for 候选人1: Tax office; 候选人2: Police, Tax office."
    ]
    vetting.record_result(made[0], body=tax, outcome=CLEARED, actor=staff)
    vetting.record_result(made[1], body=police, outcome=CLEARED, actor=staff)
    vetting.record_result(made[1], body=tax, outcome=CLEARED, actor=staff)
    move_campaign(campaign, to=Stage.NOTICE, actor=staff)
    assert Campaign.objects.get(pk=campaign.pk).stage == Stage.NOTICE


def test_a_campaign_without_bodies_skips_the_vetting(expert, staff):
    campaign, made = scored_campaign(totals=[[95], [90]], experts=[expert], honorees_count=1)
    Nomination.objects.filter(pk=made[0].pk).update(status=Status.SELECTED)
    assert vetting.waiting(campaign) == []
    move_campaign(campaign, to=Stage.NOTICE, actor=staff)
    assert Campaign.objects.get(pk=campaign.pk).stage == Stage.NOTICE


def test_a_replacement_selected_during_the_notice_is_vetted_before_publication(committee, staff, monkeypatch):
    from laurel.honors import notices

    campaign, made, police, tax = committee
    for nomination in made[:2]:
        for body in (police, tax):
            vetting.record_result(nomination, body=body, outcome=CLEARED, actor=staff)
    move_campaign(campaign, to=Stage.NOTICE, actor=staff)
    objection = notices.file_objection(
        fresh(made[0]), full_name="王小明", contact="13800000000", email="", statement="该候选人的论文存在署名争议。",
        address="198.51.100.20",
    )  # fmt: skip
    replacement = notices.decide_objection(objection, upheld=True, reason="经核实属实", actor=staff)
    assert replacement == made[2]
    later = timezone.now() + datetime.timedelta(days=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(ValidationError, match="still waiting for 候选人3: Police, Tax office"):
        move_campaign(Campaign.objects.get(pk=campaign.pk), to=Stage.PUBLISHED, actor=staff)
    for body in (police, tax):
        vetting.record_result(fresh(made[2]), body=body, outcome=CLEARED, actor=staff)
    move_campaign(Campaign.objects.get(pk=campaign.pk), to=Stage.PUBLISHED, actor=staff)
    assert Campaign.objects.get(pk=campaign.pk).stage == Stage.PUBLISHED


def test_bodies_are_set_up_before_the_notice_and_copied_for_next_year(committee, staff):
    campaign, made, police, tax = committee
    with pytest.raises(ValidationError, match="already has a vetting body of this name"):
        vetting.add_body(campaign, name="公安机关", actor=staff)
    vetting.change_body(tax, name="税务机关", name_en="Tax bureau", order=5, actor=staff)
    assert AuditEntry.objects.get(action="honors.vetting_body.changed").data == {
        "before": {"name": "税务机关", "name_en": "Tax office", "order": 1},
        "after": {"name": "税务机关", "name_en": "Tax bureau", "order": 5},
    }
    vetting.record_result(made[0], body=police, outcome=CLEARED, actor=staff)
    with pytest.raises(ValidationError, match="already answered"):
        vetting.remove_body(police, actor=staff)
    discipline = vetting.add_body(campaign, name="纪检监察机关", order=0, actor=staff)
    vetting.remove_body(discipline, actor=staff)
    copied = campaigns.copy_campaign(
        campaign, actor=staff, edition=campaign.edition + 1, nomination_deadline=timezone.now()
    )
    assert list(copied.vetting_bodies.values_list("name", "name_en", "order")) == [
        ("公安机关", "Police", 0),
        ("税务机关", "Tax bureau", 5),
    ]
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.NOTICE)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="fixed once the public notice starts"):
        vetting.add_body(campaign, name="纪检监察机关", actor=staff)


def vetting_url(campaign, name="honors:vetting"):
    return reverse(name, kwargs={"code": campaign.code})


@pytest.mark.parametrize("name", ["honors:vetting", "honors:vetting_list"])
def test_the_vetting_page_and_list_are_for_staff_only(client, committee, nominator, expert, stranger, name):
    campaign = committee[0]
    response = client.get(vetting_url(campaign, name))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    for user in (nominator, expert, stranger):
        client.force_login(user)
        assert client.get(vetting_url(campaign, name)).status_code == 403
    post = client.post(
        vetting_url(campaign, "honors:vetting_record"),
        {"nomination": committee[1][0].code, "body": committee[2].pk, "outcome": "vetoed", "reason": "x"},
    )
    assert post.status_code == 403
    assert client.post(vetting_url(campaign, "honors:vetting_body_add"), {"name": "x", "order": 0}).status_code == 403
    assert not VettingResult.objects.exists()


def test_staff_record_answers_on_the_grid(staff_client, committee, django_assert_max_num_queries):
    campaign, made, police, _tax = committee
    response = staff_client.post(
        vetting_url(campaign, "honors:vetting_record"),
        {"nomination": made[0].code, "body": police.pk, "outcome": "vetoed", "reason": ""},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Give the body&#x27;s reason for the veto." in response.content.decode()
    response = staff_client.post(
        vetting_url(campaign, "honors:vetting_record"),
        {"nomination": made[0].code, "body": police.pk, "outcome": "vetoed", "reason": "有违法记录"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    content = response.content.decode()
    assert "候选人3 is proposed in the place and needs vetting too" in content
    with django_assert_max_num_queries(12):
        page = staff_client.get(vetting_url(campaign), HTTP_ACCEPT_LANGUAGE="en")
    codes = [row.nomination.code for row in page.context["rows"]]
    assert codes == [made[1].code, made[2].code, made[0].code]


def test_the_vetting_list_names_the_selected_candidates_without_identity_numbers(staff_client, committee):
    campaign, made, _police, _tax = committee
    person = made[0].person
    person.date_of_birth, person.position, person.title = datetime.date(1980, 2, 3), "总工程师", "正高级工程师"
    person.save()
    response = staff_client.get(vetting_url(campaign, "honors:vetting_list"), HTTP_ACCEPT_LANGUAGE="en")
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[1] == ("No.", "name", "gender", "date of birth", "unit", "position")
    assert [row[1] for row in rows[2:]] == ["候选人1", "候选人2"]
    assert rows[2][3].date() == datetime.date(1980, 2, 3)
    assert rows[2][4:] == (made[0].unit.name, "总工程师 · 正高级工程师")


def test_nothing_of_the_vetting_is_public(client, committee, staff):
    campaign, made, police, tax = committee
    vetting.record_result(made[0], body=police, outcome=VETOED, reason="机密的否决理由", actor=staff)
    for nomination in (made[1], made[2]):
        for body in (police, tax):
            vetting.record_result(fresh(nomination), body=body, outcome=CLEARED, actor=staff)
    move_campaign(Campaign.objects.get(pk=campaign.pk), to=Stage.NOTICE, actor=staff)
    for url in (reverse("honors:notice", kwargs={"code": campaign.code}), campaign.get_absolute_url()):
        content = client.get(url).content.decode()
        assert "候选人3" in content or url == campaign.get_absolute_url()
        for secret in ("机密的否决理由", "公安机关", "候选人1"):
            assert secret not in content


def test_the_demo_2023_campaign_was_cleared_by_four_bodies_and_2024_asks_them_again():
    from laurel.honors import demo as honors_demo
    from laurel.people import demo as people_demo

    people_demo.seed(stdout=io.StringIO())
    honors_demo.seed(stdout=io.StringIO())
    finished = Campaign.objects.get(series="most-beautiful", edition=2023)
    assert finished.vetting_bodies.count() == 4
    assert VettingResult.objects.filter(nomination__campaign=finished, outcome=CLEARED).count() == 80
    assert vetting.waiting(finished) == []
    following = Campaign.objects.get(series="most-beautiful", edition=2024)
    assert list(following.vetting_bodies.values_list("name", flat=True)) == [
        name for name, _english in honors_demo.VETTING_BODIES
    ]
