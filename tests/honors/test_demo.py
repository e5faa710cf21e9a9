import io

import pytest

from laurel.honors import demo as honors_demo
from laurel.honors.models import Campaign, Nomination, PanelMember, Stage
from laurel.people import demo as people_demo

pytestmark = pytest.mark.django_db


def test_demo_builds_a_finished_and_an_open_campaign_idempotently():
    for _run in range(2):
        people_demo.seed(stdout=io.StringIO())
        honors_demo.seed(stdout=io.StringIO())
    finished = Campaign.objects.get(edition=2023)
    assert finished.stage == Stage.PUBLISHED
    assert finished.nominations.count() == 60
    assert finished.nominations.selected().count() == 20
    assert PanelMember.objects.filter(campaign=finished).count() == 12
    assert Campaign.objects.get(series="most-beautiful", edition=2024).stage == Stage.OPEN
    assert Nomination.objects.filter(campaign__edition=2024, status="submitted").count() == 6


def test_demo_campaigns_have_english_names_and_the_2023_honorees_english_citations():
    people_demo.seed(stdout=io.StringIO())
    honors_demo.seed(stdout=io.StringIO())
    names = dict(Campaign.objects.filter(series="most-beautiful").values_list("edition", "name_en"))
    assert names == {
        2023: "Yunzhou 2023 Most Beautiful Sci-tech Workers",
        2024: "Yunzhou 2024 Most Beautiful Sci-tech Workers",
    }
    honorees = Campaign.objects.get(edition=2023).nominations.selected()
    assert not honorees.filter(citation_en="").exists()
    sample = honorees.order_by("pk").first()
    field_en = dict(people_demo.FIELDS)[sample.person.field]
    assert sample.citation_en.startswith("A ") and sample.citation_en.endswith(
        f" of {field_en[0].lower()}{field_en[1:]}"
    )


def test_demo_makes_the_2023_honorees_public():
    people_demo.seed(stdout=io.StringIO())
    honors_demo.seed(stdout=io.StringIO())
    finished = Campaign.objects.get(edition=2023)
    honorees = finished.nominations.selected()
    assert honorees.filter(person__is_public=True).count() == 20


def test_demo_expert_profiles_make_meaningful_affinities():
    from laurel.honors import engine

    people_demo.seed(stdout=io.StringIO())
    honors_demo.seed(stdout=io.StringIO())
    finished = Campaign.objects.get(edition=2023)
    assert not PanelMember.objects.filter(fields="").exists()
    assert PanelMember.objects.filter(campaign=finished, senior=True).count() == 4
    context = engine.build_context(finished, 1)
    fields = {field for member in context.members for field in engine.split(member.fields)}
    covered = [n for n in context.nominations if n.person.field in fields]
    assert len(covered) == len(context.nominations)  # every demo nomination's field has an expert
    best = context.affinity.max(axis=1)
    assert (best > 0.1).all()
    matched = 0
    for item, nomination in enumerate(context.nominations):  # an expert of the field is among the 3 best
        top = context.affinity[item].argsort()[::-1][:3]
        matched += any(nomination.person.field in engine.split(context.members[int(j)].fields) for j in top)
    assert matched >= 0.9 * len(context.nominations)


def test_demo_2023_list_keeps_its_group_rules_and_its_decision_is_recorded():
    from laurel.honors import committee

    people_demo.seed(stdout=io.StringIO())
    honors_demo.seed(stdout=io.StringIO())
    finished = Campaign.objects.get(edition=2023)
    current = committee.current_selection(finished)
    group_outcomes = [outcome for outcome in current.outcomes if outcome.rule.per]
    assert [(outcome.rule.per, outcome.holds) for outcome in group_outcomes] == [("unit", True), ("region", True)]
    assert len({nomination.unit_id for nomination in current.chosen}) == 20
    assert [decision.kind for decision in current.decisions] == ["accepted"]


def test_demo_2023_is_blind_and_its_stories_reach_the_experts_masked():
    from laurel.honors import blind

    people_demo.seed(stdout=io.StringIO())
    honors_demo.seed(stdout=io.StringIO())
    finished = Campaign.objects.get(edition=2023)
    nomination = finished.nominations.for_list().order_by("pk").first()
    assert finished.blind_review and nomination.person.name in nomination.story
    masked = blind.mask(nomination.story, nomination)
    assert nomination.person.name not in masked and masked.startswith("[nominee]")
