"""How several respondents' ratings of one criterion become a suggestion, and when they disagree.

Pure Python (no Django import; a test checks it), so the rule is tested on tables without a database.

The scale is ordinal (N < P < L < F): the distance between two ratings is a count of steps, never a
difference of values, so the suggestion is a MEDIAN, never a mean. The rules, decided here once:

- **NA among the responses**: NA says "does not apply", not "a low rating"; it takes no part in the median
  of the other ratings. When more than half of the answered responses are NA, the suggestion is NA (the
  person consolidating must then write the justification). A tie (exactly half NA) suggests the median of
  the applicable ratings: applicability has to be argued, so a split vote does not make it NA.
- **An even count**: the lower of the two middle ratings. An assessment should not claim more than its
  evidence supports, and an auditor finds a conservative self-assessment credible.
- **Disputed**: the applicable ratings span two steps or more (e.g. P and F), or N and F are both present
  (which span three steps: the second condition is the first's worst case, named because the issue names
  it). NA beside ratings is shown in the counts but is not by itself a dispute: whether a criterion applies
  is settled by the written justification, not by the spread.
- Responses without a rating (a respondent who saved only a comment) take no part at all.

The person consolidating decides: the suggestion only pre-fills the form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from capability_model.scoring import RATING_STEPS, Rating

SCALE: Final[tuple[Rating, ...]] = (Rating.N, Rating.P, Rating.L, Rating.F, Rating.NA)
DISPUTE_SPAN: Final = 2  # steps between the lowest and highest applicable rating that make a dispute


@dataclass(frozen=True, slots=True)
class Spread:
    """What the responses to one criterion say together."""

    counts: tuple[tuple[Rating, int], ...]  # every rating of the scale, in scale order, with its count
    answered: int  # responses with a rating (NA included)
    suggestion: Rating | None  # None when nobody has rated yet
    disputed: bool

    @property
    def nonzero_counts(self) -> tuple[tuple[Rating, int], ...]:
        return tuple((rating, count) for rating, count in self.counts if count)


def median_rating(ratings: Iterable[Rating]) -> Rating | None:
    """The lower median of applicable ratings (NA ignored); None when there are none."""
    ordered = sorted((r for r in ratings if r is not Rating.NA), key=RATING_STEPS.__getitem__)
    if not ordered:
        return None
    return ordered[(len(ordered) - 1) // 2]


def is_disputed(ratings: Iterable[Rating]) -> bool:
    steps = {RATING_STEPS[r] for r in ratings if r is not Rating.NA}
    if not steps:
        return False
    both_ends = RATING_STEPS[Rating.N] in steps and RATING_STEPS[Rating.F] in steps
    return max(steps) - min(steps) >= DISPUTE_SPAN or both_ends


def spread(ratings: Iterable[str]) -> Spread:
    """The counts, suggestion and dispute of one criterion's responses; blank ratings are ignored.

    Raises ``ValueError`` for a value that is not a rating (the database's check constraint prevents it).
    """
    given = [Rating(value) for value in ratings if value]
    counts = tuple((rating, sum(1 for r in given if r is rating)) for rating in SCALE)
    not_applicable = sum(1 for r in given if r is Rating.NA)
    majority_na = bool(given) and not_applicable * 2 > len(given)
    suggestion = Rating.NA if majority_na else median_rating(given)
    return Spread(counts=counts, answered=len(given), suggestion=suggestion, disputed=is_disputed(given))
