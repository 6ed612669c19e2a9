"""Settings from the environment, production mode, languages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "3f9a$-x!Qz" * 5


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    leave_out = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean_env = {k: v for k, v in os.environ.items() if k not in leave_out}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_languages_and_time_zone() -> None:
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


def test_production_refuses_to_start_without_a_real_secret_key() -> None:
    result = _manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="portal.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_check_deploy() -> None:
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_ENV="production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example.com",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout


def test_unknown_django_env_is_refused() -> None:
    result = _manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV" in result.stderr


@pytest.mark.django_db
def test_language_switch_on_every_page(client: object) -> None:
    from tests.factories import UserFactory

    user = UserFactory.create()
    client.force_login(user)  # type: ignore[attr-defined]
    for url in ["/", "/model/", "/accounts/login/"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")  # type: ignore[attr-defined]
        assert response.status_code == 200, url
        for language in ("zh-hans", "en"):
            assert re.search(rf'name="language"\s+value="{language}"', response.content.decode()), url


@pytest.mark.django_db
def test_language_follows_the_browser_and_the_switch(client: object) -> None:
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")  # type: ignore[attr-defined]
    assert b'<html lang="en">' in response.content
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")  # type: ignore[attr-defined]
    assert b'<html lang="zh-hans">' in response.content
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})  # type: ignore[attr-defined]
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")  # type: ignore[attr-defined]
    assert b'<html lang="en">' in response.content


@pytest.mark.parametrize(
    ("arguments", "site_url"),
    [
        ([], "http://127.0.0.1:8000"),
        (["PORT=8001"], "http://127.0.0.1:8001"),
        (["HOST=0.0.0.0", "PORT=9000"], "http://127.0.0.1:9000"),
        (["SITE_URL=https://portal.example.com"], "https://portal.example.com"),
    ],
)
def test_make_run_gives_email_links_the_address_it_serves(arguments: list[str], site_url: str) -> None:
    # Issue 16: links in emails said :8000 whatever port `make run` served on.
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    dry_run = subprocess.run(  # noqa: S603 - make, with our own Makefile
        ["make", "-s", "-n", "-o", "setup", "run", *arguments],  # noqa: S607
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"SITE_URL={site_url} " in dry_run.stdout
