"""Objections by real people: a plausible personal name (no 匿名-like names), a reachable contact (a valid phone
number or the confirmed email of the signed-in account), a bounded statement, a per-address limit."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laurel.honors import notices, objectors
from laurel.honors.models import Nomination, Objection, Stage
from laurel.honors.models.notices import MAX_STATEMENT_LENGTH
from tests.factories.honors import scored_campaign

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["王小明", "欧阳娜娜", "阿依古丽·买买提", "Mary Smith", "Jean-Luc O'Neil"])
def test_a_plausible_personal_name_is_accepted(name):
    assert objectors.name_problem(name) is None


@pytest.mark.parametrize(
    "name",
    ["", "  ", "匿名", "匿名群众", "一名知情人", "热心网友", "某某", "张先生", "李女士", "Anonymous", "anon ymous",
     "王", "Mary", "哈哈哈", "13800000000", "<script>", "x" * 61, "N/A"],
)  # fmt: skip
def test_an_anonymous_or_implausible_name_is_refused(name):
    assert objectors.name_problem(name) is not None


@pytest.mark.parametrize(
    "phone", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "0791-86123456", "010-12345678转123"]
)
def test_a_valid_phone_number_is_a_reachable_contact(phone):
    assert objectors.contact_problem(phone) is None


@pytest.mark.parametrize("contact", ["", "12345", "请打电话", "13800", "23800138000", "someone@example.org"])
def test_an_unreachable_contact_is_refused_unless_signed_in_with_a_confirmed_email(contact):
    assert objectors.contact_problem(contact) is not None
    assert objectors.contact_problem(contact, verified_email="reader@example.org") is None


@pytest.fixture
def on_notice(expert):
    today = timezone.localdate()
    campaign, made = scored_campaign(
        totals=[[95], [90]], experts=[expert], honorees_count=1, stage=Stage.NOTICE,
        notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6),
    )  # fmt: skip
    Nomination.objects.filter(pk=made[0].pk).update(status=Nomination.Status.SELECTED)
    return Nomination.objects.select_related("campaign", "person").get(pk=made[0].pk)


def objection(nomination, **overrides):
    data = {"full_name": "王小明", "contact": "13800000000", "email": "", "address": "198.51.100.40",
            "statement": "该候选人的论文存在署名争议。"}  # fmt: skip
    return notices.file_objection(nomination, **{**data, **overrides})


def test_the_service_refuses_an_anonymous_name_and_an_unreachable_contact_and_keeps_nothing(on_notice):
    with pytest.raises(ValidationError) as error:
        objection(on_notice, full_name="匿名群众", contact="请打电话")
    assert set(error.value.message_dict) == {"full_name", "contact"}
    assert Objection.objects.count() == 0


def test_the_statement_is_bounded(on_notice):
    with pytest.raises(ValidationError) as error:
        objection(on_notice, statement="争" * (MAX_STATEMENT_LENGTH + 1))
    assert list(error.value.message_dict) == ["statement"]


def test_a_signed_in_reader_with_a_confirmed_email_needs_no_phone(client, on_notice, stranger):
    EmailAddress.objects.update_or_create(user=stranger, email=stranger.email, defaults={"verified": True})
    client.force_login(stranger)
    url = reverse("honors:objection_create", kwargs={"code": on_notice.campaign.code, "nomination": on_notice.code})
    response = client.post(url, {"full_name": "王小明", "contact": "", "statement": "该候选人的论文存在署名争议。"})
    assert response.status_code == 302
    stored = Objection.objects.get()
    assert (stored.contact, stored.email) == (stranger.email, stranger.email)


def test_an_unconfirmed_account_still_needs_a_phone(client, on_notice, stranger):
    EmailAddress.objects.filter(user=stranger).update(verified=False)
    client.force_login(stranger)
    url = reverse("honors:objection_create", kwargs={"code": on_notice.campaign.code, "nomination": on_notice.code})
    response = client.post(
        url, {"full_name": "王小明", "contact": "", "statement": "该候选人的论文存在署名争议。"},
        headers={"accept-language": "en"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Give a phone number the association can call" in response.content.decode()
    assert Objection.objects.count() == 0


def test_objections_are_limited_per_address(on_notice):
    for _attempt in range(notices.OBJECTIONS_PER_ADDRESS.count):
        with pytest.raises(ValidationError):
            objection(on_notice, full_name="匿名")
    with pytest.raises(ValidationError) as error:
        objection(on_notice)
    assert error.value.code == "rate_limited"
