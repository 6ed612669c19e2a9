"""A new assessment on version 2 that takes a version-1 assessment as its baseline: answers mapped through
``Criterion.succeeds``, the LOWEST rating where a criterion replaces several; and export_model's output."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from assessments import answer_rules, services
from assessments.models import Assessment
from capability_model.models import CapabilityModel, Criterion
from tests.assessments.conftest import Org, record

CODE = "gbt43045-1-2023"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        (["F", "P"], "P"),
        (["L", "F", "L"], "L"),
        (["F", "NA"], "F"),
        (["NA", "NA"], "NA"),
        (["F", ""], ""),  # a predecessor unanswered: nothing carried, the person decides
        (["F"], "F"),
        ([], ""),
    ],
)
def test_carried_rating_is_the_lowest_of_the_predecessors(ratings: list[str], expected: str) -> None:
    assert answer_rules.carried_from_predecessors(ratings) == expected


def test_baseline_on_version_1_maps_through_succeeds(org: Org, shipped_model: CapabilityModel) -> None:
    v2 = CapabilityModel.objects.get(code=CODE, version=2)
    baseline = services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="v1",
        target_level=5,
        allow_retired=True,
    )
    # A version-2 criterion that replaces several version-1 ones: give them different ratings.
    merged = next(
        c
        for c in Criterion.objects.filter(capability_model=v2).prefetch_related("succeeds")
        if len(c.succeeds.all()) > 1
    )
    old_codes = sorted(p.code for p in merged.succeeds.all())
    for code, rating in zip(old_codes, ["F", "P", "L", "L", "L", "L"], strict=False):
        record(baseline, org.manager, code, rating, comment=f"note {code}")
    single = next(
        c
        for c in Criterion.objects.filter(capability_model=v2).prefetch_related("succeeds")
        if len(c.succeeds.all()) == 1 and c.succeeds.get().code not in old_codes
    )
    record(baseline, org.manager, single.succeeds.get().code, "L")
    assessment = services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=v2,
        title="v2",
        target_level=3,
        baseline=baseline,
    )
    answer = assessment.answers.get(criterion=merged)
    assert answer.rating == "P"
    assert answer.carried_over
    assert f"{old_codes[0]}: note {old_codes[0]}" in answer.comment
    assert assessment.answers.get(criterion=single).rating == "L"
    assert "lowest of their ratings" in services.carried_across_versions_message(assessment)
    assert services.carried_across_versions_message(baseline) == ""


def test_export_model_prints_the_kpi_dictionary_and_succeeds(shipped_model: CapabilityModel) -> None:
    out = io.StringIO()
    call_command("export_model", CODE, stdout=out)
    data = json.loads(out.getvalue())
    assert data["version"] == 2
    kpis = {k["code"]: k for k in data["kpis"]}
    assert len(kpis) == 20
    fcr = kpis["FCR"]
    assert (fcr["unit"], fcr["direction"]) == ("percent", "higher")
    assert {(c["level"], c["threshold"]) for c in fcr["criteria"]} == {
        (2, "60"),
        (3, "70"),
        (4, "75"),
        (5, "80"),
    }
    assert all(c["code"].startswith("OP2-") for c in fcr["criteria"])
    criteria = [c for d in data["domains"] for i in d["items"] for c in i["criteria"]]
    assert all(isinstance(c["succeeds"], list) for c in criteria)
    assert any(len(c["succeeds"]) > 1 for c in criteria)

    out = io.StringIO()
    call_command("export_model", CODE, "--model-version", "1", stdout=out)
    v1 = json.loads(out.getvalue())
    assert (v1["version"], v1["state"], v1["kpis"]) == (1, "retired", [])
    assert v1["domains"][0]["items"][0]["criteria"][0]["code"] == "SP1-1-01"


def test_an_assessment_on_version_1_keeps_working(org: Org, shipped_model: CapabilityModel) -> None:
    assessment = services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="kept",
        target_level=2,
        allow_retired=True,
    )
    assert Assessment.objects.get(pk=assessment.pk).capability_model.version == 1
    assert assessment.answers.filter(criterion__code="SP1-1-01").exists()
