"""The benchmark's WSGI entry point: Laurel's own URLs plus a bare hello-world view, for this benchmark only."""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import include, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
application = get_wsgi_application()


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), path("", include("laurel.urls"))]

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = __name__
