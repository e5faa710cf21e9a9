from django.urls import path

from laurel.outreach import manage_views, views

app_name = "outreach"
urlpatterns = [
    path("", views.GroupListView.as_view(), name="group_list"),
    path("topics/", views.TopicMenuView.as_view(), name="topic_menu"),
    path("request/", views.TalkRequestView.as_view(), name="request"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("follow/<str:token>/", views.FollowView.as_view(), name="follow"),
    path("follow/<str:token>/talk.ics", views.follow_ics, name="follow_ics"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("talks/", views.TalkListView.as_view(), name="talk_list"),
    path("talks/open/", views.OpenTalksView.as_view(), name="open_talks"),
    path("talks/reach/", views.ReachDashboardView.as_view(), name="reach"),
    path("talks/reach.xlsx", views.ReachExportView.as_view(), name="reach_export"),
    path("talks/<str:code>/", views.TalkDetailView.as_view(), name="talk_detail"),
    path("talks/<str:code>/action/", views.talk_action, name="talk_action"),
    path("talks/<str:code>/dispatch/", views.dispatch_talk, name="dispatch"),
    path("talks/<str:code>/answer/", views.answer_talk, name="answer"),
    path("talks/<str:code>/report/", views.report_talk, name="report"),
    path("talks/<str:code>/photos/<int:pk>/", views.talk_photo, name="talk_photo"),
    path("talks/<str:code>/expenses/", views.record_expenses, name="expenses"),
    path("talks/<str:code>/claim/", views.claim_talk, name="claim"),
    path("talks/<str:code>/talk.ics", views.talk_ics_download, name="talk_ics"),
    path("manage/", manage_views.GroupManageListView.as_view(), name="manage_groups"),
    path("manage/new/", manage_views.GroupFormView.as_view(), name="manage_group_create"),
    path("manage/<slug:slug>/", manage_views.GroupManageView.as_view(), name="manage_group"),
    path("manage/<slug:slug>/edit/", manage_views.GroupFormView.as_view(), name="manage_group_update"),
    path("manage/<slug:slug>/candidates/", manage_views.CandidateSearchView.as_view(), name="manage_candidates"),
    path("<slug:slug>/", views.GroupDetailView.as_view(), name="group_detail"),
]
