"""Presentation filters shared by the portal's templates (formatting only; no domain decisions)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import filesizeformat

from capability_model import scoring

register = template.Library()


@register.filter
def index(value: float | None) -> str:
    """An index with two decimals, rounded as the scoring rules say; an em dash when not applicable."""
    return "—" if value is None else f"{scoring.format_index(value):.2f}"


@register.filter
def level(value: int | None) -> str:
    return "—" if value is None else str(value)


@register.filter
def get(mapping: dict[str, object] | None, key: str) -> object:
    return None if mapping is None else mapping.get(key)


@register.filter
def size(value: int) -> str:
    return str(filesizeformat(value))
