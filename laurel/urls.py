from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from laurel.api import api

handler403 = "laurel.core.errors.permission_denied"
handler404 = "laurel.core.errors.page_not_found"
handler500 = "laurel.core.errors.server_error"

urlpatterns = [
    path("", include("laurel.core.urls")),
    path("staff/", include("laurel.people.urls")),
    path("", include("laurel.certificates.urls")),
    path("", include("laurel.events.urls")),
    path("", include("laurel.news.urls")),
    path("campaigns/", include("laurel.honors.urls")),
    path("lecture-groups/", include("laurel.outreach.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    # Development only: serve uploads, never the private ones (nomination documents, spreadsheets).
    urlpatterns += [
        re_path(
            r"^media/(?P<path>(?!honors/|imports/).*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
