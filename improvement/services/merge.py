"""Merging actions of one capability item into one: the kept action takes every criterion of the others,
which are cancelled with a note saying where their work went (nothing is deleted; the history keeps all)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import ActionPlanAccess
from ..models import Action, ActionStatus
from .actions import ensure_can_edit

NOTHING_TO_MERGE = gettext_lazy("Choose at least one other action of the same capability item to merge.")
OTHER_ITEM = gettext_lazy("Only actions of the same capability item can be merged.")


@transaction.atomic
def actions_merge(*, access: ActionPlanAccess, user: User, keep: Action, others: list[int]) -> Action:
    ensure_can_edit(access)
    assessment = access.assessment_access.assessment
    locked = {
        a.pk: a
        for a in Action.objects.select_for_update()
        .filter(assessment=assessment, pk__in=[keep.pk, *others])
        .prefetch_related("criteria")
    }
    kept = locked.get(keep.pk)
    merged = [locked[pk] for pk in others if pk in locked and pk != keep.pk]
    if kept is None or not merged or len(merged) != len(set(others) - {keep.pk}):
        raise ValidationError(NOTHING_TO_MERGE, code="nothing_to_merge")
    if any(a.item_id != kept.item_id for a in merged):
        raise ValidationError(OTHER_ITEM, code="other_item")
    criteria = {c.pk: c for a in [kept, *merged] for c in a.criteria.all()}
    kept.phase = max([kept.phase, *(a.phase for a in merged)])
    kept.effort = kept.effort + sum(a.effort for a in merged)
    kept._history_user = user  # type: ignore[attr-defined]
    kept.save()
    kept.criteria.set(criteria.values())
    for action in merged:
        action.status = ActionStatus.CANCELLED
        note = _("Merged into “%(title)s” (#%(pk)s).") % {"title": kept.title, "pk": kept.pk}
        action.notes = f"{action.notes}\n{note}".strip()
        action._history_user = user  # type: ignore[attr-defined]
        action.save()
    return kept
