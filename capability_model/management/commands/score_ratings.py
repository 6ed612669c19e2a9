"""``python manage.py score_ratings FILE``: score a rating set (DESIGN.md §2's black-box interface).

Input ``{"model": "<code>", "ratings": {"<criterion code>": "N|P|L|F|NA", ...}}`` from FILE or ``-`` (stdin),
optionally with ``"version": N``; without it, the published version when it has every code given, else the
newest version that has them all (``capability_model_for_codes``); output the overall, domain and item
levels and indices as JSON (``null`` level for not applicable).
"""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from capability_model import scoring
from capability_model.selectors import UnknownModelError, capability_model_for_codes, model_spec_build


def _score_json(score: scoring.ModelScore | scoring.DomainScore | scoring.ItemScore) -> dict[str, Any]:
    index = None if score.index is None else scoring.format_index(score.index)
    return {"level": score.level, "index": index}


class Command(BaseCommand):
    help = "Score a JSON rating set against a capability model and print levels and indices as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        payload = self._read(options["file"])
        if not isinstance(payload, dict) or not isinstance(payload.get("model"), str):
            raise CommandError(
                'input must be a JSON object with "model" (a string) and "ratings" (an object)'
            )
        ratings = payload.get("ratings", {})
        if not isinstance(ratings, dict):
            raise CommandError('"ratings" must be a JSON object mapping criterion codes to N, P, L, F or NA')
        version = payload.get("version")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
            raise CommandError('"version" must be a whole number, e.g. 2')
        try:
            model = capability_model_for_codes(
                code=payload["model"], criterion_codes={str(c) for c in ratings}, version=version
            )
            spec = model_spec_build(model=model)
            parsed = scoring.parse_ratings(spec, ratings)
        except (UnknownModelError, scoring.ScoringInputError) as exc:
            raise CommandError(str(exc)) from None
        result = scoring.score(spec, parsed)
        output = {
            "overall": _score_json(result),
            "domains": {d.code: _score_json(d) for d in result.domains},
            "items": {i.code: _score_json(i) for d in result.domains for i in d.items},
        }
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))

    def _read(self, path: str) -> Any:
        try:
            if path == "-":
                return json.load(sys.stdin)
            with open(path, encoding="utf-8") as handle:
                return json.load(handle)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}") from None
