"""The embedded SQLite settings keep every write when 50 writers arrive at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 50


def run_writers(mode: str, tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.config.sqlite_writers", mode, str(WRITERS)],
        cwd=ROOT,
        env={**env, "DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_fifty_concurrent_writers_all_succeed_on_our_settings(tmp_path):
    outcome = run_writers("servicestar", tmp_path)
    assert outcome["errors"] == []
    assert outcome["stored"] == WRITERS


def test_plain_sqlite_settings_lose_writes_under_the_same_load(tmp_path):
    # The control: without IMMEDIATE transactions, writers that upgrade a read
    # lock fail at once, so the test above would catch a regression.
    outcome = run_writers("plain", tmp_path)
    assert outcome["stored"] < WRITERS
    assert any("database is locked" in error for error in outcome["errors"])
