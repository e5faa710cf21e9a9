import datetime
import io

import pytest

from laurel.certificates import demo, verification
from laurel.certificates.models import Certificate, IssuanceBatch, Kind
from laurel.events import demo as events_demo
from laurel.honors import demo as honors_demo
from laurel.honors.models import Campaign
from laurel.honors.publication import published_honorees
from laurel.outreach import demo as outreach_demo
from laurel.outreach.models import Batch
from laurel.people import demo as people_demo

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_links_the_honoree():
    people_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert Certificate.objects.count() == 5  # four honor certificates and one letter whose term has ended
    assert Certificate.objects.filter(status="revoked").count() == 1
    assert Certificate.objects.filter(recipient__user__email="honoree@laurel.demo").exists()
    expired = Certificate.objects.get(batch_key=demo.EXPIRED_BATCH_KEY)
    assert verification.verify_document(expired.credential).verdict == "expired"


def test_demo_seed_issues_the_2023_honor_certificates_and_first_batch_letters():
    for module in (people_demo, honors_demo, outreach_demo, events_demo, demo, demo):
        module.seed(stdout=io.StringIO())
    campaign = Campaign.objects.get(edition=2023)
    honorees = list(published_honorees(campaign))
    honor = Certificate.objects.filter(batch_key=f"campaign:{campaign.pk}", kind=Kind.HONOR).order_by("status_index")
    assert [(c.recipient_id, c.citation, c.citation_en) for c in honor] == [
        (n.person_id, n.citation, n.citation_en) for n in honorees
    ]
    assert len(honorees) == 20 and all(c.citation_en for c in honor)
    assert {c.title_en for c in honor} == {"Yunzhou 2023 Most Beautiful Sci-tech Workers"}
    # Dated as the association prints them: the day of the award ceremony (30 May 2023), not the day of seeding.
    assert {(c.issued_on, c.credential["validFrom"]) for c in honor} == {
        (datetime.date(2023, 5, 30), "2023-05-29T16:00:00Z")  # midnight in Yunzhou (UTC+8)
    }
    first_batch = Batch.objects.get(number=1)
    letters = Certificate.objects.filter(batch_key=f"lecture-batch:{first_batch.pk}", kind=Kind.APPOINTMENT)
    assert letters.count() == first_batch.memberships.active().count() > 0
    assert set(letters.values_list("issued_on", flat=True)) == {first_batch.announced_on}
    assert IssuanceBatch.objects.filter(status="finished").count() == IssuanceBatch.objects.count() == 2
    mine = Certificate.objects.filter(recipient__user__email="honoree@laurel.demo")
    assert mine.filter(batch_key=f"campaign:{campaign.pk}", status="valid").count() == 1
    assert Certificate.objects.filter(status="revoked").count() == 1


def test_demo_honor_certificates_fall_back_to_the_publication_day_without_a_ceremony():
    for module in (people_demo, honors_demo, demo):
        module.seed(stdout=io.StringIO())
    campaign = Campaign.objects.get(edition=2023)
    dates = set(Certificate.objects.filter(batch_key=f"campaign:{campaign.pk}").values_list("issued_on", flat=True))
    assert dates == {datetime.date(2023, 5, 29)}


@pytest.mark.parametrize(
    ("language", "button", "instructions"),
    [("zh-hans", "添加到数字钱包", "扫描此二维码"), ("en", "Add to a wallet", "Scan this code")],
)
def test_demo_honoree_finds_the_wallet_qr_code_on_the_desk(client, language, button, instructions):
    from django.urls import reverse

    from laurel.certificates.models import BadgeImage
    from laurel.people.models import User

    for module in (people_demo, honors_demo, demo):
        module.seed(stdout=io.StringIO())
    client.force_login(User.objects.get(email="honoree@laurel.demo"))
    headers = {"Accept-Language": language}
    desk = client.get("/dashboard/", headers=headers).content.decode()
    assert button in desk
    mine = Certificate.objects.get(recipient__user__email="honoree@laurel.demo", status="valid")
    page = client.post(reverse("certificates:wallet_offer", kwargs={"pk": mine.pk}), headers=headers).content.decode()
    assert instructions in page and "openid-credential-offer://?credential_offer=" in page and "<svg" in page
    image = mine.credential["credentialSubject"]["achievement"]["image"]
    assert image["id"].endswith(f"/credentials/badges/{BadgeImage.objects.get(title=mine.title).pk}.png")


def test_every_demo_template_prints_the_associations_generated_seal_in_the_ceremony_layout(
    django_capture_on_commit_callbacks,
):
    from pypdf import PdfReader

    from laurel.certificates import pdf
    from laurel.certificates.models import CertificateTemplate
    from laurel.certificates.views import sample_for
    from laurel.core import demo as core_demo
    from laurel.core import identity

    with django_capture_on_commit_callbacks(execute=True):  # the identity's new seal takes effect on commit
        core_demo.seed(stdout=io.StringIO())
    identity.forget()
    for module in (people_demo, demo):
        module.seed(stdout=io.StringIO())
    templates = list(CertificateTemplate.objects.all())
    assert {template.kind for template in templates} == {Kind.HONOR, Kind.APPOINTMENT}
    for template in templates:
        assert (template.border, template.seal.name) == ("ceremony", "")  # the association's seal, not its own
        page = PdfReader(io.BytesIO(pdf.render(template=template, data=sample_for(template.kind)))).pages[0]
        assert (600, 600) in [image.image.size for image in page.images], template.name  # core's drawn seal
        assert template.heading in page.extract_text().splitlines()[0]
    # And the certificates the demo issued carry it too
    for certificate in Certificate.objects.all()[:3]:
        from laurel.certificates import services

        page = PdfReader(io.BytesIO(services.pdf_bytes(certificate))).pages[0]
        assert (600, 600) in [image.image.size for image in page.images]
