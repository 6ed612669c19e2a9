"""Structural checks of evidence files, after their leading bytes matched (``assessments.evidence``).

A signature says what a file claims to be; these read what it is. Each returns ``False`` for a file that
is not a well-formed member of its type, never raises:

- **Markup anywhere near the start** of a PDF or image: browsers and old viewers sniff the first few
  hundred bytes for HTML, so a ``%PDF-`` or PNG header followed by ``<html>`` or ``<svg>`` is a polyglot.
- **PDF**: parsed by pypdf (a well-kept, pure-Python reader the tests already used), which must find a
  trailer, a catalogue and at least one page.
- **PNG and JPEG**: opened by Pillow, which must recognise the format the extension names; PNG chunks are
  checked against their CRCs (``verify``), and the image's declared pixel count is bounded before
  anything is decoded (Pillow's own decompression-bomb limit).
- **Office packages**: every member is decompressed, by reading with a running total, never trusting the
  sizes the archive declares (a 1 GiB "kpi.xlsx" is refused after at most ``MAX_UNPACKED_BYTES``); zipfile
  checks each member's CRC as it goes. Macro code is refused however its part is named: by content type
  (``[Content_Types].xml``), relationship type (``*.rels``) or part name.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from typing import IO, Final

from PIL import Image
from pypdf import PdfReader

logger = logging.getLogger(__name__)

# Evidence is at most 20 MB; real Office files unpack to a few times that. A zip bomb stops here.
MAX_UNPACKED_BYTES: Final = 200 * 1024 * 1024
# Where browsers and viewers look for markup when they sniff a type.
_SNIFF_BYTES: Final = 1024
_MARKUP: Final = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed)", re.IGNORECASE)
_READ_CHUNK: Final = 1024 * 1024
_MAX_IMAGE_PIXELS: Final = 50_000_000  # 50 megapixels: any photo of a whiteboard, no decompression bomb
_MACRO_MARKERS: Final = (b"vbaproject", b"macroenabled", b"vbadata", b"activex")


def has_markup_near_start(head: bytes) -> bool:
    return _MARKUP.search(head[:_SNIFF_BYTES]) is not None


def is_pdf(stream: IO[bytes]) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(stream, strict=False)
            return len(reader.pages) >= 1 and reader.trailer.get("/Root") is not None
    except Exception:  # pypdf raises many kinds on hostile input; any of them means "not a PDF"
        logger.debug("Not a readable PDF", exc_info=True)
        return False


def is_image(stream: IO[bytes], image_format: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream, formats=[image_format]) as image:
                width, height = image.size
                if image.format != image_format or width * height > _MAX_IMAGE_PIXELS:
                    return False
                image.verify()
    except Exception:  # Pillow's errors for broken or hostile images vary by plug-in
        logger.debug("Not a readable %s image", image_format, exc_info=True)
        return False
    return True


def office_package_is_clean(stream: IO[bytes]) -> bool:
    """Every member unpacks within the bound with a good CRC, and nothing in it is macro code."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                return False  # declared too big: no need to read it to refuse it
            unpacked = 0
            for member in members:
                name = member.filename.lower()
                if any(marker in name.encode() for marker in _MACRO_MARKERS):
                    return False
                looks_inside = name == "[content_types].xml" or name.endswith(".rels")
                head = io.BytesIO()
                with archive.open(member) as part:
                    while chunk := part.read(_READ_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > MAX_UNPACKED_BYTES:
                            return False
                        if looks_inside and head.tell() < MAX_UNPACKED_BYTES // 100:
                            head.write(chunk)
                if looks_inside and any(marker in head.getvalue().lower() for marker in _MACRO_MARKERS):
                    return False
    except Exception:  # a damaged or hostile archive (bad CRC, bad sizes, bad compression)
        logger.debug("Not a readable Office package", exc_info=True)
        return False
    return True
