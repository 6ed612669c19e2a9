"""The demo's action plan: the approved demo assessment gets the suggested actions with owners and dates,
some done and some overdue, and the later draft carries the open ones. Idempotent, like ``load_demo``."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from assessments.demo import APPROVED_TITLE, DEMO_ORGANISATION, DRAFT_TITLE
from assessments.models import Assessment

from .access import action_plan_get_for_user
from .models import ActionStatus
from .services import ActionInput, action_update, actions_carry_over, actions_suggest


def load_demo_actions() -> list[str]:
    """Creates what is missing; returns one line per thing created or found (run after ``load_demo``)."""
    approved = Assessment.objects.filter(organisation__name=DEMO_ORGANISATION, title=APPROVED_TITLE).first()
    if approved is None:
        return ["no approved demo assessment: run load_demo first"]
    if approved.actions.exists():
        return [f"action plan found: {APPROVED_TITLE}"]
    manager = User.objects.get(username="demo-manager")
    owners = [manager, User.objects.get(username="demo-contributor")]
    plan = action_plan_get_for_user(user=manager, pk=approved.pk)
    today = timezone.localdate()
    actions = actions_suggest(access=plan, user=manager)
    for number, action in enumerate(actions):
        # Every fourth action done, every fourth (shifted) overdue, the rest due over the coming months.
        done = number % 4 == 0
        due = today - timedelta(days=14) if number % 4 == 1 else today + timedelta(days=30 * (1 + number % 6))
        action_update(
            access=plan,
            action=action,
            user=manager,
            data=ActionInput(
                title=action.title,
                criteria=" ".join(c.code for c in action.criteria.all()),
                owner=owners[number % 2],
                due_date=due,
                status=ActionStatus.DONE
                if done
                else ActionStatus.IN_PROGRESS
                if number % 4 == 2
                else ActionStatus.OPEN,
                priority=action.priority,
            ),
        )
    report = [f"action plan: {len(actions)} actions on {APPROVED_TITLE}"]
    draft = Assessment.objects.filter(organisation__name=DEMO_ORGANISATION, title=DRAFT_TITLE).first()
    if draft is not None and not draft.actions.exists():
        carried = actions_carry_over(source=approved, target=draft, user=manager)
        report.append(f"open actions carried into {DRAFT_TITLE}: {len(carried)}")
        if draft.baseline_id is None:
            # The draft follows the approved assessment, so its report shows what closed since then.
            draft.baseline = approved
            draft._history_user = manager  # type: ignore[attr-defined]
            draft.save(update_fields=["baseline"])
    return report
