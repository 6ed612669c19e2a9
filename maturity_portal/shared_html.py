"""HTML rendered once and shared between users and sessions, with each session's CSRF token put in on the
way out.

A big page (the questionnaire: some 650 KB) costs far more to render than to serve, and what it shows is the
same for everyone with the same access until the data changes. Its forms need the session's CSRF token,
which must never be cached: ``render_shared`` renders a placeholder instead, and ``with_csrf_token`` puts
the requesting session's token in its place. The placeholder is derived from SECRET_KEY, so no text a user
types can stand for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar, cast

from django.core.cache import caches
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

T = TypeVar("T")


def shared(key: str, render: Callable[[], T]) -> T:
    """What the "pages" cache holds under ``key``, rendered and stored first when it holds nothing."""
    return cast(T, caches["pages"].get_or_set(key, render))  # render never answers None


@cache
def _csrf_placeholder() -> str:
    return "csrf-" + salted_hmac("maturity_portal.shared_html", "csrf-placeholder").hexdigest()


def render_shared(request: HttpRequest, template_name: str, context: Mapping[str, Any]) -> str:
    """The template rendered for caching: its ``{% csrf_token %}`` holds the placeholder, and the
    templates' indentation is taken out (``without_indentation``)."""
    return without_indentation(
        render_to_string(template_name, {**context, "csrf_token": _csrf_placeholder()}, request=request)
    )


# Elements whose text is shown (or submitted) as written: a user's comment in a <textarea> keeps its spaces.
_AS_WRITTEN = re.compile(r"(<textarea\b.*?</textarea>|<pre\b.*?</pre>)", re.DOTALL | re.IGNORECASE)
_INDENTATION = re.compile(r"\n\s+")


def without_indentation(html: str) -> str:
    """The HTML without the whitespace that starts its lines, except inside <textarea> and <pre>.

    A third of the questionnaire (some 200 of 650 KB) was the templates' indentation, sent with every
    page. Between tags and attributes a line break separates as well as any run of spaces, and text
    outside <textarea> and <pre> is shown with its whitespace collapsed, so the page reads the same.
    """
    parts = _AS_WRITTEN.split(html)
    for index in range(0, len(parts), 2):  # the even parts lie outside the kept elements
        parts[index] = _INDENTATION.sub("\n", parts[index])
    return "".join(parts)


def with_csrf_token(request: HttpRequest, html: str) -> SafeString:
    """Shared HTML with the requesting session's CSRF token in every form."""
    return mark_safe(html.replace(_csrf_placeholder(), get_token(request)))  # noqa: S308 - our own rendering
