"""Honor campaigns: setup, nominations, review, public notice."""

from laurel.honors.models.campaigns import (
    Campaign,
    Criterion,
    EligibilityRule,
    RepresentationRule,
    Stage,
    Trait,
    UnitQuota,
)
from laurel.honors.models.nominations import Nomination, NominationPhoto
from laurel.honors.models.notices import Objection, ObjectionEvidence
from laurel.honors.models.reviews import Assignment, Conflict, CriterionScore, PanelMember, Review

__all__ = [
    "Assignment",
    "Campaign",
    "Conflict",
    "Criterion",
    "CriterionScore",
    "EligibilityRule",
    "Nomination",
    "NominationPhoto",
    "Objection",
    "ObjectionEvidence",
    "PanelMember",
    "RepresentationRule",
    "Review",
    "Stage",
    "Trait",
    "UnitQuota",
]
