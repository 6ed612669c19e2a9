"""Every user-facing string is translated into Simplified Chinese, and the catalogue is in use."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry of the catalogue, plural forms folded into msgstr."""
    entries: list[tuple[str, str, bool]] = []
    msgid = msgstr = None
    fuzzy = False
    field = None
    for raw in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if msgid:
                entries.append((msgid, msgstr or "", fuzzy))
            msgid, msgstr, fuzzy, field = None, None, False, None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, field = line[7:-1], "id"
        elif line.startswith("msgid_plural"):
            field = "plural"
        elif line.startswith("msgstr"):
            msgstr = (msgstr or "") + line.split(" ", 1)[1][1:-1]
            field = "str"
        elif line.startswith('"'):
            if field == "id":
                msgid = (msgid or "") + line[1:-1]
            elif field == "str":
                msgstr = (msgstr or "") + line[1:-1]
    return entries


def test_every_string_is_translated() -> None:
    entries = _entries()
    assert len(entries) > 100
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []


@pytest.mark.django_db
def test_pages_speak_chinese(client: Client) -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("Dashboard") != "Dashboard"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "登录" in response.content.decode()
