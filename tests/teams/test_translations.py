"""The teams app's own catalogue is complete, and its pages speak Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from tests.assessments.conftest import Org
from tests.maturity_portal import test_translations

APP_PO = Path(__file__).resolve().parents[2] / "teams" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_of_the_app_is_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(test_translations, "PO", APP_PO)
    entries = test_translations._entries()
    assert len(entries) > 90
    assert [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy] == []


@pytest.mark.django_db
def test_team_page_in_chinese(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    body = client.get(
        reverse("teams:team", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN"
    ).content.decode()
    for chinese in ("分工情况", "多人作答", "分配能力域或能力项", "向多人开放能力域或能力项"):
        assert chinese in body
    assert "Who holds what" not in body
