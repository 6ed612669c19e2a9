"""Validators shared by the portal's models and forms."""

from __future__ import annotations

import unicodedata
from typing import Final

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

SINGLE_LINE_CONTROL: Final = _(
    "Enter a single line without control characters (line breaks, tabs, or direction overrides)."
)

# Joiners that some scripts and emoji need; every other format character (bidi embeddings, overrides
# and isolates, the byte order mark, invisible separators) is refused.
_ALLOWED_FORMAT: Final = frozenset({"\u200c", "\u200d"})
# Control (Cc), format (Cf), surrogate (Cs), line and paragraph separators (Zl, Zp).
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _refused(ch: str) -> bool:
    return ch not in _ALLOWED_FORMAT and unicodedata.category(ch) in _REFUSED_CATEGORIES


def refused_single_line_characters(value: str) -> list[str]:
    """The characters of ``value`` a single-line field refuses, in order (pure, for tests and messages)."""
    return [ch for ch in value if _refused(ch)]


def to_single_line(text: str) -> str:
    """``text`` as one line by the same rule the validator applies: for values that are written, not
    typed into a form (email subjects and headers built from stored names and translations).

    Every character the validator refuses becomes a space, and runs of white space (tabs, ideographic
    spaces) become one space, so the result always passes ``validate_single_line``.
    """
    return " ".join("".join(" " if _refused(ch) else ch for ch in text).split())


@deconstructible(path="common.validators.SingleLineValidator")
class SingleLineValidator:
    """Refuses text that would not stay on one line or would display differently from how it reads.

    For names and titles: they go into email subjects (where a line break is refused and used to turn a
    committed decision into a 500), file names, PDF headings, spreadsheet cells and lists, where a
    right-to-left override (U+202E) makes ``evil‮fdp.exe`` read as ``evilexe.pdf``.
    """

    message = SINGLE_LINE_CONTROL
    code = "control_character"

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and refused_single_line_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingleLineValidator)

    def __hash__(self) -> int:
        return hash(SingleLineValidator)


validate_single_line = SingleLineValidator()
