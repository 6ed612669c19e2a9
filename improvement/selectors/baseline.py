"""What happened to the baseline's actions: for a re-assessment, each action of the assessment it started
from, whether its gap is closed now, and a flag on actions marked done whose gap is still open."""

from __future__ import annotations

from dataclasses import dataclass

from assessments.models import Assessment
from assessments.selectors import assessment_scores
from capability_model.gaps import item_gaps

from ..models import Action
from .actions import ratings_for


@dataclass(frozen=True, slots=True)
class BaselineActionRow:
    action: Action  # of the baseline
    criteria: tuple[str, ...]
    gap_open: tuple[str, ...]  # its criteria still short of what its phase needs, in this assessment

    @property
    def gap_closed(self) -> bool:
        return not self.gap_open

    @property
    def done_but_open(self) -> bool:
        """Marked done, yet the ratings do not show it: worth a look before certification."""
        return self.action.status == "done" and not self.gap_closed


def actions_since_baseline(*, assessment: Assessment, with_verified: bool) -> list[BaselineActionRow]:
    """The baseline's actions judged against this assessment's official ratings; empty without a baseline."""
    if assessment.baseline_id is None:
        return []
    scores = assessment_scores(assessment=assessment)
    ratings = ratings_for(scores, with_verified=with_verified)
    items = set(scores.spec.item_codes)
    rows = []
    for action in (
        Action.objects.filter(assessment=assessment.baseline_id)
        .select_related("item", "owner")
        .prefetch_related("criteria")
    ):
        codes = tuple(sorted(c.code for c in action.criteria.all()))
        if action.item.code not in items:
            continue  # the item left the model in this version
        short = {gap.criterion for gap in item_gaps(scores.spec, ratings, action.item.code, action.phase)}
        rows.append(BaselineActionRow(action, codes, tuple(code for code in codes if code in short)))
    return rows
