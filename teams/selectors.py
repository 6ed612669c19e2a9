"""Reads of team work: who holds which part, who answers which criterion, how far each has got, and
where respondents disagree. Each function runs a constant number of queries whatever the model's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from django.contrib.auth.models import User
from django.db.models import Q

from assessments import workflow
from assessments.models import Answer, Assessment, Membership, Role
from capability_model.models import CapabilityItem, Criterion, Domain

from .consolidation import Spread, spread
from .models import Assignment, Panel, Response


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


def _responses_by_criterion(assessment: Assessment) -> dict[str, list[Response]]:
    grouped: dict[str, list[Response]] = defaultdict(list)
    rows = Response.objects.filter(assessment=assessment).select_related("respondent", "criterion")
    for response in rows.order_by("respondent__username"):
        grouped[response.criterion.code].append(response)
    return grouped


def panel_rows(*, assessment: Assessment, scope: Scope) -> list[PanelRow]:
    by_criterion = _responses_by_criterion(assessment)
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


@dataclass(frozen=True, slots=True)
class ResponseView:
    response: Response
    name: str  # the respondent's name, or "Respondent n" for those who may not see names
    is_mine: bool


@dataclass(frozen=True, slots=True)
class CriterionResponses:
    criterion: Criterion
    answer: Answer
    mine: Response | None
    others: list[ResponseView]  # empty while blind and the viewer has not answered
    hidden: bool  # blind: the others' ratings are withheld until the viewer answers
    spread: Spread | None  # None while hidden
    is_respondent: bool

    @property
    def prefill(self) -> str:
        """The consolidation form's rating: the decided one, else the respondents' median."""
        suggestion = self.spread.suggestion if self.spread else None
        return self.answer.rating or (suggestion.value if suggestion else "")


@dataclass(frozen=True, slots=True)
class ItemResponses:
    item: CapabilityItem
    panel: Panel | None
    holder: Assignment | None
    rows: list[CriterionResponses] = field(default_factory=list)


def item_responses(
    *, assessment: Assessment, item_code: str, user: User, with_names: bool, respondent_label: str
) -> ItemResponses | None:
    """One item's criteria with the viewer's own response, the others' (as far as the viewer may see
    them), the spread and the consolidated answer. None for an item the model does not have."""
    item = CapabilityItem.objects.filter(
        domain__capability_model_id=assessment.capability_model_id, code=item_code
    ).first()
    if item is None:
        return None
    scope = scope_for(assessment=assessment)
    panel = panels(assessment=assessment, scope=scope).get(item.code)
    holder = holders(assessment=assessment, scope=scope).get(item.code)
    is_respondent = panel is not None and any(u.pk == user.pk for u in panel.respondents.all())
    answers = (
        Answer.objects.filter(assessment=assessment, criterion__item=item)
        .select_related("criterion", "updated_by")
        .order_by("criterion__level", "criterion__order")
    )
    by_criterion = _responses_by_criterion(assessment)
    numbers: dict[int, int] = {}
    rows = []
    for answer in answers:
        responses = by_criterion.get(answer.criterion.code, [])
        mine = next((r for r in responses if r.respondent_id == user.pk), None)
        hidden = bool(panel and panel.blind and is_respondent and not (mine and mine.rating))
        others = []
        for response in responses:
            number = numbers.setdefault(response.respondent_id, len(numbers) + 1)
            name = response.respondent.get_username() if with_names else f"{respondent_label} {number}"
            if response.respondent_id != user.pk and not hidden:
                others.append(ResponseView(response, name, is_mine=False))
        rows.append(
            CriterionResponses(
                answer.criterion,
                answer,
                mine,
                others,
                hidden,
                None if hidden else spread(r.rating for r in responses),
                is_respondent,
            )
        )
    return ItemResponses(item, panel, holder, rows)


def disputed_codes(*, assessment: Assessment) -> set[str]:
    """The criteria whose respondents disagree (the questionnaire's "disputed" filter)."""
    return {
        code
        for code, responses in _responses_by_criterion(assessment).items()
        if spread(r.rating for r in responses).disputed
    }


def spreads_for(*, assessment: Assessment, domain_code: str = "") -> dict[str, tuple[Spread, list[Response]]]:
    """Criterion code -> its spread and responses, for criteria with at least one response."""
    result = {}
    for code, responses in _responses_by_criterion(assessment).items():
        result[code] = (spread(r.rating for r in responses), responses)
    if domain_code:
        scope = scope_for(assessment=assessment)
        result = {
            c: v
            for c, v in result.items()
            if scope.domain_of.get(scope.item_of.get(c, ""), "") == domain_code
        }
    return result


def disputes_by_domain(*, assessment: Assessment) -> dict[str, int]:
    """Domain code -> how many of its criteria are disputed (the report's count)."""
    scope = scope_for(assessment=assessment)
    counts: dict[str, int] = dict.fromkeys(dict.fromkeys(scope.domain_of.values()), 0)
    for code in disputed_codes(assessment=assessment):
        item = scope.item_of.get(code)
        if item is not None:
            counts[scope.domain_of[item]] += 1
    return counts


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
