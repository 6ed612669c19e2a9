"""The demo's team work: the draft demo assessment has a domain assigned to ``demo-contributor`` and an
item answered by two respondents who disagree, so a newcomer sees both at once. Idempotent, like
``load_demo``; run after it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from assessments.demo import DEMO_ORGANISATION, DRAFT_TITLE
from assessments.models import Assessment

from .access import team_get_for_user
from .models import Assignment, Panel
from .services import AssignmentInput, PanelInput, ResponseInput, assignment_set, panel_open, response_write

ASSIGNED_DOMAIN = "MI"
PANEL_ITEM = "SP1"
# (manager's rating, contributor's rating, comment) for the panel item's first criteria: the first pair
# disagrees by two steps (disputed), the second agrees.
DEMO_RESPONSES = (
    ("F", "P", "目标已写入年度规划，但一线尚未了解。 In the annual plan, not yet known on the floor."),
    ("L", "L", "指标按季度复盘。 Reviewed quarterly."),
)


@transaction.atomic
def load_team_demo() -> list[str]:
    draft = Assessment.objects.filter(organisation__name=DEMO_ORGANISATION, title=DRAFT_TITLE).first()
    if draft is None:
        return ["no draft demo assessment: run load_demo first"]
    report = []
    manager = User.objects.get(username="demo-manager")
    contributor = User.objects.get(username="demo-contributor")
    team = team_get_for_user(user=manager, pk=draft.pk)
    if not Assignment.objects.filter(assessment=draft).exists():
        assignment_set(
            team=team,
            data=AssignmentInput(
                part_code=ASSIGNED_DOMAIN,
                assignee=contributor,
                due_date=timezone.localdate() + timedelta(days=7),
                note="请与 IT 负责人核对渠道清单。 Check the channel list with the IT lead.",
            ),
            user=manager,
        )
        report.append(f"assignment: {ASSIGNED_DOMAIN} → demo-contributor")
    if not Panel.objects.filter(assessment=draft).exists():
        panel_open(team=team, data=PanelInput(PANEL_ITEM, [manager, contributor], blind=False), user=manager)
        codes = list(
            draft.answers.filter(criterion__item__code=PANEL_ITEM)
            .order_by("criterion__level", "criterion__order")
            .values_list("criterion__code", flat=True)[: len(DEMO_RESPONSES)]
        )
        for code, (mine, theirs, comment) in zip(codes, DEMO_RESPONSES, strict=False):
            for user, rating in ((manager, mine), (contributor, theirs)):
                response_write(
                    team=team_get_for_user(user=user, pk=draft.pk),
                    criterion_code=code,
                    data=ResponseInput(rating, comment, "", 0),
                    user=user,
                )
        report.append(f"panel: {PANEL_ITEM} (demo-manager, demo-contributor)")
    return report or ["team demo found"]
