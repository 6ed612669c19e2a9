"""An organisation's peer benchmark position, as its dashboard card shows it: through
``organisation_get_for_user`` (another organisation's answers 404) and ``benchmark.selectors.peer_view``,
which never puts the organisation itself, or any organisation its people can see, in the figures."""

from __future__ import annotations

from typing import Any

from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from assessments.access import organisation_get_for_user
from benchmark.selectors import peer_view


class BenchmarkRowSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    is_domain = serializers.BooleanField(read_only=True)
    own = serializers.FloatField(
        allow_null=True, read_only=True, help_text="The organisation's official index."
    )
    p25 = serializers.FloatField(source="figures.p25", read_only=True)
    median = serializers.FloatField(source="figures.median", read_only=True)
    p75 = serializers.FloatField(source="figures.p75", read_only=True)
    quartile = serializers.IntegerField(allow_null=True, read_only=True, help_text="1 (lowest) to 4.")


class BenchmarkSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["shown", "not_opted_in", "no_snapshot", "not_enough"], read_only=True
    )
    assessment = serializers.IntegerField(
        source="assessment.pk", allow_null=True, default=None, read_only=True
    )
    cohort = serializers.ListField(child=serializers.CharField(), read_only=True)
    peers = serializers.IntegerField(read_only=True)
    published_at = serializers.DateTimeField(allow_null=True, read_only=True)
    demo = serializers.BooleanField(read_only=True, help_text="The figures include demo organisations.")
    rows = BenchmarkRowSerializer(many=True, read_only=True)


class BenchmarkView(generics.GenericAPIView):
    """Where the organisation's latest approved assessment stands among its peers (opted-in organisations
    only; figures from the last published snapshot; ``status`` says why nothing is shown)."""

    serializer_class = BenchmarkSerializer

    def get(self, request: Request, pk: int) -> Response:
        access = organisation_get_for_user(user=request.user, pk=pk)
        view: Any = peer_view(organisation=access.organisation)
        return Response(self.get_serializer(view).data)
