import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from laurel.honors.models import Campaign, Criterion, EligibilityRule, Nomination, NominationPhoto, Stage
from tests.factories.people import OrganizationFactory, PersonFactory, UserFactory


def jpeg(name="photo.jpg", size=(40, 56), color="red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf_bytes(pages: int = 1) -> bytes:
    """A real (blank) PDF document that pypdf reads, as Laurel's judge of uploads requires."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf(name="document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    series = "most-beautiful"
    name = factory.Sequence(lambda n: f"最美科技工作者{n}")
    edition = factory.Sequence(lambda n: 2024 + n)
    honorees_count = 2
    default_quota = 2
    stage = Stage.OPEN
    nomination_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))

    @factory.post_generation
    def setup(self, create, extracted, **kwargs):
        if create:
            EligibilityRule.objects.get_or_create(campaign=self, defaults={"require_in_post": True})
            if not self.criteria.exists():
                Criterion.objects.create(campaign=self, name="事迹", weight=60, order=0)
                Criterion.objects.create(campaign=self, name="影响", weight=40, order=1)


class NominationFactory(factory.django.DjangoModelFactory):
    """A complete draft, ready to submit."""

    class Meta:
        model = Nomination
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.SubFactory(OrganizationFactory)
    person = factory.LazyAttribute(lambda nomination: PersonFactory(organization=nomination.unit))
    nominated_by = factory.SubFactory(UserFactory)
    category = Nomination.Category.FRONT_LINE
    story = "长期扎根一线，攻克关键技术难题。"
    id_photo = factory.LazyFunction(lambda: jpeg("id.jpg"))
    evidence = factory.LazyFunction(lambda: pdf("evidence.pdf"))
    unit_opinion = factory.LazyFunction(lambda: pdf("opinion.pdf"))
    integrity_certificate = factory.LazyFunction(lambda: pdf("integrity.pdf"))
    years_in_city = 10
    consent = True

    @factory.post_generation
    def photos(self, create, extracted, **kwargs):
        if create:
            for index in range(3 if extracted is None else extracted):
                NominationPhoto.objects.create(nomination=self, image=jpeg(f"work{index}.jpg"))


def scored_campaign(*, totals: list[list[float]], experts, stage=Stage.COMMITTEE, **campaign_fields):
    """A campaign whose eligible nominations i got `totals[i]` from `experts` (one review each, round 1)."""
    from laurel.honors.models import Assignment, Review

    campaign = CampaignFactory(stage=stage, **campaign_fields)
    made = []
    for scores in totals:
        nomination = NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0)
        for expert, total in zip(experts, scores, strict=False):
            assignment = Assignment.objects.create(nomination=nomination, expert=expert, round=1)
            Review.objects.create(assignment=assignment, total=total, submitted_at=timezone.now())
        made.append(nomination)
    return campaign, made


def vote_campaign(
    *, candidates=3, opens_in=datetime.timedelta(hours=-1), closes_in=datetime.timedelta(days=2), **fields
):
    """A campaign in its public vote (the window open now unless told otherwise) with `candidates` eligible
    nominations, named 候选人1, 候选人2... in list order."""
    now = timezone.now()
    settings = {
        "stage": Stage.PUBLIC_VOTE, "public_vote": True, "public_vote_weight": 30,
        "nomination_deadline": now - datetime.timedelta(days=30), "vote_opens_at": now + opens_in,
        "vote_closes_at": now + closes_in, **fields,
    }  # fmt: skip
    campaign = CampaignFactory(**settings)
    made = []
    for index in range(1, candidates + 1):
        unit = OrganizationFactory()
        made.append(
            NominationFactory(
                campaign=campaign, unit=unit, person=PersonFactory(organization=unit, name=f"候选人{index}"),
                status=Nomination.Status.ELIGIBLE, photos=0, citation=f"候选人{index}的推荐语",
                citation_en=f"Citation of candidate {index}",
            )
        )  # fmt: skip
    return campaign, made
