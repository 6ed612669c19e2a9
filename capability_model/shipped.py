"""Loading the shipped model from ``fixtures/``: version 1 in ``fixtures/CODE/``, later versions in
``fixtures/CODE/vN/`` (``model.json``, ``kpis.json``, then one file per capability item).

Only one version of a code may be published (a database constraint), so when a later version is loaded the
earlier ones are loaded as retired: assessments that use them keep working, new ones start on the newest.
A version directory that is still being written (fewer item files than the standard has items) is skipped
with a message, so the portal keeps working on the versions that are complete.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.base import DeserializationError
from django.db import transaction
from django.db.models import F

from .models import CapabilityModel, Criterion, KpiThreshold, ModelState

FIXTURES_DIR: Final = Path(settings.BASE_DIR) / "fixtures"
ITEM_COUNT: Final = 20  # capability items of GB/T 43045.1-2023: a version with fewer files is unfinished
_VERSION_DIR: Final = re.compile(r"^v([0-9]+)$")
_DOMAIN_ORDER: Final = {"SP": 0, "CB": 1, "OP": 2, "MI": 3}
_NOT_ITEMS: Final = frozenset({"model.json", "kpis.json"})


class ShippedFixtureError(ValueError):
    """A fixture file that cannot be loaded: names the file and the reason."""


def _version_folder(code: str, version: int) -> Path:
    folder = FIXTURES_DIR / code
    return folder if version == 1 else folder / f"v{version}"


def shipped_versions(code: str) -> list[int]:
    """The versions shipped for ``code``: 1 (the folder itself) and one per ``vN`` sub-folder."""
    folder = FIXTURES_DIR / code
    if not (folder / "model.json").is_file():
        raise FileNotFoundError(f"no shipped fixtures for model {code!r} in {folder}")
    later = sorted(
        int(match.group(1))
        for child in folder.iterdir()
        if child.is_dir() and (match := _VERSION_DIR.match(child.name)) and (child / "model.json").is_file()
    )
    return [1, *(v for v in later if v > 1)]


def _item_files(folder: Path) -> list[Path]:
    return sorted(
        (p for p in folder.glob("*.json") if p.name not in _NOT_ITEMS),
        key=lambda p: (_DOMAIN_ORDER.get(p.stem[:2], 99), p.stem),
    )


def shipped_fixture_files(code: str, version: int = 1) -> list[Path]:
    """A shipped version's files in load order: ``model.json``, ``kpis.json`` (if any), then the items."""
    folder = _version_folder(code, version)
    model_file = folder / "model.json"
    if not model_file.is_file():
        raise FileNotFoundError(f"no shipped fixtures for model {code!r} v{version} in {folder}")
    kpis = [folder / "kpis.json"] if (folder / "kpis.json").is_file() else []
    return [model_file, *kpis, *_item_files(folder)]


def _is_complete(code: str, version: int) -> bool:
    return len(_item_files(_version_folder(code, version))) >= ITEM_COUNT


def _load(files: list[Path], *, retired: bool) -> None:
    """Saves every object of ``files`` (natural keys: a second load updates the same rows).

    Like ``loaddata`` (raw saves, many-to-many set after the row), but the version's state can be set to
    retired on the way in, since its file says "published" and only one version may be.
    """
    for path in files:
        try:
            # Lazy: each object's natural keys are resolved after the previous one is saved.
            for obj in serializers.deserialize("json", path.read_text(encoding="utf-8")):
                if retired and isinstance(obj.object, CapabilityModel):
                    obj.object.state = ModelState.RETIRED
                obj.save()
        except (DeserializationError, ObjectDoesNotExist, ValueError) as exc:
            raise ShippedFixtureError(f"{path.name}: {exc}") from None


def _check_thresholds(model: CapabilityModel) -> None:
    """A threshold must tie a KPI and a criterion of the same version (raw saves skip the model's check)."""
    wrong = KpiThreshold.objects.filter(capability_model=model).exclude(
        kpi__capability_model=F("criterion__capability_model")
    )
    if wrong.exists():
        raise ShippedFixtureError(f"{model}: thresholds tie a KPI and a criterion of different versions")


@transaction.atomic
def capability_model_load_shipped(*, code: str) -> str:
    """Loads (or refreshes) every complete shipped version of ``code``; never touches a version in use.

    The newest complete version is published, the earlier ones are retired. Returns one line per version.
    """
    versions = shipped_versions(code)
    complete = [v for v in versions if _is_complete(code, v)]
    newest = max(complete, default=1)
    report = []
    for version in versions:
        if version not in complete:
            files = len(_item_files(_version_folder(code, version)))
            report.append(
                f"{code} v{version}: skipped, {files} of {ITEM_COUNT} item files so far (not loaded)"
            )
            continue
        retired = version != newest
        existing = CapabilityModel.objects.filter(code=code, version=version).first()
        if existing is not None and existing.is_locked:
            if retired and existing.state == ModelState.PUBLISHED:
                existing.state = ModelState.RETIRED
                existing.save(update_fields=["state"])  # its life cycle may move; its content may not
            report.append(f"{code} v{version} is in use by assessments: left as it is")
            continue
        if not retired:  # e.g. a later version that was loaded once and is unfinished again
            CapabilityModel.objects.filter(code=code, state=ModelState.PUBLISHED).exclude(
                version=version
            ).update(state=ModelState.RETIRED)
        _load(shipped_fixture_files(code, version), retired=retired)
        model = CapabilityModel.objects.get(code=code, version=version)
        _check_thresholds(model)
        count = Criterion.objects.filter(capability_model=model).count()
        report.append(f"{code} v{version}: loaded {count} criteria ({model.get_state_display()})")
    return "\n".join(report)
