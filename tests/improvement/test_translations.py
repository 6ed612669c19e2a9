"""The improvement app's own catalogue is complete, read by the same parser as the project's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.maturity_portal import test_translations

APP_PO = (
    Path(__file__).resolve().parents[2] / "improvement" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
)


def test_every_string_of_the_app_is_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(test_translations, "PO", APP_PO)
    entries = test_translations._entries()
    assert len(entries) > 90
    assert [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy] == []
