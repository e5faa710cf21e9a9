import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.events import demo as events_demo
from laurel.honors import demo as honors_demo
from laurel.honors.models import Campaign, Nomination, Stage
from laurel.news import demo as news_demo
from laurel.news.models import Article
from laurel.outreach import demo as outreach_demo
from laurel.outreach.models import LectureGroup
from laurel.people import demo as people_demo
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.news import ArticleFactory
from tests.factories.outreach import LectureGroupFactory
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def published_campaign():
    campaign = CampaignFactory(stage=Stage.PUBLISHED, published_at=timezone.now(), name="云州最美科技工作者")
    for index, name in enumerate(["甲一", "乙二"]):
        unit = OrganizationFactory(name=f"Unit {index}")
        NominationFactory(
            campaign=campaign, status=Nomination.Status.SELECTED, photos=0, unit=unit,
            person=PersonFactory(name=name, position="研究员", organization=unit),
        )  # fmt: skip
    NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0, person=PersonFactory(name="丙三"))
    return campaign


def test_staff_draft_a_report_from_a_published_campaign_in_their_language(staff_client):
    campaign = published_campaign()
    response = staff_client.post(reverse("news:draft_from_campaign"), {"campaign": campaign.code})
    article = Article.objects.get()
    assert response.url == article.get_staff_url()
    assert (article.status, article.language, article.campaign) == (Article.Status.DRAFT, "zh-hans", campaign)
    assert article.title == "云州最美科技工作者获评者名单公布"
    assert "2名科技工作者获评" in article.summary
    assert "- **甲一**，Unit 0研究员" in article.body and "- **乙二**，Unit 1研究员" in article.body
    assert "丙三" not in article.body
    assert AuditEntry.objects.get(action="news.article.drafted_from_campaign").data == {"campaign": campaign.code}
    staff_client.post(reverse("news:draft_from_campaign"), {"campaign": campaign.code}, HTTP_ACCEPT_LANGUAGE="en")
    english = Article.objects.get(language="en")
    assert english.title == "云州最美科技工作者: the honorees"
    # English names of the honoree and the unit on the English report, the Chinese position when no English one.
    first = Nomination.objects.select_related("person", "unit").get(campaign=campaign, person__name="甲一")
    assert f"- **{first.person.name_en}**, {first.unit.name_en}, 研究员" in english.body


def test_english_report_uses_the_campaigns_english_name(staff_client):
    campaign = published_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(name_en="Most Beautiful Sci-tech Workers of Yunzhou")
    staff_client.post(reverse("news:draft_from_campaign"), {"campaign": campaign.code}, HTTP_ACCEPT_LANGUAGE="en")
    staff_client.post(reverse("news:draft_from_campaign"), {"campaign": campaign.code})
    english = Article.objects.get(language="en")
    assert english.title == "Most Beautiful Sci-tech Workers of Yunzhou: the honorees"
    assert english.summary.endswith("Most Beautiful Sci-tech Workers of Yunzhou published its 2 honorees.")
    assert Article.objects.get(language="zh-hans").title == "云州最美科技工作者获评者名单公布"


def test_no_report_from_an_unpublished_campaign(staff_client):
    campaign = CampaignFactory(stage=Stage.NOTICE)
    response = staff_client.post(reverse("news:draft_from_campaign"), {"campaign": campaign.code}, follow=True)
    assert "评选活动发布获评者名单后才能起草报道" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("stranger_client", 403), ("client", 302)])
def test_only_news_staff_draft_from_a_campaign(persona, status, request):
    campaign = published_campaign()
    response = request.getfixturevalue(persona).post(reverse("news:draft_from_campaign"), {"campaign": campaign.code})
    assert response.status_code == status
    assert not Article.objects.exists()


def test_article_page_shows_its_campaign_and_lecture_group(client):
    campaign = published_campaign()
    group = LectureGroupFactory(name="科学家精神宣讲团")
    article = ArticleFactory(campaign=campaign, lecture_group=group)
    html = client.get(article.get_absolute_url()).content.decode()
    assert reverse("honors:results", kwargs={"code": campaign.code}) in html
    assert f'href="{group.get_absolute_url()}">科学家精神宣讲团</a>' in html
    Campaign.objects.filter(pk=campaign.pk).update(name_en="Most Beautiful Sci-tech Workers of Yunzhou")
    cache.clear()
    english = client.get(article.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    assert "Most Beautiful Sci-tech Workers of Yunzhou</a>" in english
    draft_campaign = ArticleFactory(campaign=CampaignFactory(stage=Stage.DRAFT))
    assert 'data-testid="article-campaign"' not in client.get(draft_campaign.get_absolute_url()).content.decode()


def test_demo_articles_link_to_the_campaign_ceremony_and_group():
    for module in (people_demo, honors_demo, outreach_demo, events_demo, news_demo):
        module.seed(stdout=io.StringIO())
    campaign = Campaign.objects.get(edition=2023)
    group = LectureGroup.objects.get(slug="scientist-spirit")
    ceremony_reports = Article.objects.filter(event__code="EVCERE2023")
    assert ceremony_reports.count() == 4
    assert set(ceremony_reports.values_list("campaign", flat=True)) == {campaign.pk}
    assert Article.objects.filter(lecture_group=group, language="zh-hans").count() >= 3
    assert Article.objects.filter(campaign__edition=2024).count() == 2
