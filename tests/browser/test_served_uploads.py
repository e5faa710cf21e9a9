"""Staff open every kind of served upload in a real browser, including the attack's files stored before uploads were
judged (an HTML page loading a script that was uploaded as PDF evidence), and no script in them runs."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from laurel.honors import notices
from laurel.honors.models import Nomination, ObjectionEvidence, Stage
from tests.conftest import login
from tests.factories.honors import jpeg, pdf, scored_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKER = "/__script_ran__"


def store_the_old_way(field_file, name: str, content: bytes) -> str:
    """Put a file where the code before judged uploads kept it, under the uploader's own name."""
    path = Path(field_file.storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return name


@pytest.fixture
def attacked(expert):
    """A candidate under public notice whose documents are the attack's: evidence.js (a script behind "//%PDF-")
    and opinion.html (a page loading that script from Laurel's own origin), plus real photos and an objection
    with a real PDF, a photo and an old-style HTML page as evidence."""
    today = timezone.localdate()
    campaign, made = scored_campaign(
        totals=[[95]], experts=[expert], honorees_count=1, stage=Stage.NOTICE, notice_starts_on=today,
        notice_ends_on=today + datetime.timedelta(days=6),
    )  # fmt: skip
    nomination = made[0]
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.SELECTED)
    nomination.refresh_from_db()
    evidence_url = reverse("honors:nomination_file", kwargs={"code": nomination.code, "kind": "evidence"})
    script = f"//%PDF-1.4\nwindow.ran = true; fetch('{MARKER}?evidence.js');\n".encode()
    page = (
        f'<!-- %PDF-1.4 -->\n<html><body><script src="{evidence_url}"></script>'
        f'<img src="x" onerror="fetch(\'{MARKER}?onerror\')"></body></html>\n'
    ).encode()
    Nomination.objects.filter(pk=nomination.pk).update(
        evidence=store_the_old_way(nomination.evidence, "honors/evidence/evidence.js", script),
        unit_opinion=store_the_old_way(nomination.unit_opinion, "honors/opinions/opinion.html", page),
    )
    objection = notices.file_objection(
        nomination, full_name="王小明", contact="13800000000", email="", statement="该候选人的论文存在署名争议。",
        address="203.0.113.7", evidence=[pdf("a.pdf"), jpeg("b.jpg")],
    )  # fmt: skip
    old_page = ObjectionEvidence.objects.create(objection=objection, file="placeholder")
    ObjectionEvidence.objects.filter(pk=old_page.pk).update(
        file=store_the_old_way(old_page.file, "honors/objections/evidence.html", page)
    )
    nomination.photos.create(image=jpeg("work.jpg"))
    return nomination, objection


def open_as_staff(page, url: str) -> None:
    """Follow the link as a person would; a file the browser saves instead of showing ends the navigation."""
    try:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    except PlaywrightError as error:
        assert "Download is starting" in str(error), error


def test_staff_open_every_kind_of_served_upload_and_no_script_runs(page, staff, attacked):
    nomination, objection = attacked
    ran, downloads = [], []
    page.context.route(f"**{MARKER}*", lambda route: (ran.append(route.request.url), route.fulfill(status=204)))
    page.on("download", lambda download: downloads.append(download.suggested_filename))
    page.on("dialog", lambda dialog: (ran.append(dialog.message), dialog.dismiss()))
    login(page, staff)

    def document(kind):
        return reverse("honors:nomination_file", kwargs={"code": nomination.code, "kind": kind})

    downloaded = {
        document("unit_opinion"): f"{nomination.code}-unit-opinion.txt",  # the old-style HTML page
        document("evidence"): f"{nomination.code}-evidence.txt",  # the old-style script
        document("integrity_certificate"): f"{nomination.code}-integrity-certificate.pdf",
    }
    for evidence in objection.evidence.order_by("pk"):
        url = reverse("honors:objection_evidence", kwargs={"pk": evidence.pk})
        extension = {".pdf": "pdf", ".jpg": None, "html": "txt"}[evidence.file.name[-4:]]
        if extension:
            downloaded[url] = f"{nomination.code}-objection-evidence-{evidence.pk}.{extension}"
    shown = [
        document("id_photo"),
        *(reverse("honors:nomination_photo", kwargs={"code": nomination.code, "photo": photo.pk})
          for photo in nomination.photos.all()),
        *(reverse("honors:objection_evidence", kwargs={"pk": evidence.pk})
          for evidence in objection.evidence.all() if evidence.file.name.endswith(".jpg")),
    ]  # fmt: skip

    page.goto(nomination.get_absolute_url())
    page.wait_for_load_state("networkidle")  # the nomination page shows the photos through the same views
    for url in [*downloaded, *shown]:
        open_as_staff(page, url)
    for url in shown:
        page.goto(url)
        assert page.evaluate("document.contentType") == "image/jpeg"
        assert page.evaluate("window.ran") is None

    assert ran == []
    assert sorted(downloads) == sorted(downloaded.values())
