import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from laurel.consultations import panel, services
from laurel.consultations.models import Consultation, DeclaredInterest, Seat
from laurel.people.models import Organization
from tests.factories.consultations import ConsultationFactory, GovernmentFactory, expert_person
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():
    return ConsultationFactory(asking_body=GovernmentFactory(name="云州市水务局"))


def test_suggestions_rank_by_affinity_and_explain_the_shared_terms(consultation):
    hydrologist = expert_person(field="水文水资源", email="h@example.org")
    expert_person(field="古典文学", email="l@example.org")
    suggestions = panel.suggest(consultation)
    assert suggestions[0].person == hydrologist
    assert suggestions[0].affinity > suggestions[1].affinity
    assert "水文" in [term for term, _weight in suggestions[0].explanation]


def test_people_of_the_asking_body_its_children_and_declared_interests_are_left_out(consultation, staff):
    child = OrganizationFactory(name="云州市水文站", kind=Organization.Kind.GOVERNMENT, parent=consultation.asking_body)
    inside = expert_person(organization=consultation.asking_body, email="a@example.org")
    below = expert_person(organization=child, email="b@example.org")
    interested = expert_person(email="c@example.org")
    free = expert_person(email="d@example.org")
    services.declare_interest(consultation, person=interested, note="参与过该局的咨询项目", actor=staff)
    assert [item.person for item in panel.suggest(consultation)] == [free]
    for person in (inside, below, interested):
        with pytest.raises(ValidationError) as caught:
            panel.invite(consultation, person=person, actor=staff)
        assert caught.value.code == "conflict"


def test_suggestions_balance_fields(consultation):
    first = expert_person(field="水文水资源与排水工程", email="a@example.org")
    second = expert_person(field="水文水资源与排水工程", email="b@example.org")
    manager = expert_person(field="城市管理", email="c@example.org")
    suggestions = panel.suggest(consultation)
    affinity = {item.person: item.affinity for item in suggestions}
    # The manager is less close to the question than the second hydrologist, but a second field comes first.
    assert affinity[manager] < affinity[second] == affinity[first]
    assert [item.person for item in suggestions] == [first, manager, second]


def test_only_experts_can_be_invited_and_only_once(consultation, staff):
    worker = PersonFactory()
    with pytest.raises(ValidationError) as caught:
        panel.invite(consultation, person=worker, actor=staff)
    assert caught.value.code == "not_expert"
    expert = expert_person(email="e@example.org")
    panel.invite(consultation, person=expert, actor=staff)
    with pytest.raises(ValidationError) as caught:
        panel.invite(consultation, person=expert, actor=staff)
    assert caught.value.code == "duplicate"


def test_accepting_requires_the_pledge(consultation, staff):
    seat = panel.invite(consultation, person=expert_person(email="e@example.org"), actor=staff)
    with pytest.raises(ValidationError):
        panel.accept_seat(seat, actor=seat.user, pledge=False, may_be_named=True)
    assert Seat.objects.get().status == Seat.Status.INVITED
    panel.accept_seat(seat, actor=seat.user, pledge=True, may_be_named=True)
    seat.refresh_from_db()
    assert (seat.status, seat.may_be_named, seat.pledged_at is not None) == (Seat.Status.ACCEPTED, True, True)
    with pytest.raises(ValidationError):  # answered twice
        panel.decline_seat(seat, actor=seat.user)


def test_decline_invites_the_next_suggestion_and_records_the_interest(
    consultation, staff, django_capture_on_commit_callbacks
):
    first = expert_person(field="水文水资源", email="a@example.org")
    second = expert_person(field="排水工程", email="b@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        seat = panel.invite(consultation, person=first, actor=staff, suggestion=panel.suggest(consultation)[0])
        replacement = panel.decline_seat(seat, actor=first.user, interest="本人是该局顾问")
    assert replacement.person == second
    assert DeclaredInterest.objects.get().person == first
    assert [message.to for message in mail.outbox] == [["a@example.org"], ["b@example.org"]]


def test_composition_names_only_consenting_experts(consultation):
    from tests.factories.consultations import seat_for

    named = seat_for(consultation, field="水文水资源", email="a@example.org")
    Seat.objects.filter(pk=named.pk).update(may_be_named=True)
    seat_for(consultation, field="城市规划", email="b@example.org")
    seat_for(consultation, status=Seat.Status.DECLINED, field="经济学", email="c@example.org")
    composition = panel.composition(Consultation.objects.get())
    assert composition["size"] == 2
    assert composition["by_field"] == [("城市规划", 1), ("水文水资源", 1)]
    assert composition["named"] == [named.person]
