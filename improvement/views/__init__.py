"""Views: authorise through ``improvement.access``, validate a form, one service or selector call."""

from .actions import (
    action_create_view,
    action_edit_view,
    action_plan_export_view,
    action_plan_view,
    actions_merge_view,
    actions_suggest_view,
)
from .evidence import action_evidence_download_view, action_evidence_upload_view
from .loop import reassessment_start_view
from .package import (
    certification_package_view,
    package_job_download_view,
    package_job_retry_view,
    package_job_status_view,
    package_job_view,
    signing_key_pem_view,
    signing_key_view,
)
from .plan_import import action_plan_import_view

__all__ = [
    "action_create_view",
    "action_edit_view",
    "action_evidence_download_view",
    "action_evidence_upload_view",
    "action_plan_export_view",
    "action_plan_import_view",
    "action_plan_view",
    "actions_merge_view",
    "actions_suggest_view",
    "certification_package_view",
    "package_job_download_view",
    "package_job_retry_view",
    "package_job_status_view",
    "package_job_view",
    "reassessment_start_view",
    "signing_key_pem_view",
    "signing_key_view",
]
