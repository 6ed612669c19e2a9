"""Reads of respondents' answers: what a viewer may see of them, the spread, and the disputes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User

from assessments.models import Answer, Assessment
from capability_model.models import CapabilityItem, Criterion

from ..consolidation import Spread, spread
from ..models import Assignment, Panel, Response
from .parts import holders, panels, responses_by_criterion, scope_for


@dataclass(frozen=True, slots=True)
class ResponseView:
    response: Response
    name: str  # the respondent's name, or "Respondent n" for those who may not see names
    is_mine: bool


@dataclass(frozen=True, slots=True)
class CriterionResponses:
    criterion: Criterion
    answer: Answer
    mine: Response | None
    others: list[ResponseView]  # empty while blind and the viewer has not answered
    hidden: bool  # blind: the others' ratings are withheld until the viewer answers
    spread: Spread | None  # None while hidden
    is_respondent: bool

    @property
    def prefill(self) -> str:
        """The consolidation form's rating: the decided one, else the respondents' median."""
        suggestion = self.spread.suggestion if self.spread else None
        return self.answer.rating or (suggestion.value if suggestion else "")


@dataclass(frozen=True, slots=True)
class ItemResponses:
    item: CapabilityItem
    panel: Panel | None
    holder: Assignment | None
    rows: list[CriterionResponses] = field(default_factory=list)


def item_responses(
    *, assessment: Assessment, item_code: str, user: User, with_names: bool, respondent_label: str
) -> ItemResponses | None:
    """One item's criteria with the viewer's own response, the others' (as far as the viewer may see
    them), the spread and the consolidated answer. None for an item the model does not have."""
    item = CapabilityItem.objects.filter(
        domain__capability_model_id=assessment.capability_model_id, code=item_code
    ).first()
    if item is None:
        return None
    scope = scope_for(assessment=assessment)
    panel = panels(assessment=assessment, scope=scope).get(item.code)
    holder = holders(assessment=assessment, scope=scope).get(item.code)
    is_respondent = panel is not None and any(u.pk == user.pk for u in panel.respondents.all())
    answers = (
        Answer.objects.filter(assessment=assessment, criterion__item=item)
        .select_related("criterion", "updated_by")
        .order_by("criterion__level", "criterion__order")
    )
    by_criterion = responses_by_criterion(assessment)
    numbers: dict[int, int] = {}
    rows = []
    for answer in answers:
        responses = by_criterion.get(answer.criterion.code, [])
        mine = next((r for r in responses if r.respondent_id == user.pk), None)
        hidden = bool(panel and panel.blind and is_respondent and not (mine and mine.rating))
        others = []
        for response in responses:
            if response.respondent_id == user.pk or hidden:
                continue
            # The same person keeps the same number on the whole page; the viewer is never numbered.
            number = numbers.setdefault(response.respondent_id, len(numbers) + 1)
            name = response.respondent.get_username() if with_names else f"{respondent_label} {number}"
            others.append(ResponseView(response, name, is_mine=False))
        rows.append(
            CriterionResponses(
                answer.criterion,
                answer,
                mine,
                others,
                hidden,
                None if hidden else spread(r.rating for r in responses),
                is_respondent,
            )
        )
    return ItemResponses(item, panel, holder, rows)


def disputed_codes(*, assessment: Assessment) -> set[str]:
    """The criteria whose respondents disagree (the questionnaire's "disputed" filter)."""
    return {
        code
        for code, responses in responses_by_criterion(assessment).items()
        if spread(r.rating for r in responses).disputed
    }


def spreads_for(*, assessment: Assessment, domain_code: str = "") -> dict[str, tuple[Spread, list[Response]]]:
    """Criterion code -> its spread and responses, for criteria with at least one response."""
    result = {}
    for code, responses in responses_by_criterion(assessment).items():
        result[code] = (spread(r.rating for r in responses), responses)
    if domain_code:
        scope = scope_for(assessment=assessment)
        result = {
            c: v
            for c, v in result.items()
            if scope.domain_of.get(scope.item_of.get(c, ""), "") == domain_code
        }
    return result


def disputes_by_domain(*, assessment: Assessment) -> dict[str, int]:
    """Domain code -> how many of its criteria are disputed (the report's count)."""
    scope = scope_for(assessment=assessment)
    counts: dict[str, int] = dict.fromkeys(dict.fromkeys(scope.domain_of.values()), 0)
    for code in disputed_codes(assessment=assessment):
        item = scope.item_of.get(code)
        if item is not None:
            counts[scope.domain_of[item]] += 1
    return counts


def respondent_rows(*, assessment: Assessment, user: User) -> list[tuple[Criterion, Response | None]]:
    """The criteria the user answers in this assessment's panels, in model order, with their response."""
    scope = scope_for(assessment=assessment)
    covered = panels(assessment=assessment, scope=scope)
    items = {item for item, panel in covered.items() if any(u.pk == user.pk for u in panel.respondents.all())}
    if not items:
        return []
    criteria = (
        Criterion.objects.filter(capability_model_id=assessment.capability_model_id, item__code__in=items)
        .select_related("item")
        .order_by("item__domain__order", "item__order", "level", "order")
    )
    mine = {r.criterion_id: r for r in Response.objects.filter(assessment=assessment, respondent=user)}
    return [(criterion, mine.get(criterion.pk)) for criterion in criteria]
