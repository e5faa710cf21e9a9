"""Issue 11 item 9: the eligibility check of many nominations at once, and the staff list's review filter."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from laurel.core.models import AuditEntry
from laurel.honors import bulk
from laurel.honors.models import Assignment, Nomination, Review, Stage
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db
Status = Nomination.Status


@pytest.fixture
def submitted(campaign, unit, nominator):
    return [NominationFactory(campaign=campaign, unit=unit, photos=0, status=Status.SUBMITTED) for _ in range(3)]


def codes(nominations):
    return [nomination.code for nomination in nominations]


def test_a_batch_passes_with_one_entry_and_one_mail_per_nomination(
    campaign, staff, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = bulk.check_eligibility_in_bulk(
            campaign, nominations_to_check=submitted, outcome="pass", reason="", actor=staff
        )
    assert [nomination.pk for nomination in result.moved] == [nomination.pk for nomination in submitted]
    assert set(campaign.nominations.values_list("status", flat=True)) == {Status.ELIGIBLE}
    entries = AuditEntry.objects.filter(action="honors.nomination.passed")
    assert sorted(int(entry.object_id) for entry in entries) == sorted(n.pk for n in submitted)
    assert all(entry.data["bulk"] is True for entry in entries)
    assert [message.to for message in mailoutbox] == [["nominator@example.org"]] * 3  # the unit's nominator


def test_a_batch_skips_what_is_not_waiting_for_the_check_and_says_why(campaign, staff, submitted):
    draft = NominationFactory(campaign=campaign, photos=0)
    eligible = NominationFactory(campaign=campaign, photos=0, status=Status.ELIGIBLE)
    elsewhere = NominationFactory(photos=0, status=Status.SUBMITTED)
    result = bulk.check_eligibility_in_bulk(
        campaign, nominations_to_check=[*submitted, draft, eligible, elsewhere], outcome="return",
        reason="请补充单位意见", actor=staff,
    )  # fmt: skip
    assert len(result.moved) == 3
    assert [(nomination.pk, why) for nomination, why in result.skipped] == [
        (draft.pk, "Draft, not waiting for the check"),  # English: the test's language
        (eligible.pk, "Eligible, not waiting for the check"),
        (elsewhere.pk, "of another campaign"),
    ]
    assert Nomination.objects.get(pk=elsewhere.pk).status == Status.SUBMITTED
    assert set(Nomination.objects.filter(pk__in=[n.pk for n in submitted]).values_list("status_reason", flat=True)) == {
        "请补充单位意见"
    }


def test_a_nomination_changed_meanwhile_is_skipped_and_the_rest_go_through(campaign, staff, submitted):
    stale = submitted[0]
    Nomination.objects.filter(pk=stale.pk).update(status=Status.WITHDRAWN)  # the object in hand still says submitted
    result = bulk.check_eligibility_in_bulk(
        campaign, nominations_to_check=submitted, outcome="pass", reason="", actor=staff
    )
    assert [(n.pk, why) for n, why in result.skipped] == [(stale.pk, "changed by someone else a moment ago")]
    assert len(result.moved) == 2


@pytest.mark.parametrize(
    ("outcome", "reason", "message"),
    [
        ("return", "  ", "Give the reason; the nominators will read it."),
        ("reject", "不符合", "Choose pass or return."),
        ("pass", "x" * 1001, "The reason has 1001 characters; the limit is 1000."),
    ],
)
def test_a_batch_with_a_bad_decision_changes_nothing(campaign, staff, submitted, outcome, reason, message):
    with pytest.raises(ValidationError) as error:
        bulk.check_eligibility_in_bulk(
            campaign, nominations_to_check=submitted, outcome=outcome, reason=reason, actor=staff
        )
    assert error.value.messages == [message]
    assert set(campaign.nominations.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert not AuditEntry.objects.filter(action__startswith="honors.nomination.").exists()


def test_a_batch_is_refused_after_the_check_empty_or_too_big(campaign, staff, submitted, monkeypatch):
    with pytest.raises(ValidationError, match="Tick at least one nomination."):
        bulk.check_eligibility_in_bulk(campaign, nominations_to_check=[], outcome="pass", reason="", actor=staff)
    monkeypatch.setattr(bulk, "BATCH_LIMIT", 2)
    with pytest.raises(ValidationError, match="At most 2 nominations at a time."):
        bulk.check_eligibility_in_bulk(campaign, nominations_to_check=submitted, outcome="pass", reason="", actor=staff)
    campaign.stage = Stage.REVIEW
    campaign.save()
    with pytest.raises(ValidationError, match="The eligibility check is over for this campaign."):
        bulk.check_eligibility_in_bulk(campaign, nominations_to_check=submitted, outcome="pass", reason="", actor=staff)


def test_a_nominator_cannot_check_in_bulk(campaign, nominator, submitted):
    with pytest.raises(PermissionDenied):
        bulk.check_eligibility_in_bulk(
            campaign, nominations_to_check=submitted, outcome="pass", reason="", actor=nominator
        )


def test_the_list_form_checks_the_ticked_nominations_and_reports_the_skipped_in_chinese(
    staff_client, campaign, submitted
):
    eligible = NominationFactory(campaign=campaign, photos=0, status=Status.ELIGIBLE)
    back = reverse("honors:staff_nominations", kwargs={"code": campaign.code}) + "?status=submitted"
    response = staff_client.post(
        reverse("honors:bulk_check", kwargs={"code": campaign.code}),
        {"nominations": [*codes(submitted[:2]), eligible.code, "nonexistent"], "outcome": "pass", "next": back},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == back
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "已对 2 个推荐记录审查结论。",
        f"跳过 1 个：{eligible.person.name}（状态为“资格审查通过”，不在待审查之列）。",
    ]
    assert [n.code for n in response.context["object_list"]] == [submitted[2].code]


def test_the_list_form_is_refused_to_nominators_and_anonymous_visitors(client, nominator, campaign, submitted):
    url = reverse("honors:bulk_check", kwargs={"code": campaign.code})
    data = {"nominations": codes(submitted), "outcome": "pass"}
    assert client.post(url, data).status_code == 302  # to the login page
    client.force_login(nominator)
    assert client.post(url, data).status_code == 403
    assert set(campaign.nominations.values_list("status", flat=True)) == {Status.SUBMITTED}


def test_the_list_shows_the_checkboxes_only_while_the_check_lasts(staff_client, campaign, submitted):
    url = reverse("honors:staff_nominations", kwargs={"code": campaign.code})
    assert 'name="nominations"' in staff_client.get(url).content.decode()
    campaign.stage = Stage.REVIEW
    campaign.save()
    assert 'name="nominations"' not in staff_client.get(url).content.decode()


def test_the_list_filters_by_review_progress(
    staff_client, campaign, expert, other_expert, django_assert_max_num_queries
):
    from django.utils import timezone

    campaign.stage = Stage.REVIEW
    campaign.save()
    unassigned, waiting, complete, drafted = (
        NominationFactory(campaign=campaign, photos=0, status=Status.ELIGIBLE) for _ in range(4)
    )
    Assignment.objects.create(nomination=waiting, expert=expert)
    done = Assignment.objects.create(nomination=waiting, expert=other_expert)
    Review.objects.create(assignment=done, total=80, submitted_at=timezone.now())
    Review.objects.create(
        assignment=Assignment.objects.create(nomination=complete, expert=expert), total=70, submitted_at=timezone.now()
    )
    Assignment.objects.create(nomination=drafted, expert=expert, draft=True)  # not released: not assigned yet
    url = reverse("honors:staff_nominations", kwargs={"code": campaign.code})

    def listed(progress):
        return {n.pk for n in staff_client.get(url, {"review": progress}).context["object_list"]}

    assert listed("unassigned") == {unassigned.pk, drafted.pk}
    assert listed("waiting") == {waiting.pk}
    assert listed("complete") == {complete.pk}
    assert len(staff_client.get(url, {"review": "bogus"}).context["object_list"]) == 4


@pytest.fixture
def campaign(db):
    return CampaignFactory(stage=Stage.ELIGIBILITY)
