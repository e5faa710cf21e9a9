from django.urls import path, re_path

from laurel.people import account_views, views

app_name = "people"
urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/new/", views.PersonFormView.as_view(), name="person_create"),
    path("people/<str:code>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<str:code>/edit/", views.PersonFormView.as_view(), name="person_update"),
    path("people/<str:code>/photo/", views.person_photo, name="person_photo"),
    path("people/<str:code>/accounts/", account_views.account_search, name="account_search"),
    path("people/<str:code>/link/", account_views.link, name="person_link"),
    path("people/<str:code>/invite/", account_views.invite, name="person_invite"),
    path("my-unit/", account_views.DeclareUnitView.as_view(), name="declare_unit"),
    path("accounts/<int:pk>/unit/", account_views.ChangeUnitView.as_view(), name="change_unit"),
    path("units/", views.OrganizationListView.as_view(), name="organization_list"),
    path("units/new/", views.OrganizationFormView.as_view(), name="organization_create"),
    path("units/<str:code>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("units/<str:code>/edit/", views.OrganizationFormView.as_view(), name="organization_update"),
    path("roles/", views.RoleListView.as_view(), name="role_list"),
    path("roles/<int:pk>/revoke/", views.revoke_role, name="role_revoke"),
    path("api-tokens/", views.ApiTokenView.as_view(), name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.revoke_api_token, name="api_token_revoke"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<int:pk>/", views.ImportPreviewView.as_view(), name="import_preview"),
    path("import/<int:pk>/confirm/", views.confirm_import, name="import_confirm"),
    re_path(r"^export/(?P<kind>units|persons)\.(?P<file_format>xlsx|csv)$", views.ExportView.as_view(), name="export"),
]
