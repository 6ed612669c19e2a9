"""The action plan re-imported from its workbook, edited offline: all rows or none.

Every row is checked first — title, criteria (one item of this model version), owner (a member, by user
name or full name, or else a named person outside the portal), due date, status, priority — and every bad
row is named with its reason. A row whose action was changed in the portal since the export is refused
with who changed it and when, so that nobody overwrites another's work unseen. Only when no row is bad are
the changed rows written, in one transaction, each kept in the history; the versions are compared again
under a row lock, so a change made between the check and the write is refused too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from ..access import ActionPlanAccess
from ..exports import action_version
from ..models import Action, ActionStatus, Priority
from ..plan_workbook import PlanRow, plan_workbook_parse
from ..selectors import owner_choices
from .actions import ActionInput, _check_owner, _criteria, ensure_can_edit


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    message: str


@dataclass(frozen=True, slots=True)
class PlanImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def _choice(text: str, choices: type[ActionStatus] | type[Priority]) -> str | None:
    """A status or priority by its value or its label in either language."""
    from django.utils import translation

    wanted = text.strip().casefold()
    for value, label in choices.choices:
        names = {value.casefold(), str(label).casefold()}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.add(str(label).casefold())
        if wanted in names:
            return str(value)
    return None


def _owner(text: str, members: dict[str, User]) -> tuple[User | None, str]:
    key = text.strip().casefold()
    if not key:
        return None, ""
    member = members.get(key)
    return (member, "") if member is not None else (None, text.strip())


def _members(access: ActionPlanAccess) -> dict[str, User]:
    """Members by user name and by full name (a full name two members share names nobody)."""
    members: dict[str, User] = {}
    shared: set[str] = set()
    for user in owner_choices(organisation=access.assessment_access.assessment.organisation):
        members[user.get_username().casefold()] = user
        full = user.get_full_name().strip().casefold()
        if full and full in members and members[full] != user:
            shared.add(full)
        elif full:
            members.setdefault(full, user)
    return {key: user for key, user in members.items() if key not in shared}


def _input(row: PlanRow, members: dict[str, User]) -> tuple[ActionInput | None, list[str]]:
    reasons = []
    if not row.title.strip():
        reasons.append(_("the title is empty"))
    elif len(row.title) > 200:
        reasons.append(_("the title is longer than 200 characters"))
    if len(row.notes) > 5000:
        reasons.append(_("the notes are longer than 5000 characters"))
    status = _choice(row.status or ActionStatus.OPEN, ActionStatus)
    if status is None:
        reasons.append(_("unknown status “%(value)s”") % {"value": row.status[:40]})
    priority = _choice(row.priority or Priority.MEDIUM, Priority)
    if priority is None:
        reasons.append(_("unknown priority “%(value)s”") % {"value": row.priority[:40]})
    due: date | None = None
    if row.due_date:
        try:
            due = date.fromisoformat(row.due_date.removesuffix("T00:00:00"))
        except ValueError:
            reasons.append(
                _("the due date “%(value)s” is not a date (YYYY-MM-DD)") % {"value": row.due_date[:40]}
            )
    owner, owner_name = _owner(row.owner, members)
    if reasons:
        return None, reasons
    assert status is not None  # noqa: S101 - checked above
    assert priority is not None  # noqa: S101
    data = ActionInput(
        title=row.title, criteria=row.criteria, owner=owner, owner_name=owner_name, due_date=due,
        status=status, priority=priority, notes=row.notes,
    )  # fmt: skip
    return data, []


def _conflict(action: Action) -> str:
    last = action.history.order_by("-history_date", "-history_id").first()
    who = (last.history_user.get_username() if last.history_user else last.history_username) if last else "?"
    when = last.history_date.strftime("%Y-%m-%d %H:%M") if last else "?"
    return _("the action was changed in the portal since the export, by %(who)s on %(when)s UTC") % {
        "who": who or "?",
        "when": when,
    }


def _same(action: Action, data: ActionInput, criteria: set[int]) -> bool:
    return (
        action.title == data.title.strip()
        and action.owner_id == (data.owner.pk if data.owner else None)
        and action.owner_name == data.owner_name.strip()
        and action.due_date == data.due_date
        and action.status == data.status
        and action.priority == data.priority
        and action.notes == data.notes
        and criteria == set(action.criteria.values_list("pk", flat=True))
    )


@dataclass(frozen=True, slots=True)
class _Checked:
    row: PlanRow
    data: ActionInput
    action: Action | None  # None: a new action


def _check(
    access: ActionPlanAccess, rows: list[PlanRow], locked: bool
) -> tuple[list[_Checked], list[RowProblem]]:
    assessment = access.assessment_access.assessment
    members = _members(access)
    ids = {int(r.action_id) for r in rows if r.action_id.isdigit() and len(r.action_id) < 19}
    actions = Action.objects.filter(assessment=assessment, pk__in=ids).prefetch_related("criteria")
    if locked:
        actions = actions.select_for_update()
    by_id = {a.pk: a for a in actions}
    checked, problems, seen = [], [], set()
    for row in rows:
        data, reasons = _input(row, members)
        action = None
        if row.action_id:
            action = (
                by_id.get(int(row.action_id)) if row.action_id.isdigit() and len(row.action_id) < 19 else None
            )
            if action is None:
                reasons.append(
                    _("action id %(id)s is not an action of this plan") % {"id": row.action_id[:20]}
                )
            elif action.pk in seen:
                reasons.append(_("action id %(id)s appears twice") % {"id": action.pk})
            elif row.version != action_version(action):
                reasons.append(_conflict(action))
            seen.add(action.pk if action else 0)
        try:
            _criteria(assessment, row.criteria)
            if data is not None:
                _check_owner(assessment, data)
        except ValidationError as exc:
            reasons.extend(exc.messages)
        if reasons:
            problems.append(RowProblem(row.number, "; ".join(reasons)))
        elif data is not None:
            checked.append(_Checked(row, data, action))
    return checked, problems


def plan_import(*, access: ActionPlanAccess, upload: File[bytes], user: User) -> PlanImportResult:
    """Checks every row, then applies all of them or none (see the module docstring)."""
    ensure_can_edit(access)
    assessment = access.assessment_access.assessment
    rows = plan_workbook_parse(upload, assessment_id=assessment.pk)
    checked, problems = _check(access, rows, locked=False)
    if problems:
        return PlanImportResult(problems=problems)
    from .actions import action_create, action_update

    with transaction.atomic():
        checked, problems = _check(access, rows, locked=True)  # again, under the rows' locks
        if problems:
            return PlanImportResult(problems=problems)
        result = PlanImportResult()
        for item in checked:
            if item.action is None:
                action_create(access=access, user=user, data=item.data)
                result = replace(result, created=result.created + 1)
                continue
            _item, criteria = _criteria(assessment, item.data.criteria)
            if _same(item.action, item.data, {c.pk for c in criteria}):
                result = replace(result, unchanged=result.unchanged + 1)
                continue
            action_update(access=access, action=item.action, user=user, data=item.data)
            result = replace(result, updated=result.updated + 1)
    return result
