"""Confirming carried-over answers passes the team write guard: a part someone else holds is theirs to
confirm, and the page says how many were left for them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services as assessment_services
from assessments.access import assessment_get_for_user
from assessments.models import Answer, Assessment, Role
from tests.assessments.conftest import Org, record
from tests.factories import MembershipFactory

from .test_services import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def carried(assessment: Assessment, org: Org, shipped_model: Any) -> Assessment:
    for answer in assessment.answers.select_related("criterion").filter(criterion__item__domain__code="SP"):
        record(assessment, org.contributor, answer.criterion.code, "L")
    return assessment_services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="next",
        target_level=3,
        from_baseline=True,
        allow_retired=True,
    )


def _carried_in(assessment: Assessment, item: str) -> int:
    return Answer.objects.filter(assessment=assessment, criterion__item__code=item, carried_over=True).count()


def test_a_part_held_by_someone_else_is_left_for_them(carried: Assessment, org: Org) -> None:
    colleague = MembershipFactory.create(organisation=org.organisation, role=Role.CONTRIBUTOR).user
    assign(carried, org.manager, "SP1", colleague)
    held = _carried_in(carried, "SP1")
    assert held
    assert _carried_in(carried, "SP2")
    access = assessment_get_for_user(user=org.contributor, pk=carried.pk)
    result = assessment_services.carried_over_confirm(access=access, user=org.contributor, domain_code="SP")
    assert (result.left, _carried_in(carried, "SP1"), _carried_in(carried, "SP2")) == (held, held, 0)
    assert result.confirmed > 0
    # Only the held part left: nothing to confirm, and no revision raised.
    again = assessment_services.carried_over_confirm(access=access, user=org.contributor, domain_code="SP")
    assert (again.confirmed, again.left) == (0, held)
    # The holder confirms their own part.
    mine = assessment_get_for_user(user=colleague, pk=carried.pk)
    theirs = assessment_services.carried_over_confirm(
        access=mine, user=colleague, domain_code="SP", item_code="SP1"
    )
    assert (theirs.confirmed, theirs.left, _carried_in(carried, "SP1")) == (held, 0, 0)


def test_a_manager_confirms_every_part(carried: Assessment, org: Org) -> None:
    assign(carried, org.manager, "SP", org.contributor)
    access = assessment_get_for_user(user=org.manager, pk=carried.pk)
    result = assessment_services.carried_over_confirm(access=access, user=org.manager, domain_code="SP")
    assert result.left == 0
    assert result.confirmed > 0


def test_the_page_says_how_many_were_left(client: Client, carried: Assessment, org: Org) -> None:
    colleague = MembershipFactory.create(organisation=org.organisation, role=Role.CONTRIBUTOR).user
    assign(carried, org.manager, "SP1", colleague)
    held = _carried_in(carried, "SP1")
    client.force_login(org.contributor)
    url = reverse("assessments:confirm_carried", args=[carried.pk, "SP"])
    page = client.post(url, {"scope": "domain"}, follow=True).content.decode()
    assert f"{held} carried-over answers were left for the people who hold their part." in page
    zh = client.post(url, {"scope": "domain"}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert f"{held} 条沿用答案留给负责该部分的人确认。" in zh
