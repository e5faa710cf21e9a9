"""The audit log keeps its actors: each entry records who acted, as they were then, whatever happens to the
account afterwards."""

import csv
import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from laurel.core.models import AuditEntry
from laurel.core.services import log_action
from laurel.people.roles import RoleKind
from tests.factories.people import PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_audit_entry_keeps_the_actor_after_the_account_is_deleted(staff_client):
    departed = user_with_role(RoleKind.STAFF, email="departed@example.org", full_name="离职者")
    entry = log_action("people.person.updated", actor=departed, obj=PersonFactory(name="王芳"))
    departed.delete()

    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name, entry.actor_email) == (None, "离职者", "departed@example.org")
    page = staff_client.get(reverse("core:audit_log"))
    assert "离职者修改了科技工作者“王芳”。" in page.content.decode()
    assert "&lt;departed@example.org&gt;" in page.content.decode()
    rows = _csv_rows(staff_client.get(reverse("core:audit_export")))
    assert rows[0][:4] == ["time", "actor", "actor_name", "action"]
    assert rows[1][1:4] == ["departed@example.org", "离职者", "people.person.updated"]


def test_audit_entry_keeps_the_actor_as_they_were_when_they_acted(staff):
    entry = log_action("honors.campaign.created", actor=staff)
    staff.full_name, staff.email = "改名者", "renamed@example.org"
    staff.save()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name, entry.actor_email) == (staff, "周雅", "staff@example.org")


def test_audit_entry_of_an_account_without_a_name_records_its_address(staff_client):
    nameless = user_with_role(RoleKind.STAFF, email="nameless@example.org", full_name="")
    log_action("core.test.done", actor=nameless)
    nameless.delete()
    assert "nameless@example.org：test done" in staff_client.get(reverse("core:audit_log")).content.decode()


def test_audit_entry_without_actor_records_no_actor(staff_client):
    entry = log_action("honors.objection.filed")
    assert (entry.actor_name, entry.actor_email) == ("", "")
    assert _csv_rows(staff_client.get(reverse("core:audit_export")))[1][1:4] == ["", "", "honors.objection.filed"]


@pytest.mark.django_db(transaction=True)
def test_entries_written_before_the_snapshot_take_it_from_their_actor():
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0002_initial")])
    old_apps = executor.loader.project_state([("core", "0002_initial")]).apps
    OldUser = old_apps.get_model("people", "User")
    OldEntry = old_apps.get_model("core", "AuditEntry")
    named = OldUser.objects.create(email="named@example.org", full_name="林涛")
    nameless = OldUser.objects.create(email="nameless@example.org", full_name="")
    for actor in (named, nameless, None):
        OldEntry.objects.create(action="core.test.done", actor=actor)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(AuditEntry.objects.order_by("pk").values_list("actor_name", "actor_email")) == [
        ("林涛", "named@example.org"),
        ("nameless@example.org", "nameless@example.org"),
        ("", ""),
    ]
