from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import ConsultantAssignment


def roles(request: HttpRequest) -> dict[str, Any]:
    """``is_consultant`` for the navigation; lazy, so pages that do not ask run no query."""
    user = getattr(request, "user", None)
    return {
        "is_consultant": SimpleLazyObject(
            lambda: bool(
                user
                and user.is_authenticated
                and ConsultantAssignment.objects.filter(consultant_id=user.pk).exists()
            )
        )
    }
