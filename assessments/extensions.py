"""Where the apps built on assessments plug in, so that ``assessments`` never imports them (DESIGN.md §4).

Each app registers in its ``AppConfig.ready()``; with nothing registered every function here is a no-op,
and the assessments app behaves as it always did.

- An **answer guard** may refuse a write of the consolidated answer to one criterion (raise
  ``ValidationError``): team work lets only the person holding an assigned part, or a manager, write it.
- A **criterion filter** is a named filter of the questionnaire (``?show=<name>``): the codes of the
  criteria it keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from django.contrib.auth.models import User

from .access import AssessmentAccess
from .models import Assessment

AnswerGuard = Callable[[AssessmentAccess, str, User], None]
CriterionFilter = Callable[[Assessment], Collection[str]]

_answer_guards: dict[str, AnswerGuard] = {}
_criterion_filters: dict[str, CriterionFilter] = {}


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
