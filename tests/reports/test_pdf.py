"""The PDF: real bytes from WeasyPrint, text in the reader's language, and a fetcher that refuses
everything but the project's static files and data: URIs."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from assessments.models import Assessment
from capability_model.scoring import format_index
from reports import services
from reports.pdf import BASE_URL, PortalURLFetcher, RefusedURLError, html_to_pdf
from reports.selectors import report_build
from tests.assessments.conftest import Org
from tests.reports.conftest import HOSTILE_COMMENT

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP port that records every connection made to it: proof of what the renderer tried to fetch."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                seen.append(connection.recv(200))

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/",
        "https://example.com/logo.png",
        f"{BASE_URL}static/../../../../etc/passwd",
        f"{BASE_URL}static/css/report.css?x=1",
        f"{BASE_URL}media/evidence/secret.pdf",
        "ftp://127.0.0.1/x",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url: str) -> None:
    fetcher = PortalURLFetcher()
    with pytest.raises(RefusedURLError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_static_files_and_data_uris() -> None:
    fetcher = PortalURLFetcher()
    css = fetcher.fetch(f"{BASE_URL}static/css/report.css")
    assert b".report-table" in css.read()
    assert css.content_type == "text/css"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert fetcher.refused == []


def test_hostile_urls_in_a_document_are_neither_fetched_nor_embedded(
    listener: tuple[int, list[bytes]],
) -> None:
    port, seen = listener
    html = (
        f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/x.css"></head><body>'
        f'<img src="file:///etc/passwd"><img src="http://127.0.0.1:{port}/img.png">'
        f'<p style="background: url(http://127.0.0.1:{port}/bg.png)">text</p></body></html>'
    )
    fetcher = PortalURLFetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert seen == []
    assert "file:///etc/passwd" in fetcher.refused
    assert f"http://127.0.0.1:{port}/x.css" in fetcher.refused
    assert b"root:x:0:0" not in pdf


def test_a_comment_holding_markup_is_escaped_text_in_the_report(
    org: Org, approved: Assessment, listener: tuple[int, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    fetchers: list[PortalURLFetcher] = []

    def spy() -> PortalURLFetcher:
        fetchers.append(PortalURLFetcher())
        return fetchers[-1]

    monkeypatch.setattr("reports.pdf.PortalURLFetcher", spy)
    html = services.report_document_html(assessment=approved)
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    pdf = services.report_pdf_render(assessment=approved)
    # Only the two stylesheets of our own static tree were asked for; nothing a user typed.
    assert fetchers[0].refused == []
    assert "file:///etc/passwd" in _text(pdf)  # shown as the text it is
    assert HOSTILE_COMMENT.startswith("<img")


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("zh-hans", ["战略规划", "能力建设", "多元化运营", "多模态交互", "改进计划"], "Improvement plan"),
        (
            "en",
            ["Strategic planning", "Capability building", "Improvement plan", "Overall level"],
            "改进计划",
        ),
    ],
)
def test_pdf_text_in_the_readers_language(
    client: Client, org: Org, approved: Assessment, language: str, expected: list[str], absent: str
) -> None:
    client.force_login(org.manager)
    response = client.get(reverse("reports:report_pdf", args=[approved.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) < 2 * 1024 * 1024
    text = _text(response.content)
    for phrase in expected:
        assert phrase in text
    assert absent not in text
    # The levels: verified overall 1 (a level-1 criterion lowered to L), self-assessed 2.
    with translation.override(language):
        report = report_build(assessment=approved)
    assert (report.official.level, report.scores.self_score.level) == (1, 2)
    assert f"{format_index(report.official.index or 0):.2f} / 5.00" in text


def test_pdf_fonts_are_embedded_subsets(org: Org, approved: Assessment) -> None:
    with translation.override("zh-hans"):
        pdf = services.report_pdf_render(assessment=approved)
    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages[:3]:
        resources: Any = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Noto-Sans-CJK-SC" in name for name in fonts)
    # Subset fonts carry a six-letter tag: ABCDEF+Name.
    assert all(name.lstrip("/")[6] == "+" for name in fonts)
