"""Closure evidence of an action: a file checked exactly as answers' evidence is (type by content, size)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from assessments.evidence import check_evidence_file, safe_original_name

from ..access import ActionPlanAccess
from ..models import Action, ActionEvidence
from .actions import ensure_can_update


def action_evidence_attach(
    *, access: ActionPlanAccess, action: Action, upload: UploadedFile, user: User
) -> ActionEvidence:
    """Checks the file, then stores it and its row in one transaction (the file removed if that fails)."""
    ensure_can_update(access, action)
    checked = check_evidence_file(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    evidence: ActionEvidence | None = None
    try:
        with transaction.atomic():
            evidence = ActionEvidence(
                action=Action.objects.select_for_update().get(
                    pk=action.pk, assessment=access.assessment_access.assessment
                ),
                original_name=safe_original_name(checked.original_name),
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=user,
            )
            evidence._history_user = user  # type: ignore[attr-defined]
            evidence.file.save(f"upload.{checked.extension}", upload, save=False)
            evidence.save()
    except Exception:
        if evidence is not None and evidence.file.name:
            evidence.file.delete(save=False)
        raise
    return evidence
