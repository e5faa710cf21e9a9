"""The vote benchmark's WSGI entry point: Laurel's application, and two views no middleware wraps (a handler of its
own with MIDDLEWARE empty): /bench/hello/, and /bench/vote/<voter>/<nomination>/, the bare vote: no session, no CSRF,
no rule, only what any vote must cost: the vote's row under its unique constraint and the candidate's tally, in
one transaction. What the bare vote does per second is the floor measured in the same run as Laurel's."""

import os

from django.core.wsgi import get_wsgi_application
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse
from django.test.utils import override_settings
from django.urls import include, path
from django.utils import timezone

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")
laurel = get_wsgi_application()
with override_settings(MIDDLEWARE=[]):
    bare = get_wsgi_application()  # its middleware chain is built now, empty

from laurel.honors.models import Nomination, Vote  # noqa: E402


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


def bare_vote(request, voter: int, nomination: int):
    campaign_id = Nomination.objects.values_list("campaign_id", flat=True).get(pk=nomination)
    now = timezone.now()
    try:
        with transaction.atomic():
            Vote.objects.create(
                campaign_id=campaign_id, nomination_id=nomination, voter_id=voter, day=timezone.localdate(now),
                cast_at=now, address_hash="bare",
            )  # fmt: skip
            Nomination.objects.filter(pk=nomination).update(public_votes=F("public_votes") + 1)
    except IntegrityError:
        return HttpResponse("refused", content_type="text/plain")
    return HttpResponse("recorded", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/vote/<int:voter>/<int:nomination>/", bare_vote),
    path("", include("laurel.urls")),
]

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = __name__


def application(environ, start_response):
    handler = bare if environ.get("PATH_INFO", "").startswith("/bench/") else laurel
    return handler(environ, start_response)
