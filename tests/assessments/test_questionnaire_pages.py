"""The light questionnaire: one item open at a time (others fetched), links that open their criterion,
the missing list, the disabled Submit, and carried-over answers confirmed per item and per domain."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.access import assessment_get_for_user
from assessments.models import Answer, Assessment
from tests.assessments.conftest import Org, record

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, assessment: Assessment, domain: str, query: str = "") -> str:
    url = reverse("assessments:questionnaire", args=[assessment.pk, domain])
    response = client.get(f"{url}{query}")
    assert response.status_code == 200
    return response.content.decode()


class TestItemsOnDemand:
    def test_only_the_first_item_with_gaps_is_rendered(self, assessment: Assessment, org: Org) -> None:
        for code in Answer.objects.filter(assessment=assessment, criterion__item__code="SP1").values_list(
            "criterion__code", flat=True
        ):
            record(assessment, org.contributor, code, "F")
        html = _page(_client(org.contributor), assessment, "SP")
        assert 'id="criterion-SP1-1-01"' not in html  # SP1 is complete: closed, its rows not sent
        assert 'id="criterion-SP2-1-01"' in html
        assert 'data-item="SP1"' in html
        assert "open=SP1#item-SP1" in html  # without JavaScript, the item opens with a page load

    def test_open_names_an_item_or_a_criterion(self, assessment: Assessment, org: Org) -> None:
        client = _client(org.contributor)
        assert 'id="criterion-SP3-2-01"' in _page(client, assessment, "SP", "?open=SP3-2-01")
        assert 'id="criterion-SP3-1-01"' in _page(client, assessment, "SP", "?open=SP3")
        everything = _page(client, assessment, "SP", "?open=all")
        assert 'id="criterion-SP1-1-01"' in everything
        assert 'id="criterion-SP3-1-01"' in everything

    def test_partial_returns_one_items_rows(self, assessment: Assessment, org: Org) -> None:
        html = _page(_client(org.contributor), assessment, "SP", "?partial=SP2")
        assert 'id="criterion-SP2-1-01"' in html
        assert 'id="criterion-SP1-1-01"' not in html
        assert "<nav" not in html

    def test_partial_of_an_unknown_item_is_a_404(self, assessment: Assessment, org: Org) -> None:
        url = reverse("assessments:questionnaire", args=[assessment.pk, "SP"])
        assert _client(org.contributor).get(f"{url}?partial=OP1").status_code == 404

    def test_the_rating_bands_are_on_the_page(self, assessment: Assessment, org: Org) -> None:
        html = _page(_client(org.contributor), assessment, "SP")
        assert 'id="rating-bands"' in html
        assert 'aria-describedby="rating-bands"' in html
        assert "Level 0 means" in html or "等级 0" in html


class TestSubmission:
    def test_missing_list_shows_statements_by_item_and_submit_is_disabled(
        self, assessment: Assessment, org: Org
    ) -> None:
        html = _client(org.manager).get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
        block = html[html.index('id="submission-problems"') :]
        criterion = Answer.objects.get(assessment=assessment, criterion__code="SP1-1-01").criterion
        assert "?open=SP1-1-01#criterion-SP1-1-01" in block
        assert criterion.statement[:40] in block
        assert "SP1 " in block
        assert 'aria-describedby="submit-blocked"' in html
        assert "disabled" in html[html.index('id="submit-blocked"') - 400 : html.index('id="submit-blocked"')]


@pytest.fixture
def carried(assessment: Assessment, org: Org, shipped_model: Any) -> Assessment:
    for answer in assessment.answers.select_related("criterion"):
        record(assessment, org.contributor, answer.criterion.code, "L")
    return services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="next",
        target_level=3,
        from_baseline=True,
        allow_retired=True,
    )


class TestCarriedOverConfirmation:
    def test_one_item(self, carried: Assessment, org: Org) -> None:
        access = assessment_get_for_user(user=org.contributor, pk=carried.pk)
        count = services.carried_over_confirm(
            access=access, user=org.contributor, domain_code="SP", item_code="SP1"
        ).confirmed
        sp1 = Answer.objects.filter(assessment=carried, criterion__item__code="SP1")
        assert count == sp1.count()
        assert not sp1.filter(carried_over=True).exists()
        assert sp1.filter(updated_by=org.contributor, rating="L").count() == count
        assert Answer.objects.filter(
            assessment=carried, criterion__item__code="SP2", carried_over=True
        ).exists()

    def test_a_domain_through_the_view(self, carried: Assessment, org: Org) -> None:
        url = reverse("assessments:confirm_carried", args=[carried.pk, "SP"])
        response = _client(org.contributor).post(url, {"scope": "domain"})
        assert response.status_code == 302
        assert not Answer.objects.filter(
            assessment=carried, criterion__item__domain__code="SP", carried_over=True
        ).exists()
        assert Answer.objects.filter(
            assessment=carried, criterion__item__domain__code="CB", carried_over=True
        ).exists()

    def test_a_viewer_may_not(self, carried: Assessment, org: Org) -> None:
        access = assessment_get_for_user(user=org.viewer, pk=carried.pk)
        with pytest.raises(ValidationError):
            services.carried_over_confirm(access=access, user=org.viewer, domain_code="SP")
        assert Answer.objects.filter(assessment=carried, carried_over=True).count() > 0

    @pytest.mark.parametrize("scope", ["", "nonsense", "item:", "item:\x00"])
    def test_bad_scope_is_a_400(self, carried: Assessment, org: Org, scope: str) -> None:
        url = reverse("assessments:confirm_carried", args=[carried.pk, "SP"])
        assert _client(org.contributor).post(url, {"scope": scope}).status_code == 400

    def test_the_page_offers_both(self, carried: Assessment, org: Org) -> None:
        html = _page(_client(org.contributor), carried, "SP")
        assert 'value="domain"' in html
        assert 'value="item:SP1"' in html
