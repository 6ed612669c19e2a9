"""KPI values travel with their organisation: exported, erased and restored with their history and their
evidence files, though ``assessments`` never imports ``kpis`` (the registry of archive parts)."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.access import organisation_get_for_user
from assessments.data_protection import organisation_delete, organisation_export, organisation_restore
from capability_model.models import Kpi
from kpis.models import KpiValue
from kpis.services import kpi_value_record
from tests.assessments.conftest import Org
from tests.kpis.conftest import KpiModel

pytestmark = pytest.mark.django_db


def test_kpi_values_are_exported_erased_and_restored(
    org: Org, kpi_model: KpiModel, django_capture_on_commit_callbacks: Any
) -> None:
    access = organisation_get_for_user(user=org.manager, pk=org.organisation.pk)

    def record(kpi: Kpi, period: str, value: str, evidence: SimpleUploadedFile | None = None) -> None:
        kpi_value_record(
            access=access,
            user=org.manager,
            kpi=kpi,
            period=period,
            value=value,
            source="ACD",
            evidence=evidence,
        )

    record(kpi_model.fcr, "2026-01", "71.5")
    record(kpi_model.fcr, "2026-01", "72", SimpleUploadedFile("fcr.csv", b"m,v\n"))
    record(kpi_model.sec, "2026-Q1", "0")
    stored = KpiValue.objects.get(kpi=kpi_model.fcr)
    evidence_name, evidence_bytes = str(stored.evidence.name), stored.evidence.read()
    history = KpiValue.history.count()
    assert history >= 3  # a correction adds history rows to the same value

    data = organisation_export(organisation=org.organisation)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert json.loads(archive.read("manifest.json"))["counts"]["kpi_values"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        organisation_delete(organisation=org.organisation, delete_accounts=False)
    assert not KpiValue.objects.exists()
    assert not KpiValue.history.exists()
    assert not default_storage.exists(evidence_name)

    organisation_restore(data=data)
    restored = KpiValue.objects.get(kpi=kpi_model.fcr)
    assert restored.recorded_by is not None
    assert (restored.value, restored.source, restored.recorded_by.username) == (
        Decimal("72"), "ACD", org.manager.username,
    )  # fmt: skip
    assert restored.evidence.read() == evidence_bytes
    assert KpiValue.objects.get(kpi=kpi_model.sec).value == Decimal("0")
    assert KpiValue.history.count() == history  # as it was: the restore records no change of its own
