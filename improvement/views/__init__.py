"""Views: authorise through ``improvement.access``, validate a form, one service or selector call."""

from .actions import (
    action_create_view,
    action_edit_view,
    action_plan_export_view,
    action_plan_view,
    actions_suggest_view,
)
from .evidence import action_evidence_download_view, action_evidence_upload_view
from .loop import certification_package_view, reassessment_start_view

__all__ = [
    "action_create_view",
    "action_edit_view",
    "action_evidence_download_view",
    "action_evidence_upload_view",
    "action_plan_export_view",
    "action_plan_view",
    "actions_suggest_view",
    "certification_package_view",
    "reassessment_start_view",
]
