"""Reads of the API: every queryset starts from the access functions of ``assessments.access``, so a
request sees exactly what its user sees in the browser, and another organisation's rows answer 404.

Levels come from ``assessments.selectors`` (the scoring service), as on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.access import (
    MAX_ID,
    AnyUser,
    AssessmentAccess,
    OrganisationAccess,
    assessment_get_for_user,
    organisation_access,
    organisations_for_user,
)
from assessments.models import Answer, Assessment, Evidence
from assessments.selectors import (
    ANSWER_MODEL_ORDER,
    AssessmentSnapshot,
    answer_rows_for,
    assessment_snapshot,
    snapshot_from_rows,
)
from capability_model.models import CapabilityModel
from capability_model.selectors import model_spec_for_locked

from .models import PersonalAccessToken


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """One assessment as the API shows it: what the user may do with it, and its scores."""

    access: AssessmentAccess
    snapshot: AssessmentSnapshot

    @property
    def assessment(self) -> Assessment:
        return self.access.assessment


@dataclass(frozen=True, slots=True)
class AssessmentFilters:
    states: Sequence[str] = ()
    organisation: int | None = None
    created_after: date | None = None
    created_before: date | None = None
    updated_after: date | None = None


def organisation_accesses_for_user(*, user: AnyUser) -> dict[int, OrganisationAccess]:
    """The user's organisations with their role in each, by id (one query)."""
    return {o.pk: organisation_access(o) for o in organisations_for_user(user=user)}


def assessments_for_user(
    *, accesses: dict[int, OrganisationAccess], filters: AssessmentFilters
) -> QuerySet[Assessment]:
    """The assessments of the organisations the user may see, newest first, filtered."""
    queryset = Assessment.objects.filter(organisation_id__in=list(accesses)).select_related(
        "capability_model"
    )
    if filters.states:
        queryset = queryset.filter(state__in=list(filters.states))
    if filters.organisation is not None:
        queryset = queryset.filter(organisation_id=filters.organisation)
    if filters.created_after is not None:
        queryset = queryset.filter(created_at__date__gte=filters.created_after)
    if filters.created_before is not None:
        queryset = queryset.filter(created_at__date__lte=filters.created_before)
    if filters.updated_after is not None:
        queryset = queryset.filter(updated_at__date__gte=filters.updated_after)
    return queryset.order_by("-created_at", "-pk")


def assessment_results(
    *, assessments: Sequence[Assessment], accesses: dict[int, OrganisationAccess]
) -> list[AssessmentResult]:
    """Scores of a page of assessments: one query for all their answers (the specs are cached)."""
    rows = answer_rows_for(a.pk for a in assessments)
    results = []
    for assessment in assessments:
        organisation = accesses[assessment.organisation_id]
        assessment.organisation = organisation.organisation  # already read: no query per row
        model: CapabilityModel = assessment.capability_model
        snapshot = snapshot_from_rows(
            model_spec_for_locked(model=model), rows[assessment.pk], assessment.target_level
        )
        results.append(AssessmentResult(AssessmentAccess(assessment, organisation), snapshot))
    return results


def assessment_result_for_user(*, user: AnyUser, pk: int) -> AssessmentResult:
    """One assessment with its scores; 404 when the user may not see it."""
    access = assessment_get_for_user(user=user, pk=pk)
    return AssessmentResult(access, assessment_snapshot(assessment=access.assessment))


def answers_for_assessment(*, access: AssessmentAccess, domain: str | None = None) -> QuerySet[Answer]:
    """The assessment's answers in the model's order with their criterion and evidence (three queries)."""
    queryset = (
        Answer.objects.filter(assessment=access.assessment)
        .select_related("criterion__item__domain")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.only(
                    "pk", "answer_id", "original_name", "content_type", "size", "uploaded_at"
                ),
            )
        )
        .order_by(*ANSWER_MODEL_ORDER)
    )
    if domain:
        queryset = queryset.filter(criterion__item__domain__code=domain)
    return queryset


def tokens_for_user(*, user: Any) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=user.pk)


def token_get_for_user(*, user: Any, pk: int) -> PersonalAccessToken:
    """One of the user's own tokens; 404 for anyone else's."""
    if not 0 < pk <= MAX_ID:
        raise Http404
    return get_object_or_404(PersonalAccessToken, user=user.pk, pk=pk)
