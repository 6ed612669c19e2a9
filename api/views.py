"""The read API (``/api/v1/``): thin views over ``api.selectors``; every object through the access
functions, so another organisation's ids answer 404 exactly as in the browser."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.access import assessment_get_for_user, organisation_get_for_user, organisations_for_user
from assessments.models import AssessmentState, Organisation

from . import selectors
from .serializers import (
    AnswerSerializer,
    AssessmentDetailSerializer,
    AssessmentSerializer,
    OrganisationSerializer,
)


class AssessmentFilterSerializer(serializers.Serializer):
    """The query string of the assessment list; a bad value answers 400 naming it."""

    state = serializers.ListField(
        child=serializers.ChoiceField(choices=AssessmentState.values), required=False
    )
    organisation = serializers.IntegerField(min_value=1, required=False)
    created_after = serializers.DateField(required=False)
    created_before = serializers.DateField(required=False)
    updated_after = serializers.DateField(required=False)

    def to_internal_value(self, data: Any) -> Any:
        values = {
            key: data.get(key)
            for key in ("organisation", "created_after", "created_before", "updated_after")
            if data.get(key) not in (None, "")
        }
        states = [s for value in data.getlist("state") for s in value.split(",") if s]
        if states:
            values["state"] = states
        return super().to_internal_value(values)


ASSESSMENT_FILTERS = [
    OpenApiParameter(
        "state",
        OpenApiTypes.STR,
        many=True,
        enum=AssessmentState.values,
        description="One or more states (repeat the parameter, or separate with commas).",
    ),
    OpenApiParameter("organisation", OpenApiTypes.INT, description="An organisation's id."),
    OpenApiParameter("created_after", OpenApiTypes.DATE, description="Created on or after this day."),
    OpenApiParameter("created_before", OpenApiTypes.DATE, description="Created on or before this day."),
    OpenApiParameter("updated_after", OpenApiTypes.DATE, description="Changed on or after this day."),
]


class OrganisationListView(generics.ListAPIView):
    """The organisations the user belongs to or consults for, by name, with the user's role."""

    serializer_class = OrganisationSerializer

    def get_queryset(self) -> Any:
        return organisations_for_user(user=self.request.user)


class OrganisationDetailView(generics.RetrieveAPIView):
    serializer_class = OrganisationSerializer

    def get_object(self) -> Organisation:
        return organisation_get_for_user(user=self.request.user, pk=self.kwargs["pk"]).organisation


class AssessmentListView(generics.GenericAPIView):
    """The assessments of the user's organisations, newest first, with self-assessed and (where the user
    may see them) verified levels and indices per domain."""

    serializer_class = AssessmentSerializer

    @extend_schema(parameters=ASSESSMENT_FILTERS, responses=AssessmentSerializer(many=True))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = AssessmentFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = selectors.AssessmentFilters(
            states=query.validated_data.get("state", ()),
            organisation=query.validated_data.get("organisation"),
            created_after=query.validated_data.get("created_after"),
            created_before=query.validated_data.get("created_before"),
            updated_after=query.validated_data.get("updated_after"),
        )
        accesses = selectors.organisation_accesses_for_user(user=request.user)
        page = self.paginate_queryset(selectors.assessments_for_user(accesses=accesses, filters=filters))
        results = selectors.assessment_results(assessments=page or [], accesses=accesses)
        return self.get_paginated_response(self.get_serializer(results, many=True).data)


class AssessmentDetailView(generics.GenericAPIView):
    """One assessment with levels and indices per domain and item."""

    serializer_class = AssessmentDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        result = selectors.assessment_result_for_user(user=request.user, pk=pk)
        return Response(self.get_serializer(result).data)


class AnswerListView(generics.GenericAPIView):
    """An assessment's answers in the model's order, with evidence metadata."""

    serializer_class = AnswerSerializer

    @extend_schema(
        parameters=[OpenApiParameter("domain", OpenApiTypes.STR, description="A domain code, e.g. SP.")],
        responses=AnswerSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        access = assessment_get_for_user(user=request.user, pk=pk)
        domain = request.query_params.get("domain") or None
        page = self.paginate_queryset(selectors.answers_for_assessment(access=access, domain=domain))
        context = {**self.get_serializer_context(), "can_see_verified": access.can_see_verified}
        data = AnswerSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)
