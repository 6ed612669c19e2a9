"""The certification package of an approved assessment: one zip an auditor can check offline.

Built synchronously behind ``certification_package_build`` (the project has no task queue yet; moving it to
one means calling this function from a task and storing the bytes). Contents: the report PDF in both
languages, the workbook, every evidence file with an index mapping criteria to files, the action plan and
the history of every answer as CSV, the readiness statement, and ``manifest.json`` with the SHA-256 of
every file and of the approved record (``improvement.package_check`` verifies it).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.utils import timezone, translation
from django.utils.text import get_valid_filename

from assessments.models import Answer, Assessment, Evidence
from reports.services import report_pdf_render
from reports.spreadsheets import assessment_workbook

from ..exports import action_plan_csv, action_plan_xlsx, table_csv
from ..models import ActionEvidence
from ..package_check import MANIFEST, sha256
from ..presentation import readiness_statement
from ..selectors import readiness_for

LANGUAGES = ("en", "zh-hans")


def _answer_history_csv(assessment: Assessment) -> bytes:
    rows = Answer.history.filter(assessment_id=assessment.pk).select_related("criterion", "history_user")
    return table_csv(
        ["when", "who", "criterion", "change", "rating", "verified_rating", "comment", "review_comment"],
        [
            [
                r.history_date.isoformat(),
                r.history_user.get_username() if r.history_user else r.history_username,
                r.criterion.code,
                r.history_type,
                r.rating,
                r.verified_rating,
                r.comment,
                r.review_comment,
            ]
            for r in rows.order_by("history_date", "history_id")
        ],
    )


def _record(assessment: Assessment) -> dict[str, Any]:
    """The approved record itself: what was rated, verified and said, criterion by criterion."""
    answers = (
        Answer.objects.filter(assessment=assessment).select_related("criterion").order_by("criterion__code")
    )
    return {
        "assessment": assessment.pk,
        "organisation": assessment.organisation.name,
        "title": assessment.title,
        "model": f"{assessment.capability_model.code} v{assessment.capability_model.version}",
        "target_level": assessment.target_level,
        "state": assessment.state,
        "decided_at": assessment.decided_at.isoformat() if assessment.decided_at else None,
        "answers": [
            [a.criterion.code, a.rating, a.verified_rating, a.justification, a.comment, a.review_comment]
            for a in answers
        ],
    }


def certification_package_build(*, assessment: Assessment) -> bytes:
    """The zip's bytes (the caller has checked access and that the assessment is approved)."""
    files: dict[str, bytes] = {}
    for language in LANGUAGES:
        with translation.override(language):
            files[f"report-{language}.pdf"] = report_pdf_render(assessment=assessment)
            if language == LANGUAGES[0]:
                files["workbook.xlsx"] = assessment_workbook(assessment=assessment)
                verdicts = readiness_for(
                    assessment=assessment, today=timezone.localdate(), with_verified=True
                )
                files["readiness.txt"] = readiness_statement(
                    verdicts, target_level=assessment.target_level
                ).encode()
    index_rows = []
    evidence = Evidence.objects.filter(answer__assessment=assessment).select_related(
        "answer__criterion", "uploaded_by"
    )
    for item in evidence.order_by("answer__criterion__code", "uploaded_at", "pk"):
        code = item.answer.criterion.code
        path = f"evidence/{code}/{item.pk}-{get_valid_filename(item.original_name) or 'file'}"
        with item.file.open("rb") as handle:
            files[path] = handle.read()
        uploaded_by = item.uploaded_by.get_username() if item.uploaded_by else ""
        index_rows.append([code, path, item.original_name, item.uploaded_at.isoformat(), uploaded_by])
    closure = ActionEvidence.objects.filter(action__assessment=assessment).select_related(
        "action", "uploaded_by"
    )
    for done in closure.order_by("action_id", "uploaded_at", "pk"):
        path = (
            f"action-evidence/{done.action_id}/{done.pk}-{get_valid_filename(done.original_name) or 'file'}"
        )
        with done.file.open("rb") as handle:
            files[path] = handle.read()
        uploaded_by = done.uploaded_by.get_username() if done.uploaded_by else ""
        index_rows.append(
            [f"action {done.action_id}", path, done.original_name, done.uploaded_at.isoformat(), uploaded_by]
        )
    files["evidence-index.csv"] = table_csv(
        ["criterion", "file", "original_name", "uploaded_at", "uploaded_by"], index_rows
    )
    files["action-plan.csv"] = action_plan_csv(assessment=assessment)
    files["action-plan.xlsx"] = action_plan_xlsx(assessment=assessment)
    files["answer-history.csv"] = _answer_history_csv(assessment)
    record = _record(assessment)
    manifest = {
        "generated_at": timezone.now().isoformat(),
        "record": record,
        "record_sha256": sha256(json.dumps(record, ensure_ascii=False, sort_keys=True).encode()),
        "files": [
            {"path": name, "sha256": sha256(data), "size": len(data)} for name, data in sorted(files.items())
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    return buffer.getvalue()
