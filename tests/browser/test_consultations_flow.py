import datetime

import pytest
from django.core import mail
from django.utils import timezone

from laurel.consultations.models import Consultation, Rating, Seat
from tests.conftest import login
from tests.factories.consultations import ConsultationFactory, GovernmentFactory, open_round, statements
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_body_submits_staff_accepts_and_the_public_sees_only_what_is_public(page, staff):
    body = GovernmentFactory(name="云州市水务局")
    page.goto("/consultations/submit/")
    page.select_option("select[name=asking_body]", str(body.pk))
    page.fill("input[name=title]", "城市内涝治理的优先措施")
    page.fill("textarea[name=question]", "未来五年应优先采取哪些措施降低内涝风险？")
    page.fill("input[name=deadline]", (timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    page.select_option("select[name=openness]", "public")
    page.fill("input[name=contact_name]", "李处长")
    page.fill("input[name=contact_email]", "li@gov.example.org")
    page.check("input[name=classified]")
    page.click("main form button[type=submit]")
    assert "涉密" in page.locator(".errorlist").first.inner_text()
    page.uncheck("input[name=classified]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=submitted]")
    verify_link = next(line for line in mail.outbox[0].body.splitlines() if "/verify/" in line)
    page.goto(verify_link.replace("http://127.0.0.1:8000", ""))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/follow/**")
    assert page.locator("[data-testid=status]").inner_text() == "已提交，等待科协受理"
    consultation = Consultation.objects.get()

    login(page, staff)
    page.goto(consultation.get_absolute_url())
    page.click("button[value=accept]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=status]").inner_text().startswith("已受理")

    page.context.clear_cookies()
    page.goto("/consultations/")
    page.click("text=城市内涝治理的优先措施")
    # The click starts a navigation; read the page only once the detail has arrived.
    page.wait_for_selector("text=未来五年应优先采取哪些措施降低内涝风险")
    assert "未来五年应优先采取哪些措施降低内涝风险" in page.content()
    assert "li@gov.example.org" not in page.content() and "李处长" not in page.content()


def test_expert_accepts_with_the_pledge_rates_staff_closes_reports_delivers_and_the_body_responds(page, staff, expert):
    PersonFactory(user=expert, name="郑清", field="水文水资源")
    consultation = ConsultationFactory(title="湖泊生态修复对策")
    Seat.objects.create(consultation=consultation, person=expert.person, user=expert)
    open_round(consultation)
    statement = statements(consultation, 1)[0]

    login(page, expert)
    page.click("[data-testid=desk-consultations] a:has-text('湖泊生态修复对策')")
    page.click("[data-testid=accept]")
    assert page.locator(".message-error").count() == 1  # no pledge, no seat
    page.check("#id_pledge")
    page.check("#id_may_be_named")
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=round]")
    page.fill("[data-testid=statement-1] input[name=importance]", "8")
    page.fill("[data-testid=statement-1] input[name=feasibility]", "7")
    page.fill("[data-testid=statement-1] input[name=comment]", "应先治理入湖污染源")
    page.click("[data-testid=statement-1] button[type=submit]")
    page.wait_for_selector("[data-testid=statement-1] .badge")
    assert list(Rating.objects.values_list("statement", "importance", "comment")) == [
        (statement.pk, 8, "应先治理入湖污染源")
    ]

    page.context.clear_cookies()
    login(page, staff)
    page.goto(consultation.get_absolute_url())
    page.click("[data-testid=rounds] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=status]").inner_text().startswith("轮次已结束")
    page.click("button[value=render]")
    page.wait_for_selector("[data-testid=report] a.button")
    page.fill("input[name=delivered_on]", timezone.localdate().isoformat())
    page.fill("input[name=recipient]", "李处长")
    page.fill("input[name=channel]", "专人送达")
    page.click("form:has(input[value=deliver]) button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=status]").inner_text() == "专报已报送 · 所有条目均达成共识"

    page.context.clear_cookies()
    page.goto(Consultation.objects.get().get_follow_url())
    assert page.locator("[data-testid=report-link]").count() == 1
    page.select_option("select[name=kind]", "instruction")
    page.fill("input[name=responded_on]", timezone.localdate().isoformat())
    page.fill("textarea[name=text]", "请市生态环境局研究落实。")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "领导批示" in page.locator("[data-testid=responses]").inner_text()
    assert Consultation.objects.get().status == Consultation.Status.RESPONDED


def test_staff_pick_the_comments_of_the_report(page, staff):
    from tests.factories.consultations import concluded_consultation

    consultation = concluded_consultation(staff)
    login(page, staff)
    page.goto(consultation.get_absolute_url())
    assert page.locator("[data-testid=comment-choice]").inner_text().startswith("没有选定意见")
    picked = Rating.objects.get(round__consultation=consultation, comment="预警比工程更急")
    page.check(f"[data-testid=pick-comments] input[value='{picked.pk}']")
    page.click("[data-testid=pick-comments] button[type=submit]")
    page.wait_for_selector("text=专报意见已保存")
    assert page.locator("[data-testid=comment-choice]").inner_text() == "专报采用下面勾选的意见（由工作人员选定）。"
    assert page.is_checked(f"[data-testid=pick-comments] input[value='{picked.pk}']")
    assert list(Rating.objects.filter(in_report=True).values_list("pk", flat=True)) == [picked.pk]
