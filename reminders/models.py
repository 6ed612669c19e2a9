"""What was reminded, so each reminder is sent once per occasion.

An occasion names the state of things that called for the reminder: a draft untouched since a given moment,
a submission waiting since a given moment. Touching the draft (or a new submission) is a new occasion and
may be reminded again; running the command twice on one day is the same occasion and sends nothing.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class ReminderSent(models.Model):
    kind = models.CharField(max_length=40)
    subject_key = models.CharField(max_length=80)  # what it is about, e.g. "assessment:12"
    occasion = models.CharField(max_length=80)  # e.g. the moment the draft was last touched
    recipients = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "occasion"], name="reminders_once_per_occasion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} {self.occasion}"
