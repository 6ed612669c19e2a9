"""Who may see and do what with an organisation's data: one function per protected object.

Every view goes through these. Anything a user may not see answers 404 — not 403 — so that another
organisation's ids reveal nothing. Members see their organisation; consultants see the organisations
assigned to them; nobody else sees anything (staff use the admin).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.http import Http404

from capability_model.models import CapabilityModel
from maturity_portal import sql

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


def organisation_rows_for_user(*, user: AnyUser) -> sql.SQLRows:
    """The organisations the user may see (a membership or an assignment), by name, each row with the
    user's role and assignment after the organisation's columns (``organisation_access_from_row``)."""
    if not user.is_authenticated:
        return sql.SQLRows("SELECT 1 WHERE 1 = 0", (), "SELECT 0", ())
    select, count = _organisation_rows_statements(connection.vendor)
    return sql.SQLRows(select, (user.pk, user.pk, user.pk, user.pk), count, (user.pk, user.pk))


def organisation_access_from_row(row: tuple[object, ...], start: int = 0) -> OrganisationAccess:
    """The organisation from its columns at ``start``, with the role and assignment that end the row
    (``_role_and_assignment``)."""
    organisation = sql.model_columns(Organisation, "o").instance(row, start)
    role, is_consultant = row[-2], bool(row[-1])
    return OrganisationAccess(organisation, Role(str(role)) if role else None, is_consultant)


def _visible(access: OrganisationAccess) -> OrganisationAccess:
    """The access itself, or a 404 when the user is neither a member nor the assigned consultant."""
    if access.role is None and not access.is_consultant:
        raise Http404
    return access


@functools.cache
def _organisation_rows_statements(vendor: str) -> tuple[str, str]:
    org_id = sql.column(Organisation, "id", "o")
    visible = (
        f"{org_id} IN (SELECT {sql.column(Membership, 'organisation')} FROM {sql.table(Membership)} "  # noqa: S608
        f"WHERE {sql.column(Membership, 'user')} = %s) "
        f"OR {org_id} IN (SELECT {sql.column(ConsultantAssignment, 'organisation')} "
        f"FROM {sql.table(ConsultantAssignment)} WHERE {sql.column(ConsultantAssignment, 'consultant')} = %s)"
    )
    select = (
        f"SELECT {sql.model_columns(Organisation, 'o').select}, {_role_and_assignment(org_id)} "  # noqa: S608 - names from the models
        f"FROM {sql.table(Organisation)} o WHERE {visible} "
        f"ORDER BY {sql.column(Organisation, 'name', 'o')}, {org_id}"
    )
    return select, f"SELECT COUNT(*) FROM {sql.table(Organisation)} o WHERE {visible}"  # noqa: S608


def _role_and_assignment(organisation_id: str) -> str:
    """Two columns: the user's role in the organisation (NULL: none), and whether they are assigned to it
    as its consultant. Parameters: the user's key, twice."""
    return (
        f"(SELECT {sql.column(Membership, 'role')} FROM {sql.table(Membership)} "  # noqa: S608 - names from the models
        f"WHERE {sql.column(Membership, 'user')} = %s "
        f"AND {sql.column(Membership, 'organisation')} = {organisation_id}), "
        f"EXISTS (SELECT 1 FROM {sql.table(ConsultantAssignment)} "
        f"WHERE {sql.column(ConsultantAssignment, 'consultant')} = %s "
        f"AND {sql.column(ConsultantAssignment, 'organisation')} = {organisation_id})"
    )


def organisation_get_for_user(*, user: AnyUser, pk: int) -> OrganisationAccess:
    """The organisation with the user's role in it and assignment to it; 404 when neither."""
    if not user.is_authenticated or not sql.is_id(pk):
        raise Http404
    row = sql.fetchone(_organisation_access_statement(connection.vendor), [user.pk, user.pk, pk])
    if row is None:
        raise Http404
    return _visible(organisation_access_from_row(row))


@functools.cache
def _organisation_access_statement(vendor: str) -> str:
    org_id = sql.column(Organisation, "id", "o")
    return (
        f"SELECT {sql.model_columns(Organisation, 'o').select}, {_role_and_assignment(org_id)} "  # noqa: S608 - names from the models
        f"FROM {sql.table(Organisation)} o WHERE {org_id} = %s"
    )


def _access_columns() -> tuple[sql.ModelColumns, sql.ModelColumns, sql.ModelColumns]:
    return (
        sql.model_columns(Assessment, "a"),
        sql.model_columns(Organisation, "o"),
        sql.model_columns(CapabilityModel, "m"),
    )


@functools.cache
def _assessment_access_statement(vendor: str) -> str:
    """The assessment, its organisation and model version, the user's role and assignment: one row."""
    assessment, organisation, model = _access_columns()
    org_id = sql.column(Assessment, "organisation", "a")
    return (
        f"SELECT {assessment.select}, {organisation.select}, {model.select}, {_role_and_assignment(org_id)} "  # noqa: S608 - names from the models
        f"FROM {sql.table(Assessment)} a "
        f"JOIN {sql.table(Organisation)} o ON {sql.column(Organisation, 'id', 'o')} = {org_id} "
        f"JOIN {sql.table(CapabilityModel)} m ON {sql.column(CapabilityModel, 'id', 'm')} = "
        f"{sql.column(Assessment, 'capability_model', 'a')} "
        f"WHERE {sql.column(Assessment, 'id', 'a')} = %s"
    )


def assessment_get_for_user(*, user: AnyUser, pk: int) -> AssessmentAccess:
    """The assessment with what the user may do with it; 404 when the user may not see it.

    One statement in SQL (``maturity_portal.sql``): every assessment page and every autosave asks this
    first, and the ORM took fifteen times as long to compile its queries as the database took to answer.
    The rules are those of ``organisation_get_for_user`` (``_role_and_assignment``): a membership gives
    its role, an assignment makes a consultant, neither is a 404.
    """
    if not user.is_authenticated or not sql.is_id(pk):
        raise Http404
    row = sql.fetchone(_assessment_access_statement(connection.vendor), [user.pk, user.pk, pk])
    if row is None:
        raise Http404
    assessment_columns, organisation_columns, model_columns = _access_columns()
    assessment = assessment_columns.instance(row)
    start = len(assessment_columns.attnames)
    organisation_access = _visible(organisation_access_from_row(row, start))
    capability_model = model_columns.instance(row, start + len(organisation_columns.attnames))
    # What select_related("organisation", "capability_model") would have attached.
    Assessment.organisation.field.set_cached_value(assessment, organisation_access.organisation)
    Assessment.capability_model.field.set_cached_value(assessment, capability_model)
    return AssessmentAccess(assessment, organisation_access)


def evidence_get_for_user(*, user: AnyUser, pk: int) -> tuple[Evidence, AssessmentAccess]:
    evidence = Evidence.objects.select_related("answer").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence, assessment_get_for_user(user=user, pk=evidence.answer.assessment_id)
