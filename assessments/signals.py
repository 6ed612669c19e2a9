"""Signals other apps listen to, so that ``assessments`` never imports the apps built on it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after an organisation's data was erased and the transaction committed; ``organisation_id``.
# Apps that keep files derived from the organisation's data (cached reports) remove them.
organisation_erased = Signal()

# Sent after an assessment was approved and the transaction committed; ``assessment_id``. Reports queue
# its PDFs in both languages, so they are ready when the manager looks.
assessment_approved = Signal()
