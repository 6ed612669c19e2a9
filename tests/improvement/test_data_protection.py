"""The action plan travels with its organisation: exported, erased and restored with its assessments —
actions, their criteria, closure evidence files and the history — though ``assessments`` never imports
``improvement`` (the registry of archive parts)."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.data_protection import organisation_delete, organisation_export, organisation_restore
from assessments.models import Assessment
from improvement import services
from improvement.access import action_plan_get_for_user
from improvement.models import Action, ActionEvidence
from tests.assessments.conftest import Org

pytestmark = pytest.mark.django_db


def test_actions_are_exported_erased_and_restored(
    org: Org, assessment: Assessment, django_capture_on_commit_callbacks: Any
) -> None:
    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    action = services.action_create(
        access=access,
        user=org.manager,
        data=services.ActionInput(
            title="Write the strategy", criteria="SP1-1-01 SP1-1-02", owner=org.contributor,
            due_date=date(2027, 1, 31), notes="board approval first",
        ),
    )  # fmt: skip
    services.action_status_set(access=access, action=action, user=org.manager, status="done")
    services.action_evidence_attach(
        access=access, action=action, upload=SimpleUploadedFile("minutes.txt", b"approved"), user=org.manager
    )
    stored = ActionEvidence.objects.get().file.name
    history = Action.history.filter(id=action.pk).count()

    data = organisation_export(organisation=org.organisation)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert stored in names
    with django_capture_on_commit_callbacks(execute=True):
        organisation_delete(organisation=org.organisation)
    assert not Action.objects.exists()
    assert not Action.history.exists()
    assert not default_storage.exists(stored)

    summary = organisation_restore(data=data)
    assert summary.evidence_files == 1
    restored = Action.objects.get()
    assert restored.owner is not None
    assert (restored.title, restored.status, restored.owner.username, restored.due_date) == (
        "Write the strategy", "done", org.contributor.username, date(2027, 1, 31),
    )  # fmt: skip
    assert sorted(c.code for c in restored.criteria.all()) == ["SP1-1-01", "SP1-1-02"]
    assert Action.history.filter(id=action.pk).count() == history
    evidence = ActionEvidence.objects.get()
    with evidence.file.open("rb") as handle:
        assert handle.read() == b"approved"
