"""What wall displays show, rendered once per board and language.

A board is what one kind of display shows: the whole center, one site or one
team. Every display of a board joins its group (``board-center``,
``board-site-<id>``, ``board-team-<id>``); a change renders the board's panels
once per language and sends them to the group.

Public boards are humane: they show at most the top N (setting
``BOARD_TOP_N``, default 10) and never more than the top half of a ranking,
so nobody on the TV is near the bottom. People with a board alias appear under
it, without avatar, initials of their real name or team.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from math import ceil

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from leaderboard import rankings
from leaderboard.models import (
    AwardScope,
    Display,
    DisplayScope,
    Kudos,
    Panel,
    PointTotal,
    ServiceStarAward,
    StarThreshold,
)
from leaderboard.periods import period_start, today
from people.models import Team, User, initials_of
from realtime import groups
from realtime.live import render_per_language

PANELS_TEMPLATE = "leaderboard/_display_panels.html"
CELEBRATION_TEMPLATE = "leaderboard/_display_celebration.html"
KUDOS_SHOWN = 6
MOVERS_SHOWN = 5
ALL_PANELS = tuple(Panel.values)
# What each kind of change makes stale.
POINT_PANELS = (Panel.STARS, Panel.TEAMS, Panel.MOVERS)
KUDOS_PANELS = (Panel.KUDOS,)


def public_limit(ranked: int, cap: int | None = None) -> int:
    """How many places a public board shows of a ranking of ``ranked``."""
    return min(cap or rankings.public_top(), ceil(ranked / 2))


@dataclass(frozen=True)
class Board:
    kind: str  # a DisplayScope value
    target: int | None = None  # the site or team id

    @property
    def group(self) -> str:
        if self.kind == DisplayScope.CENTER:
            return groups.BOARD_CENTER
        return groups.board(self.kind, self.target)

    def people(self) -> Q | None:
        """Whose points and kudos this board shows (None: everyone's)."""
        if self.kind == DisplayScope.SITE:
            return Q(person__team__site_id=self.target)
        if self.kind == DisplayScope.TEAM:
            return Q(person__team_id=self.target)
        return None

    def kudos(self) -> Q:
        if self.kind == DisplayScope.SITE:
            return Q(receiver__team__site_id=self.target)
        if self.kind == DisplayScope.TEAM:
            return Q(receiver__team_id=self.target)
        return Q()

    def site_id(self) -> int | None:
        """The site whose teams the team board ranks."""
        if self.kind == DisplayScope.SITE:
            return self.target
        if self.kind == DisplayScope.TEAM:
            return (
                Team.objects.filter(pk=self.target)
                .values_list("site_id", flat=True)
                .first()
            )
        return None


CENTER = Board(DisplayScope.CENTER)


def board_of(display: Display) -> Board:
    if display.scope == DisplayScope.SITE:
        return Board(DisplayScope.SITE, display.site_id)
    if display.scope == DisplayScope.TEAM:
        return Board(DisplayScope.TEAM, display.team_id)
    return CENTER


def boards_in_use() -> set[Board]:
    """Boards at least one paired display shows: the only ones worth rendering."""
    found = set()
    for scope, site_id, team_id in Display.objects.active().values_list(
        "scope", "site_id", "team_id"
    ):
        target = site_id if scope == DisplayScope.SITE else team_id
        found.add(Board(scope, target if scope != DisplayScope.CENTER else None))
    return found


def boards_for_teams(team_ids: set[int | None], in_use: set[Board]) -> set[Board]:
    """Boards in use that show people of these teams (None: people without one)."""
    if not in_use or not team_ids:
        return set()
    teams = {t for t in team_ids if t is not None}
    sites = set(Team.objects.filter(pk__in=teams).values_list("site_id", flat=True))
    return {
        board
        for board in in_use
        if board.kind == DisplayScope.CENTER
        or (board.kind == DisplayScope.SITE and board.target in sites)
        or (board.kind == DisplayScope.TEAM and board.target in teams)
    }


# What a board shows.


@dataclass(frozen=True)
class Person:
    """A row of a public board: under the alias when there is one."""

    rank: int
    points: int
    name: str
    initials: str
    avatar: str  # the display's own avatar URL, "" for none or an alias
    team_name: str
    stars: int
    movement: int | None
    new: bool

    @property
    def moved(self) -> int:
        return abs(self.movement or 0)


def avatar_url(person_id: int, media_url: str) -> str:
    """The avatar through the display's own gate (media needs a login); the
    version changes when the person uploads a new picture."""
    version = hashlib.sha256(media_url.encode()).hexdigest()[:10]
    return f"{reverse('leaderboard:display_avatar', args=[person_id])}?v={version}"


def public_row(row: rankings.Row) -> Person:
    aliased = row.public_name != row.name
    return Person(
        rank=row.rank,
        points=row.points,
        name=row.public_name,
        initials=initials_of(row.public_name),
        avatar=""
        if aliased or not row.avatar
        else avatar_url(row.person_id, row.avatar),
        team_name="" if aliased else row.team_name,
        stars=row.stars,
        movement=row.movement,
        new=row.new,
    )


def _ranked(period: str, scope: Q | None) -> int:
    totals = PointTotal.objects.filter(
        period=period,
        starts_on=period_start(period, today()),
        person__isnull=False,
        points__gt=0,
    )
    if scope is not None:
        totals = totals.filter(scope)
    return totals.count()


def top_level() -> int:
    return (
        StarThreshold.objects.order_by("-stars").values_list("stars", flat=True).first()
        or 0
    )


def panels_context(board: Board, panels=ALL_PANELS) -> dict:
    """Everything the panels show, read once for every language."""
    context = {"board": board, "panels": list(panels), "top_n": rankings.public_top()}
    scope = board.people()
    if Panel.STARS in panels:
        limit = public_limit(_ranked("month", scope))
        rows = (
            rankings.people_ranking("month", limit=limit, scope=scope) if limit else []
        )
        context["stars"] = [public_row(row) for row in rows if row.rank <= limit]
        context["star_levels"] = range(1, top_level() + 1)
    if Panel.MOVERS in panels:
        limit = public_limit(_ranked("week", scope), MOVERS_SHOWN)
        rows = rankings.movers(limit=limit, scope=scope) if limit else []
        context["movers"] = [public_row(row) for row in rows if row.rank <= limit]
    if Panel.TEAMS in panels:
        # Every team of the board's scope, the last one too: sparing the
        # bottom of a ranking protects individuals, while teams are the unit of
        # the star-team competition and each floor looks for its own.
        teams = rankings.team_ranking("month", limit=10_000, site_id=board.site_id())
        if not any(team.points > 0 for team in teams):
            teams = []
        best = max((team.average for team in teams), default=0) or 1
        own = board.target if board.kind == DisplayScope.TEAM else None
        context["teams"] = [
            {
                "rank": team.rank,
                "name": team.name,
                "average": team.average,
                "members": team.members,
                "share": max(2, round(100 * team.average / best)),
                "own": team.team_id == own,
            }
            for team in teams
        ]
    if Panel.KUDOS in panels:
        context["kudos"] = [
            {
                "receiver": kudos.receiver.public_name,
                "sender": kudos.sender.public_name,
                "heart": kudos.heart,
                "heart_label": kudos.get_heart_display(),
                "message": kudos.message,
                "created_at": kudos.created_at,
            }
            for kudos in Kudos.objects.shown()
            .filter(board.kudos())
            .select_related("sender", "receiver")[:KUDOS_SHOWN]
        ]
    return context


def render_panels(board: Board, panels=ALL_PANELS) -> dict[str, str]:
    """The panels' fragments, once per language."""
    return render_per_language(PANELS_TEMPLATE, panels_context(board, panels))


def render_panels_in(board: Board, language: str, panels=ALL_PANELS) -> str:
    with translation.override(language):
        return render_to_string(PANELS_TEMPLATE, panels_context(board, panels))


def stamp() -> str:
    """The server's time for "last updated", in the center's time zone."""
    return timezone.localtime().strftime("%H:%M:%S")


# Celebrations.


def award_celebration(award_id: int) -> tuple[set[Board], dict[str, str]] | None:
    """(boards, fragments) celebrating a confirmed service star or star team."""
    award = (
        ServiceStarAward.objects.select_related("person", "person__team", "team")
        .filter(pk=award_id, confirmed_at__isnull=False)
        .first()
    )
    if award is None:
        return None
    in_use = boards_in_use()
    if award.scope == AwardScope.TEAM:
        team_id = award.team_id or (award.person.team_id if award.person else None)
        boards = boards_for_teams({team_id}, in_use)
    else:
        boards = in_use
    context = {
        "kind": award.scope,
        "month": award.month,
        "points": round(award.points),
        "team_name": award.team.name if award.team else "",
    }
    if award.person is not None:
        context["person"] = _celebrated(award.person)
    return boards, render_per_language(CELEBRATION_TEMPLATE, context)


def top_level_reached(gains: dict[int, int]) -> list[tuple[User, int, int]]:
    """People whose gains since the last look took them to the highest star
    level this month: (person, stars, month points)."""
    level = StarThreshold.objects.order_by("-stars").first()
    if level is None or not gains:
        return []
    totals = dict(
        PointTotal.objects.filter(
            period="month",
            starts_on=period_start("month", today()),
            person_id__in=list(gains),
        ).values_list("person_id", "points")
    )
    reached = [
        person_id
        for person_id, gained in gains.items()
        if gained > 0
        and totals.get(person_id, 0) >= level.min_points
        and totals.get(person_id, 0) - gained < level.min_points
    ]
    people = User.objects.select_related("team").in_bulk(reached)
    return [(people[pid], level.stars, totals[pid]) for pid in reached if pid in people]


def achievement_celebration(person: User, stars: int, points: int) -> dict[str, str]:
    context = {
        "kind": "stars",
        "stars": stars,
        "points": points,
        "person": _celebrated(person),
    }
    return render_per_language(CELEBRATION_TEMPLATE, context)


def _celebrated(person: User) -> dict:
    aliased = bool(person.board_alias)
    return {
        "name": person.public_name,
        "initials": initials_of(person.public_name),
        "avatar": avatar_url(person.pk, person.avatar.url)
        if person.avatar and not aliased
        else "",
        "team_name": "" if aliased or not person.team else person.team.name,
    }
