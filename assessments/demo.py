"""Demo organisations, accounts and assessments, so that a newcomer sees every state (``load_demo``).

Everything goes through the services, like a user's clicks would, and is deterministic (seeded), so a
second run finds what the first made and changes nothing.
"""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from capability_model.models import CapabilityModel
from capability_model.scoring import Rating

from . import services
from .access import assessment_get_for_user
from .models import (
    Answer,
    Assessment,
    ConsultantAssignment,
    Industry,
    Membership,
    Organisation,
    OrganisationSize,
    Role,
)
from .selectors import ANSWER_MODEL_ORDER

DEMO_PASSWORD = "portal-demo"  # noqa: S105 - documented development-only accounts
DEMO_ORGANISATION = "示例客服中心 Demo Contact Centre"
OTHER_ORGANISATION = "Other Org"
MODEL_CODE = "gbt43045-1-2023"
# The demo's assessments stay on version 1, the version they were written for (their evidence names v1
# criteria such as SP1-1-01), even once a later version is published; kpis.demo adds one on the newest.
MODEL_VERSION = 1

ACCOUNTS = [
    # username, organisation, role (None: consultant)
    ("demo-manager", DEMO_ORGANISATION, Role.MANAGER),
    ("demo-contributor", DEMO_ORGANISATION, Role.CONTRIBUTOR),
    ("demo-viewer", DEMO_ORGANISATION, Role.VIEWER),
    ("other-manager", OTHER_ORGANISATION, Role.MANAGER),
    ("demo-consultant", DEMO_ORGANISATION, None),
]

# The consultant's name is on every report's cover.
FULL_NAMES = {"demo-consultant": ("Wei", "Zhang 张伟")}

# Titles name the period only: the state is the workflow's to show, and it changes.
APPROVED_TITLE = "2025 年度评估 2025 annual assessment"
IN_REVIEW_TITLE = "2026 一季度评估 2026 Q1 assessment"
SUBMITTED_TITLE = "2026 上半年自评估 2026 H1 self-assessment"
DRAFT_TITLE = "2026 年度自评估 2026 self-assessment"

# Small text files attached to every submitted demo assessment, so the report's evidence index has rows.
EVIDENCE = {
    "SP1-1-01": (
        "客服战略规划2025.txt",
        "客服中心三年战略规划（2025–2027）\nCustomer service strategy 2025–2027\n",
    ),
    "CB4-2-02": ("intent-accuracy-2025Q3.csv", "month,sample,accuracy\n2025-07,320,0.91\n2025-08,310,0.92\n"),
    "OP5-1-01": ("质检校准会议纪要.txt", "月度质检校准会议纪要 Monthly QA calibration minutes\n"),
}

# A contact centre that is solid at levels 1–2, part of the way to 3, with islands of 4.
PROFILE = {
    1: [(Rating.F, 0.9), (Rating.L, 0.1)],
    2: [(Rating.F, 0.6), (Rating.L, 0.3), (Rating.P, 0.1)],
    3: [(Rating.F, 0.25), (Rating.L, 0.45), (Rating.P, 0.25), (Rating.NA, 0.05)],
    4: [(Rating.L, 0.2), (Rating.P, 0.5), (Rating.N, 0.3)],
    5: [(Rating.P, 0.2), (Rating.N, 0.8)],
}


def _user(username: str) -> User:
    first, last = FULL_NAMES.get(username, ("", ""))
    user, _created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@example.com", "first_name": first, "last_name": last},
    )
    if not user.check_password(DEMO_PASSWORD):  # a second run must not log everyone out
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _rating(rng: random.Random, level: int) -> Rating:
    ratings, weights = zip(*PROFILE[level], strict=True)
    return rng.choices(ratings, weights=weights)[0]


def _answer(assessment: Assessment, user: User, *, share: float, seed: int) -> None:
    """Answers the first ``share`` of each domain's criteria with the demo profile."""
    access = assessment_get_for_user(user=user, pk=assessment.pk)
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    answers = list(
        Answer.objects.filter(assessment=assessment)
        .select_related("criterion", "criterion__item__domain")
        .order_by(*ANSWER_MODEL_ORDER)
    )
    by_domain: dict[str, list[Answer]] = {}
    for answer in answers:
        by_domain.setdefault(answer.criterion.item.domain.code, []).append(answer)
    for domain_answers in by_domain.values():
        for answer in domain_answers[: round(len(domain_answers) * share)]:
            rating = _rating(rng, answer.criterion.level)
            justification = (
                "本中心不涉及该场景。 Not in scope for this centre." if rating is Rating.NA else ""
            )
            services.answer_record(
                access=access,
                criterion_code=answer.criterion.code,
                data=services.AnswerInput(
                    rating=rating.value,
                    comment="已核对相关文档。 Checked against the documents." if rng.random() < 0.15 else "",
                    justification=justification,
                    flagged=rng.random() < 0.03,
                    revision=answer.revision,
                ),
                user=user,
            )


def _review(assessment: Assessment, consultant: User, *, seed: int, share: float) -> None:
    """The consultant opens the assessment and verifies a share of it, lowering some self ratings."""
    access = assessment_get_for_user(user=consultant, pk=assessment.pk)
    services.assessment_start_review(access=access, user=consultant)
    access = assessment_get_for_user(user=consultant, pk=assessment.pk)
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    lower = {"F": "L", "L": "P", "P": "N"}
    answers = list(
        assessment.answers.select_related("criterion").exclude(rating="").order_by("criterion__code")
    )
    for answer in answers[: round(len(answers) * share)]:
        changed = answer.rating in lower and rng.random() < 0.2
        services.review_record(
            access=access,
            criterion_code=answer.criterion.code,
            data=services.ReviewInput(
                verified_rating=lower[answer.rating] if changed else answer.rating,
                review_comment="现场抽查证据不足。 The sampled evidence does not support the rating."
                if changed
                else "",
            ),
            user=consultant,
        )


def _submitted(
    demo: Organisation, model: CapabilityModel, manager: User, title: str, seed: int
) -> Assessment:
    assessment = services.assessment_start(
        organisation=demo,
        user=manager,
        capability_model=model,
        title=title,
        target_level=3,
        scope="热线、在线客服、App 与微信渠道。 Hotline, web chat, app and WeChat channels.",
        allow_retired=True,
    )
    _answer(assessment, manager, share=1.0, seed=seed)
    access = assessment_get_for_user(user=manager, pk=assessment.pk)
    for code, (name, text) in EVIDENCE.items():
        services.evidence_attach(
            access=access, criterion_code=code, upload=SimpleUploadedFile(name, text.encode()), user=manager
        )
    services.assessment_submit(access=assessment_get_for_user(user=manager, pk=assessment.pk), user=manager)
    return assessment


@transaction.atomic
def load_demo() -> list[str]:
    """Creates what is missing of the demo; returns one line per thing created or found."""
    report: list[str] = []
    model = CapabilityModel.objects.get(code=MODEL_CODE, version=MODEL_VERSION)
    demo, _ = Organisation.objects.get_or_create(
        name=DEMO_ORGANISATION, defaults={"industry": Industry.TELECOM, "size": OrganisationSize.LARGE}
    )
    Organisation.objects.get_or_create(
        name=OTHER_ORGANISATION, defaults={"industry": Industry.ECOMMERCE, "size": OrganisationSize.MEDIUM}
    )
    users = {}
    for username, organisation_name, role in ACCOUNTS:
        user = users[username] = _user(username)
        organisation = Organisation.objects.get(name=organisation_name)
        if role is None:
            ConsultantAssignment.objects.get_or_create(consultant=user, organisation=organisation)
        else:
            Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})
        report.append(f"account {username} / {DEMO_PASSWORD}")
    manager = users["demo-manager"]

    consultant = users["demo-consultant"]
    if not Assessment.objects.filter(organisation=demo, title=APPROVED_TITLE).exists():
        approved = _submitted(demo, model, manager, APPROVED_TITLE, seed=2025)
        _review(approved, consultant, seed=1, share=1.0)
        services.assessment_approve(
            access=assessment_get_for_user(user=consultant, pk=approved.pk),
            user=consultant,
            note="证据充分，已核实。 Evidence sufficient; verified on site.",
        )
        report.append(f"assessment approved: {APPROVED_TITLE}")
    if not Assessment.objects.filter(organisation=demo, title=IN_REVIEW_TITLE).exists():
        in_review = _submitted(demo, model, manager, IN_REVIEW_TITLE, seed=2026)
        _review(in_review, consultant, seed=2, share=0.5)
        report.append(f"assessment in review: {IN_REVIEW_TITLE}")
    if not Assessment.objects.filter(organisation=demo, title=SUBMITTED_TITLE).exists():
        _submitted(demo, model, manager, SUBMITTED_TITLE, seed=2027)
        report.append(f"assessment submitted: {SUBMITTED_TITLE}")
    if not Assessment.objects.filter(organisation=demo, title=DRAFT_TITLE).exists():
        draft = services.assessment_start(
            organisation=demo,
            user=manager,
            capability_model=model,
            title=DRAFT_TITLE,
            target_level=3,
            scope="全渠道。 All channels.",
            allow_retired=True,
        )
        _answer(draft, users["demo-contributor"], share=0.5, seed=2028)
        report.append(f"assessment draft: {DRAFT_TITLE}")
    return report
