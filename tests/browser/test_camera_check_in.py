"""Check-in by camera at the door: Chromium's fake camera shows an attendee's pass QR code; the page decodes it
(jsQR, since Chromium on Linux has no BarcodeDetector), checks the attendee in and keeps scanning."""

import io

import pytest
from PIL import Image

from laurel.events import documents
from laurel.events.models import Attendee
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories.events import AttendeeFactory, EventFactory
from tests.factories.people import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def camera_file(path, code: str) -> str:
    """A Y4M video (what Chromium's fake camera plays) of the pass's QR code as Laurel draws it, on white,
    640 x 480, 4:2:0."""
    qr = Image.open(io.BytesIO(documents.pass_png(code))).convert("RGB")
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(qr, ((640 - qr.width) // 2, (480 - qr.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (320, 240)
    body = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    path.write_bytes(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n" + (b"FRAME\n" + body) * 5)
    return str(path)


def test_staff_check_an_attendee_in_by_pointing_the_camera_at_the_pass(browser, live_server, staff, tmp_path):
    event = EventFactory()
    attendee = AttendeeFactory(event=event, name="陈立群")
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera_file(tmp_path / 'pass.y4m', attendee.pass_code)}",
        ],
    )
    try:
        context = camera.new_context(base_url=live_server.url, locale="zh-CN")
        context.grant_permissions(["camera"], origin=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        csp_errors = []
        page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto("/accounts/login/")
        page.fill("input[name=login]", staff.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action$='/accounts/login/'] button[type=submit]")
        page.wait_for_url("**/dashboard/")
        page.goto(f"/staff/events/{event.code}/check-in/")
        page.click("#scan-button")
        result = page.locator("#scan-result")
        result.filter(has_text="陈立群 已签到。").wait_for()
        assert "scan-ok" in result.get_attribute("class")
        attendee.refresh_from_db()
        assert attendee.checked_in_at is not None and attendee.checked_in_by == staff
        # the camera keeps scanning: the pass still held to it is not posted again, and the answer stays green
        page.wait_for_timeout(4000)
        assert "scan-ok" in result.get_attribute("class") and "陈立群 已签到。" in result.inner_text()
        assert Attendee.objects.filter(checked_in_at__isnull=False).count() == 1
        assert csp_errors == []
        context.close()
    finally:
        camera.close()
