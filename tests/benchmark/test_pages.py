"""The settings page (manager only, terms shown, off by default), and the benchmark on the dashboard, the
report and the PDF's document, with the viewer's organisations left out of the figures."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from benchmark.models import PeerProfile
from benchmark.selectors import hidden_organisations, peer_view
from benchmark.services import snapshot_compute
from reports.services import report_document_html
from tests.assessments.conftest import Org
from tests.benchmark.conftest import Peer, opt_in
from tests.factories import ConsultantAssignmentFactory
from tests.reports.test_pdf import _text

pytestmark = pytest.mark.django_db


def _url(org: Org) -> str:
    return reverse("benchmark:settings", args=[org.organisation.pk])


def test_off_by_default_with_the_terms_shown(client: Client, org: Org) -> None:
    client.force_login(org.viewer)
    response = client.get(_url(org))
    assert response.status_code == 200
    assert b"Opting out removes your organisation from the next daily snapshot." in response.content
    assert b"does not take part" in response.content
    assert not PeerProfile.objects.exists()


def test_the_manager_opts_in_after_accepting_the_terms(client: Client, org: Org) -> None:
    client.force_login(org.manager)
    data = {"industry": "finance", "size": "large", "opted_in": "on"}
    response = client.post(_url(org), data)
    assert response.status_code == 400
    assert not PeerProfile.objects.exists()
    response = client.post(_url(org), {**data, "accept_terms": "on"})
    assert response.status_code == 302
    profile = PeerProfile.objects.get(organisation=org.organisation)
    assert (profile.industry, profile.size, profile.opted_in, profile.opted_in_by) == (
        "finance",
        "large",
        True,
        org.manager,
    )
    assert profile.opted_in_at is not None
    client.post(_url(org), {"industry": "finance", "size": "large"})
    profile.refresh_from_db()
    assert (profile.opted_in, profile.opted_in_at) == (False, None)


@pytest.mark.parametrize("role", ["contributor", "viewer", "consultant"])
def test_only_the_manager_may_change_the_settings(client: Client, org: Org, role: str) -> None:
    client.force_login(getattr(org, role))
    response = client.post(
        _url(org), {"industry": "finance", "size": "large", "opted_in": "on", "accept_terms": "on"}
    )
    assert response.status_code == 403
    assert not PeerProfile.objects.exists()


def test_bad_choices_answer_400(client: Client, org: Org) -> None:
    client.force_login(org.manager)
    assert client.post(_url(org), {"industry": "nope", "size": "huge"}).status_code == 400
    assert not PeerProfile.objects.exists()


def test_another_organisations_settings_answer_404(client: Client, org: Org, other_org: Org) -> None:
    client.force_login(other_org.manager)
    for method in ("get", "post"):
        assert getattr(client, method)(_url(org), {"industry": "finance", "size": "large"}).status_code == 404
    assert not PeerProfile.objects.exists()


@pytest.fixture
def benchmarked(org: Org, peer: Peer) -> Assessment:
    """The organisation's approved assessment, among six telecom/small peers, after a snapshot."""
    opt_in(org.organisation)
    own = peer(organisation=org.organisation, strength=0.9, rated=True)
    for strength in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        peer(strength=strength, rated=True)
    snapshot_compute()
    return own


def test_the_viewer_is_compared_with_its_peers_only(org: Org, benchmarked: Assessment) -> None:
    view = peer_view(organisation=org.organisation)
    assert view.status == "shown"
    assert (view.cohort, view.peers) == (("size", "telecom", "small"), 6)
    sp = next(row for row in view.rows if row.code == "SP")
    assert sp.own is not None
    assert sp.quartile == 4  # the strongest of seven
    assert sp.figures.median < sp.own


def test_organisations_a_consultant_shares_are_left_out(
    org: Org, benchmarked: Assessment, peer: Peer
) -> None:
    shared = Assessment.objects.exclude(organisation=org.organisation).first()
    assert shared is not None
    ConsultantAssignmentFactory.create(consultant=org.consultant, organisation=shared.organisation)
    assert shared.organisation_id in hidden_organisations(organisation=org.organisation)
    view = peer_view(organisation=org.organisation)
    assert (view.cohort, view.peers) == (("size", "telecom", "small"), 5)
    ConsultantAssignmentFactory.create(
        consultant=org.consultant,
        organisation=Assessment.objects.exclude(organisation__in=[org.organisation, shared.organisation])
        .first()
        .organisation,  # type: ignore[union-attr]
    )
    assert peer_view(organisation=org.organisation).status == "not_enough"  # 4 left anywhere


def test_not_enough_peers_yet(org: Org, peer: Peer) -> None:
    opt_in(org.organisation)
    peer(organisation=org.organisation)
    for _ in range(4):
        peer()
    snapshot_compute()
    assert peer_view(organisation=org.organisation).status == "not_enough"


def test_not_opted_in_sees_no_figures(org: Org, benchmarked: Assessment) -> None:
    PeerProfile.objects.filter(organisation=org.organisation).update(opted_in=False)
    assert peer_view(organisation=org.organisation).status == "not_opted_in"


def test_the_dashboard_report_and_pdf_show_the_benchmark(
    client: Client, org: Org, benchmarked: Assessment
) -> None:
    client.force_login(org.viewer)
    dashboard = client.get(reverse("home")).content.decode()
    assert "peer-benchmark" in dashboard
    assert "Compared with 6 organisations of the same industry and size band." in dashboard
    card = dashboard[dashboard.index('class="peer-benchmark') :]
    assert "Per capability item (20)" in card  # the items too, folded under the domains (issue 21)
    item = next(row for row in peer_view(organisation=org.organisation).items if row.code == "SP1")
    assert f"SP1 {item.name}" in card
    report = client.get(reverse("reports:report", args=[benchmarked.pk])).content.decode()
    assert 'id="peers"' in report
    assert "75th percentile" in report
    html = report_document_html(assessment=benchmarked)
    assert "Compared with 6 organisations" in html
    assert "<svg" in html


def test_the_pdf_carries_the_benchmark_with_its_numbers(
    client: Client, org: Org, benchmarked: Assessment
) -> None:
    client.force_login(org.manager)
    response = client.get(reverse("reports:report_pdf", args=[benchmarked.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    assert "Peer benchmark" in text
    assert "Compared with 6 organisations" in text
    # the chart's numbers: 25th percentile, median, 75th percentile, this assessment, its quartile
    assert re.search(r"SP Strategic planning( \d\.\d\d){4} Q4", text)


def test_a_card_costs_six_queries(
    org: Org, benchmarked: Assessment, django_assert_max_num_queries: Any
) -> None:
    # The dashboard shows one card per organisation: 10 queries each before they were shaped (issue 21).
    peer_view(organisation=org.organisation)  # the locked model's scoring input is cached once
    with django_assert_max_num_queries(6):
        view = peer_view(organisation=org.organisation)
    assert view.status == "shown"
    assert not view.demo
