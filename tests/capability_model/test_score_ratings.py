"""``score_ratings``: the black-box interface of DESIGN.md §2 on a worked example and each error case."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from capability_model.models import CapabilityModel

pytestmark = pytest.mark.django_db


def _codes(model: CapabilityModel, item: str, *levels: int) -> list[str]:
    return list(model.criteria.filter(item__code=item, level__in=levels).values_list("code", flat=True))


def _run(tmp_path: Path, payload: Any) -> dict[str, Any]:
    path = tmp_path / "ratings.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    out = io.StringIO()
    call_command("score_ratings", str(path), stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_worked_example(tmp_path: Path, shipped_model: CapabilityModel) -> None:
    # SP1: levels 1–2 fully achieved, level 3 largely → level 3, index 1 + 1 + 2/3 = 2.67.
    # SP2: every criterion NA → not applicable, left out of SP.
    # Everything else unanswered → level 0, index 0.
    ratings = dict.fromkeys(_codes(shipped_model, "SP1", 1, 2), "F")
    ratings |= dict.fromkeys(_codes(shipped_model, "SP1", 3), "L")
    ratings |= dict.fromkeys(_codes(shipped_model, "SP2", 1, 2, 3, 4, 5), "NA")
    result = _run(tmp_path, {"model": "gbt43045-1-2023", "ratings": ratings})

    assert result["items"]["SP1"] == {"level": 3, "index": 2.67}
    assert result["items"]["SP2"] == {"level": None, "index": None}
    assert result["items"]["SP3"] == {"level": 0, "index": 0.0}
    assert result["domains"]["SP"] == {"level": 0, "index": 1.33}  # mean of SP1 and SP3 only
    assert result["domains"]["CB"] == {"level": 0, "index": 0.0}
    assert result["overall"] == {"level": 0, "index": 0.33}  # (1.3333 + 0 + 0 + 0) / 4
    assert set(result["items"]) == set(shipped_model.items.values_list("code", flat=True))
    assert list(result["domains"]) == ["SP", "CB", "OP", "MI"]


def test_all_fully_achieved_is_level_five(tmp_path: Path, shipped_model: CapabilityModel) -> None:
    ratings = dict.fromkeys(shipped_model.criteria.values_list("code", flat=True), "F")
    result = _run(tmp_path, {"model": "gbt43045-1-2023", "ratings": ratings})
    assert result["overall"] == {"level": 5, "index": 5.0}
    assert all(v == {"level": 5, "index": 5.0} for v in result["items"].values())


def test_reads_standard_input(monkeypatch: pytest.MonkeyPatch, shipped_model: CapabilityModel) -> None:
    ratings = dict.fromkeys(_codes(shipped_model, "MI1", 1), "F")
    monkeypatch.setattr(
        sys, "stdin", io.StringIO(json.dumps({"model": "gbt43045-1-2023", "version": 1, "ratings": ratings}))
    )
    out = io.StringIO()
    call_command("score_ratings", "-", stdout=out)
    assert json.loads(out.getvalue())["items"]["MI1"]["level"] == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"model": "no-such-model", "ratings": {}}, "unknown model: 'no-such-model'"),
        ({"model": "gbt43045-1-2023", "ratings": {"XX9-9-99": "F"}}, "XX9-9-99"),
        ({"model": "gbt43045-1-2023", "ratings": {"SP1-1-01": "Q"}}, "SP1-1-01"),
        ({"model": "gbt43045-1-2023", "ratings": {"SP1-1-01": 3}}, "SP1-1-01"),
        ({"model": "gbt43045-1-2023", "ratings": ["SP1-1-01"]}, "ratings"),
        (["not", "an", "object"], "model"),
    ],
    ids=[
        "unknown-model",
        "unknown-criterion",
        "bad-rating",
        "rating-not-a-string",
        "ratings-not-object",
        "not-object",
    ],
)
def test_errors_name_the_culprit(
    tmp_path: Path, shipped_model: CapabilityModel, payload: Any, message: str
) -> None:
    with pytest.raises(CommandError, match=message) as excinfo:
        _run(tmp_path, payload)
    assert "\n" not in str(excinfo.value)


def test_bad_json_and_missing_file(tmp_path: Path, shipped_model: CapabilityModel) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("score_ratings", str(bad))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("score_ratings", str(tmp_path / "missing.json"))


def test_command_exits_non_zero_with_one_line(
    tmp_path: Path, shipped_model: CapabilityModel, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import execute_from_command_line

    path = tmp_path / "r.json"
    path.write_text(json.dumps({"model": "gbt43045-1-2023", "ratings": {"SP1-1-01": "X"}}), encoding="utf-8")
    with pytest.raises(SystemExit) as excinfo:
        execute_from_command_line(["manage.py", "score_ratings", str(path)])
    assert excinfo.value.code != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "SP1-1-01" in err
    assert "'X'" in err
