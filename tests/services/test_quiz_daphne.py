"""A whole quiz against a real daphne: 20 players, and a server restart mid-question."""

from __future__ import annotations

import asyncio
import json
import random
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets

from tests.servers import Daphne, prepared_site, running, sessions_for, site_python

pytestmark = pytest.mark.services

PLAYERS = [f"agent{n:02d}" for n in range(1, 21)]
CREATE_QUIZ = """
import json
from contests.engine import setup
from contests.kinds.quiz import setup as quiz_setup
from people.models import User
from training.models import Bank
host = User.objects.get(username="trainer1")
bank = Bank.objects.get(name="Contact Center Basics")
questions = bank.questions.filter(kind__in=["single", "true_false"])
questions = list(questions.order_by("id")[:3])
quiz = quiz_setup.create_quiz(
    host=host, title="Twenty", bank=bank, questions=questions,
    seconds_per_question={seconds},
)
for name in {players!r}:
    setup.join_contest(contest=quiz, user=User.objects.get(username=name))
print(json.dumps({{"id": quiz.pk, "correct": [q.correct for q in questions]}}))
"""
ANSWER_COUNTS = """
import json
from contests.models import Entry, Submission
answers = Submission.objects.filter(round__contest_id={quiz})
scores = Entry.objects.filter(contest_id={quiz}).values_list("score", flat=True)
print(json.dumps({{
    "answers": [answers.filter(round__position=p).count() for p in range(3)],
    "scores": sum(scores),
    "points": sum(a.score + a.bonus for a in answers),
}}))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with prepared_site(tmp_path_factory.mktemp("quiz-site")) as env:
        yield env


def in_thread(coroutine):
    # A loop of its own: the test runner's thread may hold Playwright's loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=180)


class Client:
    def __init__(self, url: str, session: str):
        self.url, self.session = url, session
        self.socket = None

    async def connect(self) -> str:
        self.socket = await websockets.connect(
            self.url,
            additional_headers={
                "Cookie": f"sessionid={self.session}; django_language=en",
                "Origin": self.url.replace("ws://", "http://").split("/ws/")[0],
            },
            max_size=2**22,
        )
        return await self.recv()

    async def recv(self, timeout: float = 10) -> str:
        return await asyncio.wait_for(self.socket.recv(), timeout)

    async def until(self, pattern: str, timeout: float = 10) -> str:
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.socket.recv()
                if re.search(pattern, frame):
                    return frame

    async def send(self, **message) -> None:
        await self.socket.send(json.dumps(message))


def test_twenty_players_play_a_whole_quiz_on_a_real_server(site):
    made = json.loads(
        site_python(site, CREATE_QUIZ.format(players=PLAYERS, seconds=30))
    )
    quiz, correct = made["id"], made["correct"]
    sessions = sessions_for(site, [*PLAYERS, "trainer1"])
    with running(site) as server:
        url = f"ws://127.0.0.1:{server.port}/ws/quiz/{quiz}/"

        async def play() -> list[str]:
            host = Client(url, sessions["trainer1"])
            players = [Client(url, sessions[name]) for name in PLAYERS]
            await asyncio.gather(host.connect(), *(p.connect() for p in players))
            await host.send(action="start")
            finals = []
            for position in range(3):
                await asyncio.gather(
                    *(p.until(f'data-position="{position}"') for p in players)
                )

                async def answer(player: Client, position: int) -> str:
                    right = random.random() < 0.6
                    good = correct[position][0]
                    choice = good if right else (0 if good else 1)
                    await player.send(action="answer", position=position, choice=choice)
                    return await player.until('id="quiz-answer"|id="quiz-notice"')

                receipts = await asyncio.gather(*(answer(p, position) for p in players))
                assert all("Answer locked in" in r for r in receipts), [
                    r for r in receipts if "Answer locked in" not in r
                ][:2]
                await host.until(r"20 of 20 answered")
                await host.send(action="reveal")
                verdicts = await asyncio.gather(
                    *(p.until('class="verdict') for p in players)
                )
                assert all("#" in v for v in verdicts)
                await host.send(action="leaderboard")
                await asyncio.gather(
                    *(p.until('data-phase="leaderboard"') for p in players)
                )
                await host.send(action="next" if position < 2 else "end")
            finals = await asyncio.gather(*(p.until("You finished") for p in players))
            for client in (host, *players):
                await client.socket.close()
            return finals

        finals = in_thread(play())
    assert len(finals) == 20
    counts = json.loads(site_python(site, ANSWER_COUNTS.format(quiz=quiz)))
    assert counts["answers"] == [20, 20, 20]
    assert counts["scores"] == counts["points"]


def test_a_restarted_server_carries_on_with_the_same_deadline_and_every_answer(site):
    players = PLAYERS[:4]
    made = json.loads(site_python(site, CREATE_QUIZ.format(players=players, seconds=8)))
    quiz = made["id"]
    sessions = sessions_for(site, [*players, "trainer1"])
    first = Daphne(site).start().wait_until_healthy()
    url = f"ws://127.0.0.1:{first.port}/ws/quiz/{quiz}/"

    async def before_the_crash() -> int:
        host = Client(url, sessions["trainer1"])
        clients = [Client(url, sessions[name]) for name in players]
        await asyncio.gather(host.connect(), *(c.connect() for c in clients))
        await host.send(action="start")
        stages = await asyncio.gather(*(c.until('data-phase="open"') for c in clients))
        for client in clients[:2]:
            await client.send(action="answer", position=0, choice=0)
            await client.until("Answer locked in")
        return int(re.search(r'data-remaining-ms="(\d+)"', stages[0]).group(1))

    try:
        remaining_before = in_thread(before_the_crash())
    finally:
        first.process.kill()  # no goodbye: a crash
        first.process.wait()
    with running(site) as second:
        url = f"ws://127.0.0.1:{second.port}/ws/quiz/{quiz}/"

        async def after_the_restart():
            clients = [Client(url, sessions[name]) for name in players]
            snapshots = await asyncio.gather(*(c.connect() for c in clients))
            await clients[2].send(action="answer", position=0, choice=0)
            late_receipt = await clients[2].until('id="quiz-answer"|id="quiz-notice"')
            # Nobody hosts any more: the clock still closes the question.
            closed = await clients[3].until('data-phase="closed"', timeout=15)
            for client in clients:
                await client.socket.close()
            return snapshots, late_receipt, closed

        snapshots, late_receipt, closed = in_thread(after_the_restart())
    remaining_after = int(
        re.search(r'data-remaining-ms="(\d+)"', snapshots[0]).group(1)
    )
    assert remaining_after < remaining_before  # the same deadline, not a fresh one
    assert all('data-phase="open"' in s for s in snapshots)
    assert "Answer locked in" in snapshots[0] and "Answer locked in" in snapshots[1]
    assert "Answer locked in" not in snapshots[2]
    assert "Answer locked in" in late_receipt
    assert 'data-phase="closed"' in closed
    counts = json.loads(site_python(site, ANSWER_COUNTS.format(quiz=quiz)))
    assert counts["answers"][0] == 3


TWO_QUIZZES = """
import json
from contests.engine import setup
from contests.kinds.quiz import setup as quiz_setup
from people.models import User
from training.models import Bank
host = User.objects.get(username="trainer1")
bank = Bank.objects.get(name="Contact Center Basics")
made = []
for kind, names in (("text", {typed!r}), ("single", {other!r})):
    quiz = quiz_setup.create_quiz(
        host=host, title=kind, bank=bank,
        questions=bank.questions.filter(kind=kind).order_by("id")[:1],
        seconds_per_question=60,
    )
    for name in names:
        setup.join_contest(contest=quiz, user=User.objects.get(username=name))
    made.append(quiz.pk)
print(json.dumps(made))
"""


def test_an_answer_that_cannot_be_encoded_is_refused_and_every_quiz_plays_on(site):
    """A typed answer holding a lone surrogate (valid JSON, but no UTF-8 can
    carry it back) is refused at the door; the sender's socket, the host's
    console at the reveal and the live frames of every other quiz carry on."""
    typed, other = ["agent01", "agent02"], ["agent03"]
    made = json.loads(site_python(site, TWO_QUIZZES.format(typed=typed, other=other)))
    sessions = sessions_for(site, [*typed, *other, "trainer1"])
    with running(site) as server:
        base = f"ws://127.0.0.1:{server.port}/ws/quiz"

        async def play() -> tuple[str, str, str, str]:
            host = Client(f"{base}/{made[0]}/", sessions["trainer1"])
            other_host = Client(f"{base}/{made[1]}/", sessions["trainer1"])
            sender, typist = (Client(f"{base}/{made[0]}/", sessions[n]) for n in typed)
            elsewhere = Client(f"{base}/{made[1]}/", sessions[other[0]])
            clients = (host, other_host, sender, typist, elsewhere)
            await asyncio.gather(*(c.connect() for c in clients))
            await host.send(action="start")
            await other_host.send(action="start")
            for player in (sender, typist, elsewhere):
                await player.until('data-phase="open"')
            # json.dumps writes the surrogate as the escape "\ud800".
            await sender.send(action="answer", position=0, text="95598\ud800")
            refusal = await sender.until('id="quiz-notice"')
            await typist.send(action="answer", position=0, text="95598")
            await typist.until("Answer locked in")
            await host.send(action="reveal")
            console = await host.until('data-phase="revealed"')
            verdict = await typist.until('class="verdict')
            await other_host.send(action="reveal")
            elsewhere_stage = await elsewhere.until('data-phase="revealed"')
            for client in clients:
                await client.socket.close()
            return refusal, console, verdict, elsewhere_stage

        refusal, console, verdict, elsewhere_stage = in_thread(play())
        log = server.log()
    assert "characters that are not allowed" in refusal
    assert 'id="console-stage"' in console
    assert "of 2" in verdict  # ranked among both players
    assert 'data-phase="revealed"' in elsewhere_stage
    assert "Traceback" not in log, log
