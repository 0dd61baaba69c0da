"""Shared fixtures: personas, and the rule for tests that need real services.

Tests that need PostgreSQL, Redis or Chromium skip with a reason on a laptop
without them, and fail instead when CI=true: in CI nothing may quietly skip.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test.utils import override_settings

from tests import factories

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(available: bool, reason: str) -> None:
    """Skip (laptop) or fail (CI) when a service the test needs is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _test_settings():
    """Plain HTTP, fast hashing, plain static storage, a private Redis prefix."""
    from channels.layers import channel_layers
    from django.conf import settings

    layers = settings.CHANNEL_LAYERS
    caches = settings.CACHES
    if "REDIS_URL" in os.environ:
        caches = {
            "default": {
                **caches["default"],
                "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
            }
        }
        # Several test runs may share one Redis: keep their groups apart.
        layers = {
            "default": {
                **layers["default"],
                "CONFIG": {
                    **layers["default"]["CONFIG"],
                    "prefix": f"test-{uuid.uuid4().hex[:8]}",
                },
            }
        }
    overrides = override_settings(
        # The deploy check covers HTTPS; the test client speaks plain HTTP,
        # and test sockets come from pages of http://127.0.0.1.
        SECURE_SSL_REDIRECT=False,
        WEBSOCKET_ORIGINS=["http://127.0.0.1:80"],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
        CHANNEL_LAYERS=layers,
        CACHES=caches,
    )
    overrides.enable()
    channel_layers.backends = {}
    yield
    overrides.disable()


@pytest.fixture(autouse=True, scope="session")
def _close_connections_of_async_tests(django_db_setup):
    """Async tests reach the database from asgiref's one sync thread; its
    connection must close before the test database can be dropped."""
    yield

    def close_in_that_thread() -> None:
        asyncio.run(sync_to_async(connections.close_all)())

    with ThreadPoolExecutor(1) as pool:  # this thread may hold Playwright's loop
        pool.submit(close_in_that_thread).result(timeout=30)


@pytest.fixture
def team(db):
    return factories.make_team(name="话务一班")


@pytest.fixture
def other_team(db, team):
    return factories.make_team(name="话务二班", site=team.site)


@pytest.fixture
def agent(db, team):
    return factories.make_user(username="alice", display_name="李晓婷", team=team)


@pytest.fixture
def other_agent(db, other_team):
    return factories.make_user(username="dora", display_name="王佳怡", team=other_team)


@pytest.fixture
def trainer(db, team):
    return factories.make_user(
        username="bob", display_name="许老师", role="trainer", team=team
    )


@pytest.fixture
def manager(db):
    return factories.make_user(username="carol", display_name="沈经理", role="manager")


# Every test in these folders carries its marker, so `make test-fast`
# (-m "not e2e and not services") cannot pick up one that was not marked.
MARKED_FOLDERS = {"e2e": pytest.mark.e2e, "services": pytest.mark.services}


def pytest_collection_modifyitems(config, items):
    """Tests in tests/e2e/ and tests/services/ get their marker; browser tests
    run last: Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session."""
    tests = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(tests):
            folder = item.path.relative_to(tests).parts[0]
            if folder in MARKED_FOLDERS:
                item.add_marker(MARKED_FOLDERS[folder])
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
