"""Fixtures for assessments: an organisation with every role, a consultant, and an outsider of each kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Assessment, Organisation, Role
from capability_model.models import CapabilityModel
from tests.factories import ConsultantAssignmentFactory, MembershipFactory, OrganisationFactory, UserFactory


@dataclass
class Org:
    organisation: Organisation
    manager: User
    contributor: User
    viewer: User
    consultant: User


def make_org(name: str) -> Org:
    organisation = OrganisationFactory.create(name=name)
    people = {}
    for role in (Role.MANAGER, Role.CONTRIBUTOR, Role.VIEWER):
        people[role] = MembershipFactory.create(organisation=organisation, role=role).user
    consultant = ConsultantAssignmentFactory.create(organisation=organisation).consultant
    return Org(organisation, people[Role.MANAGER], people[Role.CONTRIBUTOR], people[Role.VIEWER], consultant)


@pytest.fixture
def org(shipped_model: CapabilityModel) -> Org:
    return make_org("Alpha Contact Centre")


@pytest.fixture
def other_org(shipped_model: CapabilityModel) -> Org:
    return make_org("Beta Contact Centre")


@pytest.fixture
def unassigned_consultant(db: Any) -> User:
    return UserFactory.create(username="lonely-consultant")


@pytest.fixture
def assessment(org: Org, shipped_model: CapabilityModel) -> Assessment:
    return services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="FY26",
        target_level=2,
        allow_retired=True,
    )


def record(assessment: Assessment, user: User, code: str, rating: str, **fields: Any) -> Any:
    """Saves one answer as the user would, against the answer's current revision."""
    access = assessment_get_for_user(user=user, pk=assessment.pk)
    answer = assessment.answers.get(criterion__code=code)
    data = services.AnswerInput(
        rating=rating,
        comment=fields.get("comment", ""),
        justification=fields.get("justification", ""),
        flagged=fields.get("flagged", False),
        revision=fields.get("revision", answer.revision),
        confirm=fields.get("confirm", False),
    )
    return services.answer_record(access=access, criterion_code=code, data=data, user=user)


def set_state(assessment: Assessment, state: str) -> Assessment:
    """Puts an assessment in a state directly, for tests of what each state allows."""
    assessment.refresh_from_db()
    assessment.state = state
    assessment.save()
    return assessment
