"""Live quizzes: the quiz, its frozen questions, who plays, and every answer."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from realtime import groups
from training.models import QuestionKind

MIN_SECONDS = 5
MAX_SECONDS = 240


class QuizStatus(models.TextChoices):
    LOBBY = "lobby", _("Waiting for players")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class Phase(models.TextChoices):
    """Where a running quiz stands within its current question."""

    QUESTION = "question", _("Question open")
    CLOSED = "closed", _("Answers closed")
    REVEALED = "revealed", _("Answer revealed")
    LEADERBOARD = "leaderboard", _("Leaderboard")


class Points(models.IntegerChoices):
    NONE = 0, _("No points (practice)")
    STANDARD = 1000, _("Standard (1000)")
    DOUBLE = 2000, _("Double (2000)")


class QuizQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status=QuizStatus.FINISHED)


class Quiz(models.Model):
    """A knowledge quiz (业务知识擂台赛) run live by one trainer, its host."""

    title = models.CharField(_("title"), max_length=100)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hosted_quizzes",
        verbose_name=_("host"),
    )
    bank = models.ForeignKey(
        "training.Bank",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quizzes",
        verbose_name=_("question bank"),
    )
    seconds_per_question = models.PositiveSmallIntegerField(
        _("seconds per question"),
        default=20,
        validators=[MinValueValidator(MIN_SECONDS), MaxValueValidator(MAX_SECONDS)],
    )
    points_per_question = models.PositiveSmallIntegerField(
        _("points per question"), choices=Points, default=Points.STANDARD
    )
    speed_scoring = models.BooleanField(_("faster answers score more"), default=True)
    streak_bonus = models.BooleanField(_("bonus for answer streaks"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options per player"), default=True)
    team_mode = models.BooleanField(_("teams play against each other"), default=False)
    pin = models.CharField(_("PIN"), max_length=6)
    status = models.CharField(
        _("status"), max_length=10, choices=QuizStatus, default=QuizStatus.LOBBY
    )
    phase = models.CharField(_("phase"), max_length=12, choices=Phase, blank=True)
    current_position = models.PositiveSmallIntegerField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every state change a browser must see; a client that notices
    # a gap asks for a fresh snapshot.
    version = models.PositiveIntegerField(default=0)
    # The last of those changes: a running quiz left alone for long is ended
    # by the server (running.end_idle_quizzes).
    changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.UniqueConstraint(
                fields=["pin"],
                condition=~Q(status="finished"),
                name="quiz_pin_unique_while_live",
            ),
            models.CheckConstraint(
                condition=Q(seconds_per_question__gte=MIN_SECONDS)
                & Q(seconds_per_question__lte=MAX_SECONDS),
                name="quiz_seconds_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status != QuizStatus.FINISHED

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def current_question(self) -> QuizQuestion | None:
        if self.current_position is None:
            return None
        return self.questions.get(position=self.current_position)

    def group(self) -> str:
        return groups.contest(self.pk)

    def host_group(self) -> str:
        return groups.contest_host(self.pk)


class QuizQuestion(models.Model):
    """A question as it was when the quiz was made: later bank edits change nothing."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    source = models.ForeignKey(
        "training.Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=12, choices=QuestionKind)
    prompt = models.TextField()
    options = models.JSONField(default=list, blank=True)
    correct = models.JSONField(default=list)
    explanation = models.TextField(blank=True)
    image = models.ImageField(blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "position"], name="quiz_question_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}#{self.position + 1}"

    @property
    def number(self) -> int:
        return self.position + 1


class ParticipantQuerySet(models.QuerySet):
    def playing(self):
        return self.filter(removed_at__isnull=True)

    def save_each(self, participants: list[Participant], fields: list[str]) -> None:
        """Save these fields of each participant: one statement run for each
        row (executemany). Django's bulk_update builds one CASE per field over
        the whole batch and took ~1 ms a player for a batch of 250."""
        if not participants:
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
                [[*(getattr(p, name) for name in fields), p.pk] for p in participants],
            )


class Participant(models.Model):
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_entries",
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
    correct_count = models.PositiveSmallIntegerField(default=0)
    streak = models.PositiveSmallIntegerField(default=0)
    last_correct_position = models.SmallIntegerField(null=True, blank=True)
    final_rank = models.PositiveIntegerField(null=True, blank=True)
    # The channel of the tab that currently plays; a newer tab takes over.
    channel_name = models.CharField(max_length=200, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user"], name="participant_once_per_quiz"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class Answer(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        QuizQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    # Option indexes (choice and true/false questions) or the typed text.
    choice = models.JSONField()
    received_at = models.DateTimeField()
    elapsed_ms = models.PositiveIntegerField()
    is_correct = models.BooleanField()
    points = models.PositiveIntegerField(default=0)
    bonus = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "question"], name="answer_once_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.question}"
