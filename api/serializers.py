"""What the API shows. Instances come from ``api.selectors`` only, so nothing here can reach another
organisation's rows; verified ratings and review comments appear only where the browser shows them
(``AssessmentAccess.can_see_verified``), and evidence is listed as metadata with the link to the
access-checked download page, never as a file."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments import workflow
from assessments.models import Answer, Organisation
from capability_model import scoring

from .selectors import AssessmentResult


class IndexField(serializers.FloatField):
    """An index (0.00–5.00) to two decimals, rounded as every page rounds it; null when not applicable."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value: float | None) -> float | None:
        return None if value is None else scoring.format_index(value)


class LevelField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, read_only=True, min_value=0, max_value=5, **kwargs)


class OrganisationSerializer(serializers.ModelSerializer):
    role = serializers.CharField(
        source="user_role",
        allow_null=True,
        read_only=True,
        help_text="The user's role in the organisation; null for its consultant.",
    )
    is_consultant = serializers.BooleanField(source="user_is_consultant", read_only=True)

    class Meta:
        model = Organisation
        fields = ("id", "name", "industry", "size", "created_at", "role", "is_consultant")
        read_only_fields = fields


class ItemScoreSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    level = LevelField()
    index = IndexField()


class DomainScoreSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    level = LevelField()
    index = IndexField()


class DomainScoreWithItemsSerializer(DomainScoreSerializer):
    items = ItemScoreSerializer(many=True, read_only=True)


class ScoreSerializer(serializers.Serializer):
    level = LevelField(help_text="Overall level: the lowest domain level (null: nothing applicable).")
    index = IndexField()
    domains = DomainScoreSerializer(many=True, read_only=True)


class DetailedScoreSerializer(ScoreSerializer):
    domains = DomainScoreWithItemsSerializer(many=True, read_only=True)


class ProgressSerializer(serializers.Serializer):
    answered = serializers.IntegerField(read_only=True)
    required = serializers.IntegerField(read_only=True, help_text="Criteria up to the target level.")
    percent = serializers.IntegerField(read_only=True)


class AssessmentSerializer(serializers.Serializer):
    score_serializer = ScoreSerializer

    id = serializers.IntegerField(source="assessment.pk", read_only=True)
    organisation = serializers.IntegerField(source="assessment.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="assessment.organisation.name", read_only=True)
    title = serializers.CharField(source="assessment.title", read_only=True)
    state = serializers.CharField(source="assessment.state", read_only=True)
    target_level = serializers.IntegerField(source="assessment.target_level", read_only=True)
    model_code = serializers.CharField(source="assessment.capability_model.code", read_only=True)
    model_version = serializers.IntegerField(source="assessment.capability_model.version", read_only=True)
    created_at = serializers.DateTimeField(source="assessment.created_at", read_only=True)
    updated_at = serializers.DateTimeField(source="assessment.updated_at", read_only=True)
    submitted_at = serializers.DateTimeField(source="assessment.submitted_at", read_only=True)
    decided_at = serializers.DateTimeField(source="assessment.decided_at", read_only=True)
    progress = ProgressSerializer(source="snapshot.progress", read_only=True)
    self_assessed = serializers.SerializerMethodField()
    verified = serializers.SerializerMethodField(
        help_text="The consultant's verified result: for the consultant during the review, for everyone "
        "once the review is decided; null before."
    )
    official = serializers.SerializerMethodField(help_text='"verified" once decided, else "self_assessed".')

    @extend_schema_field(ScoreSerializer)
    def get_self_assessed(self, result: AssessmentResult) -> Any:
        return self.score_serializer(result.snapshot.scores.self_score).data

    @extend_schema_field(ScoreSerializer(allow_null=True))
    def get_verified(self, result: AssessmentResult) -> Any:
        verified = result.snapshot.scores.verified_score
        if verified is None or not result.access.can_see_verified:
            return None
        return self.score_serializer(verified).data

    @extend_schema_field(serializers.ChoiceField(choices=["self_assessed", "verified"]))
    def get_official(self, result: AssessmentResult) -> str:
        decided = workflow.is_decided(result.access.state)
        return (
            "verified" if decided and result.snapshot.scores.verified_score is not None else "self_assessed"
        )


class AssessmentDetailSerializer(AssessmentSerializer):
    score_serializer = DetailedScoreSerializer

    @extend_schema_field(DetailedScoreSerializer)
    def get_self_assessed(self, result: AssessmentResult) -> Any:
        return super().get_self_assessed(result)

    @extend_schema_field(DetailedScoreSerializer(allow_null=True))
    def get_verified(self, result: AssessmentResult) -> Any:
        return super().get_verified(result)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    original_name = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)
    download_url = serializers.SerializerMethodField(
        help_text="The browser's download page, which checks access again (session sign-in)."
    )

    def get_download_url(self, evidence: Any) -> str:
        url = reverse("assessments:evidence_download", args=[evidence.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class AnswerSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code", read_only=True)
    item = serializers.CharField(source="criterion.item.code", read_only=True)
    domain = serializers.CharField(source="criterion.item.domain.code", read_only=True)
    level = serializers.IntegerField(source="criterion.level", read_only=True)
    verified_rating = serializers.SerializerMethodField()
    review_comment = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Answer
        fields = (
            "criterion", "item", "domain", "level", "rating", "comment", "justification", "flagged",
            "carried_over", "updated_at", "verified_rating", "review_comment", "evidence",
        )  # fmt: skip
        read_only_fields = fields

    def _visible(self) -> bool:
        return bool(self.context.get("can_see_verified"))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_verified_rating(self, answer: Answer) -> str | None:
        return answer.verified_rating if self._visible() else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_review_comment(self, answer: Answer) -> str | None:
        return answer.review_comment if self._visible() else None
