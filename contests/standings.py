"""Reads that rank people and summarise answers. Each costs a fixed number of
queries, however many people play."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count

from contests.models import Answer, Participant, Quiz, QuizQuestion
from contests.scoring import competition_ranks
from training.matching import normalize_answer
from training.models import QuestionKind

TOP = 10


@dataclass(frozen=True)
class Standing:
    participant_id: int
    user_id: int
    name: str
    public_name: str  # the board name, if the person chose one
    team_id: int | None
    team_name: str
    score: int
    correct_count: int
    rank: int


@dataclass(frozen=True)
class TeamStanding:
    team_id: int
    name: str
    score: float  # average of its members who joined
    members: int
    rank: int


@dataclass(frozen=True)
class PersonalResult:
    """What one player sees at the reveal: nothing here is shown earlier."""

    answered: bool
    correct: bool
    points: int
    bonus: int
    streak: int
    score: int
    rank: int
    players: int
    ahead_name: str  # who is just ahead ("" for the leader)
    choice: list[int] | str | None = None
    team_rank: int | None = None
    team_name: str = ""


def individual_standings(quiz: Quiz) -> list[Standing]:
    rows = list(
        Participant.objects.playing()
        .filter(quiz=quiz)
        .select_related("user", "team")
        .order_by("-score", "joined_at")
    )
    ranks = competition_ranks([p.score for p in rows])
    return [
        Standing(
            participant_id=p.pk,
            user_id=p.user_id,
            name=p.user.name,
            public_name=p.user.public_name,
            team_id=p.team_id,
            team_name=p.team.name if p.team else "",
            score=p.score,
            correct_count=p.correct_count,
            rank=rank,
        )
        for p, rank in zip(rows, ranks, strict=True)
    ]


def team_standings(quiz: Quiz) -> list[TeamStanding]:
    """Teams ranked by the average score of their members who joined."""
    rows = list(
        Participant.objects.playing()
        .filter(quiz=quiz, team__isnull=False)
        .values("team_id", "team__name")
        .annotate(average=Avg("score"), members=Count("id"))
        .order_by("-average", "team__name")
    )
    averages = [round(row["average"], 1) for row in rows]
    ranks = competition_ranks(averages)
    return [
        TeamStanding(
            team_id=row["team_id"],
            name=row["team__name"],
            score=average,
            members=row["members"],
            rank=rank,
        )
        for row, average, rank in zip(rows, averages, ranks, strict=True)
    ]


def ahead_of(standings: list[Standing]) -> dict[int, str]:
    """For each participant, the name of the nearest person with a better score."""
    ahead: dict[int, str] = {}
    best_above = ""
    previous_score = None
    previous_name = ""
    for standing in standings:  # sorted by score, best first
        if previous_score is not None and standing.score < previous_score:
            best_above = previous_name
        ahead[standing.participant_id] = best_above if standing.rank > 1 else ""
        if previous_score is None or standing.score < previous_score:
            previous_score = standing.score
        previous_name = standing.public_name
    return ahead


def personal_results(quiz: Quiz, question: QuizQuestion) -> dict[int, PersonalResult]:
    """Every player's result for ``question``, keyed by participant id."""
    standings = individual_standings(quiz)
    ahead = ahead_of(standings)
    answers = {
        a.participant_id: a
        for a in Answer.objects.filter(question=question).only(
            "participant_id", "choice", "is_correct", "points", "bonus"
        )
    }
    streaks = dict(Participant.objects.filter(quiz=quiz).values_list("id", "streak"))
    team_rank: dict[int, TeamStanding] = {}
    if quiz.team_mode:
        team_rank = {t.team_id: t for t in team_standings(quiz)}
    results = {}
    for standing in standings:
        answer = answers.get(standing.participant_id)
        team = team_rank.get(standing.team_id) if standing.team_id else None
        results[standing.participant_id] = PersonalResult(
            answered=answer is not None,
            correct=bool(answer and answer.is_correct),
            points=answer.points if answer else 0,
            bonus=answer.bonus if answer else 0,
            streak=streaks.get(standing.participant_id, 0)
            if answer and answer.is_correct
            else 0,
            score=standing.score,
            rank=standing.rank,
            players=len(standings),
            ahead_name=ahead[standing.participant_id],
            choice=answer.choice if answer else None,
            team_rank=team.rank if team else None,
            team_name=team.name if team else "",
        )
    return results


@dataclass(frozen=True)
class Distribution:
    """How the room answered one question."""

    answered: int
    correct: int
    # Choice questions: one count per option (true/false: true, false).
    option_counts: list[int]
    # Typed answers: the most common normalised answers with their counts.
    common_texts: list[tuple[str, int]]

    @property
    def peak(self) -> int:
        return max(self.option_counts, default=0) or 1


def distribution(question: QuizQuestion, rows=None) -> Distribution:
    """``rows``: (choice, is_correct) of the question's answers, if already read."""
    if rows is None:
        rows = list(question.answers.values_list("choice", "is_correct"))
    correct = sum(1 for _choice, ok in rows if ok)
    if question.kind == QuestionKind.TEXT:
        texts = Counter(normalize_answer(c) for c, _ok in rows if isinstance(c, str))
        return Distribution(len(rows), correct, [], texts.most_common(5))
    width = 2 if question.kind == QuestionKind.TRUE_FALSE else len(question.options)
    counts = [0] * width
    for choice, _ok in rows:
        for index in choice if isinstance(choice, list) else []:
            if isinstance(index, int) and 0 <= index < width:
                counts[index] += 1
    return Distribution(len(rows), correct, counts, [])


def answered_count(question_id: int) -> int:
    return Answer.objects.filter(question_id=question_id).count()


def question_report(quiz: Quiz) -> list[dict]:
    """Per question: answers, correct rate, average time and the distribution."""
    rows = defaultdict(list)
    elapsed = defaultdict(int)
    for question_id, choice, ok, elapsed_ms in Answer.objects.filter(
        question__quiz=quiz
    ).values_list("question_id", "choice", "is_correct", "elapsed_ms"):
        rows[question_id].append((choice, ok))
        elapsed[question_id] += elapsed_ms
    report = []
    for question in quiz.questions.all():
        answers = len(rows[question.pk])
        shares = distribution(question, rows[question.pk])
        report.append(
            {
                "question": question,
                "distribution": shares,
                "correct_rate": shares.correct / answers if answers else None,
                "correct_percent": round(100 * shares.correct / answers)
                if answers
                else None,
                "average_s": elapsed[question.pk] / answers / 1000 if answers else None,
            }
        )
    return report
