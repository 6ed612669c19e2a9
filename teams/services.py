"""Writes of team work: handing out parts, opening panels, respondents' own answers, and the guard that
keeps an assigned or panelled criterion's consolidated answer to the person deciding it.

Each service checks the rules, runs in one transaction that first raises the assessment's revision while
the organisation may change it (``lock_for_organisation_change``: nothing lands after a submission, and
cached pages never show the old state), saves through ``save()`` so the history records who and when,
and raises ``ValidationError`` with a message meant for the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from assessments import answer_rules
from assessments.access import AssessmentAccess
from assessments.services import ensure_answers_editable
from assessments.services.answers import lock_for_organisation_change
from capability_model.models import CapabilityItem, Criterion, Domain
from common.mail import mail_after_commit

from . import selectors
from .access import TeamAccess
from .models import Assignment, Panel, Response

ONLY_MANAGERS = gettext_lazy("Only a manager of the organisation can hand out work or open panels.")
UNKNOWN_PART = gettext_lazy("Unknown domain or capability item %(code)s.")
NOT_A_WRITER = gettext_lazy("%(who)s cannot answer for the organisation (managers and contributors can).")
TOO_FEW_RESPONDENTS = gettext_lazy("A panel needs at least two respondents.")
OVERLAPPING_PANEL = gettext_lazy(
    "%(code)s overlaps the panel of %(other)s; close that one first (a criterion has one panel)."
)
NOT_A_RESPONDENT = gettext_lazy("You are not a respondent for criterion %(code)s.")
UNKNOWN_CRITERION = gettext_lazy("Unknown criterion %(code)s.")
NA_NEEDS_COMMENT = gettext_lazy("A rating of NA needs a comment that says why.")
HELD_BY_OTHER = gettext_lazy("%(code)s is assigned to %(who)s: only they or a manager can change its answer.")
PANEL_CONSOLIDATES = gettext_lazy(
    "Several respondents answer %(code)s: a manager (or the person it is assigned to) decides its rating."
)
RESPONSE_CHANGED_MEANWHILE = gettext_lazy(
    "Your response to %(code)s was changed meanwhile (in another window?): it is now “%(rating)s”. "
    "Nothing was overwritten."
)


def ensure_can_respond(team: TeamAccess) -> None:
    """Responses may change: the user writes for the organisation and the state allows it."""
    ensure_answers_editable(team.access)


def _ensure_manager(team: TeamAccess) -> None:
    ensure_answers_editable(team.access)
    if not team.can_manage:
        raise ValidationError(ONLY_MANAGERS, code="no_permission")


def _part(team: TeamAccess, code: str) -> tuple[Domain | None, CapabilityItem | None]:
    model_id = team.access.assessment.capability_model_id
    if "\x00" not in code:
        domain = Domain.objects.filter(capability_model_id=model_id, code=code).first()
        if domain is not None:
            return domain, None
        item = CapabilityItem.objects.filter(domain__capability_model_id=model_id, code=code).first()
        if item is not None:
            return None, item
    raise ValidationError(UNKNOWN_PART, code="unknown_part", params={"code": code})


def _ensure_writers(team: TeamAccess, users: list[User]) -> None:
    writers = {u.pk for u in selectors.writer_members(assessment=team.access.assessment)}
    for user in users:
        if user.pk not in writers:
            raise ValidationError(NOT_A_WRITER, code="not_a_writer", params={"who": user.get_username()})


def _bilingual(text: str, params: Mapping[str, object]) -> str:
    lines = []
    for language in ("zh-hans", "en"):
        with override(language):
            lines.append(_(text) % params)
    return "\n".join(lines)


def _team_link(team: TeamAccess) -> str:
    return f"{settings.SITE_URL}{reverse('teams:team', args=[team.access.assessment.pk])}"


@dataclass(frozen=True, slots=True)
class AssignmentInput:
    part_code: str
    assignee: User
    due_date: date | None
    note: str


def assignment_set(*, team: TeamAccess, data: AssignmentInput, user: User) -> Assignment:
    """Hands a domain or an item to a member (replacing whoever held that part); the member is told."""
    _ensure_manager(team)
    _ensure_writers(team, [data.assignee])
    domain, item = _part(team, data.part_code)
    assessment = team.access.assessment
    with transaction.atomic():
        lock_for_organisation_change(assessment)
        assignment = Assignment.objects.filter(assessment=assessment, domain=domain, item=item).first()
        assignment = assignment or Assignment(assessment=assessment, domain=domain, item=item)
        previous = assignment.assignee_id if assignment.pk else None
        assignment.assignee = data.assignee
        assignment.due_date = data.due_date
        assignment.note = data.note
        assignment.assigned_by = user
        assignment.full_clean(exclude=["assessment", "domain", "item", "assignee", "assigned_by"])
        assignment._history_user = user  # type: ignore[attr-defined]
        assignment.save()
        if previous != data.assignee.pk:
            params = {
                "part": data.part_code,
                "title": assessment.title,
                "due": data.due_date.isoformat() if data.due_date else "—",
                "note": data.note,
            }
            mail_after_commit(
                subject=f"[Maturity Portal] {assessment.title}: {data.part_code}",
                body=_bilingual("%(part)s of “%(title)s” was assigned to you, due %(due)s. %(note)s", params)
                + f"\n\n{_team_link(team)}\n",
                recipients=[data.assignee.email],
            )
    return assignment


def assignment_remove(*, team: TeamAccess, assignment: Assignment, user: User) -> None:
    """The part is open to every writer again; the history keeps who held it."""
    _ensure_manager(team)
    with transaction.atomic():
        lock_for_organisation_change(team.access.assessment)
        assignment._history_user = user  # type: ignore[attr-defined]
        assignment.delete()


@dataclass(frozen=True, slots=True)
class PanelInput:
    part_code: str
    respondents: list[User]
    blind: bool


def panel_open(*, team: TeamAccess, data: PanelInput, user: User) -> Panel:
    """Opens a domain or an item to several respondents (or changes who they are and whether blind)."""
    _ensure_manager(team)
    if len({u.pk for u in data.respondents}) < 2:
        raise ValidationError(TOO_FEW_RESPONDENTS, code="too_few_respondents")
    _ensure_writers(team, data.respondents)
    domain, item = _part(team, data.part_code)
    assessment = team.access.assessment
    with transaction.atomic():
        lock_for_organisation_change(assessment)
        panel = Panel.objects.filter(assessment=assessment, domain=domain, item=item).first()
        # One panel per criterion: an item's panel and its domain's would each claim the item's criteria.
        overlapping = Panel.objects.filter(assessment=assessment)
        if panel is not None:
            overlapping = overlapping.exclude(pk=panel.pk)
        overlapping = (
            overlapping.filter(item__domain=domain) if domain else overlapping.filter(domain=item.domain)  # type: ignore[union-attr]
        ).select_related("domain", "item")
        other = overlapping.first()
        if other is not None:
            raise ValidationError(
                OVERLAPPING_PANEL,
                code="overlapping_panel",
                params={"code": data.part_code, "other": (other.item or other.domain).code},  # type: ignore[union-attr]
            )
        panel = panel or Panel(assessment=assessment, domain=domain, item=item, opened_by=user)
        panel.blind = data.blind
        panel._history_user = user  # type: ignore[attr-defined]
        panel.save()
        before = set(panel.respondents.values_list("pk", flat=True))
        panel.respondents.set(data.respondents)
        added = [u.email for u in data.respondents if u.pk not in before]
        mail_after_commit(
            subject=f"[Maturity Portal] {assessment.title}: {data.part_code}",
            body=_bilingual(
                "You are asked to answer %(part)s of “%(title)s” on your own.",
                {"part": data.part_code, "title": assessment.title},
            )
            + f"\n\n{_team_link(team)}\n",
            recipients=added,
        )
    return panel


def panel_close(*, team: TeamAccess, panel: Panel, user: User) -> None:
    """The panel closes; its responses stay (and stay in the history); the consolidated answers stand."""
    _ensure_manager(team)
    with transaction.atomic():
        lock_for_organisation_change(team.access.assessment)
        panel._history_user = user  # type: ignore[attr-defined]
        panel.delete()


@dataclass(frozen=True, slots=True)
class ResponseInput:
    rating: str
    comment: str
    evidence: str
    revision: int  # the revision the respondent's page was loaded with (0: none yet)


class ResponseConflictError(ValidationError):
    """The response changed since the respondent loaded it; carries the stored one."""

    def __init__(self, current: Response) -> None:
        self.current = current
        super().__init__(
            RESPONSE_CHANGED_MEANWHILE,
            code="conflict",
            params={"code": current.criterion.code, "rating": current.rating or "—"},
        )


_RESPONSE_FIELDS = ("rating", "comment", "evidence")


def response_write(
    *, team: TeamAccess, criterion_code: str, data: ResponseInput, user: User
) -> tuple[Response, bool]:
    """Saves the user's own response to one criterion of a panel, unless it changed since loaded.

    As for answers: a save equal to what is stored is accepted whatever its revision (a retried request
    never reports a false conflict), and nothing is written then.
    """
    access: AssessmentAccess = team.access
    ensure_answers_editable(access)
    assessment = access.assessment
    criterion = (
        None
        if "\x00" in criterion_code
        else Criterion.objects.filter(
            capability_model_id=assessment.capability_model_id, code=criterion_code
        ).first()
    )
    if criterion is None:
        raise ValidationError(UNKNOWN_CRITERION, code="unknown_criterion", params={"code": criterion_code})
    _holder, panel = selectors.holder_and_panel(assessment=assessment, criterion_code=criterion_code)
    if panel is None or not panel.respondents.filter(pk=user.pk).exists():
        raise ValidationError(NOT_A_RESPONDENT, code="not_a_respondent", params={"code": criterion_code})
    if answer_rules.needs_justification(data.rating, data.comment):
        raise ValidationError(NA_NEEDS_COMMENT, code="na_comment")
    try:
        with transaction.atomic():
            lock_for_organisation_change(assessment)
            response = (
                Response.objects.select_for_update(of=("self",))
                .filter(assessment=assessment, criterion=criterion, respondent=user)
                .first()
            ) or Response(assessment=assessment, criterion=criterion, respondent=user)
            unchanged = all(getattr(response, f) == getattr(data, f) for f in _RESPONSE_FIELDS)
            if response.revision != data.revision and not unchanged:
                raise ResponseConflictError(response)
            if unchanged and response.pk:
                transaction.set_rollback(True)
                return response, False
            for name in _RESPONSE_FIELDS:
                setattr(response, name, getattr(data, name))
            response.revision += 1
            response.full_clean(exclude=["assessment", "criterion", "respondent"], validate_constraints=False)
            response._history_user = user  # type: ignore[attr-defined]
            response.save()
    except IntegrityError:
        # Two first saves of the same response raced (two windows): the second is a conflict.
        current = Response.objects.select_related("criterion").get(
            assessment=assessment, criterion=criterion, respondent=user
        )
        raise ResponseConflictError(current) from None
    return response, True


def answer_guard(access: AssessmentAccess, criterion_code: str, user: User) -> None:
    """Registered with ``assessments.extensions``: the consolidated answer of a criterion assigned to
    someone is theirs (or a manager's) to write; one answered by a panel is decided by a manager or the
    assignee. Everything else stays open to every writer, as before team work."""
    if access.organisation_access.is_manager:
        return
    holder, panel = selectors.holder_and_panel(assessment=access.assessment, criterion_code=criterion_code)
    if holder is not None and holder.assignee_id != user.pk:
        raise ValidationError(
            HELD_BY_OTHER,
            code="no_permission",
            params={"code": criterion_code, "who": holder.assignee.get_username()},
        )
    if panel is not None and holder is None:
        raise ValidationError(PANEL_CONSOLIDATES, code="no_permission", params={"code": criterion_code})
