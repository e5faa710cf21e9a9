"""Permissions follow current roles: a nomination belongs to its unit, so whoever holds the unit's nominator role
now may act on it, and nobody else, whoever created it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from laurel.honors import nominations, reviews
from laurel.honors.models import Campaign, Nomination, Stage
from laurel.outreach import services as talks
from laurel.outreach.models import Talk
from laurel.people.models import Role, User
from laurel.people.roles import RoleKind
from laurel.people.services import revoke_role
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.outreach import MembershipFactory, TalkFactory, next_weekday
from tests.factories.people import OrganizationFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db
Status = Nomination.Status
DOCUMENTS = ["id_photo", "evidence", "unit_opinion", "integrity_certificate"]


@pytest.fixture
def nomination(nominator, unit):
    """A submitted nomination the `nominator` persona made for the unit."""
    return NominationFactory(unit=unit, nominated_by=nominator, status=Status.SUBMITTED)


@pytest.fixture
def former_nominator(nominator, staff, unit):
    """The nominator who made the nomination, whose role for the unit staff have removed since."""
    revoke_role(Role.objects.get(user=nominator, kind=RoleKind.NOMINATOR, organization=unit), actor=staff)
    return User.objects.get(pk=nominator.pk)


def _file(nomination, kind):
    return reverse("honors:nomination_file", kwargs={"code": nomination.code, "kind": kind})


def _status(client, url) -> int:
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def _pages(nomination) -> list[str]:
    return [
        reverse("honors:nomination_detail", kwargs={"code": nomination.code}),
        reverse("honors:nomination_update", kwargs={"nomination": nomination.code}),
        reverse("honors:nomination_photo", kwargs={"code": nomination.code, "photo": nomination.photos.first().pk}),
        *(_file(nomination, kind) for kind in DOCUMENTS),
    ]


def test_former_nominator_no_longer_reads_the_nomination_or_its_documents(client, former_nominator, nomination):
    client.force_login(former_nominator)
    assert [_status(client, url) for url in _pages(nomination)] == [403] * 7
    assert _status(client, reverse("honors:my_nominations")) == 403


def test_former_nominator_cannot_withdraw_the_nomination(client, former_nominator, nomination):
    client.force_login(former_nominator)
    response = client.post(reverse("honors:nomination_withdraw", kwargs={"code": nomination.code}))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        nominations.withdraw_nomination(nomination, actor=former_nominator)
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED


def test_former_nominator_cannot_change_a_returned_nomination(client, former_nominator, nomination):
    Nomination.objects.filter(pk=nomination.pk).update(status=Status.RETURNED)
    nomination.refresh_from_db()
    client.force_login(former_nominator)
    response = client.post(
        reverse("honors:nomination_update", kwargs={"nomination": nomination.code}),
        {"category": nomination.category, "story": "改写的事迹", "consent": "on"},
    )
    assert response.status_code == 403
    for action in (
        lambda: nominations.update_nomination(nomination, actor=former_nominator, data={"story": "改写的事迹"}),
        lambda: nominations.submit_nomination(nomination, actor=former_nominator),
    ):
        with pytest.raises(PermissionDenied):
            action()
    nomination.refresh_from_db()
    assert (nomination.status, nomination.story) == (Status.RETURNED, "长期扎根一线，攻克关键技术难题。")


def test_another_units_nominator_never_gets_in(client, nomination):
    outsider = user_with_role(RoleKind.NOMINATOR, organization=OrganizationFactory(), email="outsider@example.org")
    client.force_login(outsider)
    assert [_status(client, url) for url in _pages(nomination)] == [403] * 7
    assert client.post(reverse("honors:nomination_withdraw", kwargs={"code": nomination.code})).status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED


def test_the_units_new_nominator_takes_the_nomination_over(client, former_nominator, nomination, unit):
    successor = user_with_role(RoleKind.NOMINATOR, organization=unit, email="successor@example.org")
    client.force_login(successor)
    assert [_status(client, url) for url in _pages(nomination)] == [200] * 7
    listed = client.get(reverse("honors:my_nominations")).context["object_list"]
    assert [item.code for item in listed] == [nomination.code]
    client.post(reverse("honors:nomination_withdraw", kwargs={"code": nomination.code}))
    nomination.refresh_from_db()
    assert nomination.status == Status.WITHDRAWN


def test_status_mail_goes_to_the_units_current_nominators(
    former_nominator, nomination, unit, staff, mailoutbox, django_capture_on_commit_callbacks
):
    successor = user_with_role(RoleKind.NOMINATOR, organization=unit, email="successor@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        nominations.check_eligibility(nomination, outcome="return", reason="缺少单位意见", actor=staff)
    assert [message.to for message in mailoutbox] == [[successor.email]]


def test_self_nomination_stays_with_the_account_linked_to_the_nominee(client, staff):
    campaign = CampaignFactory(channel=Campaign.Channel.ALSO_SELF)
    nominee = user_with_role(None, email="nominee@example.org")
    person = PersonFactory(user=nominee)
    nomination = NominationFactory(
        campaign=campaign, unit=person.organization, person=person, nominated_by=nominee,
        channel=Nomination.Channel.SELF, status=Status.SUBMITTED,
    )  # fmt: skip
    client.force_login(nominee)
    assert _status(client, _file(nomination, "id_photo")) == 200

    person.user = None
    person.save()
    assert [_status(client, url) for url in _pages(nomination)] == [403] * 7
    assert client.post(reverse("honors:nomination_withdraw", kwargs={"code": nomination.code})).status_code == 403


def test_expert_whose_role_is_removed_cannot_step_back_or_read(client, staff, expert, nominator, unit):
    campaign = CampaignFactory(stage=Stage.REVIEW)
    reviews.add_panel_member(campaign, expert=expert, actor=staff)
    nomination = NominationFactory(campaign=campaign, unit=unit, nominated_by=nominator, status=Status.ELIGIBLE)
    assignment = reviews.assign_expert(nomination, expert=expert, actor=staff)
    revoke_role(Role.objects.get(user=expert, kind=RoleKind.EXPERT), actor=staff)
    expert = User.objects.get(pk=expert.pk)

    client.force_login(expert)
    assert _status(client, _file(nomination, "evidence")) == 403
    with pytest.raises(PermissionDenied):
        reviews.recuse(assignment, reason="与被推荐人合作过", actor=expert)
    assignment.refresh_from_db()
    assert assignment.recused_at is None


def test_retired_speaker_can_no_longer_answer_a_dispatched_talk(client, staff, member):
    membership = MembershipFactory(user=member, person__user=member)
    talk = TalkFactory(status=Talk.Status.REVIEWED)
    talks.dispatch(talk, membership=membership, date=next_weekday(2), slot="morning", actor=staff)
    membership.retired_on = timezone.localdate() - datetime.timedelta(days=1)
    membership.save()

    client.force_login(member)
    assert client.get(reverse("outreach:talk_detail", kwargs={"code": talk.code})).status_code == 403
    response = client.post(reverse("outreach:answer", kwargs={"code": talk.code}), {"answer": "accept"})
    assert response.status_code == 403
    talk.refresh_from_db()
    assert talk.status == Talk.Status.DISPATCHED
