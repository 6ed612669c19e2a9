"""Shared fixtures: the shipped model is loaded once per session; everything else comes from factories."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import translation

from capability_model import scoring
from capability_model.models import CapabilityModel
from capability_model.selectors import model_spec_build
from capability_model.services import capability_model_load_shipped

SHIPPED_CODE = "gbt43045-1-2023"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        capability_model_load_shipped(code=SHIPPED_CODE)


def _ensure_shipped() -> CapabilityModel:
    # Transactional tests (threads) flush the database when they end; load the model again if so.
    model = CapabilityModel.objects.filter(code=SHIPPED_CODE, version=1).first()
    if model is None:
        capability_model_load_shipped(code=SHIPPED_CODE)
        model = CapabilityModel.objects.get(code=SHIPPED_CODE, version=1)
    return model


@pytest.fixture
def shipped_model(db: Any) -> CapabilityModel:
    """The shipped GB/T 43045.1-2023 model."""
    return _ensure_shipped()


@pytest.fixture(scope="session")
def shipped_model_spec(django_db_setup: Any, django_db_blocker: Any) -> scoring.ModelSpec:
    """The scoring input of the shipped model, built once through the production adapter."""
    with django_db_blocker.unblock():
        return model_spec_build(model=_ensure_shipped())


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Rendered rows are cached under ids and revisions; SQLite reuses ids after a rollback, so each test
    starts with an empty cache instead of finding another test's rows."""
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Service messages are asserted in English; requests still pick their language from the browser."""
    with translation.override("en"):
        yield


@pytest.fixture
def client() -> Client:
    """A test client whose browser prefers English, unless a request names another language."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")
