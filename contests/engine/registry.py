"""The contest kinds, and what each tells the engine.

A kind is a package ``contests/kinds/<kind>/`` whose ``kind.py`` subclasses
ContestKind and registers an instance (``register(MyKind())``); the app
imports every ``contests.kinds.<kind>.kind`` module when it starts. The engine
calls these methods and nothing else of the kind. See docs/contest-kinds.md.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from contests.models import Contest, Entry, Round, Submission


@dataclass(frozen=True)
class Judgement:
    """What a kind decided about one submission at intake."""

    verdict: str  # contests.models.Verdict
    score: int = 0
    bonus: int = 0


@dataclass(frozen=True)
class StageTemplates:
    """The kind's fragments. Each template gets the stage context
    (engine.snapshots.stage_context) with the kind's additions."""

    player_stage: str  # #quiz-stage for players (the same for all of them)
    host_stage: str  # the console's stage
    audience_stage: str  # a wall display's #audience-stage
    player_me: str  # a player's own part: score, result, final result
    receipt: str  # "locked in", from ``receipt_labels``
    console: str  # the host's page
    play: str  # a player's page
    results: str  # the results page (trainers)
    my_result: str  # a player's own results page


class ContestKind:
    """Base class of a contest kind. Override what differs; the defaults
    here are the engine's behaviour for a kind that does not say."""

    name: ClassVar[str]  # contests.models.Kind value
    templates: ClassVar[StageTemplates]
    # Refusals that name the kind's round ("this question", "this passage").
    not_open = _("This round is not open.")
    already_over = _("This round is already over.")
    late = _("Time is up: your entry reached the server after the deadline.")
    last_round = _("That was the last round: end the contest.")
    time_up = _("Time is already up for this round.")
    # The most one submission's payload may be, in characters, when a kind
    # takes text (the socket's own limit is 2048 bytes a message).
    progress_fields: ClassVar[dict] = {}  # fields of a "progress" message

    # Setting up ----------------------------------------------------------

    def options(self, contest: Contest):
        """The kind's options row for this contest (its typed table), or
        None for a kind that has no options of its own."""
        return None

    def freeze_round(self, material) -> Round:
        """An unsaved Round holding one piece of training material (a bank
        question, a passage, a clip) as it is now: later edits to the
        material change nothing in the contest."""
        raise NotImplementedError

    # Intake --------------------------------------------------------------

    def clean(self, contest: Contest, round: Round, payload):
        """The payload in its stored form; ContestError(self.invalid...) if it
        cannot be an entry for this round. Runs for every submission."""
        raise NotImplementedError

    def judge(
        self,
        contest: Contest,
        round: Round,
        entry: Entry,
        payload,
        *,
        elapsed_s: float,
        streak_if_right: int,
    ) -> Judgement:
        """Judge a cleaned payload at intake, from what the server measured:
        ``elapsed_s`` since the round opened (pauses excluded), and the
        entry's run of right verdicts if this one is right too. Verdict
        PENDING (scored 0) for a kind that tallies at the close instead."""
        raise NotImplementedError

    def tally(self, contest: Contest, round: Round) -> None:
        """At the close: score the round's PENDING submissions (votes). The
        default judges everything at intake and does nothing here."""

    def receipt_labels(self, round: Round, payload) -> list:
        """What a player sees of their own submission, as they made it."""
        return []

    def result_detail(self, round: Round, submission: Submission) -> dict:
        """What a player's result at a reveal shows besides right or wrong,
        points and rank (a typing round: accuracy, speed). Plain JSON."""
        return {}

    # Stage -------------------------------------------------------------

    def stage_context(
        self, contest: Contest, round: Round | None, context: dict
    ) -> None:
        """Add the kind's part of the stage to ``context`` (in place).
        Never anything that gives a round away before its reveal."""

    def personal_extra(self, contest: Contest, entry_id: int) -> dict:
        """Data a player's own part carries besides score and result
        (the quiz: the key that orders options for this player)."""
        return {}

    # Progress ------------------------------------------------------------

    def progress(self, contest: Contest, entry_id: int, message: dict):
        """A "progress" message from a player (not stored): what the host and
        the audience are sent of it, or None to drop it. The engine keeps the
        latest per player and sends them together a few times a second. Runs
        in the event loop for every such message, so it must not touch the
        database: ``contest`` carries only its id and kind."""
        return None

    def render_progress(self, contest_id: int, latest: dict) -> dict[str, str] | None:
        """The host's and audience's progress fragment for ``latest``
        ({entry id: progress}), per language; None if the kind has none."""
        return None

    # Results -------------------------------------------------------------

    def results_context(self, contest: Contest) -> dict:
        """What the results page adds to the standings (per round reports)."""
        return {}

    def my_result_rows(self, contest: Contest, entry: Entry) -> list:
        """A player's own results page, round by round."""
        return []

    def workbook_sheets(self, contest: Contest) -> list:
        """Extra sheets of the results workbook, after players and teams:
        each (title, header, rows)."""
        return []


_kinds: dict[str, ContestKind] = {}


def register(kind: ContestKind) -> ContestKind:
    _kinds[kind.name] = kind
    return kind


def kind_of(contest: Contest) -> ContestKind:
    return get(contest.kind)


def get(name: str) -> ContestKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No contest kind {name!r} is registered") from None


def names() -> list[str]:
    return sorted(_kinds)


def discover() -> None:
    """Import every kind's ``kind`` module (from ContestsConfig.ready)."""
    import contests.kinds

    for module in pkgutil.iter_modules(contests.kinds.__path__):
        if module.ispkg:
            importlib.import_module(f"contests.kinds.{module.name}.kind")
