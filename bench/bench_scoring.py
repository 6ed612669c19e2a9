"""Benchmark of ``capability_model.scoring.score``: full assessments scored per second.

Every page, report and export scores one or two full rating sets, so ``score()`` must stay cheap: the goal
is at least 10,000 full assessments (about 220 criteria each) per second on a slow two-core machine.

``python bench/bench_scoring.py`` measures the shipped model from the database (after ``make setup``);
``--synthetic`` measures a spec shaped like the standard without Django, for working on the module alone.
Either way it prints one line and exits 1 when the goal is missed, so CI or ``make bench`` can gate on it.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from capability_model.scoring import ModelSpec, Rating

GOAL: float = 10000.0  # full assessments per second
SHIPPED_CODE = "gbt43045-1-2023"
POOL_SIZE = 200  # distinct rating sets, so that no branch pattern is measured in isolation
NA_SHARE = 0.04  # "a little NA": roughly one criterion in twenty-five


def rating_pool(spec: ModelSpec, count: int, seed: int) -> list[dict[str, Rating]]:
    """``count`` random full rating sets over every criterion: N/P/L/F evenly, with a little NA."""
    from capability_model.scoring import Rating

    rng = random.Random(seed)
    codes = sorted(spec.criterion_codes)  # sorted: a seed must give the same sets whatever the set order
    population = [Rating.N, Rating.P, Rating.L, Rating.F, Rating.NA]
    share = (1 - NA_SHARE) / 4
    weights = [share, share, share, share, NA_SHARE]
    return [
        dict(zip(codes, rng.choices(population, weights, k=len(codes)), strict=True)) for _ in range(count)
    ]


def measure(spec: ModelSpec, seconds: float = 3.0, seed: int = 0) -> float:
    """Full assessments scored per second, timing ``score()`` alone (rating sets are made beforehand)."""
    from capability_model.scoring import score

    pool = rating_pool(spec, POOL_SIZE, seed)
    for ratings in pool[:20]:  # warm up caches and the allocator before timing
        score(spec, ratings)
    done = 0
    spent = 0.0
    while spent < seconds:
        start = time.perf_counter()
        for ratings in pool:
            score(spec, ratings)
        spent += time.perf_counter() - start
        done += len(pool)
    return done / spent


def synthetic_spec() -> ModelSpec:
    """A spec shaped like the standard: SP 3, CB 6, OP 8 and MI 3 items, 2 criteria per level (200)."""
    from capability_model.scoring import CriterionSpec, DomainSpec, ItemSpec, ModelSpec

    shape = {"SP": 3, "CB": 6, "OP": 8, "MI": 3}
    return ModelSpec(
        code="synthetic",
        version=1,
        domains=tuple(
            DomainSpec(
                domain,
                tuple(
                    ItemSpec(
                        f"{domain}{n}",
                        tuple(
                            CriterionSpec(f"{domain}{n}-{level}-{k:02d}", level)
                            for level in range(1, 6)
                            for k in (1, 2)
                        ),
                    )
                    for n in range(1, count + 1)
                ),
            )
            for domain, count in shape.items()
        ),
    )


def _shipped_spec() -> ModelSpec:
    """The shipped model through the production selector; exits with a clear message when Django can't."""
    try:
        import django
        from django.core.exceptions import ImproperlyConfigured

        from maturity_portal.settings import default_settings_module
    except ImportError as exc:
        raise SystemExit(
            f"scoring: Django project not importable ({exc}); use --synthetic or `make setup`"
        ) from None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())
    try:
        django.setup()
        from capability_model.selectors import model_spec_get

        return model_spec_get(code=SHIPPED_CODE)
    except ImproperlyConfigured as exc:
        raise SystemExit(f"scoring: Django is not configured ({exc})") from None
    except LookupError as exc:  # UnknownModelError: the fixtures are not loaded
        raise SystemExit(f"scoring: {exc}; run `make setup` to load the shipped model") from None
    except Exception as exc:  # a missing database or table: say so instead of a traceback
        raise SystemExit(f"scoring: cannot read the shipped model ({type(exc).__name__}: {exc})") from None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:  # run as `python bench/bench_scoring.py` without the editable install
        sys.path.insert(0, root)
    spec = synthetic_spec() if "--synthetic" in args else _shipped_spec()
    rate = measure(spec)
    verdict = "OK" if rate >= GOAL else "MISSED"
    print(f"scoring: {rate:.0f} assessments/s (goal >= {GOAL:.0f}) {verdict}")
    return 0 if rate >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
