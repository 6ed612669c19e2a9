"""Benchmark of the PDF gap report: the portal end to end against WeasyPrint alone on the same HTML.

End to end is the request a manager makes: ``GET /assessments/<id>/report.pdf`` through the whole Django
stack (session, access check, report selector, templates, WeasyPrint, response), with the approved
report's PDF cache emptied before each request so every request renders. WeasyPrint alone renders the
HTML that request rendered, saved beforehand, with the same fetcher and base URL. The two alternate in
one run, so machine noise falls on both; the goal is a ratio of medians: ours ≤ 1.0× WeasyPrint's.
A report of 40 to 50 pages takes 10 to 40 s to render on the 2-core machine, so the bench renders one
warm-up and one round per side and language, to keep ``make bench`` within its 20 minutes.

Runs on the bench database (``bench.settings``) on the demo's approved assessment (``load_demo``: a
realistic report; the generated ones, rated at random, are far longer than any real one).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

GOAL = 1.0
ROUNDS = 1  # per side, per language: the demo report is 40 to 50 pages, 10 to 40 s a rendering here


def main() -> int:
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from bench.populate import bench_database_ready

    bench_database_ready()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation
    from weasyprint import HTML

    from assessments.demo import APPROVED_TITLE
    from assessments.models import Assessment
    from reports import services
    from reports.pdf import BASE_URL, PortalURLFetcher

    call_command("load_demo", stdout=io.StringIO())  # once: it keeps what it made
    assessment = Assessment.objects.get(title=APPROVED_TITLE)
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo-manager"))
    url = reverse("reports:report_pdf", args=[assessment.pk])

    ok = True
    for language in ("en", "zh-hans"):
        with translation.override(language):
            html = services.report_document_html(assessment=assessment)
        ours: list[float] = []
        alone: list[float] = []
        size = pages = 0
        pdf = b""
        warm_up = language == "en"  # one request warms caches (fonts, templates) for both languages
        for round_number in range(ROUNDS + warm_up):
            services.report_cache_clear(assessment=assessment)
            start = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            spent_ours = time.perf_counter() - start
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                print(f"report: GET {url} answered {response.status_code} {response.get('Location', '')}")
                return 2
            size = len(response.content)
            if warm_up and not round_number:
                continue  # not counted
            start = time.perf_counter()
            document = HTML(string=html, base_url=BASE_URL, url_fetcher=PortalURLFetcher()).render()
            pdf = document.write_pdf()
            alone.append(time.perf_counter() - start)
            ours.append(spent_ours)
            pages = len(document.pages)
        services.report_cache_clear(assessment=assessment)
        assert pdf.startswith(b"%PDF")  # noqa: S101 - a broken rendering must not pass as fast
        ratio = statistics.median(ours) / statistics.median(alone)
        met = ratio <= GOAL
        ok &= met
        print(
            f"report PDF {language}: {pages} pages, {size / 1024:.0f} KiB; end to end median "
            f"{statistics.median(ours):.2f} s vs WeasyPrint alone {statistics.median(alone):.2f} s "
            f"→ {ratio:.2f}× (goal ≤ {GOAL}×) {'OK' if met else 'MISSED'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
