"""Rendering reports to PDF, with a cache for approved assessments.

The PDF of an approved assessment is cached under the SHA-256 of its HTML: whatever the report shows is in
that HTML (levels, texts in the reader's language, comments, evidence names, the approval date), so the
cached file is served again exactly until something it shows changes, and no invalidation rule can be
forgotten. Other states change with every answer, so their PDFs are rendered on each request.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from assessments import workflow
from assessments.models import Assessment

from .pdf import html_to_pdf
from .selectors import comparison_build, report_build

logger = logging.getLogger(__name__)

CACHE_FOLDER = "report-cache"


def report_document_html(*, assessment: Assessment) -> str:
    """The report as one self-contained HTML document for printing (the PDF's source)."""
    return render_to_string("reports/report_document.html", {"report": report_build(assessment=assessment)})


def _cache_name(assessment: Assessment, html: str) -> str:
    digest = hashlib.sha256(html.encode()).hexdigest()
    return f"{CACHE_FOLDER}/{assessment.organisation_id}/{assessment.pk}/{digest}.pdf"


def report_pdf_render(*, assessment: Assessment) -> bytes:
    """PDF bytes of the assessment's report in the active language (cached once approved)."""
    html = report_document_html(assessment=assessment)
    # Asked of the database, not of the object passed in, which may be older than the approval.
    if not Assessment.objects.filter(pk=assessment.pk, state=workflow.State.APPROVED).exists():
        return html_to_pdf(html)
    name = _cache_name(assessment, html)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as cached:
            data: bytes = cached.read()
        if data.startswith(b"%PDF"):
            return data
    pdf = html_to_pdf(html)
    try:
        default_storage.save(name, ContentFile(pdf))
    except OSError:  # a full or read-only disk costs the cache, not the download
        logger.exception("could not cache the report PDF %s", name)
    return pdf


def report_cache_clear(*, assessment: Assessment) -> int:
    """Removes the cached PDFs of one assessment (e.g. before its organisation's data is erased)."""
    folder = f"{CACHE_FOLDER}/{assessment.organisation_id}/{assessment.pk}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    return len(files)


def report_cache_clear_organisation(*, organisation_id: int) -> int:
    """Removes the cached PDFs of every assessment of one organisation (its data is being erased)."""
    folder = f"{CACHE_FOLDER}/{organisation_id}"
    try:
        assessment_folders, _files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    removed = 0
    for name in assessment_folders:
        _dirs, files = default_storage.listdir(f"{folder}/{name}")
        for file in files:
            default_storage.delete(f"{folder}/{name}/{file}")
        removed += len(files)
    return removed


def comparison_pdf_render(*, before: Assessment, after: Assessment) -> bytes:
    html = render_to_string(
        "reports/comparison_document.html", {"comparison": comparison_build(before=before, after=after)}
    )
    return html_to_pdf(html)
