"""The people of an organisation."""

from __future__ import annotations

from ..models import Membership, Organisation


def membership_list(*, organisation: Organisation) -> list[Membership]:
    return list(organisation.memberships.select_related("user").order_by("role", "user__username"))
