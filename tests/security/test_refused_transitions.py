"""A refused action changes nothing: every service checks before it moves a state, so each test starts from the
state before the transition, has the action refused, and finds the object, its neighbours and the audit log as
they were."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from laurel.certificates import services as certificates
from laurel.certificates.models import Certificate
from laurel.core.models import AuditEntry
from laurel.events import services as events
from laurel.events.models import Attendee
from laurel.honors import committee, nominations, notices, reviews, vetting
from laurel.honors.models import (
    Assignment,
    Campaign,
    Nomination,
    Objection,
    RepresentationRule,
    Review,
    Stage,
    Trait,
    UnitQuota,
    VettingBody,
)
from laurel.honors.stages import ALLOWED_MOVES, move_campaign
from laurel.news import services as news
from laurel.news.models import Article, Comment
from laurel.outreach import groups
from laurel.outreach import services as talks
from laurel.outreach.models import Talk, TalkPhoto
from laurel.people import services as people
from laurel.people.models import Person
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.events import AttendeeFactory, EventFactory
from tests.factories.honors import CampaignFactory, NominationFactory, scored_campaign
from tests.factories.news import ArticleFactory
from tests.factories.outreach import MembershipFactory, TalkFactory, next_weekday
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db
S = Talk.Status
Status = Nomination.Status


@pytest.fixture(autouse=True)
def _english():
    """The refusals are matched by their English messages."""
    with translation.override("en"):
        yield


def state(*objects) -> tuple:
    """Each object's row as the database holds it, and the length of the audit log."""
    rows = tuple(type(obj).objects.filter(pk=obj.pk).values().get() for obj in objects)
    return rows, AuditEntry.objects.count()


def refused(action, *objects, match: str | None = None) -> None:
    """Run `action`, expect a refusal, and find `objects` and the audit log unchanged."""
    before = state(*objects)
    with pytest.raises(ValidationError, match=match):
        action()
    assert state(*objects) == before


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# Talks ---------------------------------------------------------------------------------------------------


def _talk(status: str, *, date: datetime.date | None = None) -> Talk:
    membership = MembershipFactory()
    return TalkFactory(status=status, speaker=membership, date=date or timezone.localdate(), slot="morning")


@pytest.mark.parametrize("status", [S.CONFIRMED, S.DELIVERED])
def test_talk_report_refused_for_too_few_photos_leaves_the_talk_as_it_was(staff, status):
    talk = _talk(status)
    report = {"headcount": 120, "online_views": 0, "news_link": "", "photos": [png(), png()]}
    refused(lambda: talks.file_report(talk, actor=staff, **report), talk, match="at least three photos")
    assert TalkPhoto.objects.count() == 0


def test_talk_report_with_more_photos_than_allowed_judges_none_and_leaves_the_talk_confirmed(staff, monkeypatch):
    judged = []
    monkeypatch.setattr(talks, "judge_image", lambda upload: judged.append(upload))
    talk = _talk(S.CONFIRMED)
    photos = [png() for _index in range(talks.MAX_PHOTOS + 1)]
    report = {"headcount": 120, "online_views": 0, "news_link": "", "photos": photos}
    refused(lambda: talks.file_report(talk, actor=staff, **report), talk, match="At most 10 photos")
    assert judged == []


@pytest.mark.parametrize("status", [S.CONFIRMED, S.DELIVERED])
def test_talk_report_refused_for_a_file_that_is_no_photo_leaves_the_talk_as_it_was(staff, status):
    talk = _talk(status)
    photos = [png(), png(), SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png")]
    report = {"headcount": 120, "online_views": 0, "news_link": "", "photos": photos}
    refused(lambda: talks.file_report(talk, actor=staff, **report), talk)
    assert TalkPhoto.objects.count() == 0


def test_talk_report_refused_for_negative_counts_leaves_a_confirmed_talk_confirmed(staff):
    talk = _talk(S.CONFIRMED)
    report = {"headcount": -1, "online_views": 0, "news_link": "", "photos": [png(), png(), png()]}
    refused(lambda: talks.file_report(talk, actor=staff, **report), talk, match="cannot be negative")


def test_speakers_report_with_two_photos_is_refused_on_the_page_and_the_talk_stays_confirmed(client, member):
    membership = MembershipFactory(user=member, person__user=member)
    talk = TalkFactory(status=S.CONFIRMED, speaker=membership, date=timezone.localdate(), slot="morning")
    client.force_login(member)
    before = state(talk)
    response = client.post(
        reverse("outreach:report", kwargs={"code": talk.code}),
        {"headcount": 120, "online_views": 0, "news_link": "", "photos": [png(), png()]},
        follow=True,
    )
    assert "请至少上传三张宣讲照片。" in [str(message) for message in response.context["messages"]]
    assert state(talk) == before


def test_talk_report_before_the_talk_leaves_it_confirmed(staff):
    talk = _talk(S.CONFIRMED, date=next_weekday(2))
    report = {"headcount": 120, "online_views": 0, "news_link": "", "photos": [png(), png(), png()]}
    refused(lambda: talks.file_report(talk, actor=staff, **report), talk, match="not taken place")


def test_talk_report_of_a_talk_still_under_review_is_refused(staff):
    talk = TalkFactory(status=S.REVIEWED)
    report = {"headcount": 120, "online_views": 0, "news_link": "", "photos": [png(), png(), png()]}
    refused(lambda: talks.file_report(talk, actor=staff, **report), talk)
    assert TalkPhoto.objects.count() == 0


def test_marking_a_future_talk_delivered_leaves_it_confirmed(staff):
    talk = _talk(S.CONFIRMED, date=next_weekday(2))
    refused(lambda: talks.mark_delivered(talk, actor=staff), talk, match="not taken place")


def test_dispatch_to_an_unavailable_speaker_leaves_the_talk_reviewed(staff):
    talk = TalkFactory(status=S.REVIEWED)
    busy = MembershipFactory(available=[])
    dispatch = lambda: talks.dispatch(talk, membership=busy, date=next_weekday(2), slot="morning", actor=staff)  # noqa: E731
    refused(dispatch, talk, match="not available")


def test_dispatch_to_a_retired_member_leaves_the_talk_reviewed(staff):
    talk = TalkFactory(status=S.REVIEWED)
    retired = MembershipFactory(retired_on=timezone.localdate())
    dispatch = lambda: talks.dispatch(talk, membership=retired, date=next_weekday(2), slot="morning", actor=staff)  # noqa: E731
    refused(dispatch, talk, match="retired")


def test_claim_without_a_fitting_date_leaves_the_open_talk_reviewed(member):
    talk = TalkFactory(status=S.REVIEWED, is_open=True)
    membership = MembershipFactory(user=member, available=[])
    refused(lambda: talks.claim(talk, membership=membership, actor=member), talk, match="preferred dates")


@pytest.mark.parametrize(
    ("old", "new"), [(old, new) for old in S.values for new in S.values if new not in talks.TRANSITIONS[old]]
)
def test_talk_move_outside_the_table_changes_nothing(staff, old, new):
    talk = TalkFactory(status=old)
    refused(lambda: talks.transition(talk, to=new, actor=staff), talk)


# Nominations ---------------------------------------------------------------------------------------------


def test_submission_of_an_incomplete_draft_leaves_it_a_draft(nominator, unit):
    draft = NominationFactory(unit=unit, nominated_by=nominator, photos=1)
    refused(lambda: nominations.submit_nomination(draft, actor=nominator), draft, draft.campaign)


def test_submission_over_the_quota_leaves_the_draft_and_the_quotas_as_they_were(nominator, unit):
    campaign = CampaignFactory(default_quota=0)
    draft = NominationFactory(campaign=campaign, unit=unit, nominated_by=nominator)
    refused(lambda: nominations.submit_nomination(draft, actor=nominator), draft, match="quota")
    assert UnitQuota.objects.count() == 0


def test_resubmission_after_the_eligibility_check_leaves_the_nomination_returned(nominator, unit):
    campaign = CampaignFactory(stage=Stage.REVIEW)
    returned = NominationFactory(campaign=campaign, unit=unit, nominated_by=nominator, status=Status.RETURNED)
    refused(lambda: nominations.submit_nomination(returned, actor=nominator), returned, match="eligibility check")


@pytest.mark.parametrize("outcome", ["return", "reject"])
def test_eligibility_decision_without_a_reason_leaves_the_nomination_submitted(staff, outcome):
    submitted = NominationFactory(status=Status.SUBMITTED)
    check = lambda: nominations.check_eligibility(submitted, outcome=outcome, reason=" ", actor=staff)  # noqa: E731
    refused(check, submitted)


@pytest.mark.parametrize(
    ("old", "new"),
    [(old, new) for old in Status.values for new in Status.values if new not in nominations.ALLOWED_MOVES[old]],
)
def test_nomination_move_outside_the_table_changes_nothing(staff, old, new):
    nomination = NominationFactory(status=old)
    refused(lambda: nominations.move_nomination(nomination, to=new, actor=staff), nomination)


# The committee, the public notice and the joint vetting ------------------------------------------------------


@pytest.fixture
def scored(expert):
    """Three eligible nominations at the committee decision, scored 95, 90 and 70; two honorees wanted."""
    return scored_campaign(totals=[[95], [90], [70]], experts=[expert], honorees_count=2)


def test_proposal_refused_by_a_hard_rule_leaves_ranking_and_selection_as_they_were(staff, scored):
    campaign, made = scored
    RepresentationRule.objects.create(
        campaign=campaign, trait=Trait.ACADEMICIAN, bound=RepresentationRule.Bound.MIN,
        measure=RepresentationRule.Measure.COUNT, value=1,
    )  # fmt: skip
    refused(lambda: committee.accept_proposal(campaign, actor=staff), campaign, *made, match="hard rule")


def test_override_without_a_reason_leaves_the_selection(staff, scored):
    campaign, made = scored
    committee.accept_proposal(campaign, actor=staff)
    override = lambda: committee.override_selection(campaign, add=[made[2]], remove=[made[1]], reason="", actor=staff)  # noqa: E731
    refused(override, *made, match="written reason")


def test_override_leaving_the_wrong_number_leaves_the_selection(staff, scored):
    campaign, made = scored
    committee.accept_proposal(campaign, actor=staff)
    override = lambda: committee.override_selection(campaign, add=[made[2]], remove=[], reason="更出色", actor=staff)  # noqa: E731
    refused(override, *made, match="must select 2")


def test_objection_decision_without_a_reason_leaves_objection_and_candidate(staff, scored):
    campaign, made = scored
    committee.accept_proposal(campaign, actor=staff)
    Campaign.objects.filter(pk=campaign.pk).update(
        stage=Stage.NOTICE, notice_starts_on=timezone.localdate(), notice_ends_on=next_weekday(2, weeks=2)
    )
    selected = Nomination.objects.select_related("campaign").get(pk=made[0].pk)
    objection = notices.file_objection(
        selected,
        full_name="王小明",
        contact="13800000000",
        email="",
        statement="该候选人的论文存在署名争议。",
        address="203.0.113.7",
    )
    decide = lambda: notices.decide_objection(objection, upheld=True, reason="", actor=staff)  # noqa: E731
    refused(decide, objection, *made, match="reason")
    assert Objection.objects.get().status == Objection.Status.PENDING


def test_veto_without_the_bodys_reason_leaves_the_candidate_selected(staff, scored):
    campaign, made = scored
    committee.accept_proposal(campaign, actor=staff)
    body = VettingBody.objects.create(campaign=campaign, name="公安机关")
    selected = Nomination.objects.select_related("campaign").get(pk=made[0].pk)
    veto = lambda: vetting.record_result(selected, body=body, outcome="vetoed", reason=" ", actor=staff)  # noqa: E731
    refused(veto, *made, match="reason")


# Campaign stages -----------------------------------------------------------------------------------------


def _draft_without_criteria():
    campaign = CampaignFactory(stage=Stage.DRAFT)
    campaign.criteria.all().delete()
    return campaign


def _past(days=1):
    return timezone.now() - datetime.timedelta(days=days)


REFUSED_MOVES = {
    (Stage.DRAFT, Stage.OPEN): (_draft_without_criteria, "review criterion"),
    (Stage.OPEN, Stage.ELIGIBILITY): (lambda: CampaignFactory(stage=Stage.OPEN), "until the deadline"),
    (Stage.ELIGIBILITY, Stage.REVIEW): (
        lambda: (
            NominationFactory(
                campaign=CampaignFactory(stage=Stage.ELIGIBILITY, nomination_deadline=_past()), status=Status.SUBMITTED
            ).campaign
        ),
        "not been checked",
    ),
    (Stage.REVIEW, Stage.SECOND_REVIEW): (lambda: CampaignFactory(stage=Stage.REVIEW), "only one review round"),
    (Stage.REVIEW, Stage.PUBLIC_VOTE): (
        lambda: CampaignFactory(stage=Stage.REVIEW, public_vote=True, public_vote_weight=30),
        "opens and closes",
    ),
    (Stage.REVIEW, Stage.COMMITTEE): (
        lambda: CampaignFactory(stage=Stage.REVIEW, review_rounds=2),
        "second review round",
    ),
    (Stage.SECOND_REVIEW, Stage.PUBLIC_VOTE): (
        lambda: CampaignFactory(stage=Stage.SECOND_REVIEW, review_rounds=2),
        "no public vote",
    ),
    (Stage.SECOND_REVIEW, Stage.COMMITTEE): (
        lambda: CampaignFactory(stage=Stage.SECOND_REVIEW, review_rounds=2, public_vote=True, public_vote_weight=30),
        "public vote first",
    ),
    (Stage.PUBLIC_VOTE, Stage.COMMITTEE): (
        lambda: CampaignFactory(
            stage=Stage.PUBLIC_VOTE,
            public_vote=True,
            public_vote_weight=30,
            vote_opens_at=_past(),
            vote_closes_at=timezone.now() + datetime.timedelta(days=1),
        ),  # fmt: skip
        "runs until",
    ),
    (Stage.COMMITTEE, Stage.NOTICE): (lambda: CampaignFactory(stage=Stage.COMMITTEE), "must select 2"),
    (Stage.NOTICE, Stage.PUBLISHED): (
        lambda: CampaignFactory(
            stage=Stage.NOTICE, notice_starts_on=timezone.localdate(), notice_ends_on=next_weekday(2, weeks=2)
        ),
        "not ended",
    ),
}


def test_every_move_with_a_precondition_has_a_refusal_test():
    unconditional = {(Stage.NOTICE, Stage.COMMITTEE)}
    moves = {(old, new) for old, targets in ALLOWED_MOVES.items() for new in targets}
    assert moves - unconditional == set(REFUSED_MOVES)


@pytest.mark.parametrize(("old", "new"), list(REFUSED_MOVES))
def test_refused_stage_move_leaves_the_campaign_where_it_was(staff, old, new):
    make, reason = REFUSED_MOVES[(old, new)]
    campaign = make()
    assert campaign.stage == old
    refused(lambda: move_campaign(campaign, to=new, actor=staff), campaign, match=reason)


# Reviews -------------------------------------------------------------------------------------------------


@pytest.fixture
def assignment(staff, expert):
    campaign = CampaignFactory(stage=Stage.REVIEW)
    reviews.add_panel_member(campaign, expert=expert, actor=staff)
    return reviews.assign_expert(
        NominationFactory(campaign=campaign, status=Status.ELIGIBLE), expert=expert, actor=staff
    )


def test_recusal_without_a_reason_leaves_the_assignment(expert, assignment):
    refused(lambda: reviews.recuse(assignment, reason=" ", actor=expert), assignment, match="why")


def test_review_with_a_score_out_of_range_records_nothing(expert, assignment):
    scores = {criterion.pk: 101 for criterion in assignment.nomination.campaign.criteria.all()}
    submit = lambda: reviews.submit_review(assignment, scores=scores, comments={}, comment="", actor=expert)  # noqa: E731
    refused(submit, assignment)
    assert Review.objects.count() == 0
    assert Assignment.objects.get().recused_at is None


# Events, certificates, news, lecture groups -------------------------------------------------------------------


def test_waitlisted_registrant_confirming_when_full_stays_on_the_waiting_list():
    event = EventFactory(capacity=1, registration_open=True)
    AttendeeFactory(event=event, category=Attendee.Category.PUBLIC, status=Attendee.Status.CONFIRMED)
    waiting = AttendeeFactory(event=event, category=Attendee.Category.PUBLIC, status=Attendee.Status.WAITLISTED)
    refused(lambda: events.reply(waiting, status=Attendee.Status.CONFIRMED), waiting, match="full")


def test_check_in_of_a_declined_guest_leaves_them_unchecked(staff):
    declined = AttendeeFactory(status=Attendee.Status.DECLINED)
    refused(lambda: events.check_in(declined.event, code=declined.pass_code, actor=staff), declined, match="declined")


@pytest.fixture
def certificate(staff):
    return certificates.issue_one(
        template=CertificateTemplateFactory(), recipient=PersonFactory(), title="云州市最美科技工作者",
        batch_key="2026-最美", actor=staff,
    )  # fmt: skip


def test_revocation_without_a_reason_leaves_the_certificate_valid(staff, certificate):
    refused(lambda: certificates.revoke(certificate, reason=" ", actor=staff), certificate)


@pytest.mark.parametrize(
    ("reason", "texts"),
    [
        ("", {"title": "云州市最美科技工作者"}),
        ("称号有误", {"title": " "}),
        ("称号有误", {"title": "长" * 201}),
        ("推荐语有误", {"title": "云州市最美科技工作者", "citation_en": "x" * 1001}),
    ],
)
def test_refused_correction_leaves_the_certificate_valid_and_issues_nothing(staff, certificate, reason, texts):
    correct = lambda: certificates.correct_certificate(certificate, actor=staff, reason=reason, **texts)  # noqa: E731
    refused(correct, certificate)
    assert certificate.status == Certificate.Status.VALID
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (old, new)
        for old in Article.Status.values
        for new in Article.Status.values
        if new not in news.ARTICLE_MOVES[old]
    ],
)
def test_article_move_outside_the_table_changes_nothing(staff, old, new):
    article = ArticleFactory(status=old)
    refused(lambda: news._move_article(article, new, actor=staff, release_at=article.release_at), article)


def test_comment_move_outside_the_table_changes_nothing(staff):
    comment = Comment.objects.create(
        article=ArticleFactory(), name="读者", body="写得好", status=Comment.Status.PENDING
    )
    refused(lambda: news.moderate_comment(comment, status=Comment.Status.PENDING, actor=staff), comment)


def test_retirement_before_the_term_starts_leaves_the_member_active(staff):
    membership = MembershipFactory()
    retire = lambda: groups.retire_member(membership, actor=staff, retired_on=datetime.date(2020, 1, 1))  # noqa: E731
    refused(retire, membership, match="before their term starts")


def test_confirming_an_import_with_a_wrong_row_leaves_it_previewed_and_imports_nothing(staff):
    upload = SimpleUploadedFile(
        "people.csv", "姓名,性别,单位\n王芳,不详,不存在的单位\n".encode(), content_type="text/csv"
    )
    spreadsheet_import = people.start_import(actor=staff, kind="persons", upload=upload)
    refused(
        lambda: people.confirm_import(spreadsheet_import, actor=staff), spreadsheet_import, match="cannot be imported"
    )
    assert Person.objects.count() == 0
