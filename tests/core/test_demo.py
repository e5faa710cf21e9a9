import io

import pytest
from PIL import Image

from laurel.core import demo, identity
from laurel.core.models import SiteIdentity

pytestmark = pytest.mark.django_db


def test_the_demo_sets_the_associations_identity_once_with_a_drawn_seal(client):
    for _run in range(2):
        demo.seed(stdout=io.StringIO())
    row = SiteIdentity.objects.get()
    assert row.name == "云州市科学技术协会"
    with row.seal.open("rb") as handle:
        seal = Image.open(handle)
        seal.load()
    assert seal.mode == "RGBA" and seal.getpixel((0, 0))[3] == 0  # transparent around the ring
    red = sum(1 for pixel in seal.get_flattened_data() if pixel[3] and pixel[0] > 150 and pixel[1] < 60)
    assert red > seal.width * seal.height * 0.05
    identity.forget()
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "Yunzhou Association for Science and Technology" in html and "（演示）" in html
