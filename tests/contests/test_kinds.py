"""A contest kind is one package and a registration: the engine runs any kind.

The kind here ("count": type the number shown) is written in this file and
nowhere else, as a new kind's package would be: it tells the engine how to
clean, judge and show a submission and how to show live progress, and the
engine does the rest (PIN, seats, clock, intake, ranks, results, the socket,
the finished signal).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils.translation import gettext as _

from contests.engine import (
    intake,
    lifecycle,
    progress,
    registry,
    setup,
    snapshots,
    standings,
)
from contests.engine.errors import ContestError
from contests.engine.registry import ContestKind, Judgement, StageTemplates
from contests.engine.results import results_workbook
from contests.models import Round, Status, Submission, Verdict
from contests.signals import contest_finished
from leaderboard.models import PointEntry
from realtime import groups
from tests import factories
from tests.sockets import connect, frames_until, send

T = "count/"
TEMPLATES = {
    T + "stage.html": '<div id="quiz-stage" data-phase="{{ quiz.phase }}" '
    'data-version="{{ quiz.version }}">count {{ round.number }}</div>',
    T + "me.html": '{% include "count/receipt.html" with answer=me.answer %}'
    '<div id="quiz-me">{{ me.name }} {{ me.score }}'
    "{% if me.final %} final #{{ me.final.rank }}{% endif %}</div>",
    T + "receipt.html": '<div id="quiz-answer">got {{ answer.labels.0 }}</div>',
    T + "audience.html": '<section id="audience-stage">count</section>',
    T + "host.html": '<div id="console-stage">{{ answered }} in</div>',
}


class CountKind(ContestKind):
    name = "count"
    templates = StageTemplates(
        player_stage=T + "stage.html",
        host_stage=T + "host.html",
        audience_stage=T + "audience.html",
        player_me=T + "me.html",
        receipt=T + "receipt.html",
        console=T + "host.html",
        play=T + "stage.html",
        results=T + "host.html",
        my_result=T + "host.html",
    )
    progress_fields = {"typed": int}

    def freeze_round(self, material):
        return Round(content={"target": material})

    def clean(self, contest, round, payload):
        if type(payload) is not str or not payload.isdecimal() or len(payload) > 6:
            raise ContestError(_("That is not an answer to this question."), "invalid")
        return int(payload)

    def judge(self, contest, round, entry, payload, *, elapsed_s, streak_if_right):
        if payload != round.content["target"]:
            return Judgement(Verdict.WRONG)
        return Judgement(Verdict.RIGHT, 10, 5 if streak_if_right > 1 else 0)

    def receipt_labels(self, round, payload):
        return [str(payload)]

    def result_detail(self, round, submission):
        return {"off_by": abs(submission.payload - round.content["target"])}

    def progress(self, contest, entry_id, message):
        typed = message.get("typed")
        return typed if isinstance(typed, int) and 0 <= typed <= 1000 else None

    def render_progress(self, contest_id, latest):
        line = ",".join(f"{entry}:{typed}" for entry, typed in sorted(latest.items()))
        return {code: f'<div id="race">{line}</div>' for code, _n in settings.LANGUAGES}


@pytest.fixture
def count_kind(monkeypatch, settings):
    monkeypatch.setitem(registry._kinds, CountKind.name, CountKind())
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", TEMPLATES),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    return registry.get(CountKind.name)


@pytest.fixture
def counting(count_kind, trainer, team):
    contest = setup.create_contest(
        kind=CountKind.name,
        host=trainer,
        title="数数",
        material=[3, 5],
        seconds_per_round=30,
    )
    people = [
        factories.make_user(username=f"c{n}", display_name=f"数{n}", team=team)
        for n in range(2)
    ]
    entries = [setup.join_contest(contest=contest, user=p) for p in people]
    return contest, people, entries


def test_a_kind_written_outside_the_engine_runs_a_whole_contest(counting, trainer):
    contest, (ann, ben), (ann_entry, ben_entry) = counting
    finished = []

    def heard(sender, contest, results, team_results, **kwargs):
        finished.append([(r.user_id, r.score, r.rank, r.right_count) for r in results])

    contest_finished.connect(heard)
    try:
        lifecycle.start_contest(contest_id=contest.pk, by=trainer)
        contest.refresh_from_db()
        opened = contest.current_round().opened_at
        at = opened + timedelta(seconds=1)

        def submit(user, payload, position=0):
            return intake.record(
                contest_id=contest.pk,
                user=user,
                position=position,
                payload=payload,
                received_at=at,
            )

        with pytest.raises(ContestError) as refused:
            submit(ann, "three")
        assert refused.value.code == "invalid"
        assert submit(ann, "3").labels == ["3"]
        assert submit(ben, "4").labels == ["4"]
        assert submit(ben, "3").repeated  # the first one stands
        ann_entry.refresh_from_db()
        seen = snapshots.player_view(contest, ann_entry)
        assert "got 3" in seen and "数0 0" in seen  # the score waits for the reveal
        lifecycle.reveal_round(contest_id=contest.pk, by=trainer)
        contest.refresh_from_db()
        revealed = standings.personal_results(contest, contest.current_round())
        assert revealed[ben_entry.pk].detail == {"off_by": 1}
        assert (revealed[ann_entry.pk].correct, revealed[ann_entry.pk].rank) == (
            True,
            1,
        )
        lifecycle.next_round(contest_id=contest.pk, by=trainer)
        contest.refresh_from_db()
        at = contest.current_round().opened_at + timedelta(seconds=2)
        submit(ann, "5", position=1)
        lifecycle.end_contest(contest_id=contest.pk, by=trainer)
    finally:
        contest_finished.disconnect(heard)

    verdicts = Submission.objects.order_by("round__position", "entry__user_id")
    assert [(s.entry.user_id, s.verdict, s.score, s.bonus) for s in verdicts] == [
        (ann.pk, Verdict.RIGHT, 10, 0),
        (ben.pk, Verdict.WRONG, 0, 0),
        (ann.pk, Verdict.RIGHT, 10, 5),  # two right in a row: the kind's bonus
    ]
    assert finished == [[(ann.pk, 25, 1, 2), (ben.pk, 0, 2, 0)]]
    contest.refresh_from_db()
    assert (
        contest.status == Status.FINISHED and contest.reference == f"count:{contest.pk}"
    )
    ann_entry.refresh_from_db()
    assert "final #1" in snapshots.player_view(contest, ann_entry)
    assert results_workbook(contest).startswith(b"PK")  # an xlsx (a zip)
    # Points are the leaderboard's policy: a kind it has no rule for earns none.
    assert not PointEntry.objects.filter(reference=contest.reference).exists()


def test_one_pin_space_for_every_kind(count_kind, trainer, bank, monkeypatch):
    question = bank.questions.first()
    pins = iter(["123456", "123456", "654321"])
    monkeypatch.setattr(setup, "_new_pin", lambda: next(pins))
    first = setup.create_contest(kind="count", host=trainer, title="a", material=[1])
    second = setup.create_contest(
        kind="quiz", host=trainer, title="b", material=[question]
    )
    assert (first.pin, second.pin) == ("123456", "654321")


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_progress_is_never_stored_and_reaches_screens_coalesced(
    counting, trainer
):
    contest, (ann, ben), (ann_entry, ben_entry) = counting
    host, ok, _ = await connect(f"/ws/quiz/{contest.pk}/", trainer, language="en")
    assert ok
    await host.receive_from()
    players = []
    for person in (ann, ben):
        socket, ok, _ = await connect(f"/ws/quiz/{contest.pk}/", person, language="en")
        assert ok
        await socket.receive_from()
        players.append(socket)

    layer = get_channel_layer()
    screen = await layer.new_channel()
    await layer.group_add(groups.contest_audience(contest.pk), screen)
    await send(host, action="start")
    await frames_until(host, 'id="console-stage"')
    for typed in (1, 2, 3):
        await send(players[0], action="progress", typed=typed)
    await send(players[1], action="progress", typed=7)
    await send(players[1], action="progress", typed=10_000)  # dropped by the kind
    await send(players[1], action="progress", typed="7")  # the wrong type: refused
    await frames_until(players[1], "wrong type")
    frames = await frames_until(host, 'id="race"')
    race = [f for f in frames if 'id="race"' in f]
    assert race == [f'<div id="race">{ann_entry.pk}:3,{ben_entry.pk}:7</div>']
    async with asyncio.timeout(3):
        on_screen = await layer.receive(screen)
        while on_screen["type"] != "contest.progress":
            on_screen = await layer.receive(screen)
    assert on_screen["html"]["en"] == race[0]
    await asyncio.sleep(progress.PROGRESS_EVERY_S * 2)
    assert await host.receive_nothing(timeout=0.1)  # nothing more was queued
    stored = await sync_to_async(
        Submission.objects.filter(round__contest=contest).count
    )()
    assert stored == 0
    for socket in (host, *players):
        await socket.disconnect()
