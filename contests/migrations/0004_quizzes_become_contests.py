"""Every quiz becomes a contest of kind "quiz", keeping its id.

Quiz → Contest + QuizOptions, QuizQuestion → Round (the question in
``content``, its picture as ``media``), Participant → Entry, Answer →
Submission. Ids are kept, so the ledger's references (``quiz:<id>``) name the
same contest afterwards and its once-only guarantee holds across the move.
"""

from django.core.management.color import no_style
from django.db import migrations

CHUNK = 1000
PHASES = {"question": "open"}  # the other phases keep their names


def _copy(source, target, convert) -> None:
    batch = []
    for row in source.objects.order_by("pk").iterator(chunk_size=CHUNK):
        batch.append(target(**convert(row)))
        if len(batch) >= CHUNK:
            target.objects.bulk_create(batch)
            batch = []
    target.objects.bulk_create(batch)


def _reset_sequences(schema_editor, models) -> None:
    """Rows were written with their ids: PostgreSQL's sequences must move on."""
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    get = lambda name: apps.get_model("contests", name)  # noqa: E731
    _copy(
        get("Quiz"),
        get("Contest"),
        lambda q: {
            "id": q.pk,
            "kind": "quiz",
            "title": q.title,
            "host_id": q.host_id,
            "seconds_per_round": q.seconds_per_question,
            "team_mode": q.team_mode,
            "pin": q.pin,
            "status": q.status,
            "phase": PHASES.get(q.phase, q.phase),
            "current_position": q.current_position,
            "paused_at": q.paused_at,
            "version": q.version,
            "changed_at": q.changed_at,
            "created_at": q.created_at,
            "started_at": q.started_at,
            "ended_at": q.ended_at,
        },
    )
    _copy(
        get("Quiz"),
        get("QuizOptions"),
        lambda q: {
            "contest_id": q.pk,
            "bank_id": q.bank_id,
            "points_per_question": q.points_per_question,
            "speed_scoring": q.speed_scoring,
            "streak_bonus": q.streak_bonus,
            "shuffle_options": q.shuffle_options,
        },
    )
    _copy(
        get("QuizQuestion"),
        get("Round"),
        lambda q: {
            "id": q.pk,
            "contest_id": q.quiz_id,
            "position": q.position,
            "content": {
                "kind": q.kind,
                "prompt": q.prompt,
                "options": q.options,
                "correct": q.correct,
                "explanation": q.explanation,
                "source": q.source_id,
            },
            "media": q.image.name if q.image else "",
            "opened_at": q.opened_at,
            "deadline": q.deadline,
            "closed_at": q.closed_at,
            "revealed_at": q.revealed_at,
            "paused_seconds": q.paused_seconds,
        },
    )
    _copy(
        get("Participant"),
        get("Entry"),
        lambda p: {
            "id": p.pk,
            "contest_id": p.quiz_id,
            "user_id": p.user_id,
            "team_id": p.team_id,
            "joined_at": p.joined_at,
            "removed_at": p.removed_at,
            "score": p.score,
            "right_count": p.correct_count,
            "streak": p.streak,
            "last_right_position": p.last_correct_position,
            "final_rank": p.final_rank,
            "channel_name": p.channel_name,
        },
    )
    _copy(
        get("Answer"),
        get("Submission"),
        lambda a: {
            "id": a.pk,
            "entry_id": a.participant_id,
            "round_id": a.question_id,
            "payload": a.choice,
            "received_at": a.received_at,
            "elapsed_ms": a.elapsed_ms,
            "score": a.points,
            "bonus": a.bonus,
            "verdict": "right" if a.is_correct else "wrong",
        },
    )
    _reset_sequences(
        schema_editor,
        [get(name) for name in ("Contest", "Round", "Entry", "Submission")],
    )


def backward(apps, schema_editor):
    """Quizzes back into the old tables (other kinds have nowhere to go)."""
    get = lambda name: apps.get_model("contests", name)  # noqa: E731
    Contest, Options = get("Contest"), get("QuizOptions")
    options = {o.contest_id: o for o in Options.objects.all()}
    unphase = {new: old for old, new in PHASES.items()}
    quizzes = Contest.objects.filter(kind="quiz")

    def quiz(c):
        o = options.get(c.pk)
        return {
            "id": c.pk,
            "title": c.title,
            "host_id": c.host_id,
            "bank_id": o.bank_id if o else None,
            "seconds_per_question": min(max(c.seconds_per_round, 5), 240),
            "points_per_question": o.points_per_question if o else 1000,
            "speed_scoring": o.speed_scoring if o else True,
            "streak_bonus": o.streak_bonus if o else True,
            "shuffle_options": o.shuffle_options if o else True,
            "team_mode": c.team_mode,
            "pin": c.pin,
            "status": c.status,
            "phase": unphase.get(c.phase, c.phase),
            "current_position": c.current_position,
            "paused_at": c.paused_at,
            "version": c.version,
            "changed_at": c.changed_at,
            "created_at": c.created_at,
            "started_at": c.started_at,
            "ended_at": c.ended_at,
        }

    get("Quiz").objects.bulk_create(get("Quiz")(**quiz(c)) for c in quizzes)
    Round = get("Round")
    # A question deleted from its bank since: the old foreign key goes null.
    sources = {
        r.content.get("source") for r in Round.objects.filter(contest__kind="quiz")
    }
    existing = set(
        apps.get_model("training", "Question")
        .objects.filter(pk__in=[s for s in sources if s is not None])
        .values_list("pk", flat=True)
    )
    get("QuizQuestion").objects.bulk_create(
        get("QuizQuestion")(
            id=r.pk,
            quiz_id=r.contest_id,
            position=r.position,
            source_id=r.content.get("source")
            if r.content.get("source") in existing
            else None,
            kind=r.content.get("kind", "single"),
            prompt=r.content.get("prompt", ""),
            options=r.content.get("options", []),
            correct=r.content.get("correct", []),
            explanation=r.content.get("explanation", ""),
            image=r.media.name if r.media else "",
            opened_at=r.opened_at,
            deadline=r.deadline,
            closed_at=r.closed_at,
            revealed_at=r.revealed_at,
            paused_seconds=r.paused_seconds,
        )
        for r in Round.objects.filter(contest__kind="quiz")
    )
    get("Participant").objects.bulk_create(
        get("Participant")(
            id=e.pk,
            quiz_id=e.contest_id,
            user_id=e.user_id,
            team_id=e.team_id,
            joined_at=e.joined_at,
            removed_at=e.removed_at,
            score=e.score,
            correct_count=e.right_count,
            streak=e.streak,
            last_correct_position=e.last_right_position,
            final_rank=e.final_rank,
            channel_name=e.channel_name,
        )
        for e in get("Entry").objects.filter(contest__kind="quiz")
    )
    get("Answer").objects.bulk_create(
        get("Answer")(
            id=s.pk,
            participant_id=s.entry_id,
            question_id=s.round_id,
            choice=s.payload,
            received_at=s.received_at,
            elapsed_ms=s.elapsed_ms,
            is_correct=s.verdict == "right",
            points=s.score,
            bonus=s.bonus,
        )
        for s in get("Submission").objects.filter(entry__contest__kind="quiz")
    )
    _reset_sequences(
        schema_editor,
        [get(name) for name in ("Quiz", "QuizQuestion", "Participant", "Answer")],
    )
    # Out of the new tables, so that going forward again copies them anew
    # (rounds, entries, submissions and options go with their contest).
    _delete_moved_quizzes(schema_editor, get)


def _delete_moved_quizzes(schema_editor, get) -> None:
    """The quizzes just copied back leave the new tables, children first.
    Plain SQL: the historical models' cascade trips over QuizOptions, whose
    key is the contest. Table names come from the models, nothing else."""
    table = {name: get(name)._meta.db_table for name in ("Contest", "Round")}
    quizzes = f"SELECT id FROM {table['Contest']} WHERE kind = 'quiz'"  # noqa: S608
    rounds = f"SELECT id FROM {table['Round']} WHERE contest_id IN ({quizzes})"  # noqa: S608
    for name, column, ids in (
        ("Submission", "round_id", rounds),
        ("Entry", "contest_id", quizzes),
        ("Round", "contest_id", quizzes),
        ("QuizOptions", "contest_id", quizzes),
        ("Contest", "id", quizzes),
    ):
        target = get(name)._meta.db_table
        schema_editor.execute(f"DELETE FROM {target} WHERE {column} IN ({ids})")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("contests", "0003_contest_engine")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
