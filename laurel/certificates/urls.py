from django.urls import path

from laurel.certificates import handoff_views, views, wallet_views

app_name = "certificates"
urlpatterns = [
    path(".well-known/did.json", views.did_document, name="did_document"),
    path("credentials/status/<int:pk>", views.status_list, name="status_list"),
    path("credentials/badges/<int:pk>.png", views.badge_image, name="badge_image"),
    path(".well-known/openid-credential-issuer", wallet_views.issuer_metadata, name="wallet_issuer_metadata"),
    path(
        ".well-known/oauth-authorization-server",
        wallet_views.authorization_server_metadata,
        name="wallet_authorization_server_metadata",
    ),
    path("oid4vci/token", wallet_views.token, name="wallet_token"),
    path("oid4vci/nonce", wallet_views.nonce, name="wallet_nonce"),
    path("oid4vci/credential", wallet_views.credential, name="wallet_credential"),
    path("my/certificates/<int:pk>/wallet/", wallet_views.offer, name="wallet_offer"),
    path("credentials/issue", views.api_issue, name="api_issue"),
    path("credentials/status", views.api_status, name="api_status"),
    path("credentials/verify", views.api_verify, name="api_verify"),
    path("verify/", views.verify_upload, name="verify_upload"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("verify/<str:token>/credential.json", views.credential_download, name="credential_download"),
    path("verify/<str:token>/certificate.pdf", views.pdf_download, name="pdf_download"),
    path("my/certificates/<int:pk>.<str:file_format>", views.my_download, name="my_download"),
    path("staff/certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("staff/certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate_detail"),
    path("staff/certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("staff/certificates/<int:pk>/correct/", views.CorrectView.as_view(), name="correct"),
    path("staff/certificates/templates/new/", views.TemplateCreateView.as_view(), name="template_create"),
    path(
        "staff/certificates/templates/preview/", views.TemplateLivePreviewView.as_view(), name="template_live_preview"
    ),
    path(
        "staff/certificates/templates/<int:pk>/preview/",
        views.TemplateLivePreviewView.as_view(),
        name="template_live_preview",
    ),
    path("staff/certificates/templates/<int:pk>/", views.TemplatePreviewView.as_view(), name="template_preview"),
    path("staff/certificates/templates/<int:pk>/edit/", views.TemplateUpdateView.as_view(), name="template_update"),
    path(
        "staff/certificates/templates/<int:pk>/preview.pdf", views.TemplatePreviewPdfView.as_view(), name="template_pdf"
    ),
    path("staff/certificates/handoffs/", handoff_views.HandoffListView.as_view(), name="handoff_list"),
    path("staff/certificates/campaigns/<int:pk>/", handoff_views.CampaignIssueView.as_view(), name="campaign_issue"),
    path(
        "staff/certificates/lecture-batches/<int:pk>/",
        handoff_views.LectureBatchIssueView.as_view(),
        name="lecture_batch_issue",
    ),
    path("staff/certificates/service/<int:year>/", handoff_views.ServiceIssueView.as_view(), name="service_issue"),
    path(
        "staff/certificates/consultations/<int:pk>/",
        handoff_views.ConsultationIssueView.as_view(),
        name="consultation_issue",
    ),
    path("staff/certificates/batches/new/", views.BatchCreateView.as_view(), name="batch_create"),
    path("staff/certificates/batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("staff/certificates/batches/<int:pk>/certificates.zip", views.batch_download, name="batch_download"),
]
