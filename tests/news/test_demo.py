import io

import pytest

from laurel.events import demo as events_demo
from laurel.events.models import AgendaItem, Event
from laurel.news import demo as news_demo
from laurel.news import search
from laurel.news.models import Article, Comment, SearchEntry
from laurel.people import demo as people_demo

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent():
    for _run in range(2):
        for module in (people_demo, events_demo, news_demo):
            module.seed(stdout=io.StringIO())
    ceremony = Event.objects.get(code="EVCERE2023")
    assert ceremony.agenda_items.filter(role=AgendaItem.Role.AWARD_ROUND).count() == 2
    assert Article.objects.filter(language="zh-hans").count() == 20
    assert Article.objects.filter(language="en", translation_of__isnull=False).count() == 20
    assert Article.objects.exclude(cover="").count() == 40
    assert sorted(Comment.objects.values_list("status", flat=True)) == ["approved", "approved", "pending", "spam"]
    published = Article.objects.exclude(status=Article.Status.DRAFT).count()
    assert SearchEntry.objects.filter(kind="article").count() == published
    assert search.search("科技", language="zh-hans").total > 0
