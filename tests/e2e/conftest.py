"""Playwright drives Debian's Chromium against a real daphne serving the demo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import require
from tests.servers import prepared_site, redis_available, running

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(autouse=True)
def _needs_chromium():
    require(
        Path(CHROMIUM).exists(),
        f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)",
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """The demo served by daphne; with REDIS_URL set, on channels-redis too."""
    with prepared_site(tmp_path_factory.mktemp("e2e")) as env:
        if os.environ.get("REDIS_URL"):
            require(redis_available(os.environ["REDIS_URL"]), "Redis is not reachable")
            env = {**env, "REDIS_URL": os.environ["REDIS_URL"]}
        with running(env) as server:
            yield server


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
