"""Views: authorise through ``access``, validate a form, call one service or selector, render or redirect."""

from .dashboard import dashboard_view, review_queue_view
from .evidence import evidence_delete_view, evidence_download_view, evidence_upload_view
from .invitations import invitation_accept_view, invitation_decline_view, invitation_list_view
from .organisation import assessment_start_view, membership_remove_view, organisation_members_view
from .questionnaire import (
    answer_autosave_view,
    assessment_detail_view,
    assessment_submit_view,
    carried_over_confirm_view,
    history_view,
    questionnaire_view,
)
from .review import decide_view, review_autosave_view, review_start_view, review_view

__all__ = [
    "answer_autosave_view",
    "assessment_detail_view",
    "assessment_start_view",
    "assessment_submit_view",
    "carried_over_confirm_view",
    "dashboard_view",
    "decide_view",
    "evidence_delete_view",
    "evidence_download_view",
    "evidence_upload_view",
    "history_view",
    "invitation_accept_view",
    "invitation_decline_view",
    "invitation_list_view",
    "membership_remove_view",
    "organisation_members_view",
    "questionnaire_view",
    "review_autosave_view",
    "review_queue_view",
    "review_start_view",
    "review_view",
]
