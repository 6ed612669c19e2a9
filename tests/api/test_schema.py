"""The OpenAPI schema generates without warnings, validates, and the committed copy is up to date; the
docs page loads only the portal's own files (the CSP allows no CDN)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
REGENERATE = "manage.py spectacular --validate --fail-on-warn --lang en --file docs/api/openapi.yaml"


def test_schema_validates_without_warnings_and_is_committed(tmp_path: Path) -> None:
    out = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", "en", "--file", str(out))
    assert out.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), (
        f"the committed schema is stale: run {REGENERATE}"
    )


def test_schema_is_served_and_lists_every_endpoint(client: Client) -> None:
    for name in ("api:schema", "api:schema_v1"):
        response = client.get(reverse(name), {"format": "json"})
        assert response.status_code == 200
        paths = response.json()["paths"]
        assert set(paths) == {
            "/api/v1/organisations/", "/api/v1/organisations/{id}/", "/api/v1/assessments/",
            "/api/v1/assessments/{id}/", "/api/v1/assessments/{id}/answers/",
            "/api/v1/assessments/{id}/actions/", "/api/v1/assessments/{id}/readiness/",
            "/api/v1/organisations/{id}/benchmark/",
        }  # fmt: skip
        assert "personalAccessToken" in response.json()["components"]["securitySchemes"]


def test_docs_page_uses_only_local_files(client: Client) -> None:
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "<script>" not in html  # no inline script or style: the CSP would block them
    assert "<style>" not in html
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
