import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from laurel.events.services import add_agenda_item, add_agenda_person, add_organizer
from laurel.news import related, services
from laurel.news.models import Article, Comment
from tests.factories.events import EventFactory
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _data(**overrides):
    return {"language": "zh-hans", "title": "标题", "summary": "", "body": "正文", "release_at": None, **overrides}


def test_body_is_sanitized(staff):
    article = services.save_article(
        None, actor=staff, data=_data(body="**好**<script>alert(1)</script> [x](javascript:alert(1))"), tags=["表彰"]
    )
    assert "<strong>好</strong>" in article.body_html
    assert "<script" not in article.body_html and "javascript:" not in article.body_html
    assert [tag.name for tag in article.tags.all()] == ["表彰"]


def test_publish_with_future_time_schedules(staff):
    article = services.save_article(
        None, actor=staff, data=_data(release_at=timezone.now() + datetime.timedelta(days=1))
    )
    article = services.publish_article(article, actor=staff)
    assert article.status == Article.Status.SCHEDULED
    assert not Article.objects.published().exists()
    later = timezone.now() + datetime.timedelta(days=2)
    assert list(Article.objects.published(now=later)) == [article]


def test_publish_now_then_back_to_draft(staff):
    article = services.publish_article(services.save_article(None, actor=staff, data=_data()), actor=staff)
    assert article.status == Article.Status.PUBLISHED and article.is_visible()
    assert services.unpublish_article(article, actor=staff).status == Article.Status.DRAFT
    with pytest.raises(ValidationError):
        services.unpublish_article(article, actor=staff)


def test_translation_must_be_other_language(staff):
    original = ArticleFactory()
    with pytest.raises(ValidationError):
        services.save_article(None, actor=staff, data=_data(translation_of=original))
    english = services.save_article(None, actor=staff, data=_data(language="en", translation_of=original))
    assert list(original.translations.all()) == [english]


def test_draft_report_from_finished_event(staff):
    event = EventFactory(
        theme="云州市2023年全国科技工作者日座谈会",
        start_at=timezone.now() - datetime.timedelta(days=1, hours=2),
        end_at=timezone.now() - datetime.timedelta(days=1),
    )
    add_organizer(event, actor=staff, role="host", name="云州市科学技术协会")
    item = add_agenda_item(event, actor=staff, role="speech", title="讲话", duration_minutes=10)
    add_agenda_person(item, actor=staff, part="speaker", name="赵明远", title_line="市委副书记")
    article = services.draft_report_from_event(event, actor=staff)
    assert article.status == Article.Status.DRAFT and article.event == event
    assert "赵明远（市委副书记）" in article.body and "云州市科学技术协会" in article.body


def test_draft_report_refused_before_event_ends(staff):
    with pytest.raises(ValidationError):
        services.draft_report_from_event(EventFactory(), actor=staff)


def test_related_prefers_shared_tags_and_text():
    base = ArticleFactory(summary="", title="最美科技工作者发布仪式举行", body="最美科技工作者 发布 仪式 表彰")
    close = ArticleFactory(summary="", title="最美科技工作者事迹报告会", body="最美科技工作者 事迹 报告")
    far = ArticleFactory(summary="", title="气象局发布暴雨预警", body="暴雨 预警 防汛")
    english = ArticleFactory(language="en", title="Most Beautiful Sci-tech Workers", body="ceremony")
    assert related.related_articles(base) == [close]
    assert far not in related.related_articles(base) and english not in related.related_articles(base)


def test_comment_from_stranger_waits_for_moderation(stranger):
    article = ArticleFactory()
    comment = services.post_comment(
        article, name="读者", body="致敬科技工作者！", address="198.51.100.1", user=stranger
    )
    assert comment.status == Comment.Status.PENDING
    assert list(article.comments.visible()) == []


def test_comment_from_staff_is_approved(staff):
    comment = services.post_comment(
        ArticleFactory(), name="周雅", body="欢迎留言。", address="198.51.100.1", user=staff
    )
    assert comment.status == Comment.Status.APPROVED


def test_user_with_approved_comments_is_trusted(stranger, staff):
    article = ArticleFactory()
    for index in range(3):
        comment = services.post_comment(
            article, name="读者", body=f"第{index}条留言", address="198.51.100.2", user=stranger
        )
        services.moderate_comment(comment, status=Comment.Status.APPROVED, actor=staff)
    comment = services.post_comment(article, name="读者", body="第四条留言", address="198.51.100.2", user=stranger)
    assert comment.status == Comment.Status.APPROVED


def test_honeypot_comment_refused():
    with pytest.raises(ValidationError):
        services.post_comment(ArticleFactory(), name="bot", body="hi", address="1.1.1.1", honeypot="http://spam")
    assert Comment.objects.count() == 0


def test_megabyte_comment_refused():
    with pytest.raises(ValidationError) as error:
        services.post_comment(ArticleFactory(), name="甲", body="长" * 1_000_000, address="1.1.1.1")
    assert "2000" in error.value.messages[0]
    assert Comment.objects.count() == 0


def test_flood_of_100_comments_from_one_address_is_cut():
    article = ArticleFactory()
    refused = 0
    for index in range(100):
        try:
            services.post_comment(article, name="甲", body=f"评论 {index}", address="192.0.2.7")
        except ValidationError:
            refused += 1
    assert (Comment.objects.count(), refused) == (5, 95)
    services.post_comment(article, name="乙", body="另一个地址", address="192.0.2.8")


def test_link_spam_goes_to_the_spam_queue():
    comment = services.post_comment(
        ArticleFactory(), name="甲", body="http://a.example http://b.example http://c.example", address="1.1.1.1"
    )
    assert (comment.status, comment.spam_reasons) == (Comment.Status.SPAM, ["links"])


def test_spam_marked_as_ham_becomes_visible(staff):
    comment = services.post_comment(ArticleFactory(), name="甲", body="好" * 20, address="1.1.1.1")
    assert comment.status == Comment.Status.SPAM
    services.moderate_comment(comment, status=Comment.Status.APPROVED, actor=staff)
    assert list(comment.article.comments.visible()) == [comment]


def test_comment_on_draft_refused():
    with pytest.raises(ValidationError):
        services.post_comment(ArticleFactory(status="draft"), name="甲", body="x", address="1.1.1.1")
