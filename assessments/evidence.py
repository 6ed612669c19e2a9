"""Validation of uploaded evidence files: by name and by content, never trusting the browser's type.

Consultants and auditors open these files on their own machines, so an executable renamed to ``.pdf`` or
an HTML page renamed to ``.png`` must not get in. Each accepted type is recognised by its leading bytes
(Office files by the parts of their ZIP package, from its directory), then by its structure
(``assessments.evidence_structure``: pypdf, Pillow, every Office member unpacked within a bound, no markup
near the start, no macro code however named); text files must decode and hold no binary. No model code
here: ``services.evidence_attach`` calls ``check_evidence_file`` and stores the file under a random name,
keeping ``safe_original_name`` only for display and download.
"""

from __future__ import annotations

import codecs
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import evidence_structure as structure

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

# Fixed by extension: the browser's Content-Type is whatever the client claims, so it is never used.
# Text types carry no charset because a file may be UTF-8 or GB18030.
CONTENT_TYPES: Final[dict[str, str]] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
}
ALLOWED_EXTENSIONS: Final[frozenset[str]] = frozenset(CONTENT_TYPES)

FILE_TOO_LARGE: Final = _("The file is %(size)s; the limit is %(limit)s.")
FILE_EMPTY: Final = _("The file is empty.")
BAD_EXTENSION: Final = _(
    "Files of type .%(extension)s are not accepted. Allowed: pdf, png, jpg, docx, xlsx, pptx, txt, csv."
)
NO_EXTENSION: Final = _("The file name has no extension. Allowed: pdf, png, jpg, docx, xlsx, pptx, txt, csv.")
CONTENT_MISMATCH: Final = _("The file's content is not a valid %(extension)s file.")
BAD_NAME: Final = _("The file name is not usable.")

_SIGNATURES: Final[dict[str, bytes]] = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
}
# The main part of each Office package; compared in lower case, as OPC part names are case-insensitive.
_OFFICE_MAIN_PART: Final[dict[str, str]] = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_OFFICE_CONTENT_TYPES_PART: Final = "[content_types].xml"
# Macro-enabled documents use other extensions (.docm, .xlsm, .pptm); one disguised as .docx is refused.
_MACRO_PART_SUFFIX: Final = "vbaproject.bin"

_ZIP_LOCAL_HEADER: Final = b"PK\x03\x04"
_ZIP_END_SIGNATURE: Final = b"PK\x05\x06"
_ZIP64_LOCATOR_SIGNATURE: Final = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE: Final = 20
# End of central directory: signature, this disk, directory's disk, entries here, entries in all,
# directory size, directory offset, comment length.
_ZIP_END: Final = struct.Struct("<4s4H2LH")
_ZIP_MAX_COMMENT: Final = 0xFFFF
# What zipfile raises on a damaged or hostile directory (a bad UTF-8 name is a ValueError).
_ZIP_ERRORS: Final = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, struct.error)
# Real Office files have at most a few thousand parts and a directory of a few hundred KiB. zipfile builds
# an object per directory entry, so these bounds keep a crafted archive from costing much memory.
_ZIP_MAX_ENTRIES: Final = 10_000
_ZIP_MAX_DIRECTORY_BYTES: Final = 1024 * 1024

_SNIFF_BYTES: Final = 1024  # what browsers look at for markup
_TEXT_SAMPLE_BYTES: Final = 64 * 1024
_TEXT_ENCODINGS: Final = ("utf-8-sig", "gb18030")  # GB18030: Excel's CSV export on Chinese Windows
_TEXT_WHITESPACE_CONTROLS: Final = frozenset("\t\n\r\f\v")
# A stray control character (a DOS end-of-file Ctrl-Z, say) is tolerated; binary data has far more.
_TEXT_MAX_CONTROLS_PER_100: Final = 1

_MAX_NAME_LENGTH: Final = 200
_MAX_KEPT_EXTENSION: Final = 16  # longer than this after the last dot is not an extension worth keeping
_PATH_SEPARATORS: Final = re.compile(r"[/\\]")
_WHITESPACE: Final = re.compile(r"\s+")
_SIZE_UNITS: Final = ("KB", "MB", "GB", "TB")


@dataclass(frozen=True, slots=True)
class CheckedFile:
    original_name: str
    extension: str
    content_type: str
    size: int


def human_size(size: int) -> str:
    """``2048`` → ``"2.0 KB"``, ``20 * 1024 * 1024`` → ``"20.0 MB"`` (binary multiples)."""
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in _SIZE_UNITS:
        value /= 1024
        # Compare the rounded value so that 1,048,575 bytes reads "1.0 MB", not "1024.0 KB".
        if round(value, 1) < 1024 or unit == _SIZE_UNITS[-1]:
            break
    return f"{value:.1f} {unit}"


def safe_original_name(name: str) -> str:
    """The file's own name, fit to show and to offer as a download name; raises ``BAD_NAME`` if none is left.

    Only the part after the last ``/`` or ``\\`` (browsers on Windows may send a full path), NFC-normalised,
    whitespace collapsed to single spaces, control and format characters (NUL, bidi overrides) removed,
    leading and trailing dots and spaces stripped, at most 200 characters with the extension kept.
    """
    base = _PATH_SEPARATORS.split(name)[-1]
    # Whitespace is kept here so that a tab or newline becomes a space below rather than disappearing.
    base = "".join(ch for ch in base if ch.isspace() or unicodedata.category(ch)[0] != "C")
    base = unicodedata.normalize("NFC", _WHITESPACE.sub(" ", base))
    # Leading dots would make a hidden file (or ".."); Windows drops trailing dots and spaces anyway.
    base = base.strip(" .")
    if len(base) > _MAX_NAME_LENGTH:
        stem, dot, extension = base.rpartition(".")
        if dot and stem and len(extension) <= _MAX_KEPT_EXTENSION:
            base = f"{stem[: _MAX_NAME_LENGTH - len(extension) - 1].rstrip(' .')}.{extension}"
        else:
            base = base[:_MAX_NAME_LENGTH].rstrip(" .")
    if not any(ch.isalnum() for ch in base):
        raise ValidationError(BAD_NAME, code="bad_name")
    return base


def check_evidence_file(upload: UploadedFile[bytes], *, max_bytes: int) -> CheckedFile:
    """The checked facts about an acceptable upload; otherwise ``ValidationError`` with one message.

    Checks, in order: a usable name, an allowed extension, not empty, within ``max_bytes``, and content
    that is really of the type the extension says. Leaves the file at position 0.
    """
    name = safe_original_name(upload.name or "")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if not extension:
        raise ValidationError(NO_EXTENSION, code="bad_extension")
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(BAD_EXTENSION, code="bad_extension", params={"extension": extension})
    size = upload.size if upload.size is not None else _measure(upload)
    if size == 0:
        raise ValidationError(FILE_EMPTY, code="file_empty")
    if size > max_bytes:
        raise ValidationError(
            FILE_TOO_LARGE,
            code="file_too_large",
            params={"size": human_size(size), "limit": human_size(max_bytes)},
        )
    try:
        matches = _content_matches(upload, extension, size)
    finally:
        upload.seek(0)
    if not matches:
        raise ValidationError(CONTENT_MISMATCH, code="content_mismatch", params={"extension": extension})
    return CheckedFile(
        original_name=name, extension=extension, content_type=CONTENT_TYPES[extension], size=size
    )


def _measure(upload: UploadedFile[bytes]) -> int:
    # Upload handlers always set the size; this is for hand-built UploadedFile objects that do not.
    upload.seek(0, 2)
    size: int = upload.tell()
    upload.seek(0)
    return size


def _content_matches(upload: UploadedFile[bytes], extension: str, size: int) -> bool:
    upload.seek(0)
    if extension in _SIGNATURES:
        signature = _SIGNATURES[extension]
        head: bytes = upload.read(_SNIFF_BYTES)
        if not head.startswith(signature) or structure.has_markup_near_start(head):
            return False
        upload.seek(0)
        if extension == "pdf":
            return structure.is_pdf(upload)
        return structure.is_image(upload, "PNG" if extension == "png" else "JPEG")
    if extension in _OFFICE_MAIN_PART:
        if not _is_office_package(upload, size, _OFFICE_MAIN_PART[extension]):
            return False
        upload.seek(0)
        return structure.office_package_is_clean(upload)
    sample: bytes = upload.read(_TEXT_SAMPLE_BYTES)
    return _is_text(sample, complete=size <= _TEXT_SAMPLE_BYTES)


def _is_office_package(upload: UploadedFile[bytes], size: int, main_part: str) -> bool:
    # A real package starts with a member; zip readers also accept data in front of the archive, which
    # would let an executable with a ZIP appended pass as .docx.
    if upload.read(len(_ZIP_LOCAL_HEADER)) != _ZIP_LOCAL_HEADER:
        return False
    if not _zip_directory_is_small(upload, size):
        return False
    upload.seek(0)
    try:
        # Only the central directory is read here; evidence_structure then unpacks within a bound.
        with zipfile.ZipFile(upload) as archive:
            names = {name.lower() for name in archive.namelist()}
    except _ZIP_ERRORS:
        return False
    if any(name.endswith(_MACRO_PART_SUFFIX) for name in names):
        return False
    return {_OFFICE_CONTENT_TYPES_PART, main_part} <= names


def _zip_directory_is_small(upload: UploadedFile[bytes], size: int) -> bool:
    """Whether the end record declares a single-disk, non-ZIP64 directory within our bounds.

    Found the way zipfile finds it (at the very end if there is no comment, else the last signature
    within a comment's reach), so that the record checked here is the one zipfile will then use.
    """
    window = min(size, _ZIP_END.size + _ZIP_MAX_COMMENT + 1)
    # A few bytes more in front of the window, to see a ZIP64 locator just before the end record.
    before = min(size - window, _ZIP64_LOCATOR_SIZE)
    upload.seek(size - window - before)
    data: bytes = upload.read(window + before)
    if data[-_ZIP_END.size : -_ZIP_END.size + 4] == _ZIP_END_SIGNATURE and data[-2:] == b"\0\0":
        start = len(data) - _ZIP_END.size
    else:
        start = data.rfind(_ZIP_END_SIGNATURE, before)
        if start < 0 or len(data) - start < _ZIP_END.size:
            return False
    # zipfile trusts a ZIP64 record found there over the end record's own counts; Office files this
    # small never need one.
    locator = start - _ZIP64_LOCATOR_SIZE
    if locator >= 0 and data[locator : locator + 4] == _ZIP64_LOCATOR_SIGNATURE:
        return False
    fields: tuple[bytes, int, int, int, int, int, int, int] = _ZIP_END.unpack_from(data, start)
    _, disk, directory_disk, _, entries, directory_bytes, _, _ = fields
    return (
        disk == directory_disk == 0
        and entries <= _ZIP_MAX_ENTRIES
        and (directory_bytes <= _ZIP_MAX_DIRECTORY_BYTES)
    )


def _is_text(sample: bytes, *, complete: bool) -> bool:
    if b"\x00" in sample:
        return False
    for encoding in _TEXT_ENCODINGS:
        # Incremental decoding with final=False accepts a sample cut inside a multi-byte character.
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            text = decoder.decode(sample, final=complete)
        except UnicodeDecodeError:
            continue
        controls = sum(
            1 for ch in text if ch not in _TEXT_WHITESPACE_CONTROLS and unicodedata.category(ch) == "Cc"
        )
        return controls <= max(1, len(text) * _TEXT_MAX_CONTROLS_PER_100 // 100)
    return False
