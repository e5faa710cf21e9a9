"""Issue 16: the ranking and committee page reads the campaign's nominations once, in a number of queries that does
not grow with the campaign, and writes its figures as `floatformat` would, without the filter's cost."""

import math
import random

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from laurel.honors import committee
from laurel.honors.models import Nomination, RepresentationRule, Trait
from laurel.honors.ranking import fixed
from tests.factories.honors import NominationFactory, scored_campaign

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_fixed_writes_what_floatformat_writes(language):
    generator = random.Random(16)
    values = [0.0, -0.0, -0.001, 0.005, 0.015, 2.675, 1.0005, -2.675, 99.995, 1e14 + 0.5, 2e15, math.nan, math.inf]
    values += [-math.inf, 70.0, 71.125, -0.0004999, 123456.789]
    values += [generator.uniform(-100, 100) for _ in range(3000)]
    values += [round(generator.uniform(0, 100), generator.choice([1, 2, 3, 4])) for _ in range(3000)]
    values += [generator.randint(0, 1000) / 8 for _ in range(1000)]  # exact halves and eighths: the ties
    with translation.override(language):
        for places in (2, 3):
            assert [fixed(value, places) for value in values] == [floatformat(value, places) for value in values]


def _page(client, campaign):
    return client.get(reverse("honors:ranking", kwargs={"code": campaign.code}))


def _grow(campaign, made, experts, copies):
    from laurel.honors.models import Assignment, Review

    for _copy in range(copies):
        for original in made:
            nomination = NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0)
            for assignment in original.assignments.all():
                review = assignment.review
                copy = Assignment.objects.create(nomination=nomination, expert=assignment.expert, round=1)
                Review.objects.create(assignment=copy, total=review.total, submitted_at=review.submitted_at)
        NominationFactory(campaign=campaign, status=Nomination.Status.SUBMITTED, photos=0)  # in the pool only


@pytest.mark.parametrize("decided", [False, True], ids=["proposal", "after the decision"])
def test_ranking_page_queries_do_not_grow_with_the_campaign(
    client, staff, expert, other_expert, decided, django_assert_max_num_queries
):
    campaign, made = scored_campaign(
        totals=[[90, 50], [70, 72], [60, 60], [40, 80]], experts=[expert, other_expert], honorees_count=2
    )
    # Every kind of rule, so that the page reads each field rules look at (the page reads only those).
    RepresentationRule.objects.create(campaign=campaign, per="unit", bound="max", measure="count", value=1)
    for per in ("field", "region", "unit_type"):
        RepresentationRule.objects.create(campaign=campaign, per=per, bound="max", measure="count", value=2, hard=False)
    for trait in (Trait.FRONT_LINE, Trait.YOUNG, Trait.FEMALE, Trait.ACADEMICIAN):
        RepresentationRule.objects.create(campaign=campaign, trait=trait, bound="max", measure="count", value=9)
    if decided:
        committee.accept_proposal(campaign, actor=staff)
    client.force_login(staff)
    _page(client, campaign)
    with CaptureQueriesContext(connection) as small:
        first = _page(client, campaign)
    assert len(first.context["table"]) == 4
    _grow(campaign, made, [expert, other_expert], copies=5)
    with django_assert_max_num_queries(len(small)):
        response = _page(client, campaign)
    assert len(response.context["table"]) == 24
    assert len(small) <= 10  # the page, the session and the user, the campaign, its nominations once, its reviews
    html = response.content.decode()
    row = response.context["table"][0]
    assert f'<td class="numeric">{floatformat(row.mean, 2)}</td>' in html
    assert f'<td class="numeric">{floatformat(row.zscore, 3)}</td>' in html
    assert f"<td>{row.nomination.get_status_display()}</td>" in html
    for row in response.context["table"]:
        assert f'<a href="{row.nomination.get_absolute_url()}">{row.nomination.person.name}</a>' in html
