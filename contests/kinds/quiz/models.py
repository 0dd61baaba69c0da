"""What a trainer sets for a knowledge quiz (业务知识擂台赛)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from contests.models.core import Contest

# The quiz's own limit on a question's time (the engine allows longer rounds).
MIN_SECONDS = 5
MAX_SECONDS = 240


class Points(models.IntegerChoices):
    NONE = 0, _("No points (practice)")
    STANDARD = 1000, _("Standard (1000)")
    DOUBLE = 2000, _("Double (2000)")


class QuizOptions(models.Model):
    contest = models.OneToOneField(
        Contest,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="quiz_options",
    )
    bank = models.ForeignKey(
        "training.Bank",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quiz_options",
        verbose_name=_("question bank"),
    )
    points_per_question = models.PositiveSmallIntegerField(
        _("points per question"), choices=Points, default=Points.STANDARD
    )
    speed_scoring = models.BooleanField(_("faster answers score more"), default=True)
    streak_bonus = models.BooleanField(_("bonus for answer streaks"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options per player"), default=True)

    class Meta:
        app_label = "contests"
        verbose_name = _("quiz options")
        verbose_name_plural = _("quiz options")

    def __str__(self) -> str:
        return str(self.contest)
