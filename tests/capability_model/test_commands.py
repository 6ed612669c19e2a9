"""export_model and load_capability_model."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from capability_model.models import CapabilityModel

pytestmark = pytest.mark.django_db


def test_export_model_prints_the_whole_model(shipped_model: CapabilityModel) -> None:
    out = io.StringIO()
    call_command("export_model", "gbt43045-1-2023", stdout=out)
    data = json.loads(out.getvalue())
    assert data["code"] == "gbt43045-1-2023"
    assert [d["code"] for d in data["domains"]] == ["SP", "CB", "OP", "MI"]
    assert [lv["level"] for lv in data["levels"]] == [1, 2, 3, 4, 5]
    items = [i for d in data["domains"] for i in d["items"]]
    assert len(items) == 20
    criteria = [c for i in items for c in i["criteria"]]
    assert len(criteria) == shipped_model.criteria.count()
    first = criteria[0]
    assert first["code"] == "SP1-1-01"
    assert first["level"] == 1
    assert first["statement"]["zh"]
    assert first["statement"]["en"]


def test_export_model_unknown_code_fails_with_one_line() -> None:
    with pytest.raises(CommandError, match="unknown model: 'no-such-model'"):
        call_command("export_model", "no-such-model")


def test_load_command_reports_and_leaves_a_model_in_use(shipped_model: CapabilityModel) -> None:
    from tests.factories import AssessmentFactory

    out = io.StringIO()
    call_command("load_capability_model", stdout=out)
    assert "loaded" in out.getvalue()
    AssessmentFactory.create(capability_model=shipped_model)
    out = io.StringIO()
    call_command("load_capability_model", stdout=out)
    assert "in use" in out.getvalue()


def test_load_command_unknown_model() -> None:
    with pytest.raises(CommandError, match="no shipped fixtures"):
        call_command("load_capability_model", "nothing-here")
