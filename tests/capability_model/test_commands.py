"""export_model and load_capability_model."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from capability_model.models import CapabilityModel

pytestmark = pytest.mark.django_db


def test_export_model_prints_the_whole_model(shipped_model: CapabilityModel) -> None:
    out = io.StringIO()
    call_command("export_model", "gbt43045-1-2023", "--model-version", "1", stdout=out)
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


def test_an_unfinished_version_is_skipped_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped_model: CapabilityModel
) -> None:
    """While version 2's item files are being written, the loader keeps version 1 published."""
    from capability_model import shipped

    source = shipped.FIXTURES_DIR / "gbt43045-1-2023"
    target = tmp_path / "gbt43045-1-2023"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("v2"))
    (target / "v2").mkdir()
    for name in ("model.json", "kpis.json", "SP1.json"):
        if (source / "v2" / name).is_file():
            shutil.copy(source / "v2" / name, target / "v2" / name)
    monkeypatch.setattr(shipped, "FIXTURES_DIR", tmp_path)
    out = io.StringIO()
    call_command("load_capability_model", stdout=out)
    assert "v2: skipped" in out.getvalue()
    assert "of 20 item files" in out.getvalue()
    shipped_model.refresh_from_db()
    assert shipped_model.state == "published"
