"""The printed certificate: its wording, the order its text reads in, the seal over the date with the signature
beside it, the title that extracts as one word, and the layout settings staff set (bounded, previewed, logged)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageDraw
from pypdf import PdfReader

from laurel.certificates import pdf, services, tracking
from laurel.certificates.forms import TemplateForm
from laurel.certificates.models import Border, CertificateTemplate, Kind
from laurel.certificates.views import SAMPLE, sample_for
from laurel.core.demo import seal_png
from laurel.core.models import AuditEntry
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


def _png(size: tuple[int, int], colour=(20, 20, 60, 255)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, size[1] - 20), (size[0] // 2, 20), (size[0] - 10, size[1] // 2)], colour, 8)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def sealed_template(db):
    return CertificateTemplateFactory(
        occasion="云州市“最美科技工作者”学习宣传活动",
        occasion_en="Yunzhou's Most Beautiful Sci-tech Worker campaign",
        seal=SimpleUploadedFile("seal.png", seal_png(size=300), content_type="image/png"),
        signature=SimpleUploadedFile("signature.png", _png((400, 160)), content_type="image/png"),
    )


def _text(document: bytes) -> str:
    return PdfReader(io.BytesIO(document)).pages[0].extract_text()


def _flat(text: str) -> str:
    """Without the gaps typst leaves between Chinese and Latin letters or digits."""
    return re.sub(r"\s+", "", text)


def test_the_title_spaced_by_tracking_extracts_as_one_word(sealed_template):
    assert sealed_template.heading_tracking >= 50  # wide enough that an offset-based spacing split the word
    text = _text(pdf.render(template=sealed_template, data=SAMPLE))
    assert "荣誉证书" in text.splitlines()[0]
    assert "荣 誉" not in text
    assert text.splitlines()[1] == "CERTIFICATE OF HONOR"  # its lighter tracking keeps the words whole too


def test_the_wide_appointment_title_extracts_as_one_word():
    template = CertificateTemplateFactory(
        kind=Kind.APPOINTMENT, heading="聘书", heading_en="Letter of Appointment", heading_tracking=100
    )
    lines = _text(pdf.render(template=template, data=sample_for(Kind.APPOINTMENT))).splitlines()
    assert lines[:2] == ["聘书", "LETTER OF APPOINTMENT"]


def test_tracking_rewrite_keeps_the_credential_and_leaves_other_documents_alone(sealed_template):
    rendered = pdf.render(template=sealed_template, data=SAMPLE, credential=b'{"a": 1}')
    assert pdf.extract_credential(rendered) == b'{"a": 1}'
    assert len(PdfReader(io.BytesIO(rendered)).pages) == 1
    assert tracking.as_character_spacing(b"not a pdf", min_size=28) == b"not a pdf"
    # A size nothing is set in: nothing to rewrite, the document comes back as it was
    assert tracking.as_character_spacing(rendered, min_size=100) == rendered


def test_a_heading_too_long_for_one_line_is_made_smaller_and_still_extracts_as_one_word():
    template = CertificateTemplateFactory(heading="科学技术工作者荣誉证书", heading_size=64, heading_tracking=100)
    assert "科学技术工作者荣誉证书" in _text(pdf.render(template=template, data=SAMPLE)).splitlines()[0]


def test_the_honor_certificate_reads_in_order_with_the_english_beneath(sealed_template):
    text = _flat(_text(pdf.render(template=sealed_template, data=SAMPLE)))
    expected = [
        "荣誉证书",
        "CERTIFICATEOFHONOR",
        "王䶮同志：",
        "在云州市“最美科技工作者”学习宣传活动中，被评为“云州市最美科技工作者”。特发此证。",
        "InYunzhou'sMostBeautifulSci-techWorkercampaign,WangYanwasnamedMostBeautifulSci-techWorkerofYunzhou.",
        "在材料科学领域取得突出成就，热心科普。",
        "云州市科学技术协会",
        "2026年5月30日",
        "30May2026",
    ]
    positions = [text.find(part) for part in expected]
    assert -1 not in positions, [part for part, at in zip(expected, positions, strict=True) if at == -1]
    assert positions == sorted(positions)


def test_an_honor_certificate_without_an_occasion_names_the_title_only():
    template = CertificateTemplateFactory(occasion="")
    text = _flat(_text(pdf.render(template=template, data=SAMPLE)))
    assert "王䶮同志：被评为“云州市最美科技工作者”。特发此证。" in text


def test_an_appointment_letter_names_the_appointee_and_the_term(staff):
    template = CertificateTemplateFactory(kind=Kind.APPOINTMENT, heading="聘书", heading_en="Letter of Appointment")
    import datetime

    certificate = services.issue_one(
        template=template,
        recipient=PersonFactory(name="李明", name_en="Li Ming"),
        title="科学家精神宣讲团成员",
        title_en="member of the Scientist Spirit Lecture Group",
        batch_key="lecture-2026",
        issued_on=datetime.date(2026, 5, 30),
        valid_until=datetime.date(2028, 5, 29),
        actor=staff,
    )
    text = _flat(_text(services.pdf_bytes(certificate)))
    assert "兹聘请李明同志为科学家精神宣讲团成员，聘期自2026年5月30日至2028年5月29日。" in text
    assert "LiMingisappointedmemberoftheScientistSpiritLectureGroupforthetermfrom30May2026to29May2028." in text


def test_an_appointment_letter_worded_by_the_lecture_group_is_printed_as_it_is():
    template = CertificateTemplateFactory(kind=Kind.APPOINTMENT, heading="聘书")
    data = {**SAMPLE, "citation": "兹聘请王䶮同志为科学家精神宣讲团团长，聘期自2026年5月30日至2028年5月29日。"}
    text = _flat(_text(pdf.render(template=template, data=data)))
    assert text.count("兹聘请王䶮同志为科学家精神宣讲团团长，聘期自2026年5月30日至2028年5月29日。") == 1


def _placements(document: bytes) -> tuple[dict, dict]:
    """Each image's box (x0, y0, x1, y1, in points) by its pixel size, and each text line's starting point."""
    reader = PdfReader(io.BytesIO(document))
    page = reader.pages[0]
    sizes = {name: (obj["/Width"], obj["/Height"]) for name, obj in page["/Resources"]["/XObject"].items()}
    images, texts = {}, {}

    def before(operator, operands, cm, tm):
        if operator == b"Do" and operands and operands[0] in sizes:
            corners = [(cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5]) for x in (0, 1) for y in (0, 1)]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            images[sizes[operands[0]]] = (min(xs), min(ys), max(xs), max(ys))

    def text(content, cm, tm, font, size):
        if content.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            texts.setdefault(content.strip(), (x, y))

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return images, texts


def test_the_seal_lies_over_the_date_and_the_signature_beside_it_outside_the_ring(sealed_template):
    images, texts = _placements(pdf.render(template=sealed_template, data=SAMPLE))
    seal = images[(300, 300)]
    signature = images[(400, 160)]
    date_x, date_y = next(point for line, point in texts.items() if line.replace(" ", "") == "2026年5月30日")
    name_x, name_y = next(point for line, point in texts.items() if line == "云州市科学技术协会")
    english_y = texts["30 May 2026"][1]
    # The date starts inside the seal's square, as a stamp falls on paper
    assert seal[0] <= date_x <= seal[2] and seal[1] <= date_y <= seal[3]
    # The seal is centred on the block of the association's name and the dates, not beside it
    centre_x, centre_y = (seal[0] + seal[2]) / 2, (seal[1] + seal[3]) / 2
    assert english_y < centre_y < name_y
    assert name_x < centre_x < seal[2]
    # The signature is beside the seal, left of the ring's square, never inside it
    assert signature[2] < seal[0]
    assert signature[1] < seal[3] and signature[3] > seal[1]  # on the same band of the page


def test_the_seal_is_printed_translucent_so_the_date_shows_through(sealed_template):
    rendered = pdf.render(template=sealed_template, data=SAMPLE)
    page = PdfReader(io.BytesIO(rendered)).pages[0]
    seal = next(image for image in page.images if image.image.size == (300, 300))
    alpha = seal.image.convert("RGBA").getchannel("A")
    assert 0 < alpha.getextrema()[1] <= round(255 * pdf.SEAL_OPACITY)


@pytest.mark.parametrize("border", [choice for choice, _label in Border.choices])
def test_every_border_renders(border):
    template = CertificateTemplateFactory(border=border)
    assert "荣誉证书" in _text(pdf.render(template=template, data=SAMPLE))


def test_a_background_image_is_printed_under_the_page(staff_client):
    template = CertificateTemplateFactory(
        background=SimpleUploadedFile("paper.png", _png((300, 212), (240, 220, 180, 255)), content_type="image/png")
    )
    page = PdfReader(io.BytesIO(pdf.render(template=template, data=SAMPLE))).pages[0]
    assert (300, 212) in [image.image.size for image in page.images]


# Settings: bounded, with clear messages in both languages, and in the database too.
def _form_data(**changes) -> dict:
    data = {
        "kind": "honor", "name": "荣誉证书模板", "heading": "荣誉证书", "heading_en": "Certificate of Honor",
        "association_name": "云州市科学技术协会", "association_name_en": "Yunzhou Association for Science and Technology",
        "signatory": "", "occasion": "", "occasion_en": "", "margin_mm": "12", "heading_size": "44",
        "heading_tracking": "50", "body_size": "17", "border": "ceremony",
    }  # fmt: skip
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "field", "zh", "en"),
    [
        ({"margin_mm": "3"}, "margin_mm", "确保该值大于或等于5。", "Ensure this value is greater than or equal to 5."),
        ({"margin_mm": "31"}, "margin_mm", "确保该值小于或等于30。", "Ensure this value is less than or equal to 30."),
        (
            {"heading_size": "200"},
            "heading_size",
            "确保该值小于或等于64。",
            "Ensure this value is less than or equal to 64.",
        ),
        (
            {"body_size": "5"},
            "body_size",
            "确保该值大于或等于12。",
            "Ensure this value is greater than or equal to 12.",
        ),
        ({"heading_tracking": "abc"}, "heading_tracking", "输入整数。", "Enter a whole number."),
        ({"heading_tracking": "1e9"}, "heading_tracking", "输入整数。", "Enter a whole number."),
        ({"border": "<script>"}, "border", "选择一个有效的选项", "Select a valid choice."),
        (
            {"heading": "荣" * 51},
            "heading",
            "确保该变量包含不超过 50 字符",
            "Ensure this value has at most 50 characters",
        ),
    ],
)
def test_out_of_bounds_settings_are_refused_in_the_users_language(changes, field, zh, en):
    for language, message in (("zh-hans", zh), ("en", en)):
        with translation.override(language):
            form = TemplateForm(_form_data(**changes))
            assert not form.is_valid()
            assert message in " ".join(form.errors[field])


def test_a_background_that_is_not_an_image_is_refused():
    files = {"background": SimpleUploadedFile("bg.png", b"<svg onload=alert(1)>", content_type="image/png")}
    with translation.override("zh-hans"):
        form = TemplateForm(_form_data(), files)
        assert not form.is_valid()
        assert "不是" in " ".join(form.errors["background"])


def test_the_database_refuses_a_layout_outside_the_bounds():
    with pytest.raises(IntegrityError):
        CertificateTemplateFactory(margin_mm=100)


# Who may edit templates: staff (who issue certificates), nobody else.
def _urls(template) -> list[tuple[str, str]]:
    return [
        ("get", reverse("certificates:template_create")),
        ("get", reverse("certificates:template_update", kwargs={"pk": template.pk})),
        ("post", reverse("certificates:template_update", kwargs={"pk": template.pk})),
        ("post", reverse("certificates:template_live_preview", kwargs={"pk": template.pk})),
        ("post", reverse("certificates:template_live_preview")),
        ("get", reverse("certificates:template_pdf", kwargs={"pk": template.pk})),
    ]


@pytest.mark.parametrize("persona", ["nominator", "expert", "member", "stranger"])
def test_only_staff_edit_or_preview_templates(client, request, persona):
    template = CertificateTemplateFactory(margin_mm=12)
    client.force_login(request.getfixturevalue(persona))
    for method, url in _urls(template):
        response = getattr(client, method)(url, _form_data(margin_mm="20") if method == "post" else None)
        assert response.status_code == 403, url
    template.refresh_from_db()
    assert template.margin_mm == 12
    assert not AuditEntry.objects.filter(action__startswith="certificates.template").exists()


def test_anonymous_visitors_are_sent_to_login(client):
    template = CertificateTemplateFactory()
    for method, url in _urls(template):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


# The live preview and the audit trail
def test_the_live_preview_renders_the_unsaved_settings_and_writes_nothing(staff_client):
    template = CertificateTemplateFactory(heading_size=44)
    url = reverse("certificates:template_live_preview", kwargs={"pk": template.pk})
    first = staff_client.post(url, _form_data(heading_size="44"), headers={"HX-Request": "true"})
    second = staff_client.post(url, _form_data(heading_size="60"), headers={"HX-Request": "true"})
    assert first.status_code == second.status_code == 200
    versions = [re.search(r'data-version="(\w+)"', r.content.decode()).group(1) for r in (first, second)]
    assert versions[0] != versions[1]
    assert 'src="data:image/png;base64,' in second.content.decode()
    assert "<html" not in second.content.decode()  # the partial only
    template.refresh_from_db()
    assert template.heading_size == 44
    assert not AuditEntry.objects.filter(action__startswith="certificates.template").exists()


def test_the_live_preview_names_a_bad_setting_instead_of_a_picture(staff_client):
    template = CertificateTemplateFactory()
    response = staff_client.post(
        reverse("certificates:template_live_preview", kwargs={"pk": template.pk}), _form_data(body_size="99")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "确保该值小于或等于22。" in content and "data:image/png" not in content


def test_the_live_preview_of_a_new_template_shows_its_kind(staff_client):
    response = staff_client.post(
        reverse("certificates:template_live_preview"), _form_data(kind="appointment", heading="聘书")
    )
    assert 'data-testid="template-preview-image"' in response.content.decode()
    assert not CertificateTemplate.objects.exists()


def test_saving_a_template_logs_what_changed(staff_client, staff):
    template = CertificateTemplateFactory(name="荣誉证书模板", heading_size=44, border=Border.CEREMONY, occasion="")
    response = staff_client.post(
        reverse("certificates:template_update", kwargs={"pk": template.pk}),
        _form_data(heading_size="52", border="gold", signatory=template.signatory),
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.heading_size, template.border) == (52, "gold")
    entry = AuditEntry.objects.get(action="certificates.template.changed")
    assert entry.actor == staff
    assert entry.data["changes"] == {"heading_size": [44, 52], "border": ["ceremony", "gold"]}


def test_creating_a_template_is_logged(staff_client):
    response = staff_client.post(reverse("certificates:template_create"), _form_data(name="新模板"))
    template = CertificateTemplate.objects.get(name="新模板")
    assert response["Location"] == template.get_absolute_url()
    entry = AuditEntry.objects.get(action="certificates.template.created")
    assert entry.data["changes"]["heading_size"] == 44


def test_the_edit_page_shows_the_preview_on_arrival(staff_client):
    template = CertificateTemplateFactory()
    content = staff_client.get(reverse("certificates:template_update", kwargs={"pk": template.pk})).content.decode()
    assert 'data-testid="template-preview-image"' in content
    assert "hx-post" in content and "<script>" not in content.split("</head>")[1]


def test_the_qr_code_with_its_fixed_mask_still_reads_as_the_verification_link():
    import segno

    url = "https://laurel.example.org/verify/" + "a" * 43 + "/"
    fixed = segno.make_qr(url, error="m", mask=pdf.QR_MASK)
    chosen = segno.make_qr(url, error="m")
    assert (fixed.version, fixed.error, fixed.mask) == (chosen.version, chosen.error, pdf.QR_MASK)
    assert pdf.qr_svg(url).startswith("<svg")


def test_the_longest_texts_at_the_largest_sizes_stay_on_one_page():
    template = CertificateTemplateFactory(
        heading="荣誉证书" * 12, occasion="活动" * 50, margin_mm=30, heading_size=64, body_size=22, heading_tracking=100
    )
    data = {
        **SAMPLE,
        "name": "王" * 100,
        "title": "最美" * 100,
        "citation": "突出成就" * 150,
        "citation_en": "Outstanding " * 83,
    }
    assert len(PdfReader(io.BytesIO(pdf.render(template=template, data=data))).pages) == 1
    assert pdf.render_png(template=template, data=data).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", ["页边距（毫米）", "取值5至30。", "红金双色，带角花", "示例预览"]),
     ("en", ["Page margin (mm)", "From 5 to 30.", "Red and gold, with corner ornaments", "Preview with sample data"])],
)  # fmt: skip
def test_the_edit_page_speaks_the_users_language(staff_client, language, words):
    template = CertificateTemplateFactory()
    url = reverse("certificates:template_update", kwargs={"pk": template.pk})
    content = staff_client.get(url, headers={"Accept-Language": language}).content.decode()
    for word in words:
        assert word in content
