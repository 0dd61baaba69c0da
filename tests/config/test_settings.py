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
    "hsts": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
             settings.SECURE_HSTS_PRELOAD],
    "socket_origins": settings.WEBSOCKET_ORIGINS,
    "options": {k: v for k, v in db.get("OPTIONS", {}).items()},
}))
"""


def manage_env(tmp_path) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {*PRODUCTION, "DEBUG", "HTTPS", "SITE_URL"}
        and not k.startswith("HSTS_")
    }
    return {**clean, "DATA_DIR": str(tmp_path)}


def manage(*args, env: dict, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**manage_env(tmp_path), **env},
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
    assert shown["layer"] == "realtime.layers.InMemoryChannelLayer"
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
    assert shown["socket_origins"] == ["https://star.example.com:443"]


def show(env: dict, tmp_path) -> dict:
    result = manage("shell", "-c", SHOW, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_hsts_covers_only_this_host_unless_subdomains_and_preload_are_asked_for(
    tmp_path,
):
    # An intranet domain is shared with services that may not speak HTTPS.
    assert show(PRODUCTION, tmp_path)["hsts"] == [31_536_000, False, False]
    asked = {**PRODUCTION, "HSTS_INCLUDE_SUBDOMAINS": "true", "HSTS_PRELOAD": "true"}
    assert show(asked, tmp_path)["hsts"] == [31_536_000, True, True]


def test_site_url_pins_the_socket_origin_with_its_port(tmp_path):
    intranet = {
        "ALLOWED_HOSTS": "star.intranet",
        "HTTPS": "false",
        "SITE_URL": "http://star.intranet:8000",
    }
    assert show(intranet, tmp_path)["socket_origins"] == ["http://star.intranet:8000"]
    refused = manage(
        "check", env={**intranet, "SITE_URL": "star.intranet:8000"}, tmp_path=tmp_path
    )
    assert refused.returncode != 0
    assert "SITE_URL" in refused.stderr


def test_a_wildcard_host_stops_manage_py_and_daphne_outside_debug(tmp_path):
    wildcard = {**PRODUCTION, "ALLOWED_HOSTS": "star.example.com,*"}
    checked = manage("check", env=wildcard, tmp_path=tmp_path)
    assert checked.returncode != 0
    assert "ALLOWED_HOSTS='*' is refused" in checked.stderr
    daphne = subprocess.run(
        [sys.executable, "-m", "daphne", "-p", "0", "config.asgi:application"],
        cwd=ROOT,
        env={**manage_env(tmp_path), **wildcard},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert daphne.returncode != 0
    assert "ALLOWED_HOSTS='*' is refused" in daphne.stderr
    # A developer's machine may still answer any name.
    assert show({"DEBUG": "true", "ALLOWED_HOSTS": "*"}, tmp_path)["debug"] is True


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
