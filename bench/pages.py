"""Pages at scale: 10,000 agents and 1,000,000 ledger entries.

``python -m bench pages`` (part of ``make bench``) prepares a site per mode,
fills it (``fill``: agents in 100 teams, a year of ledger lines with their
running totals, a few thousand of them today), then times pages in-process
with Django's test client: server time (middleware, view, queries,
template), no network. The reference is ``/healthz`` (one query and a small
JSON answer) timed the same way in the same process.

Prints one JSON object per mode with, per page, p50 / p99 server time in ms
and the number of SQL queries.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

AGENTS = int(os.environ.get("BENCH_PAGE_AGENTS", 10_000))
ENTRIES = int(os.environ.get("BENCH_PAGE_ENTRIES", 1_000_000))
TEAMS = 100
TODAY_SHARE = 0.005  # of the entries, earned today (movement since yesterday)
REPEATS = 30
PAGES = [
    ("board (month)", "/leaderboard/"),
    # The ledger changed since the last read: the standing is read afresh.
    ("board (month), after a ledger change", "/leaderboard/"),
    ("board (week)", "/leaderboard/?period=week"),
    ("board (all time)", "/leaderboard/?period=all"),
    ("my points", "/points/"),
    ("agent home", "/"),
]


def run(modes: list[str]) -> list[dict]:
    """Prepare a site per mode, fill and measure it in a subprocess."""
    from bench.site import check_services, prepared

    results = []
    for mode in modes:
        if mode == "production":
            problem = check_services()
            if problem:
                results.append({"scenario": "pages", "mode": mode, "skipped": problem})
                continue
        with prepared(mode) as site:
            done = subprocess.run(
                [sys.executable, "-m", "bench.pages"],
                env=site.env,
                capture_output=True,
                text=True,
                timeout=3600,
            )
            if done.returncode != 0:
                results.append(
                    {"scenario": "pages", "mode": mode, "failed": done.stderr[-2000:]}
                )
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results.append({"scenario": "pages", "mode": mode, **result})
    return results


def fill() -> dict:
    """The agents, the ledger and its running totals, written in bulk."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from leaderboard.models import Period, PointEntry, PointTotal, Source
    from leaderboard.periods import period_start
    from people.models import Role, Site, Team, User

    started = time.perf_counter()
    rng = random.Random(5)
    site = Site.objects.first() or Site.objects.create(name="Bench")
    teams = Team.objects.bulk_create(
        [Team(name=f"Bench team {n:03d}", site=site) for n in range(TEAMS)]
    )
    password = make_password(None)
    agents = User.objects.bulk_create(
        [
            User(
                username=f"page{n:05d}",
                display_name=f"Agent {n:05d}",
                employee_number=f"P{n:05d}",
                role=Role.AGENT,
                team=teams[n % TEAMS],
                password=password,
            )
            for n in range(AGENTS)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    sources = [Source.QUIZ, Source.KUDOS, Source.CSAT]
    totals: Counter = Counter()
    batch = []
    with transaction.atomic():
        for n in range(ENTRIES):
            person = agents[rng.randrange(AGENTS)]
            if rng.random() < TODAY_SHARE:
                when = now - timedelta(minutes=rng.randrange(60))
            else:
                when = now - timedelta(days=1 + rng.random() * 364)
            points = rng.randrange(1, 60)
            batch.append(
                PointEntry(
                    person=person,
                    team_id=person.team_id,
                    source=sources[n % 3],
                    reference=f"bench:{n}",
                    points=points,
                    detail={},
                    occurred_at=when,
                )
            )
            day = timezone.localdate(when)
            for period in Period.values:
                starts_on = period_start(period, day)
                totals[(period, starts_on, "person", person.pk)] += points
                totals[(period, starts_on, "team", person.team_id)] += points
            if len(batch) == 20_000:
                PointEntry.objects.bulk_create(batch)
                batch = []
        PointEntry.objects.bulk_create(batch)
        PointTotal.objects.bulk_create(
            [
                PointTotal(
                    period=period,
                    starts_on=starts_on,
                    points=points,
                    **{f"{kind}_id": owner},
                )
                for (period, starts_on, kind, owner), points in totals.items()
            ],
            batch_size=20_000,
        )
    # A live PostgreSQL has had its statistics gathered by autovacuum long
    # before a year of ledger lines piles up; bulk-filled, it has none and
    # plans as if every table were nearly empty. (A live SQLite database
    # has none either: nothing runs ANALYZE on it.)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "agents": AGENTS,
        "entries": PointEntry.objects.count(),
        "totals": len(totals),
        "fill_s": round(time.perf_counter() - started, 1),
    }


def measure() -> dict:
    """Server time and queries of each page for an agent in mid-table."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from leaderboard import rankings
    from people.models import User

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username=f"page{AGENTS // 2:05d}"))

    def timed(path: str, fresh: bool) -> tuple[list[float], int]:
        for _ in range(3):  # warm: templates compiled, connection open
            assert client.get(path).status_code == 200, path
        times = []
        for _ in range(REPEATS):
            if fresh:
                rankings.forget_standings()
            began = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, path
        if fresh:
            rankings.forget_standings()
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        return sorted(times), len(captured)

    pages = {}
    for name, path in [*PAGES, ("reference: /healthz", "/healthz")]:
        times, queries = timed(path, fresh="ledger change" in name)
        pages[name] = {
            "p50_ms": round(times[len(times) // 2], 1),
            "p99_ms": round(times[-1], 1),
            "queries": queries,
        }
    reference = pages.pop("reference: /healthz")
    return {
        "pages": pages,
        "reference_healthz_p50_ms": reference["p50_ms"],
        "slowest_p50_ms": max(page["p50_ms"] for page in pages.values()),
    }


if __name__ == "__main__":
    import django

    django.setup()
    found = fill()
    print(json.dumps({**found, **measure()}))
