"""Personal access tokens: stored hashed, shown once, expire, revocable, read-only, every use logged."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import PersonalAccessToken
from api.services import ERROR_DAYS, token_create, token_hash, token_revoke
from tests.assessments.conftest import Org
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisations/"


def _auth(plaintext: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plaintext}"}


def test_only_the_hash_is_stored(org: Org) -> None:
    created = token_create(user=org.manager, name="dashboard")
    row = PersonalAccessToken.objects.get()
    assert created.plaintext.startswith(f"mp_{row.prefix}_")
    assert row.key_hash == token_hash(created.plaintext)
    values = PersonalAccessToken.objects.values_list(
        "name", "prefix", "key_hash", "created_at", "expires_at"
    ).get()
    assert all(created.plaintext not in str(value) for value in values)
    assert row.expires_at - timezone.now() > timedelta(days=89)


@pytest.mark.parametrize("days", [0, -1, 366])
def test_expiry_bounds(org: Org, days: int) -> None:
    with pytest.raises(ValidationError) as excinfo:
        token_create(user=org.manager, name="x", days=days)
    assert excinfo.value.messages == [str(ERROR_DAYS)]
    assert not PersonalAccessToken.objects.exists()


def test_token_reads_as_its_user_and_every_use_is_logged(
    api_client: Client, org: Org, caplog: pytest.LogCaptureFixture
) -> None:
    created = token_create(user=org.viewer, name="bi")
    with caplog.at_level(logging.INFO, logger="api.tokens"):
        response = api_client.get(URL, headers=_auth(created.plaintext))
    assert response.status_code == 200
    assert [o["name"] for o in response.json()["results"]] == [org.organisation.name]
    assert any(f"token {created.token.pk} (bi)" in r.getMessage() for r in caplog.records)
    created.token.refresh_from_db()
    assert created.token.last_used_at is not None


@pytest.mark.parametrize("case", ["revoked", "expired", "tampered", "garbage", "inactive user"])
def test_refused_tokens_answer_401(api_client: Client, org: Org, case: str) -> None:
    created = token_create(user=org.manager, name="x")
    plaintext = created.plaintext
    if case == "revoked":
        token_revoke(token=created.token)
    elif case == "expired":
        PersonalAccessToken.objects.filter(pk=created.token.pk).update(expires_at=timezone.now())
    elif case == "tampered":
        plaintext = plaintext[:-2] + ("AA" if not plaintext.endswith("AA") else "BB")
    elif case == "garbage":
        plaintext = "not-a-token"
    else:
        org.manager.is_active = False
        org.manager.save()
    response = api_client.get(URL, headers=_auth(plaintext))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "results" not in response.json()


def test_tokens_are_read_only(api_client: Client, org: Org) -> None:
    created = token_create(user=org.manager, name="x")
    response = api_client.post(URL, {}, headers=_auth(created.plaintext))
    assert response.status_code == 403
    assert response.json()["detail"] == "Access tokens are read-only."


def test_a_token_does_not_open_the_browser_pages(api_client: Client, org: Org) -> None:
    created = token_create(user=org.manager, name="x")
    response = api_client.get(reverse("home"), headers=_auth(created.plaintext))
    assert response.status_code == 302  # to the login page: tokens are for the API only


def test_token_page_shows_the_token_once_and_revokes(client: Client, org: Org) -> None:
    client.force_login(org.manager)
    url = reverse("api_tokens:list")
    response = client.post(url, {"name": "Power BI", "days": 30})
    assert response.status_code == 302
    page = client.get(url)
    token = PersonalAccessToken.objects.get(user=org.manager)
    plaintext = page.context["new_token"]
    assert token.key_hash == token_hash(plaintext)
    assert plaintext in page.content.decode()
    assert plaintext not in client.get(url).content.decode()  # shown once
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get(URL, headers=_auth(plaintext)).status_code == 401


def test_token_page_rejects_bad_input(client: Client, org: Org) -> None:
    client.force_login(org.manager)
    response = client.post(reverse("api_tokens:list"), {"name": "", "days": 9999})
    assert response.status_code == 400
    assert not PersonalAccessToken.objects.exists()


def test_nobody_revokes_another_users_token(client: Client, org: Org) -> None:
    token = token_create(user=org.manager, name="x").token
    client.force_login(org.viewer)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "x" not in [t.name for t in client.get(reverse("api_tokens:list")).context["tokens"]]


def test_create_token_command_prints_it_once(org: Org) -> None:
    out = StringIO()
    call_command("create_token", org.manager.username, "--name", "etl", "--days", "7", stdout=out)
    plaintext = out.getvalue().strip()
    token = PersonalAccessToken.objects.get()
    assert token.key_hash == token_hash(plaintext)
    assert token.name == "etl"
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)


def test_create_token_command_errors(db: object) -> None:
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("create_token", "ghost", "--name", "x")
    user = UserFactory.create()
    with pytest.raises(CommandError, match="between 1 and 365"):
        call_command("create_token", user.username, "--name", "x", "--days", "0")
