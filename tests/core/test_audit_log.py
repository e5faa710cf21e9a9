import csv
import io

import pytest
from django.urls import reverse

from laurel.core.models import AuditEntry, AuditLogIsAppendOnly
from laurel.core.services import log_action
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


def test_log_action_records_actor_object_and_data(staff):
    person = PersonFactory(name="王芳")
    entry = log_action("people.person.updated", actor=staff, obj=person, data={"changes": {"field": ["a", "b"]}})
    entry.refresh_from_db()
    assert (entry.actor, entry.action, entry.object_id, entry.object_repr) == (
        staff,
        "people.person.updated",
        str(person.pk),
        "王芳",
    )
    assert entry.data == {"changes": {"field": ["a", "b"]}}
    assert list(AuditEntry.objects.for_object(person)) == [entry]


def test_audit_entry_cannot_be_changed_or_deleted(staff):
    entry = log_action("core.test.done", actor=staff)
    entry.action = "core.test.forged"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="core.test.forged")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "core.test.done"


def test_staff_reads_and_filters_the_audit_log(staff_client, staff):
    log_action("people.person.created", actor=staff, data={"name": "王芳"})
    log_action("honors.nomination.submitted", actor=staff)
    response = staff_client.get(reverse("core:audit_log"), {"action": "people."})
    assert response.status_code == 200
    actions = [entry.action for entry in response.context["object_list"]]
    assert actions == ["people.person.created"]


def test_staff_exports_the_audit_log_as_csv(staff_client, staff):
    log_action("people.person.created", actor=staff, data={"name": "王芳"})
    response = staff_client.get(reverse("core:audit_export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["time", "actor", "actor_name", "action", "object_type", "object_id", "object", "data"]
    assert rows[1][1:4] == ["staff@example.org", "周雅", "people.person.created"]
    assert "王芳" in rows[1][7]


@pytest.mark.parametrize("name", ["core:audit_log", "core:audit_export"])
def test_stranger_cannot_read_the_audit_log(stranger_client, name):
    assert stranger_client.get(reverse(name)).status_code == 403


def test_anonymous_visitor_is_sent_to_login_for_the_audit_log(client):
    response = client.get(reverse("core:audit_log"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
