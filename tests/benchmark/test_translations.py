"""The benchmark app's own catalogue is complete and is used by its pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.assessments.conftest import Org
from tests.maturity_portal import test_translations

APP_PO = (
    Path(__file__).resolve().parents[2] / "benchmark" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
)


def test_every_string_of_the_app_is_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(test_translations, "PO", APP_PO)
    entries = test_translations._entries()
    assert len(entries) > 40
    assert [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy] == []


@pytest.mark.django_db
def test_the_settings_page_speaks_chinese(client: Client, org: Org) -> None:
    client.force_login(org.manager)
    page = client.get(
        reverse("benchmark:settings", args=[org.organisation.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN"
    ).content.decode()
    assert "同业对标" in page
    assert "退出后，贵组织将从下一次每日快照中移除。" in page
