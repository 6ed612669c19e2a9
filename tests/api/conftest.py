"""API fixtures: a token for any user, and a client that sends it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from api.services import token_create
from tests.assessments import conftest as assessment_fixtures
from tests.benchmark import conftest as benchmark_fixtures

# The organisation fixtures of the assessments tests, shared with these.
org = assessment_fixtures.org
other_org = assessment_fixtures.other_org
assessment = assessment_fixtures.assessment
unassigned_consultant = assessment_fixtures.unassigned_consultant
peer = benchmark_fixtures.peer  # approved, opted-in peer organisations (the benchmark endpoint)


def bearer(user: Any, **kwargs: Any) -> dict[str, str]:
    """The header of a fresh token of the user (``Client.get(url, headers=bearer(user))``)."""
    return {"Authorization": f"Bearer {token_create(user=user, name='test', **kwargs).plaintext}"}


@pytest.fixture
def api_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")
