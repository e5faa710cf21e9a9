import pytest
from django.urls import reverse

from laurel.honors import reviews
from laurel.honors.models import Nomination, Stage
from laurel.people.roles import RoleKind
from tests.factories.honors import CampaignFactory, NominationFactory, pdf
from tests.factories.people import OrganizationFactory, user_with_role

pytestmark = pytest.mark.django_db

KINDS = ["id_photo", "evidence", "unit_opinion", "integrity_certificate"]


@pytest.fixture
def nomination(staff, nominator, unit, expert, other_expert):
    campaign = CampaignFactory(stage=Stage.REVIEW)
    for member in (expert, other_expert):
        reviews.add_panel_member(campaign, expert=member, actor=staff)
    nomination = NominationFactory(
        campaign=campaign, unit=unit, nominated_by=nominator, status=Nomination.Status.ELIGIBLE, photos=3
    )
    reviews.assign_expert(nomination, expert=expert, actor=staff)
    return nomination


def file_url(nomination, kind):
    return reverse("honors:nomination_file", kwargs={"code": nomination.code, "kind": kind})


def photo_url(nomination):
    return reverse("honors:nomination_photo", kwargs={"code": nomination.code, "photo": nomination.photos.first().pk})


@pytest.mark.parametrize("kind", KINDS)
def test_staff_nominator_and_assigned_expert_get_each_document(client, staff, nominator, expert, nomination, kind):
    for user in (staff, nominator, expert):
        client.force_login(user)
        response = client.get(file_url(nomination, kind))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        head = b"".join(response.streaming_content)[:8]
        assert head.startswith((b"%PDF-", b"\xff\xd8"))


@pytest.mark.parametrize("kind", KINDS)
def test_outsiders_never_get_a_document(client, stranger, other_expert, nomination, kind):
    assert client.get(file_url(nomination, kind)).status_code in {302, 403}
    other_nominator = user_with_role(RoleKind.NOMINATOR, organization=OrganizationFactory(), email="o@example.org")
    for user in (stranger, other_expert, other_nominator):
        client.force_login(user)
        assert client.get(file_url(nomination, kind)).status_code == 403
        assert client.get(photo_url(nomination)).status_code == 403


def test_blind_review_gives_the_expert_only_the_anonymized_evidence(client, expert, nominator, staff, nomination):
    nomination.campaign.blind_review = True
    nomination.campaign.save()
    nomination.anonymized_evidence = pdf("anonymized.pdf")
    nomination.save()
    client.force_login(expert)
    for kind in KINDS:
        assert client.get(file_url(nomination, kind)).status_code == 403, kind
    assert client.get(photo_url(nomination)).status_code == 403
    response = client.get(file_url(nomination, "anonymized_evidence"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # consuming it closes the file
    for user in (staff, nominator):  # the full documents stay with the staff and the unit
        client.force_login(user)
        response = client.get(file_url(nomination, "evidence"))
        assert response.status_code == 200
        b"".join(response.streaming_content)


def test_conflicted_or_draft_expert_gets_nothing(client, staff, expert, other_expert, nomination):
    reviews.declare_conflict(nomination, expert=expert, note="亲属", actor=staff)
    client.force_login(expert)
    assert client.get(file_url(nomination, "evidence")).status_code == 403


def test_templates_link_the_checked_view_not_media(client, nominator, nomination):
    client.force_login(nominator)
    page = client.get(nomination.get_absolute_url()).content.decode()
    assert "/media/" not in page
    assert file_url(nomination, "evidence") in page and photo_url(nomination) in page


def test_unknown_kind_is_404(client, staff, nomination):
    client.force_login(staff)
    assert client.get(file_url(nomination, "story")).status_code == 404
