"""The API tokens page: scope and lifetime chosen on creation, shown in both languages, revoked by the owner."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.people.models import ApiToken
from laurel.people.services import create_api_token
from tests.factories.people import RoleKind, user_with_role
from tests.factories.two_factor import enrol_totp

pytestmark = pytest.mark.django_db

PAGE = reverse("people:api_tokens")


def test_a_new_token_is_read_only_and_lives_90_days_unless_chosen(staff_client):
    form = staff_client.get(PAGE).context["form"]
    assert (form["scope"].initial, form["lifetime"].initial) == ("read", 90)


def test_staff_create_a_read_token_for_30_days(staff_client, staff):
    before = timezone.now()
    response = staff_client.post(PAGE, {"name": "大屏", "scope": "read", "lifetime": "30"})
    assert response.context["new_token"].startswith("lrl_")
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.scope) == (staff, "大屏", "read")
    assert before + datetime.timedelta(days=30) <= token.expires_at <= timezone.now() + datetime.timedelta(days=30)
    entry = AuditEntry.objects.get(action="people.api_token.created")
    assert (entry.actor, entry.data["scope"], entry.data["expires_at"]) == (staff, "read", token.expires_at.isoformat())


def test_a_lifetime_beyond_the_choices_is_refused(staff_client):
    response = staff_client.post(
        PAGE, {"name": "x", "scope": "write", "lifetime": "3650"}, headers={"accept-language": "en"}
    )
    assert "Select a valid choice." in response.context["form"].errors["lifetime"][0]
    response = staff_client.post(PAGE, {"name": "x", "scope": "admin", "lifetime": "90"})
    assert "scope" in response.context["form"].errors
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Read only", "Read and write", "Expires", "expired", "2031-05-01 08:00"]),
        ("zh-hans", ["只读", "读写", "过期时间", "已过期", "2031-05-01 08:00"]),
    ],
)
def test_the_list_shows_each_tokens_scope_and_expiry(staff_client, staff, language, texts):
    create_api_token(
        user=staff,
        name="同步",
        scope="write",
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    ApiToken.objects.update(expires_at=datetime.datetime(2031, 5, 1, tzinfo=datetime.UTC))
    create_api_token(user=staff, name="旧", scope="read")
    now = timezone.now()
    ApiToken.objects.filter(name="旧").update(
        created_at=now - datetime.timedelta(days=91), expires_at=now - datetime.timedelta(days=1)
    )
    html = staff_client.get(PAGE, headers={"accept-language": language}).content.decode()
    for text in texts:
        assert text in html, text
    assert html.count('data-testid="token-row"') == 2


def test_the_list_shows_only_ones_own_tokens_in_constant_queries(staff_client, staff):
    other_staff = user_with_role(RoleKind.STAFF, email="other-staff@example.org")
    create_api_token(user=other_staff, name="theirs", scope="write")
    create_api_token(user=staff, name="mine", scope="read")
    with CaptureQueriesContext(connection) as one:
        response = staff_client.get(PAGE)
    assert [token.name for token in response.context["tokens"]] == ["mine"]
    for number in range(5):
        create_api_token(user=staff, name=f"more {number}", scope="read")
    with CaptureQueriesContext(connection) as six:
        staff_client.get(PAGE)
    assert len(six) == len(one)


def test_the_owner_revokes_a_token_and_it_is_logged(staff_client, staff):
    create_api_token(user=staff, name="sync", scope="write")
    token = ApiToken.objects.get()
    response = staff_client.post(reverse("people:api_token_revoke", kwargs={"pk": token.pk}))
    assert response.url == PAGE
    assert ApiToken.objects.count() == 0
    entry = AuditEntry.objects.get(action="people.api_token.revoked")
    assert (entry.actor, entry.data) == (staff, {"name": "sync", "scope": "write"})


def test_staff_cannot_revoke_another_staff_members_token(staff_client):
    other_staff = user_with_role(RoleKind.STAFF, email="other-staff@example.org")
    create_api_token(user=other_staff, name="theirs", scope="write")
    token = ApiToken.objects.get()
    assert staff_client.post(reverse("people:api_token_revoke", kwargs={"pk": token.pk})).status_code == 404
    assert ApiToken.objects.count() == 1


def test_demo_mode_says_staff_tokens_need_no_second_factor_here(staff_client):
    html = staff_client.get(PAGE, headers={"accept-language": "en"}).content.decode()
    assert "Demo mode: staff can create tokens without two-factor authentication on this server." in html
    assert staff_client.post(PAGE, {"name": "demo", "scope": "write", "lifetime": "90"}).status_code == 200
    assert ApiToken.objects.count() == 1


@pytest.mark.requires_2fa
def test_staff_with_totp_create_tokens_and_see_no_demo_notice(staff_client, staff):
    enrol_totp(staff)
    assert 'data-testid="demo-token-notice"' not in staff_client.get(PAGE).content.decode()
    staff_client.post(PAGE, {"name": "sync", "scope": "write", "lifetime": "365"})
    assert ApiToken.objects.get().scope == "write"
