"""The adapter from the database to the scoring service: right input, constant queries."""

from __future__ import annotations

from typing import Any

import pytest

from assessments.models import Answer
from assessments.selectors import assessment_scores
from capability_model.models import CapabilityModel
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def _answer(assessment: Any, model: CapabilityModel, codes: list[str], **fields: str) -> None:
    for criterion in model.criteria.filter(code__in=codes):
        Answer.objects.create(assessment=assessment, criterion=criterion, **fields)


def test_self_and_verified_scores(shipped_model: CapabilityModel) -> None:
    assessment = AssessmentFactory.create(capability_model=shipped_model)
    level1 = list(shipped_model.criteria.filter(item__code="SP1", level=1).values_list("code", flat=True))
    _answer(assessment, shipped_model, level1, rating="F")
    scores = assessment_scores(assessment=assessment)
    assert scores.self_score.item("SP1").level == 1
    assert scores.verified_score is None
    assert scores.official is scores.self_score

    reviewed = Answer.objects.get(assessment=assessment, criterion__code=level1[0])
    reviewed.verified_rating = "P"
    reviewed.save()
    scores = assessment_scores(assessment=assessment)
    assert scores.verified_score is not None
    assert scores.verified_score.item("SP1").level == 0  # the consultant's P outweighs the self-assessed F
    assert scores.self_score.item("SP1").level == 1
    assert scores.verified_ratings is not None
    assert scores.verified_ratings[level1[1]] == "F"  # left unverified = accepted
    assert scores.official is scores.verified_score


def test_query_count_does_not_grow_with_answers(
    shipped_model: CapabilityModel, django_assert_num_queries: Any
) -> None:
    small = AssessmentFactory.create(capability_model=shipped_model)
    _answer(small, shipped_model, ["SP1-1-01"], rating="F")
    large = AssessmentFactory.create(capability_model=shipped_model)
    _answer(large, shipped_model, list(shipped_model.criteria.values_list("code", flat=True)), rating="L")
    for assessment in (small, large):
        assessment = type(assessment).objects.select_related("capability_model").get(pk=assessment.pk)
        assessment_scores(assessment=assessment)  # the version's spec is built once, then cached
        with django_assert_num_queries(1):
            assessment_scores(assessment=assessment)
