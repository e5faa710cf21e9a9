import pytest

from tests.outreach.conftest import png_bytes


@pytest.fixture
def photo_files():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [SimpleUploadedFile(f"photo{index}.png", png_bytes(), content_type="image/png") for index in range(3)]
