"""``{% peer_benchmark organisation assessment %}``: the benchmark card, for the dashboard, report and PDF
(templates of other apps show it without their code knowing the benchmark)."""

from __future__ import annotations

from typing import Any

from django import template

from assessments.models import Assessment, Organisation

from ..selectors import peer_view

register = template.Library()


@register.inclusion_tag("benchmark/includes/_peer_card.html")
def peer_benchmark(
    organisation: Organisation, assessment: Assessment | None = None, compact: bool = False
) -> Any:
    return {"view": peer_view(organisation=organisation, assessment=assessment), "compact": compact}
