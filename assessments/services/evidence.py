"""Writes of evidence files: attached to an answer, or removed, while the organisation may change it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ..access import AssessmentAccess
from ..evidence import check_evidence_file, safe_original_name
from ..models import Evidence
from .answers import answer_for, ensure_answers_editable, lock_for_organisation_change


def evidence_attach(
    *, access: AssessmentAccess, criterion_code: str, upload: UploadedFile, user: User
) -> Evidence:
    """Checks the file, then stores it and its row in one transaction that first locks the assessment
    while it is editable: an upload racing the submission is refused, never landing after it."""
    ensure_answers_editable(access)
    checked = check_evidence_file(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    evidence: Evidence | None = None
    try:
        with transaction.atomic():
            lock_for_organisation_change(access.assessment)
            evidence = Evidence(
                answer=answer_for(access.assessment, criterion_code),
                original_name=safe_original_name(checked.original_name),
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=user,
            )
            evidence._history_user = user  # type: ignore[attr-defined]
            evidence.file.save(f"upload.{checked.extension}", upload, save=False)
            evidence.save()
    except Exception:
        # The file is written before the row: when the transaction fails, remove the orphan.
        if evidence is not None and evidence.file.name:
            evidence.file.delete(save=False)
        raise
    return evidence


def evidence_delete(*, access: AssessmentAccess, evidence: Evidence, user: User) -> None:
    ensure_answers_editable(access)
    with transaction.atomic():
        lock_for_organisation_change(access.assessment)
        storage, name = evidence.file.storage, evidence.file.name
        evidence._history_user = user  # type: ignore[attr-defined]
        evidence.delete()
        # Delete the file only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(name) if name else None)
