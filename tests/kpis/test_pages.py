"""The KPI pages (managers write, others read, other organisations 404) and the readings on the
questionnaire, the review and the report."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from kpis import rules
from kpis.models import KpiValue
from kpis.selectors import criterion_readings
from tests.assessments.conftest import Org, set_state
from tests.kpis.conftest import KpiModel

pytestmark = pytest.mark.django_db


def _this_month() -> date:
    today = timezone.localdate()
    return rules.add_months(date(today.year, today.month, 1), -1)


def _value(org: Org, kpi_model: KpiModel, code: str, start: date, value: str) -> KpiValue:
    kpi = kpi_model.fcr if code == "TFCR" else kpi_model.sec
    return KpiValue.objects.create(
        organisation=org.organisation, kpi=kpi, period_start=start, value=Decimal(value), source="ACD"
    )


def test_members_read_the_list_and_only_managers_write(client: Client, org: Org, kpi_model: KpiModel) -> None:
    url = reverse("kpis:list", args=[org.organisation.pk])
    client.force_login(org.viewer)
    page = client.get(url)
    assert page.status_code == 200
    assert "TFCR" in page.content.decode()
    assert "Record a value" not in page.content.decode()
    post = {"kpi": "TFCR", "period": "2026-01", "value": "70", "source": "ACD"}
    assert client.post(url, post).status_code == 403
    client.force_login(org.manager)
    evidence = SimpleUploadedFile("fcr.csv", b"month,fcr\n2026-01,0.70\n")
    response = client.post(url, {**post, "evidence": evidence})
    assert response.status_code == 302
    value = KpiValue.objects.get(organisation=org.organisation)
    assert (value.value, value.recorded_by, value.evidence_name) == (Decimal("70"), org.manager, "fcr.csv")
    detail = client.get(reverse("kpis:detail", args=[org.organisation.pk, "TFCR"]))
    assert "2026-01" in detail.content.decode()
    download = client.get(reverse("kpis:evidence", args=[org.organisation.pk, value.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"month,fcr\n2026-01,0.70\n"  # type: ignore[attr-defined]


def test_a_bad_value_is_explained_and_not_saved(client: Client, org: Org, kpi_model: KpiModel) -> None:
    client.force_login(org.manager)
    response = client.post(
        reverse("kpis:list", args=[org.organisation.pk]),
        {"kpi": "TSEC", "period": "2026-02", "value": "-1", "source": "SOC"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "not a quarter" in body
    assert "cannot be negative" in body
    assert not KpiValue.objects.exists()


def test_import_page_lists_every_bad_row(client: Client, org: Org, kpi_model: KpiModel) -> None:
    client.force_login(org.manager)
    upload = SimpleUploadedFile("x.csv", b"kpi,period,value\nTFCR,2026-01,1\nXX,2026-01,1\nTFCR,2026-1x,1\n")
    response = client.post(reverse("kpis:import", args=[org.organisation.pk]), {"file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Line 3" in body
    assert "Line 4" in body
    assert "Nothing was imported" in body
    assert not KpiValue.objects.exists()


def test_other_organisations_get_404(client: Client, org: Org, other_org: Org, kpi_model: KpiModel) -> None:
    value = _value(org, kpi_model, "TFCR", date(2026, 1, 1), "70")
    client.force_login(other_org.manager)
    pk = org.organisation.pk
    for url in (
        reverse("kpis:list", args=[pk]),
        reverse("kpis:detail", args=[pk, "TFCR"]),
        reverse("kpis:evidence", args=[pk, value.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("kpis:import", args=[pk]), {}).status_code == 404


def test_readings_and_suggestions(org: Org, kpi_model: KpiModel) -> None:
    month = _this_month()
    _value(org, kpi_model, "TFCR", month, "66.5")  # 5 % below 70, meets 60
    readings = criterion_readings(organisation=org.organisation, criteria=list(kpi_model.criteria.values()))
    level2 = readings[kpi_model.criteria["SP1-2-01"].pk]
    assert (level2.suggestion, level2.lines[0].value_text, level2.lines[0].threshold_text) == (
        "F",
        "66.5 %",
        "60 %",
    )
    level3 = readings[kpi_model.criteria["SP1-3-01"].pk]
    assert level3.suggestion is None  # TSEC has no value yet
    quarter = rules.period_start(year=month.year, month=month.month, cadence="quarter")
    _value(org, kpi_model, "TSEC", quarter, "1")
    again = criterion_readings(organisation=org.organisation, criteria=[kpi_model.criteria["SP1-3-01"]])
    assert again[kpi_model.criteria["SP1-3-01"].pk].suggestion == "L"  # L (FCR) and L (one incident)
    assert kpi_model.criteria["SP1-1-01"].pk not in readings  # level 1: no threshold, no panel


def test_questionnaire_shows_value_threshold_and_an_accept_button(
    client: Client, org: Org, kpi_model: KpiModel, kpi_assessment: Assessment
) -> None:
    _value(org, kpi_model, "TFCR", _this_month(), "72")
    _value(org, kpi_model, "TFCR", rules.add_months(_this_month(), -1), "50")
    client.force_login(org.contributor)
    url = reverse("assessments:questionnaire", args=[kpi_assessment.pk, "SP"]) + "?open=all"
    body = client.get(url).content.decode()
    assert re.search(r'data-kpi-accept="SP1-2-01"\s+data-rating="F"', body)
    assert "72 %" in body
    assert "threshold ≥ 60 %" in body
    assert "kpi-suggestion.js" in body
    # The rating stays the person's: nothing was set by the suggestion.
    assert kpi_assessment.answers.get(criterion__code="SP1-2-01").rating == ""
    client.force_login(org.viewer)
    assert "data-kpi-accept" not in client.get(url).content.decode()  # readers see, cannot accept


def test_a_stale_value_suggests_nothing_on_the_page(
    client: Client, org: Org, kpi_model: KpiModel, kpi_assessment: Assessment
) -> None:
    _value(org, kpi_model, "TFCR", rules.add_months(_this_month(), -2), "90")
    client.force_login(org.manager)
    body = client.get(reverse("assessments:questionnaire", args=[kpi_assessment.pk, "SP"]) + "?open=all")
    text = body.content.decode()
    assert "stale" in text
    assert "data-kpi-accept" not in text


def test_consultant_sees_value_threshold_and_suggestion_in_review(
    client: Client, org: Org, kpi_model: KpiModel, kpi_assessment: Assessment
) -> None:
    _value(org, kpi_model, "TFCR", _this_month(), "57")  # 5 % below 60 → L
    set_state(kpi_assessment, "in_review")
    client.force_login(org.consultant)
    body = client.get(
        reverse("assessments:review", args=[kpi_assessment.pk, "SP"]) + "?open=all"
    ).content.decode()
    assert 'data-criterion="SP1-2-01"' in body
    assert "57 %" in body
    assert "Suggested rating" in body
    assert "data-kpi-accept" not in body


def test_report_has_a_kpi_table_and_trend_chart(
    client: Client, org: Org, kpi_model: KpiModel, kpi_assessment: Assessment
) -> None:
    for months_back, value in ((2, "61"), (1, "66"), (0, "71")):
        _value(org, kpi_model, "TFCR", rules.add_months(_this_month(), -months_back), value)
    client.force_login(org.viewer)
    body = client.get(reverse("reports:report", args=[kpi_assessment.pk])).content.decode()
    assert 'id="kpis"' in body
    assert 'class="trend-chart"' in body
    assert "71 %" in body
    assert "61 %" in body  # the numbers beside the chart
