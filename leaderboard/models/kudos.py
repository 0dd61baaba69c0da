"""Kudos (find and encourage): a colleague's thanks, tagged with one of the
ten hearts of the service norms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["HEART_HINTS", "MAX_MESSAGE", "Heart", "Kudos"]

MAX_MESSAGE = 200


class Heart(models.TextChoices):
    """The center's ten hearts (十心) of service."""

    SINCERE = "sincere", _("Sincere heart")
    WARM = "warm", _("Warm heart")
    FOCUSED = "focused", _("Focused heart")
    PATIENT = "patient", _("Patient heart")
    CAREFUL = "careful", _("Careful heart")
    TOLERANT = "tolerant", _("Tolerant heart")
    HUMBLE = "humble", _("Humble heart")
    GENUINE = "genuine", _("Genuine heart")
    PERSEVERING = "persevering", _("Persevering heart")
    CHEERFUL = "cheerful", _("Cheerful heart")


HEART_HINTS = {
    Heart.SINCERE: _("means every word they say"),
    Heart.WARM: _("makes every caller feel welcome"),
    Heart.FOCUSED: _("is fully with the caller, nowhere else"),
    Heart.PATIENT: _("stays calm through the hardest call"),
    Heart.CAREFUL: _("gets every detail right"),
    Heart.TOLERANT: _("takes harsh words without taking them personally"),
    Heart.HUMBLE: _("learns from everyone, callers included"),
    Heart.GENUINE: _("is honest with callers and with the team"),
    Heart.PERSEVERING: _("sees every problem through to the end"),
    Heart.CHEERFUL: _("has a smile you can hear on the phone"),
}


class KudosQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(hidden_at__isnull=True)

    def sent_by_on(self, sender, start, end):
        return self.filter(sender=sender, created_at__gte=start, created_at__lt=end)


class Kudos(models.Model):
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="kudos_sent",
        verbose_name=_("from"),
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="kudos_received",
        verbose_name=_("to"),
    )
    heart = models.CharField(_("heart"), max_length=12, choices=Heart)
    message = models.CharField(_("message"), max_length=MAX_MESSAGE)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )

    objects = KudosQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=models.F("receiver")), name="kudos_not_to_oneself"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.receiver}: {self.get_heart_display()}"
