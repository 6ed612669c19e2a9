"""Rules every request and response follows: a NUL character is a bad request, not a server error, and
responses to signed-in users are never stored by a cache (issue 23, items 7 and 9)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Assessment
from tests.assessments.conftest import Org, make_org, record, set_state
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(shipped_model: object) -> Org:
    return make_org("Alpha Contact Centre")


@pytest.fixture
def assessment(org: Org, shipped_model: object) -> Assessment:
    return services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,  # type: ignore[arg-type]
        title="FY26",
        target_level=2,
        allow_retired=True,
    )


@pytest.mark.parametrize(
    "url",
    [
        "/model/?code=%00",
        "/model/?code=gbt%00",
        "/model/?%00=1",
        "/?page=%00",
    ],
)
def test_a_nul_in_the_query_string_is_a_bad_request(client: Client, org: Org, url: str) -> None:
    client.force_login(org.manager)
    response = client.get(url)
    assert response.status_code == 400
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "query",
    ["?q=%00", "?state__exact=%00", "?organisation__id__exact=%00", "?title=%00", "?o=%00"],
)
def test_a_nul_in_the_admin_changelist_filters_is_a_bad_request(client: Client, query: str) -> None:
    client.force_login(StaffFactory.create(is_superuser=True))
    response = client.get(reverse("admin:assessments_assessment_changelist") + query)
    assert response.status_code == 400


def test_queries_without_nul_still_work(client: Client, org: Org) -> None:
    client.force_login(org.manager)
    assert client.get("/model/?code=gbt43045-1-2023").status_code == 200
    assert client.get("/model/?code=nonexistent").status_code == 404


def _private(response: object) -> None:
    header = response["Cache-Control"]  # type: ignore[index]
    directives = {part.strip() for part in header.split(",")}
    assert {"private", "no-store"} <= directives, header
    assert "public" not in directives
    assert not any(part.startswith(("max-age=", "s-maxage=")) and part != "max-age=0" for part in directives)


def test_private_data_is_never_stored_by_a_cache(client: Client, org: Org, assessment: Assessment) -> None:
    record(assessment, org.manager, "SP1-1-01", "F")
    access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
    evidence = services.evidence_attach(
        access=access,
        criterion_code="SP1-1-01",
        upload=SimpleUploadedFile("policy.txt", b"our strategy"),
        user=org.manager,
    )
    client.force_login(org.manager)
    urls = {
        "dashboard": reverse("home"),
        "detail": reverse("assessments:detail", args=[assessment.pk]),
        "questionnaire": reverse("assessments:questionnaire", args=[assessment.pk, "SP"]),
        "history": reverse("assessments:history", args=[assessment.pk]),
        "members": reverse("assessments:organisation_members", args=[org.organisation.pk]),
        "evidence download": reverse("assessments:evidence_download", args=[evidence.pk]),
        "report": reverse("reports:report", args=[assessment.pk]),
        "xlsx": reverse("reports:export_xlsx", args=[assessment.pk]),
        "model": reverse("capability_model:overview"),
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        _private(response)
    # A redirect after a write, and an error page, are private too.
    _private(client.get(reverse("assessments:detail", args=[999_999])))
    set_state(assessment, "in_review")
    client.force_login(org.consultant)
    _private(client.get(reverse("assessments:review", args=[assessment.pk, "SP"])))


def test_private_data_in_pdfs_is_never_stored_by_a_cache(
    client: Client, org: Org, assessment: Assessment
) -> None:
    client.force_login(org.manager)
    response = client.get(reverse("reports:report_pdf", args=[assessment.pk]))
    assert response.status_code == 200
    _private(response)
