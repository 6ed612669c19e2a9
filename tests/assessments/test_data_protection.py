"""Export of everything of one organisation, erasure with all data and files, and restore from an export
into an empty database (the promise of README "Security and data protection")."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.data_protection import organisation_delete, organisation_export, organisation_restore
from assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    ConsultantAssignment,
    Evidence,
    Membership,
    Organisation,
)
from assessments.selectors import assessment_scores
from capability_model.models import CapabilityModel
from capability_model.services import capability_model_load_shipped
from reports.services import report_pdf_render
from tests.assessments.conftest import Org, record, set_state
from tests.assessments.test_evidence import pdf_bytes
from tests.conftest import SHIPPED_CODE
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()  # a real one-page PDF: evidence is checked for structure


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _attach(assessment: Assessment, user: Any, code: str, name: str, content: bytes) -> Evidence:
    return services.evidence_attach(
        access=assessment_get_for_user(user=user, pk=assessment.pk),
        criterion_code=code,
        upload=SimpleUploadedFile(name, content),
        user=user,
    )


@pytest.fixture
def populated(org: Org, shipped_model: CapabilityModel, media: Path) -> dict[str, Any]:
    """An approved assessment with verified ratings and a draft that started from it, with evidence."""
    first = services.assessment_start(
        organisation=org.organisation, user=org.manager, capability_model=shipped_model, title="FY25",
        target_level=2,
        allow_retired=True,
    )  # fmt: skip
    for answer in first.answers.select_related("criterion").filter(criterion__level__lte=2)[:40]:
        record(first, org.contributor, answer.criterion.code, "F", comment="我们的做法 — ours")
    record(first, org.contributor, "SP1-1-02", "NA", justification="Not applicable to a pure outsourcer")
    _attach(first, org.contributor, "SP1-1-01", "strategy.pdf", PDF)
    _attach(first, org.manager, "SP1-1-01", "目标.txt", "客服战略目标 2026".encode())
    set_state(first, AssessmentState.IN_REVIEW)
    consultant = assessment_get_for_user(user=org.consultant, pk=first.pk)
    services.review_record(
        access=consultant, criterion_code="SP1-1-01",
        data=services.ReviewInput(verified_rating="L", review_comment="Targets lack owners"),
        user=org.consultant,
    )  # fmt: skip
    services.assessment_approve(access=consultant, user=org.consultant, note="Verified on site")
    second = services.assessment_start(
        organisation=org.organisation, user=org.manager, capability_model=shipped_model, title="FY26",
        target_level=3, from_baseline=True,
        allow_retired=True,
    )  # fmt: skip
    record(second, org.manager, "CB1-1-01", "P", comment="started")
    _attach(second, org.contributor, "CB1-1-01", "plan.txt", b"plan")
    return {"org": org, "assessments": [first, second]}


def _picture(organisation_name: str) -> dict[str, Any]:
    """What the portal knows of the organisation, by stable keys (no database ids)."""
    organisation = Organisation.objects.get(name=organisation_name)
    assessments = Assessment.objects.filter(organisation=organisation).order_by("title")
    picture: dict[str, Any] = {
        "members": sorted(
            Membership.objects.filter(organisation=organisation).values_list("user__username", "role")
        ),
        "consultants": sorted(
            ConsultantAssignment.objects.filter(organisation=organisation).values_list(
                "consultant__username", flat=True
            )
        ),
    }
    for assessment in assessments:
        scores = assessment_scores(assessment=assessment)
        picture[assessment.title] = {
            "state": assessment.state,
            "baseline": assessment.baseline.title if assessment.baseline else None,
            "created_by": assessment.created_by.username if assessment.created_by else None,
            "answers": sorted(
                assessment.answers.values_list(
                    "criterion__code",
                    "rating",
                    "comment",
                    "justification",
                    "verified_rating",
                    "review_comment",
                    "revision",
                    "updated_by__username",
                )
            ),
            "self": (scores.self_score.level, scores.self_score.index),
            "verified": None
            if scores.verified_score is None
            else (scores.verified_score.level, scores.verified_score.index),
            "items": {i.code: i.level for d in scores.official.domains for i in d.items},
            "evidence": sorted(
                (
                    e.original_name,
                    e.answer.criterion.code,
                    e.uploaded_by.username if e.uploaded_by else None,
                    e.file.read(),
                )
                for e in Evidence.objects.filter(answer__assessment=assessment).select_related(
                    "answer__criterion"
                )
            ),
            "history": sorted(
                (str(h.history_type), h.history_user.username if h.history_user else "", h.state)
                for h in Assessment.history.filter(id=assessment.pk)
            ),
            "answer_history": Answer.history.filter(assessment_id=assessment.pk).count(),
            "evidence_history": Evidence.history.filter(answer__assessment_id=assessment.pk).count(),
        }
    return picture


def _archive(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_export_holds_everything_of_the_organisation_and_nothing_else(
    populated: dict[str, Any], other_org: Org, shipped_model: CapabilityModel
) -> None:
    org: Org = populated["org"]
    other = services.assessment_start(
        organisation=other_org.organisation, user=other_org.manager, capability_model=shipped_model,
        title="Beta secret", target_level=2,
        allow_retired=True,
    )  # fmt: skip
    record(other, other_org.manager, "SP1-1-01", "F", comment="beta only")
    archive = _archive(organisation_export(organisation=org.organisation))
    objects = json.loads(archive.read("organisation.json"))
    manifest = json.loads(archive.read("manifest.json"))
    models = {item["model"] for item in objects}
    assert {
        "assessments.organisation", "assessments.membership", "assessments.consultantassignment",
        "assessments.assessment", "assessments.answer", "assessments.evidence", "auth.user",
        "assessments.historicalassessment", "assessments.historicalanswer", "assessments.historicalevidence",
    } <= models  # fmt: skip
    text = archive.read("organisation.json").decode()
    assert "beta only" not in text
    assert "Beta secret" not in text
    assert other_org.manager.username not in text
    # Natural keys for users and criteria; no password hashes leave the portal.
    users = [item for item in objects if item["model"] == "auth.user"]
    assert {u["fields"]["username"] for u in users} >= {org.manager.username, org.consultant.username}
    assert all("password" not in u["fields"] for u in users)
    answer = next(item for item in objects if item["model"] == "assessments.answer")
    assert answer["fields"]["criterion"][0] == SHIPPED_CODE
    evidence_files = [n for n in archive.namelist() if n.startswith("evidence/")]
    assert len(evidence_files) == 3
    assert manifest["counts"]["assessments"] == 2
    assert manifest["missing_evidence_files"] == []


def test_erasure_removes_every_row_file_and_history(
    populated: dict[str, Any],
    other_org: Org,
    media: Path,
    shipped_model: CapabilityModel,
    django_capture_on_commit_callbacks: Any,
) -> None:
    org: Org = populated["org"]
    other = services.assessment_start(
        organisation=other_org.organisation, user=other_org.manager, capability_model=shipped_model,
        title="Beta", target_level=2,
        allow_retired=True,
    )  # fmt: skip
    _attach(other, other_org.manager, "SP1-1-01", "beta.txt", b"beta")
    shared = UserFactory.create(username="shared-member")
    Membership.objects.create(user=shared, organisation=org.organisation, role="viewer")
    Membership.objects.create(user=shared, organisation=other_org.organisation, role="viewer")
    ids = [a.pk for a in populated["assessments"]]
    assert list((media / "evidence" / str(org.organisation.pk)).iterdir())
    report_pdf_render(assessment=populated["assessments"][0])  # an approved report's PDF is cached
    cached_reports = media / "report-cache" / str(org.organisation.pk)
    assert list(cached_reports.rglob("*.pdf"))

    with django_capture_on_commit_callbacks(execute=True):
        summary = organisation_delete(organisation=org.organisation)

    assert not list(cached_reports.rglob("*.pdf"))

    assert summary.assessments == 2
    assert summary.evidence_files == 3
    assert not Organisation.objects.filter(pk=org.organisation.pk).exists()
    assert not Assessment.objects.filter(pk__in=ids).exists()
    assert not Answer.objects.filter(assessment_id__in=ids).exists()
    assert not Assessment.history.filter(id__in=ids).exists()
    assert not Answer.history.filter(assessment_id__in=ids).exists()
    assert not Evidence.history.filter(answer__assessment_id__in=ids).exists()
    assert not (media / "evidence" / str(org.organisation.pk)).exists() or not list(
        (media / "evidence" / str(org.organisation.pk)).iterdir()
    )
    # Accounts that existed only for this organisation go; consultants and shared members stay.
    user_model = get_user_model()
    assert not user_model.objects.filter(pk__in=[org.manager.pk, org.contributor.pk, org.viewer.pk]).exists()
    assert user_model.objects.filter(pk__in=[org.consultant.pk, shared.pk]).exists()
    # The other organisation is untouched.
    assert Evidence.objects.filter(answer__assessment=other).count() == 1
    assert list((media / "evidence" / str(other_org.organisation.pk)).iterdir())
    assert Assessment.history.filter(id=other.pk).exists()


@pytest.mark.django_db(transaction=True)  # flush empties real tables, outside a test transaction
def test_export_erase_flush_restore_finds_everything_again(
    populated: dict[str, Any], media: Path, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    org: Org = populated["org"]
    name = org.organisation.name
    before = _picture(name)
    archive = tmp_path / "export.zip"
    call_command("export_organisation", str(org.organisation.pk), str(archive), stdout=io.StringIO())

    # Gone: the organisation erased, then the whole database emptied and the media folder too.
    with django_capture_on_commit_callbacks(execute=True):
        organisation_delete(organisation=org.organisation)
    call_command("flush", interactive=False, verbosity=0)
    assert not get_user_model().objects.exists()
    assert not CapabilityModel.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))

    capability_model_load_shipped(code=SHIPPED_CODE)
    out = io.StringIO()
    call_command("import_organisation", str(archive), stdout=out)
    assert "2 assessments" in out.getvalue()

    assert _picture(name) == before
    # Restored accounts have no usable password: people set one by email.
    assert not get_user_model().objects.get(username=org.manager.username).has_usable_password()
    # New rows after a restore get fresh ids (sequences moved past the restored ones).
    assert services.assessment_start(
        organisation=Organisation.objects.get(name=name),
        user=get_user_model().objects.get(username=org.manager.username),
        capability_model=CapabilityModel.objects.get(code=SHIPPED_CODE, version=1),
        title="After restore",
        target_level=2,
        allow_retired=True,
    ).pk


def test_restore_refuses_to_overwrite_existing_rows(populated: dict[str, Any]) -> None:
    org: Org = populated["org"]
    data = organisation_export(organisation=org.organisation)
    count = Answer.history.count()
    with pytest.raises(ValidationError, match="already holds"):
        organisation_restore(data=data)
    assert Answer.history.count() == count


@pytest.mark.parametrize(
    "data", [b"", b"not a zip", b"PK\x05\x06" + b"\x00" * 18], ids=["empty", "text", "empty-zip"]
)
def test_restore_refuses_what_is_not_an_export(data: bytes, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not an organisation export"):
        organisation_restore(data=data)
    path = tmp_path / "bad.zip"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="not an organisation export"):
        call_command("import_organisation", str(path))


def test_export_command_names_an_unknown_organisation(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No organisation with id 999999"):
        call_command("export_organisation", "999999", str(tmp_path / "x.zip"))


# ---- Admin ---------------------------------------------------------------------------------------------


def _changelist_action(client: Client, action: str, organisation: Organisation, **extra: str) -> Any:
    return client.post(
        reverse("admin:assessments_organisation_changelist"),
        {"action": action, "_selected_action": [organisation.pk], **extra},
    )


def test_admin_exports_one_organisation_as_a_zip(client: Client, populated: dict[str, Any]) -> None:
    org: Org = populated["org"]
    client.force_login(StaffFactory.create())
    response = _changelist_action(client, "export_all_data", org.organisation)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "organisation.json" in _archive(response.content).namelist()


def test_admin_erasure_asks_first_then_erases(
    client: Client, populated: dict[str, Any], media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    org: Org = populated["org"]
    client.force_login(StaffFactory.create())
    response = _changelist_action(client, "erase_with_all_data", org.organisation)
    assert response.status_code == 200
    page = response.content.decode()
    assert "approved ones included" in page
    assert org.organisation.name in page
    assert Organisation.objects.filter(pk=org.organisation.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = _changelist_action(client, "erase_with_all_data", org.organisation, confirm="yes")
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=org.organisation.pk).exists()
    assert not any(p.is_file() for p in (media / "evidence").rglob("*"))


def test_admin_plain_delete_is_not_offered(client: Client, populated: dict[str, Any]) -> None:
    org: Org = populated["org"]
    client.force_login(StaffFactory.create())
    response = client.post(
        reverse("admin:assessments_organisation_delete", args=[org.organisation.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    listing = client.get(reverse("admin:assessments_organisation_changelist")).content.decode()
    assert "delete_selected" not in listing
    assert Organisation.objects.filter(pk=org.organisation.pk).exists()


def test_only_superusers_may_erase(client: Client, populated: dict[str, Any]) -> None:
    from django.contrib.auth.models import Permission

    org: Org = populated["org"]
    staff = UserFactory.create(username="clerk", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_organisation", "change_organisation"])
    )
    client.force_login(staff)
    listing = client.get(reverse("admin:assessments_organisation_changelist")).content.decode()
    assert "export_all_data" in listing
    assert "erase_with_all_data" not in listing
    _changelist_action(client, "erase_with_all_data", org.organisation, confirm="yes")
    assert Organisation.objects.filter(pk=org.organisation.pk).exists()
