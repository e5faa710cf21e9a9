import io

import pytest
from pypdf import PdfReader

from laurel.consultations import report
from laurel.consultations.models import Consultation

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_report_holds_question_method_panel_consensus_comments_and_dissent(concluded, staff):
    report.render_report(concluded, actor=staff)
    concluded.refresh_from_db()
    with concluded.report.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    text = _text(pdf).replace("\n", "").replace(" ", "")
    assert concluded.title in text
    assert "未来五年" in text  # the question
    assert "钱塘" in text and "孙澄" in text  # consenting experts are named
    for name in ("吴越", "郑和", "冯远"):
        assert name not in text  # the others are not
    assert "建设海绵城市设施" in text
    w = concluded.rounds.get().results["kendall_w"]
    assert f"{w:.3f}" in text  # Kendall's W, as the method section states it
    assert "投入大但见效快" in text  # a selected comment
    from django.utils.translation import override

    with override("zh-hans"):
        dissent = report.report_data(concluded)["dissent"]
    assert dissent[0]["note"].replace(" ", "") in text  # statement 3 has no consensus: said with its figures


def test_report_data_marks_dissent_and_consensus(concluded):
    data = report.report_data(concluded)
    assert [row["consensus"] for row in data["rows"]] == [True, True, False]
    assert [item["index"] for item in data["dissent"]] == [3]
    assert data["rows"][0]["histogram"] == [0, 0, 0, 0, 0, 0, 1, 2, 2]


def test_report_refused_before_the_rounds_conclude(staff):
    from django.core.exceptions import ValidationError

    from tests.factories.consultations import ConsultationFactory

    with pytest.raises(ValidationError):
        report.render_report(ConsultationFactory(status=Consultation.Status.IN_ROUNDS), actor=staff)


def _comments(consultation):
    from laurel.consultations.models import Rating

    return {
        rating.comment: rating for rating in Rating.objects.filter(round__consultation=consultation).exclude(comment="")
    }


def _report_comments(consultation) -> list[str]:
    return [comment for row in report.report_data(consultation)["rows"] for comment in row["comments"]]


def test_picked_comments_replace_the_automatic_choice_in_the_report_and_are_logged(concluded, staff):
    from laurel.core.models import AuditEntry

    automatic = _report_comments(concluded)
    assert "投入大但见效快" in automatic and "需要跨部门协同" in automatic  # the longest per statement
    comments = _comments(concluded)
    picked = comments["预警比工程更急"]
    assert report.pick_comments(concluded, rating_pks=[picked.pk], actor=staff) == 1
    assert _report_comments(concluded) == ["预警比工程更急"]  # only the picked one, in every statement
    entry = AuditEntry.objects.get(action="consultations.report.comments_picked")
    assert entry.data == {"ratings": [picked.pk], "automatic": False}
    report.render_report(concluded, actor=staff)
    concluded.refresh_from_db()
    with concluded.report.open("rb") as handle:
        text = _text(handle.read()).replace("\n", "").replace(" ", "")
    selected = text.split("专家意见摘录")[1].split("不同意见")[0]  # the dissent keeps its own comments
    assert "预警比工程更急" in selected and "投入大但见效快" not in selected
    # An empty choice goes back to the automatic one.
    report.pick_comments(concluded, rating_pks=[], actor=staff)
    assert _report_comments(concluded) == automatic


def test_picking_refuses_foreign_comments_too_many_and_the_wrong_state(concluded, staff):
    from django.core.exceptions import ValidationError

    from laurel.consultations import delphi
    from laurel.consultations.models import Rating
    from tests.factories.consultations import ConsultationFactory, open_round, seat_for, statements

    other = ConsultationFactory()
    foreign = delphi.rate(
        seat_for(other, email="elsewhere@example.org"), delphi_round=open_round(other),
        statement=statements(other, 1)[0], importance=5, feasibility=5, comment="别处的意见", actor=None,
    )  # fmt: skip
    silent = Rating.objects.filter(round__consultation=concluded, comment="").first()
    mine = _comments(concluded)["投入大但见效快"]
    for wrong in ([foreign.pk], [silent.pk], [mine.pk, 10**8]):
        with pytest.raises(ValidationError) as caught:
            report.pick_comments(concluded, rating_pks=wrong, actor=staff)
        assert caught.value.code == "unknown_comment"
    assert not Rating.objects.filter(in_report=True).exists()  # nothing half-written
    Rating.objects.filter(pk=mine.pk).update(in_report=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report, "MAX_PICKED_PER_STATEMENT", 0)  # every seat rated once: the cap checked at 0
        with pytest.raises(ValidationError) as caught:
            report.pick_comments(concluded, rating_pks=[mine.pk], actor=staff)
    assert caught.value.code == "too_many"
    assert Rating.objects.get(pk=mine.pk).in_report  # the earlier choice stands
    Consultation.objects.filter(pk=concluded.pk).update(status=Consultation.Status.DELIVERED)
    concluded.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        report.pick_comments(concluded, rating_pks=[], actor=staff)
    assert caught.value.code == "wrong_state"
    assert Rating.objects.get(pk=mine.pk).in_report
