import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.honors import notices
from laurel.honors.models import Campaign, Nomination, Objection, RepresentationRule, Stage, Trait
from laurel.honors.stages import move_campaign
from tests.factories.honors import pdf, scored_campaign

pytestmark = pytest.mark.django_db
Status = Nomination.Status


@pytest.fixture
def on_notice(expert):
    today = timezone.localdate()
    campaign, made = scored_campaign(
        totals=[[95], [90], [88], [70]], experts=[expert], honorees_count=2, stage=Stage.NOTICE,
        notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6),
    )  # fmt: skip
    for nomination in made[:2]:
        Nomination.objects.filter(pk=nomination.pk).update(status=Status.SELECTED)
        nomination.status = Status.SELECTED
    return campaign, made


def object_to(nomination, **overrides):
    data = {
        "full_name": "王小明", "contact": "13800000000", "email": "", "statement": "该候选人的论文存在署名争议。",
        "address": "198.51.100.20",
    }  # fmt: skip
    return notices.file_objection(nomination, **{**data, **overrides})


def test_anonymous_objection_is_refused(on_notice):
    _campaign, made = on_notice
    with pytest.raises(ValidationError) as error:
        object_to(made[0], full_name="", contact="")
    assert set(error.value.message_dict) == {"full_name", "contact"}
    assert Objection.objects.count() == 0


def test_late_objection_is_refused(on_notice):
    campaign, made = on_notice
    campaign.notice_ends_on = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()
    with pytest.raises(ValidationError, match="public notice is closed"):
        object_to(made[0])


def test_evidence_must_be_a_pdf_or_photo(on_notice):
    _campaign, made = on_notice
    with pytest.raises(ValidationError, match="PDF document or a photo"):
        object_to(made[0], evidence=[SimpleUploadedFile("x.pdf", b"MZ not a pdf")])
    objection = object_to(made[0], evidence=[pdf()])
    assert objection.evidence.count() == 1


def test_dismissal_needs_a_reason_and_keeps_the_candidate(on_notice, staff):
    _campaign, made = on_notice
    objection = object_to(made[0])
    with pytest.raises(ValidationError, match="Give the reason"):
        notices.decide_objection(objection, upheld=False, reason="", actor=staff)
    assert notices.decide_objection(objection, upheld=False, reason="署名经核实无误", actor=staff) is None
    assert Nomination.objects.get(pk=made[0].pk).status == Status.SELECTED


def test_upheld_objection_removes_and_proposes_the_next_one_with_rules_holding(
    on_notice, staff, mailoutbox, django_capture_on_commit_callbacks
):
    campaign, made = on_notice
    for nomination in made:
        nomination.category = Nomination.Category.RESEARCH
        nomination.save()
    made[3].person.is_front_line = True
    made[3].person.save()
    made[0].person.is_front_line = True
    made[0].person.save()
    RepresentationRule.objects.create(campaign=campaign, trait=Trait.FRONT_LINE, bound="min", measure="count", value=1)
    objection = object_to(made[0], email="objector@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        replacement = notices.decide_objection(objection, upheld=True, reason="经核实属实", actor=staff)
    assert replacement == made[3]  # made[2] scores higher but is not front-line
    assert Nomination.objects.get(pk=made[0].pk).status == Status.REMOVED
    assert set(Nomination.objects.selected()) == {made[1], made[3]}
    assert AuditEntry.objects.filter(action="honors.objection.upheld").count() == 1
    assert "objector@example.org" in [message.to[0] for message in mailoutbox]
    with pytest.raises(ValidationError, match="Someone else decided"):
        notices.decide_objection(objection, upheld=False, reason="again", actor=staff)


def test_upheld_objection_removes_even_when_no_replacement_keeps_the_hard_rules(on_notice, staff, staff_client):
    campaign, made = on_notice
    Nomination.objects.filter(pk__in=[n.pk for n in made]).update(category=Nomination.Category.RESEARCH)
    made[0].person.is_front_line = True
    made[0].person.save()  # the only front-line nominee, and a rule asks for one
    RepresentationRule.objects.create(campaign=campaign, trait=Trait.FRONT_LINE, bound="min", measure="count", value=1)
    objection = object_to(made[0])
    response = staff_client.post(
        reverse("honors:objection_decide", kwargs={"pk": objection.pk}),
        {"decision": "uphold", "reason": "经核实属实"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    content = response.content.decode()
    assert "No eligible nomination can take the place while every hard rule holds" in content
    assert Nomination.objects.get(pk=made[0].pk).status == Status.REMOVED
    assert set(Nomination.objects.selected()) == {made[1]}
    assert Objection.objects.get().status == Objection.Status.UPHELD
    assert AuditEntry.objects.get(action="honors.nomination.not_replaced").data == {"removed": made[0].code}


def test_public_notice_page_needs_no_login_and_takes_an_objection(client, on_notice):
    campaign, made = on_notice
    page = client.get(reverse("honors:notice", kwargs={"code": campaign.code}))
    assert page.status_code == 200
    assert made[0].person.name in page.content.decode()
    url = reverse("honors:objection_create", kwargs={"code": campaign.code, "nomination": made[0].code})
    refused = client.post(url, {"full_name": "", "contact": "", "statement": "匿名"}, headers={"accept-language": "en"})
    assert "Anonymous objections are not accepted" in refused.content.decode()
    accepted = client.post(
        url, {"full_name": "王小明", "contact": "13800000000", "statement": "该候选人的论文存在争议。"}
    )
    assert accepted.status_code == 302
    assert Objection.objects.count() == 1


def at(monkeypatch, day: datetime.date) -> None:
    """The clock reads 10:00 in Beijing on `day`."""
    moment = datetime.datetime(day.year, day.month, day.day, 2, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def replaced(expert, staff, monkeypatch):
    """Notice Monday 6 to Friday 10 May 2024, Monday 13 a holiday; on Wednesday 8 an objection against the best
    candidate is upheld and the third is selected in its place."""
    campaign, made = scored_campaign(
        totals=[[95], [90], [88], [70]], experts=[expert], honorees_count=2, stage=Stage.NOTICE,
        notice_starts_on=datetime.date(2024, 5, 6), notice_ends_on=datetime.date(2024, 5, 10),
        holidays=["2024-05-13"],
    )  # fmt: skip
    Nomination.objects.filter(pk__in=[made[0].pk, made[1].pk]).update(status=Status.SELECTED)
    at(monkeypatch, datetime.date(2024, 5, 8))
    objection = object_to(Nomination.objects.get(pk=made[0].pk))
    replacement = notices.decide_objection(objection, upheld=True, reason="经核实属实", actor=staff)
    return campaign, made, replacement


def test_a_replacement_is_noticed_for_n_working_days_from_its_selection_over_a_holiday(replaced, staff):
    _campaign, made, replacement = replaced
    assert replacement == made[2]
    stored = Nomination.objects.get(pk=made[2].pk)
    # Wed 8, Thu 9, Fri 10, (weekend, holiday Mon 13), Tue 14, Wed 15.
    assert (stored.notice_starts_on, stored.notice_ends_on) == (datetime.date(2024, 5, 8), datetime.date(2024, 5, 15))
    assert stored.notice_window() == (datetime.date(2024, 5, 8), datetime.date(2024, 5, 15))
    assert Nomination.objects.get(pk=made[1].pk).notice_window() == (
        datetime.date(2024, 5, 6),
        datetime.date(2024, 5, 10),
    )
    entry = AuditEntry.objects.get(action="honors.nomination.noticed")
    assert (entry.actor, entry.object_id) == (staff, str(made[2].pk))
    assert entry.data == {"starts_on": "2024-05-08", "ends_on": "2024-05-15", "replaces": made[0].code}


def test_objections_against_a_replacement_are_accepted_until_its_own_window_ends(replaced, monkeypatch):
    _campaign, made, replacement = replaced
    at(monkeypatch, datetime.date(2024, 5, 14))
    with pytest.raises(ValidationError, match="accepted only from 2024-05-06 to 2024-05-10"):
        object_to(Nomination.objects.get(pk=made[1].pk))
    assert object_to(Nomination.objects.get(pk=replacement.pk)).nomination == replacement
    at(monkeypatch, datetime.date(2024, 5, 16))
    with pytest.raises(ValidationError) as error:
        object_to(Nomination.objects.get(pk=replacement.pk))
    assert error.value.messages == [
        "The public notice is closed; objections are accepted only from 2024-05-08 to 2024-05-15."
    ]
    assert Objection.objects.filter(nomination=replacement).count() == 1


def test_publication_waits_for_the_replacement_notice_and_its_objections(replaced, staff, monkeypatch):
    campaign, _made, replacement = replaced
    at(monkeypatch, datetime.date(2024, 5, 15))
    with pytest.raises(ValidationError) as error:
        move_campaign(campaign, to=Stage.PUBLISHED, actor=staff)
    assert error.value.messages == [
        f"The public notice of {replacement.person.name} runs until 2024-05-15; publish after it ends."
    ]
    objection = object_to(Nomination.objects.get(pk=replacement.pk))
    at(monkeypatch, datetime.date(2024, 5, 16))
    with pytest.raises(ValidationError, match="Decide every objection"):
        move_campaign(campaign, to=Stage.PUBLISHED, actor=staff)
    notices.decide_objection(objection, upheld=False, reason="经核实不属实", actor=staff)
    move_campaign(campaign, to=Stage.PUBLISHED, actor=staff)
    assert Campaign.objects.get(pk=campaign.pk).stage == Stage.PUBLISHED


def test_a_replacement_window_older_than_the_campaign_notice_gives_way_to_it(replaced, staff, monkeypatch):
    campaign, made, replacement = replaced
    at(monkeypatch, datetime.date(2024, 5, 9))
    move_campaign(campaign, to=Stage.COMMITTEE, actor=staff)
    at(monkeypatch, datetime.date(2024, 5, 20))
    move_campaign(campaign, to=Stage.NOTICE, actor=staff)
    stored = Nomination.objects.get(pk=replacement.pk)
    assert not stored.has_own_notice
    assert stored.notice_window() == (datetime.date(2024, 5, 20), datetime.date(2024, 5, 24))


def test_an_objection_upheld_outside_the_notice_gives_no_own_window(on_notice, staff):
    campaign, made = on_notice
    objection = object_to(made[0])
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.COMMITTEE)
    replacement = notices.decide_objection(objection, upheld=True, reason="经核实属实", actor=staff)
    assert replacement == made[2]
    assert (replacement.notice_starts_on, replacement.notice_ends_on) == (None, None)
    assert not AuditEntry.objects.filter(action="honors.nomination.noticed").exists()


def test_public_notice_page_shows_the_replacement_with_its_own_dates(client, replaced, monkeypatch):
    campaign, made, replacement = replaced
    at(monkeypatch, datetime.date(2024, 5, 13))
    page = client.get(reverse("honors:notice", kwargs={"code": campaign.code}), headers={"accept-language": "en"})
    html = page.content.decode()
    assert "Added on 2024-05-08 in place of a removed candidate; objections until 2024-05-15." in html
    assert made[0].person.name not in html
    object_urls = {
        nomination.code: reverse(
            "honors:objection_create", kwargs={"code": campaign.code, "nomination": nomination.code}
        )
        for nomination in (made[1], replacement)
    }
    assert object_urls[replacement.code] in html  # its own window is open
    assert object_urls[made[1].code] not in html  # the campaign's window has ended
    assert html.count('data-testid="own-notice"') == 1


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (datetime.date(2024, 5, 8), None),
        (None, datetime.date(2024, 5, 15)),
        (datetime.date(2024, 5, 8), datetime.date(2024, 5, 7)),
    ],
)
def test_an_own_notice_window_has_both_ends_in_order(on_notice, starts_on, ends_on):
    _campaign, made = on_notice
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=made[0].pk).update(notice_starts_on=starts_on, notice_ends_on=ends_on)


def test_a_replacements_own_notice_is_in_the_export_and_the_api(replaced, staff, client, staff_client):
    import io

    from openpyxl import load_workbook

    from laurel.people.services import create_api_token

    campaign, made, replacement = replaced
    response = staff_client.get(reverse("honors:export_xlsx", kwargs={"code": campaign.code}))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert [cell.date() for cell in rows[replacement.code][-2:]] == [
        datetime.date(2024, 5, 8),
        datetime.date(2024, 5, 15),
    ]
    assert rows[made[1].code][-2:] == (None, None)
    token = create_api_token(user=staff, name="t", scope="write")
    listed = client.get(
        f"/api/v1/campaigns/{campaign.code}/nominations", headers={"authorization": f"Bearer {token}"}
    ).json()
    by_code = {item["code"]: item for item in listed}
    assert (by_code[replacement.code]["notice_starts_on"], by_code[replacement.code]["notice_ends_on"]) == (
        "2024-05-08",
        "2024-05-15",
    )
