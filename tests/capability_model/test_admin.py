"""Django admin: every page loads, clone/publish actions, the lock, criteria import and export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from capability_model.models import CapabilityModel, Criterion, ModelState
from capability_model.services import capability_model_clone
from tests.factories import AssessmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client: Client) -> Client:
    client.force_login(StaffFactory.create())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_every_admin_page_loads(admin_client_: Client, shipped_model: CapabilityModel) -> None:
    AssessmentFactory.create(capability_model=shipped_model)
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client_.get(changelist).status_code == 200, changelist
        assert admin_client_.get(changelist, {"q": "SP1"}).status_code == 200, changelist
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert admin_client_.get(add).status_code in (200, 403), add
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert admin_client_.get(change).status_code == 200, change


def test_criteria_list_fits_and_export_select_all_needs_no_inline_handler(
    admin_client_: Client, shipped_model: CapabilityModel
) -> None:
    page = admin_client_.get(reverse("admin:capability_model_criterion_changelist")).content.decode()
    assert "css/admin.css" in page  # codes never wrap
    longest = max(shipped_model.criteria.values_list("statement_en", flat=True), key=len)
    assert longest not in page  # long statements are shortened in the list
    export = admin_client_.get(reverse("admin:capability_model_criterion_export")).content.decode()
    assert "js/admin-export.js" in export


def test_criteria_filters(admin_client_: Client, shipped_model: CapabilityModel) -> None:
    url = reverse("admin:capability_model_criterion_changelist")
    response = admin_client_.get(url, {"item__domain__code": "MI", "level": "5"})
    assert response.status_code == 200
    assert b"MI1-5-01" in response.content
    assert b"SP1-5-01" not in response.content
    assert b"MI1-4-01" not in response.content


def test_non_staff_cannot_reach_admin(client: Client) -> None:
    from tests.factories import UserFactory

    client.force_login(UserFactory.create())
    response = client.get(reverse("admin:capability_model_criterion_changelist"))
    assert response.status_code == 302


def test_clone_action_creates_a_draft(admin_client_: Client, shipped_model: CapabilityModel) -> None:
    response = admin_client_.post(
        reverse("admin:capability_model_capabilitymodel_changelist"),
        {"action": "clone_versions", "_selected_action": [shipped_model.pk]},
        follow=True,
    )
    assert response.status_code == 200
    clone = CapabilityModel.objects.filter(code=shipped_model.code).order_by("-version").first()
    assert clone is not None
    assert clone.version > shipped_model.version
    assert clone.state == ModelState.DRAFT
    assert clone.criteria.count() == shipped_model.criteria.count()


def test_publish_action_reports_refusal(admin_client_: Client, shipped_model: CapabilityModel) -> None:
    response = admin_client_.post(
        reverse("admin:capability_model_capabilitymodel_changelist"),
        {"action": "publish_versions", "_selected_action": [shipped_model.pk]},
        follow=True,
    )
    assert "Only a draft version can be published." in response.content.decode()


def test_locked_model_is_read_only_in_admin(admin_client_: Client, shipped_model: CapabilityModel) -> None:
    AssessmentFactory.create(capability_model=shipped_model)
    criterion = shipped_model.criteria.get(code="SP1-1-01")
    url = reverse("admin:capability_model_criterion_change", args=[criterion.pk])
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert b'name="statement_en"' not in page.content  # shown, not editable
    assert f"{shipped_model} — read-only: assessments use this version" in page.content.decode()
    response = admin_client_.post(url, {"statement_en": "hacked", "level": 1, "code": criterion.code})
    assert response.status_code == 403
    criterion.refresh_from_db()
    assert criterion.statement_en != "hacked"
    model_page = admin_client_.get(
        reverse("admin:capability_model_capabilitymodel_change", args=[shipped_model.pk])
    )
    assert b'name="name_en"' not in model_page.content


def _export(client: Client, fmt: str) -> bytes:
    url = reverse("admin:capability_model_criterion_export")
    response = client.post(url, {"format": fmt, "resource": 0, **_all_export_fields()})
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


def _all_export_fields() -> dict[str, Any]:
    from capability_model.resources import CriterionResource

    return {f"criterionresource_{name}": "on" for name in CriterionResource._meta.fields}


def _format_index(client: Client, label: str) -> int:
    from import_export.admin import ImportExportModelAdmin

    model_admin = admin.site._registry[Criterion]
    assert isinstance(model_admin, ImportExportModelAdmin)
    formats = model_admin.get_export_formats()
    return next(i for i, f in enumerate(formats) if f().get_title().lower() == label)


def _import(client: Client, content: bytes, name: str, fmt_label: str) -> Any:
    from import_export.admin import ImportExportModelAdmin

    model_admin = admin.site._registry[Criterion]
    assert isinstance(model_admin, ImportExportModelAdmin)
    formats = model_admin.get_import_formats()
    index = next(i for i, f in enumerate(formats) if f().get_title().lower() == fmt_label)
    url = reverse("admin:capability_model_criterion_import")
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(url, {"format": index, "resource": 0, "import_file": upload})


def _confirm(client: Client, response: Any) -> Any:
    form = response.context["confirm_form"]
    data = {
        name: field.initial if field.initial is not None else form.initial.get(name)
        for name, field in form.fields.items()
    }
    return client.post(reverse("admin:capability_model_criterion_process_import"), data, follow=True)


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _to_xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_round_trip_into_a_draft(admin_client_: Client, shipped_model: CapabilityModel) -> None:
    draft = capability_model_clone(source=shipped_model)
    content = _export(admin_client_, str(_format_index(admin_client_, "xlsx")))
    rows = _xlsx_rows(content)
    header = rows[0]
    assert header[:6] == ["model", "version", "item", "code", "level", "order"]
    draft_rows = [r for r in rows[1:] if str(r[1]) == str(draft.version)]
    assert len(draft_rows) == draft.criteria.count()
    statement_en = header.index("statement_en")
    target = next(r for r in draft_rows if r[3] == "OP5-4-01")
    target[statement_en] = "Machine quality inspection covers 100 % of recorded contacts (edited)"
    response = _import(admin_client_, _to_xlsx([header, *draft_rows]), "criteria.xlsx", "xlsx")
    assert response.status_code == 200
    assert not response.context["result"].has_errors()
    _confirm(admin_client_, response)
    assert draft.criteria.get(code="OP5-4-01").statement_en.endswith("(edited)")
    assert not shipped_model.criteria.filter(statement_en__endswith="(edited)").exists()
    assert draft.criteria.count() == shipped_model.criteria.count()


def test_csv_import_with_a_bad_row_applies_nothing(
    admin_client_: Client, shipped_model: CapabilityModel
) -> None:
    draft = capability_model_clone(source=shipped_model)
    v = draft.version
    csv = (
        "model,version,item,code,level,order,statement_zh,statement_en,guidance_zh,guidance_en,evidence_zh,evidence_en\n"
        f"gbt43045-1-2023,{v},SP1,SP1-1-01,1,1,新的陈述。,A new statement.,,,,\n"
        f"gbt43045-1-2023,{v},SP1,SP1-2-09,3,9,等级不符。,Level digit does not match.,,,,\n"
        f"gbt43045-1-2023,{v},ZZ9,ZZ9-1-01,1,1,未知能力项。,Unknown item.,,,,\n"
    )
    response = _import(admin_client_, csv.encode(), "criteria.csv", "csv")
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_errors() or result.has_validation_errors()
    page = response.content.decode()
    assert "The level digit of the code must equal the level." in page  # row 2
    assert "unknown capability item &#x27;ZZ9&#x27;" in page  # row 3
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert draft.criteria.get(code="SP1-1-01").statement_en != "A new statement."
    assert not draft.criteria.filter(code="SP1-2-09").exists()


def test_import_into_a_locked_version_is_refused(
    admin_client_: Client, shipped_model: CapabilityModel
) -> None:
    AssessmentFactory.create(capability_model=shipped_model)
    csv = (
        "model,version,item,code,level,order,statement_zh,statement_en,guidance_zh,guidance_en,evidence_zh,evidence_en\n"
        "gbt43045-1-2023,1,SP1,SP1-1-01,1,1,改动。,Changed in place.,,,,\n"
    )
    response = _import(admin_client_, csv.encode(), "criteria.csv", "csv")
    result = response.context["result"]
    assert result.has_errors() or result.has_validation_errors()
    assert shipped_model.criteria.get(code="SP1-1-01").statement_en != "Changed in place."
