"""The action plan: suggestions from the gaps, hand-written actions, who may do what, the list's filters,
the history, and the overdue actions the reminders read."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from capability_model.gaps import improvement_plan
from improvement import selectors, services
from improvement.access import action_plan_get_for_user
from improvement.models import Action, ActionStatus
from tests.assessments.conftest import Org, record

pytestmark = pytest.mark.django_db


def _input(**fields: object) -> services.ActionInput:
    values: dict[str, object] = {"title": "Write the strategy", "criteria": "SP1-1-01, SP1-1-02"}
    values.update(fields)
    return services.ActionInput(**values)  # type: ignore[arg-type]


def _suggest(org: Org, assessment: Assessment) -> list[Action]:
    return services.actions_suggest(
        access=action_plan_get_for_user(user=org.manager, pk=assessment.pk), user=org.manager
    )


def test_suggested_actions_follow_the_gaps_exactly(org: Org, assessment: Assessment) -> None:
    record(assessment, org.manager, "SP1-1-01", "F")
    record(assessment, org.manager, "SP1-1-02", "P")
    created = _suggest(org, assessment)
    scores = selectors.actions.assessment_scores(assessment=assessment)
    plan = improvement_plan(scores.spec, scores.self_ratings, assessment.target_level)
    listed = [c.code for action in created for c in action.criteria.all()]
    assert sorted(listed) == sorted(entry.gap.criterion for entry in plan)
    assert len(listed) == len(set(listed))
    phases = [(a.phase, a.effort) for a in Action.objects.filter(assessment=assessment)]
    assert phases == sorted(phases)
    assert "SP1-1-01" not in listed
    # Suggesting again adds nothing: every gap is addressed.
    assert _suggest(org, assessment) == []


def test_actions_are_created_with_history_and_validated(org: Org, assessment: Assessment) -> None:
    access = action_plan_get_for_user(user=org.consultant, pk=assessment.pk)
    action = services.action_create(
        access=access, user=org.consultant, data=_input(owner=org.viewer, due_date=date(2027, 1, 31))
    )
    assert (action.item.code, action.phase, action.owner) == ("SP1", 1, org.viewer)
    services.action_update(
        access=access,
        action=action,
        user=org.manager,
        data=_input(owner=org.viewer, status=ActionStatus.DONE),
    )
    history = selectors.action_history(action=action)
    assert history[0].who == org.manager.username
    assert any(field == "status" for field, _old, _new in history[0].changes)
    for bad, code in [
        (_input(criteria=""), "no_criteria"),
        (_input(criteria="SP1-1-01 XX9-9-99"), "unknown_criteria"),
        (_input(criteria="SP1-1-01 CB1-1-01"), "mixed_items"),
        (_input(owner=org.consultant), "owner_not_member"),
        (_input(owner=org.viewer, owner_name="Someone"), "two_owners"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.action_create(access=access, user=org.manager, data=bad)
        assert error.value.code == code
    assert Action.objects.count() == 1


@pytest.mark.parametrize("who", ["viewer", "contributor"])
def test_viewers_and_contributors_do_not_create_or_edit(org: Org, assessment: Assessment, who: str) -> None:
    user = getattr(org, who)
    access = action_plan_get_for_user(user=user, pk=assessment.pk)
    with pytest.raises(ValidationError):
        services.action_create(access=access, user=user, data=_input())
    with pytest.raises(ValidationError):
        services.actions_suggest(access=access, user=user)
    action = services.action_create(
        access=action_plan_get_for_user(user=org.manager, pk=assessment.pk), user=org.manager, data=_input()
    )
    with pytest.raises(ValidationError):
        services.action_update(access=access, action=action, user=user, data=_input(title="mine now"))
    assert Action.objects.get().title == "Write the strategy"


# (role, may edit every field, may update the status and evidence of an action they own / of another's)
ROLE_RULES = [
    ("manager", True, True, True),
    ("consultant", True, True, True),
    ("contributor", False, True, False),
    ("viewer", False, False, False),
]


@pytest.mark.parametrize(("who", "edits", "own", "others"), ROLE_RULES)
def test_who_may_do_what_per_role(
    client: Client, org: Org, assessment: Assessment, who: str, edits: bool, own: bool, others: bool
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    user = getattr(org, who)
    manager_plan = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    # A viewer or consultant cannot own an action through the form unless a member: owner is the user
    # where the user is a member, else the manager.
    owned = services.action_create(
        access=manager_plan,
        user=org.manager,
        data=_input(title="Owned", owner=user if who != "consultant" else org.manager),
    )
    other = services.action_create(
        access=manager_plan,
        user=org.manager,
        data=_input(title="Other", criteria="SP1-2-01", owner=org.manager),
    )
    plan = action_plan_get_for_user(user=user, pk=assessment.pk)
    assert plan.can_edit is edits
    assert plan.can_update(owned) is own
    assert plan.can_update(other) is others
    client.force_login(user)
    suggest = client.post(reverse("improvement:actions_suggest", args=[assessment.pk]))
    assert (suggest.status_code == 302) is edits
    create = client.get(reverse("improvement:action_create", args=[assessment.pk]))
    assert (create.status_code == 200) is edits
    for action, allowed in ((owned, own), (other, others)):
        url = reverse("improvement:action_edit", args=[action.pk])
        page = client.get(url)
        assert page.status_code == 200  # everyone who sees the plan reads the action
        assert (b'name="title"' in page.content) is edits
        assert (b'name="status"' in page.content) is allowed
        assert (b'name="file"' in page.content) is allowed
        response = client.post(url, {"status": "done", "title": "Renamed", "criteria": "SP1-1-01",
                                     "priority": "high"})  # fmt: skip
        assert (response.status_code == 302) is allowed, (who, action.title)
        action.refresh_from_db()
        assert (action.status == "done") is allowed
        assert (action.title == "Renamed") is edits  # a contributor's post changes the status only
        upload = client.post(
            reverse("improvement:action_evidence_upload", args=[action.pk]),
            {"file": SimpleUploadedFile("proof.txt", b"done")},
        )
        assert (upload.status_code == 302) is allowed
        assert action.evidence.exists() is allowed


def test_pages_per_role(client: Client, org: Org, assessment: Assessment) -> None:
    action = _suggest(org, assessment)[0]
    plan_url = reverse("improvement:action_plan", args=[assessment.pk])
    edit_url = reverse("improvement:action_edit", args=[action.pk])
    for user in (org.manager, org.contributor, org.viewer, org.consultant):
        client.force_login(user)
        assert client.get(plan_url).status_code == 200
        page = client.get(edit_url)
        assert page.status_code == 200
        assert (b'name="title"' in page.content) is (user in (org.manager, org.consultant))
    client.force_login(org.viewer)
    assert client.post(edit_url, {"title": "x", "criteria": "SP1-1-01", "status": "done"}).status_code == 404
    assert client.post(reverse("improvement:actions_suggest", args=[assessment.pk])).status_code == 404
    client.force_login(org.consultant)
    response = client.post(
        edit_url,
        {
            "title": "Done now",
            "criteria": "SP1-1-01",
            "status": "done",
            "priority": "high",
            "owner": org.viewer.pk,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.status, action.owner) == ("Done now", "done", org.viewer)


def test_bad_input_is_a_400_and_changes_nothing(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    url = reverse("improvement:action_create", args=[assessment.pk])
    response = client.post(url, {"title": "x", "criteria": "NOPE-1-01", "status": "open", "priority": "high"})
    assert response.status_code == 400
    assert b"NOPE-1-01" in response.content
    assert client.post(url, {"title": "x", "criteria": "SP1-1-01", "status": "bogus"}).status_code == 400
    assert Action.objects.count() == 0
    plan = client.get(reverse("improvement:action_plan", args=[assessment.pk]), {"status": "bogus"})
    assert plan.status_code == 400


def test_filters_and_overdue(client: Client, org: Org, assessment: Assessment) -> None:
    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    today = timezone.localdate()
    late = services.action_create(
        access=access,
        user=org.manager,
        data=_input(title="Late one", owner=org.contributor, due_date=today - timedelta(days=3)),
    )
    services.action_create(
        access=access,
        user=org.manager,
        data=_input(
            title="Late but done", criteria="SP2-1-01", due_date=today - timedelta(days=3), status="done"
        ),
    )
    services.action_create(
        access=access,
        user=org.manager,
        data=_input(title="Later", criteria="CB1-1-01", due_date=today + timedelta(days=3)),
    )
    assert list(selectors.actions_overdue(today)) == [late]
    client.force_login(org.viewer)
    url = reverse("improvement:action_plan", args=[assessment.pk])
    page = client.get(url, {"overdue": "on"}).content.decode()
    assert "Late one" in page
    assert "Later" not in page
    assert "Late but done" not in page
    page = client.get(url, {"owner": org.contributor.pk}).content.decode()
    assert "Late one" in page
    assert "Later" not in page
    assert "Late but done" in client.get(url, {"status": "done"}).content.decode()


def test_assessment_page_links_the_plan_and_shows_readiness(
    client: Client, org: Org, assessment: Assessment
) -> None:
    client.force_login(org.viewer)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert reverse("improvement:action_plan", args=[assessment.pk]) in page
    assert 'id="readiness-target"' in page
    assert "Not ready" in page


def test_the_plan_speaks_chinese(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.viewer)
    url = reverse("improvement:action_plan", args=[assessment.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "改进计划" in page
    detail = client.get(reverse("assessments:detail", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "认证就绪度" in detail.content.decode()
    assert "未就绪" in detail.content.decode()


def test_erasing_the_organisation_erases_the_action_history(
    org: Org, other_org: Org, assessment: Assessment, django_capture_on_commit_callbacks: Any
) -> None:
    from assessments.data_protection import organisation_delete
    from assessments.services import assessment_start

    services.action_create(
        access=action_plan_get_for_user(user=org.manager, pk=assessment.pk), user=org.manager, data=_input()
    )
    theirs = assessment_start(
        organisation=other_org.organisation,
        user=other_org.manager,
        capability_model=assessment.capability_model,
        title="Theirs",
        target_level=2,
        allow_retired=True,
    )
    kept = services.action_create(
        access=action_plan_get_for_user(user=other_org.manager, pk=theirs.pk),
        user=other_org.manager,
        data=_input(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        organisation_delete(organisation=org.organisation)
    assert list(Action.objects.all()) == [kept]
    assert set(Action.history.values_list("id", flat=True)) == {kept.pk}


def test_the_plan_exports_as_csv_and_xlsx(client: Client, org: Org, assessment: Assessment) -> None:
    import io

    import openpyxl

    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    services.action_create(
        access=access,
        user=org.manager,
        data=_input(title="=HYPERLINK(1)", owner=org.contributor, due_date=date(2027, 3, 1)),
    )
    client.force_login(org.viewer)
    text = client.get(reverse("improvement:actions_csv", args=[assessment.pk])).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert "2027-03-01" in text
    assert org.contributor.username in text
    response = client.get(reverse("improvement:actions_xlsx", args=[assessment.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    row = [cell.value for cell in sheet[2]]
    assert row[:3] == ["=HYPERLINK(1)", "SP1", "SP1-1-01 SP1-1-02"]
    assert sheet["A2"].data_type == "s"


def test_domain_filter(client: Client, org: Org, assessment: Assessment) -> None:
    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    services.action_create(access=access, user=org.manager, data=_input(title="Strategy"))
    services.action_create(
        access=access, user=org.manager, data=_input(title="Capability", criteria="CB1-1-01")
    )
    client.force_login(org.consultant)
    url = reverse("improvement:action_plan", args=[assessment.pk])
    page = client.get(url, {"domain": "CB"}).content.decode()
    assert "Capability" in page
    assert "Strategy" not in page
    assert client.get(url, {"domain": "ZZ"}).status_code == 400


def test_plan_page_queries_do_not_grow_with_the_plan(
    client: Client, org: Org, assessment: Assessment
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    client.force_login(org.manager)
    url = reverse("improvement:action_plan", args=[assessment.pk])
    counts = []
    for codes in (["SP1-1-01"], ["SP2-1-01", "CB1-1-01", "CB2-1-01", "OP1-1-01"]):
        for code in codes:
            services.action_create(
                access=access, user=org.manager, data=_input(criteria=code, owner=org.contributor)
            )
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_closure_evidence(client: Client, org: Org, assessment: Assessment) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from improvement.models import ActionEvidence

    action = services.action_create(
        access=action_plan_get_for_user(user=org.manager, pk=assessment.pk),
        user=org.manager,
        data=_input(owner=org.contributor),
    )
    url = reverse("improvement:action_evidence_upload", args=[action.pk])
    client.force_login(org.contributor)
    response = client.post(url, {"file": SimpleUploadedFile("minutes.txt", "会议纪要 minutes".encode())})
    assert response.status_code == 302
    evidence = ActionEvidence.objects.get()
    assert (evidence.original_name, evidence.uploaded_by) == ("minutes.txt", org.contributor)
    # The same check as answers' evidence: an executable renamed .pdf is refused.
    client.post(url, {"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00binary")})
    assert ActionEvidence.objects.count() == 1
    client.force_login(org.viewer)
    assert client.post(url, {"file": SimpleUploadedFile("v.txt", b"viewer")}).status_code == 404
    download = client.get(reverse("improvement:action_evidence_download", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == "会议纪要 minutes".encode()  # type: ignore[attr-defined]
    page = client.get(reverse("improvement:action_edit", args=[action.pk])).content.decode()
    assert "minutes.txt" in page
    assert 'name="file"' not in page


def test_my_actions_on_the_dashboard_overdue_first(client: Client, org: Org, assessment: Assessment) -> None:
    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    today = timezone.localdate()
    for title, due, status in [
        ("Next month", today + timedelta(days=30), "open"),
        ("Late", today - timedelta(days=2), "in_progress"),
        ("Finished", today - timedelta(days=9), "done"),
    ]:
        services.action_create(
            access=access,
            user=org.manager,
            data=_input(title=title, owner=org.contributor, due_date=due, status=status),
        )
    assert [a.title for a in selectors.actions_for_owner(user=org.contributor, today=today)] == [
        "Late",
        "Next month",
    ]
    client.force_login(org.contributor)
    page = client.get(reverse("home")).content.decode()
    assert 'id="my-actions"' in page
    assert page.index("Late") < page.index("Next month")
    assert "Finished" not in page
    client.force_login(org.viewer)
    assert 'id="my-actions"' not in client.get(reverse("home")).content.decode()


def test_actions_of_one_item_merge_into_one(client: Client, org: Org, assessment: Assessment) -> None:
    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    keep = services.action_create(
        access=access, user=org.manager, data=_input(title="Keep", criteria="SP1-1-01")
    )
    fold = services.action_create(
        access=access, user=org.manager, data=_input(title="Fold", criteria="SP1-2-01")
    )
    other_item = services.action_create(
        access=access, user=org.manager, data=_input(title="Elsewhere", criteria="CB1-1-01")
    )
    url = reverse("improvement:actions_merge", args=[keep.pk])
    client.force_login(org.contributor)
    assert client.post(url, {"merge": [fold.pk]}).status_code == 404
    client.force_login(org.consultant)
    page = client.get(reverse("improvement:action_edit", args=[keep.pk])).content.decode()
    assert f'id="merge-{fold.pk}"' in page
    assert f'id="merge-{other_item.pk}"' not in page
    client.post(url, {"merge": [other_item.pk]})  # another item: refused, nothing changes
    assert Action.objects.get(pk=other_item.pk).status == "open"
    assert client.post(url, {"merge": [fold.pk]}).status_code == 302
    keep.refresh_from_db()
    fold.refresh_from_db()
    assert sorted(c.code for c in keep.criteria.all()) == ["SP1-1-01", "SP1-2-01"]
    assert keep.phase == 2
    assert fold.status == "cancelled"
    assert "Merged into “Keep”" in fold.notes
