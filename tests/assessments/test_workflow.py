"""The workflow table: every allowed and every refused transition."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from assessments import answer_rules, workflow
from assessments.workflow import State, TransitionError, ensure_transition

ALLOWED = {
    (State.DRAFT, State.SUBMITTED),
    (State.SUBMITTED, State.IN_REVIEW),
    (State.IN_REVIEW, State.RETURNED),
    (State.IN_REVIEW, State.APPROVED),
    (State.RETURNED, State.SUBMITTED),
}


@pytest.mark.parametrize(("current", "target"), sorted(itertools.product(State, State)))
def test_transition_table(current: State, target: State) -> None:
    if (current, target) in ALLOWED:
        assert ensure_transition(current, target) is target
    else:
        with pytest.raises(TransitionError, match=current.value):
            ensure_transition(current, target)


def test_approved_is_final_and_read_only() -> None:
    assert workflow.TRANSITIONS[State.APPROVED] == frozenset()
    assert not workflow.is_editable_by_organisation(State.APPROVED)
    assert not workflow.is_reviewable(State.APPROVED)


@pytest.mark.parametrize("state", list(State))
def test_who_may_write(state: State) -> None:
    assert workflow.is_editable_by_organisation(state) == (state in {State.DRAFT, State.RETURNED})
    assert workflow.is_reviewable(state) == (state is State.IN_REVIEW)


def test_unknown_state_is_refused() -> None:
    with pytest.raises(ValueError, match="bogus"):
        ensure_transition("bogus", State.SUBMITTED)


@pytest.mark.parametrize(
    "module",
    [
        "assessments/workflow.py",
        "assessments/answer_rules.py",
        "capability_model/scoring.py",
        "capability_model/gaps.py",
    ],
)
def test_pure_modules_import_no_django(module: str) -> None:
    source = (Path(__file__).resolve().parents[2] / module).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert "django" not in imported
    assert not imported & {"capability_model", "assessments", "reports", "maturity_portal", "common"}


def test_the_answer_rules_are_the_ones_every_save_uses() -> None:
    assert answer_rules.needs_justification("NA", "")
    assert answer_rules.needs_justification("NA", "   ")
    assert not answer_rules.needs_justification("NA", "Outsourced")
    assert not answer_rules.needs_justification("F", "")

    def problem(rating: str, justification: str = "", level: int = 1) -> str | None:
        return answer_rules.submission_problem(
            rating=rating, justification=justification, level=level, target_level=3
        )

    assert problem("") == answer_rules.UNANSWERED
    assert problem("", level=4) is None  # above the target: optional
    assert problem("NA", level=5) == answer_rules.NA_UNJUSTIFIED
    assert problem("P") is None
