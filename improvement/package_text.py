"""VERIFY.txt: how an auditor checks a certification package with standard tools, in both languages.

The commands are the ones ``tests/improvement/test_package.py`` runs, so the text cannot drift from what
works: ``openssl`` (1.1.1 or later, for ``-rawin``) and GNU ``sha256sum`` (``shasum -a 256`` on macOS).
"""

from __future__ import annotations

from assessments.models import Assessment

from .package_check import CHECKSUMS, PUBLIC_KEY, SIGNATURE

KEY_COMMAND = f"openssl pkey -pubin -in {PUBLIC_KEY} -outform DER | sha256sum"
SIGNATURE_COMMAND = (
    f"openssl pkeyutl -verify -pubin -inkey {PUBLIC_KEY} -rawin -in {CHECKSUMS} -sigfile {SIGNATURE}"
)
FILES_COMMAND = f"sha256sum -c --strict {CHECKSUMS}"
ADDED_COMMAND = (
    f"find . -type f ! -name {CHECKSUMS} ! -name {SIGNATURE} | sed 's|^\\./||' | sort"
    f" | diff - <(sed 's/^[0-9a-f]*  //' {CHECKSUMS} | sort)"
)


def verify_text(*, assessment: Assessment, fingerprint: str) -> str:
    pk, title, organisation = assessment.pk, assessment.title, assessment.organisation.name
    return f"""Certification package of assessment {pk} "{title}" ({organisation})
认证材料包：评估 {pk}“{title}”（{organisation}）

HOW TO VERIFY IT (offline, with standard tools; run in bash)
如何核验（离线，使用标准工具；在 bash 中运行）

1. Unzip the package into an empty folder and go there.
   将材料包解压到一个空文件夹并进入该文件夹。
     unzip certification-package-{pk}.zip -d package && cd package

2. Check that the signing key is the portal's: this must print the fingerprint the portal publishes on its
   page "Certification package signing key" (ask the portal's operator if in doubt):
   确认签名公钥属于本平台：输出必须与平台“认证材料包签名密钥”页面公布的指纹一致：
     {KEY_COMMAND}
   The key that signed this package / 签署本材料包的公钥指纹:
     {fingerprint}

3. Check the signature of the list of checksums; expected "Signature Verified Successfully".
   核验校验和清单的签名；应输出 "Signature Verified Successfully"。
     {SIGNATURE_COMMAND}

4. Check every file against the list; every line must end in "OK" (a changed file says FAILED, a missing
   one "No such file or directory").
   逐一核对文件；每一行都应以 "OK" 结尾
   （被修改的文件显示 FAILED，缺失的文件显示 "No such file or directory"）。
     {FILES_COMMAND}

5. Check that no file was added; expected: no output.
   确认没有被添加的文件；应无任何输出。
     {ADDED_COMMAND}

If all five steps pass, every file is exactly as the portal produced it. manifest.json holds the approved
record (every rating, verified rating and comment) and its SHA-256; readiness.txt is indicative only.
Or, with the portal installed: python manage.py verify_package certification-package-{pk}.zip
五步全部通过，即表明每个文件都与平台生成时完全一致。
manifest.json 包含已批准的评估记录（每项评级、核验评级与意见）及其 SHA-256；readiness.txt 仅供参考。
"""
