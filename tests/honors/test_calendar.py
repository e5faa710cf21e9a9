import datetime

import pytest

from laurel.honors.calendar import is_working_day, notice_end

MONDAY = datetime.date(2024, 5, 6)


def test_five_working_days_from_a_monday_end_on_friday():
    assert notice_end(MONDAY, 5) == datetime.date(2024, 5, 10)


def test_weekend_is_skipped():
    assert notice_end(datetime.date(2024, 5, 9), 5) == datetime.date(2024, 5, 15)


def test_a_start_on_saturday_counts_from_monday():
    assert notice_end(datetime.date(2024, 5, 4), 1) == MONDAY


def test_holidays_are_skipped_and_makeup_days_count():
    holidays = {datetime.date(2024, 5, 1), datetime.date(2024, 5, 2), datetime.date(2024, 5, 3)}
    makeup = {datetime.date(2024, 5, 11)}
    assert notice_end(datetime.date(2024, 4, 30), 2, holidays=holidays, makeup=makeup) == MONDAY
    assert is_working_day(datetime.date(2024, 5, 11), holidays, makeup)
    assert notice_end(datetime.date(2024, 5, 9), 3, holidays=holidays, makeup=makeup) == datetime.date(2024, 5, 11)


def test_zero_days_is_refused():
    with pytest.raises(ValueError):
        notice_end(MONDAY, 0)
