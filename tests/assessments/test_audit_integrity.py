"""Records an auditor can trust: the audit trail is read-only everywhere, approved work refuses every write
path (services, web and admin), and deleting an account leaves the history readable with its name."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.admin import AnswerInline
from assessments.models import Answer, Assessment, AssessmentState, Evidence
from assessments.selectors import assessment_history
from tests.assessments.conftest import Org, record, set_state
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(assessment: Assessment, org: Org) -> tuple[Assessment, Evidence]:
    record(assessment, org.contributor, "SP1-1-01", "F", comment="done")
    evidence = services.evidence_attach(
        access=assessment_get_for_user(user=org.contributor, pk=assessment.pk),
        criterion_code="SP1-1-01",
        upload=SimpleUploadedFile("policy.txt", b"policy"),
        user=org.contributor,
    )
    set_state(assessment, AssessmentState.IN_REVIEW)
    services.assessment_approve(
        access=assessment_get_for_user(user=org.consultant, pk=assessment.pk), user=org.consultant, note="ok"
    )
    assessment.refresh_from_db()
    return assessment, evidence


def _as(user: Any, assessment: Assessment) -> Any:
    return assessment_get_for_user(user=user, pk=assessment.pk)


def test_history_models_have_no_admin_of_their_own() -> None:
    for model in (Assessment, Answer, Evidence):
        history_model = model.history.model
        assert not admin.site.is_registered(history_model)
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:assessments_{history_model._meta.model_name}_changelist")


def test_admin_reads_the_history_but_cannot_write_it(
    client: Client, approved: tuple[Assessment, Evidence]
) -> None:
    assessment, _evidence = approved
    client.force_login(StaffFactory.create())
    assert (
        client.get(reverse("admin:assessments_assessment_history", args=[assessment.pk])).status_code == 200
    )
    oldest = assessment.history.earliest("history_date")
    url = reverse("admin:assessments_assessment_simple_history", args=[assessment.pk, oldest.history_id])
    count = Assessment.history.count()
    assert client.post(url, {"title": "rewritten", "target_level": 5}).status_code == 403
    assert Assessment.history.count() == count
    assert Assessment.objects.get(pk=assessment.pk).title == assessment.title


def test_answers_in_the_admin_are_read_only() -> None:
    assert set(AnswerInline.readonly_fields) == set(AnswerInline.fields)
    assert AnswerInline.can_delete is False
    assert AnswerInline(Assessment, admin.site).has_add_permission(None) is False  # type: ignore[arg-type]


def test_approved_refuses_every_service_write(approved: tuple[Assessment, Evidence], org: Org) -> None:
    assessment, evidence = approved
    answers = list(assessment.answers.order_by("pk").values_list("rating", "verified_rating", "revision"))
    history = (Assessment.history.count(), Answer.history.count(), Evidence.history.count())
    writes = {
        "answer": lambda: record(assessment, org.manager, "SP1-1-01", "N"),
        "attach": lambda: services.evidence_attach(
            access=_as(org.manager, assessment),
            criterion_code="SP1-1-02",
            upload=SimpleUploadedFile("late.txt", b"late"),
            user=org.manager,
        ),
        "remove evidence": lambda: services.evidence_delete(
            access=_as(org.manager, assessment), evidence=evidence, user=org.manager
        ),
        "submit": lambda: services.assessment_submit(access=_as(org.manager, assessment), user=org.manager),
        "review": lambda: services.review_record(
            access=_as(org.consultant, assessment),
            criterion_code="SP1-1-01",
            data=services.ReviewInput(verified_rating="N", review_comment="changed my mind"),
            user=org.consultant,
        ),
        "return": lambda: services.assessment_return(
            access=_as(org.consultant, assessment), user=org.consultant, reason="again"
        ),
        "approve again": lambda: services.assessment_approve(
            access=_as(org.consultant, assessment), user=org.consultant, note="again"
        ),
    }
    for name, write in writes.items():
        with pytest.raises(ValidationError):
            write()
        assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.APPROVED, name
    assert (
        list(assessment.answers.order_by("pk").values_list("rating", "verified_rating", "revision"))
        == answers
    )
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert (Assessment.history.count(), Answer.history.count(), Evidence.history.count()) == history


def test_approved_evidence_cannot_be_removed_on_the_web(
    client: Client, approved: tuple[Assessment, Evidence], org: Org
) -> None:
    _assessment, evidence = approved
    client.force_login(org.manager)
    client.post(reverse("assessments:evidence_delete", args=[evidence.pk]))
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert evidence.file.storage.exists(evidence.file.name or "")


def test_deleting_an_account_keeps_the_history_readable(
    client: Client, approved: tuple[Assessment, Evidence], org: Org
) -> None:
    assessment, _evidence = approved
    contributor = org.contributor.username
    rows = Answer.history.filter(assessment_id=assessment.pk, history_user=org.contributor).count()
    assert rows
    org.contributor.delete()
    assert not get_user_model().objects.filter(username=contributor).exists()
    orphaned = Answer.history.filter(assessment_id=assessment.pk, history_username=contributor)
    assert orphaned.count() == rows
    assert all(row.history_user_id is None for row in orphaned)
    assert contributor in {entry.who for entry in assessment_history(assessment=assessment)}
    client.force_login(org.manager)
    page = client.get(reverse("assessments:history", args=[assessment.pk]))
    assert page.status_code == 200
    assert contributor in page.content.decode()
    # The answer itself is still there; who last changed it is simply no longer an account.
    assert assessment.answers.get(criterion__code="SP1-1-01").updated_by is None


def test_history_rows_name_their_author_whichever_way_they_were_written(
    assessment: Assessment, org: Org
) -> None:
    # Bulk (the answers created with the assessment) and save() (a later answer) alike.
    created = Answer.history.filter(assessment_id=assessment.pk, history_type="+")
    assert created.exists()
    assert set(created.values_list("history_username", flat=True)) == {org.manager.username}
    record(assessment, org.contributor, "SP1-1-01", "L")
    latest = Answer.history.filter(assessment_id=assessment.pk).latest("history_id")
    assert latest.history_username == org.contributor.username
    assert Assessment.history.get(id=assessment.pk).history_username == org.manager.username
