"""The judge of uploads: each file by its whole content, photos re-encoded without metadata, clear messages."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter

from laurel.core import uploads
from tests.factories.honors import pdf_bytes

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def upload(content: bytes, name="file.bin", content_type="application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo_with_gps_and_orientation() -> bytes:
    """A 40 x 30 phone photo that must be turned a quarter (orientation 6) and says where it was taken."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 9.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (what a decompression bomb looks like at first)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def messages_in(language: str, judge, content: bytes) -> list[str]:
    with translation.override(language), pytest.raises(ValidationError) as error:
        judge(upload(content))
    return error.value.messages


def test_valid_pdf_is_kept_whole_as_a_pdf():
    content = pdf_bytes(pages=3)
    judged = uploads.judge_pdf(upload(content, "报告.PDF"))
    assert (judged.read(), judged.content_type, judged.extension) == (content, "application/pdf", "pdf")
    assert judged.name == "upload.pdf"


def test_truncated_pdf_is_refused_in_the_users_language():
    truncated = pdf_bytes()[:200]
    assert messages_in("en", uploads.judge_pdf, truncated) == [
        "The PDF document is damaged or incomplete; save it again and upload it."
    ]
    assert messages_in("zh-hans", uploads.judge_pdf, truncated) == ["该 PDF 文档已损坏或不完整，请重新保存后再上传。"]


@pytest.mark.parametrize(
    "content",
    [
        b"<!-- %PDF-1.4 -->\n<html><script src=/static/x.js></script></html>",
        b"//%PDF-1.4\nfetch('/api/v1/tokens', {method: 'POST'})",
        b"%PDF-1.4\n<html><script>alert(1)</script></html>",
    ],
    ids=["html-comment", "script-comment", "html-after-header"],
)
def test_page_or_script_with_a_pdf_header_is_refused(content):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        uploads.judge_pdf(upload(content, "opinion.pdf", "application/pdf"))
    assert error.value.code in {"not_pdf", "pdf_damaged"}


def test_pdf_header_elsewhere_than_the_start_is_not_a_pdf_in_both_languages():
    content = b"<!-- %PDF-1.4 -->" + pdf_bytes()
    assert messages_in("en", uploads.judge_pdf, content) == ["The file is not a PDF document."]
    assert messages_in("zh-hans", uploads.judge_pdf, content) == ["该文件不是 PDF 文档。"]


def test_pdf_locked_by_a_password_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt(user_password="secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert messages_in("en", uploads.judge_pdf, buffer.getvalue()) == [
        "The PDF document is protected by a password; upload it without the password."
    ]
    assert messages_in("zh-hans", uploads.judge_pdf, buffer.getvalue()) == ["该 PDF 文档设有密码，请上传无密码的文档。"]


def test_pdf_over_the_limit_is_refused_unread():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        uploads.judge_pdf(upload(pdf_bytes()), max_bytes=100)
    assert error.value.code == "too_big"
    assert error.value.messages[0].endswith("; the limit is 100\xa0bytes.")


def test_jpeg_loses_its_gps_position_and_camera_but_stays_upright():
    judged = uploads.judge_image(upload(photo_with_gps_and_orientation(), "IMG_0001.JPG", "image/jpeg"))
    content = judged.read()
    assert (judged.content_type, judged.extension) == ("image/jpeg", "jpg")
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG"
        assert image.size == (30, 40)  # turned as the camera said, so no orientation tag is needed any more
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(GPS_IFD) == {}
    assert b"PhoneMaker" not in content and b"Exif" not in content


def test_png_keeps_its_transparency():
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    image.putpixel((5, 5), (200, 0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    judged = uploads.judge_image(upload(buffer.getvalue(), "seal.png"))
    with Image.open(io.BytesIO(judged.read())) as stored:
        assert (stored.format, stored.mode) == ("PNG", "RGBA")
        assert stored.getpixel((0, 0)) == (0, 0, 0, 0)
        assert stored.getpixel((5, 5)) == (200, 0, 0, 255)


def test_bytes_riding_behind_a_photo_are_dropped():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(buffer, "PNG")
    judged = uploads.judge_image(upload(buffer.getvalue() + b"<html><script>alert(1)</script></html>"))
    assert b"<script>" not in judged.read()


def test_image_bomb_is_refused_before_it_is_decoded():
    bomb = png_claiming(100_000, 100_000)
    assert messages_in("en", uploads.judge_image, bomb) == [
        "The photo has too many pixels; the limit is 24,000,000 pixels."
    ]
    assert messages_in("zh-hans", uploads.judge_image, bomb) == ["照片像素过多，上限为 24,000,000 像素。"]


def test_photo_over_the_pixel_cap_is_refused_with_its_size():
    large = png_claiming(10_000, 6_000)
    assert messages_in("en", uploads.judge_image, large) == [
        "The photo is 10000 × 6000 pixels; the limit is 24,000,000 pixels."
    ]
    assert messages_in("zh-hans", uploads.judge_image, large) == ["照片为 10000 × 6000 像素，上限为 24,000,000 像素。"]


@pytest.mark.parametrize(
    "content",
    [pdf_bytes(), b"GIF89a\x01\x00\x01\x00", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"],
    ids=["pdf", "gif", "svg"],
)
def test_other_kinds_are_not_photos_in_both_languages(content):
    assert messages_in("en", uploads.judge_image, content) == [
        "The file is not a photo Laurel can read (use JPEG, PNG or WebP)."
    ]
    assert messages_in("zh-hans", uploads.judge_image, content) == [
        "该文件不是可识别的照片（请使用 JPEG、PNG 或 WebP）。"
    ]


def test_truncated_photo_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "red").save(buffer, "JPEG")
    with pytest.raises(ValidationError) as error:
        uploads.judge_image(upload(buffer.getvalue()[:300]))
    assert error.value.code == "not_image"


def test_photo_over_the_limit_is_refused(settings):
    settings.LAUREL_MAX_PHOTO_BYTES = 50
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buffer, "PNG")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        uploads.judge_image(upload(buffer.getvalue()))
    assert error.value.code == "too_big"
    assert error.value.messages[0].endswith("the limit is 50\xa0bytes.")


def test_evidence_is_a_pdf_or_a_photo_and_nothing_else():
    assert uploads.judge_pdf_or_image(upload(pdf_bytes())).extension == "pdf"
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "WEBP")
    assert uploads.judge_pdf_or_image(upload(buffer.getvalue())).extension == "webp"
    html = b"<!-- %PDF-1.4 --><script src=/x.js></script>"
    assert messages_in("en", uploads.judge_pdf_or_image, html) == ["Evidence must be a PDF document or a photo."]
    assert messages_in("zh-hans", uploads.judge_pdf_or_image, html) == ["证明材料须为 PDF 文档或照片。"]
