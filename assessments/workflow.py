"""The assessment workflow as a table of allowed transitions (DESIGN.md §3). Pure: no Django import.

draft → submitted → in review → returned → submitted → … → approved (final). Services call
``ensure_transition`` inside their transaction, after locking the row, so that an illegal or concurrent
transition is refused with one clear message.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Final


class State(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    APPROVED = "approved"


TRANSITIONS: Final[Mapping[State, frozenset[State]]] = {
    State.DRAFT: frozenset({State.SUBMITTED}),
    State.SUBMITTED: frozenset({State.IN_REVIEW}),
    State.IN_REVIEW: frozenset({State.RETURNED, State.APPROVED}),
    State.RETURNED: frozenset({State.SUBMITTED}),
    State.APPROVED: frozenset(),
}

# The organisation writes answers only in these states; the consultant reviews only in review.
EDITABLE_BY_ORGANISATION: Final = frozenset({State.DRAFT, State.RETURNED})
REVIEWABLE: Final = frozenset({State.IN_REVIEW})
AWAITING_REVIEW: Final = frozenset({State.SUBMITTED, State.IN_REVIEW})
DECIDED: Final = frozenset({State.RETURNED, State.APPROVED})


class TransitionError(ValueError):
    """An assessment cannot move from its current state to the one asked for."""

    def __init__(self, current: State, target: State) -> None:
        self.current = current
        self.target = target
        super().__init__(f"An assessment in state “{current.value}” cannot become “{target.value}”.")


def ensure_transition(current: str, target: str) -> State:
    """Returns the target state when the move is allowed, else raises ``TransitionError``."""
    current_state, target_state = State(current), State(target)
    if target_state not in TRANSITIONS[current_state]:
        raise TransitionError(current_state, target_state)
    return target_state


def is_editable_by_organisation(state: str) -> bool:
    return State(state) in EDITABLE_BY_ORGANISATION


def is_reviewable(state: str) -> bool:
    return State(state) in REVIEWABLE


def can_start_review(state: str) -> bool:
    return State.IN_REVIEW in TRANSITIONS[State(state)]


def is_decidable(state: str) -> bool:
    """A decision (return or approve) is allowed: the same states as the review itself."""
    return State(state) in REVIEWABLE


def is_decided(state: str) -> bool:
    """The consultant has decided: the organisation may see the verified ratings (returned or approved)."""
    return State(state) in DECIDED


def is_awaiting_review(state: str) -> bool:
    return State(state) in AWAITING_REVIEW


def is_returned(state: str) -> bool:
    return State(state) == State.RETURNED


def is_final(state: str) -> bool:
    return not TRANSITIONS[State(state)]
