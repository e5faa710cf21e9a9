"""Findings of a hostile review after the first round of defences, each reproduced as the rule that holds now.

Each test failed on the code the review read (they were committed as strict xfails first); the controls passed."""

import datetime
import io
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from laurel.certificates.credentials import multikey, proofs, status_list, web
from laurel.honors import files, notices
from laurel.honors.models import Nomination, Objection, Stage
from laurel.people import importfiles
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db

VISITOR = "203.0.113.41"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"


# JSON with an integer of more than 4,300 digits: Python's json raises a plain ValueError (not a JSONDecodeError),
# which read_json_body and parse_upload do not catch: a 500 instead of a 400.

HUGE_INTEGER = "1" * 5000


def test_verify_api_refuses_a_huge_integer_with_a_400(client):
    body = '{"verifiableCredential": {"type": ["VerifiableCredential"], "n": ' + HUGE_INTEGER + "}}"
    client.raise_request_exception = False
    response = client.post(reverse("certificates:api_verify"), body, content_type="application/json")
    assert response.status_code == 400


def test_verify_page_refuses_a_huge_integer_with_a_message(client):
    upload = SimpleUploadedFile("credential.json", ('{"n": ' + HUGE_INTEGER + "}").encode(), "application/json")
    client.raise_request_exception = False
    response = client.post(reverse("certificates:verify_upload"), {"file": upload})
    assert response.status_code == 400


# A workbook part that is not named *.xml is never streamed through the XML check, yet openpyxl reads it by the
# name [Content_Types].xml and the workbook's relationships give: an 8 MB upload whose sheet is
# `xl/worksheets/sheet1.bin` (one row of two million cells) cost 21 s and 1.5 GB in the worker, where the same
# sheet named sheet1.xml is refused in 0.2 s.


def _workbook_with_sheet_named(name: str, cells: int) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/{name}" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Target="worksheets/{name}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c t="inlineStr"><is><t>name</t></is></c></row><row r="2">'
        + "<c/>" * cells
        + "</row></sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr(f"xl/worksheets/{name}", sheet)
    return buffer.getvalue()


def test_a_row_too_wide_for_the_xml_check_is_refused_by_it_in_a_part_named_xml():
    """The control: the same sheet named *.xml is refused by the XML check, naming the part."""
    with pytest.raises(importfiles.SpreadsheetError, match="sheet1.xml"):
        importfiles.read_rows(_workbook_with_sheet_named("sheet1.xml", importfiles.MAX_XML_CHILDREN + 10))


def test_every_part_of_a_workbook_is_checked_whatever_its_name():
    with pytest.raises(importfiles.SpreadsheetError, match="sheet1.bin"):
        importfiles.read_rows(_workbook_with_sheet_named("sheet1.bin", importfiles.MAX_XML_CHILDREN + 10))


# Objection evidence: every uploaded file is judged (a 211 KB PNG of 50 megapixels costs about 2.5-5.5 s of CPU and
# up to 1 GB of memory to decode and re-encode) before the count of files and the form are checked, and before the
# per-address limit is counted, which counts only acceptable objections. Eight such PNGs with an empty form kept a
# gunicorn worker busy 19 s and the refusal never counted against the visitor's address.


@pytest.fixture
def noticed():
    today = timezone.localdate()
    campaign = CampaignFactory(
        stage=Stage.NOTICE, notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6)
    )
    return NominationFactory(campaign=campaign, status=Nomination.Status.SELECTED, photos=0)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("evidence.png", buffer.getvalue(), "image/png")


@pytest.fixture
def judged(monkeypatch):
    """The files the objection judged (each judgement of a hostile photo costs seconds)."""
    calls = []
    real = files.judge_evidence

    def spy(upload):
        calls.append(upload)
        return real(upload)

    monkeypatch.setattr(files, "judge_evidence", spy)
    return calls


def test_an_objection_with_too_many_files_judges_none_of_them(noticed, judged):
    with pytest.raises(ValidationError):
        notices.file_objection(
            noticed, full_name="王小明", contact="13800000000", email="", statement="该候选人的论文存在署名争议。",
            address=VISITOR, evidence=[_png() for _index in range(notices.MAX_EVIDENCE_FILES + 1)],
        )  # fmt: skip
    assert judged == []


def test_an_objection_refused_for_its_form_judges_no_evidence(noticed, judged):
    with pytest.raises(ValidationError):
        notices.file_objection(
            noticed, full_name="", contact="", email="", statement="", address=VISITOR, evidence=[_png()]
        )
    assert judged == []


def test_refused_objections_with_evidence_count_against_the_address(noticed, judged):
    for _index in range(notices.OBJECTIONS_PER_ADDRESS.count):
        with pytest.raises(ValidationError):
            notices.file_objection(
                noticed, full_name="", contact="", email="", statement="", address=VISITOR, evidence=[_png()]
            )
    judged.clear()
    with pytest.raises(ValidationError) as refused:
        notices.file_objection(
            noticed, full_name="", contact="", email="", statement="", address=VISITOR, evidence=[_png()]
        )
    assert refused.value.messages == ["来自您所在网络的异议过多，请一小时后再试。"]
    assert judged == []
    assert not Objection.objects.exists()


# Status lists: a credential signed by a did:key (anyone can make one) may carry up to ~150 status entries, each
# naming another status list URL; the verifier fetches each one in turn, each with its own 3 s deadline
# (LAUREL_DID_WEB_TIMEOUT_MS), so one anonymous request to /credentials/verify can hold a worker for minutes
# (60 such requests a minute per address).

STATUS_ENTRIES = 20


@pytest.fixture
def fetched(monkeypatch, settings):
    """Every status list the verifier reads from another site, answered at once with a valid, signed list."""
    settings.LAUREL_DID_WEB_TIMEOUT_MS = 3000
    key = Ed25519PrivateKey.generate()
    did = multikey.did_key(key.public_key())
    method = f"{did}#{did.removeprefix('did:key:')}"
    urls = []

    def fetch_json(url, **_options):
        urls.append(url)
        status_credential = {
            "@context": [CREDENTIALS_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": did,
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": status_list.encode(set()),
            },
        }
        return proofs.sign(status_credential, private_key=key, verification_method=method)

    monkeypatch.setattr(web, "fetch_json", fetch_json)

    def signed_credential(entries: int) -> dict:
        credential = {
            "@context": [CREDENTIALS_V2],
            "type": ["VerifiableCredential"],
            "issuer": did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "urn:example:subject"},
            "credentialStatus": [
                {
                    "id": f"https://lists.example.org/{index}#0",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": "0",
                    "statusListCredential": f"https://lists.example.org/{index}",
                }
                for index in range(entries)
            ],
        }
        return proofs.sign(credential, private_key=key, verification_method=method)

    return urls, signed_credential


def test_a_credential_with_one_status_entry_reads_its_status_list(fetched, client):
    """The control: the fetch below is the one the verifier makes, and an honest credential verifies with it."""
    urls, signed_credential = fetched
    response = client.post(
        reverse("certificates:api_verify"),
        {"verifiableCredential": signed_credential(1)},
        content_type="application/json",
    )
    assert response.json()["checks"] == ["proof", "validity_period", "status"]
    assert urls == ["https://lists.example.org/0"]


def test_a_credential_makes_the_verifier_read_at_most_a_few_status_lists(fetched, client):
    urls, signed_credential = fetched
    response = client.post(
        reverse("certificates:api_verify"),
        {"verifiableCredential": signed_credential(STATUS_ENTRIES)},
        content_type="application/json",
    )
    assert len(urls) <= 2
    assert response.json()["verified"] is False
    assert "too_many_status_entries" in str(response.json()["errors"])
