"""Log in and out, password reset by email, password change — Django's auth views in the portal's pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_and_logout(client: Client) -> None:
    user = UserFactory.create(username="agent")
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "agent", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
    assert user.pk


def test_wrong_password_is_a_clear_message(client: Client) -> None:
    UserFactory.create(username="agent")
    response = client.post(
        reverse("login"), {"username": "agent", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_password_reset_by_email(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    UserFactory.create(username="agent", email="agent@example.com")
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued when the request commits
        response = client.post(reverse("password_reset"), {"email": "agent@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Contact-Centre-2026!", "new_password2": "Contact-Centre-2026!"},
    )
    assert response.status_code == 302
    assert client.login(request=HttpRequest(), username="agent", password="Contact-Centre-2026!")  # axes


def test_password_change(client: Client) -> None:
    user = UserFactory.create(username="agent")
    client.force_login(user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Omnichannel-2026?",
            "new_password2": "Omnichannel-2026?",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Omnichannel-2026?")
