import pytest
from django.core.cache import cache

from laurel.outreach.models import Membership
from tests.factories.outreach import MembershipFactory, TalkTopicFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def speaker_membership(member) -> Membership:
    """The `member` persona's membership, with a materials topic, reaching 东湖区, available every slot."""
    membership = MembershipFactory(user=member, person__name="宋远", person__user=member)
    TalkTopicFactory(membership=membership)
    return membership


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def photo_files():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [SimpleUploadedFile(f"photo{index}.png", png_bytes(), content_type="image/png") for index in range(3)]
