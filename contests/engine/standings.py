"""Reads that rank people. Each costs a fixed number of queries, however many
play. Ranks are competition ranks: equal scores share a rank and the next
rank skips (1, 2, 2, 4), unless the contest's tie rule settles them: under
"faster total time wins" equal scores are ranked by the total time of the
entry's submissions (Contest.tie_rule)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Sum

from contests.engine import registry
from contests.models import Contest, Entry, Round, Submission, TieRule, Verdict

TOP = 10


def competition_ranks(scores: Sequence[Hashable]) -> list[int]:
    """Rank of each score, best first, ties sharing (1, 2, 2, 4). A score may
    be a tuple (score, then what settles equal scores), larger being better."""
    ordered = sorted(scores, reverse=True)
    first_place = {}
    for index, score in enumerate(ordered):
        first_place.setdefault(score, index + 1)
    return [first_place[score] for score in scores]


def _standing_key(score: int, total_ms: int | None, tie_rule: str):
    """What ranks an entry: its score, then, if the rule says so, the less
    time its submissions took (no submission at all counts as slowest)."""
    if tie_rule == TieRule.FASTER:
        return (score, -(math.inf if total_ms is None else total_ms))
    return score


@dataclass(frozen=True)
class Standing:
    entry_id: int
    user_id: int
    name: str
    public_name: str  # the board name, if the person chose one
    team_id: int | None
    team_name: str
    score: int
    right_count: int
    rank: int
    total_ms: int | None = None  # its submissions' time, None if it sent none
    answered: int = 0  # how many rounds it submitted for
    employee_number: str = ""

    @property
    def total_s(self) -> float | None:
        return None if self.total_ms is None else self.total_ms / 1000

    @property
    def average_s(self) -> float | None:
        """Seconds an answer took on average, None if it sent none."""
        if self.total_ms is None or not self.answered:
            return None
        return self.total_ms / self.answered / 1000


@dataclass(frozen=True)
class TeamStanding:
    team_id: int
    name: str
    score: float  # average of its members who joined
    members: int
    rank: int


@dataclass(frozen=True)
class PersonalResult:
    """What one player sees at a round's reveal: nothing here is shown earlier."""

    answered: bool
    correct: bool  # the verdict was right
    points: int
    bonus: int
    streak: int
    score: int
    rank: int
    players: int
    ahead_name: str  # who is just ahead ("" for the leader)
    payload: object = None  # what they submitted, as stored
    detail: dict | None = None  # the kind's (ContestKind.result_detail)
    team_rank: int | None = None
    team_name: str = ""


def individual_standings(contest: Contest) -> list[Standing]:
    """Everyone playing, best first, ranked by the contest's tie rule."""
    entries = (
        Entry.objects.playing()
        .filter(contest=contest)
        .select_related("user", "team")
        .annotate(
            total_ms=Sum("submissions__elapsed_ms"), answered=Count("submissions")
        )
    )
    if contest.tie_rule == TieRule.FASTER:
        order = ("-score", F("total_ms").asc(nulls_last=True), "joined_at")
    else:
        order = ("-score", "joined_at")
    rows = list(entries.order_by(*order))
    ranks = competition_ranks(
        [_standing_key(e.score, e.total_ms, contest.tie_rule) for e in rows]
    )
    return [
        Standing(
            entry_id=e.pk,
            user_id=e.user_id,
            name=e.user.name,
            public_name=e.user.public_name,
            team_id=e.team_id,
            team_name=e.team.name if e.team else "",
            score=e.score,
            right_count=e.right_count,
            rank=rank,
            total_ms=e.total_ms,
            answered=e.answered,
            employee_number=e.user.employee_number,
        )
        for e, rank in zip(rows, ranks, strict=True)
    ]


def team_standings(contest: Contest) -> list[TeamStanding]:
    """Teams ranked by the average score of their members who joined; equal
    averages share a place whatever the tie rule."""
    rows = list(
        Entry.objects.playing()
        .filter(contest=contest, team__isnull=False)
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
    """For each entry, the name of the nearest person with a better rank."""
    ahead: dict[int, str] = {}
    best_above = ""
    previous_rank = None
    previous_name = ""
    for standing in standings:  # sorted by rank, best first
        if previous_rank is not None and standing.rank > previous_rank:
            best_above = previous_name
        ahead[standing.entry_id] = best_above if standing.rank > 1 else ""
        previous_rank = standing.rank
        previous_name = standing.public_name
    return ahead


def personal_results(contest: Contest, round: Round) -> dict[int, PersonalResult]:
    """Every player's result for ``round``, keyed by entry id."""
    standings = individual_standings(contest)
    ahead = ahead_of(standings)
    kind = registry.kind_of(contest)
    submissions = {
        s.entry_id: s
        for s in Submission.objects.filter(round=round).only(
            "entry_id", "payload", "verdict", "score", "bonus", "elapsed_ms"
        )
    }
    streaks = dict(Entry.objects.filter(contest=contest).values_list("id", "streak"))
    team_rank: dict[int, TeamStanding] = {}
    if contest.team_mode:
        team_rank = {t.team_id: t for t in team_standings(contest)}
    results = {}
    for standing in standings:
        submission = submissions.get(standing.entry_id)
        right = bool(submission and submission.verdict == Verdict.RIGHT)
        team = team_rank.get(standing.team_id) if standing.team_id else None
        results[standing.entry_id] = PersonalResult(
            answered=submission is not None,
            correct=right,
            points=submission.score if submission else 0,
            bonus=submission.bonus if submission else 0,
            streak=streaks.get(standing.entry_id, 0) if right else 0,
            score=standing.score,
            rank=standing.rank,
            players=len(standings),
            ahead_name=ahead[standing.entry_id],
            payload=submission.payload if submission else None,
            detail=kind.result_detail(round, submission) if submission else None,
            team_rank=team.rank if team else None,
            team_name=team.name if team else "",
        )
    return results


def submitted_count(round_id: int) -> int:
    return Submission.objects.filter(round_id=round_id).count()
