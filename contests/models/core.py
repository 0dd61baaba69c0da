"""The engine's tables, the same for every contest kind.

A contest is a sequence of rounds that the host (or the clock) opens, closes,
reveals and ranks; the people in it are its entries; each entry makes at most
one submission per round, stamped by the server. What a round holds and what
a submission says are the kind's (``content`` and ``payload``, JSON); what a
kind lets the trainer set lives in its own options table (kinds/<kind>/models.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from realtime import groups

# A round's time limit, for every kind; a kind may allow less (the quiz: at
# most 240 s a question).
MIN_SECONDS = 5
MAX_SECONDS = 3600


class Kind(models.TextChoices):
    """Every contest kind there is (contests/kinds/<kind>/)."""

    QUIZ = "quiz", _("Knowledge quiz")


class Status(models.TextChoices):
    LOBBY = "lobby", _("Waiting for players")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class Phase(models.TextChoices):
    """Where a running contest stands within its current round."""

    OPEN = "open", _("Round open")
    CLOSED = "closed", _("Round closed")
    REVEALED = "revealed", _("Result revealed")
    LEADERBOARD = "leaderboard", _("Leaderboard")


class TieRule(models.TextChoices):
    """How a contest settles equal scores (shared/CONTESTS.md, Ties)."""

    SHARED = "shared", _("Shared place")
    FASTER = "faster", _("Faster total time wins")


class Verdict(models.TextChoices):
    """What the server decided about one submission."""

    RIGHT = "right", _("Right")
    PARTLY = "partly", _("Partly right")
    WRONG = "wrong", _("Wrong")
    PENDING = "pending", _("Counted at the close")


class ContestQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status=Status.FINISHED)


class Contest(models.Model):
    """One contest of some kind, run by one trainer: its host."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.QUIZ)
    title = models.CharField(_("title"), max_length=100)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hosted_contests",
        verbose_name=_("host"),
    )
    seconds_per_round = models.PositiveSmallIntegerField(
        _("seconds per round"),
        default=20,
        validators=[MinValueValidator(MIN_SECONDS), MaxValueValidator(MAX_SECONDS)],
    )
    team_mode = models.BooleanField(_("teams play against each other"), default=False)
    tie_rule = models.CharField(
        _("tie rule"), max_length=10, choices=TieRule, default=TieRule.SHARED
    )
    pin = models.CharField(_("PIN"), max_length=6)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.LOBBY
    )
    phase = models.CharField(_("phase"), max_length=12, choices=Phase, blank=True)
    current_position = models.PositiveSmallIntegerField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every state change a browser must see; a client that notices
    # a gap asks for a fresh snapshot.
    version = models.PositiveIntegerField(default=0)
    # The last of those changes: a running contest left alone for long is
    # ended by the server (engine.lifecycle.end_idle_contests).
    changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = ContestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        constraints = [
            # One PIN, one live contest, whatever the kinds.
            models.UniqueConstraint(
                fields=["pin"],
                condition=~Q(status="finished"),
                name="contest_pin_unique_while_live",
            ),
            models.CheckConstraint(
                condition=Q(seconds_per_round__gte=MIN_SECONDS)
                & Q(seconds_per_round__lte=MAX_SECONDS),
                name="contest_seconds_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status != Status.FINISHED

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def reference(self) -> str:
        """How the ledger names this contest: ``<kind>:<id>`` (``quiz:7``)."""
        return f"{self.kind}:{self.pk}"

    def current_round(self) -> Round | None:
        if self.current_position is None:
            return None
        return self.rounds.get(position=self.current_position)

    def group(self) -> str:
        return groups.contest(self.pk)

    def host_group(self) -> str:
        return groups.contest_host(self.pk)


class Round(models.Model):
    """One round as it was frozen when the contest was made: later edits to
    the training material change nothing. ``content`` is the kind's."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="rounds"
    )
    position = models.PositiveSmallIntegerField()
    content = models.JSONField(default=dict)
    media = models.FileField(blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["contest", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "position"], name="round_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}#{self.position + 1}"

    @property
    def number(self) -> int:
        return self.position + 1


class EntryQuerySet(models.QuerySet):
    def playing(self):
        return self.filter(removed_at__isnull=True)

    def save_each(self, entries: list[Entry], fields: list[str]) -> None:
        """Save these fields of each entry: one statement run for each row
        (executemany). Django's bulk_update builds one CASE per field over
        the whole batch and took ~1 ms a player for a batch of 250."""
        if not entries:
            return
        connection = connections[self.db]
        quote = connection.ops.quote_name
        columns = ", ".join(
            f"{quote(self.model._meta.get_field(name).column)} = %s" for name in fields
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(self.model._meta.db_table)} SET {columns} "  # noqa: S608
                "WHERE id = %s",
                [[*(getattr(e, name) for name in fields), e.pk] for e in entries],
            )


class Entry(models.Model):
    """A person in a contest. ``streak`` counts right verdicts in a row
    (``last_right_position`` is the round of the latest)."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contest_entries",
    )
    team = models.ForeignKey(
        "people.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    joined_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    score = models.IntegerField(default=0)
    right_count = models.PositiveSmallIntegerField(default=0)
    streak = models.PositiveSmallIntegerField(default=0)
    last_right_position = models.SmallIntegerField(null=True, blank=True)
    final_rank = models.PositiveIntegerField(null=True, blank=True)
    # The channel of the tab that currently plays; a newer tab takes over.
    channel_name = models.CharField(max_length=200, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "joined_at"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "user"], name="entry_once_per_contest"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class Submission(models.Model):
    """What one entry sent for one round, as the server received and judged it."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="submissions"
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="submissions"
    )
    payload = models.JSONField()
    received_at = models.DateTimeField()
    elapsed_ms = models.PositiveIntegerField()
    score = models.PositiveIntegerField(default=0)
    bonus = models.PositiveIntegerField(default=0)
    verdict = models.CharField(max_length=8, choices=Verdict)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "round"], name="submission_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} → {self.round}"

    @property
    def is_right(self) -> bool:
        return self.verdict == Verdict.RIGHT
