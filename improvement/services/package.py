"""The certification package of an approved assessment: one zip an auditor can check offline.

Built by the task queue (``improvement.package_jobs``), never in a request. Contents: the report PDF in both
languages, the workbook, every evidence file with an index mapping criteria to files, the action plan and
the history of every answer as CSV, the readiness statement, ``manifest.json`` with the approved record and
its SHA-256, and ``SHA256SUMS`` (every file's SHA-256) signed with the portal's Ed25519 key
(``SHA256SUMS.sig``, ``signing-key.pem``), with ``VERIFY.txt`` saying how to check it all with ``openssl``
and ``sha256sum`` (``improvement.package_check`` does the same in Python).
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
from ..package_check import CHECKSUMS, MANIFEST, PUBLIC_KEY, SIGNATURE, VERIFY, checksums_text, sha256
from ..package_text import verify_text
from ..presentation import readiness_statement
from ..selectors import readiness_for
from ..signing import public_key_fingerprint, public_key_pem, sign

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
        "signing_key_sha256": public_key_fingerprint(),
        "files": [
            {"path": name, "sha256": sha256(data), "size": len(data)} for name, data in sorted(files.items())
        ],
    }
    files[MANIFEST] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    files[PUBLIC_KEY] = public_key_pem()
    files[VERIFY] = verify_text(assessment=assessment, fingerprint=public_key_fingerprint()).encode()
    listing = checksums_text(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(CHECKSUMS, listing)
        archive.writestr(SIGNATURE, sign(listing))
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    return buffer.getvalue()


PACKAGE_FORMAT = 2  # raise when the package's layout changes, so older zips are built afresh


def package_digest(*, assessment: Assessment) -> str:
    """The SHA-256 of everything the package is built from (a few small queries, no files read): equal
    digests give packages with the same content, so one built zip serves every later request."""
    actions = assessment.actions.order_by("pk")
    inputs = {
        "format": PACKAGE_FORMAT,
        "record": _record(assessment),
        "evidence": list(
            Evidence.objects.filter(answer__assessment=assessment).order_by("pk").values_list("pk", "size")
        ),
        "actions": [[pk, updated.isoformat()] for pk, updated in actions.values_list("pk", "updated_at")],
        "action_criteria": list(actions.values_list("pk", "criteria__code").order_by("pk", "criteria__code")),
        "closure": list(
            ActionEvidence.objects.filter(action__assessment=assessment)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "history": Answer.history.filter(assessment_id=assessment.pk).count(),
        "key": public_key_fingerprint(),
    }
    return sha256(json.dumps(inputs, ensure_ascii=False, sort_keys=True, default=str).encode())
