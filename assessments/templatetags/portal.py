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


@register.filter
def delta(value: int | None) -> str:
    """A change of level with its sign (+1, −1, ±0); an em dash when either side is not applicable."""
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else ("±0" if value == 0 else f"−{-value}")


@register.filter
def delta_index(value: float | None) -> str:
    """A change of index, two decimals with its sign; the inputs are already rounded for display."""
    if value is None:
        return "—"
    shown = f"{abs(value):.2f}"
    if shown == "0.00":
        return "±0.00"
    return f"+{shown}" if value > 0 else f"−{shown}"
