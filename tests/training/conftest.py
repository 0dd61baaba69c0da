"""Bank pages and spreadsheets: uploads in a temporary folder, English text."""

from __future__ import annotations

import pytest
from django.utils import translation

from training.models import Bank


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def bank(trainer):
    return Bank.objects.create(name="业务知识", created_by=trainer)
