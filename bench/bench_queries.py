"""Queries per request must not grow with the number of assessments or criteria.

Each page is requested through Django's test client on the bench database (``bench.settings``), counted
with ``CaptureQueriesContext`` after one warm-up request (so a per-process cache filled on first use is
not counted) and with the page caches emptied (so the count is that of a page rendered afresh), then
counted again after doubling: a second batch of organisations and assessments as large as the first
(the consultant's queue grows from 500 to 1,000), and a model version with twice the criteria of the
shipped one (every criterion copied within its item and level) with an assessment on it. Everything runs
in one transaction that is rolled back, so the bench database keeps its population; on PostgreSQL (2.5
million answers) the second batch instead lives in ``<bench>_doubled``, a copy made once and kept.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class Rollback(Exception):  # noqa: N818 - a control-flow signal, not an error
    pass


def _count(request: Callable[[], int]) -> int:
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = request()  # warm-up
    if status != 200:
        raise SystemExit(f"queries: a page answered {status}")
    for cache in caches.all(initialized_only=True):
        cache.clear()  # count the page rendered afresh, not served from the page cache
    with CaptureQueriesContext(connection) as queries:
        request()
    return len(queries.captured_queries)


def _doubled_criteria_model() -> object:
    """A published clone of the shipped model with every criterion copied once more (twice as many)."""
    from capability_model.models import CapabilityModel, Criterion, ModelState
    from capability_model.services import _copy, capability_model_clone, capability_model_publish

    shipped = CapabilityModel.objects.get(code="gbt43045-1-2023", state=ModelState.PUBLISHED)
    clone = capability_model_clone(source=shipped)
    copies = []
    for criterion in Criterion.objects.filter(capability_model=clone):
        item, level, number = criterion.code.split("-")
        copies.append(
            _copy(criterion, code=f"{item}-{level}-{int(number) + 50:02d}", order=criterion.order + 50)
        )
    Criterion.objects.bulk_create(copies)
    return capability_model_publish(model=clone)


def main() -> int:
    from bench.populate import (
        bench_database_ready,
        doubled_database_use,
        organisations_wanted,
        population_add,
    )

    population = bench_database_ready()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from assessments import services
    from assessments.models import Answer, Organisation

    users = get_user_model().objects
    manager, consultant = Client(), Client()

    def login() -> None:  # again after a switch of database: the sessions live in the database
        manager.force_login(users.get(pk=population.manager_id))
        consultant.force_login(users.get(pk=population.consultant_id))

    login()
    assessment_id = population.editable_ids[0]

    def pages(assessment_id: int) -> dict[str, Callable[[], int]]:
        def autosave() -> int:
            answer = (
                Answer.objects.filter(assessment_id=assessment_id, criterion__item__domain__code="OP")
                .select_related("criterion")
                .order_by("criterion__code")
                .first()
            )
            if answer is None:
                raise SystemExit("queries: the assessment has no OP answers")
            rating = {"N": "P", "P": "L", "L": "F"}.get(answer.rating, "N")
            url = reverse("assessments:autosave", args=[assessment_id, answer.criterion.code])
            data = {"rating": rating, "revision": answer.revision}
            return int(manager.post(url, data).status_code)

        found = {
            "questionnaire OP": lambda: (
                manager.get(reverse("assessments:questionnaire", args=[assessment_id, "OP"])).status_code
            ),
            "autosave": autosave,
            "assessment detail": lambda: (
                manager.get(reverse("assessments:detail", args=[assessment_id])).status_code
            ),
            "consultant dashboard": lambda: consultant.get("/").status_code,
            "review queue": lambda: consultant.get(reverse("assessments:review_queue")).status_code,
            "review page OP": lambda: (
                consultant.get(reverse("assessments:review", args=[population.review_id, "OP"])).status_code
            ),
        }
        try:
            report_url = reverse("reports:report", args=[assessment_id])
        except NoReverseMatch:
            return found
        if manager.get(report_url).status_code == 200:
            found["report page"] = lambda: manager.get(report_url).status_code
        return found

    before = {name: _count(request) for name, request in pages(assessment_id).items()}
    before_answers = list(Answer.objects.filter(assessment_id=assessment_id).values_list("pk", flat=True))
    doubled_assessments: dict[str, int] = {}
    doubled_criteria: dict[str, int] = {}
    postgresql = connection.vendor == "postgresql"
    if postgresql:  # 2.5 million more answers: made once in a copy of the database, kept between runs
        doubled_database_use()
        login()
        doubled_assessments = {name: _count(request) for name, request in pages(assessment_id).items()}
    try:
        with transaction.atomic():
            if not postgresql:
                population_add(batch="second", organisations=organisations_wanted())
                doubled_assessments = {
                    name: _count(request) for name, request in pages(assessment_id).items()
                }
            model = _doubled_criteria_model()
            organisation = Organisation.objects.get(
                memberships__user_id=population.manager_id, name__startswith="Bench first"
            )
            big = services.assessment_start(
                organisation=organisation,
                user=users.get(pk=population.manager_id),
                capability_model=model,  # type: ignore[arg-type]
                title="Twice the criteria",
                target_level=3,
            )
            if Answer.objects.filter(assessment=big).count() != 2 * len(before_answers):
                raise SystemExit("queries: the doubled model does not have twice the criteria")
            doubled_criteria = {
                name: _count(request)
                for name, request in pages(big.pk).items()
                if name not in ("consultant dashboard", "review queue", "review page OP")
            }
            raise Rollback
    except Rollback:
        pass

    all_ok = True
    for name, count in before.items():
        after = [doubled_assessments[name]]
        text = f"{doubled_assessments[name]} with twice the assessments"
        if name in doubled_criteria:
            after.append(doubled_criteria[name])
            text += f", {doubled_criteria[name]} with twice the criteria"
        ok = all(n <= count for n in after)
        all_ok &= ok
        print(f"queries {name}: {count} per request; {text} {'OK' if ok else 'MISSED'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
