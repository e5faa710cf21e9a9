"""Uploaded files never run: each is judged by its whole content, kept under a random name with the extension of
the type found in it, and served with that type, no sniffing and a sandbox (a download unless it is a photo)."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from laurel.certificates.models import CertificateTemplate
from laurel.honors import nominations, notices
from laurel.honors.models import Nomination, Objection, ObjectionEvidence, Stage
from laurel.news import services as news_services
from laurel.outreach import services as outreach_services
from laurel.outreach.models import Talk
from laurel.people import services as people_services
from tests.factories.honors import CampaignFactory, NominationFactory, jpeg, pdf_bytes, scored_campaign
from tests.factories.news import ArticleFactory
from tests.factories.outreach import MembershipFactory, TalkFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db

# What the attacker sent: a script that a PDF check looking for "%PDF-" near the start let through, and an HTML
# page that loads a script from Laurel's own origin (so the Content Security Policy allowed it).
SCRIPT_WITH_PDF_COMMENT = b"//%PDF-1.4\nfetch('/staff/api-tokens/', {method: 'POST', body: 'name=x'});\n"
PAGE_WITH_PDF_COMMENT = b'<!-- %PDF-1.4 -->\n<html><body><script src="/static/evidence.js"></script></body></html>\n'
GPS_IFD = 0x8825


def file(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 9.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_with_a_page_behind_it() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (30, 30), (200, 0, 0, 128)).save(buffer, "PNG")
    return buffer.getvalue() + b"<html><script>alert(document.cookie)</script></html>"


def has_gps(path) -> bool:
    with Image.open(path) as image:
        return bool(image.getexif().get_ifd(GPS_IFD))


def is_random_name(name: str, folder: str, extension: str, uploaded_as: str) -> bool:
    stem = Path(name).stem
    return (
        name.startswith(folder)
        and name.endswith(f".{extension}")
        and Path(uploaded_as).stem not in Path(name).name
        and len(stem) >= 30
    )


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@pytest.fixture
def on_notice(expert):
    today = timezone.localdate()
    campaign, made = scored_campaign(
        totals=[[95]], experts=[expert], honorees_count=1, stage=Stage.NOTICE,
        notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6),
    )  # fmt: skip
    Nomination.objects.filter(pk=made[0].pk).update(status=Nomination.Status.SELECTED)
    made[0].refresh_from_db()
    return made[0]


def create(campaign, unit, nominator, uploads):
    return nominations.create_nomination(
        campaign=campaign, unit=unit, person=PersonFactory(organization=unit), actor=nominator,
        data={"category": "young"}, uploads=uploads,
    )  # fmt: skip


# Judged by content -------------------------------------------------------------------------------------------


def test_script_with_a_pdf_comment_is_refused_as_nomination_evidence(campaign, unit, nominator):
    with pytest.raises(ValidationError) as error:
        create(campaign, unit, nominator, {"evidence": file("evidence.js", SCRIPT_WITH_PDF_COMMENT)})
    assert [item.code for item in error.value.error_dict["evidence"]] == ["not_pdf"]
    assert Nomination.objects.count() == 0


def test_page_with_a_pdf_comment_is_refused_as_unit_opinion(campaign, unit, nominator):
    with pytest.raises(ValidationError) as error:
        create(campaign, unit, nominator, {"unit_opinion": file("opinion.html", PAGE_WITH_PDF_COMMENT)})
    assert [item.code for item in error.value.error_dict["unit_opinion"]] == ["not_pdf"]
    assert Nomination.objects.count() == 0


def test_anyone_sending_a_page_as_objection_evidence_is_refused_in_their_language(client, on_notice):
    url = reverse("honors:objection_create", kwargs={"code": on_notice.campaign.code, "nomination": on_notice.code})
    data = {"full_name": "王小明", "contact": "13800000000", "email": "", "statement": "该候选人的论文存在署名争议。"}
    for language, message in (
        ("zh-hans", "证明材料须为 PDF 文档或照片。"),
        ("en", "Evidence must be a PDF document or a photo."),
    ):
        response = client.post(
            url, {**data, "evidence": file("opinion.html", PAGE_WITH_PDF_COMMENT)}, HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    assert (Objection.objects.count(), ObjectionEvidence.objects.count()) == (0, 0)


def test_a_real_pdf_named_like_a_page_is_kept_as_a_pdf_under_a_random_name(campaign, unit, nominator, settings):
    nomination = create(campaign, unit, nominator, {"unit_opinion": file("opinion.html", pdf_bytes(), "text/html")})
    name = nomination.unit_opinion.name
    assert is_random_name(name, "honors/opinions/", "pdf", "opinion.html"), name
    assert Path(nomination.unit_opinion.path).is_relative_to(Path(settings.MEDIA_ROOT) / "private")


def test_nomination_photo_is_kept_without_its_gps_position(campaign, unit, nominator):
    draft = NominationFactory(campaign=campaign, unit=unit, nominated_by=nominator, photos=0)
    photo = nominations.add_photo(draft, actor=nominator, image=file("IMG_0001.jpg", photo_with_gps(), "image/jpeg"))
    assert not has_gps(photo.image.path)
    assert is_random_name(photo.image.name, "honors/photos/", "jpg", "IMG_0001.jpg"), photo.image.name


def test_objection_evidence_photo_is_kept_as_pixels_only(on_notice):
    objection = notices.file_objection(
        on_notice, full_name="王小明", contact="13800000000", email="", statement="该候选人的论文存在署名争议。",
        address="203.0.113.7", evidence=[file("evidence.png", png_with_a_page_behind_it(), "image/png")],
    )  # fmt: skip
    stored = objection.evidence.get().file
    assert b"<script>" not in Path(stored.path).read_bytes()
    assert is_random_name(stored.name, "honors/objections/", "png", "evidence.png"), stored.name


# The layout every template form carries (bounded numbers, laurel/certificates/models.py LAYOUT_BOUNDS), so a refusal
# below can only be the seal's.
TEMPLATE_LAYOUT = {
    "margin_mm": "12",
    "heading_size": "44",
    "heading_tracking": "50",
    "body_size": "17",
    "border": "ceremony",
}


def test_seal_with_a_page_behind_it_keeps_its_transparency_and_loses_the_page(staff_client):
    response = staff_client.post(
        reverse("certificates:template_create"),
        {
            "kind": "honor", "name": "荣誉证书", "heading": "荣誉证书", "heading_en": "Certificate of Honor",
            "association_name": "云州市科协", "association_name_en": "Yunzhou Association", "signatory": "周雅",
            **TEMPLATE_LAYOUT, "seal": file("seal.png", png_with_a_page_behind_it(), "image/png"),
        },
    )  # fmt: skip
    assert response.status_code == 302
    seal = CertificateTemplate.objects.get().seal
    assert b"<script>" not in Path(seal.path).read_bytes()
    with Image.open(seal.path) as image:
        assert (image.format, image.mode, image.getpixel((0, 0))) == ("PNG", "RGBA", (200, 0, 0, 128))
    assert is_random_name(seal.name, "certificates/seals/", "png", "seal.png"), seal.name


def test_seal_that_is_a_page_is_refused(staff_client):
    response = staff_client.post(
        reverse("certificates:template_create"),
        {
            "kind": "honor", "name": "荣誉证书", "heading": "荣誉证书", "heading_en": "Certificate of Honor",
            "association_name": "云州市科协", "association_name_en": "Yunzhou Association",
            **TEMPLATE_LAYOUT, "seal": file("seal.png", PAGE_WITH_PDF_COMMENT, "image/png"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200
    assert CertificateTemplate.objects.count() == 0


def test_article_cover_is_re_encoded_into_the_public_area_under_a_random_name(staff, settings):
    article = news_services.save_article(
        ArticleFactory(), actor=staff, data={}, cover=file("cover.png", png_with_a_page_behind_it(), "image/png")
    )
    assert b"<script>" not in Path(article.cover.path).read_bytes()
    assert is_random_name(article.cover.name, "news/covers/", "png", "cover.png"), article.cover.name
    assert Path(article.cover.path).is_relative_to(Path(settings.MEDIA_ROOT) / "public")
    assert article.cover.url == f"/media/public/{article.cover.name}"


def test_person_photo_loses_its_gps_position(staff, unit):
    person = people_services.create_person(
        actor=staff, data={"name": "李明", "gender": "male", "organization": unit},
        photo=file("李明.jpg", photo_with_gps(), "image/jpeg"),
    )  # fmt: skip
    assert not has_gps(person.photo.path)
    assert is_random_name(person.photo.name, "people/photos/", "jpg", "李明.jpg"), person.photo.name


def test_talk_report_photos_are_judged_and_nothing_changes_when_one_is_a_page(staff, member):
    talk = TalkFactory(
        status=Talk.Status.CONFIRMED, speaker=MembershipFactory(user=member), date=timezone.localdate(), slot="morning"
    )
    photos = [file(f"p{index}.jpg", photo_with_gps(), "image/jpeg") for index in range(2)]
    with pytest.raises(ValidationError):
        outreach_services.file_report(
            talk, actor=staff, headcount=10, online_views=0, news_link="",
            photos=[*photos, file("p.jpg", PAGE_WITH_PDF_COMMENT, "image/jpeg")],
        )  # fmt: skip
    talk.refresh_from_db()
    assert (talk.status, talk.photos.count()) == (Talk.Status.CONFIRMED, 0)
    photos.append(file("p2.jpg", photo_with_gps(), "image/jpeg"))
    outreach_services.file_report(talk, actor=staff, headcount=10, online_views=0, news_link="", photos=photos)
    assert [has_gps(photo.image.path) for photo in talk.photos.all()] == [False, False, False]


def test_imported_spreadsheet_is_kept_privately_under_a_random_name(staff, settings):
    content = "单位名称,类型\n云州大学,university\n".encode()
    spreadsheet = people_services.start_import(actor=staff, kind="units", upload=file("units.csv", content, "text/csv"))
    assert is_random_name(spreadsheet.file.name, "imports/", "txt", "units.csv"), spreadsheet.file.name
    assert Path(spreadsheet.file.path).is_relative_to(Path(settings.MEDIA_ROOT) / "private")
    assert spreadsheet.original_name == "units.csv"


# Served so that nothing runs ---------------------------------------------------------------------------------


@pytest.fixture
def reviewed(staff, nominator, unit):
    campaign = CampaignFactory(stage=Stage.REVIEW)
    return NominationFactory(
        campaign=campaign, unit=unit, nominated_by=nominator, status=Nomination.Status.ELIGIBLE, photos=1
    )


def assert_runs_nothing(response, *, content_type: str, inline: bool):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("inline;" if inline else "attachment;")
    b"".join(response.streaming_content)  # reading it to the end closes the file


def test_page_stored_the_old_way_as_a_unit_opinion_is_served_as_a_text_download(staff_client, reviewed):
    """What the attack left behind: opinion.html, stored under its own name before uploads were judged."""
    old_name = "honors/opinions/opinion.html"
    path = Path(reviewed.unit_opinion.storage.path(old_name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PAGE_WITH_PDF_COMMENT)
    Nomination.objects.filter(pk=reviewed.pk).update(unit_opinion=old_name)
    url = reverse("honors:nomination_file", kwargs={"code": reviewed.code, "kind": "unit_opinion"})
    response = staff_client.get(url)
    assert_runs_nothing(response, content_type="text/plain", inline=False)
    assert response["Content-Disposition"].endswith('.txt"')


@pytest.mark.parametrize(
    ("kind", "content_type", "inline"),
    [
        ("evidence", "application/pdf", False),
        ("unit_opinion", "application/pdf", False),
        ("integrity_certificate", "application/pdf", False),
        ("id_photo", "image/jpeg", True),
    ],
)
def test_each_nomination_document_is_served_with_its_real_type_in_a_sandbox(
    staff_client, reviewed, kind, content_type, inline
):
    url = reverse("honors:nomination_file", kwargs={"code": reviewed.code, "kind": kind})
    assert_runs_nothing(staff_client.get(url), content_type=content_type, inline=inline)


def test_nomination_photo_is_served_as_an_image_in_a_sandbox(staff_client, reviewed):
    photo = reviewed.photos.get()
    url = reverse("honors:nomination_photo", kwargs={"code": reviewed.code, "photo": photo.pk})
    assert_runs_nothing(staff_client.get(url), content_type="image/jpeg", inline=True)


def test_objection_evidence_is_served_in_a_sandbox(staff_client, on_notice):
    objection = notices.file_objection(
        on_notice, full_name="王小明", contact="13800000000", email="", statement="该候选人的论文存在署名争议。",
        address="203.0.113.7", evidence=[file("a.pdf", pdf_bytes()), jpeg("b.jpg")],
    )  # fmt: skip
    pdf_evidence, photo_evidence = objection.evidence.order_by("pk")
    url = reverse("honors:objection_evidence", kwargs={"pk": pdf_evidence.pk})
    assert_runs_nothing(staff_client.get(url), content_type="application/pdf", inline=False)
    url = reverse("honors:objection_evidence", kwargs={"pk": photo_evidence.pk})
    assert_runs_nothing(staff_client.get(url), content_type="image/jpeg", inline=True)


def test_person_photo_is_served_through_a_checked_view_in_a_sandbox(client, staff, stranger, unit):
    person = people_services.create_person(
        actor=staff, data={"name": "李明", "gender": "male", "organization": unit}, photo=jpeg("p.jpg")
    )
    client.force_login(staff)
    page = client.get(reverse("people:person_detail", kwargs={"code": person.code})).content.decode()
    url = reverse("people:person_photo", kwargs={"code": person.code})
    assert f'src="{url}"' in page
    assert_runs_nothing(client.get(url), content_type="image/jpeg", inline=True)
    client.force_login(stranger)
    assert client.get(url).status_code == 403


def test_talk_photo_is_served_through_a_checked_view_in_a_sandbox(client, staff, member, stranger):
    talk = TalkFactory(
        status=Talk.Status.CONFIRMED, speaker=MembershipFactory(user=member), date=timezone.localdate(), slot="morning"
    )
    photos = [jpeg(f"p{index}.jpg") for index in range(3)]
    outreach_services.file_report(talk, actor=staff, headcount=10, online_views=0, news_link="", photos=photos)
    photo = talk.photos.first()
    url = reverse("outreach:talk_photo", kwargs={"code": talk.code, "pk": photo.pk})
    client.force_login(member)
    assert f'src="{url}"' in client.get(reverse("outreach:talk_detail", kwargs={"code": talk.code})).content.decode()
    assert_runs_nothing(client.get(url), content_type="image/jpeg", inline=True)
    client.force_login(stranger)
    assert client.get(url).status_code == 403
