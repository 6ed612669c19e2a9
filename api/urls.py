"""``/api/v1/`` (read-only), the OpenAPI schema at ``/api/schema/`` and its browsable docs at ``/api/docs/``.

Every API response carries an ETag: a client that sends it back in ``If-None-Match`` gets 304 while nothing
changed (Django's ConditionalGetMiddleware, on these views only).
"""

from django.middleware.http import ConditionalGetMiddleware
from django.urls import path
from django.utils.decorators import decorator_from_middleware
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import benchmark_views, improvement_views, views

app_name = "api"
etag = decorator_from_middleware(ConditionalGetMiddleware)

urlpatterns = [
    path("v1/organisations/", etag(views.OrganisationListView.as_view()), name="organisation_list"),
    path(
        "v1/organisations/<int:pk>/", etag(views.OrganisationDetailView.as_view()), name="organisation_detail"
    ),
    path("v1/assessments/", etag(views.AssessmentListView.as_view()), name="assessment_list"),
    path("v1/assessments/<int:pk>/", etag(views.AssessmentDetailView.as_view()), name="assessment_detail"),
    path("v1/assessments/<int:pk>/answers/", etag(views.AnswerListView.as_view()), name="answer_list"),
    path(
        "v1/assessments/<int:pk>/actions/",
        etag(improvement_views.ActionListView.as_view()),
        name="action_list",
    ),
    path(
        "v1/assessments/<int:pk>/readiness/",
        etag(improvement_views.ReadinessView.as_view()),
        name="readiness",
    ),
    path(
        "v1/organisations/<int:pk>/benchmark/",
        etag(benchmark_views.BenchmarkView.as_view()),
        name="benchmark",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema_v1"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
