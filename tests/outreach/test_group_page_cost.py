"""Issue 16: a lecture group's public page shows its members 48 a page, with their topics, in a number of queries
that does not grow with the group."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.outreach import LectureGroupFactory, MembershipFactory, TalkTopicFactory

pytestmark = pytest.mark.django_db


def _members(group, count):
    for _ in range(count):
        TalkTopicFactory(membership=MembershipFactory(group=group))


def test_group_page_shows_48_members_a_page_with_their_topics(client):
    group = LectureGroupFactory()
    _members(group, 50)
    first = client.get(group.get_absolute_url())
    assert len(first.context["members"]) == 48
    html = first.content.decode()
    assert html.count('data-testid="member"') == 48
    assert "page=2" in html
    second = client.get(group.get_absolute_url(), {"page": 2})
    members = list(second.context["members"])
    assert len(members) == 2
    html = second.content.decode()
    assert all(member.topics.all()[0].title in html for member in members)
    assert f"/lecture-groups/request/?speaker={members[0].pk}" in html
    assert client.get(group.get_absolute_url(), {"page": "abc"}).status_code == 200  # the first page


def test_a_small_group_is_one_page_without_page_links(client):
    group = LectureGroupFactory()
    _members(group, 3)
    html = client.get(group.get_absolute_url()).content.decode()
    assert html.count('data-testid="member"') == 3
    assert 'class="pagination"' not in html


def test_group_page_queries_do_not_grow_with_the_group(client, django_assert_max_num_queries):
    group = LectureGroupFactory()
    _members(group, 5)
    client.get(group.get_absolute_url())
    with CaptureQueriesContext(connection) as small:
        client.get(group.get_absolute_url())
    _members(group, 100)
    with django_assert_max_num_queries(len(small)):
        response = client.get(group.get_absolute_url())
    assert len(response.context["members"]) == 48
