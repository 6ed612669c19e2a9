"""An admin resets a user's lost second factor from the user list (recorded in the user's history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from common.validators import validate_single_line

from . import services

User = get_user_model()


@admin.action(description=_("Reset two-factor sign-in (lost device)"))
def reset_two_factor(modeladmin: Any, request: Any, queryset: Any) -> None:
    for user in queryset:
        services.two_factor_reset(user=user, by=request.user)
    modeladmin.message_user(
        request,
        _("Two-factor sign-in reset for %(count)d users.") % {"count": len(queryset)},
        messages.SUCCESS,
    )


class PortalUserAdmin(UserAdmin):
    actions = [reset_two_factor]  # noqa: RUF012 - ModelAdmin declares it as an instance variable

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        # Names go into emails and pages as one line: the portal's single-line rule, as for titles.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in {"first_name", "last_name"}:
            formfield.validators.append(validate_single_line)
        return formfield


admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
