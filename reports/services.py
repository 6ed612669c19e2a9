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
from .selectors import Report, comparison_build, report_build

logger = logging.getLogger(__name__)

CACHE_FOLDER = "report-cache"


def _document_html(report: Report) -> str:
    return render_to_string("reports/report_document.html", {"report": report})


def report_document_html(*, assessment: Assessment) -> str:
    """The report as one self-contained HTML document for printing (the PDF's source)."""
    return _document_html(report_build(assessment=assessment))


def _cache_folder(organisation_id: int, assessment_id: int | None = None) -> str:
    folder = f"{CACHE_FOLDER}/{organisation_id}"
    return folder if assessment_id is None else f"{folder}/{assessment_id}"


def report_pdf_render(*, assessment: Assessment) -> bytes:
    """PDF bytes of the assessment's report in the active language (cached once approved)."""
    report = report_build(assessment=assessment)
    html = _document_html(report)
    # The report's own read of the assessment, not the object passed in, which may predate the approval.
    if report.assessment.state != workflow.State.APPROVED:
        return html_to_pdf(html)
    name = report_pdf_name(assessment=assessment, digest=html_digest(html))
    cached = cached_pdf(name)
    if cached is not None:
        return cached
    pdf = html_to_pdf(html)
    pdf_store(name, pdf)
    return pdf


def html_digest(html: str) -> str:
    """The content hash that names a report's PDF: the HTML holds everything it shows, language included."""
    return hashlib.sha256(html.encode()).hexdigest()


def report_pdf_name(*, assessment: Assessment, digest: str) -> str:
    """Where the PDF of this content is kept in the default storage (the cache and the background jobs)."""
    return f"{_cache_folder(assessment.organisation_id, assessment.pk)}/{digest}.pdf"


def cached_pdf(name: str) -> bytes | None:
    """The stored PDF, or None when it is missing or not a PDF (a half-written file is not served)."""
    try:
        if not default_storage.exists(name):
            return None
        with default_storage.open(name, "rb") as cached:
            data: bytes = cached.read()
    except OSError:
        return None
    return data if data.startswith(b"%PDF") else None


def pdf_store(name: str, pdf: bytes) -> str | None:
    """Saves the PDF under ``name`` (replacing an older copy); the name it got, None if storage refused."""
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
        saved: str = default_storage.save(name, ContentFile(pdf))
    except OSError:  # a full or read-only disk costs the cache, not the download
        logger.exception("could not store the report PDF %s", name)
        return None
    return saved


def _delete_files(folder: str) -> int:
    """Deletes every file below ``folder`` in the default storage; the count deleted."""
    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    return len(files) + sum(_delete_files(f"{folder}/{name}") for name in folders)


def report_cache_clear(*, assessment: Assessment) -> int:
    """Removes the cached PDFs of one assessment."""
    return _delete_files(_cache_folder(assessment.organisation_id, assessment.pk))


def report_cache_clear_organisation(*, organisation_id: int) -> int:
    """Removes the cached PDFs of every assessment of one organisation (its data is being erased)."""
    return _delete_files(_cache_folder(organisation_id))


def comparison_document_html(*, before: Assessment, after: Assessment) -> str:
    return render_to_string(
        "reports/comparison_document.html", {"comparison": comparison_build(before=before, after=after)}
    )


def comparison_pdf_render(*, before: Assessment, after: Assessment) -> bytes:
    return html_to_pdf(comparison_document_html(before=before, after=after))
