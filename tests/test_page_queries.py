"""Issue 16: every measured page (tests/pages.py, the same list bench/pages.py loads) runs the same number of SQL
queries on the demo data and on three times the demo data, so no page's cost in queries grows with the data."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from laurel.core import identity, pagecache
from laurel.people.models import User
from tests.pages import add_big_campaign, grow, page_kinds

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


def count_queries(clients: dict, row: dict) -> tuple[int, int]:
    client = clients.setdefault(row["persona"], Client())
    if row["persona"] and "_auth_user_id" not in client.session:
        client.force_login(User.objects.get(email=row["persona"]))
    client.get(row["path"])  # a warm process: per-process memories filled, as in a served worker
    with CaptureQueriesContext(connection) as queries:
        response = client.get(row["path"])
    return response.status_code, len(queries)


def test_every_page_runs_the_same_queries_on_three_times_the_data(django_assert_max_num_queries, settings):
    call_command("seed_demo", stdout=io.StringIO())
    add_big_campaign(size=120)
    cache.clear()
    pagecache.forget_local()
    identity.forget()  # the cleared cache gives the identity a new version: read again in each page's warm-up
    clients: dict = {}
    small = {row["kind"]: (row, count_queries(clients, row)) for row in page_kinds()}
    assert all(status == 200 for _row, (status, _count) in small.values()), {
        kind: status for kind, (_row, (status, _count)) in small.items() if status != 200
    }
    grow(3)
    cache.clear()
    pagecache.forget_local()
    identity.forget()  # the cleared cache gives the identity a new version: read again in each page's warm-up
    large = {kind: count_queries(clients, row) for kind, (row, _small) in small.items()}
    assert large == {kind: counted for kind, (_row, counted) in small.items()}
    for kind, (row, (_status, count)) in small.items():
        with django_assert_max_num_queries(count):
            response = clients[row["persona"]].get(row["path"])
        assert response.status_code == 200, kind
