"""Email through the task queue: queued when the transaction commits, sent by a worker, retried.

Nobody is told of a change that was rolled back, a slow or broken mail server never holds a request, and a
message that cannot be sent is retried ``EMAIL_SEND_ATTEMPTS`` times in all, the n-th after
``EMAIL_RETRY_DELAY`` × 2ⁿ⁻¹ seconds (the database backend runs it then; the immediate backend of the tests
at once). Nothing here raises into the request that asked for the mail: a committed decision never becomes
an error page because of its email.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import loader
from django.utils import timezone
from django_tasks import task

from common.validators import to_single_line

logger = logging.getLogger(__name__)


def mail_after_commit(*, subject: str, body: str, recipients: list[str]) -> None:
    """One message per recipient, each queued when the current transaction commits (at once outside one)."""
    subject = to_single_line(str(subject))
    for recipient in sorted({r for r in recipients if r}):
        transaction.on_commit(
            lambda recipient=recipient: _enqueue(subject, str(body), recipient, attempt=1),  # type: ignore[misc]
            robust=True,
        )


def _enqueue(subject: str, body: str, recipient: str, *, attempt: int) -> None:
    try:
        queued = send_email
        if attempt > 1 and send_email.get_backend().supports_defer:
            delay = settings.EMAIL_RETRY_DELAY * 2 ** (attempt - 2)
            queued = send_email.using(run_after=timezone.now() + timedelta(seconds=delay))
        queued.enqueue(subject=subject, body=body, recipient=recipient, attempt=attempt)
    except Exception:  # the queue itself is unreachable: log it, never fail the caller
        logger.exception("could not queue an email to %s", recipient)


@task(queue_name="emails")
def send_email(*, subject: str, body: str, recipient: str, attempt: int = 1) -> str:
    """Sends one message; on failure queues the next attempt, until the last one, which fails the task."""
    message = EmailMessage(to_single_line(subject), body, settings.DEFAULT_FROM_EMAIL, [recipient])
    try:
        message.send(fail_silently=False)
    except Exception:
        if attempt >= settings.EMAIL_SEND_ATTEMPTS:
            logger.exception("email to %s failed %s times; giving up", recipient, attempt)
            raise
        logger.warning("email to %s failed (attempt %s); retrying", recipient, attempt, exc_info=True)
        _enqueue(subject, body, recipient, attempt=attempt + 1)
        return "retrying"
    return "sent"


class QueuedPasswordResetForm(PasswordResetForm):
    """The stock password-reset (and invitation) email, rendered in the request, sent by the queue."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        mail_after_commit(subject=subject, body=body, recipients=[to_email])
