import datetime

import factory
from django.utils import timezone

from laurel.news.models import Article
from laurel.news.rendering import render_markdown


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    language = Article.Language.ZH_HANS
    title = factory.Sequence(lambda n: f"云州市科技工作者日座谈会召开{n}")
    summary = "5月30日，云州市科协召开全国科技工作者日座谈会。"
    body = "5月30日，云州市科协召开**全国科技工作者日**座谈会。"
    body_html = factory.LazyAttribute(lambda article: render_markdown(article.body))
    source = "云州日报"
    reporter = "记者 林晓"
    status = Article.Status.PUBLISHED
    release_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
