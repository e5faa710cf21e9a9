"""Staff's desk: what waits for them, each a count linking to the filtered list, in a bounded number of queries; the
running campaigns' charts with their tables; and who must not see any of it."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laurel.certificates.models import IssuanceBatch
from laurel.core import registry
from laurel.honors import desk
from laurel.honors.models import Assignment, Nomination, Objection, Review, Stage
from laurel.news.models import Comment
from laurel.outreach.models import Talk
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.news import ArticleFactory
from tests.factories.outreach import TalkFactory
from tests.factories.people import OrganizationFactory

pytestmark = pytest.mark.django_db


def _nomination(campaign, status, unit=None):
    nomination = NominationFactory(campaign=campaign, photos=0, **({"unit": unit} if unit else {}))
    Nomination.objects.filter(pk=nomination.pk).update(status=status)
    nomination.status = status
    return nomination


def _waiting_campaigns(expert, *, suffix=""):
    """A campaign with two nominations to check, one in review past its deadline with one unscored pair (and one
    scored), one on public notice with an objection to decide."""
    now = timezone.now()
    checking = CampaignFactory(name=f"待审查{suffix}", stage=Stage.ELIGIBILITY)
    for _index in range(2):
        _nomination(checking, Nomination.Status.SUBMITTED)
    _nomination(checking, Nomination.Status.ELIGIBLE)
    late = CampaignFactory(
        name=f"评审逾期{suffix}",
        stage=Stage.REVIEW,
        nomination_deadline=now - datetime.timedelta(days=30),
        review_deadline=now - datetime.timedelta(days=1),
    )
    Assignment.objects.create(nomination=_nomination(late, Nomination.Status.ELIGIBLE), expert=expert)
    scored = Assignment.objects.create(nomination=_nomination(late, Nomination.Status.ELIGIBLE), expert=expert)
    Review.objects.create(assignment=scored, total=80, submitted_at=now)
    noticed = CampaignFactory(name=f"公示中{suffix}", stage=Stage.NOTICE)
    Objection.objects.create(
        nomination=_nomination(noticed, Nomination.Status.SELECTED), full_name="林晓雯", contact="13912345678",
        statement="推荐材料与事实不符，请核实。",
    )  # fmt: skip
    return checking, late, noticed


def _todos(html: str) -> list[tuple[str, str, str]]:
    return [
        (href, count, " ".join(label.split()))
        for href, count, label in re.findall(
            r'<li><a href="([^"]+)"><span class="todo-count">(\d+)</span>([^<]+)</a></li>', html
        )
    ]


def test_the_staff_desk_counts_what_waits_and_links_each_count_to_its_filtered_list(staff_client, staff, expert):
    checking, late, noticed = _waiting_campaigns(expert)
    TalkFactory.create_batch(2, status=Talk.Status.REQUESTED)
    TalkFactory(status=Talk.Status.REVIEWED)
    TalkFactory(status=Talk.Status.DISPATCHED)
    article = ArticleFactory()
    Comment.objects.create(article=article, name="读者", body="写得好")
    Comment.objects.create(article=article, name="读者", body="已审", status=Comment.Status.APPROVED)
    template = CertificateTemplateFactory()
    for status in (IssuanceBatch.Status.RUNNING, IssuanceBatch.Status.FINISHED):
        IssuanceBatch.objects.create(
            template=template, batch_key="campaign:1", title="证书", issued_on=datetime.date(2026, 5, 30),
            created_by=staff, status=status,
        )  # fmt: skip

    html = staff_client.get("/dashboard/", headers={"accept-language": "en"}).content.decode()

    assert _todos(html) == [
        (f"/campaigns/{checking.code}/nominations/?status=submitted", "2",
         f"Nominations awaiting the eligibility check · {checking.name}"),
        (f"/campaigns/{late.code}/assignment/?pairs=waiting", "1", f"Reviews past the review deadline · {late.name}"),
        (f"/campaigns/{noticed.code}/objections/?status=pending", "1", f"Objections to decide · {noticed.name}"),
        ("/lecture-groups/talks/?status=requested", "2", "Talk requests to review"),
        ("/lecture-groups/talks/?status=reviewed", "1", "Talk requests to dispatch"),
        ("/staff/news/comments/", "1", "Comments to moderate"),
        ("/staff/certificates/", "1", "Certificate batches being issued"),
    ]  # fmt: skip


def test_the_todo_links_open_lists_showing_only_what_waits(staff_client, expert):
    checking, late, noticed = _waiting_campaigns(expert)
    decided = Objection.objects.create(
        nomination=noticed.nominations.get(), full_name="王明", contact="13900000000", statement="已经处理的异议。",
        status=Objection.Status.DISMISSED,
    )  # fmt: skip

    nominations = staff_client.get(f"/campaigns/{checking.code}/nominations/?status=submitted")
    assert [row.status for row in nominations.context["object_list"]] == ["submitted", "submitted"]
    pairs = staff_client.get(f"/campaigns/{late.code}/assignment/?pairs=waiting")
    assert [(pair.draft, hasattr(pair, "review")) for pair in pairs.context["pairs"]] == [(False, False)]
    assert 'data-testid="pairs-filter"' in pairs.content.decode()
    objections = staff_client.get(f"/campaigns/{noticed.code}/objections/?status=pending")
    assert [objection.status for objection in objections.context["object_list"]] == ["pending"]
    everything = staff_client.get(f"/campaigns/{noticed.code}/objections/")
    assert decided in everything.context["object_list"]


def test_the_desks_queries_do_not_grow_with_the_number_of_campaigns(
    staff_client, expert, django_assert_max_num_queries
):
    _waiting_campaigns(expert, suffix="一")
    with CaptureQueriesContext(connection) as few:
        staff_client.get("/dashboard/")
    for suffix in "二三四五":
        _waiting_campaigns(expert, suffix=suffix)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get("/dashboard/")
    assert len(_todos(response.content.decode())) == 15  # five campaigns of each kind of waiting work


def test_reviews_count_as_overdue_only_after_the_deadline_and_in_the_current_round(staff, expert):
    now = timezone.now()
    on_time = CampaignFactory(stage=Stage.REVIEW, review_deadline=now + datetime.timedelta(days=1))
    Assignment.objects.create(nomination=_nomination(on_time, Nomination.Status.ELIGIBLE), expert=expert)
    second = CampaignFactory(
        stage=Stage.SECOND_REVIEW, review_rounds=2, review_deadline=now - datetime.timedelta(days=1)
    )
    nomination = _nomination(second, Nomination.Status.ELIGIBLE)
    Assignment.objects.create(nomination=nomination, expert=expert, round=1)  # last round's, never scored
    Assignment.objects.create(nomination=nomination, expert=expert, round=2, draft=True)  # not released yet
    assert desk.todos(staff) == []
    Assignment.objects.create(nomination=nomination, expert=expert, round=2, recused_at=now)
    assert desk.todos(staff) == []
    Assignment.objects.filter(round=2, draft=True).update(draft=False)
    assert [todo.count for todo in desk.todos(staff)] == [1]


@pytest.mark.parametrize("persona", ["nominator", "expert", "stranger", "member"])
def test_nobody_but_staff_sees_the_staff_counts_or_charts(client, request, persona, staff):
    _waiting_campaigns(request.getfixturevalue("other_expert"))
    client.force_login(request.getfixturevalue(persona))
    html = client.get("/dashboard/").content.decode()
    assert _todos(html) == []
    assert 'data-testid="todos"' not in html
    assert 'data-testid="campaign-charts"' not in html
    assert registry.todos(request.getfixturevalue(persona)) == []


def test_staff_with_nothing_waiting_read_so(staff_client):
    html = staff_client.get("/dashboard/", headers={"accept-language": "en"}).content.decode()
    assert 'data-testid="todos"' in html and "Nothing is waiting for you." in html


def test_the_charts_count_nominations_by_unit_and_status_and_each_experts_progress(staff_client, expert, other_expert):
    campaign = CampaignFactory(name="评审中", stage=Stage.REVIEW, review_deadline=timezone.now())
    big = OrganizationFactory(name="云州大学", name_en="Yunzhou University")
    small = OrganizationFactory(name="云州医院", name_en="")  # no English name: the Chinese one on English pages
    first = _nomination(campaign, Nomination.Status.ELIGIBLE, unit=big)
    _nomination(campaign, Nomination.Status.ELIGIBLE, unit=big)
    _nomination(campaign, Nomination.Status.REJECTED, unit=big)
    _nomination(campaign, Nomination.Status.ELIGIBLE, unit=small)
    _nomination(campaign, Nomination.Status.DRAFT, unit=small)  # not submitted: not counted
    scored = Assignment.objects.create(nomination=first, expert=expert)
    Review.objects.create(assignment=scored, total=70, submitted_at=timezone.now())
    for nomination in campaign.nominations.exclude(pk=first.pk).filter(status="eligible"):
        Assignment.objects.create(nomination=nomination, expert=expert)
        Assignment.objects.create(nomination=nomination, expert=other_expert)

    [chart] = desk.charts(desk.running_campaigns())

    assert [(row["label"], row["total"], [(s["status"], s["count"]) for s in row["segments"]]) for row in chart["units"]] == [
        ("Yunzhou University", 3, [("eligible", 2), ("rejected", 1)]),
        ("云州医院", 1, [("eligible", 1)]),
    ]  # fmt: skip
    assert chart["units"][0]["end"] == desk.BAR_WIDTH  # the largest unit fills the width; the others in proportion
    assert [(row["label"], row["scored"], row["assigned"]) for row in chart["review"]] == [
        ("郑清", 1, 3),
        ("韩嘉", 0, 2),
    ]
    html = staff_client.get("/dashboard/", headers={"accept-language": "en"}).content.decode()
    assert 'role="img"' in html and "<title" in html  # read out as one image with its description
    tables = re.findall(r'data-testid="(units|review)-table">(.*?)</table>', html, re.S)
    assert [kind for kind, _table in tables] == ["units", "review"]
    review_rows = re.findall(
        r"<tr><td>([^<]+)</td><td class=\"numeric\">(\d+)</td><td class=\"numeric\">(\d+)</td>", tables[1][1]
    )
    assert review_rows == [("郑清", "1", "3"), ("韩嘉", "0", "2")]


def test_a_chart_sums_the_units_past_the_eighth_into_other_units():
    campaign = CampaignFactory(stage=Stage.ELIGIBILITY)
    for index in range(10):
        unit = OrganizationFactory(name=f"单位{index:02d}", name_en="")
        for _count in range(10 - index):
            _nomination(campaign, Nomination.Status.SUBMITTED, unit=unit)
    [chart] = desk.charts([campaign])
    assert [(row["label"], row["total"]) for row in chart["units"]] == [
        *[(f"单位{index:02d}", 10 - index) for index in range(7)],
        ("Other units", 3 + 2 + 1),
    ]


@pytest.mark.parametrize("value", ["PENDING", "pending'--", "x" * 5000, "", "upheld%00"])
def test_an_unknown_objection_filter_shows_every_objection(staff_client, expert, value):
    _checking, _late, noticed = _waiting_campaigns(expert)
    response = staff_client.get(f"/campaigns/{noticed.code}/objections/", {"status": value})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 1
    assert 'data-testid="objection-filter"' not in response.content.decode()


@pytest.mark.parametrize("value", ["WAITING", "waiting ", "1", "x" * 5000])
def test_an_unknown_pairs_filter_shows_every_pair(staff_client, expert, value):
    _checking, late, _noticed = _waiting_campaigns(expert)
    response = staff_client.get(f"/campaigns/{late.code}/assignment/", {"pairs": value})
    assert response.status_code == 200
    assert len(response.context["pairs"]) == 2
    assert 'data-testid="pairs-filter"' not in response.content.decode()


@pytest.mark.parametrize("persona", ["nominator", "expert", "stranger"])
def test_the_filtered_lists_the_desk_links_to_stay_closed_to_others(client, request, persona, expert):
    checking, late, noticed = _waiting_campaigns(expert)
    client.force_login(request.getfixturevalue(persona))
    for url in (
        f"/campaigns/{checking.code}/nominations/?status=submitted",
        f"/campaigns/{late.code}/assignment/?pairs=waiting",
        f"/campaigns/{noticed.code}/objections/?status=pending",
    ):
        assert client.get(url).status_code == 403, url
    client.logout()
    assert client.get(f"/campaigns/{late.code}/assignment/?pairs=waiting").status_code == 302


def test_the_counts_name_the_campaign_in_the_pages_language(staff_client):
    campaign = CampaignFactory(name="2026年云州市优秀科普工作者", name_en="Yunzhou 2026 Science Popularizers",
                               stage=Stage.ELIGIBILITY)  # fmt: skip
    _nomination(campaign, Nomination.Status.SUBMITTED)
    english = staff_client.get("/dashboard/", headers={"accept-language": "en"}).content.decode()
    chinese = staff_client.get("/dashboard/", headers={"accept-language": "zh-hans"}).content.decode()
    assert [label for _url, _count, label in _todos(english)] == [
        "Nominations awaiting the eligibility check · Yunzhou 2026 Science Popularizers"
    ]
    assert [label for _url, _count, label in _todos(chinese)] == ["待资格审查的推荐 · 2026年云州市优秀科普工作者"]
