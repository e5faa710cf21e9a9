"""Private files are private: one public media area (article covers), one private storage that Laurel serves itself
after a permission check or behind an unguessable link; no guessable path; a revoked certificate's PDF is not
handed to the public."""

import importlib
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import clear_url_caches, reverse
from PIL import Image

import laurel.urls
from laurel.certificates import services
from laurel.certificates.models import Certificate
from laurel.core.storage import relocate_files
from laurel.news import services as news_services
from laurel.people import services as people_services
from laurel.people.models import Person
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.honors import jpeg
from tests.factories.news import ArticleFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def development_urls(settings):
    """The URL map `make demo` serves (DEBUG on), where Laurel itself stands in for the web server's /media/."""
    settings.DEBUG = True
    importlib.reload(laurel.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(laurel.urls)
    clear_url_caches()


@pytest.fixture
def honoree(db, stranger):
    return PersonFactory(name="王䶮", name_en="Wang Yan", user=stranger)


@pytest.fixture
def certificate(honoree, staff):
    return services.issue_one(
        template=CertificateTemplateFactory(), recipient=honoree, title="云州市最美科技工作者",
        batch_key="2026-最美", actor=staff,
    )  # fmt: skip


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_certificate_pdf_is_not_at_its_sequential_number_under_media(client, certificate, development_urls, settings):
    assert client.get(f"/media/certificates/pdf/{certificate.number}.pdf").status_code == 404
    assert client.get(f"/media/private/{certificate.pdf.name}").status_code == 404
    assert client.get(f"/media/{certificate.pdf.name}").status_code == 404
    assert certificate.number not in certificate.pdf.name
    assert Path(certificate.pdf.path).is_relative_to(Path(settings.MEDIA_ROOT) / "private")


def test_private_uploads_have_no_media_url(client, staff, unit, development_urls):
    person = people_services.create_person(
        actor=staff, data={"name": "李明", "gender": "male", "organization": unit}, photo=jpeg("李明.jpg")
    )
    assert client.get(f"/media/{person.photo.name}").status_code == 404
    assert client.get(f"/media/private/{person.photo.name}").status_code == 404
    assert client.get("/media/people/photos/李明.jpg").status_code == 404
    with pytest.raises(ValueError):
        person.photo.url  # noqa: B018 (a private file has no URL to leak into a page)


def test_public_media_in_development_serves_covers_safely_and_nothing_else(client, staff, unit, development_urls):
    article = news_services.save_article(ArticleFactory(), actor=staff, data={}, cover=jpeg("cover.jpg"))
    response = client.get(article.cover.url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert (response["X-Content-Type-Options"], response["Content-Security-Policy"]) == ("nosniff", "sandbox")
    assert body(response)[:2] == b"\xff\xd8"
    private_name = people_services.create_person(
        actor=staff, data={"name": "李明", "gender": "male", "organization": unit}, photo=jpeg("p.jpg")
    ).photo.name
    assert client.get(f"/media/public/../private/{private_name}").status_code in {400, 404}
    assert client.get(f"/media/public/%2e%2e/private/{private_name}").status_code in {400, 404}


def test_certificate_pdf_is_served_through_its_verification_link_as_a_download(client, certificate):
    response = client.get(reverse("certificates:pdf_download", kwargs={"token": certificate.token}))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}.pdf"'
    assert (response["X-Content-Type-Options"], response["Content-Security-Policy"]) == ("nosniff", "sandbox")
    assert body(response)[:5] == b"%PDF-"


def test_revoked_certificate_pdf_is_not_served_to_the_public(client, certificate, staff):
    services.revoke(certificate, reason="事迹不实", actor=staff)
    url = reverse("certificates:pdf_download", kwargs={"token": certificate.token})
    assert client.get(url).status_code == 404
    page = client.get(certificate.get_absolute_url()).content.decode()
    assert "已撤销" in page and url not in page


def test_staff_and_the_honoree_still_download_a_revoked_certificate_pdf(client, certificate, staff, stranger):
    services.revoke(certificate, reason="事迹不实", actor=staff)
    url = reverse("certificates:my_download", kwargs={"pk": certificate.pk, "file_format": "pdf"})
    for user in (staff, stranger):
        client.force_login(user)
        response = client.get(url)
        assert (response.status_code, body(response)[:5]) == (200, b"%PDF-")


def old_file(settings, name: str, content: bytes) -> None:
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def test_files_stored_the_old_way_move_once_to_random_names_in_their_area(certificate, staff, settings):
    """Before the upgrade: MEDIA_ROOT/certificates/pdf/<number>.pdf and MEDIA_ROOT/people/photos/<name>.jpg, all
    under the public /media/. The migrations move them; running the move again changes nothing."""
    old_pdf = f"certificates/pdf/{certificate.number}.pdf"
    with certificate.pdf.open("rb") as handle:
        old_file(settings, old_pdf, handle.read())
    Certificate.objects.filter(pk=certificate.pk).update(pdf=old_pdf)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    old_file(settings, "people/photos/王䶮.jpg", buffer.getvalue())
    person = PersonFactory()
    Person.objects.filter(pk=person.pk).update(photo="people/photos/王䶮.jpg")

    assert (relocate_files(Certificate, "pdf"), relocate_files(Person, "photo")) == (1, 1)
    certificate.refresh_from_db()
    person.refresh_from_db()
    assert certificate.pdf.name.startswith("certificates/pdf/") and certificate.number not in certificate.pdf.name
    assert Path(certificate.pdf.path).is_relative_to(Path(settings.MEDIA_ROOT) / "private")
    assert person.photo.name.startswith("people/photos/") and person.photo.name.endswith(".jpg")
    assert not (Path(settings.MEDIA_ROOT) / old_pdf).exists()
    # Nothing is left where the old files were: the private area, and the public one holding only the award's badge
    # (drawn at issue, public by design: credentials name its address).
    assert sorted(path.name for path in Path(settings.MEDIA_ROOT).iterdir()) == ["private", "public"]
    public = Path(settings.MEDIA_ROOT) / "public"
    assert {path.parent.relative_to(public) for path in public.rglob("*") if path.is_file()} == {
        Path("certificates/badges")
    }
    with certificate.pdf.open("rb") as handle:
        assert services._sha256(handle.read()) == certificate.pdf_sha256

    assert (relocate_files(Certificate, "pdf"), relocate_files(Person, "photo")) == (0, 0)
    assert Certificate.objects.get(pk=certificate.pk).pdf.name == certificate.pdf.name


def test_old_cover_moves_to_the_public_area(staff, settings):
    article = ArticleFactory()
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    old_file(settings, "news/covers/demo-cover-01.png", buffer.getvalue())
    type(article).objects.filter(pk=article.pk).update(cover="news/covers/demo-cover-01.png")
    assert relocate_files(type(article), "cover") == 1
    article.refresh_from_db()
    assert Path(article.cover.path).is_relative_to(Path(settings.MEDIA_ROOT) / "public")
    assert "demo-cover" not in article.cover.name


def test_a_new_file_field_is_private_unless_it_says_otherwise():
    """The default storage is the private one: forgetting `storage=` cannot publish a file."""
    field_file = Person(code="X").photo
    name = field_file.storage.save("anything/x.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg"))
    assert name.startswith("anything/") and name.endswith(".jpg") and not name.endswith("/x.jpg")
    with pytest.raises(ValueError):
        field_file.storage.url(name)
