"""Every channel-layer group's name, made here and nowhere else.

docs/protocol.md ("Group names") lists them with who joins and what each
carries. The names are the wire's, so the domain's words appear in them; what
a group means stays with the app that sends to it.
"""

from __future__ import annotations

# Every /ws/me/ feed: notices for everyone, live quizzes changed.
FLOOR = "floor"
# One listener channel per process: sessions that ended (session_end.py).
SESSIONS = "sessions"
# Every wall display, whatever its board: live quizzes changed.
DISPLAYS = "displays"
# The wall displays showing the whole center's board.
BOARD_CENTER = "board-center"


def user(user_id: int) -> str:
    """One person's /ws/me/ feeds."""
    return f"user-{user_id}"


def team(team_id: int) -> str:
    """The /ws/me/ feeds of one team's members."""
    return f"team-{team_id}"


def contest(contest_id: int) -> str:
    """A live contest's players, reached through each process's hub."""
    return f"contest-{contest_id}"


def contest_host(contest_id: int) -> str:
    """A live contest's host console."""
    return f"contest-{contest_id}-host"


def contest_audience(contest_id: int) -> str:
    """Screens that show a live contest to a room or a floor (wall displays)."""
    return f"contest-{contest_id}-audience"


def display(display_id: int) -> str:
    """One wall display: revoked, its settings changed."""
    return f"display-{display_id}"


def board(scope: str, target_id: int) -> str:
    """The wall displays showing one site's or one team's board
    (``scope``: "site" or "team"); the whole center's is BOARD_CENTER."""
    return f"board-{scope}-{target_id}"
