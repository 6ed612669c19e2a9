"""Consultant review: transitions, concurrent decisions, notifications, the audit trail, the final lock."""

from __future__ import annotations

import ast
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    AuditBypassError,
    ConsultantAssignment,
    Evidence,
)
from assessments.selectors import assessment_history, assessment_scores
from tests.assessments.conftest import Org, record, set_state
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _complete_and_submit(assessment: Assessment, org: Org) -> Assessment:
    for answer in assessment.answers.select_related("criterion").filter(
        criterion__level__lte=assessment.target_level
    ):
        record(assessment, org.contributor, answer.criterion.code, "F")
    return services.assessment_submit(
        access=assessment_get_for_user(user=org.manager, pk=assessment.pk), user=org.manager
    )


def _as(user: Any, assessment: Assessment) -> Any:
    return assessment_get_for_user(user=user, pk=assessment.pk)


@pytest.fixture
def in_review(assessment: Assessment, org: Org) -> Assessment:
    _complete_and_submit(assessment, org)
    return services.assessment_start_review(access=_as(org.consultant, assessment), user=org.consultant)


def _verify(assessment: Assessment, consultant: Any, code: str, rating: str, comment: str = "") -> Answer:
    return services.review_record(
        access=_as(consultant, assessment),
        criterion_code=code,
        data=services.ReviewInput(verified_rating=rating, review_comment=comment),
        user=consultant,
    )


class TestTransitions:
    def test_opening_a_submitted_assessment_changes_nothing_until_the_review_is_started(
        self, client: Client, assessment: Assessment, org: Org
    ) -> None:
        _complete_and_submit(assessment, org)
        client.force_login(org.consultant)
        start = reverse("assessments:review_start", args=[assessment.pk])
        first_domain = reverse("assessments:review", args=[assessment.pk, "SP"])
        assert client.get(start)["Location"] == first_domain  # a link only shows the page
        page = client.get(first_domain, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert "Start review" in page.content.decode()
        assessment.refresh_from_db()
        assert assessment.state == AssessmentState.SUBMITTED
        assert client.post(start)["Location"] == first_domain
        assessment.refresh_from_db()
        assert assessment.state == AssessmentState.IN_REVIEW
        assert assessment.reviewer == org.consultant

    def test_only_the_assigned_consultant_can_start_the_review(
        self, client: Client, assessment: Assessment, org: Org
    ) -> None:
        _complete_and_submit(assessment, org)
        start = reverse("assessments:review_start", args=[assessment.pk])
        client.force_login(org.manager)
        assert client.post(start).status_code in (403, 404)
        assessment.refresh_from_db()
        assert assessment.state == AssessmentState.SUBMITTED

    @pytest.mark.parametrize(
        "state", [AssessmentState.DRAFT, AssessmentState.RETURNED, AssessmentState.APPROVED]
    )
    def test_review_cannot_start_from(self, assessment: Assessment, org: Org, state: str) -> None:
        set_state(assessment, state)
        with pytest.raises(ValidationError, match="cannot be"):
            services.assessment_start_review(access=_as(org.consultant, assessment), user=org.consultant)

    def test_return_needs_a_reason_and_keeps_verified_ratings(self, in_review: Assessment, org: Org) -> None:
        _verify(in_review, org.consultant, "SP1-1-01", "P", "no signed strategy found")
        with pytest.raises(ValidationError, match="why"):
            services.assessment_return(
                access=_as(org.consultant, in_review), user=org.consultant, reason="  "
            )
        returned = services.assessment_return(
            access=_as(org.consultant, in_review), user=org.consultant, reason="SP1 evidence missing"
        )
        assert returned.state == AssessmentState.RETURNED
        # The organisation edits and resubmits; the consultant's verified rating stays.
        record(returned, org.manager, "SP1-1-01", "L", comment="strategy now signed")
        answer = returned.answers.get(criterion__code="SP1-1-01")
        assert (answer.rating, answer.verified_rating, answer.review_comment) == (
            "L",
            "P",
            "no signed strategy found",
        )
        assert answer.changed_since_review
        resubmitted = services.assessment_submit(access=_as(org.manager, returned), user=org.manager)
        assert resubmitted.state == AssessmentState.SUBMITTED

    def test_approve_makes_the_verified_result_official_and_complete(
        self, in_review: Assessment, org: Org
    ) -> None:
        _verify(in_review, org.consultant, "SP1-1-01", "P")
        approved = services.assessment_approve(
            access=_as(org.consultant, in_review), user=org.consultant, note="ok"
        )
        assert approved.state == AssessmentState.APPROVED
        assert approved.decided_at is not None
        assert not approved.answers.exclude(rating="").filter(verified_rating="").exists()
        scores = assessment_scores(assessment=approved)
        assert scores.verified_score is not None
        assert scores.official is scores.verified_score
        assert scores.verified_score.item("SP1").level == 0
        assert scores.self_score.item("SP1").level == 2

    @pytest.mark.parametrize("who", ["manager", "contributor", "viewer"])
    def test_members_cannot_review_or_decide(self, in_review: Assessment, org: Org, who: str) -> None:
        user = getattr(org, who)
        with pytest.raises(ValidationError, match="consultant"):
            _verify(in_review, user, "SP1-1-01", "N")
        with pytest.raises(ValidationError, match="consultant"):
            services.assessment_approve(access=_as(user, in_review), user=user, note="")

    def test_approving_a_draft_is_refused(self, assessment: Assessment, org: Org) -> None:
        with pytest.raises(ValidationError, match=r"(?i)draft"):
            services.assessment_approve(access=_as(org.consultant, assessment), user=org.consultant, note="")

    def test_a_stale_page_cannot_decide_twice(self, in_review: Assessment, org: Org) -> None:
        first, second = _as(org.consultant, in_review), _as(org.consultant, in_review)
        services.assessment_approve(access=first, user=org.consultant, note="first")
        with pytest.raises(ValidationError, match="someone may have just decided"):
            services.assessment_return(access=second, user=org.consultant, reason="too late")
        assert Assessment.objects.get(pk=in_review.pk).state == AssessmentState.APPROVED


@pytest.mark.django_db(transaction=True)
def test_two_consultants_deciding_at_once(shipped_model: Any) -> None:
    """Two decisions race on separate connections; exactly one wins, the other is told why."""
    from tests.assessments.conftest import make_org

    org = make_org("Race Centre")
    second_consultant = ConsultantAssignment.objects.create(
        consultant=StaffFactory.create(username="second-consultant"), organisation=org.organisation
    ).consultant
    assessment = services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="race",
        target_level=1,
        allow_retired=True,
    )
    _complete_and_submit(assessment, org)
    services.assessment_start_review(access=_as(org.consultant, assessment), user=org.consultant)
    accesses = {"approve": _as(org.consultant, assessment), "return": _as(second_consultant, assessment)}
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(kind: str) -> None:
        translation.activate("en")  # the language is per thread
        try:
            barrier.wait(timeout=10)
            if kind == "approve":
                services.assessment_approve(access=accesses[kind], user=org.consultant, note="verified")
            else:
                services.assessment_return(access=accesses[kind], user=second_consultant, reason="rework")
            outcomes[kind] = "done"
        except ValidationError as exc:
            outcomes[kind] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(kind,)) for kind in accesses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["approve", "return"]
    assert sorted(v == "done" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "done")
    assert "someone may have just decided" in loser
    final = Assessment.objects.get(pk=assessment.pk).state
    assert final == (AssessmentState.APPROVED if outcomes["approve"] == "done" else AssessmentState.RETURNED)


class TestApprovedIsFinal:
    @pytest.fixture
    def approved(self, in_review: Assessment, org: Org) -> Assessment:
        return services.assessment_approve(
            access=_as(org.consultant, in_review), user=org.consultant, note="final"
        )

    def test_services_refuse_every_write(self, approved: Assessment, org: Org) -> None:
        with pytest.raises(ValidationError):
            record(approved, org.manager, "SP1-1-01", "N")
        with pytest.raises(ValidationError):
            services.evidence_attach(
                access=_as(org.manager, approved),
                criterion_code="SP1-1-01",
                upload=SimpleUploadedFile("late.txt", b"late evidence"),
                user=org.manager,
            )
        with pytest.raises(ValidationError):
            _verify(approved, org.consultant, "SP1-1-01", "N")
        with pytest.raises(ValidationError):
            services.assessment_return(access=_as(org.consultant, approved), user=org.consultant, reason="x")
        with pytest.raises(ValidationError):
            services.assessment_submit(access=_as(org.manager, approved), user=org.manager)

    def test_web_write_paths_refuse(self, client: Client, approved: Assessment, org: Org) -> None:
        before = list(approved.answers.order_by("pk").values_list("rating", "verified_rating", "revision"))
        client.force_login(org.manager)
        assert (
            client.post(
                reverse("assessments:autosave", args=[approved.pk, "SP1-1-01"]),
                {"rating": "N", "revision": 1},
            ).status_code
            == 403
        )
        page = client.post(
            reverse("assessments:questionnaire", args=[approved.pk, "SP"]),
            {"criteria": ["SP1-1-01"], "SP1-1-01-rating": "N", "SP1-1-01-revision": 1},
        )
        assert page.status_code == 404
        client.post(
            reverse("assessments:evidence_upload", args=[approved.pk, "SP1-1-01"]),
            {"file": SimpleUploadedFile("late.txt", b"late")},
        )
        client.force_login(org.consultant)
        client.post(
            reverse("assessments:review", args=[approved.pk, "SP"]),
            {"criteria": ["SP1-1-01"], "SP1-1-01-verified_rating": "N"},
        )
        client.post(reverse("assessments:decide", args=[approved.pk]), {"decision": "return", "note": "x"})
        assert (
            list(approved.answers.order_by("pk").values_list("rating", "verified_rating", "revision"))
            == before
        )
        assert not Evidence.objects.filter(answer__assessment=approved).exists()
        assert Assessment.objects.get(pk=approved.pk).state == AssessmentState.APPROVED

    def test_admin_refuses(self, client: Client, approved: Assessment) -> None:
        client.force_login(StaffFactory.create())
        url = reverse("admin:assessments_assessment_change", args=[approved.pk])
        assert client.get(url).status_code == 200  # shown read-only
        response = client.post(url, {"title": "rewritten", "target_level": 5})
        assert response.status_code == 403
        delete = client.post(
            reverse("admin:assessments_assessment_delete", args=[approved.pk]), {"post": "yes"}
        )
        assert delete.status_code == 403
        assert Assessment.objects.get(pk=approved.pk).title == approved.title


class TestNotifications:
    def test_consultants_hear_of_submissions(
        self, assessment: Assessment, org: Org, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            _complete_and_submit(assessment, org)
        assert [m.to for m in mail.outbox] == [[org.consultant.email]]
        assert f"/assessments/{assessment.pk}/" in str(mail.outbox[0].body)

    @pytest.mark.parametrize("decision", ["return", "approve"])
    def test_managers_hear_of_decisions(
        self, in_review: Assessment, org: Org, decision: str, django_capture_on_commit_callbacks: Any
    ) -> None:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            if decision == "return":
                services.assessment_return(
                    access=_as(org.consultant, in_review), user=org.consultant, reason="rework"
                )
            else:
                services.assessment_approve(
                    access=_as(org.consultant, in_review), user=org.consultant, note="well done"
                )
        assert [m.to for m in mail.outbox] == [[org.manager.email]]
        body = str(mail.outbox[0].body)
        assert ("rework" if decision == "return" else "well done") in body
        assert f"/assessments/{in_review.pk}/" in body

    @pytest.mark.parametrize("note", ["well done", "Verified on site."])
    def test_the_approval_email_does_not_repeat_an_old_return_reason(
        self, in_review: Assessment, org: Org, note: str, django_capture_on_commit_callbacks: Any
    ) -> None:
        # Issue 23 item 7: return_reason was never cleared, so the approval repeated the old complaint.
        services.assessment_return(
            access=_as(org.consultant, in_review), user=org.consultant, reason="Evidence for SP1 is missing"
        )
        services.assessment_submit(access=_as(org.manager, in_review), user=org.manager)
        services.assessment_start_review(access=_as(org.consultant, in_review), user=org.consultant)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.assessment_approve(access=_as(org.consultant, in_review), user=org.consultant, note=note)
        assert [m.to for m in mail.outbox] == [[org.manager.email]]
        body = str(mail.outbox[0].body)
        assert "was approved" in body
        assert "Evidence for SP1 is missing" not in body
        assert note in body
        in_review.refresh_from_db()
        assert in_review.return_reason == ""


class TestAuditTrail:
    def test_every_kind_of_change_is_recorded_with_who(self, in_review: Assessment, org: Org) -> None:
        services.assessment_return(
            access=_as(org.consultant, in_review), user=org.consultant, reason="rework"
        )
        record(in_review, org.contributor, "SP1-1-02", "L", comment="new comment", justification="n/a")
        access = _as(org.contributor, in_review)
        evidence = services.evidence_attach(
            access=access,
            criterion_code="SP1-1-02",
            upload=SimpleUploadedFile("kb.txt", b"kb"),
            user=org.contributor,
        )
        services.evidence_delete(access=access, evidence=evidence, user=org.manager)
        services.assessment_submit(access=_as(org.manager, in_review), user=org.manager)
        services.assessment_start_review(access=_as(org.consultant, in_review), user=org.consultant)
        _verify(in_review, org.consultant, "SP1-1-02", "P", "weak evidence")

        entries = assessment_history(assessment=in_review)
        seen = {(e.what, e.who, name) for e in entries for name, _old, _new in e.changes}
        assert ("answer", org.contributor.username, "rating") in seen
        assert ("answer", org.contributor.username, "comment") in seen
        assert ("answer", org.contributor.username, "justification") in seen
        assert ("answer", org.consultant.username, "verified rating") in seen
        assert ("answer", org.consultant.username, "review comment") in seen
        assert ("assessment", org.consultant.username, "state") in seen
        assert ("assessment", org.manager.username, "state") in seen
        assert ("evidence", org.contributor.username, "file name") in seen
        returned = next(
            e for e in entries if e.what == "assessment" and ("state", "In review", "Returned") in e.changes
        )
        assert returned.who == org.consultant.username
        assert any(
            e.what == "evidence" and e.action == "-" and e.who == org.manager.username for e in entries
        )

    def test_history_page_for_members_and_consultant(
        self, client: Client, in_review: Assessment, org: Org
    ) -> None:
        _verify(in_review, org.consultant, "SP1-1-01", "P", "see comment")
        url = reverse("assessments:history", args=[in_review.pk])
        client.force_login(org.consultant)
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "SP1-1-01" in page
        assert "see comment" in page
        client.force_login(org.viewer)
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert org.consultant.username in page  # who started the review
        assert "see comment" not in page  # the verified side is the consultant's until decided
        services.assessment_return(
            access=_as(org.consultant, in_review), user=org.consultant, reason="rework"
        )
        assert "see comment" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    def test_history_reads_as_words_and_filters_by_criterion_and_person(
        self, client: Client, assessment: Assessment, org: Org
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "F", flagged=True)
        record(assessment, org.contributor, "SP1-1-02", "P")
        client.force_login(org.viewer)
        url = reverse("assessments:history", args=[assessment.pk])
        page = client.get(url, {"criterion": "sp1-1-01"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "SP1-1-01" in page
        assert "SP1-1-02" not in page
        assert "Yes" in page
        assert "True" not in page
        page = client.get(url, {"who": org.contributor.username}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "SP1-1-02" in page
        assert "SP1-1-01" not in page
        assert client.get(url, {"page": "999", "who": "nobody"}).status_code == 200
        assert client.get(url, {"who": "\x00"}).status_code == 400  # a NUL is refused before any view

    def test_history_comes_a_page_at_a_time(self, client: Client, assessment: Assessment, org: Org) -> None:
        codes = list(assessment.answers.values_list("criterion__code", flat=True)[:55])
        for code in codes:
            record(assessment, org.manager, code, "L")
        client.force_login(org.manager)
        url = reverse("assessments:history", args=[assessment.pk])
        first = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert len(first.context["page"]) == 50
        assert "Page 1 of 2" in first.content.decode()
        assert len(client.get(url, {"page": 2}).context["page"]) == 56 - 50  # 55 answers and the creation

    def test_bulk_writes_that_skip_the_history_are_refused(self, assessment: Assessment) -> None:
        with pytest.raises(AuditBypassError):
            Answer.objects.filter(assessment=assessment).update(rating="F")
        with pytest.raises(AuditBypassError):
            Assessment.objects.filter(pk=assessment.pk).update(state="approved")
        with pytest.raises(AuditBypassError):
            Answer.objects.bulk_update(list(assessment.answers.all()[:2]), ["rating"])
        with pytest.raises(AuditBypassError):
            Evidence.objects.all().update(original_name="x")
        assert not assessment.answers.exclude(rating="").exists()

    def test_no_write_path_in_the_code_bypasses_the_history(self) -> None:
        """No module of the app calls bulk writes that skip save() (bulk_create_with_history is fine).

        One queryset update is allowed: raising the assessment's revision, bookkeeping the history leaves
        out (the model's manager refuses any other field at run time).
        """
        allowed_update = {("answers.py", "assessment_changed")}
        root = Path(__file__).resolve().parents[2] / "assessments"
        offenders = []
        for path in root.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            allowed = {
                id(node)
                for function in ast.walk(tree)
                if isinstance(function, ast.FunctionDef) and (path.name, function.name) in allowed_update
                for node in ast.walk(function)
            }
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                name = node.func.attr
                where = f"{path.name}:{node.lineno} {name}"
                if name in {"bulk_create", "bulk_update", "raw", "executemany"}:
                    offenders.append(where)
                if name in {"cursor", "execute"}:
                    offenders.append(where)
                # dict.update({...}) is fine; a queryset's update(field=...) is not (the managers' own
                # update, in audit.py, passes **kwargs on, to refuse them).
                passthrough = path.name == "audit.py" and [k.arg for k in node.keywords] == [None]
                if name == "update" and node.keywords and not passthrough and id(node) not in allowed:
                    offenders.append(where)
        assert offenders == []

    def test_creating_an_assessment_records_history_for_its_answers(self, assessment: Assessment) -> None:
        assert Answer.history.filter(assessment_id=assessment.pk).count() == assessment.answers.count()
        assert Assessment.history.filter(id=assessment.pk).count() == 1


def test_admin_cannot_restore_an_old_version_from_the_history(
    client: Client, assessment: Assessment, org: Org
) -> None:
    record(assessment, org.manager, "SP1-1-01", "F")
    assessment.title = "Renamed"
    assessment.save()
    oldest = Assessment.history.filter(id=assessment.pk).order_by("history_id").first()
    assert oldest is not None
    client.force_login(StaffFactory.create())
    url = reverse("admin:assessments_assessment_simple_history", args=[assessment.pk, oldest.history_id])
    response = client.post(url, {"title": "FY26", "target_level": 2, "organisation": org.organisation.pk})
    assert response.status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).title == "Renamed"
