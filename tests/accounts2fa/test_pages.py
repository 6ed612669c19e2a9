"""The new pages keep the Content Security Policy clean (no inline script, style or handler: the QR code
is plain SVG markup), and hostile ids and parameters answer 4xx, never 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts2fa import services
from tests.accounts2fa.test_two_factor import app_code, enrolled
from tests.api.conftest import bearer
from tests.assessments import conftest as assessment_fixtures
from tests.assessments.conftest import Org
from tests.maturity_portal.test_security import _assert_csp_clean

pytestmark = pytest.mark.django_db
org = assessment_fixtures.org


def test_token_and_two_factor_pages_need_no_inline_code(client: Client, org: Org) -> None:
    client.force_login(org.manager)
    for name in ("api_tokens:list", "accounts2fa:setup", "accounts2fa:manage", "api:docs"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _assert_csp_clean(response, name)
    device = services.totp_device_pending(user=org.manager)
    client.post(reverse("accounts2fa:setup"), {"code": app_code(device)})
    response = client.get(reverse("accounts2fa:manage"))
    assert response.context["new_codes"]
    _assert_csp_clean(response, "recovery codes")


def test_verify_page_needs_no_inline_code(client: Client, org: Org) -> None:
    enrolled(org.viewer)
    client.force_login(org.viewer)
    response = client.get(reverse("accounts2fa:verify"))
    assert response.status_code == 200
    _assert_csp_clean(response, "verify")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/assessments/99999999999999999999999/",
        "/api/v1/organisations/9223372036854775808/",
        "/api/v1/assessments/0/answers/",
        "/api/v1/assessments/?page=abc",
        "/api/v1/assessments/?page_size=-1&created_after=2026-13-45",
        "/api/v1/assessments/?state=%00",
    ],
)
def test_hostile_api_input_answers_4xx(client: Client, org: Org, path: str) -> None:
    response = client.get(path, headers=bearer(org.manager))
    assert 400 <= response.status_code < 500, (path, response.status_code)


def test_hostile_token_and_next_input(client: Client, org: Org) -> None:
    client.force_login(org.manager)
    assert client.post("/account/tokens/99999999999999999999999/revoke/").status_code == 404
    device, _codes = enrolled(org.viewer)
    other = Client()
    other.force_login(org.viewer)
    response = other.post(
        reverse("accounts2fa:verify"), {"code": app_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")  # never to another site
