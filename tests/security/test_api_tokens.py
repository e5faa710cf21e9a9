"""API tokens expire, carry a read or write scope, and act only as far as their owner may act now: a staff or
expert owner must hold the second factor this installation requires, when the token is made and when it is used."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.utils import timezone

from laurel.people.models import ApiToken, Organization, Person, Role
from laurel.people.services import create_api_token, revoke_api_token
from tests.factories.people import PersonFactory
from tests.factories.two_factor import enrol_totp

pytestmark = pytest.mark.django_db

UNIT = {"name": "新单位", "kind": "enterprise"}


def bearer(token: str, language: str = "en") -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "accept-language": language}


def post_unit(client, token, language="en"):
    return client.post("/api/v1/organizations", UNIT, content_type="application/json", headers=bearer(token, language))


def test_an_expired_token_is_refused_with_a_401_that_says_it_expired(client, staff):
    token = create_api_token(user=staff, name="old", scope="write")
    ApiToken.objects.update(
        created_at=datetime.datetime(2023, 12, 2, 4, 0, tzinfo=datetime.UTC),
        expires_at=datetime.datetime(2024, 3, 1, 4, 0, tzinfo=datetime.UTC),
    )
    response = client.get("/api/v1/persons", headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "This API token expired on 2024-03-01 12:00. Create a new token on the API tokens page."
    }
    response = post_unit(client, token, language="zh-hans")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("此 API 令牌已于 2024-03-01 12:00 过期")
    assert not Organization.objects.filter(name=UNIT["name"]).exists()


def test_an_expired_token_does_not_fall_back_to_anonymous_reads(client, staff):
    hidden = PersonFactory()
    token = create_api_token(user=staff, name="old", scope="read")
    now = timezone.now()
    ApiToken.objects.update(
        created_at=now - datetime.timedelta(days=90), expires_at=now - datetime.timedelta(seconds=1)
    )
    assert client.get(f"/api/v1/persons/{hidden.code}", headers=bearer(token)).status_code == 401


def test_a_read_token_is_refused_every_change_with_a_403_naming_its_scope(client, staff):
    unit = Organization.objects.create(name="云州大学", kind="university")
    token = create_api_token(user=staff, name="dashboard", scope="read")
    message = {
        "detail": "This API token has the read scope: it can only read. Use a token with the write scope to make changes."
    }
    for method, path in [
        ("post", "/api/v1/organizations"),
        ("put", f"/api/v1/organizations/{unit.code}"),
        ("post", "/api/v1/persons"),
        ("put", "/api/v1/persons/ANYCODE"),
        ("post", "/api/v1/nominations/ANYCODE/eligibility"),
        ("post", "/api/v1/campaigns/ANYCODE/vote/candidates/ANYCODE"),
    ]:
        response = getattr(client, method)(path, UNIT, content_type="application/json", headers=bearer(token))
        assert (method, path, response.status_code, response.json()) == (method, path, 403, message)
    response = client.post(
        "/credentials/issue", {"credential": {}}, content_type="application/json", headers=bearer(token)
    )
    assert (response.status_code, response.json()) == (403, message)
    assert Organization.objects.count() == 1 and Person.objects.count() == 0


def test_a_read_token_reads_what_its_owner_may_read(client, staff):
    hidden = PersonFactory()
    token = create_api_token(user=staff, name="dashboard", scope="read")
    assert client.get(f"/api/v1/persons/{hidden.code}", headers=bearer(token)).status_code == 200


def test_a_write_token_writes(client, staff):
    token = create_api_token(user=staff, name="sync", scope="write")
    assert post_unit(client, token).status_code == 201


def test_a_token_expires_after_90_days_unless_chosen_and_never_after_more_than_a_year(staff):
    before = timezone.now()
    create_api_token(user=staff, name="default", scope="read")
    expires_at = ApiToken.objects.get().expires_at
    assert before + datetime.timedelta(days=90) <= expires_at <= timezone.now() + datetime.timedelta(days=90)
    with pytest.raises(ValidationError) as error:
        create_api_token(
            user=staff, name="forever", scope="read", expires_at=timezone.now() + datetime.timedelta(days=366)
        )
    assert error.value.message_dict == {"expires_at": ["API 令牌的有效期最长为 365 天。"]}
    with pytest.raises(ValidationError):
        create_api_token(user=staff, name="past", scope="read", expires_at=timezone.now())
    with pytest.raises(ValidationError):
        create_api_token(user=staff, name="admin", scope="admin")
    assert ApiToken.objects.count() == 1


def test_the_database_refuses_a_token_without_expiry_or_with_an_unknown_scope(staff):
    from django.db import IntegrityError, transaction

    for fields in ({"scope": "write", "expires_at": None}, {"scope": "all", "expires_at": timezone.now()}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ApiToken.objects.create(user=staff, name="raw", token_hash=str(fields["scope"]) * 8, **fields)


@pytest.mark.requires_2fa
def test_staff_without_totp_cannot_create_a_token(staff, expert):
    for user in (staff, expert):
        with pytest.raises(ValidationError) as error:
            create_api_token(user=user, name="sync", scope="write")
        assert error.value.messages == ["创建 API 令牌前，请先启用双因素认证（身份验证器应用）。"]
    assert ApiToken.objects.count() == 0


@pytest.mark.requires_2fa
def test_the_token_page_does_not_give_staff_without_totp_a_token(staff_client):
    response = staff_client.post("/staff/api-tokens/", {"name": "sync", "scope": "write", "lifetime": "90"})
    assert response.status_code == 302
    assert ApiToken.objects.count() == 0


@pytest.mark.requires_2fa
def test_a_token_whose_owner_lost_totp_is_refused(client, staff):
    enrol_totp(staff)
    token = create_api_token(user=staff, name="sync", scope="write")
    assert client.get("/api/v1/persons", headers=bearer(token)).status_code == 200
    Authenticator.objects.filter(user=staff).delete()
    response = post_unit(client, token)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("The owner of this API token must use two-factor authentication")
    assert client.get("/api/v1/persons", headers=bearer(token)).status_code == 403
    assert not Organization.objects.filter(name=UNIT["name"]).exists()


@pytest.mark.requires_2fa
def test_a_token_of_a_nominator_needs_no_totp(client, nominator):
    token = create_api_token(user=nominator, name="mine", scope="read")
    assert client.get("/api/v1/persons", headers=bearer(token)).status_code == 200


def test_a_token_whose_owner_lost_the_staff_role_acts_with_the_roles_left(client, staff):
    hidden = PersonFactory()
    public = PersonFactory(is_public=True)
    token = create_api_token(user=staff, name="sync", scope="write")
    Role.objects.filter(user=staff).delete()
    assert post_unit(client, token).status_code == 403
    response = client.get("/api/v1/persons", headers=bearer(token))
    assert [item["code"] for item in response.json()["items"]] == [public.code]
    assert client.get(f"/api/v1/persons/{hidden.code}", headers=bearer(token)).status_code == 404
    assert not Organization.objects.filter(name=UNIT["name"]).exists()


def test_a_revoked_token_is_refused(client, staff):
    token = create_api_token(user=staff, name="sync", scope="write")
    revoke_api_token(ApiToken.objects.get(), actor=staff)
    assert post_unit(client, token).status_code == 401
    assert not Organization.objects.filter(name=UNIT["name"]).exists()


def test_a_token_of_a_deactivated_account_is_refused(client, staff):
    token = create_api_token(user=staff, name="sync", scope="write")
    staff.is_active = False
    staff.save()
    assert post_unit(client, token).status_code == 401
