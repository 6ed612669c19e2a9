"""The dashboard and the consultant's review queue: assessments with their progress and official levels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from capability_model import scoring
from capability_model.models import CapabilityModel
from capability_model.selectors import model_spec_for_locked

from .. import workflow
from ..access import AnyUser, OrganisationAccess, organisation_access, organisations_for_user
from ..models import Assessment, ConsultantAssignment
from .scores import Progress, answer_rows_for, snapshot_from_rows

DASHBOARD_CACHE_SECONDS = 7 * 24 * 60 * 60
DASHBOARD_REVIEW_PER_PAGE = 10  # the oldest; the review queue page lists them all
DASHBOARD_ORGANISATIONS_PER_PAGE = 10
REVIEW_QUEUE_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class DashboardRow:
    assessment: Assessment
    progress: Progress
    score: scoring.ModelScore  # the official result, overall and per domain (without items)


@dataclass(frozen=True, slots=True)
class OrganisationSection:
    access: OrganisationAccess
    rows: list[DashboardRow]


@dataclass(frozen=True, slots=True)
class Dashboard:
    review: Page[DashboardRow]  # assessments awaiting the user's review (consultants), oldest first
    organisations: Page[OrganisationSection]  # the user's organisations by name, newest assessments first


def _headline(score: scoring.ModelScore) -> scoring.ModelScore:
    """The overall and domain levels without the items: what a row shows, a tenth of the size to cache."""
    return scoring.ModelScore(
        score.level,
        score.index,
        tuple(scoring.DomainScore(d.code, d.level, d.index, ()) for d in score.domains),
    )


def _row_key(assessment: Assessment) -> str:
    # The revision names the state of the answers; the target level and model decide what they score.
    return (
        f"dashboard-row:{assessment.pk}:{assessment.capability_model_id}:{assessment.target_level}:"
        f"{assessment.revision}:{assessment.state}"
    )


def dashboard_rows(assessments: list[Assessment]) -> list[DashboardRow]:
    """Progress and official levels per assessment, from the cache where the answers have not changed.

    A consultant's page of twenty assessments would otherwise read and score some 5,000 answers on every
    visit; with the cache it reads none: the assessment's revision names the state of its answers.
    """
    keys = {a.pk: _row_key(a) for a in assessments}
    cached: dict[str, tuple[Progress, scoring.ModelScore]] = (
        cache.get_many(list(keys.values())) if keys else {}
    )
    missing = [a for a in assessments if keys[a.pk] not in cached]
    if missing:
        models = CapabilityModel.objects.in_bulk({a.capability_model_id for a in missing})
        specs = {pk: model_spec_for_locked(model=model) for pk, model in models.items()}
        rows = answer_rows_for(a.pk for a in missing)
        fresh = {}
        for assessment in missing:
            spec = specs[assessment.capability_model_id]
            snapshot = snapshot_from_rows(spec, rows[assessment.pk], assessment.target_level)
            # The verified result becomes everyone's once the consultant has decided (returned or approved).
            decided = workflow.is_decided(assessment.state)
            shown = snapshot.scores.official if decided else snapshot.scores.self_score
            fresh[keys[assessment.pk]] = (snapshot.progress, _headline(shown))
        cache.set_many(fresh, timeout=DASHBOARD_CACHE_SECONDS)
        cached.update(fresh)
    return [DashboardRow(a, *cached[keys[a.pk]]) for a in assessments]


def awaiting_review(*, user: AnyUser) -> QuerySet[Assessment]:
    """The assessments awaiting the consultant's review (submitted or in review), oldest first."""
    return (
        Assessment.objects.filter(
            organisation__in=ConsultantAssignment.objects.filter(consultant=user.pk).values("organisation"),
            state__in=[state.value for state in workflow.AWAITING_REVIEW],
        )
        .select_related("organisation")
        .order_by("submitted_at", "created_at", "pk")
    )


def _rows_page(queryset: QuerySet[Assessment], per_page: int, number: Any) -> Page[DashboardRow]:
    """One page of the queryset as dashboard rows: only the page's assessments are scored."""
    page: Page[Any] = Paginator(queryset, per_page).get_page(number)
    page.object_list = dashboard_rows(list(page.object_list))
    return page


def review_queue_page(*, user: AnyUser, page: Any = None) -> Page[DashboardRow]:
    """One page of the review queue; a constant number of queries whatever its length."""
    return _rows_page(awaiting_review(user=user), REVIEW_QUEUE_PER_PAGE, page)


def dashboard_for_user(*, user: AnyUser, review_page: Any = None, page: Any = None) -> Dashboard:
    """The dashboard, paginated twice: the review rows, and the organisations with their assessments; a
    constant number of queries whatever the number of assessments."""
    organisations: Page[Any] = Paginator(
        organisations_for_user(user=user), DASHBOARD_ORGANISATIONS_PER_PAGE
    ).get_page(page)
    accesses = [organisation_access(organisation) for organisation in organisations.object_list]
    by_id = {access.organisation.pk: access.organisation for access in accesses}
    assessments = list(Assessment.objects.filter(organisation__in=list(by_id)).order_by("-created_at", "-pk"))
    for assessment in assessments:  # what select_related would attach, without reading them again
        assessment.organisation = by_id[assessment.organisation_id]
    rows = dashboard_rows(assessments)
    organisations.object_list = [
        OrganisationSection(
            access, [r for r in rows if r.assessment.organisation_id == access.organisation.pk]
        )
        for access in accesses
    ]
    return Dashboard(
        review=_rows_page(awaiting_review(user=user), DASHBOARD_REVIEW_PER_PAGE, review_page),
        organisations=organisations,
    )
