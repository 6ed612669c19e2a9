"""Reads of assessments, by subject: ``scores`` (the adapter every page and report uses for levels),
``questionnaire``, ``overview``, ``dashboard``, ``history`` and ``membership``.

The names below are re-exported so that callers can write ``selectors.questionnaire_page``; each lives in
exactly one of the modules.
"""

from .dashboard import (
    DASHBOARD_ORGANISATIONS_PER_PAGE,
    DASHBOARD_REVIEW_PER_PAGE,
    REVIEW_QUEUE_PER_PAGE,
    Dashboard,
    DashboardRow,
    OrganisationSection,
    awaiting_review,
    dashboard_for_user,
    dashboard_rows,
    review_queue_page,
)
from .decision import ApprovalPreview, LevelChange, approval_preview, level_changes
from .history import HistoryEntry, assessment_history
from .membership import membership_list
from .overview import SubmissionProblem, assessment_overview, submission_problems
from .questionnaire import (
    SHOW_FILTERS,
    AutosaveSummary,
    CriterionRow,
    DomainTab,
    ItemBlock,
    LevelGroup,
    QuestionnairePage,
    autosave_summary,
    criterion_domain_code,
    domain_exists,
    first_domain_code,
    item_progress,
    questionnaire_page,
    review_summary,
)
from .scores import (
    ANSWER_MODEL_ORDER,
    AnswerRow,
    AssessmentScores,
    AssessmentSnapshot,
    Progress,
    answer_row,
    answer_rows_for,
    assessment_scores,
    assessment_snapshot,
    snapshot_from_rows,
)

__all__ = [
    "ANSWER_MODEL_ORDER",
    "DASHBOARD_ORGANISATIONS_PER_PAGE",
    "DASHBOARD_REVIEW_PER_PAGE",
    "REVIEW_QUEUE_PER_PAGE",
    "SHOW_FILTERS",
    "AnswerRow",
    "ApprovalPreview",
    "AssessmentScores",
    "AssessmentSnapshot",
    "AutosaveSummary",
    "CriterionRow",
    "Dashboard",
    "DashboardRow",
    "DomainTab",
    "HistoryEntry",
    "ItemBlock",
    "LevelChange",
    "LevelGroup",
    "OrganisationSection",
    "Progress",
    "QuestionnairePage",
    "SubmissionProblem",
    "answer_row",
    "answer_rows_for",
    "approval_preview",
    "assessment_history",
    "assessment_overview",
    "assessment_scores",
    "assessment_snapshot",
    "autosave_summary",
    "awaiting_review",
    "criterion_domain_code",
    "dashboard_for_user",
    "dashboard_rows",
    "domain_exists",
    "first_domain_code",
    "item_progress",
    "level_changes",
    "membership_list",
    "questionnaire_page",
    "review_queue_page",
    "review_summary",
    "snapshot_from_rows",
    "submission_problems",
]
