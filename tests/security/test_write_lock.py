"""A certificate batch renders its PDFs outside any transaction: on SQLite a transaction that writes keeps every
other writer waiting, and a comment posted during a batch once waited 2.6 s instead of 12 ms."""

import sqlite3

import pytest
from django.db import connection

from laurel.certificates import pdf, services
from laurel.certificates.models import Certificate
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def start_batch(staff, size=3):
    return services.start_batch(
        template=CertificateTemplateFactory(),
        recipients=[services.Recipient(person=person, title="最美") for person in PersonFactory.create_batch(size)],
        batch_key="campaign:1",
        title="最美",
        actor=staff,
    )


def watch_renders(monkeypatch, look) -> list:
    """Calls `look()` each time a certificate is rendered and keeps what it returns."""
    render, seen = pdf.render, []

    def render_and_look(**kwargs):
        seen.append(look())
        return render(**kwargs)

    monkeypatch.setattr(pdf, "render", render_and_look)
    return seen


def test_batch_renders_each_certificate_outside_any_transaction(monkeypatch, staff):
    batch = start_batch(staff)
    seen = watch_renders(monkeypatch, lambda: connection.in_atomic_block)
    services.run_batch(batch.pk)
    assert seen == [False, False, False]
    assert Certificate.objects.count() == 3


def test_correction_renders_the_new_certificate_outside_any_transaction(monkeypatch, staff):
    services.run_batch(start_batch(staff, size=1).pk)
    seen = watch_renders(monkeypatch, lambda: connection.in_atomic_block)
    services.correct_certificate(Certificate.objects.get(), actor=staff, reason="姓名有误", title="新名称")
    assert seen == [False]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's one write lock")
def test_another_writer_goes_ahead_while_a_batch_renders_on_sqlite(monkeypatch, staff):
    """While each PDF renders, a second connection (another process's comment post, say) takes the write lock
    at once instead of waiting for the batch."""
    batch = start_batch(staff)

    def another_writer_gets_the_lock() -> bool:
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:  # "database is locked"
            return False
        finally:
            other.close()

    seen = watch_renders(monkeypatch, another_writer_gets_the_lock)
    services.run_batch(batch.pk)
    assert seen == [True, True, True]
