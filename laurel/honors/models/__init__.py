"""Honor campaigns: setup, nominations, review, public notice."""

from laurel.honors.models.calls import CallAttachment
from laurel.honors.models.campaigns import (
    Campaign,
    Criterion,
    EligibilityRule,
    RepresentationRule,
    Stage,
    Trait,
    UnitQuota,
)
from laurel.honors.models.deadlines import HonorableMention, ReviewExtension
from laurel.honors.models.decisions import CommitteeDecision
from laurel.honors.models.nominations import Nomination, NominationPhoto
from laurel.honors.models.notices import Objection, ObjectionEvidence
from laurel.honors.models.reminders import ReviewReminder
from laurel.honors.models.reviews import (
    Assignment,
    AssignmentRun,
    Conflict,
    CriterionScore,
    PanelMember,
    Preference,
    Review,
)
from laurel.honors.models.vetting import VettingBody, VettingResult
from laurel.honors.models.votes import Vote

__all__ = [
    "Assignment",
    "AssignmentRun",
    "CallAttachment",
    "Campaign",
    "CommitteeDecision",
    "Conflict",
    "Criterion",
    "CriterionScore",
    "EligibilityRule",
    "HonorableMention",
    "Nomination",
    "NominationPhoto",
    "Objection",
    "ObjectionEvidence",
    "PanelMember",
    "Preference",
    "RepresentationRule",
    "Review",
    "ReviewExtension",
    "ReviewReminder",
    "Stage",
    "Trait",
    "UnitQuota",
    "VettingBody",
    "VettingResult",
    "Vote",
]
