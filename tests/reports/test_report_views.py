"""The report page, its PDF and the comparison, through their URLs: who may see them, what they show,
what is cached, and that an approved report never changes when the model is edited later."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments import services as assessment_services
from assessments.access import assessment_get_for_user
from assessments.models import Assessment
from capability_model.models import CapabilityModel, Criterion, ModelLockedError
from capability_model.services import capability_model_clone, capability_model_publish
from reports import services
from reports.forms import SAME_ASSESSMENT
from reports.selectors import comparison_build, report_build
from tests.assessments.conftest import Org, set_state
from tests.reports.conftest import answer_levels, approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts WeasyPrint renderings (and still renders)."""
    calls: list[str] = []
    real = services.html_to_pdf

    def counting(html: str, **kwargs: Any) -> bytes:
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(services, "html_to_pdf", counting)
    return calls


@pytest.mark.parametrize("who", ["manager", "viewer", "consultant"])
def test_everyone_who_sees_the_assessment_sees_its_report(
    client: Client, org: Org, approved: Assessment, who: str
) -> None:
    client.force_login(getattr(org, who))
    response = client.get(reverse("reports:report", args=[approved.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body  # the radar chart
    assert "Strategic planning" in body
    assert "Improvement plan" in body
    assert reverse("reports:report_pdf", args=[approved.pk]) in body


def test_report_follows_the_readers_language(client: Client, org: Org, approved: Assessment) -> None:
    client.force_login(org.manager)
    body = client.get(reverse("reports:report", args=[approved.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert "战略规划".encode() in body
    assert b'lang="zh-hans"' in body


def test_another_organisation_gets_404_for_report_and_pdf(
    client: Client, other_org: Org, approved: Assessment, pdf_renders: list[str]
) -> None:
    client.force_login(other_org.manager)
    assert client.get(reverse("reports:report", args=[approved.pk])).status_code == 404
    assert client.get(reverse("reports:report_pdf", args=[approved.pk])).status_code == 404
    assert pdf_renders == []


def test_report_shows_self_and_verified_and_the_plan(org: Org, approved: Assessment) -> None:
    html = services.report_document_html(assessment=approved)
    report = report_build(assessment=approved)
    assert report.reviewed
    assert (report.official.level, report.scores.self_score.level) == (1, 2)
    # The plan starts with the foundations: the level-1 criterion the consultant lowered to L.
    first = report.plan[0].rows[0]
    assert (first.criterion.code, first.entry.gap.current, first.entry.gap.required) == ("SP1-1-01", "L", "F")
    assert first.criterion.statement in html
    assert "现场抽查证据不足 &lt;b&gt;evidence thin&lt;/b&gt;" in html  # the review comment, escaped


def test_approved_pdf_is_cached_until_something_it_shows_changes(
    org: Org, approved: Assessment, pdf_renders: list[str]
) -> None:
    with translation.override("en"):
        first = services.report_pdf_render(assessment=approved)
        again = services.report_pdf_render(assessment=approved)
    assert first == again
    assert len(pdf_renders) == 1
    with translation.override("zh-hans"):
        services.report_pdf_render(assessment=approved)
    assert len(pdf_renders) == 2  # another language is another document
    approved.organisation.name = "Alpha Customer Care"
    approved.organisation.save()
    with translation.override("en"):
        renamed = services.report_pdf_render(assessment=approved)
    assert len(pdf_renders) == 3
    assert renamed != first
    assert services.report_cache_clear(assessment=approved) == 3


def test_reports_of_open_assessments_are_never_cached(
    org: Org, assessment: Assessment, pdf_renders: list[str]
) -> None:
    services.report_pdf_render(assessment=assessment)
    services.report_pdf_render(assessment=assessment)
    assert len(pdf_renders) == 2


def test_approved_report_is_unchanged_after_the_model_is_edited_and_republished(
    org: Org, approved: Assessment, shipped_model: CapabilityModel
) -> None:
    before = services.report_document_html(assessment=approved)
    criterion = Criterion.objects.get(capability_model=shipped_model, code="SP1-1-01")
    criterion.statement_en = "Rewritten after approval."
    with pytest.raises(ModelLockedError):
        criterion.save()
    draft = capability_model_clone(source=shipped_model)
    Criterion.objects.filter(capability_model=draft, code="SP1-1-01").delete()
    edited = Criterion.objects.get(capability_model=draft, code="SP1-2-01")
    edited.statement_en = "Rewritten in the new version."
    edited.save()
    capability_model_publish(model=draft)
    approved.refresh_from_db()
    after = services.report_document_html(assessment=approved)
    assert after == before
    assert "Rewritten" not in after


def test_report_queries_do_not_grow_with_answers_or_evidence(
    org: Org, approved: Assessment, assessment: Assessment
) -> None:
    def count(target: Assessment) -> int:
        with CaptureQueriesContext(connection) as queries:
            services.report_document_html(assessment=Assessment.objects.get(pk=target.pk))
        return len(queries)

    fresh = assessment_services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=approved.capability_model,
        title="empty",
        target_level=3,
        allow_retired=True,
    )
    count(fresh)  # warms the per-process cache of the model version's spec
    empty = count(fresh)
    access = assessment_get_for_user(user=org.manager, pk=fresh.pk)
    for number in range(3):
        assessment_services.evidence_attach(
            access=access,
            criterion_code=("SP1-1-01", "SP1-1-02", "CB1-1-01")[number],
            upload=SimpleUploadedFile(f"e{number}.txt", b"evidence"),
            user=org.manager,
        )
    # The same assessment with evidence; an approved one (whose trend has no earlier assessment to read, so
    # two queries fewer: the trend's models and answers) reads as much as the rest.
    assert count(fresh) == empty
    assert count(approved) == empty - 2


def _compare(client: Client, org: Org, before: Assessment, after: Assessment, **extra: str) -> Any:
    query: dict[str, str | int] = {"before": before.pk, "after": after.pk, **extra}
    return client.get(reverse("reports:comparison", args=[org.organisation.pk]), query)


@pytest.fixture
def last_year(org: Org, shipped_model: CapabilityModel) -> Assessment:
    earlier = assessment_services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="FY25",
        target_level=2,
        allow_retired=True,
    )
    answer_levels(earlier, org.manager, up_to=1)
    return set_state(earlier, "submitted")


def test_comparison_shows_the_change_per_domain_and_item(
    client: Client, org: Org, last_year: Assessment, assessment: Assessment
) -> None:
    answer_levels(assessment, org.manager, up_to=2)
    comparison = comparison_build(before=last_year, after=assessment)
    assert comparison.overall.level_change == 1
    for part in comparison.domains:
        assert (part.row.before.level, part.row.after.level, part.row.level_change) == (1, 2, 1)  # type: ignore[union-attr]
        assert part.row.index_change == pytest.approx(1.0)
    client.force_login(org.viewer)
    response = _compare(client, org, last_year, assessment)
    assert response.status_code == 200
    body = response.content.decode()
    assert "+1" in body
    assert "+1.00" in body
    assert "FY25" in body


def test_comparison_refuses_another_organisations_assessment(
    client: Client, org: Org, other_org: Org, assessment: Assessment, shipped_model: CapabilityModel
) -> None:
    foreign = assessment_services.assessment_start(
        organisation=other_org.organisation,
        user=other_org.manager,
        capability_model=shipped_model,
        title="Theirs",
        target_level=2,
        allow_retired=True,
    )
    client.force_login(org.manager)
    response = _compare(client, org, foreign, assessment)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "Theirs" not in response.content.decode()
    client.force_login(other_org.manager)
    assert _compare(client, org, foreign, assessment).status_code == 404


def test_comparison_of_an_assessment_with_itself_is_refused(
    client: Client, org: Org, assessment: Assessment
) -> None:
    client.force_login(org.manager)
    response = _compare(client, org, assessment, assessment)
    assert response.status_code == 400
    assert str(SAME_ASSESSMENT) in response.content.decode()
    url = reverse("reports:comparison_pdf", args=[org.organisation.pk])
    pdf = client.get(f"{url}?before=x&after={assessment.pk}")
    assert pdf.status_code == 400


def test_comparison_pdf(client: Client, org: Org, last_year: Assessment, assessment: Assessment) -> None:
    answer_levels(assessment, org.manager, up_to=2)
    client.force_login(org.manager)
    response = client.get(
        reverse("reports:comparison_pdf", args=[org.organisation.pk]),
        {"before": last_year.pk, "after": assessment.pk},
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")


def test_comparison_link_preselects_the_later_assessment(
    client: Client, org: Org, assessment: Assessment
) -> None:
    client.force_login(org.manager)
    response = client.get(reverse("reports:comparison", args=[org.organisation.pk]), {"after": assessment.pk})
    assert response.status_code == 200
    assert response.context["form"]["after"].value() == str(assessment.pk)
    assert response.context["comparison"] is None


def test_an_object_loaded_before_the_approval_still_gets_the_cache(
    org: Org, assessment: Assessment, pdf_renders: list[str]
) -> None:
    stale = Assessment.objects.get(pk=assessment.pk)
    answer_levels(assessment, org.manager, up_to=1)
    approve(assessment, org, {})
    services.report_pdf_render(assessment=stale)
    services.report_pdf_render(assessment=stale)
    assert len(pdf_renders) == 1


def test_no_verified_rating_in_the_report_until_the_consultant_decides(
    client: Client, org: Org, assessment: Assessment
) -> None:
    """Issue 16 item 11: members see the consultant's ratings once the assessment is returned or approved;
    the report (one document for every reader) follows the same rule while it is in review."""
    answer_levels(assessment, org.manager, up_to=1)
    set_state(assessment, "submitted")
    access = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    assessment_services.assessment_start_review(access=access, user=org.consultant)
    access = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    assessment_services.review_record(
        access=access,
        criterion_code="SP1-1-01",
        data=assessment_services.ReviewInput(verified_rating="P", review_comment="Minutes missing on site."),
        user=org.consultant,
    )
    assessment.refresh_from_db()
    in_review = report_build(assessment=assessment)
    assert not in_review.reviewed
    client.force_login(org.viewer)
    page = client.get(reverse("reports:report", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Minutes missing on site." not in page.content.decode()

    access = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
    assessment_services.assessment_return(access=access, user=org.consultant, reason="See SP1-1-01.")
    assessment.refresh_from_db()
    assert report_build(assessment=assessment).reviewed
    page = client.get(reverse("reports:report", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Minutes missing on site." in page.content.decode()
