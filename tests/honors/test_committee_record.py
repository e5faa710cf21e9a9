"""The committee page shows the list the committee decided (after overrides, vetoes, objections, publication), and
the results export is the record of what it decided on, removed candidates included with the reason."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from laurel.honors import committee, vetting
from laurel.honors.models import CommitteeDecision, Nomination
from tests.factories.honors import scored_campaign

pytestmark = pytest.mark.django_db
Status = Nomination.Status


def fresh(nomination):
    return Nomination.objects.select_related("campaign", "person", "unit").get(pk=nomination.pk)


@pytest.fixture
def decided(expert, other_expert, staff):
    """Four candidates scored by two experts, two honorees; the committee accepted the proposal (the first two)."""
    campaign, made = scored_campaign(
        totals=[[95, 80], [90, 85], [88, 70], [70, 60]], experts=[expert, other_expert], honorees_count=2
    )
    for index, nomination in enumerate(made):
        nomination.person.name = f"候选人{index + 1}"
        nomination.person.save()
    committee.accept_proposal(campaign, actor=staff)
    return campaign, made


def section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</section>", start)]


def test_before_any_decision_the_page_shows_the_proposal(expert, staff_client):
    campaign, _made = scored_campaign(totals=[[95], [90], [80]], experts=[expert], honorees_count=2)
    page = staff_client.get(reverse("honors:ranking", kwargs={"code": campaign.code})).content.decode()
    assert 'data-testid="proposal"' in page
    assert 'data-testid="current-selection"' not in page


def test_after_an_override_the_page_shows_the_overridden_list_not_a_new_proposal(decided, staff, staff_client):
    campaign, made = decided
    committee.override_selection(
        campaign, add=[fresh(made[3])], remove=[fresh(made[1])], reason="委员会表决：候选人4更具代表性", actor=staff
    )
    page = staff_client.get(reverse("honors:ranking", kwargs={"code": campaign.code}), HTTP_ACCEPT_LANGUAGE="en")
    current = section(page.content.decode(), "current-selection")
    assert "候选人1" in current and "候选人4" in current
    assert "候选人2" not in current.split('data-testid="rule-outcomes"')[0]  # the proposal would pick 候选人2
    assert "委员会表决：候选人4更具代表性" in current
    assert 'data-testid="proposal"' not in page.content.decode()


def test_after_a_veto_the_page_shows_the_replacement_and_the_removed_candidate_with_the_reason(
    decided, staff, staff_client
):
    campaign, made = decided
    body = vetting.add_body(campaign, name="公安机关", actor=staff)
    vetting.record_result(fresh(made[0]), body=body, outcome="vetoed", reason="涉嫌违法", actor=staff)
    page = staff_client.get(reverse("honors:ranking", kwargs={"code": campaign.code}), HTTP_ACCEPT_LANGUAGE="en")
    current = section(page.content.decode(), "current-selection")
    chosen = current.split("<ol>")[1].split("</ol>")[0]
    assert "候选人2" in chosen and "候选人3" in chosen and "候选人1" not in chosen
    removed = current.split('data-testid="removed"')[1].split("</ul>")[0]
    assert "候选人1" in removed and "Veto in the joint vetting: 公安机关: 涉嫌违法" in removed


def test_each_decision_keeps_the_scores_and_rule_outcomes_it_was_taken_on(decided, staff):
    campaign, made = decided
    (accepted,) = CommitteeDecision.objects.all()
    assert (accepted.kind, accepted.actor, accepted.selected) == ("accepted", staff, [made[0].code, made[1].code])
    first = accepted.rows[0]
    assert (first["code"], first["mean"], first["rank"], first["selected"]) == (made[0].code, 87.5, 1, True)
    assert isinstance(first["zscore"], float)
    body = vetting.add_body(campaign, name="税务机关", actor=staff)
    vetting.record_result(fresh(made[0]), body=body, outcome="vetoed", reason="欠税", actor=staff)
    replaced = CommitteeDecision.objects.latest("pk")
    assert (replaced.kind, replaced.cause, replaced.removed, replaced.added) == (
        "replaced", "vetting", [made[0].code], [made[2].code],
    )  # fmt: skip
    removed_row = next(row for row in replaced.rows if row["code"] == made[0].code)
    assert removed_row["mean"] == 87.5 and removed_row["status"] == "removed"
    assert removed_row["removal"] == {"reason": "税务机关: 欠税", "cause": "vetting"}


def test_the_export_is_the_record_of_the_last_decision_with_removed_candidates_and_reasons(
    decided, staff, staff_client
):
    campaign, made = decided
    body = vetting.add_body(campaign, name="公安机关", actor=staff)
    vetting.record_result(fresh(made[0]), body=body, outcome="vetoed", reason="涉嫌违法", actor=staff)
    # Scores change after the decision (a late review): the export still shows what the committee decided on.
    review = made[3].assignments.first().review
    review.total = 100
    review.save()
    response = staff_client.get(
        reverse("honors:export_xlsx", kwargs={"code": campaign.code}), HTTP_ACCEPT_LANGUAGE="en"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Results"].iter_rows(values_only=True))
    assert rows[0][0].startswith("As decided on ") and rows[0][0].endswith("(Removed candidate replaced)")
    header = rows[1]
    by_code = {row[1]: dict(zip(header, row, strict=True)) for row in rows[2:] if row and row[1]}
    assert by_code[made[3].code]["Mean"] == 65.0
    assert by_code[made[0].code]["status"] == "Removed after an objection or a veto"
    assert by_code[made[0].code]["removal"] == "Veto in the joint vetting: 公安机关: 涉嫌违法"
    assert [by_code[code]["selected"] for code in (made[1].code, made[2].code)] == ["yes", "yes"]
    decisions = list(workbook["Committee decisions"].iter_rows(values_only=True))
    assert [row[1] for row in decisions[1:]] == ["Proposal accepted", "Removed candidate replaced"]
