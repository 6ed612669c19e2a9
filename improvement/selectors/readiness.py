"""The facts the readiness verdict is decided from, read in four queries."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone

from assessments import workflow
from assessments.models import Assessment, Evidence
from assessments.selectors import assessment_scores

from ..models import OPEN_STATUSES, Action
from ..readiness import LevelVerdict, ReadinessFacts, readiness
from .actions import ratings_for


def readiness_facts(*, assessment: Assessment, today: date, with_verified: bool) -> ReadinessFacts:
    scores = assessment_scores(assessment=assessment)
    evidence: dict[str, list[date]] = {}
    for code, uploaded_at in Evidence.objects.filter(answer__assessment=assessment).values_list(
        "answer__criterion__code", "uploaded_at"
    ):
        evidence.setdefault(code, []).append(timezone.localdate(uploaded_at))
    open_criteria = frozenset(
        Action.criteria.through.objects.filter(
            action__assessment=assessment, action__status__in=OPEN_STATUSES
        ).values_list("criterion__code", flat=True)
    )
    return ReadinessFacts(
        model=scores.spec,
        ratings=ratings_for(scores, with_verified=with_verified),
        approved=assessment.state == workflow.State.APPROVED,
        evidence_dates=evidence,
        open_action_criteria=open_criteria,
        today=today,
        max_evidence_age_days=settings.READINESS_EVIDENCE_MAX_AGE_DAYS,
    )


def readiness_for(*, assessment: Assessment, today: date, with_verified: bool) -> tuple[LevelVerdict, ...]:
    """The verdict for every level 1–5 of the assessment as it stands, on the ratings the reader may see
    (``with_verified``: ``AssessmentAccess.can_see_verified``)."""
    return readiness(readiness_facts(assessment=assessment, today=today, with_verified=with_verified))
