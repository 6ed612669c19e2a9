"""The organisation fixtures of the assessments tests, shared with the improvement loop's tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services as assessment_services
from assessments.access import assessment_get_for_user
from assessments.models import Assessment
from improvement import services
from improvement.access import action_plan_get_for_user
from tests.assessments import conftest as assessment_fixtures
from tests.assessments.conftest import Org, record
from tests.reports.conftest import answer_levels, approve

org = assessment_fixtures.org
other_org = assessment_fixtures.other_org
assessment = assessment_fixtures.assessment
unassigned_consultant = assessment_fixtures.unassigned_consultant


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved(org: Org, assessment: Assessment) -> Assessment:
    """Level 1 fully achieved with evidence for one criterion, level 2 partly; a plan of two actions, one
    done; then approved by the consultant."""
    answer_levels(assessment, org.manager, up_to=1)
    record(assessment, org.manager, "SP1-2-01", "P", comment="needs work")
    assessment_services.evidence_attach(
        access=assessment_get_for_user(user=org.manager, pk=assessment.pk),
        criterion_code="SP1-1-01",
        upload=SimpleUploadedFile("policy.txt", "客服战略目标 2026".encode()),
        user=org.manager,
    )
    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    lift = services.action_create(
        access=access, user=org.manager, data=services.ActionInput(title="Lift SP1", criteria="SP1-2-01")
    )
    services.action_evidence_attach(
        access=access,
        action=lift,
        upload=SimpleUploadedFile("training.txt", b"trained 40 agents"),
        user=org.manager,
    )
    services.action_create(
        access=access,
        user=org.manager,
        data=services.ActionInput(title="Already done", criteria="SP1-2-02", status="done"),
    )
    return approve(assessment, org, {"SP1-1-02": ("F", "seen")})
