"""The trend of an organisation's official levels and indices per domain across its approved assessments."""

from __future__ import annotations

from dataclasses import dataclass

from assessments.models import Assessment, AssessmentState, Organisation
from assessments.selectors import assessment_scores

from ..trend import TrendLine


@dataclass(frozen=True, slots=True)
class TrendRow:
    assessment: Assessment
    overall: tuple[int | None, float | None]
    domains: list[tuple[int | None, float | None]]  # in the order of ``OrganisationTrend.domains``


@dataclass(frozen=True, slots=True)
class OrganisationTrend:
    domains: list[str]
    rows: list[TrendRow]

    def lines(self) -> list[TrendLine]:
        return [
            TrendLine(code, [row.domains[n][1] for row in self.rows]) for n, code in enumerate(self.domains)
        ]


def organisation_trend(*, organisation: Organisation) -> OrganisationTrend:
    """Approved assessments only (their verified result is official and every member may see it), oldest
    first; one scoring query per assessment."""
    approved = list(
        Assessment.objects.filter(organisation=organisation, state=AssessmentState.APPROVED)
        .select_related("capability_model")
        .order_by("decided_at", "pk")
    )
    domains: list[str] = []
    scored = []
    for assessment in approved:
        official = assessment_scores(assessment=assessment).official
        by_code = {d.code: (d.level, d.index) for d in official.domains}
        domains.extend(code for code in by_code if code not in domains)
        scored.append((assessment, (official.level, official.index), by_code))
    rows = [
        TrendRow(a, overall, [by_code.get(code, (None, None)) for code in domains])
        for a, overall, by_code in scored
    ]
    return OrganisationTrend(domains, rows)
