from django.urls import path

from laurel.needs import views

app_name = "needs"
urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("post/", views.PostNeedView.as_view(), name="post"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("follow/<str:token>/", views.FollowView.as_view(), name="follow"),
    path("subscription/", views.SubscriptionView.as_view(), name="subscription"),
    path("service/", views.ServiceView.as_view(), name="services"),
    path("service/photos/<int:pk>/", views.service_photo, name="service_photo"),
    path("manage/", views.ManageListView.as_view(), name="manage_list"),
    path("manage/service/", views.ServiceReviewView.as_view(), name="service_review"),
    path("manage/service/<int:pk>/", views.review_service, name="review_service"),
    path("manage/reach/", views.ReachView.as_view(), name="reach"),
    path("manage/reach.xlsx", views.ReachExportView.as_view(), name="reach_export"),
    path("manage/<str:code>/", views.ManageDetailView.as_view(), name="manage_detail"),
    path("manage/<str:code>/action/", views.manage_action, name="manage_action"),
    path("<str:code>/", views.NeedDetailView.as_view(), name="detail"),
    path("<str:code>/offer/", views.offer_help, name="offer"),
    path("<str:code>/feedback/", views.expert_feedback, name="expert_feedback"),
]
