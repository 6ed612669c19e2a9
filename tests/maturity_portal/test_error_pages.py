"""Error pages in the portal's layout and the reader's language; the favicon answers at its usual address."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from tests.assessments.conftest import Org, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(shipped_model: object) -> Org:
    return make_org("Alpha Contact Centre")


@pytest.mark.parametrize(("language", "title"), [("en", "Page not found"), ("zh-hans", "页面不存在")])
def test_not_found_in_the_layout_and_language(client: Client, org: Org, language: str, title: str) -> None:
    client.force_login(org.manager)
    response = client.get(reverse("assessments:detail", args=[999_999]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    html = response.content.decode()
    assert title in html
    assert 'class="navbar' in html  # the portal's layout, with its navigation
    assert reverse("home") in html


def _request() -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize(
    ("view", "exception", "status", "text"),
    [
        (defaults.bad_request, SuspiciousOperation(), 400, "请求无法处理"),
        (defaults.permission_denied, PermissionDenied(), 403, "无权执行此操作"),
    ],
)
def test_other_error_pages_are_translated(view: object, exception: Exception, status: int, text: str) -> None:
    with translation.override("zh-hans"):
        response = view(_request(), exception)  # type: ignore[operator]
    assert response.status_code == status
    assert text in response.content.decode()


def test_server_error_page_needs_no_request_context() -> None:
    with translation.override("zh-hans"):
        response = defaults.server_error(_request())
    assert response.status_code == 500
    assert "出现错误" in response.content.decode()


def test_favicon_ico_answers(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
