"""Existing accounts are invited, not added; nobody is both a member and the consultant of one
organisation (issue 23 item 5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse

from assessments import services
from assessments.access import organisation_get_for_user
from assessments.models import ConsultantAssignment, Invitation, Membership, Role
from tests.assessments.conftest import Org
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(org: Org, email: str, role: str = Role.CONTRIBUTOR) -> Any:
    access = organisation_get_for_user(user=org.manager, pk=org.organisation.pk)
    request = RequestFactory().post("/")
    request.user = org.manager
    return services.membership_invite(access=access, email=email, role=role, request=request)


def test_the_invited_person_accepts_and_becomes_a_member(client: Client, org: Org, other_org: Org) -> None:
    invitation = _invite(org, other_org.manager.email)
    assert isinstance(invitation, Invitation)
    assert invitation.invited_by == org.manager
    client.force_login(other_org.manager)
    page = client.get(reverse("assessments:invitations"))
    assert page.status_code == 200
    assert "Alpha Contact Centre" in page.content.decode()
    # Not a member before accepting: the organisation's pages answer 404.
    assert (
        client.get(reverse("assessments:organisation_members", args=[org.organisation.pk])).status_code == 404
    )
    response = client.post(reverse("assessments:invitation_accept", args=[invitation.pk]))
    assert response.status_code == 302
    membership = Membership.objects.get(user=other_org.manager, organisation=org.organisation)
    assert membership.role == Role.CONTRIBUTOR
    assert not Invitation.objects.exists()
    assert (
        client.get(reverse("assessments:organisation_members", args=[org.organisation.pk])).status_code == 200
    )


def test_the_invited_person_may_decline(client: Client, org: Org, other_org: Org) -> None:
    invitation = _invite(org, other_org.viewer.email, Role.VIEWER)
    client.force_login(other_org.viewer)
    assert client.post(reverse("assessments:invitation_decline", args=[invitation.pk])).status_code == 302
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(user=other_org.viewer, organisation=org.organisation).exists()


def test_nobody_else_can_answer_an_invitation(client: Client, org: Org, other_org: Org) -> None:
    invitation = _invite(org, other_org.viewer.email)
    for someone in (org.manager, other_org.manager, StaffFactory.create()):
        client.force_login(someone)
        for name in ("assessments:invitation_accept", "assessments:invitation_decline"):
            assert client.post(reverse(name, args=[invitation.pk])).status_code == 404
        assert "Alpha" not in client.get(reverse("assessments:invitations")).content.decode()
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert not Membership.objects.filter(user=other_org.viewer, organisation=org.organisation).exists()


def test_inviting_twice_keeps_one_invitation_and_a_member_is_not_invited(org: Org, other_org: Org) -> None:
    first = _invite(org, other_org.viewer.email)
    assert _invite(org, other_org.viewer.email).pk == first.pk
    with pytest.raises(ValidationError, match="already a member"):
        _invite(org, org.viewer.email)


def test_a_new_address_still_gets_an_account_and_a_membership(org: Org) -> None:
    membership = _invite(org, "new.agent@example.com")
    assert isinstance(membership, Membership)
    assert membership.organisation == org.organisation


def test_the_organisations_consultant_cannot_be_invited_or_accept(org: Org, other_org: Org) -> None:
    with pytest.raises(ValidationError, match="both a member and the assigned consultant"):
        _invite(org, org.consultant.email)
    assert not Invitation.objects.exists()
    # Assigned as consultant after the invitation went out: accepting is refused.
    invitation = _invite(org, other_org.consultant.email)
    ConsultantAssignment.objects.create(consultant=other_org.consultant, organisation=org.organisation)
    with pytest.raises(ValidationError, match="both a member and the assigned consultant"):
        services.invitation_accept(invitation=invitation, user=other_org.consultant)
    assert not Membership.objects.filter(user=other_org.consultant, organisation=org.organisation).exists()


def test_the_members_page_says_an_invitation_was_sent(client: Client, org: Org, other_org: Org) -> None:
    client.force_login(org.manager)
    response = client.post(
        reverse("assessments:organisation_members", args=[org.organisation.pk]),
        {"email": other_org.manager.email, "role": Role.VIEWER},
        follow=True,
    )
    assert "was sent an invitation" in response.content.decode()
    assert not Membership.objects.filter(user=other_org.manager, organisation=org.organisation).exists()


def test_member_and_consultant_are_refused_by_model_validation(org: Org) -> None:
    with pytest.raises(ValidationError):
        Membership(user=org.consultant, organisation=org.organisation, role=Role.VIEWER).full_clean()
    with pytest.raises(ValidationError):
        ConsultantAssignment(consultant=org.viewer, organisation=org.organisation).full_clean()
    ConsultantAssignment(consultant=UserFactory.create(), organisation=org.organisation).full_clean()


def test_the_admin_refuses_a_membership_for_the_organisations_consultant(client: Client, org: Org) -> None:
    client.force_login(StaffFactory.create())
    memberships = list(org.organisation.memberships.order_by("pk"))
    data: dict[str, Any] = {
        "name": org.organisation.name,
        "industry": org.organisation.industry,
        "size": org.organisation.size,
        "memberships-TOTAL_FORMS": str(len(memberships) + 1),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "consultant_assignments-TOTAL_FORMS": "1",
        "consultant_assignments-INITIAL_FORMS": "1",
        "consultant_assignments-MIN_NUM_FORMS": "0",
        "consultant_assignments-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        data |= {
            f"memberships-{index}-id": membership.pk,
            f"memberships-{index}-organisation": org.organisation.pk,
            f"memberships-{index}-user": membership.user_id,
            f"memberships-{index}-role": membership.role,
        }
    assignment = org.organisation.consultant_assignments.get()
    data |= {
        f"memberships-{len(memberships)}-organisation": org.organisation.pk,
        f"memberships-{len(memberships)}-user": org.consultant.pk,
        f"memberships-{len(memberships)}-role": Role.MANAGER,
        "consultant_assignments-0-id": assignment.pk,
        "consultant_assignments-0-organisation": org.organisation.pk,
        "consultant_assignments-0-consultant": org.consultant.pk,
    }
    response = client.post(reverse("admin:assessments_organisation_change", args=[org.organisation.pk]), data)
    assert response.status_code == 200
    assert "both a member and the assigned consultant" in response.content.decode()
    assert not Membership.objects.filter(user=org.consultant, organisation=org.organisation).exists()


def test_the_admin_refuses_a_new_member_and_a_new_consultant_of_one_person_in_one_save(
    client: Client, org: Org
) -> None:
    """Each model's clean() sees only saved rows; the two new rows of one save are checked together."""
    client.force_login(StaffFactory.create())
    person = UserFactory.create()
    memberships = list(org.organisation.memberships.order_by("pk"))
    assignment = org.organisation.consultant_assignments.get()
    data: dict[str, Any] = {
        "name": org.organisation.name,
        "industry": org.organisation.industry,
        "size": org.organisation.size,
        "memberships-TOTAL_FORMS": str(len(memberships) + 1),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "consultant_assignments-TOTAL_FORMS": "2",
        "consultant_assignments-INITIAL_FORMS": "1",
        "consultant_assignments-MIN_NUM_FORMS": "0",
        "consultant_assignments-MAX_NUM_FORMS": "1000",
        "consultant_assignments-0-id": assignment.pk,
        "consultant_assignments-0-organisation": org.organisation.pk,
        "consultant_assignments-0-consultant": org.consultant.pk,
        "consultant_assignments-1-organisation": org.organisation.pk,
        "consultant_assignments-1-consultant": person.pk,
        f"memberships-{len(memberships)}-organisation": org.organisation.pk,
        f"memberships-{len(memberships)}-user": person.pk,
        f"memberships-{len(memberships)}-role": Role.VIEWER,
    }
    for index, membership in enumerate(memberships):
        data |= {
            f"memberships-{index}-id": membership.pk,
            f"memberships-{index}-organisation": org.organisation.pk,
            f"memberships-{index}-user": membership.user_id,
            f"memberships-{index}-role": membership.role,
        }
    url = reverse("admin:assessments_organisation_change", args=[org.organisation.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "both a member and the assigned consultant" in response.content.decode()
    assert not Membership.objects.filter(user=person).exists()
    assert not ConsultantAssignment.objects.filter(consultant=person).exists()
    # The same save with the membership marked for deletion goes through (only the assignment is added).
    data[f"memberships-{len(memberships)}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert ConsultantAssignment.objects.filter(consultant=person, organisation=org.organisation).exists()
