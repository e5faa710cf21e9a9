"""The committee deliberates in confidence: override reasons, vote counts and other units' candidates never reach a
nominator (pages, API, mail), and mail during the committee stage tells no outcome."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from laurel.honors import committee, disclosure, nominations, notices, vetting
from laurel.honors.models import Campaign, Nomination, Stage
from laurel.honors.stages import move_campaign
from tests.factories.honors import scored_campaign
from tests.factories.people import OrganizationFactory, RoleKind, user_with_role

pytestmark = pytest.mark.django_db
Status = Nomination.Status
OVERRIDE_REASON = "委员会以7票对2票认为乙单位候选人二更具代表性"


def fresh(nomination):
    return Nomination.objects.select_related("campaign", "person", "unit").get(pk=nomination.pk)


@pytest.fixture
def two_units(expert, staff):
    """Unit 甲 nominated 甲一 (95) and 甲二 (70); unit 乙 nominated 乙一 (90) and 乙二 (88). Two honorees. Each unit
    has its own nominator; the nominations were checked through the service (which mails)."""
    campaign, made = scored_campaign(
        totals=[[95], [70], [90], [88]], experts=[expert], honorees_count=2, stage=Stage.ELIGIBILITY,
        nomination_deadline=timezone.now() - datetime.timedelta(days=30),
    )  # fmt: skip
    unit_a, unit_b = OrganizationFactory(name="甲单位"), OrganizationFactory(name="乙单位")
    names = ["甲一", "甲二", "乙一", "乙二"]
    for nomination, name, unit in zip(made, names, [unit_a, unit_a, unit_b, unit_b], strict=True):
        nomination.person.name = name
        nomination.person.save()
        Nomination.objects.filter(pk=nomination.pk).update(unit=unit, status=Status.SUBMITTED)
    nominator_a = user_with_role(RoleKind.NOMINATOR, organization=unit_a, email="a@example.org", language="en")
    user_with_role(RoleKind.NOMINATOR, organization=unit_b, email="b@example.org")
    for nomination in made:
        nominations.check_eligibility(fresh(nomination), outcome="pass", reason="", actor=staff)
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.COMMITTEE)
    campaign.refresh_from_db()
    return campaign, made, nominator_a


def pages_of(client, campaign, own, other) -> dict[str, tuple[int, str]]:
    urls = {
        "desk": reverse("core:dashboard"),
        "mine": reverse("honors:my_nominations"),
        "own": own.get_absolute_url(),
        "other": other.get_absolute_url(),
        "campaign": campaign.get_absolute_url(),
        "ranking": reverse("honors:ranking", kwargs={"code": campaign.code}),
        "staff list": reverse("honors:staff_nominations", kwargs={"code": campaign.code}),
        "export": reverse("honors:export_xlsx", kwargs={"code": campaign.code}),
        "audit": reverse("honors:export_audit", kwargs={"code": campaign.code}),
        "objections": reverse("honors:objections", kwargs={"code": campaign.code}),
        "vetting": reverse("honors:vetting", kwargs={"code": campaign.code}),
        "results": reverse("honors:results", kwargs={"code": campaign.code}),
        "api nominations": f"/api/v1/campaigns/{campaign.code}/nominations",
        "api campaign": f"/api/v1/campaigns/{campaign.code}",
    }
    seen = {}
    for name, url in urls.items():
        for language in ("en", "zh-hans"):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            seen[f"{name} ({language})"] = (response.status_code, body.decode(errors="replace"))
    return seen


def leaks(seen: dict[str, tuple[int, str]], words) -> list[str]:
    return [f"{name}: {word}" for name, (_status, body) in seen.items() for word in words if word in body]


def test_no_nominator_page_api_response_or_mail_names_another_units_candidate_before_publication(
    two_units, staff, client, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    campaign, made, nominator_a = two_units
    client.force_login(nominator_a)
    secrets = ["乙一", "乙二", "乙单位", OVERRIDE_REASON, "7票", "正在调查"]
    with django_capture_on_commit_callbacks(execute=True):
        committee.accept_proposal(campaign, actor=staff)  # 甲一 and 乙一
        committee.override_selection(
            campaign, add=[fresh(made[3])], remove=[fresh(made[0])], reason=OVERRIDE_REASON, actor=staff
        )  # 甲一 out, 乙二 in: the reason names the other unit's candidate
        body = vetting.add_body(campaign, name="公安机关", actor=staff)
        vetting.record_result(fresh(made[2]), body=body, outcome="vetoed", reason="乙一正在调查", actor=staff)
    at_committee = pages_of(client, campaign, own=made[0], other=made[2])
    assert leaks(at_committee, secrets) == []
    assert at_committee["other (en)"][0] == 403 and at_committee["ranking (en)"][0] == 403
    assert at_committee["api nominations (en)"][0] == 403
    # 甲一 was selected, then deselected: the nominator reads "eligible" and nothing of the committee.
    own = at_committee["own (en)"][1]
    assert '<span class="badge" data-testid="status">Eligible</span>' in own
    assert 'data-testid="reason"' not in own
    # No mail during the committee stage (the deselection of 甲一 used to mail "eligible" with the override reason).
    assert [message.subject for message in mailoutbox] == []

    # The public notice: the selected list is public from now on, the reasons still are not.
    for nomination in campaign.nominations.selected():
        vetting.record_result(fresh(nomination), body=body, outcome="cleared", actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        move_campaign(Campaign.objects.get(pk=campaign.pk), to=Stage.NOTICE, actor=staff)
        target = fresh(campaign.nominations.selected().exclude(pk=made[3].pk).get())
        objection = notices.file_objection(
            target, full_name="王小明", contact="13800000000", email="", statement="该候选人的论文存在署名争议。",
            address="198.51.100.20",
        )  # fmt: skip
        notices.decide_objection(objection, upheld=True, reason="经核实，乙单位反映属实", actor=staff)
    at_notice = pages_of(client, Campaign.objects.get(pk=campaign.pk), own=made[0], other=made[2])
    assert leaks(at_notice, [OVERRIDE_REASON, "7票", "正在调查", "乙单位反映属实", "乙一"]) == []
    for message in mailoutbox:
        if message.to == ["a@example.org"]:
            text = message.subject + message.body
            assert not [word for word in secrets + ["乙单位反映属实"] if word in text], text


def test_a_nominator_reads_eligible_while_the_committee_deliberates(two_units, staff):
    campaign, made, _nominator = two_units
    committee.accept_proposal(campaign, actor=staff)
    selected = fresh(made[0])
    assert selected.status == Status.SELECTED
    assert disclosure.shown_status(selected) == disclosure.Shown("eligible", "Eligible", "")
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.NOTICE)
    assert disclosure.shown_status(fresh(made[0])) == disclosure.Shown("selected", "Selected", "")
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.PUBLISHED)
    assert disclosure.shown_status(fresh(made[1])).label == "Not selected"


def test_a_veto_is_told_to_the_nominator_by_its_cause_only_once_the_notice_starts(two_units, staff):
    campaign, made, _nominator = two_units
    committee.accept_proposal(campaign, actor=staff)
    body = vetting.add_body(campaign, name="税务机关", actor=staff)
    vetting.record_result(fresh(made[0]), body=body, outcome="vetoed", reason="欠税三年", actor=staff)
    assert disclosure.shown_status(fresh(made[0])) == disclosure.Shown("eligible", "Eligible", "")
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.NOTICE)
    assert disclosure.shown_status(fresh(made[0])) == disclosure.Shown(
        "removed", "Removed after an objection or a veto", "Not cleared in the joint vetting."
    )


def test_staff_still_read_the_real_status_and_the_committees_record(two_units, staff, staff_client):
    campaign, made, _nominator = two_units
    committee.accept_proposal(campaign, actor=staff)
    committee.override_selection(
        campaign, add=[fresh(made[3])], remove=[fresh(made[0])], reason=OVERRIDE_REASON, actor=staff
    )
    page = staff_client.get(made[3].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="badge" data-testid="status">Selected</span>' in page
    ranking = staff_client.get(reverse("honors:ranking", kwargs={"code": campaign.code})).content.decode()
    assert OVERRIDE_REASON in ranking
