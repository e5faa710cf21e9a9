from django.urls import path

from laurel.core import views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("staff/site/", views.SiteIdentityView.as_view(), name="site_identity"),
    path("staff/audit/", views.AuditLogView.as_view(), name="audit_log"),
    path("staff/audit/export.csv", views.AuditLogExportView.as_view(), name="audit_export"),
]
