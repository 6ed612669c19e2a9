"""WeasyPrint, wrapped: the one place that turns report HTML into PDF bytes.

WeasyPrint would otherwise fetch whatever URL a document names — ``file:///etc/passwd`` in an ``<img>``
or an internal address in a stylesheet link. The fetcher here serves the project's own static files and
``data:`` URIs and refuses everything else, without following redirects. User text is escaped by the
templates; this is the second wall.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Documents are rendered with this base URL, so ``{% static %}`` links ("/static/…") resolve under it and
# nothing else can: the host does not exist, and the fetcher never goes to the network for it anyway.
BASE_URL = "https://report.invalid/"


class RefusedURLError(ValueError):
    """A document asked for a URL outside the project's static files."""


class PortalURLFetcher(URLFetcher):
    """Serves ``data:`` URIs and the project's static files; refuses every other URL.

    ``refused`` lists what was refused, so tests (and logs) can see that a hostile URL was not fetched.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning("PDF rendering refused to fetch %s", url[:200])
            raise RefusedURLError(f"refused: {url[:200]}")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _content_type(path)})

    @staticmethod
    def _static_path(url: str) -> Path | None:
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            return None
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            return None
        relative = unquote(url[len(prefix) :])
        if not relative or ".." in Path(relative).parts or relative.startswith("/"):
            return None
        # The source tree first (development and tests); the collected, hashed tree in production.
        found = finders.find(relative)
        if found:
            return Path(found) if isinstance(found, str) else None
        collected = Path(settings.STATIC_ROOT) / relative
        root = Path(settings.STATIC_ROOT).resolve()
        if collected.is_file() and collected.resolve().is_relative_to(root):
            return collected
        return None


_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}


def _content_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower(), "application/octet-stream")


def html_to_pdf(html: str, *, fetcher: PortalURLFetcher | None = None) -> bytes:
    """PDF bytes of a complete HTML document; fonts are subset by WeasyPrint (HarfBuzz)."""
    fetcher = fetcher or PortalURLFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(uncompressed_pdf=False)
    return pdf
