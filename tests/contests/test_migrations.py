"""Quizzes become contests (contests 0003-0005), keeping their ids.

Each test builds quizzes in the old tables with the historical models of
contests 0002, migrates every app to its latest migration and reads the rows
with today's models. The ids are far from 1 on purpose: a copy that renumbered
the rows would show, and the ledger's references (``quiz:<id>``) would name
other contests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from contests.engine.setup import join_contest
from contests.engine.standings import individual_standings
from contests.kinds.quiz.questions import Question
from contests.kinds.quiz.setup import create_quiz
from contests.models import Contest, Entry, QuizOptions, Round, Submission
from contests.signals import contest_finished
from leaderboard import ledger
from leaderboard.models import PointEntry, PointTotal, Source
from people.models import User
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("contests", "0002_quiz_changed_at")]
OLD_TABLES = ("Quiz", "QuizQuestion", "Participant", "Answer")
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def migrate(targets=None):
    """Migrate to ``targets`` (every app's latest when None); their models."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    """The database as it was before the contest engine, and back to the
    latest afterwards: the other tests expect it, even after a failure here."""
    apps = migrate(BEFORE)
    yield apps
    migrate()


@pytest.fixture
def bank(trainer):
    return factories.make_bank(trainer)


@pytest.fixture
def people(agent, team):
    """alice (on a team) wins, dora (no team) is second, eve was removed."""
    dora = factories.make_user(username="dora", display_name="王佳怡")
    eve = factories.make_user(username="eve", display_name="赵敏", team=team)
    return agent, dora, eve


@pytest.fixture
def quizzes(old_apps, trainer, bank, people):
    """Quiz 41, finished in team mode, and quiz 42, running with its first
    question open, written the way the old code wrote them."""
    get = lambda name: old_apps.get_model("contests", name)  # noqa: E731
    Quiz, Question_, Participant, Answer = (get(n) for n in OLD_TABLES)
    alice, dora, eve = people
    single = bank.questions.get(kind="single")
    Quiz.objects.create(
        id=41,
        title="业务知识擂台赛",
        host_id=trainer.pk,
        bank_id=bank.pk,
        seconds_per_question=30,
        points_per_question=2000,
        speed_scoring=False,
        streak_bonus=False,
        shuffle_options=False,
        team_mode=True,
        pin="482913",
        status="finished",
        phase="",
        current_position=1,
        version=9,
        created_at=at(0),
        started_at=at(60),
        changed_at=at(400),
        ended_at=at(400),
    )
    Quiz.objects.create(
        id=42,
        title="晨会小测",
        host_id=trainer.pk,
        pin="771104",
        status="running",
        phase="question",
        current_position=0,
        version=3,
        created_at=at(500),
        started_at=at(530),
        changed_at=at(560),
    )
    Question_.objects.create(
        id=301,
        quiz_id=41,
        position=0,
        kind="single",
        prompt=single.prompt,
        options=single.options,
        correct=single.correct,
        explanation=single.explanation,
        image="quiz/95598.png",
        source_id=single.pk,
        opened_at=at(70),
        deadline=at(100),
        closed_at=at(100),
        revealed_at=at(105),
        paused_seconds=2.5,
    )
    Question_.objects.create(
        id=302,
        quiz_id=41,
        position=1,
        kind="text",
        prompt="电力服务热线号码是多少？",
        correct=["95598"],
        opened_at=at(120),
        deadline=at(150),
        closed_at=at(140),
        revealed_at=at(145),
    )
    Question_.objects.create(
        id=303,
        quiz_id=42,
        position=0,
        kind="true_false",
        prompt="微笑可以通过声音传递给客户。",
        correct=[0],
        opened_at=at(560),
        deadline=at(580),
    )
    participant = Participant.objects.create
    participant(
        id=501,
        quiz_id=41,
        user_id=alice.pk,
        team_id=alice.team_id,
        joined_at=at(10),
        score=2750,
        correct_count=2,
        streak=2,
        last_correct_position=1,
        final_rank=1,
        channel_name="specific.alice!1",
    )
    participant(
        id=502,
        quiz_id=41,
        user_id=dora.pk,
        joined_at=at(20),
        score=1200,
        correct_count=1,
        streak=1,
        last_correct_position=1,
        final_rank=2,
    )
    participant(
        id=503,
        quiz_id=41,
        user_id=eve.pk,
        team_id=eve.team_id,
        joined_at=at(30),
        removed_at=at(110),
        score=1000,
        correct_count=1,
        streak=1,
        last_correct_position=0,
    )
    for pk, participant_id, question_id, choice, right, points, bonus, ms in [
        (701, 501, 301, [0], True, 1000, 0, 3200),
        (702, 501, 302, "95598", True, 1500, 250, 5400),
        (703, 502, 301, [1], False, 0, 0, 9100),
        (704, 502, 302, " 95598 ", True, 1200, 0, 11000),
        (705, 503, 301, [0], True, 1000, 0, 4000),
    ]:
        Answer.objects.create(
            id=pk,
            participant_id=participant_id,
            question_id=question_id,
            choice=choice,
            received_at=at(ms / 1000 + (70 if question_id == 301 else 120)),
            elapsed_ms=ms,
            is_correct=right,
            points=points,
            bonus=bonus,
        )
    return {
        name: list(get(name).objects.order_by("pk").values()) for name in OLD_TABLES
    }


def test_every_field_lands_where_0004_puts_it_under_the_same_ids(
    quizzes, trainer, bank, people
):
    migrate()
    alice, dora, eve = people

    contests = {c["id"]: c for c in Contest.objects.values()}
    assert contests == {
        41: {
            "id": 41,
            "kind": "quiz",
            "title": "业务知识擂台赛",
            "host_id": trainer.pk,
            "seconds_per_round": 30,
            "team_mode": True,
            "tie_rule": "shared",  # 0006: as every quiz before it
            "pin": "482913",
            "status": "finished",
            "phase": "",
            "current_position": 1,
            "paused_at": None,
            "version": 9,
            "changed_at": at(400),
            "created_at": at(0),
            "started_at": at(60),
            "ended_at": at(400),
        },
        42: {
            "id": 42,
            "kind": "quiz",
            "title": "晨会小测",
            "host_id": trainer.pk,
            "seconds_per_round": 20,
            "team_mode": False,
            "tie_rule": "shared",
            "pin": "771104",
            "status": "running",
            "phase": "open",  # was "question"
            "current_position": 0,
            "paused_at": None,
            "version": 3,
            "changed_at": at(560),
            "created_at": at(500),
            "started_at": at(530),
            "ended_at": None,
        },
    }
    options = {o["contest_id"]: o for o in QuizOptions.objects.values()}
    assert options == {
        41: {
            "contest_id": 41,
            "bank_id": bank.pk,
            "points_per_question": 2000,
            "speed_scoring": False,
            "streak_bonus": False,
            "shuffle_options": False,
        },
        42: {
            "contest_id": 42,
            "bank_id": None,
            "points_per_question": 1000,
            "speed_scoring": True,
            "streak_bonus": True,
            "shuffle_options": True,
        },
    }

    rounds = Round.objects.in_bulk()
    assert sorted(rounds) == [301, 302, 303]
    single = bank.questions.get(kind="single")
    assert rounds[301].contest_id == 41
    assert rounds[301].position == 0
    assert rounds[301].content == {
        "kind": "single",
        "prompt": single.prompt,
        "options": single.options,
        "correct": single.correct,
        "explanation": single.explanation,
        "source": single.pk,
    }
    assert rounds[301].media.name == "quiz/95598.png"
    assert (
        rounds[301].opened_at,
        rounds[301].deadline,
        rounds[301].closed_at,
        rounds[301].revealed_at,
        rounds[301].paused_seconds,
    ) == (at(70), at(100), at(100), at(105), 2.5)
    assert rounds[302].content == {
        "kind": "text",
        "prompt": "电力服务热线号码是多少？",
        "options": [],
        "correct": ["95598"],
        "explanation": "",
        "source": None,
    }
    assert not rounds[302].media
    assert (rounds[303].contest_id, rounds[303].deadline) == (42, at(580))
    # The quiz kind reads them back as questions.
    assert Question.of(rounds[301]).image.name == "quiz/95598.png"
    assert Question.of(rounds[302]).kind == "text"

    entries = {e["id"]: e for e in Entry.objects.values()}
    assert entries == {
        501: {
            "id": 501,
            "contest_id": 41,
            "user_id": alice.pk,
            "team_id": alice.team_id,
            "joined_at": at(10),
            "removed_at": None,
            "score": 2750,
            "right_count": 2,
            "streak": 2,
            "last_right_position": 1,
            "final_rank": 1,
            "channel_name": "specific.alice!1",
        },
        502: {
            "id": 502,
            "contest_id": 41,
            "user_id": dora.pk,
            "team_id": None,
            "joined_at": at(20),
            "removed_at": None,
            "score": 1200,
            "right_count": 1,
            "streak": 1,
            "last_right_position": 1,
            "final_rank": 2,
            "channel_name": "",
        },
        503: {
            "id": 503,
            "contest_id": 41,
            "user_id": eve.pk,
            "team_id": eve.team_id,
            "joined_at": at(30),
            "removed_at": at(110),
            "score": 1000,
            "right_count": 1,
            "streak": 1,
            "last_right_position": 0,
            "final_rank": None,
            "channel_name": "",
        },
    }

    assert list(
        Submission.objects.order_by("pk").values_list(
            "id", "entry_id", "round_id", "payload", "elapsed_ms", "score", "bonus"
        )
    ) == [
        (701, 501, 301, [0], 3200, 1000, 0),
        (702, 501, 302, "95598", 5400, 1500, 250),
        (703, 502, 301, [1], 9100, 0, 0),
        (704, 502, 302, " 95598 ", 11000, 1200, 0),
        (705, 503, 301, [0], 4000, 1000, 0),
    ]
    assert dict(Submission.objects.values_list("id", "verdict")) == {
        701: "right",
        702: "right",
        703: "wrong",
        704: "right",
        705: "right",
    }
    old_answers = {a["id"]: a for a in quizzes["Answer"]}
    assert {s.pk: s.received_at for s in Submission.objects.all()} == {
        pk: a["received_at"] for pk, a in old_answers.items()
    }


def test_the_ledger_still_awards_a_moved_quiz_once(quizzes, people):
    alice, dora, _eve = people
    # Quiz 41 was paid when it ended, as the old receiver (points_for_quiz) did.
    ledger.award_many(
        source=Source.QUIZ,
        reference="quiz:41",
        occurred_at=at(400),
        awards=[
            ledger.Award(
                person=User.objects.get(pk=person.pk),
                units=score / 100,
                detail={"title": "业务知识擂台赛", "rank": rank, "players": 2},
            )
            for person, score, rank in [(alice, 2750, 1), (dora, 1200, 2)]
        ],
    )
    paid = list(PointEntry.objects.order_by("pk").values("pk", "person_id", "points"))
    totals = list(PointTotal.objects.order_by("pk").values("pk", "points"))
    assert [(p["person_id"], p["points"]) for p in paid] == [
        (alice.pk, 28),
        (dora.pk, 12),
    ]

    migrate()
    contest = Contest.objects.get(title="业务知识擂台赛")
    assert contest.reference == "quiz:41"
    results = individual_standings(contest)
    assert [(r.user_id, r.score, r.rank) for r in results] == [
        (alice.pk, 2750, 1),
        (dora.pk, 1200, 2),
    ]
    # Its end is announced again (a retry, a replayed job): nothing is paid twice.
    contest_finished.send(
        sender=Contest, contest=contest, results=results, team_results=[]
    )

    assert (
        list(PointEntry.objects.order_by("pk").values("pk", "person_id", "points"))
        == paid
    )
    assert list(PointTotal.objects.order_by("pk").values("pk", "points")) == totals


def test_new_contests_after_the_move_get_fresh_ids(quizzes, trainer, bank, people):
    """0004 wrote ids itself: on PostgreSQL the identity sequences must have
    moved past them, or the next contest, round, entry or submission takes an
    id that is already used (or would be, as the table fills up)."""
    migrate()
    contest = create_quiz(
        host=trainer,
        title="新一期擂台赛",
        bank=bank,
        questions=bank.questions.order_by("id"),
        seconds_per_question=20,
    )
    entry = join_contest(contest=contest, user=people[1])
    submission = Submission.objects.create(
        entry=entry,
        round=contest.rounds.get(position=0),
        payload=[0],
        received_at=at(900),
        elapsed_ms=1200,
        verdict="right",
    )

    assert contest.pk > 42
    assert min(contest.rounds.values_list("pk", flat=True)) > 303
    assert entry.pk > 503
    assert submission.pk > 705
    assert Contest.objects.count() == 3


def test_the_move_reverses(quizzes, trainer):
    migrate()
    old_apps = migrate(BEFORE)

    get = lambda name: old_apps.get_model("contests", name)  # noqa: E731
    for name in OLD_TABLES:
        assert list(get(name).objects.order_by("pk").values()) == quizzes[name], name
    # The old tables' sequences moved on too.
    assert get("Quiz").objects.create(host_id=trainer.pk, pin="100200").pk > 42


def test_a_partial_reverse_and_a_deleted_source_question_both_go_through(quizzes, bank):
    """Back to just before the copy and forward again: the copy is made anew
    (the reverse emptied the new tables). A bank question deleted after the
    move leaves its round's ``source`` dangling (a plain number now); going
    back, the old foreign key becomes null, as deleting it would have made it."""
    migrate()
    from contests.models import Round as NewRound
    from training.models import Question

    single = NewRound.objects.get(pk=301)
    Question.objects.filter(pk=single.content["source"]).delete()
    migrate([("contests", "0003_contest_engine")])
    new_apps = migrate()
    Contest = new_apps.get_model("contests", "Contest")
    assert sorted(Contest.objects.values_list("pk", flat=True)) == [41, 42]
    old_apps = migrate(BEFORE)
    question = old_apps.get_model("contests", "QuizQuestion").objects.get(pk=301)
    assert question.source_id is None and question.prompt
