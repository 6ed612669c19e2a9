"""Services: start, answer, conflict, evidence, submit, members."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from assessments import services
from assessments.access import assessment_get_for_user, organisation_get_for_user
from assessments.models import Answer, Assessment, AssessmentState, Evidence, Membership, Role
from capability_model.models import CapabilityModel
from capability_model.services import capability_model_clone
from tests.assessments.conftest import Org, record

pytestmark = pytest.mark.django_db


def _fill_required(assessment: Assessment, user: Any, rating: str = "F") -> None:
    for answer in assessment.answers.select_related("criterion").filter(
        criterion__level__lte=assessment.target_level
    ):
        record(assessment, user, answer.criterion.code, rating)


class TestStart:
    def test_creates_a_draft_with_one_answer_per_criterion(self, assessment: Assessment) -> None:
        assert assessment.state == AssessmentState.DRAFT
        assert assessment.answers.count() == assessment.capability_model.criteria.count() >= 200
        assert not assessment.answers.exclude(rating="").exists()

    def test_refuses_an_unpublished_model(self, org: Org, shipped_model: CapabilityModel) -> None:
        draft = capability_model_clone(source=shipped_model)
        with pytest.raises(ValidationError, match="published"):
            services.assessment_start(
                organisation=org.organisation,
                user=org.manager,
                capability_model=draft,
                title="x",
                target_level=3,
                allow_retired=True,
            )

    @pytest.mark.parametrize("target", [0, 6])
    def test_refuses_a_target_outside_1_to_5(
        self, org: Org, shipped_model: CapabilityModel, target: int
    ) -> None:
        with pytest.raises(ValidationError):
            services.assessment_start(
                organisation=org.organisation,
                user=org.manager,
                capability_model=shipped_model,
                title="x",
                target_level=target,
                allow_retired=True,
            )
        assert not Assessment.objects.filter(title="x").exists()

    def test_baseline_is_carried_over_until_confirmed(
        self, org: Org, assessment: Assessment, shipped_model: CapabilityModel
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "L", comment="from last year")
        record(assessment, org.manager, "SP1-1-02", "NA", justification="no such channel")
        follow_up = services.assessment_start(
            organisation=org.organisation,
            user=org.manager,
            capability_model=shipped_model,
            title="FY27",
            target_level=3,
            from_baseline=True,
            allow_retired=True,
        )
        assert follow_up.baseline_id == assessment.pk
        carried = follow_up.answers.get(criterion__code="SP1-1-01")
        assert (carried.rating, carried.comment, carried.carried_over) == ("L", "from last year", True)
        assert follow_up.answers.get(criterion__code="SP1-1-02").justification == "no such channel"
        assert not follow_up.answers.get(criterion__code="SP1-2-01").carried_over
        # Saving the same values does not confirm; confirming does; changing does too.
        record(follow_up, org.manager, "SP1-1-01", "L", comment="from last year")
        assert follow_up.answers.get(criterion__code="SP1-1-01").carried_over
        record(follow_up, org.manager, "SP1-1-01", "L", comment="from last year", confirm=True)
        assert not follow_up.answers.get(criterion__code="SP1-1-01").carried_over
        record(follow_up, org.manager, "SP1-1-02", "P")
        assert not follow_up.answers.get(criterion__code="SP1-1-02").carried_over


class TestAnswer:
    def test_saves_and_counts_revisions(self, org: Org, assessment: Assessment) -> None:
        answer = record(assessment, org.contributor, "SP1-1-01", "P", comment="partly", flagged=True)
        assert (answer.rating, answer.comment, answer.flagged, answer.revision) == ("P", "partly", True, 1)
        assert answer.updated_by == org.contributor

    def test_na_needs_a_justification(self, org: Org, assessment: Assessment) -> None:
        with pytest.raises(ValidationError, match="justification"):
            record(assessment, org.manager, "SP1-1-01", "NA", justification="   ")
        assert assessment.answers.get(criterion__code="SP1-1-01").rating == ""

    def test_a_stale_save_is_refused_and_names_the_other_value(
        self, org: Org, assessment: Assessment
    ) -> None:
        record(assessment, org.manager, "SP1-1-01", "F", revision=0)
        with pytest.raises(services.AnswerConflictError) as excinfo:
            record(assessment, org.contributor, "SP1-1-01", "N", revision=0)
        message = " ".join(excinfo.value.messages)
        assert org.manager.username in message
        assert "“F”" in message
        assert assessment.answers.get(criterion__code="SP1-1-01").rating == "F"

    def test_a_retried_identical_save_is_no_conflict(self, org: Org, assessment: Assessment) -> None:
        record(assessment, org.manager, "SP1-1-01", "F", revision=0)
        answer = record(assessment, org.manager, "SP1-1-01", "F", revision=0)
        assert answer.revision == 1

    def test_a_save_after_the_submission_is_refused_and_writes_nothing(
        self, org: Org, assessment: Assessment
    ) -> None:
        """The page (and its access) was read while the assessment was a draft; it was submitted since."""
        access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
        stale = Assessment.objects.get(pk=assessment.pk)
        stale.state = AssessmentState.SUBMITTED
        stale.save()
        before = (Answer.history.filter(assessment_id=assessment.pk).count(), stale.revision)
        with pytest.raises(ValidationError) as excinfo:
            services.answer_record(
                access=access,
                criterion_code="SP1-1-01",
                data=services.AnswerInput("F", "", "", False, 0),
                user=org.manager,
            )
        assert excinfo.value.code == "not_editable"
        assert assessment.answers.get(criterion__code="SP1-1-01").rating == ""
        after = Assessment.objects.get(pk=assessment.pk)
        assert (Answer.history.filter(assessment_id=assessment.pk).count(), after.revision) == before

    @pytest.mark.parametrize("who", ["viewer", "consultant"])
    def test_only_managers_and_contributors_write(self, org: Org, assessment: Assessment, who: str) -> None:
        with pytest.raises(ValidationError, match="may not"):
            record(assessment, getattr(org, who), "SP1-1-01", "F")

    def test_unknown_criterion(self, org: Org, assessment: Assessment) -> None:
        record_unknown = services.AnswerInput("F", "", "", False, 0)
        with pytest.raises(ValidationError, match="Unknown criterion"):
            services.answer_record(
                access=assessment_get_for_user(user=org.manager, pk=assessment.pk),
                criterion_code="ZZ9-1-01",
                data=record_unknown,
                user=org.manager,
            )


class TestSubmit:
    def test_refused_while_anything_required_is_open(self, org: Org, assessment: Assessment) -> None:
        access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
        with pytest.raises(services.SubmissionIncompleteError) as excinfo:
            services.assessment_submit(access=access, user=org.manager)
        required = assessment.answers.filter(criterion__level__lte=2).count()
        assert len(excinfo.value.problems) == required
        assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.DRAFT

    def test_submits_when_complete_then_read_only(self, org: Org, assessment: Assessment) -> None:
        _fill_required(assessment, org.contributor)
        access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
        submitted = services.assessment_submit(access=access, user=org.manager)
        assert submitted.state == AssessmentState.SUBMITTED
        assert submitted.submitted_at is not None
        with pytest.raises(ValidationError, match="cannot be changed"):
            record(submitted, org.manager, "SP1-1-01", "P")
        with pytest.raises(ValidationError, match="cannot be changed"):
            services.evidence_attach(
                access=assessment_get_for_user(user=org.manager, pk=assessment.pk),
                criterion_code="SP1-1-01",
                upload=SimpleUploadedFile("a.txt", b"text"),
                user=org.manager,
            )
        with pytest.raises(ValidationError):
            services.assessment_submit(
                access=assessment_get_for_user(user=org.manager, pk=assessment.pk), user=org.manager
            )

    def test_optional_levels_are_not_required(self, org: Org, assessment: Assessment) -> None:
        _fill_required(assessment, org.manager)
        assert assessment.answers.filter(criterion__level__gt=2, rating="").exists()
        services.assessment_submit(
            access=assessment_get_for_user(user=org.manager, pk=assessment.pk), user=org.manager
        )

    def test_an_unjustified_na_blocks_even_above_target(self, org: Org, assessment: Assessment) -> None:
        _fill_required(assessment, org.manager)
        unjustified = Answer.objects.get(assessment=assessment, criterion__code="SP1-5-01")
        unjustified.rating = "NA"  # as an old import might have left it: NA without a justification
        unjustified.save()
        with pytest.raises(services.SubmissionIncompleteError) as excinfo:
            services.assessment_submit(
                access=assessment_get_for_user(user=org.manager, pk=assessment.pk), user=org.manager
            )
        assert [(p.criterion_code, p.problem) for p in excinfo.value.problems] == [
            ("SP1-5-01", "na_unjustified")
        ]

    def test_only_a_manager_submits(self, org: Org, assessment: Assessment) -> None:
        _fill_required(assessment, org.manager)
        with pytest.raises(ValidationError, match="manager"):
            services.assessment_submit(
                access=assessment_get_for_user(user=org.contributor, pk=assessment.pk), user=org.contributor
            )


class TestEvidence:
    def test_attach_stores_under_a_random_name(self, org: Org, assessment: Assessment) -> None:
        access = assessment_get_for_user(user=org.contributor, pk=assessment.pk)
        evidence = services.evidence_attach(
            access=access,
            criterion_code="CB3-2-01",
            upload=SimpleUploadedFile("../../知识库 周报.csv", "意图,覆盖率\n退货,95%\n".encode()),
            user=org.contributor,
        )
        assert evidence.original_name == "知识库 周报.csv"
        stored = str(evidence.file.name)
        assert "知识库" not in stored
        assert stored.startswith(f"evidence/{org.organisation.pk}/")
        assert evidence.content_type == "text/csv"

    def test_a_refused_file_leaves_nothing(self, org: Org, assessment: Assessment) -> None:
        access = assessment_get_for_user(user=org.contributor, pk=assessment.pk)
        with pytest.raises(ValidationError):
            services.evidence_attach(
                access=access,
                criterion_code="CB3-2-01",
                upload=SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 100),
                user=org.contributor,
            )
        assert not Evidence.objects.exists()


class TestMembers:
    def _request(self) -> Any:
        return RequestFactory().get("/")

    def test_invite_creates_an_account_and_emails_a_link(
        self, org: Org, django_capture_on_commit_callbacks: Any
    ) -> None:
        access = organisation_get_for_user(user=org.manager, pk=org.organisation.pk)
        with django_capture_on_commit_callbacks(execute=True):
            membership = services.membership_invite(
                access=access, email="New.Agent@Example.com", role=Role.CONTRIBUTOR, request=self._request()
            )
        assert membership.role == Role.CONTRIBUTOR
        assert membership.user.email == "new.agent@example.com"
        assert not membership.user.has_usable_password()
        assert len(mail.outbox) == 1
        assert "new.agent@example.com" in mail.outbox[0].to
        assert "/accounts/reset/" in mail.outbox[0].body

    def test_an_existing_account_is_invited_not_added(
        self, org: Org, other_org: Org, django_capture_on_commit_callbacks: Any
    ) -> None:
        # Issue 23 item 5: typing any existing account's email made it a member, without its consent.
        access = organisation_get_for_user(user=org.manager, pk=org.organisation.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.membership_invite(
                access=access, email=other_org.manager.email, role=Role.VIEWER, request=self._request()
            )
        assert not Membership.objects.filter(user=other_org.manager, organisation=org.organisation).exists()
        assert [m.to for m in mail.outbox] == [[other_org.manager.email]]
        assert "/invitations/" in mail.outbox[0].body
        assert "Alpha Contact Centre" in mail.outbox[0].body

    def test_only_managers_invite_and_never_managers(self, org: Org) -> None:
        contributor_access = organisation_get_for_user(user=org.contributor, pk=org.organisation.pk)
        with pytest.raises(ValidationError):
            services.membership_invite(
                access=contributor_access, email="x@example.com", role=Role.VIEWER, request=self._request()
            )
        manager_access = organisation_get_for_user(user=org.manager, pk=org.organisation.pk)
        with pytest.raises(ValidationError, match="contributors and viewers"):
            services.membership_invite(
                access=manager_access, email="x@example.com", role=Role.MANAGER, request=self._request()
            )

    def test_remove_contributor_but_not_manager(self, org: Org) -> None:
        access = organisation_get_for_user(user=org.manager, pk=org.organisation.pk)
        services.membership_remove(
            access=access, membership=org.organisation.memberships.get(user=org.contributor)
        )
        assert not org.organisation.memberships.filter(user=org.contributor).exists()
        with pytest.raises(ValidationError):
            services.membership_remove(
                access=access, membership=org.organisation.memberships.get(user=org.manager)
            )
