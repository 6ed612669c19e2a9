"""Every URL of the project, walked as an anonymous user, a member of another organisation and an
unassigned consultant: none of them may see or change the organisation's data.

The walk enumerates the URL configuration itself. A URL that is neither listed as public nor given
arguments below fails the test, so a new view cannot be added without deciding how it is protected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.services import token_create
from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Answer, Assessment, Evidence, Invitation, Role
from capability_model.models import Kpi, ModelState
from improvement.access import action_plan_get_for_user
from improvement.models import Action, ActionEvidence, PackageJob
from improvement.services import ActionInput, action_create, action_evidence_attach
from kpis.models import KpiValue
from reports.models import ReportJob
from teams.access import team_get_for_user
from teams.models import Assignment, Panel, Response
from teams.services import (
    AssignmentInput,
    PanelInput,
    ResponseInput,
    assignment_set,
    panel_open,
    response_write,
)
from tests.assessments.conftest import Org, record
from tests.factories import CapabilityModelFactory, UserFactory

pytestmark = pytest.mark.django_db

# Reachable without an organisation: authentication, the language switch, and the admin (staff only,
# tested in tests/capability_model/test_admin.py).
PUBLIC = {
    "login", "logout", "password_change", "password_change_done", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete", "set_language", "favicon",
}  # fmt: skip
PUBLIC_NAMESPACES = {"admin"}
# The API's schema and docs page: its shape, no data.
PUBLIC |= {"api:schema", "api:schema_v1", "api:docs"}
# The public key that signs certification packages: published so that auditors can check a package's key.
PUBLIC |= {"improvement:signing_key", "improvement:signing_key_pem"}
# Login required, but no organisation's data: an outsider gets the page like anyone else (the user's
# own access tokens).
ANY_USER = {
    "home", "capability_model:overview", "assessments:review_queue", "api_tokens:list",
    "assessments:invitations",
    "accounts2fa:manage", "accounts2fa:verify", "accounts2fa:setup", "accounts2fa:recovery_codes",
}  # fmt: skip
# The API's lists: login (session or token) required; an outsider sees an empty list (tests/api).
API_ANY_USER = {"api:organisation_list", "api:assessment_list"}


def _names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def _kpi_value(org: Org) -> KpiValue:
    """A value of a KPI of a published version, with evidence: the KPI pages have something to guard."""
    kpi = Kpi.objects.create(
        capability_model=CapabilityModelFactory.create(code="walk-model", state=ModelState.PUBLISHED),
        code="WALK", name_zh="测试", name_en="Walk", definition_zh="定义", definition_en="Definition",
        formula_zh="公式", formula_en="Formula", measurement_zh="测量", measurement_en="Measurement",
        unit="percent", direction="higher", cadence="month",
    )  # fmt: skip
    value = KpiValue.objects.create(
        organisation=org.organisation, kpi=kpi, period_start="2026-01-01", value=70, source="secret note"
    )
    value.evidence.save("kpi.txt", SimpleUploadedFile("kpi.txt", b"secret note"), save=False)
    value.evidence_name, value.evidence_type = "kpi.txt", "text/plain"
    value.save()
    return value


def _protected_urls(
    org: Org, assessment: Assessment, evidence: Evidence, action: Action, job: ReportJob
) -> dict[str, str]:
    package_job = PackageJob.objects.create(
        assessment=assessment, digest="0" * 64, status="failed", error="secret note"
    )
    membership = org.organisation.memberships.get(user=org.viewer)
    # An invitation to the organisation, addressed to someone who is none of the outsiders.
    invitation = Invitation.objects.create(
        organisation=org.organisation, user=UserFactory.create(), role=Role.VIEWER, invited_by=org.manager
    )
    code = "SP1-1-01"
    value = _kpi_value(org)
    pk = org.organisation.pk
    return {
        "kpis:list": reverse("kpis:list", args=[pk]),
        "kpis:import": reverse("kpis:import", args=[pk]),
        "kpis:detail": reverse("kpis:detail", args=[pk, value.kpi.code]),
        "kpis:evidence": reverse("kpis:evidence", args=[pk, value.pk]),
        "assessments:invitation_accept": reverse("assessments:invitation_accept", args=[invitation.pk]),
        "assessments:invitation_decline": reverse("assessments:invitation_decline", args=[invitation.pk]),
        "assessments:organisation_members": reverse(
            "assessments:organisation_members", args=[org.organisation.pk]
        ),
        "assessments:membership_remove": reverse(
            "assessments:membership_remove", args=[org.organisation.pk, membership.pk]
        ),
        "assessments:start": reverse("assessments:start", args=[org.organisation.pk]),
        "assessments:detail": reverse("assessments:detail", args=[assessment.pk]),
        "assessments:submit": reverse("assessments:submit", args=[assessment.pk]),
        "assessments:questionnaire": reverse("assessments:questionnaire", args=[assessment.pk, "SP"]),
        "assessments:autosave": reverse("assessments:autosave", args=[assessment.pk, code]),
        "assessments:confirm_carried": reverse("assessments:confirm_carried", args=[assessment.pk, "SP"]),
        "assessments:evidence_upload": reverse("assessments:evidence_upload", args=[assessment.pk, code]),
        "assessments:review": reverse("assessments:review", args=[assessment.pk, "SP"]),
        "assessments:review_start": reverse("assessments:review_start", args=[assessment.pk]),
        "assessments:review_autosave": reverse("assessments:review_autosave", args=[assessment.pk, code]),
        "assessments:decide": reverse("assessments:decide", args=[assessment.pk]),
        "assessments:history": reverse("assessments:history", args=[assessment.pk]),
        "assessments:evidence_download": reverse("assessments:evidence_download", args=[evidence.pk]),
        "assessments:evidence_delete": reverse("assessments:evidence_delete", args=[evidence.pk]),
        "reports:report": reverse("reports:report", args=[assessment.pk]),
        "benchmark:settings": reverse("benchmark:settings", args=[org.organisation.pk]),
        "reports:report_pdf": reverse("reports:report_pdf", args=[assessment.pk]),
        "reports:comparison": reverse("reports:comparison", args=[org.organisation.pk])
        + f"?before={assessment.pk}&after={assessment.pk}",
        "reports:comparison_pdf": reverse("reports:comparison_pdf", args=[org.organisation.pk])
        + f"?before={assessment.pk}&after={assessment.pk}",
        "reports:export_xlsx": reverse("reports:export_xlsx", args=[assessment.pk]),
        "reports:job": reverse("reports:job", args=[job.pk]),
        "reports:job_status": reverse("reports:job_status", args=[job.pk]),
        "reports:job_download": reverse("reports:job_download", args=[job.pk]),
        "reports:job_retry": reverse("reports:job_retry", args=[job.pk]),
        "reports:import_xlsx": reverse("reports:import_xlsx", args=[assessment.pk]),
        "api_tokens:revoke": reverse(
            "api_tokens:revoke", args=[token_create(user=org.manager, name="walk").token.pk]
        ),
        "api:organisation_detail": reverse("api:organisation_detail", args=[org.organisation.pk]),
        "api:assessment_detail": reverse("api:assessment_detail", args=[assessment.pk]),
        "api:answer_list": reverse("api:answer_list", args=[assessment.pk]),
        "api:action_list": reverse("api:action_list", args=[assessment.pk]),
        "api:readiness": reverse("api:readiness", args=[assessment.pk]),
        "api:benchmark": reverse("api:benchmark", args=[org.organisation.pk]),
        "improvement:action_plan": reverse("improvement:action_plan", args=[assessment.pk]),
        "improvement:actions_suggest": reverse("improvement:actions_suggest", args=[assessment.pk]),
        "improvement:action_create": reverse("improvement:action_create", args=[assessment.pk]),
        "improvement:actions_csv": reverse("improvement:actions_csv", args=[assessment.pk]),
        "improvement:actions_xlsx": reverse("improvement:actions_xlsx", args=[assessment.pk]),
        "improvement:action_edit": reverse("improvement:action_edit", args=[action.pk]),
        "improvement:action_evidence_upload": reverse("improvement:action_evidence_upload", args=[action.pk]),
        "improvement:action_evidence_download": reverse(
            "improvement:action_evidence_download", args=[action.evidence.get().pk]
        ),
        "improvement:reassess": reverse("improvement:reassess", args=[assessment.pk]),
        "improvement:certification_package": reverse(
            "improvement:certification_package", args=[assessment.pk]
        ),
        "improvement:actions_import": reverse("improvement:actions_import", args=[assessment.pk]),
        "improvement:actions_merge": reverse("improvement:actions_merge", args=[action.pk]),
        **{
            f"improvement:{name}": reverse(f"improvement:{name}", args=[package_job.pk])
            for name in ("package_job", "package_job_status", "package_job_download", "package_job_retry")
        },
        "teams:team": reverse("teams:team", args=[assessment.pk]),
        "teams:assignment_set": reverse("teams:assignment_set", args=[assessment.pk]),
        "teams:assignment_remove": reverse(
            "teams:assignment_remove", args=[Assignment.objects.get(assessment=assessment).pk]
        ),
        "teams:panel_open": reverse("teams:panel_open", args=[assessment.pk]),
        "teams:panel_close": reverse("teams:panel_close", args=[Panel.objects.get(assessment=assessment).pk]),
        "teams:item": reverse("teams:item", args=[assessment.pk, "SP2"]),
        "teams:respondent_export": reverse("teams:respondent_export", args=[assessment.pk]),
        "teams:respondent_import": reverse("teams:respondent_import", args=[assessment.pk]),
    }


@pytest.fixture
def target(org: Org, assessment: Assessment) -> tuple[dict[str, str], Evidence]:
    record(assessment, org.manager, "SP1-1-01", "F", comment="secret note")
    access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
    evidence = services.evidence_attach(
        access=access,
        criterion_code="SP1-1-01",
        upload=SimpleUploadedFile("policy.txt", "客服战略目标 2026".encode()),
        user=org.manager,
    )
    action = action_create(
        access=action_plan_get_for_user(user=org.manager, pk=assessment.pk),
        user=org.manager,
        data=ActionInput(title="secret note", criteria="SP1-1-01"),
    )
    action_evidence_attach(
        access=action_plan_get_for_user(user=org.manager, pk=assessment.pk),
        action=action,
        upload=SimpleUploadedFile("done.txt", b"secret note"),
        user=org.manager,
    )
    # Team work: a domain handed to the contributor, an item answered by two respondents.
    team = team_get_for_user(user=org.manager, pk=assessment.pk)
    assignment_set(
        team=team, data=AssignmentInput("MI", org.contributor, None, "secret note"), user=org.manager
    )
    panel_open(
        team=team, data=PanelInput("SP2", [org.manager, org.contributor], blind=False), user=org.manager
    )
    response_write(
        team=team, criterion_code="SP2-1-01", data=ResponseInput("L", "secret note", "", 0), user=org.manager
    )
    # A failed render of the organisation's report: its page, status, file and retry are the organisation's.
    job = ReportJob.objects.create(
        assessment=assessment, language="en", digest="0" * 64, html="<p>secret note</p>", status="failed"
    )
    return _protected_urls(org, assessment, evidence, action, job), evidence


def test_every_url_is_classified(target: tuple[dict[str, str], Evidence]) -> None:
    urls, _evidence = target
    unclassified = [
        name
        for name in _names(get_resolver().url_patterns)
        if name not in PUBLIC | ANY_USER | API_ANY_USER
        and name.split(":")[0] not in PUBLIC_NAMESPACES
        and name not in urls
    ]
    assert unclassified == [], "add these URLs to the walk with the arguments of another organisation's data"


def _snapshot(assessment: Assessment) -> list[tuple[Any, ...]]:
    return [
        *Answer.objects.filter(assessment=assessment)
        .order_by("pk")
        .values_list("rating", "comment", "justification", "flagged", "revision"),
        (Assessment.objects.get(pk=assessment.pk).state,),
        (Evidence.objects.count(),),
        (assessment.organisation.memberships.count(),),
        *Action.objects.order_by("pk").values_list("title", "status", "owner", "due_date"),
        (ActionEvidence.objects.count(),),
        (Assessment.objects.count(),),
        (Invitation.objects.count(),),
        *KpiValue.objects.order_by("pk").values_list("value", "source"),
        *Assignment.objects.order_by("pk").values_list("assignee", "due_date", "note"),
        *Panel.objects.order_by("pk").values_list("blind"),
        *Response.objects.order_by("pk").values_list("rating", "comment", "revision"),
    ]


OUTSIDERS: dict[str, Callable[[Org, Any], Any]] = {
    "other organisation's manager": lambda other, lonely: other.manager,
    "other organisation's consultant": lambda other, lonely: other.consultant,
    "unassigned consultant": lambda other, lonely: lonely,
}


@pytest.mark.parametrize("who", list(OUTSIDERS))
def test_outsiders_get_404_everywhere(
    client: Client,
    target: tuple[dict[str, str], Evidence],
    assessment: Assessment,
    other_org: Org,
    unassigned_consultant: Any,
    who: str,
) -> None:
    urls, _evidence = target
    before = _snapshot(assessment)
    client.force_login(OUTSIDERS[who](other_org, unassigned_consultant))
    for name, url in urls.items():
        for method in ("get", "post"):
            response = getattr(client, method)(
                url,
                {
                    "rating": "N",
                    "revision": 0,
                    "email": "x@example.com",
                    "decision": "approve",
                    "title": "hacked",
                    "criteria": "SP1-1-01",
                    "status": "done",
                    "priority": "high",
                    "target_level": 1,
                },
            )
            assert response.status_code in (404, 405), (
                f"{who} {method.upper()} {name}: {response.status_code}"
            )
            assert b"secret note" not in response.content
    assert _snapshot(assessment) == before


def test_anonymous_is_sent_to_login_everywhere(
    client: Client, target: tuple[dict[str, str], Evidence], assessment: Assessment
) -> None:
    urls, _evidence = target
    before = _snapshot(assessment)
    for name in [*urls, *ANY_USER, *API_ANY_USER]:
        url = urls.get(name) or reverse(name)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            if name.startswith("api:"):  # the API answers 401 and asks for a token
                assert response.status_code == 401, f"anonymous {method.upper()} {name}"
                continue
            assert response.status_code == 302, f"anonymous {method.upper()} {name}: {response.status_code}"
            assert response["Location"].startswith(reverse("login")), name
    assert _snapshot(assessment) == before


def test_members_and_their_consultant_can_read(
    client: Client, target: tuple[dict[str, str], Evidence], org: Org
) -> None:
    urls, _evidence = target
    for user in (org.manager, org.contributor, org.viewer, org.consultant):
        client.force_login(user)
        for name in (
            "assessments:detail",
            "assessments:questionnaire",
            "assessments:evidence_download",
            "reports:report",
            "improvement:action_plan",
            "improvement:action_edit",
            "improvement:action_evidence_download",
            "benchmark:settings",
            "kpis:list",
            "kpis:detail",
            "kpis:evidence",
            "teams:team",
            "teams:item",
        ):
            assert client.get(urls[name]).status_code == 200, (user.username, name)


@pytest.mark.parametrize("method", ["put", "delete", "patch", "trace"])
def test_methods_no_view_accepts_answer_405(
    client: Client, target: tuple[dict[str, str], Evidence], assessment: Assessment, org: Org, method: str
) -> None:
    # Issue 23: read-only views answered 200 to PUT, DELETE, PATCH and TRACE. Every view names the
    # methods it takes (require_safe, require_POST, ...), so these are refused before the view runs.
    urls, _evidence = target
    before = _snapshot(assessment)
    client.force_login(org.manager)
    for name in [*urls, *ANY_USER]:
        url = urls.get(name) or reverse(name)
        response = getattr(client, method)(url)
        assert response.status_code == 405, f"{method.upper()} {name}: {response.status_code}"
    assert _snapshot(assessment) == before
