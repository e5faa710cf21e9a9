"""Staff read the audit log as sentences in their language, filter it by person, object and dates, and export
it with its data as JSON and its times in the association's time zone."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from laurel.core import audit_texts
from laurel.core.services import log_action
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


def test_every_action_code_written_in_the_code_has_a_sentence():
    import pathlib
    import re

    written = set()
    for path in pathlib.Path("laurel").rglob("*.py"):
        written |= set(re.findall(r'log_action\(\s*"([a-z_]+\.[a-z_]+\.[a-z_]+)"', path.read_text()))
        written |= set(re.findall(r'"(honors\.nomination\.[a-z_]+)"', path.read_text()))
        written |= set(re.findall(r'log_pairs\(\s*"([a-z_]+\.[a-z_]+\.[a-z_]+)"', path.read_text()))
    missing = sorted(code for code in written if code not in audit_texts.texts() and not code.startswith("core.test"))
    assert missing == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "周雅新增了科技工作者“王芳”。"), ("en", "周雅 added the sci-tech worker “王芳”.")],
)
def test_the_log_reads_as_sentences_in_the_readers_language(staff_client, staff, language, expected):
    log_action("people.person.created", actor=staff, obj=PersonFactory(name="王芳"))
    html = staff_client.get(reverse("core:audit_log"), headers={"accept-language": language}).content.decode()
    assert expected in html
    assert "{&#x27;" not in html and "{'" not in html  # no Python dictionaries on the page


def test_an_entry_without_actor_is_the_systems():
    entry = log_action("people.person.made_public", obj=PersonFactory(name="王芳"))
    assert audit_texts.sentence(entry) == "系统将“王芳”在网站上公开。"


def test_an_unknown_code_still_reads_as_a_sentence(staff):
    entry = log_action("core.test.something_happened", actor=staff)
    assert audit_texts.sentence(entry) == "周雅：test something happened，—"


def test_staff_filter_by_person_object_and_dates(staff_client, staff, other_expert):
    person = PersonFactory(name="王芳")
    old = log_action("people.person.created", actor=staff, obj=person)
    from django.db import connection  # entries are append-only: the test moves one back in time through SQL

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET created_at = %s WHERE id = %s",
            [datetime.datetime(2024, 5, 1, 1, 0, tzinfo=datetime.UTC), old.pk],
        )
    log_action("people.person.updated", actor=other_expert, obj=person)
    log_action("people.person.created", actor=staff, obj=PersonFactory(name="李青"))

    def actions(**query):
        response = staff_client.get(reverse("core:audit_log"), query)
        assert response.status_code == 200
        return [(entry.action, entry.object_repr) for entry in response.context["object_list"]]

    assert actions(person="韩嘉") == [("people.person.updated", "王芳")]
    assert actions(person="staff@example") == [("people.person.created", "李青"), ("people.person.created", "王芳")]
    assert actions(object="王芳", person="周雅") == [("people.person.created", "王芳")]
    # 1 May 2024 01:00 UTC is 09:00 in Shanghai: the day filters are the association's days
    assert actions(date_from="2024-05-01", date_to="2024-05-01") == [("people.person.created", "王芳")]
    assert actions(date_from=timezone.localdate().isoformat()) == [
        ("people.person.created", "李青"),
        ("people.person.updated", "王芳"),
    ]


def test_a_date_range_backwards_is_refused_in_chinese(staff_client, staff):
    log_action("people.person.created", actor=staff)
    response = staff_client.get(reverse("core:audit_log"), {"date_from": "2024-05-02", "date_to": "2024-05-01"})
    assert "开始日期晚于结束日期。" in response.content.decode()
    assert list(response.context["object_list"]) == []


def test_a_date_that_is_not_a_date_is_refused(staff_client):
    response = staff_client.get(reverse("core:audit_log"), {"date_from": "yesterday"})
    assert response.status_code == 200
    assert "输入一个有效的日期。" in response.content.decode()


def test_the_export_keeps_the_filters_writes_json_and_local_times(staff_client, staff):
    log_action("people.person.created", actor=staff, data={"name": "王芳", "fields": ["name"]})
    log_action("honors.nomination.submitted", actor=staff)
    response = staff_client.get(reverse("core:audit_export"), {"action": "people."})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert json.loads(rows[1][7]) == {"fields": ["name"], "name": "王芳"}
    assert rows[1][0].endswith("+08:00")


@pytest.mark.parametrize("persona", ["nominator", "expert", "member", "stranger"])
def test_only_staff_read_the_log(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("core:audit_log")).status_code == 403
    assert client.get(reverse("core:audit_export")).status_code == 403


@pytest.mark.parametrize("query", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_a_day_out_of_range_is_refused_not_a_server_error(staff_client, staff, query):
    log_action("people.person.created", actor=staff)
    page = staff_client.get(reverse("core:audit_log"), query)
    assert page.status_code == 200 and "请选择 1900 年至 2999 年之间的日期。" in page.content.decode()
    assert staff_client.get(reverse("core:audit_export"), query).status_code == 200
