"""The action plan and the readiness verdict of an assessment, as its assessment page shows them: through
``improvement.access`` (which asks ``assessments.access``), so another organisation's plan answers 404."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from improvement.access import action_plan_get_for_user
from improvement.models import Action, ActionStatus
from improvement.presentation import INDICATIVE
from improvement.readiness import BlockerKind, Outcome
from improvement.selectors import ActionFilters, action_list, readiness_for


class ActionSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    domain = serializers.CharField(source="item.domain.code", read_only=True)
    criteria = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    owner = serializers.CharField(source="owner.username", allow_null=True, default=None, read_only=True)

    class Meta:
        model = Action
        fields = (
            "id", "title", "domain", "item", "criteria", "phase", "effort", "owner", "owner_name",
            "due_date", "status", "priority", "notes", "carried_from", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = fields


class BlockerSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k.value for k in BlockerKind], read_only=True)
    criterion = serializers.CharField(allow_null=True, read_only=True)
    current = serializers.CharField(allow_null=True, read_only=True, help_text="The official rating.")
    required = serializers.CharField(allow_null=True, read_only=True)
    newest_evidence = serializers.DateField(allow_null=True, read_only=True)


class LevelVerdictSerializer(serializers.Serializer):
    level = serializers.IntegerField(read_only=True)
    outcome = serializers.ChoiceField(choices=[o.value for o in Outcome], read_only=True)
    blockers = BlockerSerializer(many=True, read_only=True)


class ReadinessSerializer(serializers.Serializer):
    indicative = serializers.CharField(read_only=True)
    target_level = serializers.IntegerField(read_only=True)
    levels = LevelVerdictSerializer(many=True, read_only=True)


class ActionListView(generics.GenericAPIView):
    """The assessment's action plan, foundations first (phase, then effort)."""

    serializer_class = ActionSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=ActionStatus.values),
            OpenApiParameter("domain", OpenApiTypes.STR, description="A domain code, e.g. SP."),
        ],
        responses=ActionSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = action_plan_get_for_user(user=request.user, pk=pk)
        status = request.query_params.get("status", "")
        if status and status not in ActionStatus.values:
            raise serializers.ValidationError({"status": [f"Unknown status: {status[:20]}."]})
        filters = ActionFilters(status=status, domain=request.query_params.get("domain", "")[:4])
        actions = action_list(
            assessment=plan.assessment_access.assessment, today=timezone.localdate(), filters=filters
        )
        page = self.paginate_queryset(actions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ReadinessView(generics.GenericAPIView):
    """The readiness verdict for every level (indicative only), as on the assessment page."""

    serializer_class = ReadinessSerializer

    def get(self, request: Request, pk: int) -> Response:
        access = action_plan_get_for_user(user=request.user, pk=pk).assessment_access
        assessment = access.assessment
        # On the ratings the reader may see: verified ones stay hidden from members until the decision.
        verdicts: Any = readiness_for(
            assessment=assessment, today=timezone.localdate(), with_verified=access.can_see_verified
        )
        data = {"indicative": str(INDICATIVE), "target_level": assessment.target_level, "levels": verdicts}
        return Response(self.get_serializer(data).data)
