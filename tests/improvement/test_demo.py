"""``load_demo_actions``: the approved demo assessment has a plan with owners, some done, some overdue,
the draft carries the open ones, and a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.demo import APPROVED_TITLE, DRAFT_TITLE, load_demo
from capability_model.models import CapabilityModel
from improvement.models import OPEN_STATUSES, Action, ActionStatus
from improvement.selectors import actions_overdue

pytestmark = pytest.mark.django_db


def test_demo_action_plan(shipped_model: CapabilityModel) -> None:
    load_demo()  # the function: this folder's media fixture makes settings a holder without SETTINGS_MODULE
    call_command("load_demo_actions", stdout=io.StringIO())
    approved = Action.objects.filter(assessment__title=APPROVED_TITLE)
    assert approved.count() > 4
    assert not approved.filter(owner=None).exists()
    assert approved.filter(status=ActionStatus.DONE).exists()
    assert actions_overdue(timezone.localdate()).filter(assessment__title=APPROVED_TITLE).exists()
    carried = Action.objects.filter(assessment__title=DRAFT_TITLE)
    assert carried.count() == approved.filter(status__in=OPEN_STATUSES).count()
    assert not carried.filter(carried_from=None).exists()
    # The draft follows the approved assessment: its report shows what closed since then.
    draft = carried.first().assessment  # type: ignore[union-attr]
    assert draft.baseline is not None
    assert draft.baseline.title == APPROVED_TITLE
    before = Action.objects.count()
    call_command("load_demo_actions", stdout=io.StringIO())
    assert Action.objects.count() == before
