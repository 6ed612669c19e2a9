"""Views that belong to no subject: the favicon browsers ask for at a fixed address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def favicon_view(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Resolved per request, not at import: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("favicon.svg"))
