"""Writes of the peer benchmark: an organisation's profile and opt-in, and the daily snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from assessments.access import OrganisationAccess
from assessments.models import Assessment, AssessmentState
from assessments.selectors.scores import answer_rows_for, snapshot_from_rows
from capability_model import scoring
from capability_model.models import CapabilityModel
from capability_model.selectors import model_spec_for_locked

from . import rules
from .models import PeerProfile, Snapshot, SnapshotCohort

BATCH = 500  # assessments scored per query: bounded memory for any number of organisations
KEEP_SNAPSHOTS = 7  # per model code; the latest is the published one


class ProfileError(ValueError):
    """A profile change the user may not make; the message is shown."""


def profile_get_or_init(*, organisation_access: OrganisationAccess) -> PeerProfile:
    """The organisation's profile, initialised (not saved) from the organisation's industry and size."""
    organisation = organisation_access.organisation
    profile = PeerProfile.objects.filter(organisation=organisation).first()
    return profile or PeerProfile(
        organisation=organisation, industry=organisation.industry, size=organisation.size
    )


def profile_save(
    *,
    organisation_access: OrganisationAccess,
    user: AbstractBaseUser,
    industry: str,
    size: str,
    opted_in: bool,
) -> PeerProfile:
    """Saves the profile; only the organisation's manager may. Opting out takes the organisation out of
    the next snapshot (``rules.stabilise`` removes withdrawn organisations at once)."""
    if not organisation_access.is_manager:
        raise ProfileError("Only the organisation's manager can change its peer benchmark settings.")
    with transaction.atomic():
        profile = profile_get_or_init(organisation_access=organisation_access)
        if opted_in and not profile.opted_in:
            profile.opted_in_at, profile.opted_in_by = timezone.now(), user  # type: ignore[assignment]
        elif not opted_in:
            profile.opted_in_at, profile.opted_in_by = None, None
        profile.industry, profile.size, profile.opted_in = industry, size, opted_in
        profile.save()
    return profile


def values_of(score: scoring.ModelScore) -> dict[str, float]:
    """The benchmark's dimensions of one result: each applicable domain's and item's index."""
    values: dict[str, float] = {}
    for domain in score.domains:
        if domain.index is not None:
            values[f"D:{domain.code}"] = domain.index
        for item in domain.items:
            if item.index is not None:
                values[f"I:{item.code}"] = item.index
    return values


def _counted(now: datetime) -> Iterator[tuple[str, str, str, rules.Member]]:
    """(model code, industry, size band, member) of every opted-in organisation's latest approved assessment
    of each model code within the window: one query for the selection, one per batch for the answers."""
    start = rules.window_start(now)
    approved = Assessment.objects.filter(state=AssessmentState.APPROVED, decided_at__gte=start)
    latest = approved.filter(
        organisation=OuterRef("organisation"), capability_model__code=OuterRef("capability_model__code")
    ).order_by("-decided_at", "-pk")
    chosen = list(
        approved.filter(organisation__peer_profile__opted_in=True, pk=Subquery(latest.values("pk")[:1]))
        .order_by("pk")
        .values_list(
            "pk",
            "organisation_id",
            "capability_model_id",
            "target_level",
            "organisation__peer_profile__industry",
            "organisation__peer_profile__size",
        )
    )
    models = {m.pk: m for m in CapabilityModel.objects.filter(pk__in={row[2] for row in chosen})}
    for start_at in range(0, len(chosen), BATCH):
        batch = chosen[start_at : start_at + BATCH]
        rows = answer_rows_for(row[0] for row in batch)
        for pk, organisation_id, model_id, target, industry, size in batch:
            model = models[model_id]
            result = snapshot_from_rows(model_spec_for_locked(model=model), rows[pk], target).scores.official
            yield model.code, industry, size, rules.Member(organisation_id, pk, values_of(result))


def _members(raw: list[list[object]]) -> list[rules.Member]:
    return [rules.Member(int(o), int(a), v) for o, a, v in raw]  # type: ignore[call-overload,arg-type]


def _key(key: rules.CohortKey) -> str:
    return "|".join(key)


def snapshot_compute(*, now: datetime | None = None) -> list[Snapshot]:
    """Computes and publishes today's snapshot of every model code (the daily job)."""
    now = now or timezone.now()
    by_code: dict[str, list[tuple[str, str, rules.Member]]] = {}
    for code, industry, size, member in _counted(now):
        by_code.setdefault(code, []).append((industry, size, member))
    codes = set(by_code) | set(Snapshot.objects.values_list("model_code", flat=True).distinct())
    made = []
    for code in sorted(codes):
        counted = by_code.get(code, [])
        fresh = {_key(k): v for k, v in rules.group(counted).items()}
        eligible = {member.organisation_id for _i, _s, member in counted}
        previous = Snapshot.objects.filter(model_code=code).first()
        published = (
            {c.key: c for c in previous.cohorts.all()}
            if previous is not None
            else dict[str, SnapshotCohort]()
        )
        with transaction.atomic():
            snapshot = Snapshot.objects.create(model_code=code, computed_at=now, organisations=len(eligible))
            cohorts = []
            for key in sorted(set(fresh) | set(published)):
                old = published.get(key)
                old_members = _members(old.members) if old is not None else None
                withdrawn = {m.organisation_id for m in old_members or ()} - eligible
                members, is_fresh = rules.stabilise(old_members, fresh.get(key, []), withdrawn)
                if members:
                    cohorts.append(
                        SnapshotCohort(
                            snapshot=snapshot,
                            key=key,
                            members=[[m.organisation_id, m.assessment_id, dict(m.values)] for m in members],
                            fresh=is_fresh,
                            published_at=now if is_fresh or old is None else old.published_at,
                        )
                    )
            SnapshotCohort.objects.bulk_create(cohorts)
            stale = Snapshot.objects.filter(model_code=code).values_list("pk", flat=True)[KEEP_SNAPSHOTS:]
            Snapshot.objects.filter(pk__in=list(stale)).delete()
        made.append(snapshot)
    return made
