"""Closing the loop: the readiness verdict of a real assessment, the re-assessment from an approved one,
and the certification package (it verifies, and fails when any byte of any file changes)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.access import assessment_get_for_user
from assessments.models import Assessment
from improvement import selectors, services
from improvement.access import action_plan_get_for_user
from improvement.models import Action
from improvement.package_check import package_check
from improvement.readiness import BlockerKind, Outcome
from tests.assessments.conftest import Org, record
from tests.reports.conftest import answer_levels, approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(org: Org, assessment: Assessment) -> Assessment:
    """Level 1 fully achieved with evidence for one criterion, level 2 partly; a plan of two actions, one
    done; then approved by the consultant."""
    answer_levels(assessment, org.manager, up_to=1)
    record(assessment, org.manager, "SP1-2-01", "P", comment="needs work")
    assessment_services.evidence_attach(
        access=assessment_get_for_user(user=org.manager, pk=assessment.pk),
        criterion_code="SP1-1-01",
        upload=SimpleUploadedFile("policy.txt", "客服战略目标 2026".encode()),
        user=org.manager,
    )
    access = action_plan_get_for_user(user=org.manager, pk=assessment.pk)
    lift = services.action_create(
        access=access, user=org.manager, data=services.ActionInput(title="Lift SP1", criteria="SP1-2-01")
    )
    services.action_evidence_attach(
        access=access,
        action=lift,
        upload=SimpleUploadedFile("training.txt", b"trained 40 agents"),
        user=org.manager,
    )
    services.action_create(
        access=access,
        user=org.manager,
        data=services.ActionInput(title="Already done", criteria="SP1-2-02", status="done"),
    )
    return approve(assessment, org, {"SP1-1-02": ("F", "seen")})


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


def _rewrite(data: bytes, change: str, name: str) -> bytes:
    """The package with one file's byte flipped, added or removed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == name:
                if change == "remove":
                    continue
                content = bytes([content[0] ^ 1]) + content[1:]
            target.writestr(info.filename, content)
        if change == "add":
            target.writestr(name, b"extra")
    return out.getvalue()


def test_the_certification_package(client: Client, org: Org, approved: Assessment, tmp_path: Path) -> None:
    client.force_login(org.viewer)
    response = client.get(reverse("improvement:certification_package", args=[approved.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = response.content
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {
        "manifest.json",
        "report-en.pdf",
        "report-zh-hans.pdf",
        "workbook.xlsx",
        "evidence-index.csv",
        "action-plan.csv",
        "answer-history.csv",
        "readiness.txt",
    } <= names
    evidence = [n for n in names if n.startswith("evidence/SP1-1-01/")]
    assert len(evidence) == 1
    assert archive.read(evidence[0]) == "客服战略目标 2026".encode()
    assert "Lift SP1" in archive.read("action-plan.csv").decode("utf-8-sig")
    closure = [n for n in names if n.startswith("action-evidence/")]
    assert [archive.read(n) for n in closure] == [b"trained 40 agents"]
    assert closure[0] in archive.read("evidence-index.csv").decode("utf-8-sig")
    assert "indicative" in archive.read("readiness.txt").decode()
    manifest = json.loads(archive.read("manifest.json"))
    row = next(row for row in manifest["record"]["answers"] if row[0] == "SP1-2-01")
    assert (row[1], row[4]) == ("P", "needs work")
    assert package_check(io.BytesIO(data)).intact
    for name in sorted(names - {"manifest.json"}):
        assert package_check(io.BytesIO(_rewrite(data, "flip", name))).changed == (name,), name
    assert package_check(io.BytesIO(_rewrite(data, "remove", "workbook.xlsx"))).missing == ("workbook.xlsx",)
    assert package_check(io.BytesIO(_rewrite(data, "add", "extra.txt"))).added == ("extra.txt",)
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    good.write_bytes(data)
    bad.write_bytes(_rewrite(data, "flip", "readiness.txt"))
    out = io.StringIO()
    call_command("verify_package", str(good), stdout=out)
    assert "intact" in out.getvalue()
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_package", str(bad), stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("verify_package", str(tmp_path / "none.zip"))


def test_no_package_before_approval(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    response = client.get(reverse("improvement:certification_package", args=[assessment.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])


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
