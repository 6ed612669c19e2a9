"""The questionnaire and its neighbours through their URLs, per role, with bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, AssessmentState, Evidence
from capability_model.models import LEVELS, CapabilityModel
from capability_model.services import capability_model_publish
from tests.assessments.conftest import Org, make_org, record, set_state
from tests.factories import CapabilityItemFactory, CapabilityModelFactory, CriterionFactory, DomainFactory

pytestmark = pytest.mark.django_db


def _autosave(client: Client, assessment: Assessment, code: str, **data: Any) -> Any:
    return client.post(reverse("assessments:autosave", args=[assessment.pk, code]), data)


class TestDashboard:
    def test_member_sees_own_assessments_with_progress(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "F")
        client.force_login(org.viewer)
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert assessment.title in response.content.decode()
        assert b'value="1"' in response.content  # one required criterion answered
        assert b"Start an assessment" not in response.content  # viewers do not start

    def test_manager_can_start(self, client: Client, org: Org) -> None:
        client.force_login(org.manager)
        assert b"Start an assessment" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content

    def test_consultant_sees_the_review_queue(self, client: Client, org: Org, assessment: Assessment) -> None:
        set_state(assessment, AssessmentState.SUBMITTED)
        client.force_login(org.consultant)
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
        assert "Awaiting your review" in response.content.decode()


class TestStartView:
    def test_manager_starts_an_assessment(
        self, client: Client, org: Org, shipped_model: CapabilityModel
    ) -> None:
        client.force_login(org.manager)
        published = CapabilityModel.objects.get(code=shipped_model.code, state="published")
        url = reverse("assessments:start", args=[org.organisation.pk])
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            # New assessments start on the published version (version 2 since it shipped); the one the
            # tests' fixtures use (version 1) is retired.
            {"capability_model": published.pk, "title": "FY26", "target_level": 3, "scope": "hotline"},
        )
        created = Assessment.objects.get(title="FY26")
        assert response.status_code == 302
        assert response["Location"] == reverse("assessments:detail", args=[created.pk])
        assert created.target_level == 3

    @pytest.mark.parametrize(
        "data",
        [
            {"title": "", "target_level": 3},
            {"title": "x", "target_level": 9},
            {"title": "x" * 201, "target_level": 3},
            {"title": "x", "target_level": "three"},
            {"title": "x", "target_level": 3, "capability_model": 999999},
        ],
    )
    def test_bad_input_is_a_form_error(
        self, client: Client, org: Org, shipped_model: CapabilityModel, data: dict[str, Any]
    ) -> None:
        client.force_login(org.manager)
        response = client.post(
            reverse("assessments:start", args=[org.organisation.pk]),
            {"capability_model": shipped_model.pk, **data},
        )
        assert response.status_code == 400
        assert response.context["form"].errors
        assert not Assessment.objects.exists()

    @pytest.mark.parametrize("who", ["contributor", "viewer", "consultant"])
    def test_others_cannot_start(self, client: Client, org: Org, who: str) -> None:
        client.force_login(getattr(org, who))
        assert client.get(reverse("assessments:start", args=[org.organisation.pk])).status_code == 404


class TestQuestionnairePage:
    def test_shows_criteria_grouped_with_live_levels(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.manager, "OP5-1-01", "F", comment="QA sampling 3 %")
        client.force_login(org.contributor)
        response = client.get(
            reverse("assessments:questionnaire", args=[assessment.pk, "OP"]) + "?open=OP5",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert 'id="criterion-OP5-1-01"' in page
        assert "QA sampling 3 %" in page
        assert 'id="item-OP8"' in page
        assert 'id="criterion-SP1-1-01"' not in page
        assert "Optional: levels above your target (2)" in page
        assert 'data-item-level="OP5"' in page

    def test_filters_find_open_and_flagged_criteria(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "F")
        record(assessment, org.manager, "SP1-1-02", "P", flagged=True)
        client.force_login(org.manager)
        url = reverse("assessments:questionnaire", args=[assessment.pk, "SP"])
        unanswered = client.get(url, {"show": "unanswered"}).content.decode()
        assert 'id="criterion-SP1-1-01"' not in unanswered
        assert 'id="criterion-SP1-2-01"' in unanswered
        flagged = client.get(url, {"show": "flagged"}).content.decode()
        assert 'id="criterion-SP1-1-02"' in flagged
        assert 'id="criterion-SP1-1-01"' not in flagged
        assert 'id="criterion-SP1-2-01"' not in flagged

    def test_unknown_domain_is_404(self, client: Client, org: Org, assessment: Assessment) -> None:
        client.force_login(org.manager)
        assert client.get(reverse("assessments:questionnaire", args=[assessment.pk, "ZZ"])).status_code == 404

    def test_viewer_page_is_read_only(self, client: Client, org: Org, assessment: Assessment) -> None:
        client.force_login(org.viewer)
        page = client.get(reverse("assessments:questionnaire", args=[assessment.pk, "SP"])).content.decode()
        assert 'data-editable="false"' in page
        assert 'id="evidence-form"' not in page
        assert "Your role lets you read this assessment, not change it." in page  # not "is Draft"
        assert "cannot be edited here" not in page


class TestAutosave:
    def test_saves_and_returns_live_level_and_progress(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        client.force_login(org.contributor)
        for code in ("SP1-1-01", "SP1-1-02"):
            response = _autosave(client, assessment, code, rating="F", revision=0)
            assert response.status_code == 200, response.content
        body = response.json()
        assert body["ok"] is True
        assert body["revision"] == 1
        assert body["item"] == {"code": "SP1", "level": 1, "index": 1.0}
        assert body["progress"]["answered"] == 2
        assert body["domain_progress"] == {
            "answered": 2,
            "required": assessment.answers.filter(
                criterion__item__domain__code="SP", criterion__level__lte=2
            ).count(),
        }

    def test_conflict_is_409_with_the_other_value(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "L", comment="manager's view")
        client.force_login(org.contributor)
        response = _autosave(client, assessment, "SP1-1-01", rating="N", comment="mine", revision=0)
        assert response.status_code == 409
        body = response.json()
        assert body["current"]["rating"] == "L"
        assert body["current"]["comment"] == "manager's view"
        assert body["current"]["updated_by"] == org.manager.username
        assert assessment.answers.get(criterion__code="SP1-1-01").comment == "manager's view"

    @pytest.mark.parametrize(
        "data",
        [
            {"rating": "Q", "revision": 0},
            {"rating": "F"},
            {"rating": "F", "revision": "abc"},
            {"rating": "F", "revision": -1},
            {"rating": "F", "revision": 0, "comment": "x" * 5001},
            {"rating": "F", "revision": 0, "comment": "nul\x00byte"},
            {"rating": "NA", "revision": 0, "justification": ""},
        ],
    )
    def test_bad_input_is_400_with_a_message(
        self, client: Client, org: Org, assessment: Assessment, data: dict[str, Any]
    ) -> None:
        client.force_login(org.manager)
        response = _autosave(client, assessment, "SP1-1-01", **data)
        assert response.status_code == 400
        assert response.json()["ok"] is False
        assert assessment.answers.get(criterion__code="SP1-1-01").revision == 0

    def test_unknown_criterion_is_400(self, client: Client, org: Org, assessment: Assessment) -> None:
        client.force_login(org.manager)
        response = _autosave(client, assessment, "XX9-9-99", rating="F", revision=0)
        assert response.status_code == 400
        assert "XX9-9-99" in response.json()["message"]

    def test_read_only_roles_and_states_are_403(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        client.force_login(org.viewer)
        assert _autosave(client, assessment, "SP1-1-01", rating="F", revision=0).status_code == 403
        set_state(assessment, AssessmentState.SUBMITTED)
        client.force_login(org.manager)
        response = _autosave(client, assessment, "SP1-1-01", rating="F", revision=0)
        assert response.status_code == 403
        assert assessment.answers.get(criterion__code="SP1-1-01").rating == ""

    def test_get_is_not_allowed(self, client: Client, org: Org, assessment: Assessment) -> None:
        client.force_login(org.manager)
        assert (
            client.get(reverse("assessments:autosave", args=[assessment.pk, "SP1-1-01"])).status_code == 405
        )


class TestPageSaveWithoutJavaScript:
    def _post(self, client: Client, assessment: Assessment, data: dict[str, Any], domain: str = "SP") -> Any:
        return client.post(reverse("assessments:questionnaire", args=[assessment.pk, domain]), data)

    def test_saves_every_changed_answer_and_moves_on(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        client.force_login(org.manager)
        data = {
            "criteria": ["SP1-1-01", "SP1-1-02"],
            "SP1-1-01-rating": "F", "SP1-1-01-comment": "plan approved", "SP1-1-01-revision": 0,
            "SP1-1-02-rating": "", "SP1-1-02-revision": 0,
            "go": "CB",
        }  # fmt: skip
        response = self._post(client, assessment, data)
        assert response.status_code == 302
        assert reverse("assessments:questionnaire", args=[assessment.pk, "CB"]) in response["Location"]
        answer = assessment.answers.get(criterion__code="SP1-1-01")
        assert (answer.rating, answer.comment, answer.revision) == ("F", "plan approved", 1)
        assert assessment.answers.get(criterion__code="SP1-1-02").revision == 0

    def test_conflicts_and_errors_keep_what_was_typed(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.contributor, "SP1-1-01", "L", comment="contributor")
        client.force_login(org.manager)
        data = {
            "criteria": ["SP1-1-01", "SP1-1-02", "SP1-2-01"],
            "SP1-1-01-rating": "N", "SP1-1-01-comment": "typed by manager", "SP1-1-01-revision": 0,
            "SP1-1-02-rating": "NA", "SP1-1-02-justification": "", "SP1-1-02-comment": "na typed",
            "SP1-1-02-revision": 0,
            "SP1-2-01-rating": "P", "SP1-2-01-revision": 0,
        }  # fmt: skip
        response = self._post(client, assessment, data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "typed by manager" in page
        assert "na typed" in page
        assert org.contributor.username in page
        assert assessment.answers.get(criterion__code="SP1-1-01").comment == "contributor"
        assert assessment.answers.get(criterion__code="SP1-2-01").rating == "P"  # the valid one was saved

    def test_a_bad_go_target_stays_on_the_page(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        client.force_login(org.manager)
        response = self._post(client, assessment, {"criteria": [], "go": "../../admin"})
        assert response.status_code == 302
        assert reverse("assessments:questionnaire", args=[assessment.pk, "SP"]) in response["Location"]


class TestEvidenceViews:
    def _upload(self, client: Client, assessment: Assessment, upload: Any, code: str = "SP1-1-01") -> Any:
        return client.post(
            reverse("assessments:evidence_upload", args=[assessment.pk, code]), {"file": upload}, follow=True
        )

    def test_upload_and_download(self, client: Client, org: Org, assessment: Assessment) -> None:
        client.force_login(org.contributor)
        response = self._upload(client, assessment, SimpleUploadedFile("kpi.csv", b"metric,value\nFCR,78%\n"))
        assert response.status_code == 200
        evidence = Evidence.objects.get()
        client.force_login(org.viewer)
        download = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == b"metric,value\nFCR,78%\n"  # type: ignore[attr-defined]
        assert 'attachment; filename="kpi.csv"' in download["Content-Disposition"]
        assert download["X-Content-Type-Options"] == "nosniff"

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, "not a valid"),
            ("script.exe", b"MZ\x90\x00", "not accepted"),
            ("page.html", b"<html><script>alert(1)</script></html>", "not accepted"),
            ("empty.txt", b"", ""),
            ("....", b"plain text", "name"),
            ("report.pdf.exe", b"MZ\x90\x00", "not accepted"),
        ],
        ids=["renamed-executable", "executable", "html", "empty", "unusable-name", "double-extension"],
    )
    def test_refused_files_are_explained(
        self, client: Client, org: Org, assessment: Assessment, name: str, content: bytes, message: str
    ) -> None:
        client.force_login(org.contributor)
        response = self._upload(client, assessment, SimpleUploadedFile(name, content))
        page = response.content.decode()
        assert response.status_code == 200
        assert "alert-danger" in page
        assert message in page
        assert not Evidence.objects.exists()

    def test_oversized_file_is_refused(
        self, client: Client, org: Org, assessment: Assessment, settings: Any
    ) -> None:
        settings.EVIDENCE_MAX_BYTES = 1024
        client.force_login(org.contributor)
        response = self._upload(client, assessment, SimpleUploadedFile("big.txt", b"a" * 2048))
        assert "limit" in response.content.decode()
        assert not Evidence.objects.exists()

    def test_viewer_cannot_upload_or_delete(self, client: Client, org: Org, assessment: Assessment) -> None:
        client.force_login(org.viewer)
        self._upload(client, assessment, SimpleUploadedFile("a.txt", b"text"))
        assert not Evidence.objects.exists()
        client.force_login(org.manager)
        self._upload(client, assessment, SimpleUploadedFile("a.txt", b"text"))
        evidence = Evidence.objects.get()
        client.force_login(org.viewer)
        client.post(reverse("assessments:evidence_delete", args=[evidence.pk]))
        assert Evidence.objects.filter(pk=evidence.pk).exists()

    def test_manager_deletes_file_and_row(
        self, client: Client, org: Org, assessment: Assessment, django_capture_on_commit_callbacks: Any
    ) -> None:
        client.force_login(org.manager)
        self._upload(client, assessment, SimpleUploadedFile("a.txt", b"text"))
        evidence = Evidence.objects.get()
        storage, name = evidence.file.storage, str(evidence.file.name)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("assessments:evidence_delete", args=[evidence.pk]))
        assert not Evidence.objects.exists()
        assert not storage.exists(name)


class TestSubmitView:
    def test_early_submit_lists_what_is_missing(
        self, client: Client, org: Org, assessment: Assessment
    ) -> None:
        client.force_login(org.manager)
        response = client.post(
            reverse("assessments:submit", args=[assessment.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
        page = response.content.decode()
        assert "Not submitted yet" in page
        url = reverse("assessments:questionnaire", args=[assessment.pk, "SP"])
        assert f"{url}?open=SP1-1-01#criterion-SP1-1-01" in page
        assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.DRAFT


def _model_with(criteria_per_level: int) -> CapabilityModel:
    model = CapabilityModelFactory.create()
    for d, domain_code in enumerate(("SP", "CB"), 1):
        domain = DomainFactory.create(capability_model=model, code=domain_code, order=d)
        for i in range(1, 4):
            item = CapabilityItemFactory.create(domain=domain, code=f"{domain_code}{i}", order=i)
            for level in LEVELS:
                for n in range(1, criteria_per_level + 1):
                    CriterionFactory.create(item=item, level=level, order=n)
    return capability_model_publish(model=model)


def test_questionnaire_queries_do_not_grow_with_criteria(client: Client) -> None:
    counts = []
    for per_level in (2, 4):
        model = _model_with(per_level)
        org = make_org(f"Org {per_level}")
        assessment = services.assessment_start(
            organisation=org.organisation,
            user=org.manager,
            capability_model=model,
            title="q",
            target_level=3,
            allow_retired=True,
        )
        for answer in assessment.answers.select_related("criterion")[:5]:
            record(assessment, org.manager, answer.criterion.code, "F")
        client.force_login(org.manager)
        url = reverse("assessments:questionnaire", args=[assessment.pk, "SP"]) + "?open=all"
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('class="criterion ') == 3 * 5 * per_level
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 20, counts


def test_questionnaire_query_budget(
    client: Client, org: Org, assessment: Assessment, django_assert_max_num_queries: Any
) -> None:
    client.force_login(org.manager)
    url = reverse("assessments:questionnaire", args=[assessment.pk, "OP"])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_autosave_response_is_json_for_the_script(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    response = _autosave(client, assessment, "MI1-1-01", rating="L", revision=0)
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["overall"]["level"] == 0
