"""The pure rules of the loop, on small hand-built models (no database): suggested actions follow the gaps
exactly, and the readiness verdict gives each outcome for each kind of blocker."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capability_model.gaps import gaps, improvement_plan
from capability_model.scoring import CriterionSpec, DomainSpec, ItemSpec, ModelSpec, Rating
from improvement import planning, readiness
from improvement.readiness import BlockerKind, Outcome, ReadinessFacts, level_verdict

N, P, L, F, NA = Rating.N, Rating.P, Rating.L, Rating.F, Rating.NA
ROOT = Path(__file__).resolve().parents[2]


def _model() -> ModelSpec:
    """Two domains of two items, two criteria per level 1–3 each."""
    domains = []
    for domain in ("SP", "CB"):
        items = []
        for number in (1, 2):
            code = f"{domain}{number}"
            criteria = tuple(
                CriterionSpec(f"{code}-{level}-{k:02d}", level) for level in (1, 2, 3) for k in (1, 2)
            )
            items.append(ItemSpec(code, criteria))
        domains.append(DomainSpec(domain, tuple(items)))
    return ModelSpec("t", 1, tuple(domains))


MODEL = _model()
CODES = sorted(MODEL.criterion_codes)


def test_pure_modules_import_no_django() -> None:
    for name in ("planning.py", "readiness.py", "package_check.py"):
        tree = ast.parse((ROOT / "improvement" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("django"), name
            if isinstance(node, ast.Import):
                assert all(not a.name.startswith("django") for a in node.names), name


@given(
    st.dictionaries(st.sampled_from(CODES), st.sampled_from([N, P, L, F, NA])),
    st.integers(min_value=1, max_value=5),
)
def test_suggestions_cover_every_gap_criterion_once(ratings: dict[str, Rating], target: int) -> None:
    plan = improvement_plan(MODEL, ratings, target)
    suggestions = planning.suggest_actions(plan)
    listed = [code for s in suggestions for code in s.criteria]
    assert len(listed) == len(set(listed))  # none twice
    assert set(listed) == {entry.gap.criterion for entry in plan}
    gap_criteria = {g.criterion for item_gaps in gaps(MODEL, ratings, target).values() for g in item_gaps}
    assert gap_criteria <= set(listed)  # every criterion of every gap to the target is in some action
    keys = [(s.phase, s.effort) for s in suggestions]
    assert keys == sorted(keys)  # foundations first, quick wins first inside a phase
    for suggestion in suggestions:
        assert {code.split("-")[0] for code in suggestion.criteria} == {suggestion.item}


def test_suggestions_skip_criteria_already_planned() -> None:
    plan = improvement_plan(MODEL, {}, 2)
    first = planning.suggest_actions(plan)[0]
    again = planning.suggest_actions(plan, skip=first.criteria)
    assert first.criteria not in [s.criteria for s in again]
    assert all(set(first.criteria).isdisjoint(s.criteria) for s in again)


def test_quick_wins_come_first_inside_a_phase() -> None:
    ratings = dict.fromkeys(CODES, F)
    ratings.update({"SP1-1-01": N, "CB2-1-01": P})  # to F: SP1 needs 3 steps, CB2 two
    suggestions = planning.suggest_actions(improvement_plan(MODEL, ratings, 3))
    assert [(s.item, s.phase, s.effort) for s in suggestions] == [("CB2", 1, 2), ("SP1", 1, 3)]


def _facts(ratings: dict[str, Rating], **overrides: object) -> ReadinessFacts:
    values: dict[str, object] = {
        "model": MODEL,
        "ratings": ratings,
        "approved": True,
        "evidence_dates": {key: [date(2026, 6, 1)] for key in CODES},
        "open_action_criteria": frozenset(),
        "today": date(2026, 12, 1),
    }
    values.update(overrides)
    return ReadinessFacts(**values)  # type: ignore[arg-type]


ALL_F = dict.fromkeys(CODES, F)
FRESH = {code: [date(2026, 6, 1)] for code in CODES}


def test_ready_when_nothing_stands_in_the_way() -> None:
    verdict = level_verdict(_facts(ALL_F), 3)
    assert (verdict.outcome, verdict.blockers) == (Outcome.READY, ())


def test_a_rating_below_the_level_makes_it_not_ready() -> None:
    verdict = level_verdict(_facts({**ALL_F, "CB1-2-02": P}), 2)
    assert verdict.outcome is Outcome.NOT_READY
    blocker = verdict.blockers[0]
    assert (blocker.kind, blocker.criterion, blocker.current, blocker.required) == (
        BlockerKind.RATING,
        "CB1-2-02",
        P,
        L,
    )
    assert level_verdict(_facts({**ALL_F, "CB1-2-02": P}), 1).outcome is Outcome.READY


@pytest.mark.parametrize(
    ("overrides", "kind", "criterion"),
    [
        ({"approved": False}, BlockerKind.NOT_APPROVED, None),
        (
            {"evidence_dates": {c: [date(2026, 6, 1)] for c in CODES if c != "SP2-1-01"}},
            BlockerKind.NO_EVIDENCE,
            "SP2-1-01",
        ),
        (
            {
                "evidence_dates": {
                    **{key: [date(2026, 6, 1)] for key in CODES},
                    "SP2-1-01": [date(2025, 1, 1)],
                }
            },
            BlockerKind.STALE_EVIDENCE,
            "SP2-1-01",
        ),
        ({"open_action_criteria": frozenset({"SP2-1-01"})}, BlockerKind.OPEN_ACTION, "SP2-1-01"),
    ],
)
def test_each_condition(overrides: dict[str, object], kind: BlockerKind, criterion: str | None) -> None:
    verdict = level_verdict(_facts(ALL_F, **overrides), 1)
    assert verdict.outcome is Outcome.CONDITIONS
    assert [(b.kind, b.criterion) for b in verdict.blockers] == [(kind, criterion)]


def test_evidence_age_is_configurable_and_na_needs_none() -> None:
    old = {**FRESH, "SP2-1-01": [date(2025, 1, 1), date(2026, 11, 1)]}
    assert level_verdict(_facts(ALL_F, evidence_dates=old), 1).outcome is Outcome.READY  # newest counts
    assert level_verdict(_facts(ALL_F, max_evidence_age_days=30), 1).outcome is Outcome.CONDITIONS
    without = {c: [date(2026, 6, 1)] for c in CODES if c != "SP2-1-01"}
    assert (
        level_verdict(_facts({**ALL_F, "SP2-1-01": NA}, evidence_dates=without), 1).outcome is Outcome.READY
    )


def test_unanswered_counts_as_n_and_every_level_is_judged() -> None:
    verdicts = readiness.readiness(_facts({}))
    assert [v.level for v in verdicts] == [1, 2, 3, 4, 5]
    assert all(v.outcome is Outcome.NOT_READY for v in verdicts[:3])
    assert verdicts[0].blockers[0].current is None
    with pytest.raises(ValueError, match="level"):
        level_verdict(_facts({}), 6)
