import io

import pytest
from django.urls import reverse

from laurel.consultations import demo
from laurel.consultations.models import Consultation, Rating, Round, Seat
from laurel.people import demo as people_demo
from laurel.people.models import User

pytestmark = pytest.mark.django_db


def test_demo_holds_a_finished_three_round_consultation_and_one_in_round_two(client):
    people_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    finished = Consultation.objects.get(code=demo.FINISHED)
    assert (finished.status, finished.rounds.count(), bool(finished.report)) == (Consultation.Status.RESPONDED, 3, True)
    assert finished.seats.filter(status=Seat.Status.DECLINED).count() == 1
    picked = Rating.objects.filter(round__consultation=finished, in_report=True)
    assert picked.count() == picked.values("statement").distinct().count() > 0  # one picked comment per statement
    opened = Consultation.objects.get(code=demo.OPEN)
    assert list(opened.rounds.values_list("number", "status")) == [(1, Round.Status.CLOSED), (2, Round.Status.OPEN)]
    expert = User.objects.get(email="expert@laurel.demo")
    assert opened.seats.get(user=expert).status == Seat.Status.ACCEPTED
    client.force_login(expert)
    page = client.get(reverse("consultations:serve", kwargs={"code": demo.OPEN})).content.decode()
    assert 'data-testid="panel-figures"' in page
    assert opened.title in client.get(reverse("core:dashboard")).content.decode()
