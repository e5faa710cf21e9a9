import datetime

import pytest
from django.core import mail
from django.utils import timezone

from laurel.outreach.models import Talk
from tests.conftest import login
from tests.factories.outreach import MembershipFactory, TalkTopicFactory, district, next_weekday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(tmp_path, index: int):
    from PIL import Image

    path = tmp_path / f"photo{index}.png"
    Image.new("RGB", (16, 16), "blue").save(path)
    return str(path)


def test_host_requests_staff_dispatches_speaker_accepts_reports_and_dashboard_counts(page, staff, member, tmp_path):
    membership = MembershipFactory(user=member, person__name="宋远", person__user=member)
    TalkTopicFactory(membership=membership, title="新材料改变生活")
    # The host asks for a talk, without an account.
    page.goto("/lecture-groups/request/")
    page.fill("input[name=host_name]", "东湖区实验小学")
    page.select_option("select[name=host_type]", "school")
    page.select_option("select[name=district]", str(district("东湖区").pk))
    page.select_option("select[name=audience_type]", "pupils")
    page.fill("input[name=audience_size]", "320")
    page.fill("input[name=wanted_topic]", "新材料")
    page.select_option("select[name=delivery]", "onsite")
    page.fill("input[name=contact_name]", "王老师")
    page.fill("input[name=contact_email]", "wang@school.example.org")
    page.fill("input[name=contact_phone]", "0871-5550000")
    page.fill("input[name=date_1]", next_weekday(1).isoformat())
    page.select_option("select[name=slot_1]", "morning")
    page.fill("input[name=date_2]", next_weekday(3).isoformat())
    page.select_option("select[name=slot_2]", "afternoon")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=request-sent]")
    verify_link = next(line for line in mail.outbox[0].body.splitlines() if "/verify/" in line)
    page.goto(verify_link.replace("http://127.0.0.1:8000", ""))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/follow/**")
    assert "已申请" in page.locator("[data-testid=status]").inner_text()
    talk = Talk.objects.get()

    # Staff reviews and dispatches to the first suggestion.
    login(page, staff)
    page.goto(talk.get_absolute_url())
    page.click("button[value=review]")
    page.locator("[data-testid=suggestions] form button").first.click()
    page.wait_for_load_state()
    talk.refresh_from_db()
    assert (talk.status, talk.speaker) == (Talk.Status.DISPATCHED, membership)

    # The speaker accepts on the desk.
    page.context.clear_cookies()
    login(page, member)
    page.click("[data-testid=desk-speaker] button[value=accept]")
    page.wait_for_load_state()
    talk.refresh_from_db()
    assert talk.status == Talk.Status.CONFIRMED

    # The day comes; the speaker files the report with photos.
    Talk.objects.filter(pk=talk.pk).update(date=timezone.localdate() - datetime.timedelta(days=1))
    page.goto(talk.get_absolute_url())
    page.fill("input[name=headcount]", "345")
    page.fill("input[name=online_views]", "1200")
    page.set_input_files("input[name=photos]", [_png(tmp_path, index) for index in range(3)])
    page.click("form[action$='/report/'] button[type=submit]")
    page.wait_for_load_state()
    talk.refresh_from_db()
    assert (talk.status, talk.headcount) == (Talk.Status.REPORTED, 345)

    # The dashboard shows the new figures.
    page.context.clear_cookies()
    login(page, staff)
    page.goto("/lecture-groups/talks/reach/")
    assert page.locator("[data-testid=talks-held]").inner_text() == "1"
    assert page.locator("[data-testid=people-reached]").inner_text() == "345"
