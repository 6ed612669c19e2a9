"""Writes to assessments, by subject: ``answers``, ``evidence``, ``lifecycle`` (start, submit), ``review``
(start, verified ratings, return, approve) and ``membership``. Each service checks the rules, runs in one
transaction, and raises ``ValidationError`` (or a subclass) with a message meant for the user.

The names below are re-exported so that callers can write ``services.answer_record``; each lives in
exactly one of the modules.
"""

from .answers import (
    NA_NEEDS_JUSTIFICATION,
    NO_PERMISSION,
    NOT_EDITABLE,
    AnswerConflictError,
    AnswerInput,
    CarriedOverConfirmed,
    PageSaveResult,
    answer_record,
    answer_write,
    assessment_changed,
    carried_over_confirm,
    ensure_answers_editable,
    questionnaire_save,
)
from .evidence import evidence_attach, evidence_delete
from .lifecycle import (
    SubmissionIncompleteError,
    assessment_start,
    assessment_submit,
    carried_across_versions_message,
)
from .membership import invitation_accept, invitation_decline, membership_invite, membership_remove
from .review import (
    ReviewConflictError,
    ReviewInput,
    assessment_approve,
    assessment_return,
    assessment_start_review,
    review_record,
    review_save,
)

__all__ = [
    "NA_NEEDS_JUSTIFICATION",
    "NOT_EDITABLE",
    "NO_PERMISSION",
    "AnswerConflictError",
    "AnswerInput",
    "CarriedOverConfirmed",
    "PageSaveResult",
    "ReviewConflictError",
    "ReviewInput",
    "SubmissionIncompleteError",
    "answer_record",
    "answer_write",
    "assessment_approve",
    "assessment_changed",
    "assessment_return",
    "assessment_start",
    "assessment_start_review",
    "assessment_submit",
    "carried_across_versions_message",
    "carried_over_confirm",
    "ensure_answers_editable",
    "evidence_attach",
    "evidence_delete",
    "invitation_accept",
    "invitation_decline",
    "membership_invite",
    "membership_remove",
    "questionnaire_save",
    "review_record",
    "review_save",
]
