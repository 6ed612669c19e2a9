"""Who may see and do what with an organisation's data: one function per protected object.

Every view goes through these. Anything a user may not see answers 404 — not 403 — so that another
organisation's ids reveal nothing. Members see their organisation; consultants see the organisations
assigned to them; nobody else sees anything (staff use the admin).

What a person may do with an assessment is decided here, once, from the user's role and the workflow's
predicates; views, templates and notifications ask the access object and never compare states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from . import workflow
from .models import Assessment, ConsultantAssignment, Evidence, Invitation, Membership, Organisation, Role

AnyUser = AbstractBaseUser | AnonymousUser

WRITER_ROLES = frozenset({Role.MANAGER, Role.CONTRIBUTOR})
MAX_ID = 2**63 - 1  # a URL's digits can name any integer; beyond a 64-bit key SQLite errors instead of "none"


@dataclass(frozen=True, slots=True)
class OrganisationAccess:
    organisation: Organisation
    role: Role | None  # None for a consultant who is not a member
    is_consultant: bool

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def can_write_answers(self) -> bool:
        return self.role in WRITER_ROLES


@dataclass(frozen=True, slots=True)
class AssessmentAccess:
    assessment: Assessment
    organisation_access: OrganisationAccess

    @property
    def state(self) -> workflow.State:
        return workflow.State(self.assessment.state)

    @property
    def can_edit(self) -> bool:
        """Answers and evidence: writers of the organisation, while the workflow allows it."""
        return self.organisation_access.can_write_answers and workflow.is_editable_by_organisation(self.state)

    @property
    def can_submit(self) -> bool:
        return self.organisation_access.is_manager and workflow.is_editable_by_organisation(self.state)

    @property
    def is_reviewer(self) -> bool:
        """The organisation's assigned consultant: may open the review pages of any of its assessments."""
        return self.organisation_access.is_consultant

    @property
    def can_start_review(self) -> bool:
        return self.is_reviewer and workflow.can_start_review(self.state)

    @property
    def can_review(self) -> bool:
        """Record verified ratings and comments: the consultant, while the assessment is in review."""
        return self.is_reviewer and workflow.is_reviewable(self.state)

    @property
    def can_decide(self) -> bool:
        """Return or approve: the consultant, while the assessment is in review."""
        return self.is_reviewer and workflow.is_decidable(self.state)

    @property
    def can_see_verified(self) -> bool:
        """The consultant sees the verified ratings as they are made; members once the review is decided."""
        return self.is_reviewer or workflow.is_decided(self.state)

    @property
    def awaits_review(self) -> bool:
        return workflow.is_awaiting_review(self.state)

    @property
    def is_returned(self) -> bool:
        return workflow.is_returned(self.state)

    @property
    def is_final(self) -> bool:
        return workflow.is_final(self.state)


def _with_user_access(queryset: QuerySet[Any], user: AnyUser, organisation: str) -> QuerySet[Any]:
    """Each row annotated with the user's role in the organisation at ``organisation`` (NULL: none) and
    whether the user is its assigned consultant."""
    return queryset.annotate(
        user_role=Subquery(
            Membership.objects.filter(user=user.pk, organisation=OuterRef(organisation)).values("role")[:1]
        ),
        user_is_consultant=Exists(
            ConsultantAssignment.objects.filter(consultant=user.pk, organisation=OuterRef(organisation))
        ),
    )


def _organisation_access(organisation: Organisation, row: Any) -> OrganisationAccess:
    role, is_consultant = row.user_role, bool(row.user_is_consultant)
    if role is None and not is_consultant:
        raise Http404
    return OrganisationAccess(organisation, Role(role) if role else None, is_consultant)


def organisations_for_user(*, user: AnyUser) -> QuerySet[Organisation]:
    """The organisations the user may see (a membership or an assignment), by name, each annotated with
    the user's role and assignment (``organisation_access``)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    visible = Organisation.objects.filter(
        Q(pk__in=Membership.objects.filter(user=user.pk).values("organisation"))
        | Q(pk__in=ConsultantAssignment.objects.filter(consultant=user.pk).values("organisation"))
    )
    return _with_user_access(visible, user, "pk").order_by("name", "pk")


def organisation_access(organisation: Organisation) -> OrganisationAccess:
    """The access of an organisation read through ``organisations_for_user``."""
    return _organisation_access(organisation, organisation)


def organisation_get_for_user(*, user: AnyUser, pk: int) -> OrganisationAccess:
    """The organisation with the user's role in it and assignment to it; 404 when neither."""
    if not user.is_authenticated or not 0 < pk <= MAX_ID:
        raise Http404
    organisation = _with_user_access(Organisation.objects.filter(pk=pk), user, "pk").first()
    if organisation is None:
        raise Http404
    return organisation_access(organisation)


def assessment_get_for_user(*, user: AnyUser, pk: int) -> AssessmentAccess:
    """The assessment with what the user may do with it; 404 when the user may not see it.

    One query: the assessment with its organisation and model version, and the user's role and assignment
    as annotations.
    """
    if not user.is_authenticated or not 0 < pk <= MAX_ID:
        raise Http404
    assessment = (
        _with_user_access(Assessment.objects.filter(pk=pk), user, "organisation")
        .select_related("organisation", "capability_model")
        .first()
    )
    if assessment is None:
        raise Http404
    return AssessmentAccess(assessment, _organisation_access(assessment.organisation, assessment))


def evidence_get_for_user(*, user: AnyUser, pk: int) -> tuple[Evidence, AssessmentAccess]:
    if not 0 < pk <= MAX_ID:
        raise Http404
    evidence = Evidence.objects.select_related("answer__criterion").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence, assessment_get_for_user(user=user, pk=evidence.answer.assessment_id)


def invitation_get_for_user(*, user: AnyUser, pk: int) -> Invitation:
    """An invitation addressed to this user; anyone else's answers 404, like every other object."""
    if not user.is_authenticated or not 0 < pk <= MAX_ID:
        raise Http404
    invitation = Invitation.objects.select_related("organisation").filter(pk=pk, user_id=user.pk).first()
    if invitation is None:
        raise Http404
    return invitation
