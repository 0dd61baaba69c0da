"""The site under test: a data directory, its database, and daphne processes.

Each mode gets a fresh data directory (migrated, demo data, collected static
files) and, in production mode, a throwaway PostgreSQL database and a private
Redis key prefix, removed again at the end. Servers run the production way
(DEBUG off, plain HTTP on 127.0.0.1) with a listen backlog of 4096.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKLOG = 4096
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"

# Every process the benchmark starts, so an interrupted run still ends them.
_started: list[subprocess.Popen] = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kb(pid: int) -> int:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def spawn(args: list[str], **options) -> subprocess.Popen:
    process = subprocess.Popen(args, cwd=ROOT, **options)
    _started.append(process)
    return process


def daphne_command(port: int, application: str, *options: str) -> list[str]:
    """daphne on 127.0.0.1 with the production listen backlog."""
    return [
        sys.executable,
        "-m",
        "daphne",
        "-e",
        f"tcp:port={port}:interface=127.0.0.1:backlog={BACKLOG}",
        *options,
        application,
    ]


def wait_for_ok(url: str, process: subprocess.Popen, timeout: float) -> str:
    """Poll ``url`` until it answers 200 ("ok"), ``process`` ends ("exited")
    or ``timeout`` seconds pass ("timeout")."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return "exited"
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=2) as answer,  # noqa: S310 - loopback
        ):
            if answer.status == 200:
                return "ok"
        time.sleep(0.2)
    return "timeout"


def end(process: subprocess.Popen | None, grace: float = 10) -> None:
    """Stop one process the benchmark started: politely, then for sure."""
    if process is None:
        return
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process in _started:
        _started.remove(process)


def end_all() -> None:
    for process in list(_started):
        end(process, grace=5)


@dataclass
class Site:
    mode: str  # "embedded" or "production"
    env: dict[str, str]
    data_dir: Path
    database: str = ""  # the throwaway PostgreSQL database, if any
    admin_url: str = ""
    redis_url: str = ""
    prefix: str = ""

    def populate(self, command: str, **arguments) -> dict:
        args = ["-m", "bench.populate", command, json.dumps(arguments)]
        output = self.run_python(args, f"populate {command}")
        return json.loads(output.strip().splitlines()[-1])

    def manage(self, *args: str) -> None:
        self.run_python(["manage.py", *args], f"manage.py {args[0]}")

    def run_python(self, args: list[str], what: str) -> str:
        """Run Python with the site's environment; its stdout, or an error."""
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{what} failed:\n{result.stderr[-3000:]}")
        return result.stdout


@contextlib.contextmanager
def prepared(mode: str):
    """A ready site for ``mode``; everything it created is removed afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"servicestar-bench-{mode}-"))
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))
    }
    env.update(
        DATA_DIR=str(data_dir),
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY="bench-" + uuid.uuid4().hex * 2,
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    site = Site(mode=mode, env=env, data_dir=data_dir)
    try:
        if mode == "production":
            tag = uuid.uuid4().hex[:10]
            site.admin_url = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL)
            site.database = f"servicestar_bench_{tag}"
            _postgres(site.admin_url, f'CREATE DATABASE "{site.database}"')
            env["DATABASE_URL"] = _with_database(site.admin_url, site.database)
            site.redis_url = os.environ.get("BENCH_REDIS_URL", REDIS_URL)
            site.prefix = f"servicestar-bench-{tag}"
            env.update(REDIS_URL=site.redis_url, REDIS_PREFIX=site.prefix)
        site.manage("migrate", "--no-input")
        site.manage("demo", "--force")
        site.manage("collectstatic", "--no-input")
        yield site
    finally:
        keep = os.environ.get("BENCH_KEEP") == "1"
        if site.database and not keep:
            with contextlib.suppress(Exception):
                _postgres(
                    site.admin_url,
                    f'DROP DATABASE IF EXISTS "{site.database}" WITH (FORCE)',
                )
        if site.prefix:
            with contextlib.suppress(Exception):
                _forget_redis_keys(site.redis_url, site.prefix)
        if keep:
            print(f"kept {data_dir} {site.database or ''}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def _with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _postgres(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def _forget_redis_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


def check_services() -> str:
    """Why production mode cannot run here ("" when it can)."""
    try:
        _postgres(os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL), "SELECT 1")
    except Exception as error:
        return f"PostgreSQL is not reachable: {error}"
    try:
        import redis

        redis.Redis.from_url(
            os.environ.get("BENCH_REDIS_URL", REDIS_URL), socket_connect_timeout=2
        ).ping()
    except Exception as error:
        return f"Redis is not reachable: {error}"
    return ""


@dataclass
class Server:
    """One daphne worker serving the site."""

    site: Site
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.site.data_dir / f"daphne-{self.port}.log"

    def start(self) -> Server:
        with self.log_path.open("w") as log:
            self.process = spawn(
                daphne_command(
                    self.port,
                    "config.asgi:application",
                    # Extra daphne options for experiments, e.g. a longer
                    # --websocket_connect_timeout; none by default.
                    *shlex.split(os.environ.get("BENCH_DAPHNE_ARGS", "")),
                ),
                # Agents reach each worker directly: its address is the site's.
                env={**self.site.env, "SITE_URL": self.url},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_until_healthy(self, timeout: float = 60) -> Server:
        waited = wait_for_ok(f"{self.url}/healthz", self.process, timeout)
        if waited == "exited":
            raise RuntimeError(f"daphne exited early:\n{self.log()[-3000:]}")
        if waited == "timeout":
            raise TimeoutError(f"daphne did not become healthy:\n{self.log()[-3000:]}")
        return self

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def rss_kb(self) -> int:
        return rss_kb(self.process.pid)

    def stop(self) -> None:
        end(self.process)


class Reference:
    """The raw websockets broadcast server (bench/reference_server.py)."""

    def __init__(self, frame_bytes: int, hello_bytes: int):
        self.port = free_port()
        self.process = spawn(
            [
                sys.executable,
                "-m",
                "bench.reference_server",
                f"--port={self.port}",
                f"--frame-bytes={frame_bytes}",
                f"--hello-bytes={hello_bytes}",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            end(self.process)
            raise RuntimeError("the reference server did not start")

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def rss_kb(self) -> int:
        return rss_kb(self.process.pid)

    def stop(self) -> None:
        end(self.process, grace=5)


class DaphneFloor:
    """daphne serving bench/daphne_floor.py: what daphne costs per socket."""

    def __init__(self, hello_bytes: int):
        self.port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "BENCH_FLOOR_HELLO_BYTES": str(hello_bytes),
        }
        self.process = spawn(
            daphne_command(self.port, "bench.daphne_floor:application"),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        waited = wait_for_ok(f"http://127.0.0.1:{self.port}/", self.process, 60)
        if waited != "ok":
            end(self.process)
            raise RuntimeError(f"daphne serving the floor app: {waited}")

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def stop(self) -> None:
        end(self.process, grace=5)
