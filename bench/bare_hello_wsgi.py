"""A benchmark's WSGI entry point: Laurel's application, and at /bench/hello/ a bare Django hello-world view that no
middleware wraps (a handler of its own with MIDDLEWARE empty). What the bare view costs is what gunicorn and Django
cost on this machine, the floor under every Laurel page measured in the same run."""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.test.utils import override_settings
from django.urls import include, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
laurel = get_wsgi_application()
with override_settings(MIDDLEWARE=[]):
    bare = get_wsgi_application()  # its middleware chain is built now, empty

HELLO = "/bench/hello/"


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path(HELLO.strip("/") + "/", hello), path("", include("laurel.urls"))]

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = __name__


def application(environ, start_response):
    handler = bare if environ.get("PATH_INFO") == HELLO else laurel
    return handler(environ, start_response)
