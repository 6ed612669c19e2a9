"""Closing the loop: the readiness verdict of a real assessment and the re-assessment from an approved one
(the certification package is in test_package.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.access import assessment_get_for_user
from assessments.models import Assessment
from improvement import selectors, services
from improvement.access import action_plan_get_for_user
from improvement.models import Action
from improvement.readiness import BlockerKind, Outcome
from tests.assessments.conftest import Org, record
from tests.reports.conftest import answer_levels, approve

pytestmark = pytest.mark.django_db


def test_readiness_of_an_assessment(org: Org, approved: Assessment) -> None:
    verdicts = selectors.readiness_for(assessment=approved, today=timezone.localdate(), with_verified=True)
    level1, level2 = verdicts[0], verdicts[1]
    assert level1.outcome is Outcome.CONDITIONS  # every rating there, evidence for one criterion only
    kinds = {b.kind for b in level1.blockers}
    assert kinds == {BlockerKind.NO_EVIDENCE}
    assert "SP1-1-01" not in {b.criterion for b in level1.blockers}
    assert level2.outcome is Outcome.NOT_READY
    assert ("SP1-2-01", BlockerKind.OPEN_ACTION) in {(b.criterion, b.kind) for b in level2.blockers}


def test_reassessment_carries_answers_and_open_actions(
    client: Client, org: Org, approved: Assessment
) -> None:
    client.force_login(org.manager)
    url = reverse("improvement:reassess", args=[approved.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "FY27", "target_level": 3})
    assert response.status_code == 302
    new = Assessment.objects.get(title="FY27")
    assert (new.baseline, new.target_level, new.state) == (approved, 3, "draft")
    carried = new.answers.get(criterion__code="SP1-2-01")
    assert (carried.rating, carried.carried_over) == ("P", True)
    actions = list(Action.objects.filter(assessment=new))
    assert [(a.title, a.carried_from.title) for a in actions if a.carried_from] == [("Lift SP1", "Lift SP1")]
    assert [c.code for c in actions[0].criteria.all()] == ["SP1-2-01"]
    plan = client.get(reverse("improvement:action_plan", args=[new.pk])).content.decode()
    assert f"?before={approved.pk}&amp;after={new.pk}" in plan  # the comparison with the baseline
    record(new, org.manager, "SP1-2-01", "F", confirm=True)
    rows = {
        row.action.title: row for row in selectors.actions_since_baseline(assessment=new, with_verified=False)
    }
    assert rows["Lift SP1"].gap_closed
    assert not rows["Lift SP1"].done_but_open
    assert rows["Already done"].gap_open == ("SP1-2-02",)
    assert rows["Already done"].done_but_open
    plan = client.get(reverse("improvement:action_plan", args=[new.pk])).content.decode()
    assert plan.count("done, but the gap is still open") == 1
    report = client.get(reverse("reports:report", args=[new.pk])).content.decode()
    assert "actions since then" in report
    assert report.count("done, but the gap is still open") == 1
    assert selectors.actions_since_baseline(assessment=approved, with_verified=True) == []


def test_reassessment_needs_an_approved_assessment_and_a_manager(
    client: Client, org: Org, assessment: Assessment
) -> None:
    with pytest.raises(ValidationError):
        services.reassessment_start(
            access=action_plan_get_for_user(user=org.manager, pk=assessment.pk),
            user=org.manager,
            title="x",
            target_level=2,
        )
    client.force_login(org.manager)
    url = reverse("improvement:reassess", args=[assessment.pk])
    assert client.post(url, {"title": "x", "target_level": 2}).status_code == 400
    client.force_login(org.contributor)
    assert client.get(url).status_code == 404
    assert Assessment.objects.count() == 1


def test_members_do_not_learn_verified_ratings_before_the_decision(
    client: Client, org: Org, assessment: Assessment
) -> None:
    from assessments.services import ReviewInput, assessment_start_review, review_record
    from tests.assessments.conftest import set_state

    answer_levels(assessment, org.manager, up_to=1)
    set_state(assessment, "submitted")
    access = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    assessment_start_review(access=access, user=org.consultant)
    review_record(
        access=assessment_get_for_user(user=org.consultant, pk=assessment.pk),
        criterion_code="SP1-1-01",
        data=ReviewInput(verified_rating="N", review_comment=""),
        user=org.consultant,
    )
    url = reverse("assessments:detail", args=[assessment.pk])
    client.force_login(org.consultant)
    assert "SP1-1-01 is rated N" in client.get(url).content.decode()
    client.force_login(org.manager)
    assert "SP1-1-01 is rated N" not in client.get(url).content.decode()
    created = services.actions_suggest(
        access=action_plan_get_for_user(user=org.manager, pk=assessment.pk), user=org.manager
    )
    assert "SP1-1-01" not in {c.code for action in created for c in action.criteria.all()}


def test_a_reviewed_baseline_carries_its_verified_ratings(org: Org, assessment: Assessment) -> None:
    """The official result of a reviewed baseline is its verified rating; where the consultant left the
    self rating (accepted it), that one carries."""
    answer_levels(assessment, org.manager, up_to=1)
    approved = approve(assessment, org, {"SP1-1-01": ("L", "minutes missing")})
    new = services.reassessment_start(
        access=action_plan_get_for_user(user=org.manager, pk=approved.pk),
        user=org.manager,
        title="FY27",
        target_level=2,
    )
    carried = {a.criterion.code: a for a in new.answers.select_related("criterion")}
    assert (carried["SP1-1-01"].rating, carried["SP1-1-01"].carried_over) == ("L", True)
    assert carried["SP1-1-02"].rating == "F"


def test_the_report_shows_top_actions_per_domain_and_the_table(
    client: Client, org: Org, approved: Assessment
) -> None:
    from datetime import date

    from improvement.selectors import report_actions

    access = action_plan_get_for_user(user=org.manager, pk=approved.pk)
    for title, code, priority in (("Low one", "SP1-2-02", "low"), ("Urgent one", "SP2-1-01", "high")):
        services.action_create(
            access=access,
            user=org.manager,
            data=services.ActionInput(
                title=title,
                criteria=code,
                priority=priority,
                owner=org.contributor,
                due_date=date(2027, 2, 1),
            ),
        )
    plan = report_actions(assessment=approved)
    sp = plan.domains[0]
    assert sp.domain.code == "SP"
    assert sp.top[0].title == "Urgent one"  # high priority first
    assert "Already done" not in [a.title for a in sp.top]  # only open actions are "top"
    assert len(plan.actions) == 4
    client.force_login(org.viewer)
    page = client.get(reverse("reports:report", args=[approved.pk])).content.decode()
    assert 'id="actions"' in page
    assert 'id="readiness"' in page
    assert "Target level 2:" in page
    assert "certification is granted only by accredited certification bodies" in page
    assert "Urgent one" in page
    assert "2027-02-01" in page
