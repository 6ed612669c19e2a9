"""Emails about the workflow: consultants hear of submissions, managers of decisions.

Queued when the transaction commits and sent by a worker, with retries (``common.mail``): nobody is told of a
change that was rolled back, and a mail server's failure never turns the committed decision into an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from common.mail import mail_after_commit

from . import workflow
from .models import Assessment, Invitation, Membership, Role


def _link(assessment: Assessment) -> str:
    return f"{settings.SITE_URL}{reverse('assessments:detail', args=[assessment.pk])}"


logger = logging.getLogger(__name__)


def deliver_after_commit(send: Callable[[], object], *, what: str) -> None:
    """Runs ``send`` once the transaction commits; a failure is logged, never raised into the request."""

    def deliver() -> None:
        try:
            send()
        except Exception:  # any failure of the mail backend: the decision is committed either way
            logger.exception("Could not send %s", what)

    transaction.on_commit(deliver)


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


def notify_invited(invitation: Invitation) -> None:
    """The invited person hears who asked them to join, in which role, and where to accept or decline."""
    organisation = invitation.organisation
    lines = []
    for language in ("zh-hans", "en"):
        with override(language):
            lines.append(
                _(
                    "You are invited to join %(organisation)s as %(role)s. "
                    "You become a member only if you accept."
                )
                % {"organisation": organisation.name, "role": invitation.get_role_display()}
            )
    link = f"{settings.SITE_URL}{reverse('assessments:invitations')}"
    body = "\n".join(lines) + f"\n\n{link}\n"
    _send(f"[Maturity Portal] {organisation.name}", body, [invitation.user.email])
