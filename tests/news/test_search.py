import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laurel.core import changes
from laurel.events.services import update_event
from laurel.honors.models import Nomination, Stage
from laurel.news import search, services
from laurel.news.models import Article, SearchEntry
from laurel.outreach.groups import retire_member
from laurel.outreach.services import add_topic
from tests.factories.events import EventFactory
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.news import ArticleFactory
from tests.factories.outreach import MembershipFactory, TalkTopicFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


def _titles(query, **kwargs):
    return [hit.title for hit in search.search(query, language=kwargs.pop("language", "zh-hans"), **kwargs).hits]


def _article(staff, **data):
    values = {"language": "zh-hans", "title": "标题", "summary": "", "body": "正文", "release_at": None, **data}
    return services.save_article(None, actor=staff, data=values)


def _published_honoree(**person):
    campaign = CampaignFactory(name="2025年度云州最美科技工作者", name_en="Most Beautiful Sci-Tech Workers 2025")
    nomination = NominationFactory(
        campaign=campaign,
        person=PersonFactory(**person),
        status=Nomination.Status.SELECTED,
        citation="深耕量子通信二十年",
        citation_en="Twenty years in quantum communication",
    )
    campaign.stage = Stage.PUBLISHED
    campaign.published_at = timezone.now()
    campaign.save()
    return campaign, nomination


def test_article_found_after_publication_not_as_draft(staff):
    article = _article(staff, title="量子通信科普讲座举行", body="市民走进实验室")
    assert _titles("量子通信") == []
    services.publish_article(article, actor=staff)
    assert _titles("量子通信") == ["量子通信科普讲座举行"]
    assert _titles("实验室") == ["量子通信科普讲座举行"]  # the body is searched too
    services.unpublish_article(article, actor=staff)
    assert _titles("量子通信") == []


def test_scheduled_article_found_only_from_its_release_time(staff):
    article = _article(staff, title="高温合金新进展", release_at=timezone.now() + datetime.timedelta(days=1))
    services.publish_article(article, actor=staff)
    assert article.status == Article.Status.SCHEDULED
    assert _titles("高温合金") == []
    SearchEntry.objects.filter(object_id=article.pk).update(visible_from=timezone.now() - datetime.timedelta(1))
    assert _titles("高温合金") == ["高温合金新进展"]


def test_english_query_is_case_insensitive_and_every_term_must_match(staff):
    article = _article(staff, language="en", title="Quantum Lecture for Pupils", body="Graphene and alloys")
    services.publish_article(article, actor=staff)
    assert _titles("quantum", language="en") == ["Quantum Lecture for Pupils"]
    assert _titles("QUANTUM graphene") == ["Quantum Lecture for Pupils"]
    assert _titles("quantum biology") == []


@pytest.mark.parametrize("query", ["量", "量子", "子通", "云州 量"])
def test_one_and_two_character_chinese_queries_fall_back_to_like(staff, query):
    article = _article(staff, title="云州量子通信科普讲座")
    services.publish_article(article, actor=staff)
    _article(staff, title="草稿：量子计划")  # a draft is never indexed
    assert _titles(query) == ["云州量子通信科普讲座"]


def test_published_honoree_found_in_both_languages():
    campaign, nomination = _published_honoree(name="林晓", name_en="Lin Xiao")
    search.index_campaign(campaign)
    assert _titles("林晓") == ["林晓"]
    assert _titles("quantum communication", language="en") == ["Lin Xiao"]
    results = search.search("最美科技工作者", language="en")
    assert [hit.url for hit in results.hits] == [f"/campaigns/{campaign.code}/results/"]
    assert "Twenty years" in results.hits[0].summary


def test_honorees_of_unpublished_campaign_never_found():
    campaign = CampaignFactory(stage=Stage.COMMITTEE)
    NominationFactory(campaign=campaign, person=PersonFactory(name="秦岭"), status=Nomination.Status.SELECTED)
    search.index_campaign(campaign)
    search.rebuild()
    assert _titles("秦岭") == []


def test_campaign_publication_indexes_honorees(staff):
    campaign, nomination = _published_honoree(name="周明远")
    SearchEntry.objects.all().delete()
    changes.changed(campaign)
    assert _titles("周明远") == ["周明远"]


def test_event_indexed_by_its_service_and_hidden_when_private(staff):
    event = EventFactory(theme="青少年科创论坛", theme_en="Youth Innovation Forum", is_public=False)
    update_event(event, actor=staff, data={"is_public": True})
    assert _titles("科创论坛") == ["青少年科创论坛"]
    assert _titles("innovation forum", language="en") == ["Youth Innovation Forum"]
    update_event(event, actor=staff, data={"is_public": False})
    assert _titles("科创论坛") == []


def test_topic_of_active_member_found_retired_member_not(staff):
    membership = MembershipFactory(person=PersonFactory(name="王工"))
    add_topic(
        membership,
        actor=staff,
        data={"title": "石墨烯与未来生活", "abstract": "材料科学", "language": "zh-hans"},
        audiences=["students"],
    )
    assert _titles("石墨烯") == ["石墨烯与未来生活"]
    retire_member(membership, actor=staff, retired_on=datetime.date(2026, 1, 1))
    assert _titles("石墨烯") == []


def test_results_grouped_by_kind_with_counts(staff):
    services.publish_article(_article(staff, title="科学家精神报告会"), actor=staff)
    EventFactory(theme="科学家精神论坛")
    TalkTopicFactory(title="科学家精神代代传")
    search.rebuild()
    results = search.search("科学家精神", language="zh-hans")
    assert [hit.kind for hit in results.hits] == ["article", "event", "topic"]
    assert results.counts == {"article": 1, "event": 1, "topic": 1}
    only_events = search.search("科学家精神", kind="event", language="zh-hans")
    assert [hit.title for hit in only_events.hits] == ["科学家精神论坛"] and only_events.total == 1


def test_pagination_is_bounded():
    for number in range(25):
        ArticleFactory(title=f"科技周活动{number}")
    search.rebuild()
    first = search.search("科技周", language="zh-hans", per_page=10)
    assert (first.total, first.pages, len(first.hits)) == (25, 3, 10)
    last = search.search("科技周", language="zh-hans", per_page=10, page=999)
    assert (last.page, len(last.hits)) == (3, 5)


def test_query_count_is_constant():
    ArticleFactory.create_batch(3, title="科普大篷车进校园")
    search.rebuild()
    with CaptureQueriesContext(connection) as few:
        search.search("科普大篷车", language="zh-hans")
    ArticleFactory.create_batch(20, title="科普大篷车进社区")
    EventFactory.create_batch(5, theme="科普大篷车启动仪式")
    search.rebuild()
    with CaptureQueriesContext(connection) as many:
        results = search.search("科普大篷车", language="zh-hans")
    assert results.total == 28
    # SQLite reads the trigram counts first (fts5vocab) to choose between the FTS5 table and a LIKE scan.
    assert len(few) == len(many) == (3 if connection.vendor == "sqlite" else 2)


@pytest.mark.parametrize("query", ["科普大篷车", "大篷车 校园", "campus", "不存在的词"])
def test_common_terms_scan_finds_what_the_fts_index_finds(monkeypatch, query):
    ArticleFactory.create_batch(3, title="科普大篷车进校园 campus")
    ArticleFactory.create_batch(2, title="科普大篷车进社区")
    ArticleFactory(title="科普大篷车草稿 campus", status=Article.Status.DRAFT, release_at=None)
    search.rebuild()
    through_index = search.search(query, language="zh-hans")
    monkeypatch.setattr(search, "FTS_MAX_ENTRIES", 0)  # every term counts as common: the LIKE path
    scanned = search.search(query, language="zh-hans")
    assert [hit.url for hit in scanned.hits] == [hit.url for hit in through_index.hits]
    assert scanned.counts == through_index.counts


HOSTILE = [
    '"',
    '""',
    "*",
    "量子*",
    "NEAR(量子 通信)",
    "-量子",
    "量子 -通信",
    "' OR 1=1 --",
    'title:"x" OR 草稿',
    "草稿 AND",
    "^草稿",
    "{document}:草稿",
    "a\x00b草稿",
    "%",
    "_",
    "\\",
    "(",
    ")",
    "<script>alert(1)</script>",
    "草" * 100,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_query_never_fails_and_never_finds_drafts(staff, query):
    _article(staff, title='草稿 "NEAR(量子 通信)" * -量子 % _ \\ ( ) ^ {document} <script>')  # stays a draft
    results = search.search(query, language="zh-hans")
    assert results.hits == [] and results.total == 0


def test_fts_syntax_characters_are_matched_as_text(staff):
    article = _article(staff, title='The "NEAR" operator & C++ * tricks')
    services.publish_article(article, actor=staff)
    assert _titles('"near"') == [article.title]
    assert _titles("c++") == [article.title]
    assert _titles("%") == []  # LIKE wildcards are escaped


@pytest.mark.parametrize(
    ("query", "code"), [("", "empty"), ("   ", "empty"), ("\x00", "empty"), ("a" * 101, "too_long")]
)
def test_empty_or_too_long_query_refused(query, code):
    with pytest.raises(search.QueryRefused) as refused:
        search.search(query, language="zh-hans")
    assert refused.value.code == code


def test_highlight_escapes_before_marking():
    html = search.highlight("<b>量子</b> & 量子", ["量子", "<b>"])
    assert html == "<mark>&lt;b&gt;</mark><mark>量子</mark>&lt;/b&gt; &amp; <mark>量子</mark>"
    assert search.highlight("Quantum", ["quantum"]) == "<mark>Quantum</mark>"


def test_rebuild_command_writes_only_public_things(staff):
    ArticleFactory(title="公开的科普文章")
    ArticleFactory(title="未发布的科普文章", status=Article.Status.DRAFT, release_at=None)
    EventFactory(theme="内部科普会议", is_public=False)
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == "search index: 1 entries\n"
    assert _titles("科普") == ["公开的科普文章"]
    assert SearchEntry.objects.count() == 1
