"""Saves that race on separate connections: the database decides, nobody's work is silently lost.

Run on both databases: SQLite (IMMEDIATE transactions queue the writers) and PostgreSQL (row locks).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Answer, Assessment, AssessmentState, Evidence
from capability_model.models import CapabilityModel
from tests.assessments.conftest import Org, make_org, record

pytestmark = pytest.mark.django_db(transaction=True)


def _race(**jobs: Callable[[], object]) -> dict[str, str]:
    """Runs the jobs at the same moment, each on its own connection; says how each ended."""
    barrier = threading.Barrier(len(jobs))
    outcomes: dict[str, str] = {}

    def run(name: str) -> None:
        translation.activate("en")  # the language is per thread
        try:
            barrier.wait(timeout=10)
            jobs[name]()
            outcomes[name] = "done"
        except ValidationError as exc:
            outcomes[name] = exc.code or " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted(jobs)
    return outcomes


@pytest.fixture
def race_org(shipped_model: CapabilityModel) -> Org:
    return make_org("Race Centre")


def _start(org: Org, model: CapabilityModel) -> Assessment:
    return services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=model,
        title="race",
        target_level=1,
        allow_retired=True,
    )


def test_two_autosaves_of_the_same_answer(race_org: Org, shipped_model: Any) -> None:
    assessment = _start(race_org, shipped_model)
    history_before = Answer.history.filter(assessment_id=assessment.pk).count()

    def save(user: Any, rating: str) -> Callable[[], object]:
        def job() -> object:
            access = assessment_get_for_user(user=user, pk=assessment.pk)
            data = services.AnswerInput(
                rating=rating, comment="", justification="", flagged=False, revision=0
            )
            return services.answer_record(access=access, criterion_code="SP1-1-01", data=data, user=user)

        return job

    outcomes = _race(manager=save(race_org.manager, "F"), contributor=save(race_org.contributor, "P"))
    assert sorted(outcomes.values()) == ["conflict", "done"], outcomes
    winner = race_org.manager if outcomes["manager"] == "done" else race_org.contributor
    answer = Answer.objects.get(assessment=assessment, criterion__code="SP1-1-01")
    assert (answer.rating, answer.updated_by, answer.revision) == (
        "F" if winner == race_org.manager else "P",
        winner,
        1,
    )
    added = Answer.history.filter(assessment_id=assessment.pk).order_by("history_id")[history_before:]
    assert [(row.rating, row.history_user_id) for row in added] == [(answer.rating, winner.pk)]


def test_an_upload_racing_the_submission_never_lands_after_it(race_org: Org, shipped_model: Any) -> None:
    assessment = _start(race_org, shipped_model)
    for answer in assessment.answers.select_related("criterion").filter(criterion__level=1):
        record(assessment, race_org.manager, answer.criterion.code, "F")
    manager = assessment_get_for_user(user=race_org.manager, pk=assessment.pk)
    contributor = assessment_get_for_user(user=race_org.contributor, pk=assessment.pk)

    def upload() -> object:
        return services.evidence_attach(
            access=contributor,
            criterion_code="SP1-1-01",
            upload=SimpleUploadedFile("minutes.txt", b"QA minutes"),
            user=race_org.contributor,
        )

    outcomes = _race(
        submit=lambda: services.assessment_submit(access=manager, user=race_org.manager), upload=upload
    )
    assert outcomes["submit"] == "done", outcomes
    submitted = Assessment.objects.get(pk=assessment.pk)
    assert submitted.state == AssessmentState.SUBMITTED
    files = Evidence.objects.filter(answer__assessment=assessment)
    assert submitted.submitted_at is not None
    if outcomes["upload"] == "done":
        assert files.get().uploaded_at <= submitted.submitted_at
    else:
        assert not files.exists()  # refused: nothing half-written either


def test_a_deletion_racing_the_submission_never_lands_after_it(race_org: Org, shipped_model: Any) -> None:
    assessment = _start(race_org, shipped_model)
    for answer in assessment.answers.select_related("criterion").filter(criterion__level=1):
        record(assessment, race_org.manager, answer.criterion.code, "F")
    manager = assessment_get_for_user(user=race_org.manager, pk=assessment.pk)
    contributor = assessment_get_for_user(user=race_org.contributor, pk=assessment.pk)
    evidence = services.evidence_attach(
        access=contributor,
        criterion_code="SP1-1-01",
        upload=SimpleUploadedFile("minutes.txt", b"QA minutes"),
        user=race_org.contributor,
    )
    stored_name, evidence_pk = str(evidence.file.name), evidence.pk  # delete() clears the pk

    def delete() -> None:
        services.evidence_delete(access=contributor, evidence=evidence, user=race_org.contributor)

    outcomes = _race(
        submit=lambda: services.assessment_submit(access=manager, user=race_org.manager), delete=delete
    )
    assert outcomes["submit"] == "done", outcomes
    submitted = Assessment.objects.get(pk=assessment.pk)
    assert submitted.state == AssessmentState.SUBMITTED
    assert submitted.submitted_at is not None
    removals = Evidence.history.filter(id=evidence_pk, history_type="-")
    if outcomes["delete"] == "done":
        # It went before the submission: no row, no file, and its history says so before submitted_at.
        assert not Evidence.objects.filter(pk=evidence_pk).exists()
        assert removals.get().history_date <= submitted.submitted_at
        assert not evidence.file.storage.exists(stored_name)
    else:
        # Refused: the row, its file and its history are as they were.
        assert Evidence.objects.filter(pk=evidence_pk).exists()
        assert not removals.exists()
        assert evidence.file.storage.exists(stored_name)
