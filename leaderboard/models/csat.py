"""Customer satisfaction (CSAT) imports: one file of one month's ratings per
agent, the points it gave, and which later file replaced it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["CsatImport", "CsatResult"]


class CsatImportQuerySet(models.QuerySet):
    def current(self):
        """The imports whose numbers count: those no later file replaced."""
        return self.filter(replaced_by__isnull=True)

    def with_counts(self):
        return self.annotate(
            agent_count=Count("results", distinct=True),
            awarded_count=Count(
                "results", filter=Q(results__points__gt=0), distinct=True
            ),
            below_minimum_count=Count(
                "results",
                filter=Q(results__rated__lt=models.F("min_ratings")),
                distinct=True,
            ),
        )


class CsatImport(models.Model):
    """One uploaded file: every agent's ratings for one month.

    Importing the month again creates a new import that ``replaces`` this
    one; the database allows one first import per month and one replacement
    per import, so the imports of a month form a single chain.
    """

    period = models.DateField(_("month"))  # its first day
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=255)
    row_count = models.PositiveIntegerField(_("rows"))
    rated_total = models.PositiveIntegerField(_("rated calls"))
    satisfied_total = models.PositiveIntegerField(_("satisfied calls"))
    center = models.DecimalField(_("center average"), max_digits=5, decimal_places=4)
    # The settings in force when the file was scored, so the page can explain
    # old results after the settings change.
    min_ratings = models.PositiveIntegerField(_("minimum ratings"))
    prior_weight = models.PositiveIntegerField(_("prior weight"))
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )

    objects = CsatImportQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "-uploaded_at", "-id"]
        verbose_name = _("CSAT import")
        verbose_name_plural = _("CSAT imports")
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(replaces__isnull=True),
                name="csat_first_import_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(satisfied_total__lte=models.F("rated_total")),
                name="csat_import_satisfied_within_rated",
            ),
        ]

    def __str__(self) -> str:
        return f"CSAT {self.period:%Y-%m} #{self.pk}"

    @property
    def period_key(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "replaced_by")


class CsatResult(models.Model):
    """One agent's line of an import and the ledger entry it gave, if any."""

    csat_import = models.ForeignKey(
        CsatImport,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("CSAT import"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="csat_results",
        verbose_name=_("person"),
    )
    row = models.PositiveIntegerField(_("row"))  # as Excel numbers it
    rated = models.PositiveIntegerField(_("rated calls"))
    satisfied = models.PositiveIntegerField(_("satisfied calls"))
    adjusted = models.DecimalField(_("adjusted rate"), max_digits=5, decimal_places=4)
    points = models.IntegerField(_("points"), default=0)
    entry = models.OneToOneField(
        "leaderboard.PointEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="csat_result",
        verbose_name=_("ledger entry"),
    )

    class Meta:
        ordering = ["row"]
        verbose_name = _("CSAT result")
        verbose_name_plural = _("CSAT results")
        constraints = [
            models.UniqueConstraint(
                fields=["csat_import", "person"], name="csat_result_once_per_import"
            ),
            models.CheckConstraint(
                condition=Q(satisfied__lte=models.F("rated")),
                name="csat_result_satisfied_within_rated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.satisfied}/{self.rated}"

    @property
    def raw_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def below_minimum(self) -> bool:
        return self.rated < self.csat_import.min_ratings
