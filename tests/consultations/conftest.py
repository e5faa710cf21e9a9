import pytest
from django.utils import timezone

from laurel.consultations import delphi
from laurel.consultations.models import Seat
from tests.factories.consultations import ConsultationFactory, open_round, seat_for, statements


@pytest.fixture
def concluded(staff):
    """A consultation concluded after one round: five experts (two agreed to be named), three statements."""
    consultation = ConsultationFactory()
    seats = [
        seat_for(consultation, field=field, email=f"panel{index}@example.org")
        for index, field in enumerate(["水文水资源", "城市规划", "排水工程", "城市规划", "应急管理"])
    ]
    names = ["钱塘", "孙澄", "吴越", "郑和", "冯远"]
    for seat, name in zip(seats, names, strict=True):
        seat.person.name = name
        seat.person.save(update_fields=["name"])
    Seat.objects.filter(pk__in=[seats[0].pk, seats[1].pk]).update(may_be_named=True)
    consultation.max_rounds = 1
    consultation.save(update_fields=["max_rounds"])
    delphi_round = open_round(consultation)
    statement_list = statements(consultation, 3)
    values = [[8, 9, 2], [9, 8, 8], [8, 8, 9], [7, 9, 3], [9, 8, 8]]
    comments = ["投入大但见效快", "", "需要跨部门协同", "", "预警比工程更急"]
    for seat, row, comment in zip(seats, values, comments, strict=True):
        for statement, value in zip(statement_list, row, strict=True):
            delphi.rate(
                seat, delphi_round=delphi_round, statement=statement, importance=value, feasibility=6,
                comment=comment if value <= 3 or statement == statement_list[0] else "", actor=None,
            )  # fmt: skip
    delphi.close_round(delphi_round, actor=staff)
    consultation.refresh_from_db()
    assert consultation.stop_reason == "limit"
    consultation.today = timezone.localdate()
    return consultation
