"""Where the apps built on assessments plug in, so that ``assessments`` never imports them (DESIGN.md §4:
dependencies point one way; a registry where another app must add something).

Each app registers in its ``AppConfig.ready()``; with nothing registered every function here is a no-op,
and the assessments app behaves as it always did.

- A **row panel provider** adds something to a criterion row of the questionnaire and the review (the KPI
  reading); the questionnaire selector asks every provider once per page, for all the page's criteria
  together (no query per row), and each row carries its panels. A panel names the template that renders it
  and the data that template expects as ``panel``.
- An **answer guard** may refuse a write of the consolidated answer to one criterion (raise
  ``ValidationError``): team work lets only the person holding an assigned part, or a manager, write it.
- A **criterion filter** is a named filter of the questionnaire (``?show=<name>``): the codes of the
  criteria it keeps.
- A **history source** adds another app's changes to the assessment's history page (team work: parts
  assigned and removed, respondents' answers): it returns ``selectors.history.HistoryEntry`` rows, given
  the criterion-code filter of the page ("" for all).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User

from capability_model.models import Criterion

from .access import AssessmentAccess
from .models import Assessment

if TYPE_CHECKING:
    from .selectors.history import HistoryEntry


@dataclass(frozen=True, slots=True)
class RowPanel:
    template: str
    data: Any


RowPanelProvider = Callable[[Assessment, Sequence[Criterion]], dict[int, RowPanel]]
AnswerGuard = Callable[[AssessmentAccess, str, User], None]
CriterionFilter = Callable[[Assessment], Collection[str]]
HistorySource = Callable[[Assessment, str], Iterable["HistoryEntry"]]

_PROVIDERS: list[RowPanelProvider] = []
_answer_guards: dict[str, AnswerGuard] = {}
_criterion_filters: dict[str, CriterionFilter] = {}
_history_sources: dict[str, HistorySource] = {}


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


def register_answer_guard(name: str, guard: AnswerGuard) -> None:
    """Keyed by name, so registering again (a reloaded app) replaces instead of doubling."""
    _answer_guards[name] = guard


def check_answer_guards(access: AssessmentAccess, criterion_code: str, user: User) -> None:
    for guard in _answer_guards.values():
        guard(access, criterion_code, user)


def register_criterion_filter(name: str, codes: CriterionFilter) -> None:
    _criterion_filters[name] = codes


def criterion_filter(name: str) -> CriterionFilter | None:
    return _criterion_filters.get(name)


def register_history_source(name: str, source: HistorySource) -> None:
    _history_sources[name] = source


def history_entries(*, assessment: Assessment, criterion: str = "") -> list[HistoryEntry]:
    """Every registered source's history entries for the assessment (none with nothing registered)."""
    return [entry for source in _history_sources.values() for entry in source(assessment, criterion)]
