"""What the fault run starts and breaks: its own Redis, daphne workers, and
read-only looks at the site's database."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from bench.site import Server, Site, daphne_command, end, free_port, spawn


class OwnRedis:
    """A redis-server of the run's own, without persistence: a restart loses
    everything it held, the worst case for the channel layer."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        self.process = spawn(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxclients",
                "10000",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def restart(self) -> float:
        """Stop it (SIGKILL, nothing saved) and start it again; seconds down."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        end(self.process)
        self.start()
        return time.monotonic() - started

    def stop(self) -> None:
        end(self.process, grace=5)


@dataclass
class Worker:
    """One daphne worker; ``kill`` is SIGKILL, ``start`` reuses its port."""

    server: Server
    options: list[str] = field(default_factory=list)  # more daphne options
    settings: dict[str, str] = field(default_factory=dict)  # more environment
    previous_log: str = ""  # what the killed processes logged

    @classmethod
    def on(cls, site: Site, options=None, settings=None) -> Worker:
        return cls(Server(site), options or [], settings or {})

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def ws(self) -> str:
        return self.server.url.replace("http://", "ws://")

    def start(self) -> Worker:
        self.previous_log += self.server.log()
        with self.server.log_path.open("w") as log:
            self.server.process = spawn(
                daphne_command(
                    self.server.port, "config.asgi:application", *self.options
                ),
                # Agents reach each worker directly: its address is the
                # site's (the WebSocket origin check, config/origins.py).
                env={
                    **self.server.site.env,
                    "SITE_URL": self.server.url,
                    **self.settings,
                },
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.server.wait_until_healthy()
        return self

    def kill(self) -> None:
        self.server.process.send_signal(signal.SIGKILL)
        self.server.process.wait()
        end(self.server.process)

    def stop(self) -> None:
        self.server.stop()

    def rss_kb(self) -> int:
        return self.server.rss_kb()

    def errors(self) -> int:
        return sum(
            "Traceback" in line or " ERROR " in line
            for line in (self.previous_log + self.server.log()).splitlines()
        )

    def error_kinds(self) -> Counter:
        """The last line of each traceback in its log: what was raised."""
        kinds: Counter = Counter()
        lines = (self.previous_log + self.server.log()).splitlines()
        for number, line in enumerate(lines):
            if line.startswith("Traceback"):
                rest = lines[number + 1 :]
                last = next(
                    (r for r in rest if r and not r.startswith((" ", "Traceback"))),
                    "?",
                )
                kinds[last[:120]] += 1
        return kinds


class Database:
    """Read-only queries on the site's throwaway PostgreSQL database."""

    def __init__(self, url: str):
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)

    def quiz(self, quiz_id: int) -> dict:
        row = self.conn.execute(
            "SELECT version, status, phase, current_position FROM contests_contest "
            "WHERE id = %s",
            [quiz_id],
        ).fetchone()
        return dict(zip(("version", "status", "phase", "position"), row, strict=True))

    def question(self, quiz_id: int, position: int) -> dict:
        row = self.conn.execute(
            "SELECT id, opened_at, deadline, closed_at FROM contests_round "
            "WHERE contest_id = %s AND position = %s",
            [quiz_id, position],
        ).fetchone()
        return dict(zip(("id", "opened_at", "deadline", "closed_at"), row, strict=True))

    def players(self, quiz_id: int) -> dict[str, dict]:
        """Each player's username: entry id and score."""
        rows = self.conn.execute(
            "SELECT u.username, p.id, p.score FROM contests_entry p "
            "JOIN people_user u ON u.id = p.user_id WHERE p.contest_id = %s",
            [quiz_id],
        ).fetchall()
        return {name: {"id": pid, "score": score} for name, pid, score in rows}

    def answers(self, quiz_id: int) -> list[dict]:
        """Every stored answer, with whether it reached the server after its
        question closed (the deadline, or the host's close if earlier)."""
        rows = self.conn.execute(
            "SELECT u.username, q.position, a.payload, "
            "a.received_at > LEAST(q.deadline, COALESCE(q.closed_at, q.deadline)) "
            "FROM contests_submission a "
            "JOIN contests_round q ON q.id = a.round_id "
            "JOIN contests_entry p ON p.id = a.entry_id "
            "JOIN people_user u ON u.id = p.user_id WHERE q.contest_id = %s",
            [quiz_id],
        ).fetchall()
        return [
            {"user": user, "position": position, "choice": choice, "late": late}
            for user, position, choice, late in rows
        ]

    def close(self) -> None:
        self.conn.close()


def monotonic_of(moment: datetime) -> float:
    """A database time as ``time.monotonic()`` (one machine, one clock)."""
    return moment.timestamp() - time.time() + time.monotonic()


def environment_for(redis: OwnRedis) -> None:
    """Point bench.site's production mode at the run's own Redis."""
    os.environ["BENCH_REDIS_URL"] = redis.url
    if os.environ.get("FAULTS_POSTGRES_URL"):
        os.environ["BENCH_POSTGRES_URL"] = os.environ["FAULTS_POSTGRES_URL"]
