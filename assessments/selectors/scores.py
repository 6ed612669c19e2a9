"""Levels, indices and progress of assessments: the adapter from answers to ``capability_model.scoring``.

Every page, report and API reads levels through ``assessment_snapshot`` (or ``snapshots_for`` for many
assessments at once); the rows they score are built in one place, ``answer_rows_for``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from capability_model import scoring
from capability_model.selectors import model_spec_for_locked

from ..models import Answer, Assessment


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


# By value: a dictionary lookup, where calling the enum costs ten times as much on every row of every page.
_RATINGS = {rating.value: rating for rating in scoring.Rating}


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int
    required: int

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else round(100 * self.answered / self.required)

    @property
    def complete(self) -> bool:
        return self.answered >= self.required


# Answers in the order the model presents its criteria: domain, item, level, then the criterion's place.
ANSWER_MODEL_ORDER = (
    "criterion__item__domain__order",
    "criterion__item__order",
    "criterion__item__code",
    "criterion__level",
    "criterion__order",
)

# One row per answer, as every summary needs it: (criterion code, domain code, level, rating,
# verified rating).
AnswerRow = tuple[str, str, int, str, str]
_ANSWER_ROW_FIELDS = (
    "criterion__code",
    "criterion__item__domain__code",
    "criterion__level",
    "rating",
    "verified_rating",
)


def answer_row(answer: Answer) -> AnswerRow:
    """The same row from an answer already loaded with its criterion, item and domain."""
    criterion = answer.criterion
    return (
        criterion.code,
        criterion.item.domain.code,
        criterion.level,
        answer.rating,
        answer.verified_rating,
    )


def answer_rows_for(assessment_ids: Iterable[int]) -> dict[int, list[AnswerRow]]:
    """The scoring rows of each assessment (one query for all of them)."""
    rows: dict[int, list[AnswerRow]] = {pk: [] for pk in assessment_ids}
    if rows:
        for assessment_id, *row in Answer.objects.filter(assessment_id__in=list(rows)).values_list(
            "assessment_id", *_ANSWER_ROW_FIELDS
        ):
            rows[assessment_id].append((row[0], row[1], row[2], row[3], row[4]))
    return rows


@dataclass(frozen=True, slots=True)
class AssessmentSnapshot:
    """Scores and progress of one assessment, derived from one read of its answers."""

    scores: AssessmentScores
    progress: Progress
    domain_progress: dict[str, Progress]


def snapshot_from_rows(
    spec: scoring.ModelSpec, rows: list[AnswerRow], target_level: int
) -> AssessmentSnapshot:
    """Scores and progress in one pass over the rows (every page and autosave runs it).

    Self and verified ratings: the verified set is None before any review, and a criterion the consultant
    left without a verified rating keeps its self rating there (leaving it is accepting it). Progress:
    answered / required, overall and per domain, where required are the criteria up to the target level.
    """
    self_ratings: dict[str, scoring.Rating] = {}
    verified_only: dict[str, scoring.Rating] = {}
    totals: dict[str, list[int]] = {}
    for code, domain, level, rating, verified_rating in rows:
        if rating:
            self_ratings[code] = _RATINGS[rating]
        if verified_rating:
            verified_only[code] = _RATINGS[verified_rating]
        if level <= target_level:
            counts = totals.get(domain)
            if counts is None:
                counts = totals[domain] = [0, 0]
            counts[1] += 1
            if rating:
                counts[0] += 1
    verified = {**self_ratings, **verified_only} if verified_only else None
    per_domain = {domain: Progress(answered, required) for domain, (answered, required) in totals.items()}
    overall = Progress(sum(a for a, _ in totals.values()), sum(r for _, r in totals.values()))
    scores = AssessmentScores(
        spec=spec,
        self_ratings=self_ratings,
        self_score=scoring.score(spec, self_ratings),
        verified_ratings=verified,
        verified_score=None if verified is None else scoring.score(spec, verified),
    )
    return AssessmentSnapshot(scores, overall, per_domain)


def assessment_snapshot(*, assessment: Assessment) -> AssessmentSnapshot:
    """Levels, indices and progress of an assessment, from its own model version; one query (plus two
    the first time a process meets the version: ``model_spec_for_locked`` caches its spec)."""
    spec = model_spec_for_locked(model=assessment.capability_model)
    return snapshot_from_rows(spec, answer_rows_for([assessment.pk])[assessment.pk], assessment.target_level)


def assessment_scores(*, assessment: Assessment) -> AssessmentScores:
    """Self-assessed and verified levels and indices; one query whatever the assessment's size."""
    return assessment_snapshot(assessment=assessment).scores
