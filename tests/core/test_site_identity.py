"""The association's identity is set by staff on a page, and every page, mail and certificate carries it."""

import io
import os

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from laurel.core import identity
from laurel.core.models import AuditEntry, SiteIdentity
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db

URL = "/staff/site/"


def png(name="logo.png", size=(64, 64)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (163, 22, 26, 255)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


FIELDS = {
    "name": "云州市科学技术协会",
    "name_en": "Yunzhou Association for Science and Technology",
    "about": "云州市科协是全市科技工作者的群众组织。",
    "about_en": "The city's organization of science and technology workers.",
    "address": "云州市科技路1号",
    "address_en": "1 Keji Road, Yunzhou",
    "phone": "0571-88888888",
    "email": "office@yunzhou-kx.example.org",
    "icp_number": "云ICP备12345678号-1",
    "public_security_number": "云公网安备33010602000001号",
}


def save(client, **changes):
    response = client.post(URL, {**FIELDS, **changes})
    identity.forget()  # what the commit does in a real request (the test's transaction never commits)
    return response


def test_staff_set_the_identity_and_every_page_shows_it_in_its_language(staff_client, staff, client):
    response = save(staff_client, logo=png(), wechat_qr=png("qr.png"))
    assert response.status_code == 302
    client.logout()
    chinese = client.get("/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "云州市科学技术协会" in chinese
    assert "云ICP备12345678号-1" in chinese and "云公网安备33010602000001号" in chinese
    assert "https://beian.miit.gov.cn/" in chinese
    assert "云州市科协是全市科技工作者的群众组织。" in chinese
    assert "Laurel 是" not in chinese and "Powered by" not in chinese
    assert 'class="brand-logo"' in chinese
    english = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "Yunzhou Association for Science and Technology" in english
    assert "The city&#x27;s organization of science and technology workers." in english
    assert "Powered by Laurel" not in english
    row = SiteIdentity.objects.get()
    assert row.logo.name.startswith("identity/") and row.logo.name.endswith(".png")
    assert "logo" not in row.logo.name.split("/")[-1]  # stored under a name Laurel chose
    entry = AuditEntry.objects.get(action="core.identity.changed")
    assert entry.actor == staff
    assert entry.data["fields"] == sorted([*FIELDS, "logo", "wechat_qr"])


def test_the_cached_front_page_shows_the_new_name_at_once(staff, django_capture_on_commit_callbacks):
    from django.test import Client

    ArticleFactory()
    visitor, office = Client(), Client()
    office.force_login(staff)
    assert "云州市科学技术协会" not in visitor.get("/").content.decode()  # now cached for a minute
    with django_capture_on_commit_callbacks(execute=True):
        save(office)
    assert "云州市科学技术协会" in visitor.get("/").content.decode()


def test_without_an_identity_pages_keep_the_softwares_name(client):
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "Laurel" in html and "beian" not in html


@pytest.mark.parametrize("persona", ["nominator", "expert", "member", "stranger"])
def test_only_staff_may_open_the_identity_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, FIELDS).status_code == 403
    assert not SiteIdentity.objects.exists()


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.post(URL, FIELDS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not SiteIdentity.objects.exists()


def test_a_script_posing_as_a_logo_is_refused_and_nothing_is_saved(staff_client):
    hostile = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>", content_type="image/png")
    response = save(staff_client, seal=png("seal.png"), logo=hostile)
    assert response.status_code == 400
    assert "该文件不是可识别的照片（请使用 JPEG、PNG 或 WebP）。" in response.content.decode()
    assert not SiteIdentity.objects.exists()  # the good seal in the same request was not written either


def test_too_long_a_name_is_refused_in_chinese(staff_client):
    response = save(staff_client, name="协" * 101)
    assert response.status_code == 400
    assert "确保该变量包含不超过 100 字符" in response.content.decode()
    assert not SiteIdentity.objects.exists()


def test_replacing_an_image_removes_the_old_file_after_the_save(staff_client, django_capture_on_commit_callbacks):
    save(staff_client, logo=png())
    first = SiteIdentity.objects.get().logo
    first_path = first.path
    with django_capture_on_commit_callbacks(execute=True):
        save(staff_client, logo=png(size=(32, 32)))
    second = SiteIdentity.objects.get().logo
    assert second.name != first.name
    assert not os.path.exists(first_path)
    assert os.path.exists(second.path)


def test_removing_an_image(staff_client):
    save(staff_client, logo=png())
    save(staff_client, clear=["logo"])
    assert not SiteIdentity.objects.get().logo


def test_mail_subjects_carry_the_name_in_the_mails_language(staff_client, client):
    save(staff_client)
    identity.forget()
    assert identity.mail_subject("推荐已提交", "zh-hans") == "[云州市科学技术协会] 推荐已提交"
    assert identity.mail_subject("Nomination submitted", "en").startswith(
        "[Yunzhou Association for Science and Technology] "
    )
    client.logout()
    client.post(reverse("account_reset_password"), {"email": "staff@example.org"})
    assert mail.outbox and mail.outbox[-1].subject.startswith("[云州市科学技术协会] ")


def test_a_template_without_a_seal_prints_the_associations_seal(staff_client):
    from laurel.certificates import pdf
    from tests.factories.certificates import CertificateTemplateFactory

    template = CertificateTemplateFactory(seal="", signature="")
    data = {
        "name": "王䶮", "name_en": "Wang Yan", "title": "优秀科技工作者", "title_en": "Outstanding", "citation": "",
        "citation_en": "", "number": "YZ-1", "date": "2026年12月3日", "date_en": "3 December 2026",
        "url": "https://laurel.example.org/v/x",
    }  # fmt: skip

    def images(document: bytes) -> int:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(document)).pages[0].images)

    without = images(pdf.render(template=template, data=data))
    save(staff_client, seal=png("seal.png", (200, 200)))
    identity.forget()
    assert images(pdf.render(template=template, data=data)) == without + 1


@pytest.mark.parametrize("field", ["name", "name_en", "address", "phone", "icp_number"])
def test_a_line_break_that_would_break_every_mail_header_is_refused(staff_client, field):
    response = save(staff_client, **{field: "云州市科协\nBcc: someone@example.org"})
    assert response.status_code == 400
    assert "请写在一行内。" in response.content.decode()
    assert not SiteIdentity.objects.exists()


def test_a_mail_subject_never_carries_a_line_break(settings):
    settings.ASSOCIATION_NAME = "云州市\n科协"
    identity.forget()
    assert identity.mail_subject("通知") == "[云州市 科协] 通知"


def test_a_version_is_never_counted_again_from_the_start(staff_client, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    with django_capture_on_commit_callbacks(execute=True):
        save(staff_client)
    first = cache.get(identity.VERSION_KEY)
    cache.clear()  # Redis restarted: its keys are gone
    with django_capture_on_commit_callbacks(execute=True):
        save(staff_client, name="云州市科协")
    assert cache.get(identity.VERSION_KEY) > first
