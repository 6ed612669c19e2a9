"""The people of an organisation: managers invite contributors and viewers, and remove them.

A new address gets an account and a membership at once (with an email to set its password). An address
that already has an account gets an invitation its owner accepts or declines: a manager must not be able
to add another organisation's manager, the administrators or the organisation's own consultant (who could
then answer and approve the same assessment) by typing an email. Nobody holds a membership and a
consultant assignment for the same organisation (checked here and in the models' ``clean``, which the
admin runs).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from common.mail import QueuedPasswordResetForm

from ..access import OrganisationAccess
from ..models import MEMBER_AND_CONSULTANT, ConsultantAssignment, Invitation, Membership, Role
from ..notifications import deliver_after_commit, notify_invited
from .answers import NO_PERMISSION

INVITE_ROLE_NOT_ALLOWED = _("Managers can invite contributors and viewers only.")
REMOVE_NOT_ALLOWED = _(
    "Only contributors and viewers can be removed here; managers are managed by the administrators."
)
ALREADY_MEMBER = _("%(email)s is already a member of this organisation.")


@transaction.atomic
def membership_invite(
    *, access: OrganisationAccess, email: str, role: str, request: HttpRequest
) -> Membership | Invitation:
    """A membership for a new account (emailed a link to set its password), or an invitation for an
    existing one (emailed a link to accept or decline it)."""
    if not access.is_manager:
        raise ValidationError(NO_PERMISSION, code="no_permission")
    if role not in (Role.CONTRIBUTOR, Role.VIEWER):
        raise ValidationError(INVITE_ROLE_NOT_ALLOWED, code="role")
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).lower()
    organisation = access.organisation
    user = user_model.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None:
        if Membership.objects.filter(user=user, organisation=organisation).exists():
            raise ValidationError(ALREADY_MEMBER, code="already_member", params={"email": email})
        _ensure_not_consultant(user, organisation.pk)
        defaults = {"role": role, "invited_by": _requesting_user(request)}
        invitation, created = Invitation.objects.get_or_create(
            user=user, organisation=organisation, defaults=defaults
        )
        if created:
            notify_invited(invitation)
        return invitation
    username = email[:150]
    if user_model.objects.filter(username=username).exists():
        username = f"{email.split('@')[0][:100]}-{get_random_string(6).lower()}"
    user = user_model.objects.create_user(username=username, email=email)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    form = QueuedPasswordResetForm({"email": email})
    if form.is_valid():
        # An account without a usable password is skipped by the stock form, so send to it explicitly.
        form.get_users = lambda _email: iter([user])  # type: ignore[method-assign,assignment]
        deliver_after_commit(
            lambda: form.save(request=request, use_https=request.is_secure()),
            what=f"the invitation to {email}",
        )
    return membership


def _requesting_user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The invited person joins with the role offered; the invitation is used up."""
    if invitation.user_id != user.pk:
        raise ValidationError(NO_PERMISSION, code="no_permission")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _ensure_not_consultant(user, invitation.organisation_id)
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation_id=invitation.organisation_id, defaults={"role": invitation.role}
    )
    invitation.delete()
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user: User) -> None:
    if invitation.user_id != user.pk:
        raise ValidationError(NO_PERMISSION, code="no_permission")
    invitation.delete()


def _ensure_not_consultant(user: User, organisation_id: int) -> None:
    if ConsultantAssignment.objects.filter(consultant=user, organisation_id=organisation_id).exists():
        raise ValidationError(MEMBER_AND_CONSULTANT, code="member_and_consultant")


@transaction.atomic
def membership_remove(*, access: OrganisationAccess, membership: Membership) -> None:
    if not access.is_manager or membership.organisation_id != access.organisation.pk:
        raise ValidationError(NO_PERMISSION, code="no_permission")
    if membership.role == Role.MANAGER:
        raise ValidationError(REMOVE_NOT_ALLOWED, code="manager")
    membership.delete()
