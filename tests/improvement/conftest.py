"""The organisation fixtures of the assessments tests, shared with the improvement loop's tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.assessments import conftest as assessment_fixtures

org = assessment_fixtures.org
other_org = assessment_fixtures.other_org
assessment = assessment_fixtures.assessment
unassigned_consultant = assessment_fixtures.unassigned_consultant


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
