from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from laurel.api import api
from laurel.core import storage

handler403 = "laurel.core.errors.permission_denied"
handler404 = "laurel.core.errors.page_not_found"
handler500 = "laurel.core.errors.server_error"

urlpatterns = [
    # Before the includes at "", whose patterns would all be tried first: no pattern of theirs starts with
    # "campaigns/", and the public vote's URL is the busiest (bench/votes.py).
    path("campaigns/", include("laurel.honors.urls")),
    path("", include("laurel.core.urls")),
    path("staff/", include("laurel.people.urls")),
    path("", include("laurel.certificates.urls")),
    path("", include("laurel.events.urls")),
    path("", include("laurel.news.urls")),
    path("lecture-groups/", include("laurel.outreach.urls")),
    path("needs/", include("laurel.needs.urls")),
    path("consultations/", include("laurel.consultations.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    # Development only (`make demo`): the public media area, as the web server serves it in production. Private
    # files (MEDIA_ROOT/private) have no URL at all.
    urlpatterns += [re_path(r"^media/public/(?P<path>.+)$", storage.serve_public)]
