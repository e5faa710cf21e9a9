"""What Laurel's metrics count besides requests (`laurel/core/metrics.py`): project level, since it names every app.

EVENTS: views whose answers are counted as `laurel_events_total{event, outcome}` (ok below 400, refused above).
PER_MINUTE: figures read from the database at each scrape as `laurel_<name>_last_minute`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    name: str
    methods: frozenset = frozenset({"GET", "POST"})


EVENTS = {
    "certificates:verify": Event("verification", frozenset({"GET"})),
    "certificates:verify_upload": Event("verification", frozenset({"POST"})),
    "certificates:api_verify": Event("verification", frozenset({"POST"})),
    "honors:vote_cast": Event("vote_request", frozenset({"POST"})),
}


def _votes(since) -> int:
    from laurel.honors.models import Vote

    return Vote.objects.filter(cast_at__gte=since).count()


PER_MINUTE = [
    ("votes", "Votes counted in the last minute, across the cluster.", _votes),
]
