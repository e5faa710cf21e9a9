"""The campaign's audit tells the whole story: one entry per assignment pair, a de-selection logged as such, the
honorees made public and the campaign's certificates in its CSV, the data as JSON, times in the association's zone."""

import csv
import io
import json

import pytest
from django.urls import reverse

from laurel.core.models import AuditEntry
from laurel.core.services import log_action
from laurel.honors import committee, engine, exports, reviews
from laurel.honors.models import Nomination, PanelMember, Stage
from laurel.honors.publication import make_honorees_public
from tests.factories.honors import CampaignFactory, NominationFactory, scored_campaign
from tests.factories.people import PersonFactory, RoleKind, user_with_role

pytestmark = pytest.mark.django_db


def audit_csv(client, campaign) -> list[dict]:
    response = client.get(reverse("honors:export_audit", kwargs={"code": campaign.code}))
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def reviewing(staff):
    campaign = CampaignFactory(stage=Stage.REVIEW, experts_per_nomination=2, expert_load_cap=3)
    experts = []
    for index, field in enumerate(["人工智能", "临床医学", "作物育种"]):
        expert = user_with_role(RoleKind.EXPERT, email=f"e{index}@example.org")
        reviews.add_panel_member(campaign, expert=expert, actor=staff)
        PanelMember.objects.filter(expert=expert).update(fields=field)
        experts.append(expert)
        person = PersonFactory(field=field)
        NominationFactory(campaign=campaign, person=person, unit=person.organization, status="eligible", photos=0)
    return campaign, experts


def test_each_assignment_pair_is_logged_when_created_and_when_released(reviewing, staff):
    campaign, _experts = reviewing
    engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=2)
    created = AuditEntry.objects.filter(action="honors.assignment.created")
    assert created.count() == 6
    pairs = {(entry.object_id, entry.data["expert"]) for entry in created}
    assert pairs == {
        (str(nomination_id), email)
        for nomination_id, email in campaign.nominations.values_list("assignments__nomination", "assignments__expert__email")
    }  # fmt: skip
    engine.release(campaign, actor=staff)
    released = AuditEntry.objects.filter(action="honors.assignment.pair_released")
    assert {(entry.object_id, entry.data["expert"]) for entry in released} == pairs


def test_a_draft_pair_removed_by_hand_is_logged(reviewing, staff):
    campaign, _experts = reviewing
    engine.run_assignment(campaign, actor=staff, experts_per_nomination=2, load_max=2)
    pair = campaign.nominations.first().assignments.select_related("expert", "nomination").first()
    engine.remove_pair(pair, actor=staff)
    entry = AuditEntry.objects.get(action="honors.assignment.removed")
    assert (entry.object_id, entry.data["expert"]) == (str(pair.nomination_id), pair.expert.email)


def test_an_override_logs_a_deselection_not_a_passed_eligibility_check(expert, staff):
    campaign, made = scored_campaign(totals=[[95], [90], [80]], experts=[expert], honorees_count=1)
    committee.accept_proposal(campaign, actor=staff)
    committee.override_selection(
        campaign, add=[Nomination.objects.get(pk=made[1].pk)], remove=[Nomination.objects.get(pk=made[0].pk)],
        reason="委员会表决", actor=staff,
    )  # fmt: skip
    assert not AuditEntry.objects.filter(action="honors.nomination.passed").exists()
    entry = AuditEntry.objects.get(action="honors.nomination.deselected")
    assert (entry.object_id, entry.data["from"], entry.data["to"]) == (str(made[0].pk), "selected", "eligible")


def test_the_campaign_csv_holds_the_honorees_made_public_and_the_campaigns_certificates(
    expert, staff, staff_client, settings
):
    settings.TIME_ZONE = "Asia/Shanghai"
    campaign, made = scored_campaign(totals=[[95], [90]], experts=[expert], honorees_count=1, stage=Stage.PUBLISHED)
    other, _other_made = scored_campaign(totals=[[80]], experts=[expert], honorees_count=1, stage=Stage.PUBLISHED)
    Nomination.objects.filter(pk=made[0].pk).update(status="selected")
    make_honorees_public(campaign, actor=staff)
    # What certificates' hand-off logs for a campaign's certificate (the certificate itself is any object here).
    certificate = made[0].person
    log_action("certificates.certificate.issued", actor=staff, obj=certificate,
               data={"number": "LAU-1", "batch_key": f"campaign:{campaign.pk}"})  # fmt: skip
    log_action("certificates.certificate.revoked", actor=staff, obj=certificate, data={"reason": "错字"})
    log_action("certificates.certificate.issued", actor=staff, obj=_other_made[0].person,
               data={"number": "LAU-2", "batch_key": f"campaign:{other.pk}"})  # fmt: skip
    rows = audit_csv(staff_client, campaign)
    actions = [row["action"] for row in rows]
    assert actions.count("people.person.made_public") == 1
    assert actions.count("certificates.certificate.issued") == 1 and "certificates.certificate.revoked" in actions
    issued = next(row for row in rows if row["action"] == "certificates.certificate.issued")
    assert json.loads(issued["data"]) == {"batch_key": f"campaign:{campaign.pk}", "number": "LAU-1"}
    assert all(row["time"].endswith("+08:00") for row in rows)
    assert list(exports.campaign_audit(other).values_list("action", flat=True)) == ["certificates.certificate.issued"]


def test_the_data_column_is_json_with_chinese_kept(expert, staff, staff_client):
    campaign, made = scored_campaign(totals=[[95], [90], [80]], experts=[expert], honorees_count=1)
    committee.accept_proposal(campaign, actor=staff)
    committee.override_selection(
        campaign, add=[Nomination.objects.get(pk=made[1].pk)], remove=[Nomination.objects.get(pk=made[0].pk)],
        reason="委员会表决", actor=staff,
    )  # fmt: skip
    overridden = next(
        row for row in audit_csv(staff_client, campaign) if row["action"] == "honors.selection.overridden"
    )
    assert '"reason": "委员会表决"' in overridden["data"]
    assert json.loads(overridden["data"])["removed"] == [made[0].code]
