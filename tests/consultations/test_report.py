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
