"""Signals other apps listen to, so that ``assessments`` never imports the apps built on it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after an organisation's data was erased and the transaction committed; ``organisation_id``.
# Apps that keep files derived from the organisation's data (cached reports) remove them.
organisation_erased = Signal()
