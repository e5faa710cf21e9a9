"""The achievement's image (Open Badges 3.0 `achievement.image`): a round badge PNG per award, drawn once, served
publicly at a fixed address, named by the signed credential."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from laurel.certificates import badge_image, services
from laurel.certificates.models import BadgeImage
from tests.certificates.test_independent_verifier import served, verify_independently
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_credential_names_the_awards_badge_and_still_verifies(client, tmp_path, certificate):
    image = certificate.credential["credentialSubject"]["achievement"]["image"]
    badge = BadgeImage.objects.get()
    path = reverse("certificates:badge_image", kwargs={"pk": badge.pk})
    assert image == {"id": f"http://127.0.0.1:8000{path}", "type": "Image", "caption": "云州市最美科技工作者"}
    result = verify_independently(tmp_path, certificate.credential, **served(client))
    assert (result["verified"], result["errors"]) == (True, [])


def test_the_badge_is_a_round_png_served_publicly_with_a_long_cache(client, certificate):
    badge = BadgeImage.objects.get()
    response = client.get(reverse("certificates:badge_image", kwargs={"pk": badge.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    image.verify()  # a valid PNG, not merely its signature
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size, image.mode) == ("PNG", (512, 512), "RGBA")
    assert image.getpixel((2, 2))[3] == 0  # the corner lies outside the disc: transparent
    assert image.getpixel((256, 40))[:3] != (0, 0, 0)  # the ring is drawn
    assert client.get(reverse("certificates:badge_image", kwargs={"pk": badge.pk + 1})).status_code == 404


def test_one_badge_per_award_drawn_once(certificate, template, staff):
    for name in ("李明", "赵雪"):
        services.issue_one(
            template=template,
            recipient=PersonFactory(name=name),
            title="云州市最美科技工作者",
            batch_key="2026-最美",
            actor=staff,
        )
    services.issue_one(
        template=template, recipient=PersonFactory(), title="云州市科普之星", batch_key="2026-科普", actor=staff
    )
    assert sorted(BadgeImage.objects.values_list("title", flat=True)) == ["云州市最美科技工作者", "云州市科普之星"]


@pytest.mark.parametrize(
    "title", ["云", "Most Beautiful Sci-tech Worker of Yunzhou", "云州市" * 40, "𠮷田的奖 <script>alert(1)</script>"]
)
def test_any_title_draws_within_the_disc(title):
    image = Image.open(io.BytesIO(badge_image.draw(title, "荣誉证书")))
    assert image.size == (512, 512)
    assert image.getpixel((2, 509))[3] == 0
