"""Word documents (.docx) judged as zip containers: bounded, without macros, OLE objects or remote parts."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from laurel.core import uploads
from tests.factories.honors import pdf_bytes

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?><w:document '
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>关于开展推荐工作的通知'
    "</w:t></w:r></w:p></w:body></w:document>"
)


def docx(extra: dict | None = None, *, skip=(), compression=zipfile.ZIP_DEFLATED) -> bytes:
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, "word/document.xml": DOCUMENT, **(extra or {})}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, text in parts.items():
            if name not in skip:
                archive.writestr(name, text)
    return buffer.getvalue()


def upload(content: bytes, name="notice.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refused(content: bytes, code: str):
    with pytest.raises(ValidationError) as caught:
        uploads.judge_docx(upload(content))
    assert caught.value.code == code, caught.value
    return caught.value


def test_a_plain_word_document_is_kept_as_uploaded():
    content = docx()
    judged = uploads.judge_docx(upload(content, name="x.pdf"))
    assert judged.read() == content
    assert judged.extension == "docx"
    assert judged.content_type == uploads.DOCX


def test_a_printer_settings_part_is_harmless():
    uploads.judge_docx(upload(docx({"word/printerSettings/printerSettings1.bin": "\x00" * 100})))


def test_a_hyperlink_to_elsewhere_is_allowed():
    rels = RELS.replace(
        "</Relationships>",
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"'
        ' Target="https://www.example.org/" TargetMode="External"/></Relationships>',
    )
    uploads.judge_docx(upload(docx({"word/_rels/document.xml.rels": rels})))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"MZ\x90\x00 a program",
        b"<html><script>alert(1)</script></html>",
        pdf_bytes(),
        b"PK\x03\x04" + b"\x00" * 50,
    ],
    ids=["empty", "program", "html", "pdf", "broken-zip"],
)
def test_what_is_not_a_word_document_is_refused(content):
    with pytest.raises(ValidationError) as caught:
        uploads.judge_docx(upload(content))
    assert caught.value.code in {"not_docx", "docx_damaged"}


def test_a_zip_without_a_document_is_not_a_word_document():
    refused(docx(skip=("word/document.xml",)), "not_docx")


def test_an_xlsx_spreadsheet_is_not_a_word_document():
    refused(docx({"xl/workbook.xml": "<workbook/>"}, skip=("word/document.xml",)), "not_docx")


@pytest.mark.parametrize(
    "extra",
    [
        {"word/vbaProject.bin": "macro"},
        {"word/activeX/activeX1.xml": "<ax/>"},
        {"word/embeddings/oleObject1.bin": "ole"},
        {"[Content_Types].xml": CONTENT_TYPES.replace("document.main+xml", "document.macroEnabled.main+xml")},
        {
            "word/_rels/settings.xml.rels": RELS.replace(
                "</Relationships>",
                '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'attachedTemplate" Target="https://evil.example/t.dotm" TargetMode="External"/></Relationships>',
            )
        },
    ],
    ids=["macros", "activex", "ole", "macro-enabled", "remote-template"],
)
def test_active_content_is_refused(extra):
    error = refused(docx(extra), "docx_active")
    assert "宏" in error.messages[0]


def test_an_entity_bomb_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol2;</w:document>'
    )
    refused(docx({"word/document.xml": bomb}), "not_docx")


def test_a_zip_bomb_is_refused_before_it_unpacks():
    # 30 MB of zeros packs to about 30 KB: far beyond any ratio text reaches.
    refused(docx({"word/media/padding.xml": "0" * (30 * 1024 * 1024)}), "docx_too_big_unpacked")


def test_too_many_parts_are_refused():
    refused(docx({f"word/part{n}.xml": "<a/>" for n in range(uploads.MAX_DOCX_PARTS + 1)}), "docx_too_big_unpacked")


def test_a_part_lying_about_its_size_is_refused():
    """The archive claims the part unpacks to 10 bytes; it unpacks to 5 MB. The claim is not what is trusted."""
    content = bytearray(docx({"word/notes.xml": "<a>" + "x" * (5 * 1024 * 1024) + "</a>"}))
    real = (5 * 1024 * 1024 + 7).to_bytes(4, "little")
    # The uncompressed size sits at offset 22 of the local header and 24 of the central directory entry.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (found := content.find(signature, start)) != -1:
            if content[found + offset : found + offset + 4] == real:
                content[found + offset : found + offset + 4] = (10).to_bytes(4, "little")
            start = found + 4
    with pytest.raises(ValidationError) as caught:
        uploads.judge_docx(upload(bytes(content)))
    assert caught.value.code in {"docx_too_big_unpacked", "docx_damaged"}


def test_a_path_leaving_the_archive_is_refused():
    refused(docx({"../../etc/cron.d/job": "x"}), "not_docx")


def test_an_encrypted_part_is_refused():
    content = bytearray(docx())
    # Set the "encrypted" flag of the first local header and of every central directory entry.
    content[6] |= 0x1
    start = 0
    while (found := content.find(b"PK\x01\x02", start)) != -1:
        content[found + 8] |= 0x1
        start = found + 4
    with pytest.raises(ValidationError) as caught:
        uploads.judge_docx(upload(bytes(content)))
    assert caught.value.code in {"docx_password", "docx_damaged"}


def test_a_document_over_the_size_limit_is_refused_unread():
    with pytest.raises(ValidationError) as caught:
        uploads.judge_docx(upload(docx()), max_bytes=100)
    assert caught.value.code == "too_big"
