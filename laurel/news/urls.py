from django.contrib.sitemaps.views import sitemap
from django.urls import path

from laurel.news import views
from laurel.news.feeds import LatestArticlesAtomFeed, LatestArticlesFeed, SectionAtomFeed, SectionFeed
from laurel.news.sitemaps import SITEMAPS

app_name = "news"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("news/", views.ArticleListView.as_view(), name="article_list"),
    path("news/feed/rss/", LatestArticlesFeed(), name="rss"),
    path("news/feed/atom/", LatestArticlesAtomFeed(), name="atom"),
    path("news/sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("news/sections/<slug:slug>/rss/", SectionFeed(), name="section_rss"),
    path("news/sections/<slug:slug>/atom/", SectionAtomFeed(), name="section_atom"),
    path("news/<str:code>/", views.article_detail, name="article_detail"),
    path("news/<str:code>/qr.svg", views.article_qr, name="article_qr"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("staff/news/", views.StaffArticleListView.as_view(), name="staff_list"),
    path("staff/news/sections/", views.StaffSectionsView.as_view(), name="staff_sections"),
    path("staff/news/sections/<int:pk>/", views.StaffSectionsView.as_view(), name="staff_section_update"),
    path("staff/news/new/", views.ArticleFormView.as_view(), name="article_create"),
    path("staff/news/from-event/", views.draft_from_event, name="draft_from_event"),
    path("staff/news/from-campaign/", views.draft_from_campaign, name="draft_from_campaign"),
    path("staff/news/images/", views.upload_image, name="upload_image"),
    path("staff/news/editor/messages.js", views.EditorMessages.as_view(), name="editor_messages"),
    path("staff/news/comments/", views.moderation_queue, name="moderation_queue"),
    path("staff/news/comments/<int:pk>/", views.moderate, name="moderate"),
    path("staff/news/<str:code>/", views.ArticleFormView.as_view(), name="article_update"),
    path("staff/news/<str:code>/publish/", views.publish, name="publish"),
]
