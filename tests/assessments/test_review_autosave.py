"""The review page's autosave (one criterion at a time, optimistic concurrency by value) and the
approval's required note."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Answer, Assessment, AssessmentState
from tests.assessments.conftest import Org, record

pytestmark = pytest.mark.django_db


def _as(user: Any, assessment: Assessment) -> Any:
    return assessment_get_for_user(user=user, pk=assessment.pk)


@pytest.fixture
def in_review(assessment: Assessment, org: Org) -> Assessment:
    for answer in assessment.answers.select_related("criterion").filter(
        criterion__level__lte=assessment.target_level
    ):
        record(assessment, org.contributor, answer.criterion.code, "F")
    services.assessment_submit(access=_as(org.manager, assessment), user=org.manager)
    return services.assessment_start_review(access=_as(org.consultant, assessment), user=org.consultant)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _autosave(client: Client, assessment: Assessment, code: str, **data: str) -> Any:
    return client.post(reverse("assessments:review_autosave", args=[assessment.pk, code]), data)


class TestReviewAutosave:
    def test_saves_one_review_and_returns_the_verified_result(self, in_review: Assessment, org: Org) -> None:
        response = _autosave(
            _client(org.consultant), in_review, "SP1-1-01", verified_rating="P", review_comment="thin"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["ok"]
        assert body["item"]["code"] == "SP1"
        assert body["verified_item"]["level"] is not None
        assert {k: v for k, v in body["changes"][0].items() if k in {"code", "lowered"}} == {
            "code": "SP",
            "lowered": True,
        }  # "SP falls from … to …"
        page = _client(org.consultant).get(reverse("assessments:review", args=[in_review.pk, "CB"]))
        assert 'id="level-changes"' in page.content.decode()
        assert "d-none" not in page.content.decode().split('id="level-changes"')[0].rsplit("<div", 1)[1]
        answer = Answer.objects.get(assessment=in_review, criterion__code="SP1-1-01")
        assert (answer.verified_rating, answer.review_comment, answer.reviewed_by) == (
            "P",
            "thin",
            org.consultant,
        )

    def test_a_review_changed_meanwhile_is_a_conflict_and_nothing_is_overwritten(
        self, in_review: Assessment, org: Org
    ) -> None:
        client = _client(org.consultant)
        _autosave(client, in_review, "SP1-1-01", verified_rating="L", review_comment="colleague")
        # A page loaded before that save still shows the empty review.
        response = _autosave(
            client,
            in_review,
            "SP1-1-01",
            verified_rating="N",
            review_comment="mine",
            loaded_verified_rating="",
        )
        assert response.status_code == 409
        body = response.json()
        assert body["conflict"]
        assert body["current"]["verified_rating"] == "L"
        assert body["current"]["review_comment"] == "colleague"
        answer = Answer.objects.get(assessment=in_review, criterion__code="SP1-1-01")
        assert (answer.verified_rating, answer.review_comment) == ("L", "colleague")
        # "Keep mine": the page now names the other review as loaded, and the save goes through.
        response = _autosave(
            client,
            in_review,
            "SP1-1-01",
            verified_rating="N",
            review_comment="mine",
            loaded_verified_rating="L",
            loaded_review_comment="colleague",
        )
        assert response.status_code == 200

    def test_a_retried_save_of_the_same_values_is_not_a_conflict(
        self, in_review: Assessment, org: Org
    ) -> None:
        client = _client(org.consultant)
        for _ in range(2):
            response = _autosave(client, in_review, "SP1-1-01", verified_rating="P", review_comment="x")
            assert response.status_code == 200

    @pytest.mark.parametrize(
        ("data", "code"),
        [
            ({"verified_rating": "Z"}, "SP1-1-01"),
            ({"verified_rating": "P"}, "NOPE"),
            ({"review_comment": "a\x00"}, "SP1-1-01"),
        ],
    )
    def test_bad_input_is_a_400(
        self, in_review: Assessment, org: Org, data: dict[str, str], code: str
    ) -> None:
        response = _autosave(_client(org.consultant), in_review, code, **data)
        assert response.status_code == 400
        assert response.json()["ok"] is False

    def test_not_in_review_is_a_403(self, assessment: Assessment, org: Org) -> None:
        response = _autosave(_client(org.consultant), assessment, "SP1-1-01", verified_rating="P")
        assert response.status_code == 403
        assert response.json()["message"]  # in the consultant's language

    @pytest.mark.parametrize("who", ["manager", "contributor", "viewer"])
    def test_members_get_404(self, in_review: Assessment, org: Org, who: str) -> None:
        response = _autosave(_client(getattr(org, who)), in_review, "SP1-1-01", verified_rating="P")
        assert response.status_code == 404

    def test_the_page_carries_what_the_script_needs(self, in_review: Assessment, org: Org) -> None:
        _autosave(_client(org.consultant), in_review, "SP1-1-01", verified_rating="P", review_comment='a "q"')
        html = (
            _client(org.consultant)
            .get(reverse("assessments:review", args=[in_review.pk, "SP"]))
            .content.decode()
        )
        assert 'id="review-form"' in html
        assert "js/review.js" in html
        assert 'data-loaded-rating="P"' in html
        assert 'data-loaded-comment="a &quot;q&quot;"' in html
        assert reverse("assessments:review_autosave", args=[in_review.pk, "__code__"]) in html


class TestApprovalNote:
    def test_approve_without_a_note_is_refused(self, in_review: Assessment, org: Org) -> None:
        with pytest.raises(ValidationError, match="note"):
            services.assessment_approve(access=_as(org.consultant, in_review), user=org.consultant, note="  ")
        assert Assessment.objects.get(pk=in_review.pk).state == AssessmentState.IN_REVIEW

    def test_the_decision_view_refuses_an_empty_approval_note(self, in_review: Assessment, org: Org) -> None:
        client = _client(org.consultant)
        response = client.post(
            reverse("assessments:decide", args=[in_review.pk]),
            {"decision": "approve", "note": "", "confirm": "on"},
            follow=True,
        )
        assert "alert-danger" in response.content.decode()
        assert Assessment.objects.get(pk=in_review.pk).state == AssessmentState.IN_REVIEW


class TestApprovalPreview:
    def test_counts_and_levels_match_what_approval_makes_final(self, in_review: Assessment, org: Org) -> None:
        from assessments.selectors import approval_preview, assessment_scores

        access = _as(org.consultant, in_review)
        services.review_record(
            access=access,
            criterion_code="SP1-1-01",
            data=services.ReviewInput("N", "no"),
            user=org.consultant,
        )
        services.review_record(
            access=access, criterion_code="SP1-1-02", data=services.ReviewInput("F", ""), user=org.consultant
        )
        preview = approval_preview(assessment=in_review)
        answered = Answer.objects.filter(assessment=in_review).exclude(rating="").count()
        assert (preview.confirmed, preview.differ) == (1, 1)
        assert preview.accepted_as_self == answered - 2
        assert any(change.lowered for change in preview.changes)
        services.assessment_approve(access=access, user=org.consultant, note="ok")
        final = assessment_scores(assessment=in_review).verified_score
        assert final is not None
        assert (final.level, final.index) == (preview.verified.level, preview.verified.index)

    def test_the_page_shows_the_preview_after_the_summary_and_needs_confirmation(
        self, in_review: Assessment, org: Org
    ) -> None:
        client = _client(org.consultant)
        html = client.get(reverse("assessments:detail", args=[in_review.pk])).content.decode()
        assert html.index('id="approval-preview"') > html.index('id="domain-SP"')
        response = client.post(
            reverse("assessments:decide", args=[in_review.pk]), {"decision": "approve", "note": "fine"}
        )
        assert response.status_code == 302
        assert Assessment.objects.get(pk=in_review.pk).state == AssessmentState.IN_REVIEW
        client.post(
            reverse("assessments:decide", args=[in_review.pk]),
            {"decision": "approve", "note": "fine", "confirm": "on"},
        )
        assert Assessment.objects.get(pk=in_review.pk).state == AssessmentState.APPROVED
