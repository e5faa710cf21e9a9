"""The campaign's call: its text sanitized, PDF and Word attachments judged, the timeline, and who may edit."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.honors import calls
from laurel.honors.models import CallAttachment, Stage
from laurel.honors.models.calls import MAX_ATTACHMENTS
from tests.core.test_uploads_docx import docx
from tests.factories.honors import CampaignFactory, jpeg, pdf

pytestmark = pytest.mark.django_db


def _attach(campaign, staff, upload, title="关于开展推荐工作的通知"):
    return calls.add_attachment(campaign, actor=staff, title=title, title_en="Call", upload=upload)


def test_the_call_text_is_rendered_and_sanitized(campaign, staff):
    calls.save_call(
        campaign,
        actor=staff,
        call_text='## 评选条件\n\n1. 在岗\n\n<script>alert(1)</script><img src="https://tracker.example/p.gif">'
        '<a href="javascript:alert(1)" onclick="x()">链接</a>',
        call_text_en="## Criteria",
        call_contact="组织人事部 0791-88886666",
    )
    campaign.refresh_from_db()
    assert "<h2>评选条件</h2>" in campaign.call_html
    assert "<script" not in campaign.call_html and "<img" not in campaign.call_html
    assert "javascript:" not in campaign.call_html and "onclick" not in campaign.call_html
    assert campaign.display_call_html("en") == "<h2>Criteria</h2>"
    entry = AuditEntry.objects.get(action="honors.call.updated")
    assert entry.data["changed"] == ["call_text", "call_text_en", "call_contact"]


def test_a_call_too_long_is_refused_and_nothing_is_written(campaign, staff):
    with pytest.raises(calls.ValidationError):
        calls.save_call(campaign, actor=staff, call_text="长" * 50_001, call_text_en="", call_contact="")
    campaign.refresh_from_db()
    assert campaign.call_text == "" and not AuditEntry.objects.filter(action="honors.call.updated").exists()


def test_pdf_and_word_attachments_are_kept(campaign, staff):
    first = _attach(campaign, staff, pdf())
    second = _attach(campaign, staff, SimpleUploadedFile("form.docx", docx()), title="推荐表")
    assert (first.kind, second.kind) == (CallAttachment.Kind.PDF, CallAttachment.Kind.DOCX)
    assert first.file.name.endswith(".pdf") and second.file.name.endswith(".docx")
    assert AuditEntry.objects.filter(action="honors.call.attachment_added").count() == 2


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("notice.pdf", b"<html><script>alert(1)</script></html>"),
        SimpleUploadedFile("notice.pdf", b"%PDF-1.7\nnot really"),
        SimpleUploadedFile("notice.exe", b"MZ\x90\x00\x03"),
        SimpleUploadedFile("macro.docx", docx({"word/vbaProject.bin": "x"})),
        SimpleUploadedFile("bomb.docx", docx({"word/pad.xml": "0" * (30 * 1024 * 1024)})),
        jpeg(),
    ],
    ids=["html-as-pdf", "broken-pdf", "program", "macros", "zip-bomb", "photo"],
)
def test_hostile_attachments_are_refused_and_nothing_is_stored(campaign, staff, upload, settings):
    with pytest.raises(calls.ValidationError) as caught:
        _attach(campaign, staff, upload)
    assert "file" in caught.value.message_dict
    assert not CallAttachment.objects.exists()
    stored = settings.MEDIA_ROOT / "public" / "honors" / "calls"
    assert not stored.exists() or not any(stored.iterdir())


def test_a_missing_title_or_file_is_named(campaign, staff):
    with pytest.raises(calls.ValidationError) as caught:
        _attach(campaign, staff, pdf(), title="  ")
    assert caught.value.message_dict == {"title": ["Give the attachment a title."]}
    with pytest.raises(calls.ValidationError) as caught:
        _attach(campaign, staff, None)
    assert caught.value.message_dict == {"file": ["Choose a PDF or Word (.docx) file."]}


def test_at_most_ten_attachments(campaign, staff, settings):
    for _ in range(MAX_ATTACHMENTS):
        _attach(campaign, staff, pdf())
    with pytest.raises(calls.ValidationError, match="at most 10 attachments"):
        _attach(campaign, staff, pdf())
    assert campaign.call_attachments.count() == MAX_ATTACHMENTS
    # The refused upload's file did not stay behind.
    assert len(list((settings.MEDIA_ROOT / "public" / "honors" / "calls").iterdir())) == MAX_ATTACHMENTS


def test_removing_an_attachment_deletes_its_file_after_the_commit(campaign, staff, django_capture_on_commit_callbacks):
    attachment = _attach(campaign, staff, pdf())
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        calls.remove_attachment(attachment, actor=staff)
    assert not CallAttachment.objects.exists()
    import os

    assert not os.path.exists(path)
    with pytest.raises(calls.ValidationError):
        calls.remove_attachment(attachment, actor=staff)


def test_the_timeline_follows_the_stage():
    now = timezone.now()
    campaign = CampaignFactory(
        stage=Stage.NOTICE,
        public_vote=True,
        public_vote_weight=30,
        nomination_opens_at=now - datetime.timedelta(days=60),
        nomination_deadline=now - datetime.timedelta(days=40),
        vote_opens_at=now - datetime.timedelta(days=20),
        vote_closes_at=now - datetime.timedelta(days=18),
        notice_starts_on=timezone.localdate(now),
        notice_ends_on=timezone.localdate(now) + datetime.timedelta(days=6),
    )
    steps = calls.timeline(campaign)
    assert [step.state for step in steps] == ["done", "done", "done", "done", "done", "current", "upcoming"]
    assert [step.label for step in steps][3] == "Public vote"
    assert steps[0].ends == timezone.localdate(campaign.nomination_deadline)
    assert steps[5].starts == campaign.notice_starts_on
    published = CampaignFactory(stage=Stage.PUBLISHED, published_at=now)
    assert all(step.state == "done" for step in calls.timeline(published))
    assert "Public vote" not in [step.label for step in calls.timeline(published)]
    opening = CampaignFactory(stage=Stage.OPEN)
    assert [step.state for step in calls.timeline(opening)][:2] == ["current", "upcoming"]


# Pages and who may use them


def test_the_public_call_page(client, campaign, staff):
    calls.save_call(campaign, actor=staff, call_text="## 评选条件", call_text_en="## Criteria", call_contact="电话 123")
    attachment = _attach(campaign, staff, pdf())
    page = client.get(reverse("honors:call", args=[campaign.code])).content.decode()
    assert "<h2>评选条件</h2>" in page and "电话 123" in page
    assert attachment.get_absolute_url() in page and 'data-testid="timeline"' in page
    assert reverse("honors:call_edit", args=[campaign.code]) not in page
    english = client.get(reverse("honors:call", args=[campaign.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h2>Criteria</h2>" in english


def test_the_attachment_is_a_download_named_by_its_title(client, campaign, staff):
    attachment = _attach(campaign, staff, pdf(), title='通知/"正式"')
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "pdf" in response["Content-Disposition"] and "/" not in response["Content-Disposition"].split("filename")[-1]
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response.close()


def test_a_draft_campaigns_call_is_for_staff_only(client, staff):
    draft = CampaignFactory(stage=Stage.DRAFT)
    attachment = _attach(draft, staff, pdf())
    assert client.get(reverse("honors:call", args=[draft.code])).status_code == 404
    assert client.get(attachment.get_absolute_url()).status_code == 404
    client.force_login(staff)
    assert client.get(reverse("honors:call", args=[draft.code])).status_code == 200
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    response.close()


def test_an_attachment_of_another_campaign_is_not_found(client, campaign, staff):
    other = CampaignFactory()
    attachment = _attach(other, staff, pdf())
    url = reverse("honors:call_attachment", args=[campaign.code, attachment.pk])
    assert client.get(url).status_code == 404


def test_staff_edit_the_call_and_attach_a_document(client, campaign, staff):
    client.force_login(staff)
    url = reverse("honors:call_edit", args=[campaign.code])
    response = client.post(url, {"call_text": "## 条件", "call_text_en": "", "call_contact": "电话"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.call_html == "<h2>条件</h2>"
    response = client.post(url, {"action": "attach", "title": "通知", "title_en": "", "file": pdf()})
    assert response.status_code == 302 and campaign.call_attachments.count() == 1
    response = client.post(
        url, {"action": "attach", "title": "通知", "title_en": "", "file": SimpleUploadedFile("x.pdf", b"<html>")}
    )
    assert response.status_code == 200 and "附件须为 PDF 或 Word" in response.content.decode()
    response = client.post(url, {"action": "attach", "title": "", "title_en": "", "file": pdf()})
    assert response.status_code == 200 and campaign.call_attachments.count() == 1


def test_editing_the_call_is_refused_to_others(client, campaign, staff, nominator, expert, stranger):
    attachment = _attach(campaign, staff, pdf())
    edit = reverse("honors:call_edit", args=[campaign.code])
    remove = reverse("honors:call_attachment_remove", args=[campaign.code, attachment.pk])
    assert client.get(edit).status_code == 302 and client.post(remove).status_code == 302
    for user in (nominator, expert, stranger):
        client.force_login(user)
        assert client.get(edit).status_code == 403
        assert client.post(edit, {"call_text": "篡改", "call_text_en": "", "call_contact": ""}).status_code == 403
        assert client.post(remove).status_code == 403
    campaign.refresh_from_db()
    assert campaign.call_text == "" and CallAttachment.objects.count() == 1


def test_removing_twice_says_so(client, campaign, staff):
    attachment = _attach(campaign, staff, pdf())
    client.force_login(staff)
    remove = reverse("honors:call_attachment_remove", args=[campaign.code, attachment.pk])
    assert client.post(remove).status_code == 302
    response = client.post(remove, follow=True)
    assert "该附件已被删除" in response.content.decode()


def test_the_campaign_and_notice_pages_link_the_call(client, campaign):
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert reverse("honors:call", args=[campaign.code]) in page


def test_a_contact_too_long_is_refused(campaign, staff):
    with pytest.raises(calls.ValidationError) as caught:
        calls.save_call(campaign, actor=staff, call_text="", call_text_en="", call_contact="电" * 501)
    assert "call_contact" in caught.value.message_dict
