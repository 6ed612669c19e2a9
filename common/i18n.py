"""Bilingual text fields: each translatable text is stored twice (``<name>_zh`` and ``<name>_en``).

Two plain columns instead of a translation framework keep fixtures and spreadsheet exports readable and
let an auditor see both texts side by side. ``localized`` picks the reader's language, falling back to the
other text when one is empty.
"""

from django.utils.translation import get_language

LANGUAGE_SUFFIXES = {"zh-hans": "zh", "en": "en"}


def language_suffix(language: str | None = None) -> str:
    language = (language or get_language() or "zh-hans").lower()
    return "en" if language.startswith("en") else "zh"


def localized(obj: object, field: str, language: str | None = None) -> str:
    suffix = language_suffix(language)
    other = "zh" if suffix == "en" else "en"
    value: str = getattr(obj, f"{field}_{suffix}") or getattr(obj, f"{field}_{other}")
    return value


class BilingualMixin:
    """Adds ``name``/``description``… properties that return the text in the active language."""

    def tr(self, field: str) -> str:
        return localized(self, field)

    @property
    def name(self) -> str:
        return self.tr("name")

    @property
    def description(self) -> str:
        return self.tr("description")
