"""The campaign's stages as a stepper: the stages this campaign goes through (a second review round and a public
vote only where it has them), the current one marked, and each stage's dates as the campaign's setup gives them.
Staff see the draft stage too; the public's pages start at the call."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from laurel.honors.models import Campaign, Stage

ORDER = list(Stage)


@dataclass(frozen=True)
class Step:
    stage: Stage
    state: str  # "done", "current" or "next": a CSS class and what screen readers hear
    starts: datetime.date | None = None
    ends: datetime.date | None = None
    on: datetime.date | None = None  # a stage that happens on one day (the publication)

    @property
    def label(self) -> str:
        return self.stage.label


def _day(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    return timezone.localdate(value)


def _dates(campaign: Campaign, stage: Stage) -> tuple[datetime.date | None, datetime.date | None]:
    """(start, end) of a stage where the campaign's setup fixes them; None where it does not."""
    match stage:
        case Stage.OPEN:
            return _day(campaign.nomination_opens_at), _day(campaign.nomination_deadline)
        case Stage.ELIGIBILITY:
            return _day(campaign.nomination_deadline), None
        case Stage.REVIEW:
            return None, _day(campaign.review_deadline)
        case Stage.PUBLIC_VOTE:
            return _day(campaign.vote_opens_at), _day(campaign.vote_closes_at)
        case Stage.NOTICE:
            return campaign.notice_starts_on, campaign.notice_ends_on
    return None, None


def stages_of(campaign: Campaign, *, staff: bool) -> list[Stage]:
    def applies(stage: Stage) -> bool:
        if stage == Stage.DRAFT:
            return staff
        if stage == Stage.SECOND_REVIEW:
            return campaign.review_rounds == 2
        if stage == Stage.PUBLIC_VOTE:
            return campaign.public_vote
        return True

    return [stage for stage in ORDER if applies(stage)]


def steps(campaign: Campaign, *, staff: bool) -> list[Step]:
    current = ORDER.index(Stage(campaign.stage))
    result = []
    for stage in stages_of(campaign, staff=staff):
        position = ORDER.index(stage)
        state = "done" if position < current else "current" if position == current else "next"
        if stage == Stage.PUBLISHED:
            result.append(Step(stage, state, on=_day(campaign.published_at)))
        else:
            starts, ends = _dates(campaign, stage)
            result.append(Step(stage, state, starts, ends))
    return result
