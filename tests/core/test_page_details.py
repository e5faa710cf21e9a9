"""The details people notice: each language named in its own words, a favicon, Django's blank choice in Chinese,
organizers in the order of a programme, and no internal codes on any page."""

import datetime

import pytest
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.urls import reverse
from django.utils import translation

from laurel.certificates.models import IssuanceBatch
from laurel.events import services as event_services
from laurel.news.models import Comment
from tests.factories.events import EventFactory
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "other"), [("zh-hans", ">English</button>"), ("en", ">中文</button>")])
def test_the_language_switch_names_the_other_language_in_its_own_words(client, language, other):
    html = client.get("/", headers={"accept-language": language}).content.decode()
    assert other in html
    assert "英语" not in html and "Chinese</button>" not in html


def test_every_page_names_a_favicon_that_exists(client):
    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
    assert finders.find("laurel/favicon.svg")


def test_djangos_blank_choice_reads_in_chinese():
    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"


def test_a_staff_form_with_a_select_shows_the_blank_choice_in_chinese(staff_client):
    html = staff_client.get(reverse("people:person_create")).content.decode()
    assert "- 请选择 -" in html
    assert "Select an option" not in html


def test_organizers_follow_the_programme_order_whatever_order_they_were_added(staff):
    event = EventFactory()
    event_services.add_organizer(event, actor=staff, role="co_organizer", name="云州大学")
    event_services.add_organizer(event, actor=staff, role="organizer", name="云州市科技局")
    event_services.add_organizer(event, actor=staff, role="host", name="云州市科学技术协会")
    assert [organizer.role for organizer in event.organizers.all()] == ["host", "organizer", "co_organizer"]


def test_the_public_event_page_lists_the_host_first(client, staff):
    event = EventFactory(start_at=datetime.datetime(2027, 5, 30, 9, tzinfo=datetime.UTC))
    event_services.add_organizer(event, actor=staff, role="co_organizer", name="云州大学")
    event_services.add_organizer(event, actor=staff, role="host", name="云州市科学技术协会")
    html = client.get(reverse("events:public_detail", kwargs={"code": event.code})).content.decode()
    assert html.index("云州市科学技术协会") < html.index("云州大学")


def test_moderators_read_why_a_comment_looks_like_spam_not_a_code(staff_client):
    article = ArticleFactory()
    Comment.objects.create(
        article=article, name="x", body="http://a http://b http://c", status="pending", spam_reasons=["links"]
    )
    html = staff_client.get(reverse("news:moderation_queue")).content.decode()
    assert "链接超过两个" in html
    assert "· links" not in html


def test_a_certificate_batch_is_named_by_its_title_and_date_not_its_key():
    batch = IssuanceBatch(
        title="2023年云州市优秀科技工作者", batch_key="campaign:1", issued_on=datetime.date(2023, 5, 30)
    )
    assert str(batch) == "2023年云州市优秀科技工作者 · 2023-05-30"
    assert "campaign:" not in str(batch)
