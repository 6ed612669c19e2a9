"""The rules one answer must meet: pure, no Django import.

The autosave, the questionnaire's Save, the spreadsheet import and the submission check all ask these, so
an answer one of them accepts is never refused by another.
"""

from __future__ import annotations

from typing import Final

NA: Final = "NA"
UNANSWERED: Final = "unanswered"
NA_UNJUSTIFIED: Final = "na_unjustified"


def needs_justification(rating: str, justification: str) -> bool:
    """NA is a claim that the criterion does not apply: it needs a written reason."""
    return rating == NA and not justification.strip()


def submission_problem(*, rating: str, justification: str, level: int, target_level: int) -> str | None:
    """What keeps this answer from being submitted, or None: an unjustified NA anywhere, or no rating on a
    criterion up to the target level (those above it are optional)."""
    if needs_justification(rating, justification):
        return NA_UNJUSTIFIED
    if not rating and level <= target_level:
        return UNANSWERED
    return None


RATING_ORDER: Final = ("N", "P", "L", "F")


def carried_from_predecessors(ratings: list[str]) -> str:
    """The rating a criterion takes from the criteria it succeeds (a baseline on an earlier version).

    Conservative: the LOWEST of their ratings, since the new criterion asks at least what each of the old ones
    asked. NA counts only when every predecessor is NA. Nothing ("") while any predecessor is unanswered:
    the person answering decides then, rather than inheriting a guess.
    """
    if not ratings or any(not rating for rating in ratings):
        return ""
    rated = [rating for rating in ratings if rating in RATING_ORDER]
    if not rated:
        return NA if all(rating == NA for rating in ratings) else ""
    return min(rated, key=RATING_ORDER.index)
