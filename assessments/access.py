"""Who may see and do what with an organisation's data: one function per protected object.

Every view goes through these. Anything a user may not see answers 404 — not 403 — so that another
organisation's ids reveal nothing. Members see their organisation; consultants see the organisations
assigned to them; nobody else sees anything (staff use the admin).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from . import workflow
from .models import Assessment, ConsultantAssignment, Evidence, Membership, Organisation, Role

AnyUser = AbstractBaseUser | AnonymousUser

WRITER_ROLES = frozenset({Role.MANAGER, Role.CONTRIBUTOR})


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
    def can_edit(self) -> bool:
        """Answers and evidence: writers of the organisation, while the workflow allows it."""
        return self.organisation_access.can_write_answers and workflow.is_editable_by_organisation(
            self.assessment.state
        )

    @property
    def can_submit(self) -> bool:
        return self.organisation_access.is_manager and workflow.is_editable_by_organisation(
            self.assessment.state
        )

    @property
    def can_review(self) -> bool:
        return self.organisation_access.is_consultant


def organisations_for_user(*, user: AnyUser) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(pk__in=Membership.objects.filter(user_id=user.pk).values("organisation_id"))
        | Q(pk__in=ConsultantAssignment.objects.filter(consultant_id=user.pk).values("organisation_id"))
    )


def organisation_access_for_user(*, user: AnyUser, organisation: Organisation) -> OrganisationAccess:
    """The user's role in and assignment to the organisation; 404 when neither.

    Two plain queries: every assessment page and autosave asks, and Django compiles a query with
    subqueries (one round trip) in three times the time it takes to compile and run these two.
    """
    if not user.is_authenticated:
        raise Http404
    roles = list(
        Membership.objects.filter(user_id=user.pk, organisation_id=organisation.pk).values_list(
            "role", flat=True
        )
    )  # at most one: a membership is unique per user and organisation
    is_consultant = ConsultantAssignment.objects.filter(
        consultant_id=user.pk, organisation_id=organisation.pk
    ).exists()
    if not roles and not is_consultant:
        raise Http404
    return OrganisationAccess(organisation, Role(roles[0]) if roles else None, is_consultant)


def organisation_get_for_user(*, user: AnyUser, pk: int) -> OrganisationAccess:
    try:
        organisation = Organisation.objects.get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    return organisation_access_for_user(user=user, organisation=organisation)


def assessment_get_for_user(*, user: AnyUser, pk: int) -> AssessmentAccess:
    """The assessment with what the user may do with it; 404 when the user may not see it."""
    try:
        assessment = Assessment.objects.select_related("organisation", "capability_model").get(pk=pk)
    except Assessment.DoesNotExist:
        raise Http404 from None
    return AssessmentAccess(
        assessment, organisation_access_for_user(user=user, organisation=assessment.organisation)
    )


def evidence_get_for_user(*, user: AnyUser, pk: int) -> tuple[Evidence, AssessmentAccess]:
    evidence = Evidence.objects.select_related("answer").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence, assessment_get_for_user(user=user, pk=evidence.answer.assessment_id)
