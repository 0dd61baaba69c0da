"""What players and the host see of a quiz, rendered as htmx fragments.

The stage (question, countdown, reveal, leaderboard, podium) is the same for
every player, so a broadcast renders it once per language. What is personal
(own answer, score, rank) is rendered per player.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils import timezone, translation

from contests import standings
from contests.models import Answer, Participant, Phase, Quiz, QuizQuestion, QuizStatus
from training.models import OPTION_LETTERS, QuestionKind

PLAYER_STAGE = "contests/_player_stage.html"
PLAYER_ME = "contests/_player_me.html"
PLAYER_ANSWER = "contests/_player_answer.html"
HOST_STAGE = "contests/_host_stage.html"
AUDIENCE_STAGE = "contests/_audience_stage.html"
AUDIENCE_ANSWERED = "contests/_audience_answered.html"
HOST_PLAYERS = "contests/_host_players.html"
HOST_COUNT = "contests/_host_count.html"
ANSWERED = "contests/_answered.html"
NOTICE = "contests/_notice.html"
LIVE_NOW = "contests/_live_now.html"
LIVE_NOW_PUSHED = "contests/_live_now_pushed.html"
PODIUM_SIZE = 3
# A floor reconnecting together (a Wi-Fi access point restarting, a server
# restart) reads the same stage and the same results a thousand times: each
# is kept for a second, per quiz and version. Not while a question counts
# down: its remaining time is read fresh for every snapshot.
KEPT_S = 1.0
KEPT_MAX = 500
_kept: dict[tuple, tuple[float, object]] = {}


def _recent(quiz: Quiz, what: str, read):
    """``read()``, or what it gave less than KEPT_S ago for this version."""
    if quiz.phase == Phase.QUESTION:
        return read()
    key = (quiz.pk, quiz.created_at, quiz.version, what)
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and now - kept[0] < KEPT_S:
        return kept[1]
    value = read()
    if len(_kept) >= KEPT_MAX:
        _kept.clear()
    _kept[key] = (now, value)
    return value


def remaining_ms(quiz: Quiz, question: QuizQuestion | None) -> int:
    if question is None or question.deadline is None or quiz.phase != Phase.QUESTION:
        return 0
    now = quiz.paused_at or timezone.now()
    return max(0, int((question.deadline - now).total_seconds() * 1000))


def stage_context(quiz: Quiz) -> dict:
    """Everything the shared stage shows, read once per broadcast."""
    question = quiz.current_question()
    context = {
        "quiz": quiz,
        "question": question,
        "options": _options(question),
        "remaining_ms": remaining_ms(quiz, question),
        "total": quiz.questions.count(),
        "players": quiz.participants.playing().count(),
    }
    if question is not None:
        context["answered"] = standings.answered_count(question.pk)
    if quiz.phase in (Phase.REVEALED, Phase.LEADERBOARD) and question is not None:
        context["distribution"] = standings.distribution(question)
        context["bars"] = _bars(question, context["distribution"])
    if quiz.phase == Phase.LEADERBOARD or quiz.status == QuizStatus.FINISHED:
        people = standings.individual_standings(quiz)
        context["top"] = people[: standings.TOP]
        context["everyone"] = people if quiz.status == QuizStatus.FINISHED else []
        context["podium"] = [s for s in people if s.rank <= PODIUM_SIZE]
        if quiz.team_mode:
            teams = standings.team_standings(quiz)
            context["teams"] = teams
            context["team_podium"] = [t for t in teams if t.rank <= PODIUM_SIZE]
    return context


def _options(question: QuizQuestion | None) -> list[dict]:
    """Options in canonical order. Correctness is not part of them."""
    if question is None:
        return []
    if question.kind == QuestionKind.TRUE_FALSE:
        return [{"index": 0, "tf": True}, {"index": 1, "tf": False}]
    return [
        {"index": i, "text": text, "letter": OPTION_LETTERS[i]}
        for i, text in enumerate(question.options)
    ]


def _bars(question: QuizQuestion, shares: standings.Distribution) -> list[dict]:
    """The reveal's bar chart: one bar per option, the correct ones marked."""
    correct = set(question.correct) if question.kind != QuestionKind.TEXT else set()
    options = _options(question)
    return [
        {
            **option,
            "count": count,
            "percent": round(100 * count / shares.peak) if shares.peak else 0,
            "correct": option["index"] in correct,
        }
        for option, count in zip(options, shares.option_counts, strict=False)
    ]


def shuffle_key(quiz: Quiz, participant_id: int) -> int | None:
    """A per-player number the page uses to order options; stable per quiz."""
    if not quiz.shuffle_options:
        return None
    digest = hashlib.sha256(f"{quiz.pk}:{participant_id}:{quiz.pin}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def answer_labels(question: QuizQuestion | None, choice) -> list:
    """What a player picked as they saw it: option texts, true/false, or text."""
    if question is None or choice is None:
        return []
    if isinstance(choice, str):
        return [choice]
    if question.kind == QuestionKind.TRUE_FALSE:
        return [{"tf": index == 0} for index in choice]
    return [question.options[i] for i in choice if 0 <= i < len(question.options)]


def correct_labels(question: QuizQuestion) -> list:
    """The right answer as people read it (for after the reveal only)."""
    if question.kind == QuestionKind.TEXT:
        return list(question.correct)
    return answer_labels(question, question.correct)


def answer_payload(question: QuizQuestion | None, choice) -> dict | None:
    if question is None or choice is None:
        return None
    return {"position": question.position, "labels": answer_labels(question, choice)}


@dataclass(frozen=True)
class FinalResult:
    """A player's end of the quiz: among ``players``, of ``total`` questions."""

    score: int
    rank: int | None
    players: int
    correct_count: int
    total: int


@dataclass(frozen=True)
class PersonalPart:
    """The personal part of a player's screen (#quiz-answer, #quiz-me): the
    score so far, the result at a reveal, or the final result at the end."""

    name: str
    score: int
    shuffle_key: int | None
    result: standings.PersonalResult | None = None
    final: FinalResult | None = None
    answer: dict | None = None  # the answer locked in (answer_payload)

    def as_json(self) -> dict:
        """What _player_me.html reads, and what the hub carries to a player's
        socket (people/hub.py, publish_each): plain JSON."""
        return {
            "name": self.name,
            "score": self.score,
            "shuffle_key": self.shuffle_key,
            "result": asdict(self.result) if self.result else None,
            "final": asdict(self.final) if self.final else None,
            "answer": self.answer,
        }


def me_payloads(quiz: Quiz, participants: list[Participant]) -> list[PersonalPart]:
    """The personal part of each player's screen, read from the database in
    a fixed number of queries however many of them connect together.

    While a question is open or closed but not revealed, the score shown is
    the one before it: a score that jumped would tell a player they were right.
    """
    question = quiz.current_question()
    answers = {}
    if question is not None:
        answers = {
            answer.participant_id: answer
            for answer in Answer.objects.filter(
                question=question, participant__in=[p.pk for p in participants]
            ).only("participant", "choice", "points", "bonus")
        }
    finished = quiz.status == QuizStatus.FINISHED
    if finished:
        players = quiz.participants.playing().count()
        total = quiz.questions.count()
    results = None
    if not finished and question and quiz.phase in (Phase.REVEALED, Phase.LEADERBOARD):
        results = _recent(
            quiz, "results", lambda: standings.personal_results(quiz, question)
        )
    payloads = []
    for participant in participants:
        answer = answers.get(participant.pk)
        hidden = 0
        if answer and quiz.phase in (Phase.QUESTION, Phase.CLOSED):
            hidden = answer.points + answer.bonus
        final = result = None
        if finished:
            final = FinalResult(
                score=participant.score,
                rank=participant.final_rank,
                players=players,
                correct_count=participant.correct_count,
                total=total,
            )
        elif results is not None:
            result = results.get(participant.pk)
        payloads.append(
            PersonalPart(
                name=participant.user.name,
                score=participant.score - hidden,
                shuffle_key=shuffle_key(quiz, participant.pk),
                result=result,
                final=final,
                answer=answer_payload(question, answer.choice if answer else None),
            )
        )
    return payloads


def me_from_result(
    quiz: Quiz,
    question: QuizQuestion,
    participant_id: int,
    name: str,
    result: standings.PersonalResult,
) -> PersonalPart:
    """The personal part at a reveal, built without touching the database."""
    return PersonalPart(
        name=name,
        score=result.score,
        shuffle_key=shuffle_key(quiz, participant_id),
        result=result,
        answer=answer_payload(question, result.choice),
    )


def render_me(me: dict) -> str:
    """The personal fragments (#quiz-answer, #quiz-me) in the active language,
    from PersonalPart.as_json()."""
    return render_to_string(PLAYER_ME, {"me": me})


def player_snapshot(*, quiz_id: int, participant_id: int, language: str) -> str:
    quiz = Quiz.objects.get(pk=quiz_id)
    participant = Participant.objects.select_related("user").get(pk=participant_id)
    return player_snapshots(quiz, [(participant, language)])[0]


def player_snapshots(quiz: Quiz, players: list[tuple[Participant, str]]) -> list[str]:
    """The whole screen of each (participant, language): a floor's tabs
    connecting together are read together."""
    mes = me_payloads(quiz, [participant for participant, _language in players])
    snapshots = []
    for (_participant, language), me in zip(players, mes, strict=True):
        with translation.override(language):
            snapshots.append(stage_html(quiz) + render_me(me.as_json()))
    return snapshots


def host_snapshot(*, quiz_id: int, language: str) -> str:
    with translation.override(language):
        return host_view(Quiz.objects.get(pk=quiz_id))


def render_answer(answer: dict | None) -> str:
    """The "answer locked in" fragment: identical whether right or wrong."""
    return render_to_string(PLAYER_ANSWER, {"answer": answer})


def answer_receipt(language: str, position: int, labels: list) -> str:
    """render_answer in ``language``: a floor answering together picks among
    a few options, so the same receipt is rendered once, not a thousand times."""
    return _answer_receipt(language, position, json.dumps(labels, sort_keys=True))


@lru_cache(maxsize=1024)
def _answer_receipt(language: str, position: int, labels: str) -> str:
    with translation.override(language):
        return render_answer({"position": position, "labels": json.loads(labels)})


def player_view(quiz: Quiz, participant: Participant) -> str:
    """The whole player screen (stage, then personal part) in the active language."""
    return player_snapshots(quiz, [(participant, translation.get_language())])[0]


def stage_html(quiz: Quiz) -> str:
    """The players' stage, the same for all of them, in the active language."""
    return _recent(
        quiz,
        f"stage-{translation.get_language()}",
        lambda: render_to_string(PLAYER_STAGE, stage_context(quiz)),
    )


def host_view(quiz: Quiz) -> str:
    context = stage_context(quiz)
    context["participants"] = roster(quiz)
    return render_to_string(HOST_STAGE, context) + render_to_string(
        HOST_PLAYERS, context
    )


def roster(quiz: Quiz):
    return list(
        quiz.participants.playing().select_related("user", "team").order_by("joined_at")
    )


def host_roster_snapshot(*, quiz_id: int, language: str) -> str:
    """The host's player list and the lobby's count, freshly read."""
    quiz = Quiz.objects.get(pk=quiz_id)
    context = {
        "quiz": quiz,
        "participants": roster(quiz),
        "players": quiz.participants.playing().count(),
    }
    with translation.override(language):
        html = render_to_string(HOST_PLAYERS, context)
        if quiz.status == QuizStatus.LOBBY:
            html += render_to_string(HOST_COUNT, context)
        return html


def answered_fragments(quiz: Quiz) -> tuple[str, str]:
    """("N of M answered") for the host console and for TVs."""
    question = quiz.current_question()
    context = {
        "quiz": quiz,
        "answered": standings.answered_count(question.pk) if question else 0,
        "players": quiz.participants.playing().count(),
    }
    return (
        render_to_string(ANSWERED, context),
        render_to_string(AUDIENCE_ANSWERED, context),
    )


def audience_snapshot(*, quiz_id: int, language: str) -> str:
    """The quiz as a TV shows it, for a screen that tunes in mid-quiz."""
    with translation.override(language):
        return render_to_string(
            AUDIENCE_STAGE, stage_context(Quiz.objects.get(pk=quiz_id))
        )


def notice(message: str, *, level: str = "error") -> str:
    return render_to_string(NOTICE, {"message": message, "level": level})
