import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from laurel.certificates import keys, pdf, services, verification
from laurel.certificates.credentials.verification import Verdict
from laurel.certificates.models import BatchEntry, Certificate, IssuanceBatch
from laurel.core.models import AuditEntry
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


def test_issued_pdf_shows_the_rare_chinese_name_and_embeds_the_credential(certificate):
    data = services.pdf_bytes(certificate)
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "王䶮" in text and "云州市最美科技工作者" in text and certificate.number in text
    assert pdf.extract_credential(data).decode() == services.credential_bytes(certificate).decode()


def test_issued_credential_verifies_with_laurels_did_web(certificate):
    result = verification.verify_document(certificate.credential)
    assert (result.verdict, result.checks, result.errors) == (Verdict.VALID, ["proof", "validity_period", "status"], [])
    assert certificate.credential["issuer"]["id"] == keys.issuer_did() == "did:web:127.0.0.1%3A8000"
    assert certificate.credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_issuing_twice_for_the_same_person_and_batch_is_refused(certificate, template, honoree, staff):
    with pytest.raises(ValidationError, match="已持有"):
        services.issue_one(template=template, recipient=honoree, title="x", batch_key="2026-最美", actor=staff)
    assert Certificate.objects.count() == 1


def test_revocation_is_logged_and_shows_in_the_signed_status_list(certificate, staff):
    services.revoke(certificate, reason="事迹不实", actor=staff)
    result = verification.verify_document(certificate.credential)
    assert result.verdict == Verdict.REVOKED
    entry = AuditEntry.objects.get(action="certificates.certificate.revoked")
    assert (entry.actor, entry.data) == (staff, {"reason": "事迹不实", "reason_public": False})


def test_revoking_twice_is_refused(certificate, staff):
    services.revoke(certificate, reason="事迹不实", actor=staff)
    with pytest.raises(ValidationError):
        services.revoke(certificate, reason="again", actor=staff)


def test_revocation_needs_a_reason(certificate, staff):
    with pytest.raises(ValidationError):
        services.revoke(certificate, reason="  ", actor=staff)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_correction_supersedes_the_old_certificate(certificate, honoree, staff):
    honoree.name = "王彦"
    honoree.save()
    new = services.correct_certificate(certificate, actor=staff, reason="姓名有误", title="云州市最美科技工作者")
    certificate.refresh_from_db()
    assert (certificate.status, new.supersedes, new.recipient_name) == (
        Certificate.Status.SUPERSEDED,
        certificate,
        "王彦",
    )
    assert verification.verify_document(certificate.credential).verdict == Verdict.REVOKED
    assert verification.verify_document(new.credential).verdict == Verdict.VALID


def _recipients(people, title="最美", **texts):
    return [services.Recipient(person=person, title=title, **texts) for person in people]


def test_batch_issues_everyone_and_skips_who_already_holds_one(certificate, template, honoree, staff):
    others = PersonFactory.create_batch(2)
    batch = services.start_batch(
        template=template, recipients=_recipients([honoree, *others]), batch_key="2026-最美", title="最美", actor=staff
    )
    batch = services.run_batch(batch.pk)  # tasks run immediately in tests; running again must be harmless
    assert (batch.status, batch.done, batch.total) == (IssuanceBatch.Status.FINISHED, 3, 3)
    assert Certificate.objects.count() == 3
    assert [skip["person"] for skip in batch.skipped] == ["王䶮"]


def test_rotated_keys_keep_old_credentials_verifiable(certificate, template, staff):
    old_fragment = keys.current_key().fragment
    keys.rotate()
    document = keys.did_document()
    assert [method["id"].split("#")[1] for method in document["verificationMethod"]][1] == old_fragment
    assert verification.verify_document(certificate.credential).verdict == Verdict.VALID
    new = services.issue_one(template=template, recipient=PersonFactory(), title="t", batch_key="k", actor=staff)
    assert new.credential["proof"][0]["verificationMethod"].endswith(keys.current_key().fragment)


def test_missing_cjk_font_gives_a_clear_error(template, settings, tmp_path):
    settings.LAUREL_CJK_FONT_DIR = str(tmp_path)
    with pytest.raises(pdf.CertificateRenderError, match="fonts-noto-cjk"):
        pdf.render(template=template, data={})


def test_rotate_signing_key_command_keeps_old_credentials_valid(certificate):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("rotate_signing_key", stdout=out)
    assert keys.current_key().fragment in out.getvalue()
    assert len(keys.did_document()["verificationMethod"]) == 2
    assert verification.verify_document(certificate.credential).verdict == Verdict.VALID


def test_batch_gives_each_honoree_their_own_title_and_citation(template, staff):
    wang, li = PersonFactory(name="王䶮"), PersonFactory(name="李明")
    recipients = [
        services.Recipient(person=wang, title="最美科技工作者", citation="潜心材料科学。", citation_en="Materials."),
        services.Recipient(person=li, title="优秀科普工作者", citation="热心青少年科普。", source=li.organization),
    ]
    batch = services.start_batch(
        template=template, recipients=recipients, batch_key="2026-评选", title="2026", actor=staff
    )
    assert (batch.status, batch.done) == (IssuanceBatch.Status.PENDING, 0)  # queued after commit
    batch = services.run_batch(batch.pk)
    issued = {c.recipient_name: c for c in Certificate.objects.all()}
    assert {name: (c.title, c.citation) for name, c in issued.items()} == {
        "王䶮": ("最美科技工作者", "潜心材料科学。"),
        "李明": ("优秀科普工作者", "热心青少年科普。"),
    }
    assert issued["王䶮"].credential["credentialSubject"]["achievement"]["description"] == "潜心材料科学。"
    assert issued["王䶮"].citation_en == "Materials."
    assert (issued["李明"].source_id, issued["王䶮"].source_id) == (str(li.organization.pk), "")
    text = PdfReader(io.BytesIO(services.pdf_bytes(issued["李明"]))).pages[0].extract_text()
    assert "热心青少年科普" in text and "优秀科普工作者" in text


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ({"title": "  "}, "证书名称"),
        ({"title": "t", "citation": "长" * 601}, "600"),
    ],
)
def test_batch_with_a_bad_entry_is_refused_and_nothing_is_written(template, staff, texts, message):
    good, bad = PersonFactory(), PersonFactory(name="王䶮")
    recipients = [services.Recipient(person=good, title="最美"), services.Recipient(person=bad, **texts)]
    with pytest.raises(ValidationError, match=message) as error:
        services.start_batch(template=template, recipients=recipients, batch_key="k", title="b", actor=staff)
    assert "王䶮" in str(error.value)
    assert (IssuanceBatch.objects.count(), BatchEntry.objects.count()) == (0, 0)


def test_batch_is_dated_today_unless_told_otherwise(template, staff):
    batch = services.start_batch(
        template=template, recipients=_recipients([PersonFactory()]), batch_key="k", title="b", actor=staff
    )
    services.run_batch(batch.pk)
    assert batch.issued_on == Certificate.objects.get().issued_on == timezone.localdate()


def test_batch_dated_earlier_prints_that_date_and_starts_the_credential_then(template, staff):
    """E.g. certificates issued today for a ceremony held on 30 May 2023: the same date on the paper, in the
    number and as the credential's validFrom; the signature is still today's and verifies."""
    batch = services.start_batch(
        template=template, recipients=_recipients([PersonFactory(name="王䶮")]), batch_key="k", title="b",
        actor=staff, issued_on=datetime.date(2023, 5, 30),
    )  # fmt: skip
    services.run_batch(batch.pk)
    certificate = Certificate.objects.get()
    assert (certificate.issued_on, certificate.number[:5]) == (datetime.date(2023, 5, 30), "H2023")
    assert certificate.credential["validFrom"] == "2023-05-29T16:00:00Z"
    assert verification.verify_document(certificate.credential).verdict == Verdict.VALID
    text = PdfReader(io.BytesIO(services.pdf_bytes(certificate))).pages[0].extract_text()
    assert "2023 年 5 月 30 日" in text and "30 May 2023" in text
    entry = AuditEntry.objects.get(action="certificates.batch.started")
    assert entry.data == {"total": 1, "issued_on": "2023-05-30"}


def test_batch_dated_after_today_is_refused_and_nothing_is_written(template, staff):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.start_batch(
            template=template, recipients=_recipients([PersonFactory()]), batch_key="k", title="b", actor=staff,
            issued_on=tomorrow,
        )  # fmt: skip
    assert error.value.message_dict == {"issued_on": ["证书落款日期不能晚于今天。"]}
    assert (IssuanceBatch.objects.count(), BatchEntry.objects.count()) == (0, 0)


def test_batch_naming_a_person_twice_is_refused(template, staff):
    person = PersonFactory(name="王䶮")
    with pytest.raises(ValidationError, match="王䶮"):
        services.start_batch(
            template=template, recipients=_recipients([person, person]), batch_key="k", title="b", actor=staff
        )
    assert IssuanceBatch.objects.count() == 0


def test_empty_batch_is_refused(template, staff):
    with pytest.raises(ValidationError):
        services.start_batch(template=template, recipients=[], batch_key="k", title="b", actor=staff)


def test_batch_valid_until_applies_unless_a_recipient_has_their_own(
    template, staff, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    first, second = PersonFactory(name="王䶮"), PersonFactory(name="李明")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_batch(
            template=template,
            recipients=[
                services.Recipient(person=first, title="聘书"),
                services.Recipient(person=second, title="聘书", valid_until=today + datetime.timedelta(days=30)),
            ],
            batch_key="term",
            title="聘书",
            actor=staff,
            valid_until=today + datetime.timedelta(days=365),
        )
    until = {c.recipient_name: c.valid_until for c in Certificate.objects.all()}
    assert until == {"王䶮": today + datetime.timedelta(days=365), "李明": today + datetime.timedelta(days=30)}


def test_batch_that_would_expire_on_its_date_of_issue_is_refused(template, staff):
    with pytest.raises(ValidationError) as error:
        services.start_batch(
            template=template,
            recipients=[services.Recipient(person=PersonFactory(name="王䶮"), title="聘书")],
            batch_key="term",
            title="聘书",
            actor=staff,
            valid_until=timezone.localdate(),
        )
    assert error.value.message_dict == {"valid_until": ["王䶮的证书将在颁发日期当天或之前失效。"]}
    assert not IssuanceBatch.objects.exists()


def test_expired_certificate_says_expired_on_the_page_and_in_the_vc_api(client, template, staff):
    today = timezone.localdate()
    certificate = services.issue_one(
        template=template,
        recipient=PersonFactory(name="王䶮"),
        title="聘书",
        batch_key="term",
        actor=staff,
        issued_on=today - datetime.timedelta(days=10),
        valid_until=today - datetime.timedelta(days=1),
    )
    content = client.get(certificate.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Expired: this certificate is no longer in force." in content
    answer = client.post(
        "/credentials/verify", {"verifiableCredential": certificate.credential}, content_type="application/json"
    ).json()
    assert (answer["errors"], answer["problems"][0]["check"]) == (["expired"], "validity_period")


def test_a_certificate_dated_today_is_valid_from_the_associations_midnight_not_utcs(settings):
    """Between 00:00 and 08:00 in Shanghai the date is already tomorrow's in UTC terms: a credential dated today
    and made valid from UTC's midnight stayed "not yet valid" for eight hours."""
    import datetime

    from laurel.certificates.badges import _datetime

    settings.TIME_ZONE = "Asia/Shanghai"
    assert _datetime(datetime.date(2026, 12, 4)) == "2026-12-03T16:00:00Z"
    settings.TIME_ZONE = "UTC"
    assert _datetime(datetime.date(2026, 12, 4)) == "2026-12-04T00:00:00Z"
