"""The environment chooses the deployment: embedded by default, production by URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DATABASE_URL": "postgres://servicestar:pw@db.internal:5432/servicestar",
    "REDIS_URL": "redis://redis.internal:6379/2",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "star.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://star.example.com",
}
SHOW = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS,
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
    "options": {k: v for k, v in db.get("OPTIONS", {}).items()},
}))
"""


def manage(*args, env: dict, tmp_path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_environment_means_embedded_sqlite_wal_and_in_memory_layer(tmp_path):
    result = manage("shell", "-c", SHOW, env={}, tmp_path=tmp_path)
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["name"] == str(tmp_path / "servicestar.sqlite3")
    assert shown["options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in shown["options"]["init_command"]
    assert shown["layer"] == "people.layers.InMemoryChannelLayer"
    assert shown["debug"] is False


def test_urls_switch_to_postgresql_and_redis_with_secure_defaults(tmp_path):
    result = manage("shell", "-c", SHOW, env=PRODUCTION, tmp_path=tmp_path)
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["host"] == "db.internal"
    assert shown["layer"] == "channels_redis.core.RedisChannelLayer"
    assert shown["debug"] is False
    assert shown["hosts"] == ["star.example.com"]
    assert shown["secure_cookies"] is True


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=PRODUCTION,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    with_debug = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "DEBUG": "true"},
        tmp_path=tmp_path,
    )
    assert with_debug.returncode != 0  # the check has teeth
    assert "DEBUG" in with_debug.stderr
