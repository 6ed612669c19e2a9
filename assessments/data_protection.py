"""Data protection: everything of one organisation out as one archive, back in, or erased for good.

The archive is a zip with ``organisation.json`` (Django serialisation, loadable by ``loaddata``; users and
criteria by natural key — username and model code/version/criterion code — everything else with its
database id), ``manifest.json`` (counts and any evidence file missing from storage) and the evidence files
under their stored names (``evidence/<organisation id>/<random>.<ext>``). Capability models are reference
data and are not in the archive: a restore needs the same model versions loaded first.

User accounts are exported without their password hash; a restore creates missing accounts without a
usable password (people set one through "Forgot your password?").

Erasure (``organisation_delete``) is the one write that may remove an approved assessment: it is an
explicit data-protection request (PIPL art. 47), made by a superuser, and it removes the audit trail of the
organisation's assessments too, because history rows hold the same personal data. Export first when the
record must be kept elsewhere.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capability_model.models import Criterion

from .models import Answer, Assessment, ConsultantAssignment, Evidence, Membership, Organisation
from .signals import organisation_erased

ARCHIVE_FORMAT = "maturity-portal-organisation"
ARCHIVE_VERSION = 1
DATA_NAME = "organisation.json"
MANIFEST_NAME = "manifest.json"
EVIDENCE_PREFIX = "evidence/"
USER_FIELDS = ("username", "email", "first_name", "last_name", "is_active", "date_joined")

NOT_AN_ARCHIVE = _("This is not an organisation export of the Maturity Portal.")
UNSUPPORTED_VERSION = _(
    "This export has format version %(version)s; this portal reads version %(supported)s."
)
ALREADY_EXISTS = _(
    "The database already holds %(what)s with the ids in this export; restore into an empty database or "
    "erase the organisation first."
)
MISSING_MODEL = _("The export refers to capability model %(model)s, which is not loaded here.")


@dataclass(frozen=True, slots=True)
class RestoreSummary:
    organisation: Organisation
    assessments: int
    answers: int
    evidence_files: int
    history_rows: int
    users_created: int


@dataclass(frozen=True, slots=True)
class ErasureSummary:
    assessments: int
    answers: int
    evidence_files: int
    history_rows: int
    accounts: int


@dataclass(frozen=True, slots=True)
class ArchivePart:
    """Rows another app keeps about an organisation's assessments (the action plan), added to the export
    by a registry because this app never imports the apps built on it (DESIGN §4). ``rows`` maps the
    organisation's assessment ids to named groups of rows (history rows included); ``organisation_rows`` does
    the same for rows kept about the organisation itself (its KPI values); files of those rows' FileFields
    are archived and restored when their names start with one of ``file_prefixes``."""

    rows: Callable[[list[int]], dict[str, list[Any]]] = lambda assessment_ids: {}
    organisation_rows: Callable[[int], dict[str, list[Any]]] = lambda organisation_id: {}
    file_prefixes: tuple[str, ...] = ()
    # Called inside the restore's transaction with the restored objects and the time it started: loaddata
    # sets many-to-many fields with ordinary writes, which some histories record as new changes.
    after_restore: Callable[[list[dict[str, Any]], datetime], None] | None = None


ARCHIVE_PARTS: list[ArchivePart] = []


def archive_part_register(part: ArchivePart) -> None:
    """Called from the other app's ``AppConfig.ready``."""
    if part not in ARCHIVE_PARTS:
        ARCHIVE_PARTS.append(part)


def _file_names(row: models.Model) -> list[str]:
    return [
        str(getattr(row, field.attname) or "")
        for field in row._meta.concrete_fields
        if isinstance(field, models.FileField) and getattr(row, field.attname)
    ]


def _history_models() -> list[type[models.Model]]:
    return [Assessment.history.model, Answer.history.model, Evidence.history.model]


def _organisation_rows(organisation: Organisation) -> dict[str, Any]:
    assessments = list(Assessment.objects.filter(organisation=organisation).order_by("created_at", "pk"))
    assessment_ids = [a.pk for a in assessments]
    answers = list(Answer.objects.filter(assessment_id__in=assessment_ids).order_by("pk"))
    history_answer, history_evidence = Answer.history.model, Evidence.history.model
    answer_ids = set(Answer.history.filter(assessment_id__in=assessment_ids).values_list("id", flat=True))
    answer_ids |= {a.pk for a in answers}
    return {
        "organisation": [organisation],
        "memberships": list(Membership.objects.filter(organisation=organisation).order_by("pk")),
        "assignments": list(ConsultantAssignment.objects.filter(organisation=organisation).order_by("pk")),
        "assessments": assessments,
        "answers": answers,
        "evidence": list(Evidence.objects.filter(answer_id__in=answer_ids).order_by("pk")),
        "assessment_history": list(Assessment.history.filter(id__in=assessment_ids).order_by("history_id")),
        "answer_history": list(history_answer.objects.filter(id__in=answer_ids).order_by("history_id")),
        "evidence_history": list(
            history_evidence.objects.filter(answer_id__in=answer_ids).order_by("history_id")
        ),
    } | {
        name: rows
        for part in ARCHIVE_PARTS
        for name, rows in (part.rows(assessment_ids) | part.organisation_rows(organisation.pk)).items()
    }


def _referenced_user_ids(rows: Iterable[models.Model]) -> set[int]:
    user_model = get_user_model()
    ids: set[int] = set()
    for row in rows:
        for field in row._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                value = getattr(row, field.attname)
                if value is not None:
                    ids.add(value)
    return ids


def organisation_export(*, organisation: Organisation) -> bytes:
    """One zip with everything the portal holds about the organisation (see the module docstring)."""
    groups = _organisation_rows(organisation)
    rows = [row for group in groups.values() for row in group]
    users = list(get_user_model().objects.filter(pk__in=_referenced_user_ids(rows)).order_by("username"))
    data = json.loads(
        serializers.serialize(
            "json", users, fields=USER_FIELDS, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
    )
    data += json.loads(serializers.serialize("json", rows, use_natural_foreign_keys=True))
    buffer = io.BytesIO()
    missing: list[str] = []
    prefixes = tuple(prefix for part in ARCHIVE_PARTS for prefix in part.file_prefixes)
    part_files = [
        name
        for group in groups.values()
        for row in group
        for name in _file_names(row)
        if name.startswith(prefixes)
    ] if prefixes else []  # fmt: skip
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA_NAME, json.dumps(data, ensure_ascii=False, indent=1))
        for name in [evidence.file.name for evidence in groups["evidence"]] + part_files:
            try:
                with default_storage.open(name, "rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                missing.append(name)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "exported_at": timezone.now().isoformat(),
            "organisation": {"id": organisation.pk, "name": organisation.name},
            "counts": {name: len(group) for name, group in groups.items()} | {"users": len(users)},
            "models": sorted(
                {"{}:{}".format(*a.capability_model.natural_key()) for a in groups["assessments"]}
            ),
            "missing_evidence_files": missing,
        }
        archive.writestr(MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=1))
    return buffer.getvalue()


def _read_archive(data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]], zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read(MANIFEST_NAME))
        objects = json.loads(archive.read(DATA_NAME))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(NOT_AN_ARCHIVE, code="not_an_archive") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != ARCHIVE_FORMAT
        or not isinstance(objects, list)
    ):
        raise ValidationError(NOT_AN_ARCHIVE, code="not_an_archive")
    if manifest.get("version") != ARCHIVE_VERSION:
        raise ValidationError(
            UNSUPPORTED_VERSION,
            code="version",
            params={"version": manifest.get("version"), "supported": ARCHIVE_VERSION},
        )
    return manifest, objects, archive


def _ensure_models_loaded(manifest: dict[str, Any]) -> None:
    for key in manifest.get("models", []):
        code, _sep, version = str(key).rpartition(":")
        if not Criterion.objects.filter(
            capability_model__code=code, capability_model__version=version
        ).exists():
            raise ValidationError(MISSING_MODEL, code="missing_model", params={"model": key})


def _ensure_ids_free(objects: list[dict[str, Any]]) -> None:
    """Restoring rows with their ids over existing rows would overwrite another organisation's data."""
    by_model: dict[str, list[Any]] = {}
    for item in objects:
        if "pk" in item:
            by_model.setdefault(item["model"], []).append(item["pk"])
    for label, pks in by_model.items():
        model = apps.get_model(label)
        if model._base_manager.filter(pk__in=pks).exists():
            raise ValidationError(
                ALREADY_EXISTS, code="exists", params={"what": model._meta.verbose_name_plural}
            )


def _restore_users(objects: list[dict[str, Any]]) -> int:
    user_model = get_user_model()
    created = 0
    for item in objects:
        fields = {name: value for name, value in item["fields"].items() if name in USER_FIELDS}
        user, was_created = user_model.objects.get_or_create(username=fields.pop("username"), defaults=fields)
        if was_created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            created += 1
    return created


@transaction.atomic
def organisation_restore(*, data: bytes) -> RestoreSummary:
    """Loads an archive made by ``organisation_export`` into this database, evidence files included.

    Refuses (``ValidationError``) a file that is not such an archive, a model version that is not loaded,
    and ids that already exist here. Either everything is restored or nothing.
    """
    manifest, objects, archive = _read_archive(data)
    _ensure_models_loaded(manifest)
    user_label = get_user_model()._meta.label_lower
    users = [item for item in objects if item.get("model") == user_label]
    rows = [item for item in objects if item.get("model") != user_label]
    _ensure_ids_free(rows)
    users_created = _restore_users(users)
    started = timezone.now()
    # loaddata does what a restore needs: raw saves (no new history rows: the exported ones come back),
    # forward references, a constraint check at the end and the sequences moved past the restored ids.
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as fixture:
        json.dump(rows, fixture)
        fixture.flush()
        call_command("loaddata", fixture.name, verbosity=0)
    for part in ARCHIVE_PARTS:
        if part.after_restore is not None:
            part.after_restore(rows, started)
    counts = Counter(str(item.get("model", "")).lower() for item in rows)
    written: list[str] = []
    # Which fields of which models hold files: evidence here, and the registered parts' files.
    file_fields: dict[str, tuple[str, ...]] = {Evidence._meta.label_lower: ("file",)}
    prefixes = (EVIDENCE_PREFIX, *(prefix for part in ARCHIVE_PARTS for prefix in part.file_prefixes))
    for item in rows:
        label = str(item.get("model", "")).lower()
        if label not in file_fields and "." in label:
            with contextlib.suppress(LookupError):
                model = apps.get_model(label)
                file_fields[label] = tuple(
                    f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)
                )
    try:
        for item in rows:
            names = [
                str(item.get("fields", {}).get(field) or "")
                for field in file_fields.get(str(item.get("model", "")).lower(), ())
            ]
            for name in names:
                if (
                    not name.startswith(prefixes)
                    or ".." in name
                    or name in manifest["missing_evidence_files"]
                ):
                    continue
                if not default_storage.exists(name):
                    stored = default_storage.save(name, ContentFile(archive.read(name)))
                    written.append(stored)
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise
    organisation_pk = next(
        item["pk"] for item in rows if str(item.get("model", "")).lower() == Organisation._meta.label_lower
    )
    return RestoreSummary(
        organisation=Organisation.objects.get(pk=organisation_pk),
        assessments=counts[Assessment._meta.label_lower],
        answers=counts[Answer._meta.label_lower],
        evidence_files=len(written),
        history_rows=sum(counts[model._meta.label_lower] for model in _history_models()),
        users_created=users_created,
    )


@transaction.atomic
def organisation_delete(*, organisation: Organisation, delete_accounts: bool = True) -> ErasureSummary:
    """Erases the organisation with every row and file the portal holds about it, approved work included.

    Memberships, consultant assignments, assessments, answers, evidence rows and files, and the history
    rows of all of them. With ``delete_accounts``, the accounts of members who belong to no other
    organisation, have no consultant assignment and are not staff are deleted as well. Files are removed
    once the transaction has committed.
    """
    groups = _organisation_rows(organisation)
    assessment_ids = [a.pk for a in groups["assessments"]]
    answer_ids = {row.id for row in groups["answer_history"]} | {a.pk for a in groups["answers"]}
    # Historical rows hold the file's name as text (simple-history copies the path, not the file).
    files = {e.file.name for e in groups["evidence"]} | {
        str(e.file) for e in groups["evidence_history"] if e.file
    }
    folder = f"{EVIDENCE_PREFIX}{organisation.pk}"
    organisation_pk = organisation.pk
    member_ids = [m.user_id for m in groups["memberships"]]
    history_rows = sum(
        len(groups[name]) for name in ("assessment_history", "answer_history", "evidence_history")
    )
    organisation.delete()  # cascades; simple-history records each deletion, removed just below
    Assessment.history.filter(id__in=assessment_ids).delete()
    Answer.history.filter(id__in=answer_ids).delete()
    Evidence.history.filter(answer_id__in=answer_ids).delete()
    accounts = 0
    if delete_accounts:
        alone = (
            get_user_model()
            .objects.filter(pk__in=member_ids, is_staff=False, is_superuser=False)
            .exclude(memberships__isnull=False)
            .exclude(consultant_assignments__isnull=False)
        )
        accounts = alone.delete()[1].get(get_user_model()._meta.label, 0)

    def remove_files() -> None:
        names = set(files)
        with contextlib.suppress(FileNotFoundError, NotImplementedError):
            names |= {f"{folder}/{name}" for name in default_storage.listdir(folder)[1]}
        for name in names:
            default_storage.delete(name)
        # Files other apps derived from the data (cached report PDFs) go too: they listen for this.
        organisation_erased.send(sender=Organisation, organisation_id=organisation_pk)

    transaction.on_commit(remove_files)
    return ErasureSummary(
        assessments=len(assessment_ids),
        answers=len(groups["answers"]),
        evidence_files=len(files),
        history_rows=history_rows,
        accounts=accounts,
    )
