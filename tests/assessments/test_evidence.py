"""Evidence upload validation (no database): real minimal files of each type in, refusals by code out.

Every file here is built in the test, so each row shows what makes it acceptable or not: a real PNG from
zlib and struct, Office packages from zipfile (and an xlsx from openpyxl), text in UTF-8 and GB18030.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfWriter

from assessments.evidence import (
    ALLOWED_EXTENSIONS,
    CONTENT_TYPES,
    CheckedFile,
    check_evidence_file,
    human_size,
    safe_original_name,
)

LIMIT = 20 * 1024 * 1024


def png_bytes() -> bytes:
    """A valid 1×1 grey PNG: signature, IHDR, IDAT, IEND, each chunk with its CRC."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # width, height, depth 8, greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))  # filter byte, one pixel
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF (pypdf writes it): what the structure check needs to find."""
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


JPEG = jpeg_bytes()
PDF = pdf_bytes()
# Only the leading bytes of each: enough for the old signature check, not a file of that type.
FAKE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"This program cannot be run"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00"


def zip_bytes(*names: str, prefix: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, "<?xml version='1.0'?><x/>")
    return prefix + buffer.getvalue()


def office_bytes(main_part: str, *extra: str, prefix: bytes = b"", types: str = "", rels: str = "") -> bytes:
    package = zip_bytes("[Content_Types].xml", "_rels/.rels", main_part, *extra, prefix=prefix)
    if not (types or rels):
        return package
    # Rewrite the content types or the extra .rels part with the given text.
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package.removeprefix(prefix))) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml" and types:
                data = types.encode()
            elif name.endswith(".rels") and name != "_rels/.rels" and rels:
                data = rels.encode()
            target.writestr(name, data)
    return prefix + buffer.getvalue()


CONTENT_TYPES_XML = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">%s</Types>'
VBA_TYPES = CONTENT_TYPES_XML % (
    '<Override PartName="/word/notes.dat" ContentType="application/vnd.ms-office.vbaProject"/>'
)
MACRO_MAIN = CONTENT_TYPES_XML % (
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
)
VBA_REL = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId9" Target="notes.dat" '
    'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"/></Relationships>'
)


def bomb_bytes() -> bytes:
    """A small xlsx-shaped package with a member that unpacks to 300 MiB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"):
            archive.writestr(name, "<?xml version='1.0'?><x/>")
        with archive.open("xl/media/blank.bin", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(block)
    return buffer.getvalue()


def lying_size_bytes() -> bytes:
    """A package whose directory declares a member smaller than what it unpacks to."""
    content = office_bytes("xl/workbook.xml", "xl/sharedStrings.xml")
    # The last member's uncompressed size in the central directory: say 1 byte instead of 25.
    index = content.rfind(b"xl/sharedStrings.xml") - 46 + 24
    return content[:index] + (1).to_bytes(4, "little") + content[index + 4 :]


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.create_sheet("KPI").append(["意图", "覆盖率"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(name: str, content: bytes, *, max_bytes: int = LIMIT) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        check_evidence_file(upload(name, content), max_bytes=max_bytes)
    return excinfo.value


def message(error: ValidationError) -> str:
    # The project's default language is Chinese; the assertions read the English source text.
    with translation.override("en"):
        return str(error.messages[0])


ACCEPTED = [
    ("report.pdf", PDF, "pdf"),
    ("chart.png", png_bytes(), "png"),
    ("photo.jpg", JPEG, "jpg"),
    ("photo.JPEG", JPEG, "jpeg"),
    ("policy.docx", office_bytes("word/document.xml"), "docx"),
    ("kpi.xlsx", xlsx_bytes(), "xlsx"),
    ("kpi-by-hand.xlsx", office_bytes("xl/workbook.xml"), "xlsx"),
    ("review.pptx", office_bytes("ppt/presentation.xml"), "pptx"),
    ("notes.txt", b"Handled 1,204 calls.\r\nFCR\t78%\n", "txt"),
    ("notes-bom.txt", "\ufeff知识库更新说明\n".encode(), "txt"),
    ("intents.csv", "意图,覆盖率\n退货,95%\n".encode(), "csv"),
    ("excel-zh.csv", "意图,覆盖率\n退货,95%\n查询订单,88%\n".encode("gb18030"), "csv"),
    # Longer than the 64 KiB sample, cut inside a three-byte character: still text.
    ("long.txt", ("a" + "客服" * 20_000).encode(), "txt"),
]


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    ACCEPTED,
    ids=[
        "pdf",
        "png",
        "jpg",
        "jpeg-upper-case",
        "docx",
        "xlsx-openpyxl",
        "xlsx-minimal",
        "pptx",
        "txt-utf8",
        "txt-utf8-bom",
        "csv-utf8-chinese",
        "csv-gb18030",
        "txt-sample-cut-mid-character",
    ],
)
def test_accepted(name: str, content: bytes, extension: str) -> None:
    # The browser's claim is deliberately wrong: the stored type comes from the extension.
    file = upload(name, content, content_type="application/x-msdownload")
    checked = check_evidence_file(file, max_bytes=LIMIT)
    assert checked == CheckedFile(
        original_name=name, extension=extension, content_type=CONTENT_TYPES[extension], size=len(content)
    )
    assert file.tell() == 0


def test_every_allowed_extension_is_covered() -> None:
    assert {extension for _, _, extension in ACCEPTED} == ALLOWED_EXTENSIONS
    assert sorted(ALLOWED_EXTENSIONS) == ["csv", "docx", "jpeg", "jpg", "pdf", "png", "pptx", "txt", "xlsx"]


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("invoice.pdf", EXE, "pdf"),
        ("policy.docx", ELF, "docx"),
        ("chart.png", b"<html><script>alert(1)</script></html>", "png"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "png"),
        ("photo.jpg", png_bytes(), "jpg"),
        ("report.pdf", b" %PDF-1.4\n", "pdf"),
        ("kpi.xlsx", zip_bytes("readme.txt", "data.csv"), "xlsx"),
        ("kpi.xlsx", office_bytes("word/document.xml"), "xlsx"),
        ("no-types.docx", zip_bytes("word/document.xml"), "docx"),
        ("review.pptx", b"PK\x03\x04 this is not really a zip archive", "pptx"),
        ("review.pptx", PDF, "pptx"),
        ("truncated.docx", office_bytes("word/document.xml")[:-30], "docx"),
        ("setup.docx", office_bytes("word/document.xml", prefix=EXE), "docx"),
        ("macros.docx", office_bytes("word/document.xml", "word/vbaProject.bin"), "docx"),
        ("many.xlsx", zip_bytes("[Content_Types].xml", "xl/workbook.xml", *map(str, range(10_001))), "xlsx"),
        ("data.csv", b"\xff\xfe\x80\x81\x90\xfe\xff\x80" * 64, "csv"),
        ("data.csv", "a,b\n".encode("utf-16"), "csv"),
        ("notes.txt", b"plain text\x00with a NUL", "txt"),
        ("notes.txt", bytes(range(1, 32)) * 4, "txt"),
        # Issue 23 item 8: structure, not only leading bytes.
        ("report.pdf", FAKE_PDF, "pdf"),
        ("report.pdf", b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n", "pdf"),
        ("report.pdf", PDF[:9] + b"<!DOCTYPE html><script>alert(1)</script>" + PDF[9:], "pdf"),
        ("chart.png", b"\x89PNG\r\n\x1a\n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "png"),
        ("chart.png", png_bytes()[:-12], "png"),
        ("photo.jpg", FAKE_JPEG, "jpg"),
        ("photo.jpg", b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>", "jpg"),
        ("macros.docx", office_bytes("word/document.xml", "word/notes.dat", types=VBA_TYPES), "docx"),
        (
            "macros.docx",
            office_bytes("word/document.xml", "word/_rels/document.xml.rels", rels=VBA_REL),
            "docx",
        ),
        ("macros.xlsx", office_bytes("xl/workbook.xml", types=MACRO_MAIN), "xlsx"),
        ("bomb.xlsx", bomb_bytes(), "xlsx"),
        ("lying.xlsx", lying_size_bytes(), "xlsx"),
    ],
    ids=[
        "executable-as-pdf",
        "elf-as-docx",
        "html-as-png",
        "svg-as-png",
        "png-as-jpg",
        "pdf-signature-not-at-start",
        "zip-without-parts-as-xlsx",
        "docx-renamed-xlsx",
        "docx-without-content-types",
        "not-a-zip-as-pptx",
        "pdf-as-pptx",
        "truncated-zip",
        "zip-appended-to-executable",
        "docx-with-macros",
        "zip-with-too-many-entries",
        "binary-garbage-as-csv",
        "utf16-csv",
        "nul-in-txt",
        "control-characters-as-txt",
        "pdf-signature-without-pages",
        "pdf-that-is-html",
        "pdf-with-html-near-the-start",
        "png-header-then-svg",
        "truncated-png",
        "jpeg-signature-only",
        "jpeg-header-then-html",
        "docx-with-renamed-macro-part",
        "docx-with-macro-relationship",
        "xlsm-renamed-xlsx",
        "zip-bomb-as-xlsx",
        "zip-declaring-less-than-it-holds",
    ],
)
def test_content_must_match_the_extension(name: str, content: bytes, extension: str) -> None:
    error = refusal(name, content)
    assert error.code == "content_mismatch"
    assert error.params == {"extension": extension}
    assert message(error) == f"The file's content is not a valid {extension} file."


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("setup.exe", "exe"),
        ("page.html", "html"),
        ("logo.svg", "svg"),
        ("report.pdf.exe", "exe"),
        ("report.pdf\x00.exe", "exe"),
        ("macro.DOCM", "docm"),
    ],
    ids=["exe", "html", "svg", "double-extension", "nul-before-extension", "upper-case-docm"],
)
def test_extension_must_be_allowed(name: str, extension: str) -> None:
    error = refusal(name, PDF)
    assert error.code == "bad_extension"
    assert error.params == {"extension": extension}
    assert f".{extension} are not accepted" in message(error)
    assert "pdf, png, jpg" in message(error)


@pytest.mark.parametrize("name", ["README", "report.", "..pdf"], ids=["bare", "trailing-dot", "dots-only"])
def test_a_name_without_extension_is_refused(name: str) -> None:
    error = refusal(name, PDF)
    assert error.code == "bad_extension"
    assert "no extension" in message(error)


def test_empty_file_is_refused() -> None:
    error = refusal("empty.pdf", b"")
    assert error.code == "file_empty"
    assert message(error) == "The file is empty."


def test_oversize_file_is_refused_naming_size_and_limit() -> None:
    error = refusal("big.txt", b"a" * 2048, max_bytes=1024)
    assert error.code == "file_too_large"
    assert message(error) == "The file is 2.0 KB; the limit is 1.0 KB."


def test_a_file_exactly_at_the_limit_is_accepted() -> None:
    assert check_evidence_file(upload("edge.txt", b"a" * 1024), max_bytes=1024).size == 1024


def test_a_refused_upload_is_left_at_the_start() -> None:
    file = upload("invoice.pdf", EXE)
    with pytest.raises(ValidationError):
        check_evidence_file(file, max_bytes=LIMIT)
    assert file.tell() == 0
    assert file.read(2) == b"MZ"


def test_the_checked_name_is_sanitised() -> None:
    checked = check_evidence_file(upload("../../etc/报告\t2024.pdf", PDF), max_bytes=LIMIT)
    assert checked.original_name == "报告 2024.pdf"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\agent\\Desktop\\kpi.xlsx", "kpi.xlsx"),
        ("a\x00b.pdf", "ab.pdf"),
        ("  weekly \t\n report .csv ", "weekly report .csv"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override that would show "exe.pdf"
        (".hidden.txt", "hidden.txt"),
        ("report.pdf...", "report.pdf"),
        ("知识库 周报.csv", "知识库 周报.csv"),
        ("cafe\u0301.txt", "café.txt"),  # macOS sends decomposed accents
        ("x" * 300 + ".docx", "x" * 195 + ".docx"),
        ("y" * 300, "y" * 200),
    ],
    ids=[
        "path-traversal",
        "windows-path",
        "nul",
        "whitespace",
        "bidi-override",
        "leading-dot",
        "trailing-dots",
        "chinese",
        "nfc",
        "long-keeps-extension",
        "long-without-extension",
    ],
)
def test_safe_original_name(name: str, expected: str) -> None:
    assert safe_original_name(name) == expected


@pytest.mark.parametrize(
    "name", ["", "..", "../..", "/", "\\", "./../.", " . . ", "\x00\x01", "a/"], ids=repr
)
def test_a_name_with_nothing_usable_is_refused(name: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        safe_original_name(name)
    assert excinfo.value.code == "bad_name"
    assert message(excinfo.value) == "The file name is not usable."


def test_an_upload_with_an_unusable_name_is_refused() -> None:
    # Django's own name check already refuses "..", so this is a name that passes it but has no letters.
    assert refusal("....", PDF).code == "bad_name"


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KB"),
        (1536, "1.5 KB"),
        (1024 * 1024 - 1, "1.0 MB"),
        (20 * 1024 * 1024, "20.0 MB"),
        (3 * 1024**3, "3.0 GB"),
        (5 * 1024**5, "5120.0 TB"),
    ],
    ids=["zero", "bytes", "one-kb", "fraction", "rounds-up-a-unit", "default-limit", "gb", "beyond-tb"],
)
def test_human_size(size: int, expected: str) -> None:
    assert human_size(size) == expected


@given(st.text(max_size=400))
def test_safe_original_name_is_a_plain_bounded_name_or_refused(name: str) -> None:
    refused: ValidationError | None = None
    try:
        result = safe_original_name(name)
    except ValidationError as error:
        refused = error
    if refused is not None:
        assert refused.code == "bad_name"
        return
    assert 0 < len(result) <= 200
    assert not {"/", "\\", "\x00"} & set(result)
    assert result == result.strip(" .")
    assert safe_original_name(result) == result


@given(st.binary(max_size=2048), st.sampled_from(sorted(ALLOWED_EXTENSIONS)))
def test_any_content_is_either_accepted_or_refused_cleanly(content: bytes, extension: str) -> None:
    file = upload(f"evidence.{extension}", content)
    code = "accepted"
    try:
        check_evidence_file(file, max_bytes=1024)
    except ValidationError as error:
        code = str(error.code)
    assert code in {"accepted", "file_empty", "file_too_large", "content_mismatch"}
    assert file.tell() == 0
