"""Benchmark data, written straight into the site's database.

Run in the site's environment (``DATA_DIR``, ``DATABASE_URL``, ...) as
``python -m bench.populate <command> '<json arguments>'``; prints one JSON
line. Logging in thousands of agents through the login page would spend
minutes hashing passwords, so agents get their session rows directly, exactly
as ``django.contrib.auth.login`` would have written them.

- ``agents {"count": N}``: N bench agents (``bench0001``...) spread over the
  demo's teams, and a fresh logged-in session for each and for the host.
- ``display {}``: a wall display for the whole center, in English, paired the
  way a TV and a manager pair one; returns its id and token.
- ``quiz {"players": N, "questions": R}``: a quiz hosted by ``trainer1`` with R
  questions and the first N bench agents already joined.
- ``count {"quiz": id, "positions": [...]}``: stored answers per question.
- ``churn {"every": s, "times": n}``: n point entries for demo agents, one
  every s seconds, each committed on its own (so each marks the boards stale);
  prints a JSON line with ``time.monotonic()`` after each commit (bench/faults).
"""

from __future__ import annotations

import json
import os
import sys

import django

HOST = "trainer1"
MANAGER = "manager"
AGENT_PREFIX = "bench"
QUIZ_TITLE = "Bench"


def agent_name(number: int) -> str:
    return f"{AGENT_PREFIX}{number:04d}"


def sessions_for(users) -> dict[str, str]:
    """Logged-in session keys, as ``auth.login`` would store them."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    store = SessionStore()
    expires = timezone.now() + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys, rows = {}, []
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = store.encode(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        rows.append(Session(session_key=key, session_data=data, expire_date=expires))
        keys[user.username] = key
    Session.objects.bulk_create(rows, batch_size=500)
    return keys


def agents(count: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from people.models import Role, Team, User

    teams = list(Team.objects.order_by("id"))
    password = make_password("servicestar")  # hashed once, shared
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    username=agent_name(number),
                    display_name=f"压测{number:04d}",
                    role=Role.AGENT,
                    team=teams[number % len(teams)],
                    password=password,
                )
                for number in range(1, count + 1)
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        names = [agent_name(number) for number in range(1, count + 1)]
        users = list(User.objects.filter(username__in=[*names, HOST]))
        keys = sessions_for(users)
    return {"host": keys.pop(HOST), "agents": [keys[name] for name in names]}


def display() -> dict:
    from leaderboard import displays
    from people.models import User

    manager = User.objects.get(username=MANAGER)
    code, browser_secret = displays.start_pairing(browser_secret=None)
    displays.claim_code(
        code=code.code, by=manager, name="Bench TV", scope="center", language="en"
    )
    collected = displays.collect_token(browser_secret=browser_secret)
    return {"id": collected.display.pk, "token": collected.token}


def quiz(players: int, questions: int, seconds: int = 240) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from contests.kinds.quiz import setup as quiz_setup
    from contests.models import Contest, Entry, Status
    from people.models import User
    from training.models import Bank, QuestionKind

    # A quiz left live by an interrupted run would be followed by the display.
    Contest.objects.live().filter(title__startswith=QUIZ_TITLE).update(
        status=Status.FINISHED, phase="", ended_at=timezone.now()
    )
    bank = Bank.objects.get(name="客服技能题库")
    pool = list(
        bank.questions.filter(
            kind__in=[QuestionKind.SINGLE, QuestionKind.TRUE_FALSE]
        ).order_by("id")
    )
    chosen = [pool[i % len(pool)] for i in range(questions)]
    host = User.objects.get(username=HOST)
    with transaction.atomic():
        made = quiz_setup.create_quiz(
            host=host,
            title=f"{QUIZ_TITLE} {players}",
            bank=bank,
            questions=chosen,
            seconds_per_question=seconds,
        )
        users = User.objects.filter(
            username__in=[agent_name(n) for n in range(1, players + 1)]
        ).order_by("username")
        Entry.objects.bulk_create(
            [Entry(contest=made, user=u, team_id=u.team_id) for u in users],
            batch_size=500,
        )
    return {
        "id": made.pk,
        "answers": [
            {
                "good": q.correct[0],
                "width": 2 if q.kind == QuestionKind.TRUE_FALSE else len(q.options),
            }
            for q in chosen
        ],
    }


def count(quiz: int, positions: list[int]) -> dict:
    from django.db.models import Count

    from contests.models import Submission

    found = {}
    for position in positions:
        answers = Submission.objects.filter(
            round__contest_id=quiz, round__position=position
        )
        repeated = (
            answers.values("entry")
            .annotate(times=Count("id"))
            .filter(times__gt=1)
            .count()
        )
        found[position] = {
            "rows": answers.count(),
            "players": answers.values("entry").distinct().count(),
            "repeated_players": repeated,
        }
    return found


def churn(every: float, times: int) -> dict:
    import time

    from django.utils import timezone

    from leaderboard import ledger
    from leaderboard.models import Source
    from people.models import User

    agents = list(User.objects.filter(username__startswith="agent").order_by("id"))
    tag = time.monotonic_ns()
    for number in range(times):
        ledger.record(
            person=agents[number % len(agents)],
            source=Source.KUDOS,
            reference=f"bench-churn:{tag}:{number}",
            points=1,
            detail={},
            occurred_at=timezone.now(),
        )
        print(json.dumps({"entry": number, "at": time.monotonic()}), flush=True)
        time.sleep(every)
    # The last broadcast leaves from a timer thread (leaderboard.live), which
    # fails once the interpreter is shutting down: let it go first.
    time.sleep(1)
    return {"entries": times}


COMMANDS = {
    "agents": agents,
    "display": display,
    "quiz": quiz,
    "count": count,
    "churn": churn,
}


def main() -> None:
    command, arguments = (
        sys.argv[1],
        json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}"),
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    print(json.dumps(COMMANDS[command](**arguments)))


if __name__ == "__main__":
    main()
