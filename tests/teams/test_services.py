"""Team work's rules: who may hand out work, who may write an assigned or panelled answer, blind
answering, conflicts, the submission rule, and scoring that still reads only the consolidated answers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError

from assessments import services as assessment_services
from assessments.access import assessment_get_for_user
from assessments.models import Assessment
from assessments.selectors import assessment_snapshot, questionnaire_page, submission_problems
from teams import selectors, services
from teams.access import team_get_for_user
from teams.models import Assignment, Panel, Response
from tests.assessments.conftest import Org, record
from tests.factories import MembershipFactory

from .conftest import respond

pytestmark = pytest.mark.django_db


def assign(assessment: Assessment, manager: User, part: str, to: User, due: date | None = None) -> Assignment:
    team = team_get_for_user(user=manager, pk=assessment.pk)
    return services.assignment_set(
        team=team, data=services.AssignmentInput(part, to, due, "please"), user=manager
    )


def open_panel(
    assessment: Assessment, manager: User, part: str, people: list[User], blind: bool = False
) -> Panel:
    team = team_get_for_user(user=manager, pk=assessment.pk)
    return services.panel_open(team=team, data=services.PanelInput(part, people, blind), user=manager)


# --- assignment rights -------------------------------------------------------------------------------


def test_manager_assigns_and_the_assignee_is_told(
    org: Org, assessment: Assessment, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assign(assessment, org.manager, "MI", org.contributor, date(2030, 1, 1))
    assert (assignment.domain.code, assignment.assignee) == ("MI", org.contributor)  # type: ignore[union-attr]
    assert [m.to for m in mail.outbox] == [[org.contributor.email]]
    assert "MI" in mail.outbox[0].body
    assert assignment.history.count() == 1
    # Assigning the part again replaces its holder; the history keeps both.
    assign(assessment, org.manager, "MI", org.manager)
    assert Assignment.objects.get(assessment=assessment).assignee == org.manager
    assert Assignment.history.filter(id=assignment.pk).count() == 2


@pytest.mark.parametrize("role", ["contributor", "viewer", "consultant"])
def test_only_managers_hand_out_work(org: Org, assessment: Assessment, role: str) -> None:
    user = getattr(org, role)
    team = team_get_for_user(user=user, pk=assessment.pk)
    with pytest.raises(ValidationError):
        services.assignment_set(
            team=team, data=services.AssignmentInput("MI", org.contributor, None, ""), user=user
        )
    with pytest.raises(ValidationError):
        services.panel_open(
            team=team, data=services.PanelInput("SP1", [org.manager, org.contributor], False), user=user
        )
    assert not Assignment.objects.exists()
    assert not Panel.objects.exists()


def test_work_goes_only_to_writers_of_the_organisation(
    org: Org, other_org: Org, assessment: Assessment
) -> None:
    for person in (org.viewer, other_org.contributor, org.consultant):
        with pytest.raises(ValidationError, match="cannot answer"):
            assign(assessment, org.manager, "MI", person)
    with pytest.raises(ValidationError, match="Unknown domain"):
        assign(assessment, org.manager, "XX9", org.contributor)
    assert not Assignment.objects.exists()


def test_panels_need_two_respondents_and_do_not_overlap(org: Org, assessment: Assessment) -> None:
    with pytest.raises(ValidationError, match="at least two"):
        open_panel(assessment, org.manager, "SP1", [org.contributor])
    open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor])
    with pytest.raises(ValidationError, match="overlaps"):
        open_panel(assessment, org.manager, "SP", [org.manager, org.contributor])
    assert Panel.objects.count() == 1


def test_another_organisations_objects_answer_404(org: Org, other_org: Org, assessment: Assessment) -> None:
    from django.http import Http404

    from teams.access import assignment_get_for_user, panel_get_for_user

    assignment = assign(assessment, org.manager, "MI", org.contributor)
    panel = open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor])
    for outsider in (other_org.manager, other_org.consultant):
        with pytest.raises(Http404):
            assignment_get_for_user(user=outsider, pk=assignment.pk)
        with pytest.raises(Http404):
            panel_get_for_user(user=outsider, pk=panel.pk)
        with pytest.raises(Http404):
            team_get_for_user(user=outsider, pk=assessment.pk)


# --- who writes the consolidated answer -------------------------------------------------------------


def test_assigned_part_is_written_by_its_assignee_or_a_manager(org: Org, assessment: Assessment) -> None:
    other = MembershipFactory.create(organisation=org.organisation, role="contributor").user
    assign(assessment, org.manager, "SP1", org.contributor)
    record(assessment, org.contributor, "SP1-1-01", "L")
    record(assessment, org.manager, "SP1-1-01", "F")
    with pytest.raises(ValidationError, match="assigned to"):
        record(assessment, other, "SP1-1-01", "N")
    # Unassigned work stays open to every writer, as before.
    record(assessment, other, "SP2-1-01", "P")
    assert assessment.answers.get(criterion__code="SP1-1-01").rating == "F"


def test_panelled_criterion_is_consolidated_by_a_manager_or_the_assignee(
    org: Org, assessment: Assessment
) -> None:
    open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor])
    with pytest.raises(ValidationError, match="Several respondents"):
        record(assessment, org.contributor, "SP1-1-01", "L")
    record(assessment, org.manager, "SP1-1-01", "L")
    assign(assessment, org.manager, "SP1", org.contributor)
    record(assessment, org.contributor, "SP1-1-01", "P")
    assert assessment.answers.get(criterion__code="SP1-1-01").rating == "P"


# --- responses, blind answering, conflicts ----------------------------------------------------------


def test_only_respondents_respond(org: Org, assessment: Assessment) -> None:
    open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor])
    with pytest.raises(ValidationError, match="not a respondent"):
        respond(assessment, org.manager, "SP2-1-01", "F")  # outside the panel
    other = MembershipFactory.create(organisation=org.organisation, role="contributor").user
    with pytest.raises(ValidationError, match="not a respondent"):
        respond(assessment, other, "SP1-1-01", "F")
    with pytest.raises(ValidationError):
        respond(assessment, org.viewer, "SP1-1-01", "F")
    with pytest.raises(ValidationError, match="NA needs a comment"):
        respond(assessment, org.contributor, "SP1-1-01", "NA", comment="")


def test_blind_respondents_see_the_others_only_after_answering(org: Org, assessment: Assessment) -> None:
    open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor], blind=True)
    respond(assessment, org.manager, "SP1-1-01", "F", comment="we do")

    def row(user: User, with_names: bool) -> selectors.CriterionResponses:
        page = selectors.item_responses(
            assessment=assessment, item_code="SP1", user=user, with_names=with_names, respondent_label="R"
        )
        assert page is not None
        return next(r for r in page.rows if r.criterion.code == "SP1-1-01")

    before = row(org.contributor, with_names=False)
    assert before.hidden
    assert before.others == []
    assert before.spread is None
    respond(assessment, org.contributor, "SP1-1-01", "P")
    after = row(org.contributor, with_names=False)
    assert not after.hidden
    assert [(o.name, o.response.rating) for o in after.others] == [("R 1", "F")]  # no names for contributors
    # The manager sees names; a viewer (not a respondent) sees the spread without names.
    assert org.contributor.get_username() in [o.name for o in row(org.manager, with_names=True).others]
    assert row(org.viewer, with_names=False).spread is not None


def test_response_conflict_and_harmless_retry(org: Org, assessment: Assessment) -> None:
    open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor])
    first = respond(assessment, org.contributor, "SP1-1-01", "L")
    respond(assessment, org.contributor, "SP1-1-01", "F", revision=first.revision)
    with pytest.raises(services.ResponseConflictError, match="changed meanwhile"):
        respond(assessment, org.contributor, "SP1-1-01", "N", revision=first.revision)
    # The same values as stored are no conflict, whatever the revision (a retried request).
    respond(assessment, org.contributor, "SP1-1-01", "F", revision=0)
    stored = Response.objects.get(respondent=org.contributor)
    assert (stored.rating, stored.revision) == ("F", 2)
    assert stored.history.count() == 2
    # A second first save from a stale page (revision 0) is a conflict, not a second row.
    with pytest.raises(services.ResponseConflictError):
        respond(assessment, org.contributor, "SP1-1-01", "P", revision=0)


def test_consolidation_conflict_409_like_the_autosave(org: Org, assessment: Assessment) -> None:
    open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor])
    assign(assessment, org.manager, "SP1", org.contributor)
    loaded = assessment.answers.get(criterion__code="SP1-1-01").revision
    record(assessment, org.manager, "SP1-1-01", "L", revision=loaded)
    with pytest.raises(assessment_services.AnswerConflictError):
        record(assessment, org.contributor, "SP1-1-01", "P", revision=loaded)


# --- median pre-fill, disputes, filter, report -------------------------------------------------------


def test_prefill_is_the_median_and_disputes_are_marked(org: Org, assessment: Assessment) -> None:
    third = MembershipFactory.create(organisation=org.organisation, role="contributor").user
    open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor, third])
    respond(assessment, org.manager, "SP1-1-01", "F")
    respond(assessment, org.contributor, "SP1-1-01", "P")
    respond(assessment, third, "SP1-1-01", "NA", comment="not ours")
    respond(assessment, org.manager, "SP1-1-02", "L")
    respond(assessment, org.contributor, "SP1-1-02", "F")
    page = selectors.item_responses(
        assessment=assessment, item_code="SP1", user=org.manager, with_names=True, respondent_label="R"
    )
    assert page is not None
    rows = {r.criterion.code: r for r in page.rows}
    assert (rows["SP1-1-01"].prefill, rows["SP1-1-01"].spread.disputed) == ("P", True)  # type: ignore[union-attr]
    assert (rows["SP1-1-02"].prefill, rows["SP1-1-02"].spread.disputed) == ("L", False)  # type: ignore[union-attr]
    assert selectors.disputed_codes(assessment=assessment) == {"SP1-1-01"}
    assert selectors.disputes_by_domain(assessment=assessment)["SP"] == 1
    # The questionnaire's "disputed" filter (registered by teams) keeps exactly those criteria.
    q = questionnaire_page(assessment=assessment, domain_code="SP", show="disputed")
    shown = [row.criterion.code for block in q.items for group in block.levels for row in group.rows]
    assert (q.show, shown) == ("disputed", ["SP1-1-01"])
    # Once decided, the form shows the decision, not the median.
    record(assessment, org.manager, "SP1-1-01", "L")
    page = selectors.item_responses(
        assessment=assessment, item_code="SP1", user=org.manager, with_names=True, respondent_label="R"
    )
    assert page is not None
    assert next(r for r in page.rows if r.criterion.code == "SP1-1-01").prefill == "L"


# --- scoring and submission ---------------------------------------------------------------------------


def test_scoring_reads_only_the_consolidated_answers(org: Org, assessment: Assessment) -> None:
    for code in ("SP1-1-01", "SP1-1-02", "SP2-1-01"):
        record(assessment, org.manager, code, "F")
    before = assessment_snapshot(assessment=assessment).scores.self_score
    open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor])
    respond(assessment, org.contributor, "SP1-1-01", "N")
    respond(assessment, org.manager, "SP1-1-01", "N")
    assessment.refresh_from_db()
    assert assessment_snapshot(assessment=assessment).scores.self_score == before


def test_submission_needs_a_consolidated_answer_for_every_required_criterion(
    org: Org, assessment: Assessment
) -> None:
    codes = list(assessment.answers.filter(criterion__level__lte=2).values_list("criterion__code", flat=True))
    for code in codes:
        if code != "SP1-1-01":
            record(assessment, org.manager, code, "L")
    open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor])
    respond(assessment, org.manager, "SP1-1-01", "F")
    respond(assessment, org.contributor, "SP1-1-01", "F")
    assert [p.criterion_code for p in submission_problems(assessment=assessment)] == ["SP1-1-01"]
    access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
    with pytest.raises(assessment_services.SubmissionIncompleteError):
        assessment_services.assessment_submit(access=access, user=org.manager)
    record(assessment, org.manager, "SP1-1-01", "F")
    assessment_services.assessment_submit(
        access=assessment_get_for_user(user=org.manager, pk=assessment.pk), user=org.manager
    )
    # Submitted: nobody responds or hands out work any more.
    with pytest.raises(ValidationError):
        respond(assessment, org.contributor, "SP1-1-01", "P")
    with pytest.raises(ValidationError):
        assign(assessment, org.manager, "MI", org.contributor)


# --- "assigned to me", overdue and the reminder ----------------------------------------------------


def test_assigned_to_me_with_progress_and_overdue(org: Org, assessment: Assessment) -> None:
    today = date(2030, 6, 1)
    assign(assessment, org.manager, "SP1", org.contributor, today - timedelta(days=1))
    assign(assessment, org.manager, "SP2", org.contributor, today + timedelta(days=5))
    assign(assessment, org.manager, "MI", org.manager, today - timedelta(days=3))
    record(assessment, org.contributor, "SP1-1-01", "F")
    mine = selectors.assignments_for_user(user=org.contributor, today=today)
    assert [(m.row.assignment.part_code, m.row.overdue) for m in mine] == [("SP1", True), ("SP2", False)]
    sp1 = mine[0].row
    assert (sp1.answered, sp1.required) == (1, 4)  # SP1 has two criteria at each of levels 1 and 2
    # A domain's assignment counts only the items nobody else holds.
    assign(assessment, org.manager, "SP", org.manager)
    rows = selectors.assignment_rows(
        assessment=assessment, scope=selectors.scope_for(assessment=assessment), today=today
    )
    sp = next(r for r in rows if r.assignment.part_code == "SP")
    assert sp.required == len(
        [c for c in selectors.scope_for(assessment=assessment).required if c.startswith("SP3")]
    )


def test_reminder_before_the_due_date_once(org: Org, assessment: Assessment) -> None:
    """The reminder is decided once per due date (what is mailed is the reminders app's business)."""
    from django.utils import timezone

    from reminders.services import reminders_send

    today = timezone.localdate()
    assign(assessment, org.manager, "SP1", org.contributor, today + timedelta(days=1))
    assign(assessment, org.manager, "SP2", org.contributor, today + timedelta(days=10))
    mail.outbox.clear()
    outcome = reminders_send()
    due = [r for r in outcome.sent if r.kind == "assignment_due"]
    assert [(r.subject_key, r.recipients) for r in due] == [
        (f"assignment:{Assignment.objects.get(item__code='SP1').pk}", (org.contributor.email,))
    ]
    assert not [r for r in reminders_send().sent if r.kind == "assignment_due"]


def test_erasing_the_organisation_erases_its_team_history(
    org: Org, assessment: Assessment, django_capture_on_commit_callbacks: Any
) -> None:
    from assessments.data_protection import organisation_delete

    assign(assessment, org.manager, "MI", org.contributor)
    open_panel(assessment, org.manager, "SP1", [org.manager, org.contributor])
    respond(assessment, org.contributor, "SP1-1-01", "P", comment="personal view")
    with django_capture_on_commit_callbacks(execute=True):
        organisation_delete(organisation=org.organisation)
    assert not Assignment.history.exists()
    assert not Panel.history.exists()
    assert not Response.history.exists()
