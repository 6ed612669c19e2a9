"""Reads of the parts of an assessment: who holds which, who answers which, how far each has got."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.contrib.auth.models import User
from django.db.models import Q

from assessments import workflow
from assessments.models import Answer, Assessment, Membership, Role
from capability_model.models import CapabilityItem, Criterion, Domain

from ..consolidation import spread
from ..models import Assignment, Panel, Response


@dataclass(frozen=True, slots=True)
class Scope:
    """The model version's parts: each criterion's item and each item's domain, by code."""

    item_of: dict[str, str]  # criterion code -> item code
    domain_of: dict[str, str]  # item code -> domain code
    required: set[str]  # criterion codes at or below the target level

    def criteria_of(self, part_code: str) -> list[str]:
        return [c for c, i in self.item_of.items() if part_code in (i, self.domain_of[i])]


def scope_for(*, assessment: Assessment) -> Scope:
    rows = Criterion.objects.filter(capability_model_id=assessment.capability_model_id).values_list(
        "code", "level", "item__code", "item__domain__code"
    )
    item_of, domain_of, required = {}, {}, set()
    for code, level, item, domain in rows.order_by("item__domain__order", "item__order", "level", "order"):
        item_of[code] = item
        domain_of[item] = domain
        if level <= assessment.target_level:
            required.add(code)
    return Scope(item_of, domain_of, required)


Part = TypeVar("Part", Assignment, Panel)


def _most_specific(rows: list[Part], scope: Scope) -> dict[str, Part]:
    """Item code -> the assignment (or panel) that covers it: the item's own, else its domain's."""
    by_item: dict[str, Part] = {}
    for row in sorted(rows, key=lambda r: r.item_id is not None):  # domains first, items override
        if row.item_id is not None and row.item is not None:
            by_item[row.item.code] = row
        elif row.domain is not None:
            for item, domain in scope.domain_of.items():
                if domain == row.domain.code:
                    by_item[item] = row
    return by_item


def holders(*, assessment: Assessment, scope: Scope) -> dict[str, Assignment]:
    """Item code -> the assignment holding it (items nobody holds are absent: open to every writer)."""
    rows = list(Assignment.objects.filter(assessment=assessment).select_related("domain", "item", "assignee"))
    return _most_specific(rows, scope)


def panels(*, assessment: Assessment, scope: Scope) -> dict[str, Panel]:
    """Item code -> the panel answering it."""
    rows = list(
        Panel.objects.filter(assessment=assessment)
        .select_related("domain", "item")
        .prefetch_related("respondents")
    )
    return _most_specific(rows, scope)


def holder_and_panel(
    *, assessment: Assessment, criterion_code: str
) -> tuple[Assignment | None, Panel | None]:
    """The assignment and the panel covering one criterion (the guard of every consolidated answer)."""
    criterion = (
        Criterion.objects.filter(capability_model_id=assessment.capability_model_id, code=criterion_code)
        .select_related("item")
        .first()
    )
    if criterion is None:
        return None, None
    part = Q(item_id=criterion.item_id) | Q(domain_id=criterion.item.domain_id)
    found_assignments = sorted(
        Assignment.objects.filter(part, assessment=assessment).select_related("assignee"),
        key=lambda a: a.item_id is None,  # the item's own first
    )
    found_panels = sorted(Panel.objects.filter(part, assessment=assessment), key=lambda p: p.item_id is None)
    return (found_assignments[0] if found_assignments else None, found_panels[0] if found_panels else None)


def writer_members(*, assessment: Assessment) -> list[User]:
    """Who may be handed work or asked to respond: the organisation's managers and contributors."""
    ids = Membership.objects.filter(
        organisation_id=assessment.organisation_id, role__in=[Role.MANAGER, Role.CONTRIBUTOR]
    ).values("user")
    return list(User.objects.filter(pk__in=ids).order_by("username"))


def parts(*, assessment: Assessment) -> list[tuple[str, str]]:
    """(code, label) of every domain and item of the model, domain first, for the forms."""
    result = []
    domains = Domain.objects.filter(capability_model_id=assessment.capability_model_id).order_by(
        "order", "code"
    )
    items = defaultdict(list)
    for item in CapabilityItem.objects.filter(domain__in=domains).order_by("order", "code"):
        items[item.domain_id].append(item)
    for domain in domains:
        result.append((domain.code, f"{domain.code} {domain.name}"))
        result.extend((item.code, f"— {item.code} {item.name}") for item in items[domain.pk])
    return result


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    assignment: Assignment
    answered: int  # required criteria of the part with a consolidated answer
    required: int
    overdue: bool

    @property
    def complete(self) -> bool:
        return self.answered >= self.required


def _overdue(due: date | None, complete: bool, assessment: Assessment, today: date) -> bool:
    editable = workflow.is_editable_by_organisation(workflow.State(assessment.state))
    return due is not None and due < today and not complete and editable


def assignment_rows(*, assessment: Assessment, scope: Scope, today: date) -> list[AssignmentRow]:
    """Every assignment of the assessment with how far its part has got."""
    rated = set(
        Answer.objects.filter(assessment=assessment)
        .exclude(rating="")
        .values_list("criterion__code", flat=True)
    )
    held = holders(assessment=assessment, scope=scope)
    rows = []
    assignments = Assignment.objects.filter(assessment=assessment).select_related(
        "domain", "item", "assignee"
    )
    for assignment in assignments.order_by("domain__order", "item__order", "pk"):
        # A domain's assignment counts the items it still holds (not those handed to someone else).
        codes = [
            c
            for c in scope.criteria_of(assignment.part_code)
            if c in scope.required and held.get(scope.item_of[c]) == assignment
        ]
        answered = sum(1 for c in codes if c in rated)
        overdue = _overdue(assignment.due_date, answered >= len(codes), assessment, today)
        rows.append(AssignmentRow(assignment, answered, len(codes), overdue))
    return rows


@dataclass(frozen=True, slots=True)
class RespondentProgress:
    user: User
    answered: int
    total: int


@dataclass(frozen=True, slots=True)
class PanelRow:
    panel: Panel
    part_code: str
    respondents: list[RespondentProgress]
    disputed: int
    consolidated: int
    total: int
    items: list[str]  # the item codes it covers, in model order (each has its respondents' page)


def responses_by_criterion(assessment: Assessment) -> dict[str, list[Response]]:
    grouped: dict[str, list[Response]] = defaultdict(list)
    rows = Response.objects.filter(assessment=assessment).select_related("respondent", "criterion")
    for response in rows.order_by("respondent__username"):
        grouped[response.criterion.code].append(response)
    return grouped


def panel_rows(*, assessment: Assessment, scope: Scope) -> list[PanelRow]:
    by_criterion = responses_by_criterion(assessment)
    covered = panels(assessment=assessment, scope=scope)
    rated = set(
        Answer.objects.filter(assessment=assessment)
        .exclude(rating="")
        .values_list("criterion__code", flat=True)
    )
    result = []
    for panel in {id(p): p for p in covered.values()}.values():
        codes = [c for c, item in scope.item_of.items() if covered.get(item) is panel]
        progress = [
            RespondentProgress(
                user,
                sum(
                    1
                    for c in codes
                    for r in by_criterion.get(c, [])
                    if r.respondent_id == user.pk and r.rating
                ),
                len(codes),
            )
            for user in sorted(panel.respondents.all(), key=lambda u: u.username)
        ]
        disputed = sum(1 for c in codes if spread(r.rating for r in by_criterion.get(c, [])).disputed)
        part = panel.item.code if panel.item else panel.domain.code if panel.domain else ""
        items = list(dict.fromkeys(scope.item_of[c] for c in codes))
        consolidated = sum(1 for c in codes if c in rated)
        result.append(PanelRow(panel, part, progress, disputed, consolidated, len(codes), items))
    return sorted(result, key=lambda row: row.part_code)


@dataclass(frozen=True, slots=True)
class MyAssignment:
    row: AssignmentRow
    assessment: Assessment


def assignments_for_user(*, user: User, today: date) -> list[MyAssignment]:
    """The dashboard's "assigned to me": the user's parts of assessments not yet final, overdue first.

    Counts the consolidated answers of each assessment once (a few queries per assessment; a person holds
    parts of a handful of open assessments at a time).
    """
    mine = (
        Assignment.objects.filter(assignee=user, assessment__organisation__memberships__user=user)
        .exclude(assessment__state=workflow.State.APPROVED.value)
        .select_related("assessment", "assessment__organisation")
        .order_by("assessment_id")
    )
    result: list[MyAssignment] = []
    for assessment in {a.assessment_id: a.assessment for a in mine}.values():
        scope = scope_for(assessment=assessment)
        rows = assignment_rows(assessment=assessment, scope=scope, today=today)
        result.extend(MyAssignment(row, assessment) for row in rows if row.assignment.assignee_id == user.pk)
    far_future = date.max
    return sorted(result, key=lambda m: (not m.row.overdue, m.row.assignment.due_date or far_future))


def assignments_due_soon(*, today: date, within_days: int) -> list[AssignmentRow]:
    """Unfinished assignments of editable assessments due between today and ``within_days`` from now
    (the reminder before the due date)."""
    due = (
        Assignment.objects.filter(
            due_date__gte=today,
            due_date__lte=date.fromordinal(today.toordinal() + within_days),
            assessment__state__in=sorted(workflow.EDITABLE_BY_ORGANISATION),
        )
        .select_related("assessment")
        .order_by("assessment_id")
    )
    rows: list[AssignmentRow] = []
    for assessment in {a.assessment_id: a.assessment for a in due}.values():
        scope = scope_for(assessment=assessment)
        wanted = {a.pk for a in due if a.assessment_id == assessment.pk}
        rows.extend(
            row
            for row in assignment_rows(assessment=assessment, scope=scope, today=today)
            if row.assignment.pk in wanted and not row.complete
        )
    return rows
