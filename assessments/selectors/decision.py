"""What the consultant's decision will do: the approval's preview and the levels a review lowers."""

from __future__ import annotations

from dataclasses import dataclass

from capability_model import scoring

from ..models import Answer, Assessment
from .scores import assessment_snapshot


@dataclass(frozen=True, slots=True)
class LevelChange:
    """A domain (or the whole assessment, code "") whose verified level differs from the self-assessed."""

    code: str
    self_level: int | None
    verified_level: int | None

    @property
    def lowered(self) -> bool:
        return (self.verified_level or 0) < (self.self_level or 0)


@dataclass(frozen=True, slots=True)
class ApprovalPreview:
    accepted_as_self: (
        int  # answered criteria the consultant left alone: approval verifies them as self-assessed
    )
    confirmed: int  # verified with the self rating
    differ: int  # verified with another rating
    verified: scoring.ModelScore  # the official result once approved
    self_score: scoring.ModelScore
    changes: list[LevelChange]  # domains whose level the review moves, then the overall level if it moves

    @property
    def domain_rows(self) -> list[tuple[scoring.DomainScore, scoring.DomainScore, bool]]:
        """Per domain: self-assessed, verified once approved, and whether the review lowers its level."""
        return [
            (
                own,
                self.verified.domain(own.code),
                (self.verified.domain(own.code).level or 0) < (own.level or 0),
            )
            for own in self.self_score.domains
        ]


def level_changes(self_score: scoring.ModelScore, verified: scoring.ModelScore) -> list[LevelChange]:
    changes = [
        LevelChange(own.code, own.level, verified.domain(own.code).level)
        for own in self_score.domains
        if own.level != verified.domain(own.code).level
    ]
    if self_score.level != verified.level:
        changes.append(LevelChange("", self_score.level, verified.level))
    return changes


def approval_preview(*, assessment: Assessment) -> ApprovalPreview:
    """The record approval would make final (``services.assessment_approve``): criteria without a verified
    rating take their self rating; two queries."""
    scores = assessment_snapshot(assessment=assessment).scores
    accepted = confirmed = differ = 0
    for rating, verified_rating in Answer.objects.filter(assessment=assessment).values_list(
        "rating", "verified_rating"
    ):
        if not verified_rating:
            accepted += bool(rating)
        elif verified_rating == rating:
            confirmed += 1
        else:
            differ += 1
    verified = scores.verified_score or scores.self_score
    return ApprovalPreview(
        accepted_as_self=accepted,
        confirmed=confirmed,
        differ=differ,
        verified=verified,
        self_score=scores.self_score,
        changes=level_changes(scores.self_score, verified),
    )
