"""Team work in the organisation's export, erasure and restore (``assessments.data_protection``), through
its registry of archive parts: ``assessments`` never imports ``teams`` (DESIGN §4).

The archive holds the assignments, the panels with their respondents and the respondents' own responses,
with the history of all of them (who was handed what, who answered what): the same personal data the
assessment's own rows and history hold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps

from .models import Assignment, Panel, Response


def panel_respondents_history() -> Any:
    """The model simple-history builds for the respondents' history (no import path of its own)."""
    return apps.get_model("teams", "HistoricalPanel_respondents")


def archive_rows(assessment_ids: list[int]) -> dict[str, list[Any]]:
    """The team work of an organisation's assessments, history included (closed panels and removed
    assignments live on only there)."""
    panel_history = list(Panel.history.filter(assessment_id__in=assessment_ids).order_by("history_id"))
    return {
        "team_assignments": list(Assignment.objects.filter(assessment_id__in=assessment_ids).order_by("pk")),
        "team_panels": list(Panel.objects.filter(assessment_id__in=assessment_ids).order_by("pk")),
        "team_responses": list(Response.objects.filter(assessment_id__in=assessment_ids).order_by("pk")),
        "team_assignment_history": list(
            Assignment.history.filter(assessment_id__in=assessment_ids).order_by("history_id")
        ),
        "team_panel_history": panel_history,
        "teampanel_respondents_history": list(
            panel_respondents_history()
            .objects.filter(history_id__in=[row.history_id for row in panel_history])
            .order_by("pk")
        ),
        "team_response_history": list(
            Response.history.filter(assessment_id__in=assessment_ids).order_by("history_id")
        ),
    }


def after_restore(rows: list[dict[str, Any]], started: datetime) -> None:
    """loaddata sets each restored panel's respondents, which the history records as a change ("~") made
    now; the exported history already holds the real ones, so these are removed."""
    label = Panel._meta.label_lower
    ids = [row["pk"] for row in rows if str(row.get("model", "")).lower() == label]
    made_now = Panel.history.filter(id__in=ids, history_type="~", history_date__gte=started)
    panel_respondents_history().objects.filter(history__in=made_now.values("history_id")).delete()
    made_now.delete()
