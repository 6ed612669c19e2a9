"""Writes to the action plan: suggested actions from the gaps, actions created and edited by hand, and the
open actions carried into the next assessment. Each write runs in one transaction and is kept in the
history with who made it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Assessment, Membership
from assessments.selectors import assessment_scores
from capability_model.gaps import improvement_plan
from capability_model.models import CapabilityItem, Criterion

from ..access import ActionPlanAccess
from ..models import OPEN_STATUSES, Action, ActionStatus, Priority
from ..planning import suggest_actions
from ..selectors.actions import criteria_in_actions, ratings_for

NO_PERMISSION = gettext_lazy(
    "Only the organisation's managers and its consultant can change the action plan."
)
NOT_YOURS = gettext_lazy(
    "Only the action's owner (a contributor), the organisation's managers and its consultant can update it."
)
OWNER_NOT_MEMBER = gettext_lazy("The owner must be a member of the organisation.")
NO_CRITERIA = gettext_lazy("Name at least one criterion the action addresses.")
UNKNOWN_CRITERIA = gettext_lazy("Unknown criterion codes in this model version: %(codes)s.")
MIXED_ITEMS = gettext_lazy("The criteria of one action must belong to one capability item.")
TWO_OWNERS = gettext_lazy("Name either a member as owner or a person outside the portal, not both.")

_CODE_SPLIT = re.compile(r"[\s,;，；]+")


@dataclass(frozen=True, slots=True)
class ActionInput:
    title: str
    criteria: str  # codes separated by spaces or commas
    owner: User | None = None
    owner_name: str = ""
    due_date: date | None = None
    status: str = ActionStatus.OPEN
    priority: str = Priority.MEDIUM
    notes: str = ""


def ensure_can_edit(access: ActionPlanAccess) -> None:
    if not access.can_edit:
        raise ValidationError(NO_PERMISSION, code="no_permission")


def ensure_can_update(access: ActionPlanAccess, action: Action) -> None:
    if not access.can_update(action):
        raise ValidationError(NOT_YOURS, code="no_permission")


def _check_owner(assessment: Assessment, data: ActionInput) -> None:
    if data.owner is not None and data.owner_name.strip():
        raise ValidationError(TWO_OWNERS, code="two_owners")
    if (
        data.owner is not None
        and not Membership.objects.filter(user=data.owner, organisation=assessment.organisation_id).exists()
    ):
        raise ValidationError(OWNER_NOT_MEMBER, code="owner_not_member")


def _criteria(assessment: Assessment, raw: str) -> tuple[CapabilityItem, list[Criterion]]:
    codes = list(dict.fromkeys(code.upper() for code in _CODE_SPLIT.split(raw) if code))
    if not codes:
        raise ValidationError(NO_CRITERIA, code="no_criteria")
    found = {
        c.code: c
        for c in Criterion.objects.filter(capability_model=assessment.capability_model_id, code__in=codes)
        .select_related("item")
        .order_by("level", "order")
    }
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError(UNKNOWN_CRITERIA, code="unknown_criteria", params={"codes": ", ".join(missing)})
    criteria = [found[code] for code in codes]
    if len({c.item_id for c in criteria}) > 1:
        raise ValidationError(MIXED_ITEMS, code="mixed_items")
    return criteria[0].item, criteria


def _apply(action: Action, data: ActionInput) -> None:
    action.title = data.title.strip()
    action.owner = data.owner
    action.owner_name = data.owner_name.strip()
    action.due_date = data.due_date
    action.status = data.status
    action.priority = data.priority
    action.notes = data.notes


@transaction.atomic
def action_create(*, access: ActionPlanAccess, user: User, data: ActionInput) -> Action:
    """An action written by hand; its phase is the highest level among its criteria."""
    ensure_can_edit(access)
    assessment = access.assessment_access.assessment
    _check_owner(assessment, data)
    item, criteria = _criteria(assessment, data.criteria)
    action = Action(assessment=assessment, item=item, created_by=user, phase=max(c.level for c in criteria))
    _apply(action, data)
    action.full_clean()
    action._history_user = user  # type: ignore[attr-defined]
    action.save()
    action.criteria.set(criteria)
    return action


@transaction.atomic
def action_update(*, access: ActionPlanAccess, action: Action, user: User, data: ActionInput) -> Action:
    ensure_can_edit(access)
    assessment = access.assessment_access.assessment
    _check_owner(assessment, data)
    item, criteria = _criteria(assessment, data.criteria)
    action = Action.objects.select_for_update().get(pk=action.pk, assessment=assessment)
    _apply(action, data)
    changed = {c.pk for c in criteria} != set(action.criteria.values_list("pk", flat=True))
    if changed:
        action.item, action.phase = item, max(c.level for c in criteria)
    action.full_clean()
    action._history_user = user  # type: ignore[attr-defined]
    action.save()
    if changed:
        action.criteria.set(criteria)
    return action


@transaction.atomic
def action_status_set(*, access: ActionPlanAccess, action: Action, user: User, status: str) -> Action:
    """The one change a contributor may make to an action they own (editors may make it too)."""
    action = Action.objects.select_for_update().get(
        pk=action.pk, assessment=access.assessment_access.assessment
    )
    ensure_can_update(access, action)
    action.status = status
    action.full_clean()
    action._history_user = user  # type: ignore[attr-defined]
    action.save()
    return action


@transaction.atomic
def actions_suggest(*, access: ActionPlanAccess, user: User) -> list[Action]:
    """Creates the suggested actions of the gaps (official ratings, to the next and the target level).

    Criteria already in an action of the plan are left out, so suggesting again adds only what is new.
    Actions that unlock a level up to the target are of high priority, the others low.
    """
    ensure_can_edit(access)
    assessment = Assessment.objects.select_for_update().get(pk=access.assessment_access.assessment.pk)
    scores = assessment_scores(assessment=assessment)
    ratings = ratings_for(scores, with_verified=access.assessment_access.can_see_verified)
    plan = improvement_plan(scores.spec, ratings, assessment.target_level)
    suggestions = suggest_actions(plan, skip=criteria_in_actions(assessment=assessment))
    if not suggestions:
        return []
    criteria = {c.code: c for c in Criterion.objects.filter(capability_model=assessment.capability_model_id)}
    items = {
        i.code: i for i in CapabilityItem.objects.filter(capability_model=assessment.capability_model_id)
    }
    created = []
    for suggestion in suggestions:
        item = items[suggestion.item]
        action = Action(
            assessment=assessment,
            item=item,
            title=_("Lift %(item)s %(name)s to level %(level)s")
            % {"item": item.code, "name": item.name, "level": suggestion.phase},
            phase=suggestion.phase,
            effort=suggestion.effort,
            priority=Priority.HIGH if suggestion.phase <= assessment.target_level else Priority.LOW,
            created_by=user,
        )
        action._history_user = user  # type: ignore[attr-defined]
        action.save()
        action.criteria.set([criteria[code] for code in suggestion.criteria])
        created.append(action)
    return created


def actions_carry_over(*, source: Assessment, target: Assessment, user: User) -> list[Action]:
    """Copies the open actions of ``source`` into ``target`` (called inside the re-assessment's
    transaction), matching items and criteria by code in the target's model version."""
    criteria = {c.code: c for c in Criterion.objects.filter(capability_model=target.capability_model_id)}
    items = {i.code: i for i in CapabilityItem.objects.filter(capability_model=target.capability_model_id)}
    carried = []
    for old in (
        source.actions.filter(status__in=OPEN_STATUSES).select_related("item").prefetch_related("criteria")
    ):
        item = items.get(old.item.code)
        if item is None:  # the item left the model in the new version
            continue
        action = Action(
            assessment=target,
            item=item,
            title=old.title,
            phase=old.phase,
            effort=old.effort,
            owner=old.owner,
            owner_name=old.owner_name,
            due_date=old.due_date,
            status=old.status,
            priority=old.priority,
            notes=old.notes,
            carried_from=old,
            created_by=user,
        )
        action._history_user = user  # type: ignore[attr-defined]
        action.save()
        action.criteria.set([criteria[c.code] for c in old.criteria.all() if c.code in criteria])
        carried.append(action)
    return carried
