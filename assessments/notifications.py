"""Emails about the workflow: consultants hear of submissions, managers of decisions.

Queued when the transaction commits and sent by a worker, with retries (``common.mail``): nobody is told of a
change that was rolled back, and a mail server's failure never turns the committed decision into an error.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from common.mail import mail_after_commit

from . import workflow
from .models import Assessment, Membership, Role


def _link(assessment: Assessment) -> str:
    return f"{settings.SITE_URL}{reverse('assessments:detail', args=[assessment.pk])}"


def _send(subject: str, body: str, recipients: list[str]) -> None:
    mail_after_commit(subject=subject, body=body, recipients=recipients)


def notify_submitted(assessment: Assessment) -> None:
    recipients = list(
        assessment.organisation.consultant_assignments.values_list("consultant__email", flat=True)
    )
    # Bilingual, because the recipients' language is not known.
    with override("zh-hans"):
        zh = _("%(organisation)s submitted “%(title)s” for review.")
    with override("en"):
        en = _("%(organisation)s submitted “%(title)s” for review.")
    params = {"organisation": assessment.organisation.name, "title": assessment.title}
    _send(
        f"[Maturity Portal] {assessment.organisation.name}: {assessment.title}",
        f"{zh % params}\n{en % params}\n\n{_link(assessment)}\n",
        recipients,
    )


def notify_decision(assessment: Assessment) -> None:
    recipients = list(
        Membership.objects.filter(organisation=assessment.organisation, role=Role.MANAGER).values_list(
            "user__email", flat=True
        )
    )
    lines = []
    for language in ("zh-hans", "en"):
        with override(language):
            if workflow.is_returned(assessment.state):
                text = _("Your assessment “%(title)s” was returned for rework: %(reason)s")
                reason = assessment.return_reason
            else:
                text = _("Your assessment “%(title)s” was approved. %(reason)s")
                reason = assessment.approval_note
            lines.append(text % {"title": assessment.title, "reason": reason})
    _send(
        f"[Maturity Portal] {assessment.title}: {assessment.get_state_display()}",
        "\n".join(lines) + f"\n\n{_link(assessment)}\n",
        recipients,
    )
