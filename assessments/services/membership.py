"""The people of an organisation: managers invite contributors and viewers, and remove them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from ..access import OrganisationAccess
from ..models import Membership, Role
from ..notifications import deliver_after_commit
from .answers import NO_PERMISSION

INVITE_ROLE_NOT_ALLOWED = _("Managers can invite contributors and viewers only.")
REMOVE_NOT_ALLOWED = _(
    "Only contributors and viewers can be removed here; managers are managed by the administrators."
)


@transaction.atomic
def membership_invite(
    *, access: OrganisationAccess, email: str, role: str, request: HttpRequest
) -> Membership:
    """Adds a person to the organisation; a new account gets an email with a link to set its password."""
    if not access.is_manager:
        raise ValidationError(NO_PERMISSION, code="no_permission")
    if role not in (Role.CONTRIBUTOR, Role.VIEWER):
        raise ValidationError(INVITE_ROLE_NOT_ALLOWED, code="role")
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).lower()
    user = user_model.objects.filter(email__iexact=email).order_by("pk").first()
    created = user is None
    if user is None:
        username = email[:150]
        if user_model.objects.filter(username=username).exists():
            username = f"{email.split('@')[0][:100]}-{get_random_string(6).lower()}"
        user = user_model.objects.create_user(username=username, email=email)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=access.organisation, defaults={"role": role}
    )
    if created:
        form = PasswordResetForm({"email": email})
        if form.is_valid():
            # An account without a usable password is skipped by the stock form, so send to it explicitly.
            form.get_users = lambda _email: iter([user])  # type: ignore[method-assign,assignment]
            deliver_after_commit(
                lambda: form.save(request=request, use_https=request.is_secure()),
                what=f"the invitation to {email}",
            )
    return membership


@transaction.atomic
def membership_remove(*, access: OrganisationAccess, membership: Membership) -> None:
    if not access.is_manager or membership.organisation_id != access.organisation.pk:
        raise ValidationError(NO_PERMISSION, code="no_permission")
    if membership.role == Role.MANAGER:
        raise ValidationError(REMOVE_NOT_ALLOWED, code="manager")
    membership.delete()
