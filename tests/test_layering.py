"""The layers point one way: the project package holds settings and the URL root, helpers live in
``common``, ``assessments`` does not know ``reports``, and no module grows past 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = (
    "assessments", "benchmark", "capability_model", "common", "improvement", "kpis", "reminders", "reports",
    "teams",
)  # fmt: skip


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules(*apps: str) -> list[Path]:
    return [p for app in apps for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [
        ("assessments", {"reports", "improvement", "reminders", "teams", "kpis", "maturity_portal"}),
        ("capability_model", {"assessments", "reports", "improvement", "teams", "kpis", "maturity_portal"}),
        ("common", {"assessments", "capability_model", "reports", "improvement", "teams", "maturity_portal"}),
        ("reports", {"improvement", "teams", "maturity_portal"}),
        ("improvement", {"maturity_portal"}),
        ("benchmark", {"reports", "improvement", "maturity_portal"}),
        ("reminders", {"reports", "maturity_portal"}),
        # Team work reads assessments and plugs into them (``assessments.extensions``); it uses the
        # reports app's safe workbook reading and writing for its offline round trip.
        ("teams", {"improvement", "benchmark", "reminders", "api", "maturity_portal"}),
        # KPI values read assessments and plug into the questionnaire the same way.
        ("kpis", {"improvement", "teams", "maturity_portal"}),
    ],
)
def test_imports_point_one_way(app: str, forbidden: set[str]) -> None:
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(app)
        for name in _imports(path)
        if name.split(".")[0] in forbidden
    )
    assert offenders == []


def test_no_module_over_400_lines() -> None:
    long = sorted(
        f"{path.relative_to(ROOT)}: {lines}"
        for path in _modules(*APPS, "maturity_portal")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    )
    assert long == []
