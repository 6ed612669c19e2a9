"""Rules for every request and response: no NUL characters in, no caching of private data out."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseBase

NUL_IN_REQUEST = "The request contains a NUL character."
PRIVATE_NO_STORE = "private, no-store"


class RefuseNulBytesMiddleware:
    """Answers 400 to a query string holding a NUL character (``/model/?code=%00``).

    No text the portal stores or looks up can contain one, and PostgreSQL refuses it in a query parameter
    with an error that would otherwise surface as a 500 wherever a view or the admin's changelist filters
    pass a query value to the database. Form fields already refuse it (Django's
    ``ProhibitNullCharactersValidator``); this covers what reaches lookups without a form. A NUL in the
    path is left to the views, whose URL patterns and lookups already answer it with a 404.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest(NUL_IN_REQUEST)
        return self.get_response(request)


class PrivateCacheControlMiddleware:
    """``Cache-Control: private, no-store`` on every response to a logged-in user.

    Every page, evidence download, PDF and workbook a signed-in person receives may hold an organisation's
    data, which no shared cache (a proxy, a CDN) and no browser cache on a shared machine may keep. Sits
    after the authentication middleware, so WhiteNoise's static files (answered before it) keep their
    long-lived public caching. Replaces whatever a view set (the admin's ``never_cache`` says the same in
    more words).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response
