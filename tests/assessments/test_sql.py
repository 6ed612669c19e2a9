"""The hand-written SQL (``maturity_portal.sql`` and the statements built with it) against the ORM it stands
in for: the same instances, the same rows, the same history rows, the same access decisions."""

from __future__ import annotations

import threading
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.models import model_to_dict
from django.http import Http404
from django.utils import translation

from assessments import selectors, services
from assessments.access import assessment_get_for_user
from assessments.models import Answer, Assessment, Membership, Role
from capability_model.models import CapabilityModel
from maturity_portal import sql
from tests.assessments.conftest import Org, record

pytestmark = pytest.mark.django_db

HISTORY_BOOKKEEPING = {"history_id", "history_date", "id"}


def _fields(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.parametrize("model", [Assessment, CapabilityModel, Answer])
def test_an_instance_read_in_sql_equals_the_orm_s(model: type[Any], org: Org, assessment: Assessment) -> None:
    """Datetimes, booleans and keys come back as the ORM gives them (SQLite returns text and integers)."""
    record(assessment, org.manager, "SP1-1-01", "NA", justification="not offered", flagged=True)
    orm = model.objects.order_by("-pk").first()
    columns = sql.model_columns(model, "t")
    row = sql.fetchone(f"SELECT {columns.select} FROM {sql.table(model)} t WHERE t.id = %s", [orm.pk])  # noqa: S608
    assert row is not None
    built = columns.instance(row)
    assert _fields(built) == _fields(orm)
    assert not built._state.adding
    assert built._state.db == connection.alias


def test_keys_beyond_64_bits_are_no_rows(org: Org, assessment: Assessment) -> None:
    assert sql.is_id(assessment.pk)
    assert not sql.is_id(0)
    assert not sql.is_id(2**63)
    with pytest.raises(Http404):
        assessment_get_for_user(user=org.manager, pk=2**70)


class TestAccessInOneStatement:
    def test_role_assignment_and_related_objects(self, org: Org, assessment: Assessment) -> None:
        for user, role, consultant in [
            (org.manager, Role.MANAGER, False),
            (org.contributor, Role.CONTRIBUTOR, False),
            (org.viewer, Role.VIEWER, False),
            (org.consultant, None, True),
        ]:
            access = assessment_get_for_user(user=user, pk=assessment.pk)
            assert (access.organisation_access.role, access.organisation_access.is_consultant) == (
                role,
                consultant,
            )
            assert _fields(access.assessment) == _fields(Assessment.objects.get(pk=assessment.pk))
            assert access.organisation_access.organisation == org.organisation
        # What select_related attached: no query for the organisation or the model version.
        access = assessment_get_for_user(user=org.manager, pk=assessment.pk)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(connection, "cursor", _no_queries)
            assert access.assessment.organisation.name == org.organisation.name
            assert access.assessment.capability_model.code == assessment.capability_model.code

    def test_a_consultant_who_is_also_a_member_keeps_both(self, org: Org, assessment: Assessment) -> None:
        Membership.objects.create(user=org.consultant, organisation=org.organisation, role=Role.VIEWER)
        access = assessment_get_for_user(user=org.consultant, pk=assessment.pk)
        assert (access.organisation_access.role, access.organisation_access.is_consultant) == (
            Role.VIEWER,
            True,
        )

    def test_outsiders_and_removed_members_get_404(
        self, org: Org, other_org: Org, assessment: Assessment, unassigned_consultant: Any
    ) -> None:
        for outsider in (other_org.manager, other_org.consultant, unassigned_consultant):
            with pytest.raises(Http404):
                assessment_get_for_user(user=outsider, pk=assessment.pk)
        Membership.objects.filter(user=org.viewer).delete()
        with pytest.raises(Http404):
            assessment_get_for_user(user=org.viewer, pk=assessment.pk)


def _no_queries(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a query was made")


def test_answer_rows_equal_the_orm_s(org: Org, assessment: Assessment) -> None:
    record(assessment, org.manager, "SP1-1-01", "F")
    record(assessment, org.manager, "OP1-1-01", "NA", justification="not offered")
    rows = selectors._answer_rows(assessment)
    orm = list(Answer.objects.filter(assessment=assessment).values_list(*selectors._ANSWER_ROW_FIELDS))
    assert sorted(rows) == sorted(orm)
    assert len(rows) == assessment.answers.count()


class TestSaveWithHistory:
    def test_writes_what_save_writes_and_the_history_row_simple_history_writes(
        self, org: Org, assessment: Assessment
    ) -> None:
        fields = ["rating", "comment", "flagged", "updated_by", "revision", "updated_at"]
        by_orm, by_sql = assessment.answers.order_by("pk")[:2]
        for answer in (by_orm, by_sql):
            answer.rating, answer.comment, answer.flagged = "L", "minutes of the QA board", True
            answer.updated_by = org.contributor
            answer.revision += 1
        by_orm._history_user = org.contributor  # type: ignore[attr-defined]
        by_orm.save(update_fields=fields)
        sql.save_with_history(by_sql, fields, user=org.contributor)

        stored = {a.pk: a for a in Answer.objects.filter(pk__in=[by_orm.pk, by_sql.pk])}
        assert stored[by_sql.pk].updated_at == by_sql.updated_at  # auto_now, as save() gives it
        assert stored[by_sql.pk].updated_at >= stored[by_orm.pk].updated_at
        ignore = {"id", "criterion", "updated_at"}
        as_orm, as_sql = (
            {k: v for k, v in model_to_dict(stored[a.pk]).items() if k not in ignore}
            for a in (by_orm, by_sql)
        )
        assert as_sql == as_orm

        history = sql.history_model(Answer)
        first, second = (
            history.objects.filter(id=a.pk).order_by("-history_id").first() for a in (by_orm, by_sql)
        )
        compared = {f.attname for f in history._meta.concrete_fields} - HISTORY_BOOKKEEPING - {"criterion_id"}
        assert {k: getattr(second, k) for k in compared} == {k: getattr(first, k) for k in compared}
        assert (second.history_type, second.history_user_id, second.history_username) == (
            "~",
            org.contributor.pk,
            org.contributor.username,
        )
        assert second.history_date == by_sql.updated_at

    def test_in_the_caller_s_transaction(self, org: Org, assessment: Assessment) -> None:
        """A service that fails after writing leaves neither the row nor its history."""
        answer = assessment.answers.get(criterion__code="SP1-1-01")
        before = sql.history_model(Answer).objects.filter(id=answer.pk).count()
        with pytest.raises(ValidationError):
            record(assessment, org.manager, "SP1-1-01", "NA")  # NA without a justification
        answer.refresh_from_db()
        assert answer.rating == ""
        assert sql.history_model(Answer).objects.filter(id=answer.pk).count() == before


@pytest.mark.django_db(transaction=True)
def test_two_autosaves_of_one_answer_at_once(shipped_model: CapabilityModel) -> None:
    """Both name the same revision on separate connections: one is saved, the other is told of the conflict
    and overwrites nothing (the row lock on PostgreSQL, the write lock on SQLite)."""
    from tests.assessments.conftest import make_org

    org = make_org("Race Centre")
    assessment = services.assessment_start(
        organisation=org.organisation,
        user=org.manager,
        capability_model=shipped_model,
        title="race",
        target_level=1,
    )
    answer = assessment.answers.get(criterion__code="SP1-1-01")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(user_name: str, rating: str) -> None:
        translation.activate("en")
        user = getattr(org, user_name)
        try:
            access = assessment_get_for_user(user=user, pk=assessment.pk)
            data = services.AnswerInput(
                rating=rating, comment=user_name, justification="", flagged=False, revision=answer.revision
            )
            barrier.wait(timeout=10)
            services.answer_record(access=access, criterion_code="SP1-1-01", data=data, user=user)
            outcomes[user_name] = "saved"
        except services.AnswerConflictError:
            outcomes[user_name] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=args) for args in (("manager", "F"), ("contributor", "N"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["conflict", "saved"], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    answer.refresh_from_db()
    assert (answer.comment, answer.revision) == (winner, 1)
    assert sql.history_model(Answer).objects.filter(id=answer.pk, history_type="~").count() == 1
    assessment.refresh_from_db()
    assert assessment.revision == 1


class TestDashboardRows:
    def test_organisations_the_user_may_see_with_role_and_assignment(
        self, org: Org, other_org: Org, unassigned_consultant: Any
    ) -> None:
        from django.core.paginator import Paginator

        from assessments.access import organisation_access_from_row, organisation_rows_for_user

        Membership.objects.create(user=org.consultant, organisation=other_org.organisation, role=Role.VIEWER)
        rows = organisation_rows_for_user(user=org.consultant)
        assert rows.count() == 2
        accesses = [organisation_access_from_row(row) for row in rows[0:10]]
        assert [(a.organisation.name, a.role, a.is_consultant) for a in accesses] == [
            ("Alpha Contact Centre", None, True),
            ("Beta Contact Centre", Role.VIEWER, False),
        ]
        page = Paginator(cast(Any, rows), 1).get_page(99)  # out of range: the last page
        assert (page.number, [r[0] for r in page.object_list]) == (2, [other_org.organisation.pk])
        assert organisation_rows_for_user(user=unassigned_consultant).count() == 0

    def test_awaiting_review_is_the_consultant_s_submitted_and_in_review_oldest_first(
        self, org: Org, other_org: Org, shipped_model: CapabilityModel
    ) -> None:
        from tests.assessments.conftest import set_state

        def start(o: Org, title: str, state: str) -> Assessment:
            a = services.assessment_start(
                organisation=o.organisation,
                user=o.manager,
                capability_model=shipped_model,
                title=title,
                target_level=1,
            )
            return set_state(a, state)

        start(org, "draft", "draft")
        first = start(org, "first", "submitted")
        second = start(org, "second", "in_review")
        start(org, "approved", "approved")
        start(other_org, "not assigned", "submitted")
        page = selectors.review_queue_page(user=org.consultant)
        assert first.created_at <= second.created_at
        assert [row.assessment.title for row in page] == ["first", "second"]
        assert {row.assessment.organisation.name for row in page} == {org.organisation.name}
        assert page.paginator.count == 2
        assert selectors.review_queue_page(user=org.manager).paginator.count == 0
