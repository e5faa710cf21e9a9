"""Certificate numbers and status-list indexes are handed out once, whatever runs at the same time; a batch run
again goes on where it stopped, and its report tells what it issued from what people held before it."""

import threading

import pytest
from django.db import connection
from django.db.models import Max
from django.urls import reverse

from laurel.certificates import pdf, services
from laurel.certificates.models import BatchEntry, Certificate, IssuanceBatch
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIZE = 6


@pytest.fixture(autouse=True)
def queued(settings):
    """Started batches wait in the queue, as they do for a worker, instead of running at once."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def template(db):
    return CertificateTemplateFactory()


def start(template, people, staff, key="campaign:1") -> IssuanceBatch:
    return services.start_batch(
        template=template,
        recipients=[services.Recipient(person=person, title="云州市最美科技工作者") for person in people],
        batch_key=key,
        title=key,
        actor=staff,
    )


def racy_allocation(count: int = 1) -> range:
    """How certificates were numbered before: one more than the highest index issued, read without a lock."""
    top = Certificate.objects.aggregate(top=Max("status_index"))["top"] or 0
    return range(top + 1, top + count + 1)


def run_at_once(monkeypatch, batch_ids, *, allocate) -> list[Exception]:
    """Each batch run by its own worker (a thread with its own database connection); the workers ask for their
    numbers at the same moment, long before either has written a certificate."""
    barrier = threading.Barrier(len(batch_ids), timeout=10)

    def wait_then_allocate(count: int = 1) -> range:
        barrier.wait()
        return allocate(count)

    monkeypatch.setattr(services, "allocate_status_indexes", wait_then_allocate)
    errors = []

    def work(batch_id):
        try:
            services.run_batch(batch_id)
        except Exception as error:  # the control's lost certificates fail the worker's task
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(batch_id,)) for batch_id in batch_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgresql_only
def test_two_workers_issuing_two_batches_at_once_lose_no_certificate(monkeypatch, template, staff):
    people = PersonFactory.create_batch(2 * SIZE)
    batches = [start(template, people[:SIZE], staff, "campaign:1"), start(template, people[SIZE:], staff, "campaign:2")]
    errors = run_at_once(monkeypatch, [batch.pk for batch in batches], allocate=services.allocate_status_indexes)
    assert Certificate.objects.count() == 2 * SIZE
    assert errors == []
    for batch in batches:
        batch.refresh_from_db()
        assert (batch.status, batch.done, batch.issued, batch.skipped) == ("finished", SIZE, SIZE, [])
    indexes = sorted(Certificate.objects.values_list("status_index", flat=True))
    assert indexes == list(range(1, 2 * SIZE + 1))
    assert Certificate.objects.values("number").distinct().count() == 2 * SIZE


@pytest.mark.postgresql_only
def test_without_the_counters_lock_two_workers_lose_certificates(monkeypatch, template, staff):
    """The control: numbering as before, without the lock, loses certificates in the same race."""
    people = PersonFactory.create_batch(2 * SIZE)
    batches = [start(template, people[:SIZE], staff, "campaign:1"), start(template, people[SIZE:], staff, "campaign:2")]
    errors = run_at_once(monkeypatch, [batch.pk for batch in batches], allocate=racy_allocation)
    assert Certificate.objects.count() < 2 * SIZE
    assert len(errors) == 1  # the loser's task fails loudly instead of calling its people "already holding one"


@pytest.mark.postgresql_only
def test_two_runs_of_one_batch_at_once_issue_each_certificate_once(template, staff):
    """A task requeued while the first run still goes on: each person gets one certificate, none is reported as
    held before the batch."""
    batch = start(template, PersonFactory.create_batch(SIZE), staff)
    errors = []

    def work():
        try:
            services.run_batch(batch.pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    batch.refresh_from_db()
    assert Certificate.objects.count() == SIZE
    assert errors == []
    assert (batch.status, batch.skipped) == ("finished", [])
    assert batch.issued == SIZE
    assert sorted(Certificate.objects.values_list("batch_entry", flat=True)) == sorted(
        batch.entries.values_list("pk", flat=True)
    )


def test_batch_run_again_after_a_crash_goes_on_with_the_numbers_it_reserved(monkeypatch, template, staff):
    batch = start(template, PersonFactory.create_batch(5), staff)
    render, calls = pdf.render, []

    def crash_on_the_third(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the worker died")
        return render(**kwargs)

    monkeypatch.setattr(pdf, "render", crash_on_the_third)
    with pytest.raises(RuntimeError):
        services.run_batch(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, Certificate.objects.count()) == (IssuanceBatch.Status.FAILED, 2)
    reserved = list(BatchEntry.objects.filter(batch=batch).order_by("pk").values_list("status_index", flat=True))

    monkeypatch.setattr(pdf, "render", render)
    batch = services.run_batch(batch.pk)
    assert (batch.status, batch.issued, batch.issued_by_earlier_run, batch.skipped) == ("finished", 5, 2, [])
    issued = list(Certificate.objects.order_by("batch_entry").values_list("status_index", flat=True))
    assert issued == reserved == [1, 2, 3, 4, 5]


def test_batch_report_tells_who_held_a_certificate_before_it(template, staff, client):
    holder, other = PersonFactory(name="王䶮"), PersonFactory(name="李明")
    held = services.issue_one(
        template=template, recipient=holder, title="云州市最美科技工作者", batch_key="campaign:1", actor=staff
    )
    batch = services.run_batch(start(template, [holder, other], staff).pk)
    assert (batch.issued, batch.issued_by_earlier_run) == (1, 0)
    assert batch.skip_messages() == [f"王䶮 在本批次之前已持有证书 {held.number}。"]
    client.force_login(staff)
    page = client.get(reverse("certificates:batch_detail", kwargs={"pk": batch.pk}), headers={"accept-language": "en"})
    text = page.content.decode()
    assert "1 certificate issued by this batch." in text
    assert f"王䶮 already held certificate {held.number} before this batch." in text
    assert "earlier run" not in text
