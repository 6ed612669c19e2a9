"""The certification package: built by the queue, signed, and checked offline — by ``verify_package`` and by
the very ``openssl`` and ``sha256sum`` commands VERIFY.txt gives — so that any change of any byte of any file,
of the list of checksums or of the key is detected."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from improvement import package_jobs, package_text
from improvement.models import PackageJob
from improvement.package_check import CHECKSUMS, SIGNATURE, package_check
from improvement.signing import public_key_fingerprint, public_key_pem
from tests.assessments.conftest import Org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_pdfs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two real renders take seconds: only the first test renders them; the others get stand-ins."""
    if request.node.name != "test_the_package_holds_the_record_and_verifies":
        from django.utils.translation import get_language

        monkeypatch.setattr(
            "improvement.services.package.report_pdf_render",
            lambda **kwargs: f"%PDF-1.7 stand-in {get_language()}".encode(),
        )


def _package(client: Client, assessment: Assessment) -> bytes:
    """Asks for the package; the immediate task backend builds it inside the request."""
    response = client.get(reverse("improvement:certification_package", args=[assessment.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    assert f"certification-package-{assessment.pk}.zip" in response["Content-Disposition"]
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def _rewrite(data: bytes, change: str, name: str, content: bytes = b"extra") -> bytes:
    """The package with one file's byte flipped, replaced, added or removed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data_in = source.read(info.filename)
            if info.filename == name:
                if change == "remove":
                    continue
                data_in = content if change == "replace" else bytes([data_in[0] ^ 1]) + data_in[1:]
            target.writestr(info.filename, data_in)
        if change == "add":
            target.writestr(name, content)
    return out.getvalue()


def test_the_package_holds_the_record_and_verifies(client: Client, org: Org, approved: Assessment) -> None:
    client.force_login(org.viewer)
    data = _package(client, approved)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {
        "manifest.json",
        "report-en.pdf",
        "report-zh-hans.pdf",
        "workbook.xlsx",
        "evidence-index.csv",
        "action-plan.csv",
        "answer-history.csv",
        "readiness.txt",
        CHECKSUMS,
        SIGNATURE,
        "signing-key.pem",
        "VERIFY.txt",
    } <= names
    evidence = [n for n in names if n.startswith("evidence/SP1-1-01/")]
    assert [archive.read(n) for n in evidence] == ["客服战略目标 2026".encode()]
    assert "Lift SP1" in archive.read("action-plan.csv").decode("utf-8-sig")
    closure = [n for n in names if n.startswith("action-evidence/")]
    assert [archive.read(n) for n in closure] == [b"trained 40 agents"]
    assert closure[0] in archive.read("evidence-index.csv").decode("utf-8-sig")
    assert "indicative" in archive.read("readiness.txt").decode()
    assert archive.read("report-en.pdf").startswith(b"%PDF")
    manifest = json.loads(archive.read("manifest.json"))
    row = next(row for row in manifest["record"]["answers"] if row[0] == "SP1-2-01")
    assert (row[1], row[4]) == ("P", "needs work")
    assert manifest["signing_key_sha256"] == public_key_fingerprint()
    assert archive.read("signing-key.pem") == public_key_pem()
    assert public_key_fingerprint() in archive.read("VERIFY.txt").decode()
    listed = {line.split("  ", 1)[1] for line in archive.read(CHECKSUMS).decode().splitlines()}
    assert listed == names - {CHECKSUMS, SIGNATURE}
    check = package_check(io.BytesIO(data), trusted_key=public_key_pem())
    assert check.intact
    assert check.signature_valid


def test_every_change_is_detected(client: Client, org: Org, approved: Assessment, tmp_path: Path) -> None:
    client.force_login(org.manager)
    data = _package(client, approved)
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    for name in sorted(names - {CHECKSUMS, SIGNATURE}):
        check = package_check(io.BytesIO(_rewrite(data, "flip", name)), trusted_key=public_key_pem())
        assert check.changed == (name,), name
        assert not check.intact
    for name in (CHECKSUMS, SIGNATURE):  # the signed list itself, or its signature
        check = package_check(io.BytesIO(_rewrite(data, "flip", name)), trusted_key=public_key_pem())
        assert not check.signature_valid, name
        assert not check.intact
    removed = package_check(io.BytesIO(_rewrite(data, "remove", "workbook.xlsx")))
    assert removed.missing == ("workbook.xlsx",)
    assert not removed.intact
    added = package_check(io.BytesIO(_rewrite(data, "add", "extra.txt")))
    assert added.added == ("extra.txt",)
    assert not added.intact
    # Re-signed with another key (checksums fixed up, key swapped): valid by its own key, not by the portal's.
    forged = _forge(data, "readiness.txt", b"Ready for everything.")
    assert package_check(io.BytesIO(forged)).intact
    assert not package_check(io.BytesIO(forged), trusted_key=public_key_pem()).intact
    good, bad, fake = tmp_path / "good.zip", tmp_path / "bad.zip", tmp_path / "fake.zip"
    good.write_bytes(data)
    bad.write_bytes(_rewrite(data, "flip", "readiness.txt"))
    fake.write_bytes(forged)
    out = io.StringIO()
    call_command("verify_package", str(good), stdout=out)
    assert "intact" in out.getvalue()
    out = io.StringIO()
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_package", str(bad), stdout=out)
    assert "changed: readiness.txt" in out.getvalue()
    out = io.StringIO()
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_package", str(fake), stdout=out)
    assert "not this portal's" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("verify_package", str(tmp_path / "none.zip"))


def _forge(data: bytes, name: str, content: bytes) -> bytes:
    from improvement.package_check import checksums_text

    source = zipfile.ZipFile(io.BytesIO(data))
    files = {n: source.read(n) for n in source.namelist() if n not in (CHECKSUMS, SIGNATURE)}
    files[name] = content
    key = Ed25519PrivateKey.generate()
    files["signing-key.pem"] = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    listing = checksums_text(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr(CHECKSUMS, listing)
        target.writestr(SIGNATURE, key.sign(listing))
        for n, content_bytes in files.items():
            target.writestr(n, content_bytes)
    return out.getvalue()


def _run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the documented commands, run on a test folder
        ["/bin/bash", "-c", command], cwd=folder, capture_output=True, text=True, check=False
    )


def test_verify_txt_commands_detect_tampering(
    client: Client, org: Org, approved: Assessment, tmp_path: Path
) -> None:
    client.force_login(org.manager)
    data = _package(client, approved)
    folder = tmp_path / "package"
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    fingerprint = _run(package_text.KEY_COMMAND, folder)
    assert fingerprint.stdout.split()[0] == public_key_fingerprint()
    signature = _run(package_text.SIGNATURE_COMMAND, folder)
    assert signature.returncode == 0
    assert "Signature Verified Successfully" in signature.stdout
    assert _run(package_text.FILES_COMMAND, folder).returncode == 0
    added = _run(package_text.ADDED_COMMAND, folder)
    assert added.returncode == 0
    assert added.stdout == ""

    report = folder / "report-en.pdf"
    original = report.read_bytes()
    report.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))  # one byte of one file
    files = _run(package_text.FILES_COMMAND, folder)
    assert files.returncode != 0
    assert "report-en.pdf: FAILED" in files.stdout
    report.write_bytes(original)
    (folder / "workbook.xlsx").unlink()
    assert _run(package_text.FILES_COMMAND, folder).returncode != 0
    (folder / "extra.txt").write_bytes(b"slipped in")
    assert "extra.txt" in _run(package_text.ADDED_COMMAND, folder).stdout
    checksums = folder / CHECKSUMS  # the list itself changed: the signature no longer holds
    checksums.write_text(checksums.read_text().replace("0", "1", 1))
    assert _run(package_text.SIGNATURE_COMMAND, folder).returncode != 0


def test_the_package_is_built_by_the_queue_once(
    client: Client, org: Org, approved: Assessment, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a real queue the request only creates the job; the page polls; a later request finds the same
    job; the worker's build is then served to everyone without building again."""
    enqueued: list[int] = []
    monkeypatch.setattr(package_jobs, "_enqueue", lambda job: enqueued.append(job.pk))
    client.force_login(org.manager)
    url = reverse("improvement:certification_package", args=[approved.pk])
    response = client.get(url)
    job = PackageJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("improvement:package_job", args=[job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "js/report-job.js" in page.content.decode()
    status = client.get(reverse("improvement:package_job_status", args=[job.pk])).json()
    assert status["status"] == "queued"
    assert status["download"] is None
    assert client.get(url)["Location"] == response["Location"]
    assert enqueued == [job.pk]
    assert package_jobs.package_job_run(job_id=job.pk) == "done"
    assert package_jobs.package_job_run(job_id=job.pk) == "skipped"
    status = client.get(reverse("improvement:package_job_status", args=[job.pk])).json()
    assert status["status"] == "done"
    download = client.get(status["download"])
    assert download.status_code == 200
    assert package_check(io.BytesIO(b"".join(download.streaming_content))).intact  # type: ignore[attr-defined]
    assert client.get(url).status_code == 200  # served, not built again
    assert enqueued == [job.pk]


def test_a_failed_build_says_so_and_can_be_retried(
    client: Client, org: Org, approved: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(package_jobs, "certification_package_build", broken)
    client.force_login(org.manager)
    response = client.get(reverse("improvement:certification_package", args=[approved.pk]))
    job = PackageJob.objects.get()
    assert job.status == "failed"
    assert "disk full" in job.error
    page = client.get(response["Location"]).content.decode()
    assert "could not be built" in page
    assert "disk full" in page
    monkeypatch.undo()
    retry = client.post(reverse("improvement:package_job_retry", args=[job.pk]))
    assert retry.status_code == 302
    job.refresh_from_db()
    assert job.status == "done"
    assert package_jobs.package_job_file(job)


def test_builds_answer_404_to_other_organisations(
    client: Client, org: Org, other_org: Org, approved: Assessment
) -> None:
    client.force_login(org.manager)
    client.get(reverse("improvement:certification_package", args=[approved.pk]))
    job = PackageJob.objects.get()
    client.force_login(other_org.manager)
    for name in ("package_job", "package_job_status", "package_job_download"):
        assert client.get(reverse(f"improvement:{name}", args=[job.pk])).status_code == 404, name
    assert client.post(reverse("improvement:package_job_retry", args=[job.pk])).status_code == 404
    assert client.get(reverse("improvement:certification_package", args=[approved.pk])).status_code == 404


def test_the_public_key_page(client: Client) -> None:
    page = client.get(reverse("improvement:signing_key"))
    assert page.status_code == 200
    assert public_key_fingerprint() in page.content.decode()
    assert client.get(reverse("improvement:signing_key_pem")).content == public_key_pem()


def test_no_package_before_approval(client: Client, org: Org, assessment: Assessment) -> None:
    client.force_login(org.manager)
    response = client.get(reverse("improvement:certification_package", args=[assessment.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])
    assert not PackageJob.objects.exists()
