"""Reads of the peer benchmark: the figures an organisation is shown, from the published snapshot only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, Q, Subquery

from assessments.models import Assessment, AssessmentState, ConsultantAssignment, Membership, Organisation
from assessments.selectors.scores import assessment_scores
from capability_model.models import CapabilityItem, CapabilityModel
from capability_model.selectors import model_spec_for_locked

from . import rules
from .models import PeerProfile, Snapshot, SnapshotCohort
from .services import values_of


@dataclass(frozen=True, slots=True)
class Row:
    code: str
    name: str
    is_domain: bool
    own: float | None
    figures: rules.Figures
    quartile: int | None


@dataclass(frozen=True, slots=True)
class PeerView:
    """What an organisation is shown: ``status`` is "shown", "not_opted_in", "no_snapshot" or
    "not_enough"; the rest is filled when shown."""

    status: str
    organisation: Organisation
    assessment: Assessment | None = None
    cohort: rules.CohortKey = ()
    peers: int = 0
    published_at: Any = None
    rows: tuple[Row, ...] = ()
    demo: bool = False
    step: float = 0.0

    @property
    def shown(self) -> bool:
        return self.status == "shown"

    @property
    def domains(self) -> list[Row]:
        return [row for row in self.rows if row.is_domain]

    @property
    def items(self) -> list[Row]:
        return [row for row in self.rows if not row.is_domain]

    @property
    def cohort_level(self) -> str:
        return self.cohort[0] if self.cohort else ""


def hidden_organisations(*, organisation: Organisation) -> set[int]:
    """The organisation and every organisation any of its members or consultants can see: none of them is
    ever in the figures shown about it (a consultant of five peers must not learn the sixth). One query."""
    people = Membership.objects.filter(organisation=organisation).values("user")
    consultants = ConsultantAssignment.objects.filter(organisation=organisation).values("consultant")
    as_members = Membership.objects.filter(Q(user__in=people) | Q(user__in=consultants)).values_list(
        "organisation", flat=True
    )
    as_consultants = ConsultantAssignment.objects.filter(
        Q(consultant__in=people) | Q(consultant__in=consultants)
    ).values_list("organisation", flat=True)
    return set(as_members.union(as_consultants)) | {organisation.pk}


def latest_approved(*, organisation: Organisation) -> Assessment | None:
    return (
        Assessment.objects.filter(organisation=organisation, state=AssessmentState.APPROVED)
        .select_related("capability_model")
        .order_by("-decided_at", "-pk")
        .first()
    )


def _spec_order(model: CapabilityModel) -> list[tuple[str, str, bool]]:
    """(code, name, is a domain) of every domain followed by its items, in the model's order. One query:
    the domains' names come with their items'."""
    names: dict[str, str] = {}
    for item in CapabilityItem.objects.filter(capability_model=model).select_related("domain"):
        names[item.code] = item.name
        names.setdefault(item.domain.code, item.domain.name)
    order: list[tuple[str, str, bool]] = []
    for domain in model_spec_for_locked(model=model).domains:
        order.append((domain.code, names.get(domain.code, domain.code), True))
        order.extend((item.code, names.get(item.code, item.code), False) for item in domain.items)
    return order


def peer_view(*, organisation: Organisation, assessment: Assessment | None = None) -> PeerView:
    """The benchmark of an organisation's assessment (by default its latest approved one) against the
    published snapshot of the assessment's model code, with the organisation's own quartiles."""
    # Queries are shaped for the dashboard, which shows one card per organisation: six per opted-in card
    # (profile with the demo flag, latest approval, the cohorts of the latest snapshot, the organisations
    # to leave out, the assessment's answers, the model's names).
    demo_present = PeerProfile.objects.filter(is_demo=True, opted_in=True)
    profile = (
        PeerProfile.objects.filter(organisation=organisation)
        .annotate(demo_present=Exists(demo_present))
        .first()
    )
    if profile is None or not profile.opted_in:
        return PeerView("not_opted_in", organisation)
    assessment = assessment or latest_approved(organisation=organisation)
    if assessment is None:
        return PeerView("no_snapshot", organisation)
    model = assessment.capability_model
    latest = Snapshot.objects.filter(model_code=model.code).values("pk")[:1]
    keys = ["|".join(k) for k in rules.cohort_keys(profile.industry, profile.size)]
    rows_of_cohorts = list(SnapshotCohort.objects.filter(snapshot=Subquery(latest), key__in=keys))
    if not rows_of_cohorts and not Snapshot.objects.filter(model_code=model.code).exists():
        return PeerView("no_snapshot", organisation, assessment)
    cohorts: dict[rules.CohortKey, list[rules.Member]] = {}
    published = {}
    for cohort in rows_of_cohorts:
        key = tuple(cohort.key.split("|"))
        cohorts[key] = [rules.Member(o, a, v) for o, a, v in cohort.members]
        published[key] = cohort.published_at
    shown = rules.choose(
        cohorts, profile.industry, profile.size, hidden_organisations(organisation=organisation)
    )
    if shown is None:
        return PeerView("not_enough", organisation, assessment)
    own = values_of(assessment_scores(assessment=assessment).official)
    rows = []
    for code, name, is_domain in _spec_order(model):
        dimension = f"{'D' if is_domain else 'I'}:{code}"
        figures = shown.figures.get(dimension)
        if figures is None:
            continue
        value = own.get(dimension)
        quartile = None if value is None else rules.quartile(value, figures)
        rows.append(Row(code, name, is_domain, value, figures, quartile))
    return PeerView(
        "shown",
        organisation,
        assessment,
        shown.cohort,
        shown.peers,
        published[shown.cohort],
        tuple(rows),
        demo=profile.demo_present,
        step=settings.BENCHMARK_ROUNDING,
    )
