"""What other apps add to a criterion row of the questionnaire and the review, without assessments knowing
them (DESIGN.md §4: dependencies point one way; a registry where another app must add something).

An app registers a provider in its ``AppConfig.ready()``; the questionnaire selector asks every provider once
per page, for all the page's criteria together (no query per row), and each row carries its panels. A panel
names the template that renders it and the data that template expects as ``panel``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from capability_model.models import Criterion

from .models import Assessment


@dataclass(frozen=True, slots=True)
class RowPanel:
    template: str
    data: Any


RowPanelProvider = Callable[[Assessment, Sequence[Criterion]], dict[int, RowPanel]]
_PROVIDERS: list[RowPanelProvider] = []


def register_row_panels(provider: RowPanelProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def row_panels(*, assessment: Assessment, criteria: Sequence[Criterion]) -> dict[int, tuple[RowPanel, ...]]:
    """Each criterion's panels by criterion key (criteria without any are left out)."""
    panels: dict[int, list[RowPanel]] = {}
    for provider in _PROVIDERS:
        for criterion_id, panel in provider(assessment, criteria).items():
            panels.setdefault(criterion_id, []).append(panel)
    return {key: tuple(found) for key, found in panels.items()}
