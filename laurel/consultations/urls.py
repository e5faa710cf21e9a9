from django.urls import path

from laurel.consultations.views import expert, manage, public

app_name = "consultations"
urlpatterns = [
    path("", public.PublicListView.as_view(), name="public_list"),
    path("submit/", public.SubmitView.as_view(), name="submit"),
    path("verify/<str:token>/", public.verify, name="verify"),
    path("follow/<str:token>/", public.FollowView.as_view(), name="follow"),
    path("follow/<str:token>/report.pdf", public.follow_report, name="follow_report"),
    path("manage/", manage.ManageListView.as_view(), name="manage_list"),
    path("manage/new/", manage.CreateView.as_view(), name="manage_create"),
    path("manage/<str:code>/", manage.DetailView.as_view(), name="manage_detail"),
    path("manage/<str:code>/action/", manage.manage_action, name="manage_action"),
    path("manage/<str:code>/report.pdf", manage.report_file, name="manage_report"),
    path("serve/<str:code>/", expert.ServeView.as_view(), name="serve"),
    path("serve/<str:code>/materials/<int:pk>/", expert.MaterialView.as_view(), name="material"),
    path("<str:code>/", public.PublicDetailView.as_view(), name="public_detail"),
]
