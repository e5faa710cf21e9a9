"""Behind a reverse proxy every client keeps its own allowance: each per-address limit counts the address the
trusted proxy saw, a forged X-Forwarded-For escapes nothing, and wrong passwords lock no one else out."""

import datetime
import os
import subprocess
import sys

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from laurel.core import checks, ratelimit
from laurel.core.net import address_block, client_address
from laurel.events.models import PendingRegistration
from laurel.honors import votes
from laurel.honors.models import Nomination, Objection, Stage, Vote
from laurel.news import viewcount
from laurel.news.models import Comment
from laurel.outreach.models import Talk
from tests.factories.events import EventFactory
from tests.factories.honors import CampaignFactory, NominationFactory, vote_campaign
from tests.factories.news import ArticleFactory
from tests.factories.outreach import district, next_weekday
from tests.factories.people import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the reverse proxy in front of Laurel: every request arrives from it
CLIENTS = ["203.0.113.10", "198.51.100.77", "2001:db8:4::17"]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0"


def through_proxy(address: str, attempt: int) -> dict:
    """Request headers as the proxy passes them on: whatever the client wrote into X-Forwarded-For (here a
    different forged address each time), then the address the proxy saw."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"192.0.2.{attempt % 250}, {address}"}


def request(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


# The one function


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.LAUREL_TRUSTED_PROXIES = 0
    assert client_address(request("198.51.100.5", "203.0.113.9")) == "198.51.100.5"


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own entry on the left proves nothing
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, " [2001:db8::1]:4711 ", "2001:db8::1"),
        (1, "203.0.113.9:5678", "203.0.113.9"),
        (1, "::ffff:203.0.113.9", "203.0.113.9"),
        (1, "", PROXY),  # not through the proxy (a health check on the host)
        (2, "203.0.113.9", PROXY),  # fewer entries than trusted hops: nothing in it can be trusted
        (1, "not-an-address", PROXY),
    ],
)
def test_behind_trusted_proxies_the_client_is_the_address_the_outermost_one_saw(settings, hops, forwarded, expected):
    settings.LAUREL_TRUSTED_PROXIES = hops
    assert client_address(request(PROXY, forwarded)) == expected


@pytest.mark.parametrize(("hops", "header"), [("0", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")])
def test_only_a_trusted_proxy_may_say_the_request_came_over_https(hops, header):
    environment = {
        **os.environ, "LAUREL_SECRET_KEY": "x" * 50, "LAUREL_SECURE": "1", "LAUREL_TRUSTED_PROXIES": hops,
        "DJANGO_SETTINGS_MODULE": "laurel.settings",
    }  # fmt: skip
    program = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    result = subprocess.run(
        [sys.executable, "-c", program], env=environment, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == header


def test_the_deploy_check_asks_for_trusted_proxies_when_https_is_enforced(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.LAUREL_TRUSTED_PROXIES = 0
    assert [warning.id for warning in checks.check_trusted_proxies(None)] == ["laurel.W001"]
    settings.LAUREL_TRUSTED_PROXIES = 1
    assert checks.check_trusted_proxies(None) == []


def test_an_ipv6_client_counts_per_64_network():
    assert address_block("2001:db8:4::17") == address_block("2001:db8:4:0:ffff::1") == "2001:db8:4::/64"
    assert address_block("203.0.113.10") == "203.0.113.10"


# Every per-address limit, through the proxy


def verification(client, monkeypatch):
    def send(address, attempt):
        response = client.post(
            reverse("certificates:api_verify"), "{}", content_type="application/json", **through_proxy(address, attempt)
        )
        return response.status_code != 429

    return send, 60


def comments(client, monkeypatch):
    article = ArticleFactory()

    def send(address, attempt):
        count = Comment.objects.count()
        client.post(
            article.get_absolute_url(),
            {"name": "读者", "body": f"第{attempt}条：向科技工作者致敬", "website": ""},
            **through_proxy(address, attempt),
        )
        return Comment.objects.count() == count + 1

    return send, 5


def public_votes(client, monkeypatch):
    monkeypatch.setattr(votes, "VOTES_PER_ADDRESS", ratelimit.Limit("honors.vote", count=3, seconds=600))
    campaign, (candidate, *_others) = vote_campaign()
    url = reverse("honors:vote_cast", kwargs={"code": campaign.code, "nomination": candidate.code})

    def send(address, attempt):
        client.force_login(UserFactory())
        count = Vote.objects.count()
        client.post(url, **through_proxy(address, attempt))
        return Vote.objects.count() == count + 1

    return send, 3


def talk_requests(client, monkeypatch):
    def send(address, attempt):
        count = Talk.objects.count()
        client.post(
            reverse("outreach:request"),
            {
                "host_name": "青石县实验小学",
                "host_type": "school",
                "district": district("青石县").pk,
                "address": "校前路2号",
                "audience_type": "pupils",
                "audience_size": "200",
                "wanted_topic": "新材料",
                "wanted_speaker": "",
                "delivery": "onsite",
                "contact_name": "赵老师",
                "contact_email": f"teacher{attempt}@school.example.org",
                "contact_phone": "0871-5559999",
                "date_1": next_weekday(1).isoformat(),
                "slot_1": "morning",
                "date_2": next_weekday(2).isoformat(),
                "slot_2": "afternoon",
                "date_3": "",
                "slot_3": "",
            },  # fmt: skip
            **through_proxy(address, attempt),
        )
        return Talk.objects.count() == count + 1

    return send, 5


def objections(client, monkeypatch):
    today = timezone.localdate()
    campaign = CampaignFactory(
        stage=Stage.NOTICE, notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6)
    )
    nomination = NominationFactory(campaign=campaign, status=Nomination.Status.SELECTED, photos=0)
    url = reverse("honors:objection_create", kwargs={"code": campaign.code, "nomination": nomination.code})

    def send(address, attempt):
        count = Objection.objects.count()
        client.post(
            url,
            {"full_name": "王小明", "contact": "13800000000", "email": "", "statement": "该候选人的论文存在署名争议。"},
            **through_proxy(address, attempt),
        )
        return Objection.objects.count() == count + 1

    return send, 10


def registrations(client, monkeypatch):
    event = EventFactory(registration_open=True)

    def send(address, attempt):
        count = PendingRegistration.objects.count()
        client.post(
            event.get_public_url(),
            {"name": "访客", "email": f"visitor{attempt}@example.org", "title_line": "", "special_needs": ""},
            **through_proxy(address, attempt),
        )
        return PendingRegistration.objects.count() == count + 1

    return send, 20


PER_ADDRESS_LIMITS = [verification, comments, public_votes, talk_requests, objections, registrations]


@pytest.mark.parametrize("route", PER_ADDRESS_LIMITS, ids=lambda route: route.__name__)
def test_each_client_behind_the_proxy_gets_its_own_allowance(route, client, settings, monkeypatch):
    settings.LAUREL_TRUSTED_PROXIES = 1
    send, allowed = route(client, monkeypatch)
    attempt = 0
    for address in CLIENTS:
        accepted = []
        for _index in range(allowed + 1):
            attempt += 1
            accepted.append(send(address, attempt))
        # Each address gets exactly its allowance, the forged entries on the left notwithstanding.
        assert accepted == [True] * allowed + [False], address


@pytest.mark.parametrize("route", PER_ADDRESS_LIMITS, ids=lambda route: route.__name__)
def test_a_forged_forwarded_header_from_an_untrusted_peer_escapes_no_limit(route, client, settings, monkeypatch):
    settings.LAUREL_TRUSTED_PROXIES = 0  # Laurel faces the internet: the "proxy" is just a client
    send, allowed = route(client, monkeypatch)
    accepted = [send(CLIENTS[attempt % len(CLIENTS)], attempt) for attempt in range(allowed + 1)]
    assert accepted == [True] * allowed + [False]


def test_view_counts_tell_visitors_behind_the_proxy_apart(client, settings):
    settings.LAUREL_TRUSTED_PROXIES = 1
    article = ArticleFactory()
    for attempt, address in enumerate(CLIENTS + CLIENTS):
        client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER, **through_proxy(address, attempt))
    assert viewcount.pending_views(article.pk) == len(CLIENTS)  # each visitor once, however often they come


# Wrong passwords


def sign_in(client, email: str, password: str, address: str) -> bool:
    client.logout()
    client.post(
        reverse("account_login"), {"login": email, "password": password}, **through_proxy(address, attempt=len(email))
    )
    return "_auth_user_id" in client.session


def test_eleven_wrong_passwords_from_one_address_behind_the_proxy_block_only_that_address(
    client, settings, staff, stranger
):
    settings.LAUREL_TRUSTED_PROXIES = 1
    guesser, colleague = CLIENTS[0], CLIENTS[1]
    for index in range(11):
        assert not sign_in(client, f"someone{index}@example.org", "wrong-password", guesser)
    assert sign_in(client, staff.email, PASSWORD, colleague)
    assert not sign_in(client, stranger.email, PASSWORD, guesser)  # one address cannot guess on and on


def test_a_stranger_cannot_lock_a_staff_member_out(client, settings, staff):
    settings.LAUREL_TRUSTED_PROXIES = 1
    attacker, office = CLIENTS[0], CLIENTS[1]
    for _attempt in range(20):
        assert not sign_in(client, staff.email, "wrong-password", attacker)
    assert not sign_in(client, staff.email, PASSWORD, attacker)  # the attacker's guesses stop counting as tries
    assert sign_in(client, staff.email, PASSWORD, office)


def test_five_wrong_passwords_for_one_account_from_one_address_stop_guessing_it(client, settings, staff, stranger):
    settings.LAUREL_TRUSTED_PROXIES = 1
    address = CLIENTS[0]
    for _attempt in range(5):
        assert not sign_in(client, staff.email, "wrong-password", address)
    assert not sign_in(client, staff.email, PASSWORD, address)  # even the right one, for this account
    assert sign_in(client, stranger.email, PASSWORD, address)  # other accounts from the same office still sign in


def test_a_right_password_does_not_count_as_a_failure(client, settings, staff):
    settings.LAUREL_TRUSTED_PROXIES = 1
    address = CLIENTS[0]
    for _attempt in range(4):
        assert not sign_in(client, staff.email, "wrong-password", address)
    assert all(sign_in(client, staff.email, PASSWORD, address) for _attempt in range(3))


def test_the_too_many_attempts_message_is_clear(client, settings, staff):
    settings.LAUREL_TRUSTED_PROXIES = 1
    for _attempt in range(5):
        sign_in(client, staff.email, "wrong-password", CLIENTS[0])
    response = client.post(
        reverse("account_login"),
        {"login": staff.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
        **through_proxy(CLIENTS[0], attempt=1),
    )
    assert "Too many failed login attempts. Try again later." in response.content.decode()
