"""Points: an append-only ledger, the rules that fill it, running totals,
service stars and the thresholds that give them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leaderboard.periods import day_bounds

__all__ = [
    "AppendOnly",
    "AwardScope",
    "Period",
    "PointEntry",
    "PointRule",
    "PointTotal",
    "RuleChange",
    "ServiceStarAward",
    "Source",
    "StarThreshold",
]


class Source(models.TextChoices):
    QUIZ = "quiz", _("Knowledge quiz")
    TYPING = "typing", _("Typing contest")
    LISTENING = "listening", _("Listening contest")
    WORK_ORDER = "work_order", _("Work-order contest")
    SMILE = "smile", _("Smile contest")
    COURSE = "course", _("Course completed")
    KUDOS = "kudos", _("Kudos received")
    CSAT = "csat", _("Customer satisfaction")


class Period(models.TextChoices):
    WEEK = "week", _("This week")
    MONTH = "month", _("This month")
    ALL = "all", _("All time")


class PointRule(models.Model):
    """How one source turns into points: ``round(units × weight)``, capped per day.

    What a unit is depends on the source (see leaderboard.rules.UNITS).
    """

    source = models.CharField(_("source"), max_length=12, choices=Source, unique=True)
    weight = models.DecimalField(
        _("points per unit"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    daily_cap = models.PositiveIntegerField(
        _("daily cap per person"),
        null=True,
        blank=True,
        help_text=_("Most points one person can earn from this source in a day."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["source"]
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")

    def __str__(self) -> str:
        return self.get_source_display()


class RuleChange(models.Model):
    """Every change to a rule, who made it and what it was before."""

    rule = models.ForeignKey(
        PointRule,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("point rule"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    before = models.JSONField(_("before the change"))
    after = models.JSONField(_("after the change"))

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("rule change")
        verbose_name_plural = _("rule changes")

    def __str__(self) -> str:
        return f"{self.rule} @ {self.changed_at:%Y-%m-%d %H:%M}"


class AppendOnly(Exception):
    pass


class PointEntryQuerySet(models.QuerySet):
    def of(self, person):
        return self.filter(person=person)

    def on_day(self, day):
        start, end = day_bounds(day)
        return self.filter(occurred_at__gte=start, occurred_at__lt=end)

    def in_weeks(self):
        """The entries that count in weekly totals (not a month's result)."""
        return self.filter(monthly=False)


class PointEntry(models.Model):
    """One line of the ledger. Never edited: a correction is a reversing line."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="point_entries",
        verbose_name=_("person"),
    )
    team = models.ForeignKey(
        "people.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    source = models.CharField(_("source"), max_length=12, choices=Source)
    # What earned it, stable across retries: "quiz:12", "kudos:40", "csat:2026-10:3".
    reference = models.CharField(_("reference"), max_length=100)
    points = models.IntegerField(_("points"))
    # Facts for the reason shown to people (leaderboard.reasons), in any language.
    detail = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    # A whole month's result imported after the fact (customer satisfaction):
    # dated in its month, it counts in the month and all time but in no week,
    # or the week holding the month's last day would get a month of points.
    monthly = models.BooleanField(
        _("a month's result"),
        default=False,
        help_text=_("Counts in its month and all time, never in a week."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )

    objects = PointEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("point entry")
        verbose_name_plural = _("point entries")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference", "person"], name="point_entry_once"
            )
        ]
        indexes = [
            models.Index(fields=["person", "-occurred_at"]),
            # Today's earners (movement since yesterday) among a year of
            # lines, read from the index alone.
            models.Index(
                fields=["occurred_at", "person", "points"], name="point_entry_when"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.points:+d} ({self.source})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Ledger entries are never edited; add a reversal.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Ledger entries are never deleted; add a reversal.")


class PointTotal(models.Model):
    """Running total of one person or one team in one period (a week from
    Monday, a month, or all time), kept in the ledger's transaction."""

    period = models.CharField(max_length=5, choices=Period)
    starts_on = models.DateField()
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "people.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    points = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "starts_on", "person"],
                condition=Q(person__isnull=False),
                name="total_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["period", "starts_on", "team"],
                condition=Q(team__isnull=False),
                name="total_once_per_team",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=True) ^ Q(team__isnull=True),
                name="total_of_person_or_team",
            ),
        ]
        # Rankings read the board in order and count who is ahead from the
        # index alone (the person breaks ties and says it is not a team).
        indexes = [
            models.Index(
                fields=["period", "starts_on", "-points", "person"],
                name="point_total_board",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.person or self.team} {self.period} {self.starts_on}: {self.points}"
        )


class StarThreshold(models.Model):
    """Points a person needs in a month for each number of stars (1 to 5)."""

    stars = models.PositiveSmallIntegerField(_("stars"), unique=True)
    min_points = models.PositiveIntegerField(_("points needed in a month"))

    class Meta:
        ordering = ["stars"]
        verbose_name = _("star threshold")
        verbose_name_plural = _("star thresholds")
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="stars_one_to_five"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ ≥ {self.min_points}"


class AwardScope(models.TextChoices):
    CENTER = "center", _("Service star of the center")
    TEAM = "team", _("Service star of the team")
    STAR_TEAM = "star_team", _("Star team")


class ServiceStarAward(models.Model):
    """A monthly service star (服务明星) or star team (明星班组): proposed by
    the points, confirmed by a manager."""

    month = models.DateField(_("month"))  # its first day
    scope = models.CharField(_("award"), max_length=10, choices=AwardScope)
    team = models.ForeignKey(
        "people.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_stars",
        verbose_name=_("person"),
    )
    points = models.FloatField(_("points"))
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    class Meta:
        ordering = ["-month", "scope"]
        verbose_name = _("service star")
        verbose_name_plural = _("service stars")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "scope", "team"],
                condition=Q(team__isnull=False) & Q(scope="team"),
                name="one_team_star_per_month",
            ),
            models.UniqueConstraint(
                fields=["month", "scope"],
                condition=~Q(scope="team"),
                name="one_center_award_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.month:%Y-%m}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def clean(self) -> None:
        if self.scope == AwardScope.STAR_TEAM and not self.team_id:
            raise ValidationError(_("A star team award names a team."))
