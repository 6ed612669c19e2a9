"""factory_boy factories for everything that is not reference data."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from assessments.models import Assessment, ConsultantAssignment, Membership, Organisation, Role
from capability_model.models import CapabilityItem, CapabilityModel, Criterion, Domain, ModelState

PASSWORD = "portal-test-pw"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Contact Centre {n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MANAGER


class ConsultantAssignmentFactory(factory.django.DjangoModelFactory[ConsultantAssignment]):
    class Meta:
        model = ConsultantAssignment

    consultant = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class CapabilityModelFactory(factory.django.DjangoModelFactory[CapabilityModel]):
    class Meta:
        model = CapabilityModel

    code = factory.Sequence(lambda n: f"test-model-{n}")
    version = 1
    name_zh = "测试模型"
    name_en = "Test model"
    state = ModelState.DRAFT


class DomainFactory(factory.django.DjangoModelFactory[Domain]):
    class Meta:
        model = Domain

    capability_model = factory.SubFactory(CapabilityModelFactory)
    code = "SP"
    clause = "6"
    order = 1
    name_zh = "战略规划"
    name_en = "Strategic planning"


class CapabilityItemFactory(factory.django.DjangoModelFactory[CapabilityItem]):
    class Meta:
        model = CapabilityItem

    domain = factory.SubFactory(DomainFactory)
    code = factory.LazyAttribute(lambda o: f"{o.domain.code}1")
    clause = "6.2"
    order = 1
    name_zh = "战略目标"
    name_en = "Strategic objectives"


class CriterionFactory(factory.django.DjangoModelFactory[Criterion]):
    class Meta:
        model = Criterion

    item = factory.SubFactory(CapabilityItemFactory)
    level = 1
    order = factory.Sequence(lambda n: n % 99 + 1)
    code = factory.LazyAttribute(lambda o: f"{o.item.code}-{o.level}-{o.order:02d}")
    statement_zh = "组织制定了书面的智能客服目标。"
    statement_en = "The organisation has written intelligent customer service goals."


class AssessmentFactory(factory.django.DjangoModelFactory[Assessment]):
    class Meta:
        model = Assessment

    organisation = factory.SubFactory(OrganisationFactory)
    capability_model = factory.LazyFunction(
        lambda: CapabilityModel.objects.get(code="gbt43045-1-2023", version=1)
    )
    title = factory.Sequence(lambda n: f"Assessment {n}")
    target_level = 3
