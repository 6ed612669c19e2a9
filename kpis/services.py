"""Writes of KPI values: one value entered on the page, or a whole file imported (all rows or none)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.access import OrganisationAccess
from assessments.evidence import check_evidence_file
from capability_model.models import Kpi, KpiUnit

from . import rules
from .imports import parse_rows
from .models import KpiValue
from .selectors import kpi_dictionary

ONLY_MANAGERS = _("Only a manager of the organisation can record KPI values.")
BAD_NUMBER = _("“%(value)s” is not a number.")
OUT_OF_RANGE = _("A percentage lies between 0 and 100.")
NEGATIVE = _("The value cannot be negative.")
NOT_WHOLE = _("A count is a whole number.")
BAD_MONTH = _("“%(period)s” is not a month: write YYYY-MM, e.g. 2026-03.")
BAD_QUARTER = _("“%(period)s” is not a quarter: write YYYY-Qn, e.g. 2026-Q1.")
FUTURE = _("The period %(period)s has not begun yet.")
UNKNOWN_KPI = _("Unknown KPI code “%(code)s”.")
NO_SOURCE = _("Name the source of the value (e.g. the system report it comes from).")
ROW_REPEATED = _("KPI %(code)s, period %(period)s is already on line %(line)s.")
ROWS_BAD = _("Nothing was imported: %(count)s rows have problems.")


def _period(kpi: Kpi, text: str, today: date) -> date:
    try:
        start = rules.parse_period(text, cadence=kpi.cadence)  # type: ignore[arg-type]
    except rules.PeriodError:
        message = BAD_QUARTER if kpi.cadence == "quarter" else BAD_MONTH
        raise ValidationError(message, code="bad_period", params={"period": text}) from None
    if rules.is_future(start, today=today):
        raise ValidationError(FUTURE, code="future", params={"period": text})
    return start


def _number(kpi: Kpi, text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").replace("%", "").strip())
    except InvalidOperation:
        raise ValidationError(BAD_NUMBER, code="bad_number", params={"value": text}) from None
    if not value.is_finite() or abs(value) >= Decimal("1e9"):
        raise ValidationError(BAD_NUMBER, code="bad_number", params={"value": text})
    if value < 0:
        raise ValidationError(NEGATIVE, code="negative")
    if kpi.unit == KpiUnit.PERCENT and value > 100:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")
    if kpi.unit == KpiUnit.COUNT and value != value.to_integral_value():
        raise ValidationError(NOT_WHOLE, code="not_whole")
    return value.quantize(Decimal("0.0001"))


def _save(
    *, access: OrganisationAccess, user: User, kpi: Kpi, start: date, value: Decimal, source: str
) -> KpiValue:
    row = (
        KpiValue.objects.select_for_update()
        .filter(organisation=access.organisation, kpi__code=kpi.code, period_start=start)
        .first()
    ) or KpiValue(organisation=access.organisation, kpi=kpi, period_start=start)
    row.kpi, row.value, row.source, row.recorded_by = kpi, value, source, user
    row._history_user = user  # type: ignore[attr-defined]
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def kpi_value_record(
    *,
    access: OrganisationAccess,
    user: User,
    kpi: Kpi,
    period: str,
    value: str,
    source: str,
    evidence: UploadedFile[bytes] | None = None,
) -> KpiValue:
    """Records (or corrects) the organisation's value of ``kpi`` for one period, with optional evidence."""
    if not access.is_manager:
        raise ValidationError(ONLY_MANAGERS, code="not_manager")
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    start = number = None
    try:
        start = _period(kpi, period, today)
    except ValidationError as exc:
        errors["period"] = exc.messages
    try:
        number = _number(kpi, value)
    except ValidationError as exc:
        errors["value"] = exc.messages
    if not source.strip():
        errors["source"] = [str(NO_SOURCE)]
    checked = None
    if evidence is not None:
        try:
            checked = check_evidence_file(evidence, max_bytes=settings.EVIDENCE_MAX_BYTES)
        except ValidationError as exc:
            errors["evidence"] = exc.messages
    if errors or start is None or number is None:
        raise ValidationError(errors)
    row = _save(access=access, user=user, kpi=kpi, start=start, value=number, source=source.strip())
    if evidence is not None and checked is not None:
        row.evidence.save(checked.original_name, evidence, save=False)
        row.evidence_name, row.evidence_type = checked.original_name, checked.content_type
        row.evidence_size = checked.size
        row.save(update_fields=["evidence", "evidence_name", "evidence_type", "evidence_size"])
    return row


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    message: str


class ImportRowsError(ValidationError):
    """Some rows are bad: each named with its line; nothing was applied."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(ROWS_BAD, code="rows_bad", params={"count": len({p.line for p in problems})})


@transaction.atomic
def kpi_values_import(*, access: OrganisationAccess, user: User, upload: UploadedFile[bytes]) -> int:
    """Applies every row of the file, or none: raises ``ImportRowsError`` naming each bad row."""
    if not access.is_manager:
        raise ValidationError(ONLY_MANAGERS, code="not_manager")
    rows = parse_rows(upload=upload)
    kpis = {k.code: k for k in kpi_dictionary()}
    today = timezone.localdate()
    problems: list[RowProblem] = []
    seen: dict[tuple[str, date], int] = {}
    good: list[tuple[Kpi, date, Decimal, str]] = []
    default_source = f"{_('import')}: {upload.name}"[:200]
    for row in rows:
        kpi = kpis.get(row.kpi_code)
        if kpi is None:
            problems.append(RowProblem(row.line, str(UNKNOWN_KPI) % {"code": row.kpi_code or "—"}))
            continue
        try:
            start = _period(kpi, row.period, today)
            number = _number(kpi, row.value)
        except ValidationError as exc:
            problems.append(RowProblem(row.line, " ".join(exc.messages)))
            continue
        first = seen.setdefault((kpi.code, start), row.line)
        if first != row.line:
            label = rules.period_label(start, cadence=kpi.cadence)  # type: ignore[arg-type]
            params = {"code": kpi.code, "period": label, "line": first}
            problems.append(RowProblem(row.line, str(ROW_REPEATED) % params))
            continue
        good.append((kpi, start, number, row.source or default_source))
    if problems:
        raise ImportRowsError(problems)
    for kpi, start, number, source in good:
        _save(access=access, user=user, kpi=kpi, start=start, value=number, source=source)
    return len(good)
