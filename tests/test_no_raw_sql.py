"""Application code reaches the database through the ORM only: hand-written SQL lives in migrations."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("assessments", "capability_model", "common", "improvement", "maturity_portal", "reports")
FORBIDDEN_CALLS = {"cursor", "raw", "extra", "execute", "executemany"}
FORBIDDEN_NAMES = {"RawSQL"}


def _offenders(source: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        method = node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else ""
        if method in FORBIDDEN_CALLS:
            found.append(f"{where}:{getattr(node, 'lineno', 0)} .{method}(")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{where}:{node.lineno} {node.id}")
        if isinstance(node, ast.alias) and node.name.split(".")[-1] in FORBIDDEN_NAMES:
            found.append(f"{where}:{node.lineno} import {node.name}")
    return found


def test_no_hand_written_sql_in_application_code() -> None:
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            offenders += _offenders(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_check_finds_each_form_of_sql() -> None:
    source = (
        "from django.db.models.expressions import RawSQL\n"
        "with connection.cursor() as c:\n    c.execute('SELECT 1')\n"
        "Answer.objects.raw('SELECT 1')\n"
        "Answer.objects.extra(where=['1=1'])\n"
        "Answer.objects.annotate(x=RawSQL('1', []))\n"
    )
    found = {f.split(" ", 1)[1] for f in _offenders(source, "x.py")}
    assert found == {"import RawSQL", ".cursor(", ".execute(", ".raw(", ".extra(", "RawSQL"}
