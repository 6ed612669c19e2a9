"""The shipped GB/T 43045.1-2023 model: structure of DESIGN.md §1, coverage, both languages, natural keys."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from capability_model.models import LEVELS, CapabilityModel, Criterion
from capability_model.services import shipped_fixture_files, shipped_versions
from capability_model.shipped import _is_complete

pytestmark = pytest.mark.django_db

# DESIGN.md §1: domain code → (clause, items with their clauses)
EXPECTED_STRUCTURE = {
    "SP": ("6", {"SP1": "6.2", "SP2": "6.3", "SP3": "6.4"}),
    "CB": ("7", {"CB1": "7.2", "CB2": "7.3", "CB3": "7.4", "CB4": "7.5", "CB5": "7.6", "CB6": "7.7"}),
    "OP": (
        "8",
        {
            "OP1": "8.2",
            "OP2": "8.3",
            "OP3": "8.4",
            "OP4": "8.5",
            "OP5": "8.6",
            "OP6": "8.7",
            "OP7": "8.8",
            "OP8": "8.9",
        },
    ),
    "MI": ("9", {"MI1": "9.2", "MI2": "9.3", "MI3": "9.4"}),
}
CJK = re.compile(r"[\u4e00-\u9fff]")
TEXT_FIELDS = ("statement", "guidance", "evidence")


def test_model_is_published_with_five_levels(shipped_model: CapabilityModel) -> None:
    # The newest complete shipped version is the published one; version 1 is retired once version 2 is in.
    newest = max(v for v in shipped_versions(shipped_model.code) if _is_complete(shipped_model.code, v))
    published = CapabilityModel.objects.get(code=shipped_model.code, state="published")
    assert published.version == newest
    assert shipped_model.state == ("published" if newest == 1 else "retired")
    levels = list(shipped_model.levels.order_by("level"))
    assert [lv.level for lv in levels] == list(LEVELS)
    for lv in levels:
        assert lv.name_zh
        assert lv.name_en
        assert lv.description_zh
        assert lv.description_en


def test_domains_and_items_match_the_standard(shipped_model: CapabilityModel) -> None:
    domains = {d.code: d for d in shipped_model.domains.all()}
    assert set(domains) == set(EXPECTED_STRUCTURE)
    assert [d.code for d in shipped_model.domains.order_by("order")] == ["SP", "CB", "OP", "MI"]
    for code, (clause, items) in EXPECTED_STRUCTURE.items():
        assert domains[code].clause == clause
        actual = {i.code: i.clause for i in domains[code].items.all()}
        assert actual == items
    assert shipped_model.items.count() == 20


def test_every_item_has_at_least_two_criteria_at_every_level(shipped_model: CapabilityModel) -> None:
    counts = Counter(
        Criterion.objects.filter(capability_model=shipped_model).values_list("item__code", "level")
    )
    items = shipped_model.items.values_list("code", flat=True)
    missing = [
        (item, level, counts[(item, level)])
        for item in items
        for level in LEVELS
        if counts[(item, level)] < 2
    ]
    assert missing == []
    assert sum(counts.values()) >= 200


def test_every_text_is_present_in_both_languages(shipped_model: CapabilityModel) -> None:
    problems = []
    for c in Criterion.objects.filter(capability_model=shipped_model):
        for field in TEXT_FIELDS:
            zh, en = getattr(c, f"{field}_zh"), getattr(c, f"{field}_en")
            if not zh.strip() or not CJK.search(zh):
                problems.append(f"{c.code} {field}_zh")
            if not en.strip() or CJK.search(en):
                problems.append(f"{c.code} {field}_en")
        if len(c.evidence_examples) < 2:
            problems.append(f"{c.code} needs at least two evidence examples")
    problems.extend(
        item.code
        for item in shipped_model.items.all()
        if not (item.name_zh and item.name_en and item.description_zh and item.description_en)
    )
    assert problems == []


def test_codes_are_unique_and_well_formed(shipped_model: CapabilityModel) -> None:
    rows = list(
        Criterion.objects.filter(capability_model=shipped_model).values_list(
            "code", "item__code", "level", "order"
        )
    )
    codes = [code for code, *_ in rows]
    assert len(codes) == len(set(codes))
    for code, item_code, level, order in rows:
        assert re.fullmatch(rf"{item_code}-{level}-\d\d", code), code
        assert int(code.rsplit("-", 1)[1]) == order, code


def test_fixture_files_use_natural_keys_only() -> None:
    for path in shipped_fixture_files("gbt43045-1-2023"):
        for obj in json.loads(path.read_text(encoding="utf-8")):
            assert "pk" not in obj, path.name
            for name in ("capability_model", "domain", "item"):
                if name in obj["fields"]:
                    assert isinstance(obj["fields"][name], list), f"{path.name}: {name} must be a natural key"


def test_loading_again_changes_nothing(shipped_model: CapabilityModel) -> None:
    from capability_model.services import capability_model_load_shipped

    before = Criterion.objects.filter(capability_model=shipped_model).count()
    capability_model_load_shipped(code="gbt43045-1-2023")
    assert Criterion.objects.filter(capability_model=shipped_model).count() == before
    complete = [v for v in shipped_versions("gbt43045-1-2023") if _is_complete("gbt43045-1-2023", v)]
    assert CapabilityModel.objects.filter(code="gbt43045-1-2023").count() == len(complete)
