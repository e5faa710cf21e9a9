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
    assert Article.objects.filter(language="zh-hans", format="markdown").count() == 20
    assert Article.objects.filter(language="en", format="markdown", translation_of__isnull=False).count() == 20
    assert Article.objects.exclude(cover="").count() == 40
    assert sorted(Comment.objects.values_list("status", flat=True)) == ["approved", "approved", "pending", "spam"]
    published = Article.objects.exclude(status=Article.Status.DRAFT).count()
    assert SearchEntry.objects.filter(kind="article").count() == published
    assert search.search("科技", language="zh-hans").total > 0


def test_demo_has_an_article_written_in_the_editor_with_a_credited_picture(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for module in (people_demo, events_demo, news_demo):
        module.seed(stdout=io.StringIO())
    article = Article.objects.get(code="NEWSHTML01")
    assert article.format == "html" and article.translations.get().code == "NEWSHTML02"
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<figure><img src="/media/public/news/images/' in page
    assert "<figcaption>摄影：林晓</figcaption>" in page
