"""Validation of uploaded evidence files: by name and by content, never trusting the browser's type.

An auditor will open these files, so an executable renamed to ``.pdf`` or an HTML page renamed to
``.png`` must not get in. Each accepted type is recognised by its leading bytes (or, for Office files,
by the parts of its ZIP package); text files must decode and hold no binary.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

CONTENT_TYPES: Final[dict[str, str]] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv",
}
ALLOWED_EXTENSIONS: Final = frozenset(CONTENT_TYPES)

FILE_TOO_LARGE = _("The file is %(size)s; the limit is %(limit)s.")
FILE_EMPTY = _("The file is empty.")
BAD_EXTENSION = _(
    "Files of type .%(extension)s are not accepted. Allowed: pdf, png, jpg, docx, xlsx, pptx, txt, csv."
)
CONTENT_MISMATCH = _("The file's content is not a valid %(extension)s file.")
BAD_NAME = _("The file name is not usable.")

_SIGNATURES: Final[dict[str, tuple[bytes, ...]]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
_OFFICE_PARTS: Final[dict[str, str]] = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_MAX_ZIP_ENTRIES: Final = 10_000
_TEXT_SAMPLE: Final = 64 * 1024
_NAME_LIMIT: Final = 200


@dataclass(frozen=True, slots=True)
class CheckedFile:
    original_name: str
    extension: str
    content_type: str
    size: int


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def safe_original_name(name: str) -> str:
    """The file's own name (no folders, control characters or NUL), at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r"\s+", " ", base).strip().strip(".")
    if not base or not any(ch.isalnum() for ch in base):
        raise ValidationError(BAD_NAME, code="bad_name")
    if len(base) > _NAME_LIMIT:
        stem, dot, extension = base.rpartition(".")
        keep = extension[:10] if dot else ""
        base = (
            f"{(stem if dot else base)[: _NAME_LIMIT - len(keep) - 1].rstrip()}.{keep}"
            if keep
            else base[:_NAME_LIMIT]
        )
    return base


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # A sample may end inside a multi-byte character; ignore only that last partial character.
            text = (
                sample.decode(encoding)
                if len(sample) < _TEXT_SAMPLE
                else sample[:-4].decode(encoding, "strict")
            )
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f")
        return controls <= max(2, len(text) // 1000)
    return False


def _content_matches(upload: UploadedFile, extension: str) -> bool:
    upload.seek(0)
    try:
        if extension in _SIGNATURES:
            head = upload.read(16)
            return any(head.startswith(signature) for signature in _SIGNATURES[extension])
        if extension in _OFFICE_PARTS:
            try:
                with zipfile.ZipFile(upload) as archive:
                    names = archive.namelist()
            except (zipfile.BadZipFile, OSError, ValueError):
                return False
            return len(names) <= _MAX_ZIP_ENTRIES and {
                "[Content_Types].xml",
                _OFFICE_PARTS[extension],
            } <= set(names)
        return _looks_like_text(upload.read(_TEXT_SAMPLE))
    finally:
        upload.seek(0)


def check_evidence_file(upload: UploadedFile, *, max_bytes: int) -> CheckedFile:
    """Accepts an allowed, non-empty file within the size limit whose content matches its extension."""
    name = safe_original_name(upload.name or "")
    extension = _extension(name)
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(BAD_EXTENSION, code="bad_extension", params={"extension": extension or "?"})
    size = int(upload.size or 0)
    if size == 0:
        raise ValidationError(FILE_EMPTY, code="empty")
    if size > max_bytes:
        raise ValidationError(
            FILE_TOO_LARGE, code="too_large", params={"size": _human(size), "limit": _human(max_bytes)}
        )
    if not _content_matches(upload, extension):
        raise ValidationError(CONTENT_MISMATCH, code="content_mismatch", params={"extension": extension})
    return CheckedFile(name, extension, CONTENT_TYPES[extension], size)
