"""What players, the host and the audience see of a contest now: a page that
opens, a socket that reconnects, a broadcast. Rendered from the database,
with the kind's templates (registry.StageTemplates).

The stage is the same for every player, so it is rendered once per language;
what is personal (own submission, score, rank) is rendered per player.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from functools import lru_cache

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from contests.engine import podium, registry, standings
from contests.models import Contest, Entry, Phase, Round, Status, Submission

HOST_PLAYERS = "contests/_host_players.html"
HOST_COUNT = "contests/_host_count.html"
ANSWERED = "contests/_answered.html"
AUDIENCE_ANSWERED = "contests/_audience_answered.html"
NOTICE = "contests/_notice.html"
# A floor reconnecting together (a Wi-Fi access point restarting, a server
# restart) reads the same stage and the same results a thousand times: each
# is kept for a second, per contest and version. Not while a round counts
# down: its remaining time is read fresh for every snapshot.
KEPT_S = 1.0
KEPT_MAX = 500
_kept: dict[tuple, tuple[float, object]] = {}


def _recent(contest: Contest, what: str, read):
    """``read()``, or what it gave less than KEPT_S ago for this version."""
    if contest.phase == Phase.OPEN:
        return read()
    key = (contest.pk, contest.created_at, contest.version, what)
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and now - kept[0] < KEPT_S:
        return kept[1]
    value = read()
    if len(_kept) >= KEPT_MAX:
        _kept.clear()
    _kept[key] = (now, value)
    return value


def remaining_ms(contest: Contest, round: Round | None) -> int:
    if round is None or round.deadline is None or contest.phase != Phase.OPEN:
        return 0
    now = contest.paused_at or timezone.now()
    return max(0, int((round.deadline - now).total_seconds() * 1000))


def join_qr_svg(pin: str) -> str:
    """An inline SVG QR code of the absolute join address, for a TV in the
    lobby; empty when SITE_URL does not name the address people open."""
    if not settings.SITE_URLS or not pin:
        return ""
    url = settings.SITE_URLS[0].rstrip("/") + reverse("contests:join_pin", args=[pin])
    svg = segno.make(url, error="m").svg_inline(omitsize=True, border=2)
    return mark_safe(svg)  # noqa: S308 - segno's own markup, no user text


def stage_context(contest: Contest) -> dict:
    """Everything the shared stage shows, read once per broadcast: the
    engine's part here, the kind's added by ContestKind.stage_context."""
    round = contest.current_round()
    context = {
        "quiz": contest,  # the name the templates have always used
        "contest": contest,
        "round": round,
        "remaining_ms": remaining_ms(contest, round),
        "total": contest.rounds.count(),
        "players": contest.entries.playing().count(),
    }
    if contest.status == Status.LOBBY:
        context["join_qr"] = join_qr_svg(contest.pin)
    if round is not None:
        context["answered"] = standings.submitted_count(round.pk)
    if contest.phase == Phase.LEADERBOARD or contest.status == Status.FINISHED:
        people = standings.individual_standings(contest)
        context["top"] = people[: standings.TOP]
        context["everyone"] = people if contest.status == Status.FINISHED else []
        context["podium"] = podium.podium_steps(people)
        if contest.team_mode:
            teams = standings.team_standings(contest)
            context["teams"] = teams
            context["team_podium"] = podium.podium_steps(teams)
    registry.kind_of(contest).stage_context(contest, round, context)
    return context


@dataclass(frozen=True)
class FinalResult:
    """A player's end of the contest: among ``players``, of ``total`` rounds."""

    score: int
    rank: int | None
    players: int
    right_count: int
    total: int


@dataclass(frozen=True)
class PersonalPart:
    """The personal part of a player's screen (#quiz-answer, #quiz-me): the
    score so far, the result at a reveal, or the final result at the end."""

    name: str
    score: int
    extra: dict  # the kind's (ContestKind.personal_extra)
    result: standings.PersonalResult | None = None
    final: FinalResult | None = None
    answer: dict | None = None  # the submission locked in (receipt_payload)

    def as_json(self) -> dict:
        """What the kind's player_me template reads, and what the hub carries
        to a player's socket (realtime/hub.py, publish_each): plain JSON."""
        return {
            **self.extra,
            "name": self.name,
            "score": self.score,
            "result": asdict(self.result) if self.result else None,
            "final": asdict(self.final) if self.final else None,
            "answer": self.answer,
        }


def receipt_payload(contest: Contest, round: Round | None, payload) -> dict | None:
    if round is None or payload is None:
        return None
    labels = registry.kind_of(contest).receipt_labels(round, payload)
    return {"position": round.position, "labels": labels}


def personal_parts(contest: Contest, entries: list[Entry]) -> list[PersonalPart]:
    """The personal part of each player's screen, read from the database in
    a fixed number of queries however many of them connect together.

    While a round is open, or closed but not revealed, the score shown is the
    one before it: a score that jumped would tell a player they were right.
    """
    kind = registry.kind_of(contest)
    round = contest.current_round()
    submissions = {}
    if round is not None:
        submissions = {
            s.entry_id: s
            for s in Submission.objects.filter(
                round=round, entry__in=[e.pk for e in entries]
            ).only("entry", "payload", "score", "bonus")
        }
    finished = contest.status == Status.FINISHED
    if finished:
        players = contest.entries.playing().count()
        total = contest.rounds.count()
    results = None
    if not finished and round and contest.phase in (Phase.REVEALED, Phase.LEADERBOARD):
        results = _recent(
            contest, "results", lambda: standings.personal_results(contest, round)
        )
    parts = []
    for entry in entries:
        submission = submissions.get(entry.pk)
        hidden = 0
        if submission and contest.phase in (Phase.OPEN, Phase.CLOSED):
            hidden = submission.score + submission.bonus
        final = result = None
        if finished:
            final = FinalResult(
                score=entry.score,
                rank=entry.final_rank,
                players=players,
                right_count=entry.right_count,
                total=total,
            )
        elif results is not None:
            result = results.get(entry.pk)
        parts.append(
            PersonalPart(
                name=entry.user.name,
                score=entry.score - hidden,
                extra=kind.personal_extra(contest, entry.pk),
                result=result,
                final=final,
                answer=receipt_payload(
                    contest, round, submission.payload if submission else None
                ),
            )
        )
    return parts


def part_from_result(
    contest: Contest,
    round: Round,
    entry_id: int,
    name: str,
    result: standings.PersonalResult,
) -> PersonalPart:
    """The personal part at a reveal, built without touching the database."""
    return PersonalPart(
        name=name,
        score=result.score,
        extra=registry.kind_of(contest).personal_extra(contest, entry_id),
        result=result,
        answer=receipt_payload(contest, round, result.payload),
    )


def render_me(contest_kind: str, me: dict) -> str:
    """The personal fragments in the active language, from PersonalPart.as_json()."""
    templates = registry.get(contest_kind).templates
    return render_to_string(templates.player_me, {"me": me})


def player_snapshot(*, contest_id: int, entry_id: int, language: str) -> str:
    contest = Contest.objects.get(pk=contest_id)
    entry = Entry.objects.select_related("user").get(pk=entry_id)
    return player_snapshots(contest, [(entry, language)])[0]


def player_snapshots(contest: Contest, players: list[tuple[Entry, str]]) -> list[str]:
    """The whole screen of each (entry, language): a floor's tabs connecting
    together are read together."""
    parts = personal_parts(contest, [entry for entry, _language in players])
    snapshots = []
    for (_entry, language), part in zip(players, parts, strict=True):
        with translation.override(language):
            snapshots.append(
                stage_html(contest) + render_me(contest.kind, part.as_json())
            )
    return snapshots


def host_snapshot(*, contest_id: int, language: str) -> str:
    with translation.override(language):
        return host_view(Contest.objects.get(pk=contest_id))


def receipt(contest_kind: str, language: str, position: int, labels: list) -> str:
    """The "locked in" fragment in ``language``, identical whether right or
    wrong: a floor answering together picks among a few options, so the same
    receipt is rendered once, not a thousand times."""
    return _receipt(
        contest_kind, language, position, json.dumps(labels, sort_keys=True)
    )


@lru_cache(maxsize=1024)
def _receipt(contest_kind: str, language: str, position: int, labels: str) -> str:
    template = registry.get(contest_kind).templates.receipt
    with translation.override(language):
        return render_to_string(
            template, {"answer": {"position": position, "labels": json.loads(labels)}}
        )


def player_view(contest: Contest, entry: Entry) -> str:
    """The whole player screen (stage, then personal part) in the active language."""
    return player_snapshots(contest, [(entry, translation.get_language())])[0]


def stage_html(contest: Contest) -> str:
    """The players' stage, the same for all of them, in the active language."""
    templates = registry.kind_of(contest).templates
    return _recent(
        contest,
        f"stage-{translation.get_language()}",
        lambda: render_to_string(templates.player_stage, stage_context(contest)),
    )


def host_view(contest: Contest) -> str:
    templates = registry.kind_of(contest).templates
    context = stage_context(contest)
    context["participants"] = roster(contest)
    return render_to_string(templates.host_stage, context) + render_to_string(
        HOST_PLAYERS, context
    )


def roster(contest: Contest) -> list[Entry]:
    return list(
        contest.entries.playing().select_related("user", "team").order_by("joined_at")
    )


def host_roster_snapshot(*, contest_id: int, language: str) -> str:
    """The host's player list and the lobby's count, freshly read."""
    contest = Contest.objects.get(pk=contest_id)
    context = {
        "quiz": contest,
        "contest": contest,
        "participants": roster(contest),
        "players": contest.entries.playing().count(),
    }
    with translation.override(language):
        html = render_to_string(HOST_PLAYERS, context)
        if contest.status == Status.LOBBY:
            html += render_to_string(HOST_COUNT, context)
        return html


def answered_fragments(contest: Contest) -> tuple[str, str]:
    """("N of M answered") for the host console and for TVs."""
    round = contest.current_round()
    context = {
        "quiz": contest,
        "contest": contest,
        "answered": standings.submitted_count(round.pk) if round else 0,
        "players": contest.entries.playing().count(),
    }
    return (
        render_to_string(ANSWERED, context),
        render_to_string(AUDIENCE_ANSWERED, context),
    )


def notice(message: str, *, level: str = "error") -> str:
    return render_to_string(NOTICE, {"message": message, "level": level})
