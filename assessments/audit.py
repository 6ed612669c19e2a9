"""The managers of the audited models: no write may skip django-simple-history's trail."""

from __future__ import annotations

from typing import Any

from django.db import models


class AuditBypassError(TypeError):
    """A write that would skip the audit trail (history is recorded on ``save()``, not on bulk SQL)."""


class AuditedQuerySet(models.QuerySet[Any]):
    """Refuses the bulk writes that django-simple-history cannot see, so no change escapes the history.

    A model's ``UNAUDITED_FIELDS`` (bookkeeping its history leaves out) may be updated in bulk.
    """

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) <= set(getattr(self.model, "UNAUDITED_FIELDS", ())):
            return super().update(**kwargs)
        raise AuditBypassError(f"{self.model.__name__}: use save() (or a service) so the change is audited")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AuditBypassError(f"{self.model.__name__}: use save() (or a service) so the change is audited")


AuditedManager = models.Manager.from_queryset(AuditedQuerySet)
