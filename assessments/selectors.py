"""Reads of assessments. ``assessment_scores`` is the adapter every page and report uses for levels."""

from __future__ import annotations

from dataclasses import dataclass

from capability_model import scoring
from capability_model.selectors import model_spec_build

from .models import Answer, Assessment


@dataclass(frozen=True, slots=True)
class AssessmentScores:
    """Self-assessed and (once a consultant has reviewed anything) verified results of one assessment."""

    spec: scoring.ModelSpec
    self_ratings: dict[str, scoring.Rating]
    self_score: scoring.ModelScore
    verified_ratings: dict[str, scoring.Rating] | None
    verified_score: scoring.ModelScore | None

    @property
    def official(self) -> scoring.ModelScore:
        """Once reviewed, the verified result is the official one (DESIGN.md §2)."""
        return self.verified_score or self.self_score


def assessment_ratings(
    *, assessment: Assessment
) -> tuple[dict[str, scoring.Rating], dict[str, scoring.Rating] | None]:
    """Self ratings and verified ratings (None before any review), in one query.

    A criterion the consultant left without a verified rating keeps its self rating in the verified set:
    leaving it is accepting it.
    """
    rows = Answer.objects.filter(assessment=assessment).values_list(
        "criterion__code", "rating", "verified_rating"
    )
    self_ratings: dict[str, scoring.Rating] = {}
    verified: dict[str, scoring.Rating] = {}
    reviewed = False
    for code, rating, verified_rating in rows:
        if rating:
            self_ratings[code] = scoring.Rating(rating)
        if verified_rating:
            reviewed = True
            verified[code] = scoring.Rating(verified_rating)
        elif rating:
            verified[code] = scoring.Rating(rating)
    return self_ratings, (verified if reviewed else None)


def assessment_scores(*, assessment: Assessment) -> AssessmentScores:
    """Levels and indices of an assessment, from its own model version; two queries whatever its size."""
    spec = model_spec_build(model=assessment.capability_model)
    self_ratings, verified_ratings = assessment_ratings(assessment=assessment)
    return AssessmentScores(
        spec=spec,
        self_ratings=self_ratings,
        self_score=scoring.score(spec, self_ratings),
        verified_ratings=verified_ratings,
        verified_score=None if verified_ratings is None else scoring.score(spec, verified_ratings),
    )
