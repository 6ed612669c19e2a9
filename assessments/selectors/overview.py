"""The assessment's own page: levels per domain and item, progress, and what blocks submission."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from capability_model.models import CapabilityItem, Criterion, Domain

from .. import answer_rules, workflow
from ..models import Answer, Assessment
from .scores import ANSWER_MODEL_ORDER, Progress, assessment_snapshot


@dataclass(frozen=True, slots=True)
class SubmissionProblem:
    criterion_code: str
    domain_code: str
    problem: str  # "unanswered" or "na_unjustified"


def submission_problems(*, assessment: Assessment) -> list[SubmissionProblem]:
    """What stands between the assessment and submission, in model order (one query)."""
    problems = []
    rows = (
        Answer.objects.filter(assessment=assessment)
        .order_by(*ANSWER_MODEL_ORDER)
        .values_list(
            "criterion__code", "criterion__item__domain__code", "criterion__level", "rating", "justification"
        )
    )
    for code, domain, level, rating, justification in rows:
        problem = answer_rules.submission_problem(
            rating=rating, justification=justification, level=level, target_level=assessment.target_level
        )
        if problem:
            problems.append(SubmissionProblem(code, domain, problem))
    return problems


def assessment_overview(*, assessment: Assessment, with_verified: bool = True) -> dict[str, Any]:
    """The assessment's summary page: levels per domain and item, progress, what blocks submission."""
    snapshot = assessment_snapshot(assessment=assessment)
    scores, overall, per_domain = snapshot.scores, snapshot.progress, snapshot.domain_progress
    if not with_verified:  # members see the consultant's ratings once the review is decided
        scores = replace(scores, verified_ratings=None, verified_score=None)
    domains = list(
        Domain.objects.filter(capability_model_id=assessment.capability_model_id)
        .prefetch_related("items")
        .order_by("order", "code")
    )
    items_by_domain = {
        d.code: [
            (
                item,
                scores.self_score.item(item.code),
                scores.verified_score.item(item.code) if scores.verified_score else None,
            )
            for item in sorted(d.items.all(), key=lambda i: i.order)
        ]
        for d in domains
    }
    problems = (
        submission_problems(assessment=assessment)
        if workflow.is_editable_by_organisation(assessment.state)
        else []
    )
    return {
        "scores": scores,
        "progress": overall,
        "domains": [
            {
                "domain": d,
                "progress": per_domain.get(d.code, Progress(0, 0)),
                "score": scores.self_score.domain(d.code),
                "verified": scores.verified_score.domain(d.code) if scores.verified_score else None,
                "items": items_by_domain[d.code],
            }
            for d in domains
        ],
        "problems": problems,
        "problems_by_domain": _problems_grouped(assessment, domains, problems),
    }


@dataclass(frozen=True, slots=True)
class ProblemGroup:
    """The problems of one domain, by item, each with its criterion (for the statement)."""

    domain: Domain
    count: int
    items: list[tuple[CapabilityItem, list[tuple[SubmissionProblem, Criterion]]]]


def _problems_grouped(
    assessment: Assessment, domains: list[Domain], problems: list[SubmissionProblem]
) -> list[ProblemGroup]:
    if not problems:
        return []
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(
            capability_model_id=assessment.capability_model_id,
            code__in=[p.criterion_code for p in problems],
        ).select_related("item")
    }
    groups = []
    for domain in domains:
        by_item: dict[int, tuple[CapabilityItem, list[tuple[SubmissionProblem, Criterion]]]] = {}
        for problem in problems:
            if problem.domain_code != domain.code:
                continue
            criterion = criteria[problem.criterion_code]
            by_item.setdefault(criterion.item_id, (criterion.item, []))[1].append((problem, criterion))
        if by_item:
            count = sum(len(rows) for _item, rows in by_item.values())
            groups.append(ProblemGroup(domain, count, list(by_item.values())))
    return groups
