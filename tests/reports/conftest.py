"""An assessment that went the whole way: answered, reviewed with comments, approved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Assessment
from capability_model.models import CapabilityModel, Criterion
from tests.assessments import conftest as assessment_fixtures
from tests.assessments.conftest import Org, record, set_state

# The organisation fixtures of the assessments tests, shared with these.
org = assessment_fixtures.org
other_org = assessment_fixtures.other_org
assessment = assessment_fixtures.assessment

HOSTILE_COMMENT = (
    '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://127.0.0.1:1/x.css"> '
    '<a href="http://127.0.0.1:1/">click</a>'
)


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    """Cached PDFs are files: each test gets its own media folder, so no test is served another's file."""
    settings.MEDIA_ROOT = tmp_path / "media"


def answer_levels(assessment: Assessment, user: object, *, up_to: int, rating: str = "F") -> None:
    """Rates every criterion of levels 1 … ``up_to`` through the service, as a user would."""
    codes = Criterion.objects.filter(
        capability_model=assessment.capability_model, level__lte=up_to
    ).values_list("code", flat=True)
    for code in codes:
        record(assessment, user, code, rating)  # type: ignore[arg-type]


def approve(assessment: Assessment, org: Org, verified: dict[str, tuple[str, str]]) -> Assessment:
    """Reviews (criterion code → verified rating, comment) and approves, through the services."""
    set_state(assessment, "submitted")
    access = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    services.assessment_start_review(access=access, user=org.consultant)
    access = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    for code, (rating, comment) in verified.items():
        services.review_record(
            access=access,
            criterion_code=code,
            data=services.ReviewInput(verified_rating=rating, review_comment=comment),
            user=org.consultant,
        )
    services.assessment_approve(access=access, user=org.consultant, note="Verified on site.")
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def approved(org: Org, assessment: Assessment, shipped_model: CapabilityModel) -> Assessment:
    """Levels 1–2 fully achieved by self-assessment; the consultant lowers two SP1 criteria (with a hostile
    comment from the manager on one of them), so the verified result differs from the self-assessed one."""
    answer_levels(assessment, org.manager, up_to=2)
    record(assessment, org.manager, "SP1-1-01", "F", comment=HOSTILE_COMMENT)
    return approve(
        assessment,
        org,
        {"SP1-1-01": ("L", "现场抽查证据不足 <b>evidence thin</b>"), "SP1-2-01": ("P", "No minutes kept.")},
    )
