"""The dashboard and the review queue are paginated, read only what a page shows, and keep their
queries constant whatever the number of assessments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Assessment
from assessments.selectors import dashboard as dashboard_selectors
from capability_model.models import CapabilityModel
from tests.assessments.conftest import Org
from tests.factories import ConsultantAssignmentFactory


def _submitted(org: Org, model: CapabilityModel, count: int, start: int = 0) -> list[Assessment]:
    made = []
    for n in range(start, start + count):
        assessment = services.assessment_start(
            organisation=org.organisation,
            user=org.manager,
            capability_model=model,
            title=f"Assessment {n:02d}",
            target_level=2,
            allow_retired=True,
        )
        assessment.state = "submitted"
        assessment.submitted_at = timezone.now() + timedelta(minutes=n)  # oldest first: by n
        assessment.save()
        made.append(assessment)
    return made


def _login(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard_selectors, "DASHBOARD_REVIEW_PER_PAGE", 2)
    monkeypatch.setattr(dashboard_selectors, "DASHBOARD_ORGANISATIONS_PER_PAGE", 1)
    monkeypatch.setattr(dashboard_selectors, "REVIEW_QUEUE_PER_PAGE", 2)


def test_dashboard_review_rows_come_a_page_at_a_time(
    org: Org, shipped_model: CapabilityModel, small_pages: None
) -> None:
    _submitted(org, shipped_model, 3)
    client = _login(org.consultant)
    first = client.get(reverse("home"))
    review = first.context["dashboard"].review
    assert [r.assessment.title for r in review] == ["Assessment 00", "Assessment 01"]
    assert review.paginator.count == 3
    assert "review_page=2" in first.content.decode()
    second = client.get(reverse("home"), {"review_page": 2})
    assert [r.assessment.title for r in second.context["dashboard"].review] == ["Assessment 02"]
    # A page number out of range shows the last page rather than failing.
    assert client.get(reverse("home"), {"review_page": 99}).context["dashboard"].review.number == 2


def test_dashboard_organisations_come_a_page_at_a_time(
    org: Org, other_org: Org, shipped_model: CapabilityModel, small_pages: None
) -> None:
    ConsultantAssignmentFactory.create(consultant=org.consultant, organisation=other_org.organisation)
    _submitted(other_org, shipped_model, 1)
    client = _login(org.consultant)
    pages = [client.get(reverse("home"), {"page": n}).context["dashboard"].organisations for n in (1, 2)]
    names = [[s.access.organisation.name for s in page] for page in pages]
    assert names == [["Alpha Contact Centre"], ["Beta Contact Centre"]]
    assert [len(s.rows) for s in pages[1]] == [1]
    assert pages[1][0].access.is_consultant


def test_review_queue_is_paginated(org: Org, shipped_model: CapabilityModel, small_pages: None) -> None:
    _submitted(org, shipped_model, 3)
    client = _login(org.consultant)
    response = client.get(reverse("assessments:review_queue"), {"page": 2})
    assert [r.assessment.title for r in response.context["rows"]] == ["Assessment 02"]
    assert "Page 2 of 2" in response.content.decode()


def test_other_consultants_see_none_of_it(
    org: Org, other_org: Org, shipped_model: CapabilityModel, unassigned_consultant: User
) -> None:
    _submitted(org, shipped_model, 2)
    for user in (other_org.consultant, unassigned_consultant, other_org.manager):
        client = _login(user)
        dashboard = client.get(reverse("home")).context["dashboard"]
        assert dashboard.review.paginator.count == 0
        assert all(s.access.organisation != org.organisation for s in dashboard.organisations)
        assert list(client.get(reverse("assessments:review_queue")).context["rows"]) == []


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm-up: the model version's spec is cached on first use
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("url_name", ["home", "assessments:review_queue"])
def test_queries_do_not_grow_with_the_assessments(
    org: Org, shipped_model: CapabilityModel, url_name: str, small_pages: Any
) -> None:
    client = _login(org.consultant)
    _submitted(org, shipped_model, 2)
    few = _queries(client, reverse(url_name))
    _submitted(org, shipped_model, 4, start=2)
    assert _queries(client, reverse(url_name)) == few
