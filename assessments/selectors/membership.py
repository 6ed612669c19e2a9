"""The people of an organisation."""

from __future__ import annotations

from django.contrib.auth.models import User

from ..models import Invitation, Membership, Organisation


def membership_list(*, organisation: Organisation) -> list[Membership]:
    return list(organisation.memberships.select_related("user").order_by("role", "user__username"))


def invitation_list_for_user(*, user: User) -> list[Invitation]:
    """The invitations waiting for this person's answer, newest first."""
    invitations = Invitation.objects.filter(user=user).select_related("organisation", "invited_by")
    return list(invitations.order_by("-created_at"))
