"""The demo's calls (text, a typst PDF and a Word form, through the same judges as uploads) and honoree photos."""

import pytest
from django.utils import timezone

from laurel.honors import demo, demo_public
from laurel.honors.models import CallAttachment, Nomination, Stage
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db


def test_every_public_campaign_gets_its_call_once(staff):
    public = CampaignFactory(stage=Stage.OPEN)
    draft = CampaignFactory(stage=Stage.DRAFT)
    assert demo_public.seed(staff=staff) == 1
    public.refresh_from_db()
    assert "<h2>一、评选对象</h2>" in public.call_html and "<table>" in public.call_html
    assert "<h2>Who may be nominated</h2>" in public.call_html_en
    kinds = sorted(public.call_attachments.values_list("kind", flat=True))
    assert kinds == [CallAttachment.Kind.DOCX, CallAttachment.Kind.PDF]
    assert not draft.call_attachments.exists()
    assert demo_public.seed(staff=staff) == 0  # seeding again changes nothing


def test_published_honorees_get_a_drawn_photo():
    campaign = CampaignFactory(stage=Stage.PUBLISHED, published_at=timezone.now())
    honoree = NominationFactory(campaign=campaign, status=Nomination.Status.SELECTED, photos=0, id_photo="")
    waiting = NominationFactory(campaign=CampaignFactory(), status=Nomination.Status.SELECTED, photos=0, id_photo="")
    assert demo_public.seed_honoree_photos(draw=demo._id_photo) == 1
    honoree.refresh_from_db()
    waiting.refresh_from_db()
    assert honoree.id_photo.name.endswith(".jpg") and not waiting.id_photo
