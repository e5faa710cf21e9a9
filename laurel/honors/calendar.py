"""Working days: weekends and the campaign's holidays are off, its make-up working days are on."""

import datetime
from collections.abc import Collection


def is_working_day(day: datetime.date, holidays: Collection[datetime.date], makeup: Collection[datetime.date]) -> bool:
    if day in makeup:
        return True
    return day.weekday() < 5 and day not in holidays


def notice_end(
    start: datetime.date,
    working_days: int,
    *,
    holidays: Collection[datetime.date] = (),
    makeup: Collection[datetime.date] = (),
) -> datetime.date:
    """The last day of a notice of `working_days` working days that starts on `start` (counted if working)."""
    if working_days < 1:
        raise ValueError("a notice lasts at least one working day")
    day = start
    counted = 0
    while True:
        if is_working_day(day, holidays, makeup):
            counted += 1
            if counted == working_days:
                return day
        day += datetime.timedelta(days=1)
