"""The daily snapshot: what counts (approved, latest, within 24 months, opted in) and the stability rule."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import AssessmentState
from benchmark.models import PeerProfile, Snapshot
from benchmark.services import snapshot_compute
from tests.benchmark.conftest import Peer

pytestmark = pytest.mark.django_db


def _counted(code_cohort: str = "all") -> dict[int, int]:
    snapshot = Snapshot.objects.first()
    assert snapshot is not None
    cohort = snapshot.cohorts.get(key=code_cohort)
    return {o: a for o, a, _values in cohort.members}


def test_only_the_latest_approved_assessment_within_24_months_counts(peer: Peer) -> None:
    old = peer(days_ago=400)
    latest = peer(organisation=old.organisation, days_ago=10)
    expired = peer(days_ago=800)
    draft = peer()
    draft.state = AssessmentState.DRAFT
    draft.save()
    snapshot_compute()
    assert _counted() == {old.organisation_id: latest.pk}
    assert expired.organisation_id not in _counted()
    assert draft.organisation_id not in _counted()


def test_organisations_not_opted_in_are_not_counted(peer: Peer) -> None:
    counted, out = peer(), peer()
    PeerProfile.objects.filter(organisation=out.organisation).update(opted_in=False)
    snapshot_compute()
    assert set(_counted()) == {counted.organisation_id}


def test_every_cohort_level_is_stored_with_index_values(peer: Peer) -> None:
    a = peer(industry="telecom", size="large")
    snapshot_compute()
    snapshot = Snapshot.objects.get()
    assert snapshot.model_code == a.capability_model.code
    assert set(snapshot.cohorts.values_list("key", flat=True)) == {
        "size|telecom|large",
        "industry|telecom",
        "all",
    }
    values = snapshot.cohorts.get(key="all").members[0][2]
    assert "D:SP" in values
    assert any(key.startswith("I:") for key in values)


def test_a_cohort_keeps_its_published_members_until_three_organisations_changed(peer: Peer) -> None:
    first = [peer() for _ in range(5)]
    now = timezone.now()
    snapshot_compute(now=now)
    published = _counted()
    peer(strength=0.9)  # one arrival
    peer(strength=0.9)  # two
    snapshot_compute(now=now + timedelta(days=1))
    assert _counted() == published
    assert not Snapshot.objects.first().cohorts.get(key="all").fresh  # type: ignore[union-attr]
    peer(strength=0.9)  # three: republished
    snapshot_compute(now=now + timedelta(days=2))
    assert len(_counted()) == len(first) + 3


def test_opting_out_removes_the_organisation_from_the_next_snapshot(peer: Peer) -> None:
    members = [peer() for _ in range(6)]
    snapshot_compute()
    PeerProfile.objects.filter(organisation=members[0].organisation).update(opted_in=False)
    snapshot_compute()
    assert members[0].organisation_id not in _counted()
    assert len(_counted()) == 5


def test_the_command_runs_and_keeps_a_week_of_snapshots(peer: Peer) -> None:
    peer()
    for _ in range(9):
        call_command("benchmark_snapshot", stdout=io.StringIO())
    assert Snapshot.objects.count() == 7


def test_the_command_queues_the_snapshot_for_a_worker(peer: Peer, settings: Any) -> None:
    # Issue 21: the daily snapshot is a task on the queue; the command (cron, a timer) only queues it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    peer()
    out = io.StringIO()
    call_command("benchmark_snapshot", stdout=out)
    assert "snapshot queued" in out.getvalue()
    assert not Snapshot.objects.exists()  # nothing computed in the command's process
    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.status) == ("benchmark.tasks.take_benchmark_snapshot", "READY")
    queued.task.call()  # what the worker does with it
    assert Snapshot.objects.count() == 1
    call_command("benchmark_snapshot", "--now", stdout=io.StringIO())
    assert Snapshot.objects.count() == 2
