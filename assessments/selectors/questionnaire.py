"""One domain page of the questionnaire (and of the review, which shows the same rows), and what the
page updates after an autosave."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.http import Http404

from capability_model import scoring
from capability_model.models import CapabilityItem, Criterion, Domain, LevelDefinition

from .. import extensions
from ..extensions import RowPanel, row_panels
from ..models import Answer, Assessment, Evidence
from .scores import Progress, assessment_snapshot


def first_domain_code(*, assessment: Assessment) -> str:
    """The code of the model's first domain: where the questionnaire and the review open."""
    code: str | None = (
        Domain.objects.filter(capability_model_id=assessment.capability_model_id)
        .order_by("order", "code")
        .values_list("code", flat=True)
        .first()
    )
    if code is None:
        raise Http404
    return code


NO_PROGRESS = Progress(0, 0)
SHOW_FILTERS = ("all", "unanswered", "flagged", "changed")


def show_filter_known(show: str) -> bool:
    """One of the questionnaire's own filters, or one an app registered (``extensions``)."""
    return show in SHOW_FILTERS or extensions.criterion_filter(show) is not None


@dataclass(frozen=True, slots=True)
class CriterionRow:
    criterion: Criterion
    answer: Answer
    evidence: list[Evidence]
    optional: bool  # above the target level: may be answered, need not be
    # What the form shows: the stored answer, or what the user posted where it could not be saved.
    rating: str
    comment: str
    justification: str
    flagged: bool
    errors: list[str]
    # Names all the row shows that can change (see _criterion_row.html); "" when it shows posted values.
    cache_key: str = ""
    panels: tuple[RowPanel, ...] = ()  # what other apps show with the row (extensions.py), never cached


@dataclass(frozen=True, slots=True)
class LevelGroup:
    level: int
    name: str
    optional: bool
    rows: list[CriterionRow]


@dataclass(frozen=True, slots=True)
class ItemBlock:
    item: CapabilityItem
    score: scoring.ItemScore
    levels: list[LevelGroup]
    verified: scoring.ItemScore | None = None  # once a consultant has reviewed anything
    progress: Progress = NO_PROGRESS  # required criteria answered / required
    is_open: bool = True  # its criteria are on the page (the others are loaded when opened)
    carried: int = 0  # carried-over answers still to confirm

    @property
    def required_levels(self) -> list[LevelGroup]:
        return [group for group in self.levels if not group.optional]

    @property
    def optional_levels(self) -> list[LevelGroup]:
        return [group for group in self.levels if group.optional]


@dataclass(frozen=True, slots=True)
class DomainTab:
    domain: Domain
    progress: Progress
    score: scoring.DomainScore


@dataclass(frozen=True, slots=True)
class QuestionnairePage:
    assessment: Assessment
    domain: Domain
    tabs: list[DomainTab]
    items: list[ItemBlock]
    progress: Progress
    domain_progress: Progress
    overall: scoring.ModelScore
    verified_overall: scoring.ModelScore | None
    show: str
    open_code: str  # what ?open= named (an item or a criterion), or "" for the default
    unanswered_count: int
    flagged_count: int
    previous_domain: Domain | None
    next_domain: Domain | None

    @property
    def carried_count(self) -> int:
        return sum(block.carried for block in self.items)


def _row_cache_key(answer: Answer, evidence: list[Evidence], optional: bool) -> str:
    """The revision covers the organisation's fields, reviewed_at the consultant's, the ids the files.

    The criterion's texts need no part in it: an assessment's model version is locked.
    """
    reviewed = answer.reviewed_at.timestamp() if answer.reviewed_at else 0
    files = ",".join(str(e.pk) for e in evidence)
    return f"{answer.pk}.{answer.revision}.{reviewed}.{int(answer.carried_over)}.{int(optional)}.{files}"


def questionnaire_page(
    *,
    assessment: Assessment,
    domain_code: str,
    show: str = "all",
    posted: dict[str, dict[str, Any]] | None = None,
    errors: dict[str, list[str]] | None = None,
    with_verified: bool = True,
    open_code: str = "",
) -> QuestionnairePage:
    """Everything one domain page of the questionnaire shows, in a constant number of queries.

    ``posted`` and ``errors`` (by criterion code) come from a page save that could not store some
    answers: those answers show what the user typed, with the reason, so nothing typed is lost.
    Raises ``Http404`` for a domain code the assessment's model does not have.

    A long domain opens one item at a time: ``open_code`` names an item, a criterion (its item opens) or
    "all"; by default the first item with required criteria unanswered (or the first item) is open. With
    a filter (unanswered, flagged, changed) every item is open: the rows are few.
    """
    posted = posted or {}
    errors = errors or {}
    model = assessment.capability_model
    domains = list(Domain.objects.filter(capability_model=model).order_by("order", "code"))
    domain = next((d for d in domains if d.code == domain_code), None)
    if domain is None:
        raise Http404
    show = show if show_filter_known(show) else "all"
    registered = extensions.criterion_filter(show)
    kept = set(registered(assessment)) if registered else set()
    order = ("criterion__item__order", "criterion__item__code", "criterion__level", "criterion__order")
    # The outline of the whole domain (plain values: counts, the filters, which item opens); full rows are
    # built only for the items on the page, since a closed item's criteria are fetched when it is opened.
    outline = list(
        Answer.objects.filter(assessment=assessment, criterion__item__domain=domain)
        .order_by(*order)
        .values(
            "criterion__item_id", "criterion__code", "criterion__level", "rating", "flagged", "carried_over"
        )
    )
    item_ids = {row["criterion__item_id"] for row in outline}
    items = {
        item.pk: item for item in CapabilityItem.objects.filter(pk__in=item_ids).order_by("order", "code")
    }
    level_names = {lv.level: lv.name for lv in LevelDefinition.objects.filter(capability_model=model)}
    snapshot = assessment_snapshot(assessment=assessment)
    scores, overall, per_domain = snapshot.scores, snapshot.progress, snapshot.domain_progress
    if not with_verified:  # members see the consultant's ratings once the review is decided
        scores = replace(scores, verified_ratings=None, verified_score=None)

    counts: dict[int, list[int]] = {pk: [0, 0, 0] for pk in items}  # answered required, required, carried
    open_item = ""
    for row in outline:
        item_counts = counts[row["criterion__item_id"]]
        if row["criterion__level"] <= assessment.target_level:
            item_counts[1] += 1
            item_counts[0] += bool(row["rating"])
        item_counts[2] += row["carried_over"]
        if open_code in (row["criterion__code"], items[row["criterion__item_id"]].code):
            open_item = items[row["criterion__item_id"]].code
    if not open_item and items:
        first_gap = next((i for i in items.values() if counts[i.pk][0] < counts[i.pk][1]), None)
        open_item = (first_gap or next(iter(items.values()))).code
    everything = show != "all" or open_code == "all"
    open_ids = [pk for pk, item in items.items() if everything or item.code == open_item]

    def visible(answer: Answer) -> bool:
        if show == "unanswered":
            return not answer.rating
        if show == "flagged":
            return answer.flagged
        if show == "changed":  # the consultant's view: self ratings that differ from the verified ones
            return bool(answer.verified_rating) and answer.verified_rating != answer.rating
        if registered is not None:
            return answer.criterion.code in kept
        return True

    answers = list(
        Answer.objects.filter(assessment=assessment, criterion__item_id__in=open_ids)
        .select_related("criterion", "criterion__item", "updated_by")
        .prefetch_related("evidence")
        .order_by(*order)
    )
    panels = row_panels(assessment=assessment, criteria=[a.criterion for a in answers if visible(a)])
    blocks: dict[int, dict[int, list[CriterionRow]]] = {pk: {} for pk in items}
    for answer in answers:
        if visible(answer):
            item = answer.criterion.item
            values = posted.get(answer.criterion.code) or {}
            row_errors = errors.get(answer.criterion.code, [])
            evidence = list(answer.evidence.all())
            optional = answer.criterion.level > assessment.target_level
            blocks[item.pk].setdefault(answer.criterion.level, []).append(
                CriterionRow(
                    criterion=answer.criterion,
                    answer=answer,
                    evidence=evidence,
                    optional=optional,
                    rating=str(values.get("rating", answer.rating)),
                    comment=str(values.get("comment", answer.comment)),
                    justification=str(values.get("justification", answer.justification)),
                    flagged=bool(values.get("flagged", answer.flagged)),
                    errors=row_errors,
                    cache_key="" if values or row_errors else _row_cache_key(answer, evidence, optional),
                    panels=panels.get(answer.criterion_id, ()),
                )
            )
    item_blocks = [
        ItemBlock(
            item,
            scores.self_score.item(item.code),
            [
                LevelGroup(level, level_names.get(level, str(level)), level > assessment.target_level, rows)
                for level, rows in sorted(blocks[item.pk].items())
            ],
            scores.verified_score.item(item.code) if scores.verified_score else None,
            Progress(counts[item.pk][0], counts[item.pk][1]),
            everything or item.code == open_item,
            counts[item.pk][2],
        )
        for item in items.values()
    ]
    position = domains.index(domain)
    empty = Progress(0, 0)
    return QuestionnairePage(
        assessment=assessment,
        domain=domain,
        tabs=[DomainTab(d, per_domain.get(d.code, empty), scores.self_score.domain(d.code)) for d in domains],
        items=item_blocks,
        progress=overall,
        domain_progress=per_domain.get(domain.code, empty),
        overall=scores.self_score,
        verified_overall=scores.verified_score,
        show=show,
        open_code=open_code,
        unanswered_count=sum(1 for row in outline if not row["rating"]),
        flagged_count=sum(1 for row in outline if row["flagged"]),
        previous_domain=domains[position - 1] if position > 0 else None,
        next_domain=domains[position + 1] if position + 1 < len(domains) else None,
    )


def domain_exists(*, assessment: Assessment, domain_code: str) -> bool:
    if "\x00" in domain_code:  # no code holds one, and PostgreSQL refuses it even in a query
        return False
    return Domain.objects.filter(
        capability_model_id=assessment.capability_model_id, code=domain_code
    ).exists()


def criterion_domain_code(*, assessment: Assessment, criterion_code: str) -> str | None:
    if "\x00" in criterion_code:  # no code holds one, and PostgreSQL refuses it even in a query
        return None
    code: str | None = (
        Criterion.objects.filter(capability_model_id=assessment.capability_model_id, code=criterion_code)
        .values_list("item__domain__code", flat=True)
        .first()
    )
    return code


@dataclass(frozen=True, slots=True)
class AutosaveSummary:
    item: scoring.ItemScore
    domain: scoring.DomainScore
    overall: scoring.ModelScore
    progress: Progress
    domain_progress: Progress


def autosave_summary(*, assessment: Assessment, criterion_code: str) -> AutosaveSummary:
    """What the page updates after one answer is saved: live levels and progress (two queries)."""
    snapshot = assessment_snapshot(assessment=assessment)
    spec, result, per_domain = snapshot.scores.spec, snapshot.scores.self_score, snapshot.domain_progress
    item_code = spec.item_of[criterion_code]
    domain = next(d for d in result.domains if any(i.code == item_code for i in d.items))
    return AutosaveSummary(
        item=result.item(item_code),
        domain=domain,
        overall=result,
        progress=snapshot.progress,
        domain_progress=per_domain.get(domain.code, Progress(0, 0)),
    )


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    item_code: str
    item: scoring.ItemScore
    overall: scoring.ModelScore
    verified_item: scoring.ItemScore | None
    verified_overall: scoring.ModelScore | None


def review_summary(*, assessment: Assessment, criterion_code: str) -> ReviewSummary:
    """What the review page updates after one review is saved: the item's and the whole verified result."""
    scores = assessment_snapshot(assessment=assessment).scores
    item_code = scores.spec.item_of[criterion_code]
    verified = scores.verified_score
    return ReviewSummary(
        item_code=item_code,
        item=scores.self_score.item(item_code),
        overall=scores.self_score,
        verified_item=verified.item(item_code) if verified else None,
        verified_overall=verified,
    )


def item_progress(*, assessment: Assessment, item_code: str) -> Progress:
    """Required criteria of one item answered / required (the item's header after an autosave)."""
    answers = Answer.objects.filter(
        assessment=assessment,
        criterion__item__code=item_code,
        criterion__level__lte=assessment.target_level,
    )
    ratings = list(answers.values_list("rating", flat=True))
    return Progress(sum(1 for rating in ratings if rating), len(ratings))
