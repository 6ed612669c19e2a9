"""Reads of assessments. ``assessment_scores`` is the adapter every page and report uses for levels."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page
from django.db import connection
from django.http import Http404

from capability_model import scoring
from capability_model.models import CapabilityItem, CapabilityModel, Criterion, Domain, LevelDefinition
from capability_model.selectors import criterion_keys_for_locked, model_spec_for_locked
from maturity_portal import sql

from . import workflow
from .access import (
    AssessmentAccess,
    OrganisationAccess,
    organisation_access_from_row,
    organisation_rows_for_user,
)
from .models import Answer, Assessment, ConsultantAssignment, Evidence, Membership, Organisation


@dataclass(frozen=True, slots=True)
class AssessmentScores:
    """Self-assessed and (once a consultant has reviewed anything) verified results of one assessment."""

    spec: scoring.ModelSpec
    self_ratings: dict[str, scoring.Rating]
    self_score: scoring.ModelScore
    verified_ratings: dict[str, scoring.Rating] | None
    verified_score: scoring.ModelScore | None

    @property
    def official(self) -> scoring.ModelScore:
        """Once reviewed, the verified result is the official one (DESIGN.md §2)."""
        return self.verified_score or self.self_score


# By value: a dictionary lookup, where calling the enum costs ten times as much on every row of every page.
_RATINGS = {rating.value: rating for rating in scoring.Rating}


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int
    required: int

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else round(100 * self.answered / self.required)

    @property
    def complete(self) -> bool:
        return self.answered >= self.required


@dataclass(frozen=True, slots=True)
class SubmissionProblem:
    criterion_code: str
    domain_code: str
    problem: str  # "unanswered" or "na_unjustified"


# Answers in the order the model presents its criteria: domain, item, level, then the criterion's place.
ANSWER_MODEL_ORDER = (
    "criterion__item__domain__order",
    "criterion__item__order",
    "criterion__item__code",
    "criterion__level",
    "criterion__order",
)

# One row per answer, as every summary needs it: (criterion code, domain code, level, rating,
# verified rating).
AnswerRow = tuple[str, str, int, str, str]
_ANSWER_ROW_FIELDS = (
    "criterion__code",
    "criterion__item__domain__code",
    "criterion__level",
    "rating",
    "verified_rating",
)


def answer_row(answer: Answer) -> AnswerRow:
    """The same row from an answer already loaded with its criterion, item and domain."""
    criterion = answer.criterion
    return (
        criterion.code,
        criterion.item.domain.code,
        criterion.level,
        answer.rating,
        answer.verified_rating,
    )


def _answer_rows(assessment: Assessment) -> list[AnswerRow]:
    """``values_list(*_ANSWER_ROW_FIELDS)`` of the assessment's answers (a test holds the two to the same
    rows). Every assessment page and every autosave reads them: in SQL, as the ORM took four times as long
    to compile the query as to run it (``maturity_portal.sql``), and without joining the model's tables,
    whose codes and levels of a locked version are read once per process."""
    keys = criterion_keys_for_locked(model=assessment.capability_model)
    return [
        (*keys[criterion_id], rating, verified_rating)
        for criterion_id, rating, verified_rating in sql.fetchall(
            _answer_rows_statement(connection.vendor), [assessment.pk]
        )
    ]


@functools.cache
def _answer_rows_statement(vendor: str) -> str:
    columns = ", ".join(sql.column(Answer, name) for name in ("criterion", "rating", "verified_rating"))
    return f"SELECT {columns} FROM {sql.table(Answer)} WHERE {sql.column(Answer, 'assessment')} = %s"  # noqa: S608


@dataclass(frozen=True, slots=True)
class AssessmentSnapshot:
    """Scores and progress of one assessment, derived from one read of its answers."""

    scores: AssessmentScores
    progress: Progress
    domain_progress: dict[str, Progress]


def snapshot_from_rows(
    spec: scoring.ModelSpec, rows: list[AnswerRow], target_level: int
) -> AssessmentSnapshot:
    """Scores and progress in one pass over the rows (every page and autosave runs it).

    Self and verified ratings: the verified set is None before any review, and a criterion the consultant
    left without a verified rating keeps its self rating there (leaving it is accepting it). Progress:
    answered / required, overall and per domain, where required are the criteria up to the target level.
    """
    self_ratings: dict[str, scoring.Rating] = {}
    verified_only: dict[str, scoring.Rating] = {}
    totals: dict[str, list[int]] = {}
    for code, domain, level, rating, verified_rating in rows:
        if rating:
            self_ratings[code] = _RATINGS[rating]
        if verified_rating:
            verified_only[code] = _RATINGS[verified_rating]
        if level <= target_level:
            counts = totals.get(domain)
            if counts is None:
                counts = totals[domain] = [0, 0]
            counts[1] += 1
            if rating:
                counts[0] += 1
    verified = {**self_ratings, **verified_only} if verified_only else None
    per_domain = {domain: Progress(answered, required) for domain, (answered, required) in totals.items()}
    overall = Progress(sum(a for a, _ in totals.values()), sum(r for _, r in totals.values()))
    scores = AssessmentScores(
        spec=spec,
        self_ratings=self_ratings,
        self_score=scoring.score(spec, self_ratings),
        verified_ratings=verified,
        verified_score=None if verified is None else scoring.score(spec, verified),
    )
    return AssessmentSnapshot(scores, overall, per_domain)


def assessment_snapshot(*, assessment: Assessment) -> AssessmentSnapshot:
    """Levels, indices and progress of an assessment, from its own model version; one query (plus two
    the first time a process meets the version: ``model_spec_for_locked`` caches its spec)."""
    spec = model_spec_for_locked(model=assessment.capability_model)
    return snapshot_from_rows(spec, _answer_rows(assessment), assessment.target_level)


def assessment_scores(*, assessment: Assessment) -> AssessmentScores:
    """Self-assessed and verified levels and indices; one query whatever the assessment's size."""
    return assessment_snapshot(assessment=assessment).scores


def submission_problems(*, assessment: Assessment) -> list[SubmissionProblem]:
    """What stands between the assessment and submission, in model order (one query)."""
    problems = []
    rows = (
        Answer.objects.filter(assessment=assessment)
        .order_by(*ANSWER_MODEL_ORDER)
        .values_list(
            "criterion__code", "criterion__item__domain__code", "criterion__level", "rating", "justification"
        )
    )
    for code, domain, level, rating, justification in rows:
        if rating == "NA" and not justification.strip():
            problems.append(SubmissionProblem(code, domain, "na_unjustified"))
        elif not rating and level <= assessment.target_level:
            problems.append(SubmissionProblem(code, domain, "unanswered"))
    return problems


SHOW_FILTERS = ("all", "unanswered", "flagged", "changed")


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
    unanswered_count: int
    flagged_count: int
    previous_domain: Domain | None
    next_domain: Domain | None


def _row_cache_key(answer: Answer, evidence: list[Evidence], optional: bool) -> str:
    """The revision covers the organisation's fields, reviewed_at the consultant's, the ids the files.

    The criterion's texts need no part in it: an assessment's model version is locked.
    """
    reviewed = answer.reviewed_at.timestamp() if answer.reviewed_at else 0
    files = ",".join(str(e.pk) for e in evidence)
    return f"{answer.pk}.{answer.revision}.{reviewed}.{int(answer.carried_over)}.{int(optional)}.{files}"


def questionnaire_cache_key(*, access: AssessmentAccess, domain_code: str, show: str, language: str) -> str:
    """Names everything a domain page shows: the assessment's revision (its answers, reviews, evidence) and
    ``updated_at`` (its own fields), the page, the language and whether the user may edit. The model version
    is locked, so its texts need no part."""
    assessment = access.assessment
    parts = (
        assessment.pk,
        assessment.revision,
        assessment.updated_at.isoformat(),
        domain_code,
        show if show in SHOW_FILTERS else "all",
        language,
        access.can_edit,
    )
    return "questionnaire:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def questionnaire_page(
    *,
    assessment: Assessment,
    domain_code: str,
    show: str = "all",
    posted: dict[str, dict[str, Any]] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> QuestionnairePage:
    """Everything one domain page of the questionnaire shows, in a constant number of queries.

    ``posted`` and ``errors`` (by criterion code) come from a page save that could not store some
    answers: those answers show what the user typed, with the reason, so nothing typed is lost.
    Raises ``Http404`` for a domain code the assessment's model does not have.
    """
    posted = posted or {}
    errors = errors or {}
    model = assessment.capability_model
    domains = list(Domain.objects.filter(capability_model=model).order_by("order", "code"))
    domain = next((d for d in domains if d.code == domain_code), None)
    if domain is None:
        raise Http404
    show = show if show in SHOW_FILTERS else "all"
    answers = list(
        Answer.objects.filter(assessment=assessment, criterion__item__domain=domain)
        .select_related("criterion", "criterion__item", "updated_by")
        .prefetch_related("evidence")
        .order_by("criterion__item__order", "criterion__item__code", "criterion__level", "criterion__order")
    )
    level_names = {lv.level: lv.name for lv in LevelDefinition.objects.filter(capability_model=model)}
    snapshot = assessment_snapshot(assessment=assessment)
    scores, overall, per_domain = snapshot.scores, snapshot.progress, snapshot.domain_progress

    def visible(answer: Answer) -> bool:
        if show == "unanswered":
            return not answer.rating
        if show == "flagged":
            return answer.flagged
        if show == "changed":  # the consultant's view: self ratings that differ from the verified ones
            return bool(answer.verified_rating) and answer.verified_rating != answer.rating
        return True

    blocks: dict[int, dict[int, list[CriterionRow]]] = {}
    items: dict[int, CapabilityItem] = {}
    for answer in answers:
        item = answer.criterion.item
        items.setdefault(item.pk, item)
        blocks.setdefault(item.pk, {})
        if visible(answer):
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
        unanswered_count=sum(1 for a in answers if not a.rating),
        flagged_count=sum(1 for a in answers if a.flagged),
        previous_domain=domains[position - 1] if position > 0 else None,
        next_domain=domains[position + 1] if position + 1 < len(domains) else None,
    )


@dataclass(frozen=True, slots=True)
class DashboardRow:
    assessment: Assessment
    progress: Progress
    score: scoring.ModelScore  # the official result, overall and per domain (without items)


def _headline(score: scoring.ModelScore) -> scoring.ModelScore:
    """The overall and domain levels without the items: what a row shows, a tenth of the size to cache."""
    return scoring.ModelScore(
        score.level,
        score.index,
        tuple(scoring.DomainScore(d.code, d.level, d.index, ()) for d in score.domains),
    )


def _dashboard_rows(assessments: list[Assessment]) -> list[DashboardRow]:
    """Progress and official levels per assessment, from the cache where the answers have not changed.

    A consultant's page of twenty assessments would otherwise read and score some 5,000 answers on every
    visit; with the cache it reads none: the assessment's revision names the state of its answers.
    """
    if not assessments:
        return []
    keys = {
        a.pk: (
            f"dashboard-row:{a.pk}:{a.capability_model_id}:{a.target_level}:{a.revision}:"
            f"{a.updated_at.timestamp()}"
        )
        for a in assessments
    }
    cached: dict[str, tuple[Progress, scoring.ModelScore]] = cache.get_many(list(keys.values()))
    missing = [a for a in assessments if keys[a.pk] not in cached]
    if missing:
        models = CapabilityModel.objects.in_bulk({a.capability_model_id for a in missing})
        specs = {pk: model_spec_for_locked(model=model) for pk, model in models.items()}
        rows_by_assessment: dict[int, list[AnswerRow]] = {a.pk: [] for a in missing}
        for assessment_id, *row in Answer.objects.filter(assessment__in=missing).values_list(
            "assessment_id", *_ANSWER_ROW_FIELDS
        ):
            rows_by_assessment[assessment_id].append(tuple(row))
        fresh = {}
        for assessment in missing:
            spec = specs[assessment.capability_model_id]
            snapshot = snapshot_from_rows(spec, rows_by_assessment[assessment.pk], assessment.target_level)
            fresh[keys[assessment.pk]] = (snapshot.progress, _headline(snapshot.scores.official))
        cache.set_many(fresh, timeout=DASHBOARD_CACHE_SECONDS)
        cached.update(fresh)
    return [DashboardRow(a, *cached[keys[a.pk]]) for a in assessments]


DASHBOARD_CACHE_SECONDS = 7 * 24 * 60 * 60
DASHBOARD_REVIEW_PER_PAGE = 10  # the oldest; the review queue page lists them all
DASHBOARD_ORGANISATIONS_PER_PAGE = 10
REVIEW_QUEUE_PER_PAGE = 50


def _awaiting_review(user: Any) -> sql.SQLRows:
    """The assessments awaiting the consultant's review (submitted or in review), oldest first: each row
    the assessment's columns, then its organisation's."""
    select, count = _awaiting_review_statements(connection.vendor)
    states = sorted(s.value for s in workflow.AWAITING_REVIEW)
    return sql.SQLRows(select, (user.pk, *states), count, (user.pk, *states))


@functools.cache
def _awaiting_review_statements(vendor: str) -> tuple[str, str]:
    states = ", ".join("%s" for _ in workflow.AWAITING_REVIEW)
    tables = (
        f"FROM {sql.table(Assessment)} a "  # noqa: S608 - names from the models
        f"JOIN {sql.table(Organisation)} o "
        f"ON {sql.column(Organisation, 'id', 'o')} = {sql.column(Assessment, 'organisation', 'a')} "
        f"WHERE {sql.column(Assessment, 'organisation', 'a')} IN ("
        f"SELECT {sql.column(ConsultantAssignment, 'organisation')} FROM {sql.table(ConsultantAssignment)} "
        f"WHERE {sql.column(ConsultantAssignment, 'consultant')} = %s) "
        f"AND {sql.column(Assessment, 'state', 'a')} IN ({states})"
    )
    select = (
        f"SELECT {sql.model_columns(Assessment, 'a').select}, {sql.model_columns(Organisation, 'o').select} "
        f"{tables} ORDER BY {sql.column(Assessment, 'submitted_at', 'a')}, "
        f"{sql.column(Assessment, 'created_at', 'a')}, {sql.column(Assessment, 'id', 'a')}"
    )
    return select, f"SELECT COUNT(*) {tables}"


def _assessment_from_row(row: tuple[Any, ...], organisation: Organisation | None = None) -> Assessment:
    """An assessment from its columns, with its organisation from the columns after them (or as given)."""
    columns = sql.model_columns(Assessment, "a")
    assessment: Assessment = columns.instance(row)
    if organisation is None:
        organisation = sql.model_columns(Organisation, "o").instance(row, len(columns.attnames))
    Assessment.organisation.field.set_cached_value(assessment, organisation)
    return assessment


def _review_rows(page: Page[Any]) -> Page[DashboardRow]:
    """A page of ``_awaiting_review`` rows as dashboard rows: only the page's assessments are scored."""
    page.object_list = _dashboard_rows([_assessment_from_row(row) for row in page.object_list])
    return page


def review_queue_page(*, user: Any, page: Any = None) -> Page[DashboardRow]:
    """One page of the assessments awaiting the consultant's review (submitted or in review), oldest first;
    constant queries whatever its length."""
    return _review_rows(sql.paginate(_awaiting_review(user), REVIEW_QUEUE_PER_PAGE, page))


@dataclass(frozen=True, slots=True)
class OrganisationSection:
    access: OrganisationAccess
    rows: list[DashboardRow]


@dataclass(frozen=True, slots=True)
class Dashboard:
    review: Page[DashboardRow]  # assessments awaiting the user's review (consultants), oldest first
    organisations: Page[OrganisationSection]  # the user's organisations by name, newest assessments first


@dataclass(frozen=True, slots=True)
class DashboardRead:
    """What the dashboard shows, as read from the tables: rows of columns, not yet instances or scores.

    Reading it is cheap (SQL, no models built), and it names everything the page shows, so the page can
    be looked up by it (``dashboard_cache_key``) and only built (``dashboard_build``) when not cached.
    """

    review: Page[Any]  # rows of _awaiting_review
    organisations: Page[Any]  # rows of organisation_rows_for_user
    assessments: list[tuple[Any, ...]]  # the columns of the assessments of those organisations, newest first


def dashboard_read(*, user: Any, review_page: Any = None, page: Any = None) -> DashboardRead:
    """The dashboard's rows, paginated twice: the review rows, and the organisations with their
    assessments; a constant number of statements whatever the number of assessments."""
    organisations = sql.paginate(
        organisation_rows_for_user(user=user), DASHBOARD_ORGANISATIONS_PER_PAGE, page
    )
    organisation_ids = [row[0] for row in organisations.object_list]
    assessments = (
        sql.fetchall(_assessments_of_statement(connection.vendor, len(organisation_ids)), organisation_ids)
        if organisation_ids
        else []
    )
    review = sql.paginate(_awaiting_review(user), DASHBOARD_REVIEW_PER_PAGE, review_page)
    return DashboardRead(review=review, organisations=organisations, assessments=assessments)


@functools.cache
def _assessments_of_statement(vendor: str, organisations: int) -> str:
    placeholders = ", ".join("%s" for _ in range(organisations))
    return (
        f"SELECT {sql.model_columns(Assessment, 'a').select} FROM {sql.table(Assessment)} a "  # noqa: S608 - names from the models
        f"WHERE {sql.column(Assessment, 'organisation', 'a')} IN ({placeholders}) "
        f"ORDER BY {sql.column(Assessment, 'created_at', 'a')} DESC"
    )


def dashboard_cache_key(*, read: DashboardRead, language: str, query: str) -> str:
    """Names everything the dashboard shows, in the language, with the query string its page links keep:
    equal keys render equal pages, whoever asks. The rows hold every column of the organisations and
    assessments shown, the user's role and assignment, and each assessment's revision and updated_at,
    which name the state of its answers (and so its progress and levels, as ``_dashboard_rows``)."""
    shown = (
        language,
        query,
        _page_shown(read.review),
        list(read.review.object_list),
        _page_shown(read.organisations),
        list(read.organisations.object_list),
        read.assessments,
    )
    return "dashboard:" + hashlib.sha256(repr(shown).encode()).hexdigest()


def _page_shown(page: Page[Any]) -> tuple[int, int, int]:
    return (page.number, page.paginator.num_pages, page.paginator.count)


def dashboard_build(*, read: DashboardRead) -> Dashboard:
    """The dashboard's models and scores from what ``dashboard_read`` read (no query for them, so the page
    shows exactly what its key names; the rows' scores come from their cache where the answers did not
    change)."""
    accesses = [organisation_access_from_row(row) for row in read.organisations.object_list]
    by_id = {access.organisation.pk: access.organisation for access in accesses}
    organisation_id = sql.model_columns(Assessment, "a").attnames.index("organisation_id")
    rows = _dashboard_rows(
        [_assessment_from_row(row, by_id[row[organisation_id]]) for row in read.assessments]
    )
    sections = [
        OrganisationSection(
            access, [r for r in rows if r.assessment.organisation_id == access.organisation.pk]
        )
        for access in accesses
    ]
    return Dashboard(
        review=_review_rows(Page(list(read.review.object_list), read.review.number, read.review.paginator)),
        organisations=Page(sections, read.organisations.number, read.organisations.paginator),
    )


def membership_list(*, organisation: Organisation) -> list[Membership]:
    return list(organisation.memberships.select_related("user").order_by("role", "user__username"))


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


def assessment_overview(*, assessment: Assessment) -> dict[str, Any]:
    """The assessment's summary page: levels per domain and item, progress, what blocks submission."""
    snapshot = assessment_snapshot(assessment=assessment)
    scores, overall, per_domain = snapshot.scores, snapshot.progress, snapshot.domain_progress
    domains = list(
        Domain.objects.filter(capability_model_id=assessment.capability_model_id)
        .prefetch_related("items")
        .order_by("order", "code")
    )
    items_by_domain = {
        d.code: [
            (
                item,
                scores.self_score.item(item.code),
                scores.verified_score.item(item.code) if scores.verified_score else None,
            )
            for item in sorted(d.items.all(), key=lambda i: i.order)
        ]
        for d in domains
    }
    problems = (
        submission_problems(assessment=assessment)
        if workflow.is_editable_by_organisation(assessment.state)
        else []
    )
    return {
        "scores": scores,
        "progress": overall,
        "domains": [
            {
                "domain": d,
                "progress": per_domain.get(d.code, Progress(0, 0)),
                "score": scores.self_score.domain(d.code),
                "verified": scores.verified_score.domain(d.code) if scores.verified_score else None,
                "items": items_by_domain[d.code],
            }
            for d in domains
        ],
        "problems": problems,
        "problems_by_domain": [
            (d, [p for p in problems if p.domain_code == d.code])
            for d in domains
            if any(p.domain_code == d.code for p in problems)
        ],
    }


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    when: Any
    who: str
    what: str  # "assessment", "answer" or "evidence"
    subject: str  # criterion code or file name
    action: str  # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, str, str]]  # (field, old, new)


_HISTORY_FIELDS = {
    "assessment": ("state", "title", "target_level", "scope", "return_reason", "approval_note"),
    "answer": ("rating", "comment", "justification", "flagged", "verified_rating", "review_comment"),
    "evidence": ("original_name",),
}


_HISTORY_MODELS: dict[str, Any] = {"assessment": Assessment, "answer": Answer, "evidence": Evidence}


def _field_label(kind: str, name: str) -> str:
    return str(_HISTORY_MODELS[kind]._meta.get_field(name).verbose_name)


def _shown(kind: str, name: str, row: Any) -> str:
    """A field's value as people read it: the label of a choice, not its stored code."""
    if row is None:
        return ""
    value = getattr(row, name)
    choices = dict(_HISTORY_MODELS[kind]._meta.get_field(name).flatchoices)
    return str(choices.get(value, value)) if value not in ("", None) else ""


def assessment_history(*, assessment: Assessment, limit: int = 500) -> list[HistoryEntry]:
    """Who changed what and when: the assessment, its answers and its evidence, newest first.

    Each history row is compared with the previous row of the same object (one query per kind), so
    the page lists field changes, not raw snapshots.
    """
    sources = {
        "assessment": Assessment.history.filter(id=assessment.pk),
        "answer": Answer.history.filter(assessment_id=assessment.pk).select_related("criterion"),
        "evidence": Evidence.history.filter(answer__assessment_id=assessment.pk),
    }
    entries: list[HistoryEntry] = []
    for kind, queryset in sources.items():
        rows = list(queryset.select_related("history_user").order_by("id", "history_date", "history_id"))
        previous: dict[int, Any] = {}
        for row in rows:
            before = previous.get(row.id)
            fields = _HISTORY_FIELDS[kind]
            changes = [
                (_field_label(kind, name), _shown(kind, name, before), _shown(kind, name, row))
                for name in fields
                if (before is None and getattr(row, name) not in ("", None, False))
                or (before is not None and getattr(before, name) != getattr(row, name))
            ]
            previous[row.id] = row
            if kind == "answer" and row.history_type == "+" and not changes:
                continue  # the empty answers created with the assessment say nothing
            subject = (
                row.criterion.code if kind == "answer" else (row.original_name if kind == "evidence" else "")
            )
            # The account may be gone (history_user is then NULL); the row kept its name.
            who = row.history_user.get_username() if row.history_user else (row.history_username or "—")
            entries.append(HistoryEntry(row.history_date, who, kind, subject, row.history_type, changes))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
