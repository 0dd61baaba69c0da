"""Real daphne processes for tests that cross process boundaries.

Each server runs the production way (DEBUG off, collected static files,
``daphne config.asgi:application``) over plain HTTP on 127.0.0.1. A prepared
data directory holds the migrated demo database; in the PostgreSQL run it names
a throwaway database created on the server DATABASE_URL points at.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def redis_available(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL"}}
    env.update(
        DATA_DIR=str(data_dir),
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY="test-secret-" + uuid.uuid4().hex * 2,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


@contextlib.contextmanager
def prepared_site(data_dir: Path):
    """A data directory (and database) with migrations, demo data and static files."""
    env = base_env(data_dir)
    database_url = os.environ.get("DATABASE_URL")
    throwaway = None
    if database_url:
        throwaway = f"servicestar_live_{uuid.uuid4().hex[:10]}"
        _postgres_admin(database_url, f'CREATE DATABASE "{throwaway}"')
        env["DATABASE_URL"] = _with_database(database_url, throwaway)
    try:
        manage(env, "migrate", "--no-input")
        manage(env, "demo", "--force")
        manage(env, "collectstatic", "--no-input")
        yield env
    finally:
        if throwaway:
            _postgres_admin(
                database_url, f'DROP DATABASE IF EXISTS "{throwaway}" WITH (FORCE)'
            )


def _with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _postgres_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(statement)


@dataclass
class Daphne:
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Daphne:
        self.log_path = Path(self.env["DATA_DIR"]) / f"daphne-{self.port}.log"
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-e",
                f"tcp:port={self.port}:interface=127.0.0.1:backlog=1024",
                "config.asgi:application",
            ],
            cwd=ROOT,
            # A server reached directly: its own address is the site's.
            env={**self.env, "SITE_URL": self.url},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_until_healthy(self, timeout: float = 30) -> Daphne:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited early:\n{self.log()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return self
            time.sleep(0.2)
        raise TimeoutError(f"daphne did not become healthy:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def running(env: dict[str, str]):
    server = Daphne(env).start()
    try:
        yield server.wait_until_healthy()
    finally:
        server.stop()


class Browserless:
    """Logs in over HTTP like a browser would and keeps the session cookie."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def _csrf_from(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=10) as response:
            page = response.read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, path: str, form: dict[str, str], *, csrf_from: str) -> int:
        token = self._csrf_from(csrf_from)
        data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base_url + path, data=data)
        with self.opener.open(request, timeout=10) as response:
            return response.status

    def log_in(self, username: str, password: str = "servicestar") -> Browserless:
        self.post(
            "/login/", {"username": username, "password": password}, csrf_from="/login/"
        )
        if "sessionid" not in self.cookie_header():
            raise AssertionError(f"{username} could not log in")
        return self

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)


def site_python(env: dict[str, str], code: str) -> str:
    """Run Python in the site's Django (its database, its settings); return stdout."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return result.stdout.strip().splitlines()[-1]


SESSIONS = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from people.models import User
keys = {{}}
for user in User.objects.filter(username__in={usernames!r}):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys[user.username] = session.session_key
print(json.dumps(keys))
"""


def sessions_for(env: dict[str, str], usernames: list[str]) -> dict[str, str]:
    """Logged-in session keys, made directly (hashing 20 passwords takes seconds)."""
    import json

    return json.loads(site_python(env, SESSIONS.format(usernames=usernames)))
