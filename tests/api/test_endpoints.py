"""The read API as each person sees it: their organisations' data, levels from the scoring service,
verified results only where the browser shows them, and 404 for everything else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Assessment
from assessments.selectors import assessment_scores
from benchmark.selectors import peer_view
from benchmark.services import snapshot_compute
from capability_model import scoring
from capability_model.models import CapabilityModel
from tests.api.conftest import bearer
from tests.assessments.conftest import Org, record, set_state
from tests.benchmark.conftest import opt_in

pytestmark = pytest.mark.django_db


def _urls(org: Org, assessment: Assessment) -> dict[str, str]:
    return {
        "organisation_list": reverse("api:organisation_list"),
        "organisation_detail": reverse("api:organisation_detail", args=[org.organisation.pk]),
        "assessment_list": reverse("api:assessment_list"),
        "assessment_detail": reverse("api:assessment_detail", args=[assessment.pk]),
        "answer_list": reverse("api:answer_list", args=[assessment.pk]),
        "action_list": reverse("api:action_list", args=[assessment.pk]),
        "readiness": reverse("api:readiness", args=[assessment.pk]),
        "benchmark": reverse("api:benchmark", args=[org.organisation.pk]),
    }


def _in_review_with_verdict(org: Org, assessment: Assessment) -> Assessment:
    record(assessment, org.manager, "SP1-1-01", "F", comment="ours")
    set_state(assessment, "submitted")
    access = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    services.assessment_start_review(access=access, user=org.consultant)
    access = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    services.review_record(
        access=access,
        criterion_code="SP1-1-01",
        data=services.ReviewInput(verified_rating="P", review_comment="thin evidence"),
        user=org.consultant,
    )
    assessment.refresh_from_db()
    return assessment


@pytest.mark.parametrize("role", ["manager", "contributor", "viewer", "consultant"])
def test_every_endpoint_answers_the_organisations_people(
    api_client: Client, org: Org, assessment: Assessment, role: str
) -> None:
    headers = bearer(getattr(org, role))
    for name, url in _urls(org, assessment).items():
        response = api_client.get(url, headers=headers)
        assert response.status_code == 200, (role, name)


@pytest.mark.parametrize("who", ["other manager", "other consultant", "unassigned consultant"])
def test_another_organisations_data_answers_404(
    api_client: Client, org: Org, other_org: Org, assessment: Assessment, unassigned_consultant: Any, who: str
) -> None:
    user = {"other manager": other_org.manager, "other consultant": other_org.consultant}.get(
        who, unassigned_consultant
    )
    headers = bearer(user)
    urls = _urls(org, assessment)
    for name in (
        "organisation_detail",
        "assessment_detail",
        "answer_list",
        "action_list",
        "readiness",
        "benchmark",
    ):
        assert api_client.get(urls[name], headers=headers).status_code == 404, name
    for name in ("organisation_list", "assessment_list"):
        body = api_client.get(urls[name], headers=headers).json()
        assert org.organisation.name not in str(body), name
    assert (
        api_client.get(
            urls["assessment_list"] + f"?organisation={org.organisation.pk}", headers=headers
        ).json()["count"]
        == 0
    )


def test_anonymous_and_dead_tokens_answer_401(api_client: Client, org: Org, assessment: Assessment) -> None:
    expired = bearer(org.manager, days=1)
    from api.models import PersonalAccessToken

    PersonalAccessToken.objects.update(expires_at="2000-01-01T00:00Z")
    for url in _urls(org, assessment).values():
        assert api_client.get(url).status_code == 401
        assert api_client.get(url, headers=expired).status_code == 401


def test_assessment_levels_come_from_the_scoring_service(
    api_client: Client, org: Org, assessment: Assessment
) -> None:
    record(assessment, org.manager, "SP1-1-01", "F")
    record(assessment, org.manager, "SP1-1-02", "L")
    body = api_client.get(reverse("api:assessment_detail", args=[assessment.pk]), headers=bearer(org.viewer))
    data = body.json()
    score = assessment_scores(assessment=assessment).self_score
    assert data["state"] == "draft"
    assert data["target_level"] == 2
    assert data["self_assessed"]["level"] == score.level
    domains = {d["code"]: d for d in data["self_assessed"]["domains"]}
    sp = next(d for d in score.domains if d.code == "SP")
    assert domains["SP"]["index"] == scoring.format_index(sp.index or 0)
    items = {i["code"]: i for i in domains["SP"]["items"]}
    assert items["SP1"]["index"] == scoring.format_index(sp.items[0].index or 0)
    assert data["verified"] is None
    assert data["official"] == "self_assessed"
    listed = api_client.get(reverse("api:assessment_list"), headers=bearer(org.viewer)).json()["results"][0]
    assert listed["self_assessed"]["domains"][0] == {k: v for k, v in domains["SP"].items() if k != "items"}


def test_verified_results_only_where_the_browser_shows_them(
    api_client: Client, org: Org, assessment: Assessment
) -> None:
    _in_review_with_verdict(org, assessment)
    detail = reverse("api:assessment_detail", args=[assessment.pk])
    answers = reverse("api:answer_list", args=[assessment.pk]) + "?domain=SP"
    consultant, viewer = bearer(org.consultant), bearer(org.viewer)
    assert api_client.get(detail, headers=consultant).json()["verified"] is not None
    assert api_client.get(detail, headers=viewer).json()["verified"] is None
    first = api_client.get(answers, headers=viewer).json()["results"][0]
    assert first["criterion"] == "SP1-1-01"
    assert (first["rating"], first["verified_rating"], first["review_comment"]) == ("F", None, None)
    first = api_client.get(answers, headers=consultant).json()["results"][0]
    assert (first["verified_rating"], first["review_comment"]) == ("P", "thin evidence")
    access = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    services.assessment_return(access=access, user=org.consultant, reason="More evidence, please.")
    data = api_client.get(detail, headers=viewer).json()
    assert data["verified"] is not None
    assert data["official"] == "verified"
    assert api_client.get(answers, headers=viewer).json()["results"][0]["verified_rating"] == "P"


def test_answers_list_evidence_as_links_not_files(
    api_client: Client, org: Org, assessment: Assessment
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    record(assessment, org.manager, "SP1-1-01", "F")
    access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
    evidence = services.evidence_attach(
        access=access, criterion_code="SP1-1-01",
        upload=SimpleUploadedFile("policy.txt", b"secret file body"), user=org.manager,
    )  # fmt: skip
    response = api_client.get(
        reverse("api:answer_list", args=[assessment.pk]) + "?domain=SP", headers=bearer(org.viewer)
    )
    row = response.json()["results"][0]
    assert row["evidence"][0]["original_name"] == "policy.txt"
    assert row["evidence"][0]["download_url"].endswith(
        reverse("assessments:evidence_download", args=[evidence.pk])
    )
    assert b"secret file body" not in response.content


def test_filters_and_bad_filters(
    api_client: Client, org: Org, assessment: Assessment, shipped_model: CapabilityModel
) -> None:
    second = services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="FY27",
        target_level=3,
        allow_retired=True,
    )
    set_state(second, "submitted")
    headers = bearer(org.manager)
    url = reverse("api:assessment_list")

    def titles(query: str) -> list[str]:
        response = api_client.get(url + query, headers=headers)
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["results"]]

    assert titles("") == ["FY27", "FY26"]
    assert titles("?state=submitted") == ["FY27"]
    assert titles("?state=draft,submitted") == ["FY27", "FY26"]
    assert titles("?state=draft&state=approved") == ["FY26"]
    assert titles("?created_after=2000-01-01&created_before=2999-12-31") == ["FY27", "FY26"]
    assert titles("?created_before=2000-01-01") == []
    assert titles("?page_size=1") == ["FY27"]
    for bad in ("?state=lost", "?created_after=yesterday", "?organisation=x", "?organisation=-3"):
        response = api_client.get(url + bad, headers=headers)
        assert response.status_code == 400, bad
    assert api_client.get(url + "?page=99", headers=headers).status_code == 404


def test_etag_answers_304_until_something_changes(
    api_client: Client, org: Org, assessment: Assessment
) -> None:
    headers = bearer(org.manager)
    url = reverse("api:assessment_detail", args=[assessment.pk])
    etag = api_client.get(url, headers=headers)["ETag"]
    assert api_client.get(url, headers={**headers, "If-None-Match": etag}).status_code == 304
    record(assessment, org.manager, "SP1-1-01", "F")
    assert api_client.get(url, headers={**headers, "If-None-Match": etag}).status_code == 200


def test_query_count_does_not_grow_with_the_data(
    api_client: Client,
    org: Org,
    assessment: Assessment,
    shipped_model: CapabilityModel,
    django_assert_max_num_queries: Any,
) -> None:
    headers = bearer(org.consultant)
    urls = _urls(org, assessment)
    for _ in range(6):
        services.assessment_start(
            organisation=org.organisation,
            user=org.manager,
            capability_model=shipped_model,
            title="more",
            target_level=3,
            allow_retired=True,
        )
    api_client.get(urls["assessment_list"], headers=headers)  # the model's spec is cached per process
    for name, url in urls.items():
        with django_assert_max_num_queries(8, info=name):
            assert api_client.get(url, headers=headers).status_code == 200


def test_throttled_per_user(api_client: Client, org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "3/minute"})
    headers = bearer(org.manager)
    codes = [api_client.get(reverse("api:organisation_list"), headers=headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_action_plan_and_readiness_as_on_the_assessment_page(
    api_client: Client, org: Org, other_org: Org, assessment: Assessment
) -> None:
    from improvement.access import action_plan_get_for_user
    from improvement.services.actions import actions_suggest

    record(assessment, org.manager, "SP1-1-01", "P")
    plan = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    suggested = actions_suggest(access=plan, user=org.manager)
    assert suggested
    actions_url = reverse("api:action_list", args=[assessment.pk])
    readiness_url = reverse("api:readiness", args=[assessment.pk])
    for user in (org.viewer, org.consultant):
        body = api_client.get(actions_url, headers=bearer(user)).json()
        assert body["count"] == len(suggested)
        assert {a["item"] for a in body["results"]} >= {"SP1"}
        readiness = api_client.get(readiness_url, headers=bearer(user)).json()
        assert [v["level"] for v in readiness["levels"]] == [1, 2, 3, 4, 5]
        assert readiness["levels"][0]["outcome"] == "not_ready"
        assert "indicative" in readiness["indicative"]
    assert api_client.get(actions_url + "?status=lost", headers=bearer(org.viewer)).status_code == 400
    assert api_client.get(actions_url + "?status=done", headers=bearer(org.viewer)).json()["count"] == 0
    outsider = bearer(other_org.manager)
    assert api_client.get(actions_url, headers=outsider).status_code == 404
    assert api_client.get(readiness_url, headers=outsider).status_code == 404


def test_the_benchmark_position_as_the_dashboard_shows_it(
    api_client: Client, org: Org, other_org: Org, peer: Any
) -> None:
    url = reverse("api:benchmark", args=[org.organisation.pk])
    assert api_client.get(url, headers=bearer(org.viewer)).json()["status"] == "not_opted_in"
    opt_in(org.organisation)
    own = peer(organisation=org.organisation, strength=0.9, rated=True)
    for strength in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        peer(strength=strength, rated=True)
    snapshot_compute()
    body = api_client.get(url, headers=bearer(org.viewer)).json()
    view = peer_view(organisation=org.organisation)
    assert (body["status"], body["peers"], body["assessment"]) == ("shown", 6, own.pk)
    sp = next(row for row in body["rows"] if row["code"] == "SP")
    expected = next(row for row in view.rows if row.code == "SP")
    assert (sp["median"], sp["quartile"]) == (expected.figures.median, expected.quartile)
    assert api_client.get(url, headers=bearer(other_org.manager)).status_code == 404
