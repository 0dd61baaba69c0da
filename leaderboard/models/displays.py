"""Wall displays (大屏): TVs paired with a short code, logged in as no one,
holding a revocable read-only token, and the pairing codes they show."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from realtime import groups

__all__ = ["Display", "DisplayScope", "PairingCode", "Panel"]

ONLINE_WITHIN = timedelta(seconds=90)


class DisplayScope(models.TextChoices):
    CENTER = "center", _("Whole center")
    SITE = "site", _("One site")
    TEAM = "team", _("One team")


class Panel(models.TextChoices):
    STARS = "stars", _("Service stars of the month")
    TEAMS = "teams", _("Team board")
    KUDOS = "kudos", _("Recent kudos")
    MOVERS = "movers", _("This week's movers")


def all_panels() -> list[str]:
    return list(Panel.values)


class DisplayQuerySet(models.QuerySet):
    def active(self):
        """Paired and not revoked: these hold a working token."""
        return self.filter(revoked_at__isnull=True).exclude(token_hash="")

    def not_revoked(self):
        return self.filter(revoked_at__isnull=True)


class Display(models.Model):
    """One TV on the floor. Its token is in the TV's cookie; only its SHA-256
    is stored here, so the database alone cannot impersonate a screen."""

    name = models.CharField(_("name"), max_length=60)
    scope = models.CharField(
        _("shows"), max_length=6, choices=DisplayScope, default=DisplayScope.CENTER
    )
    site = models.ForeignKey(
        "people.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    team = models.ForeignKey(
        "people.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    panels = models.JSONField(_("panels"), default=all_panels)
    rotate_seconds = models.PositiveSmallIntegerField(
        _("seconds per panel"),
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    # sha256 hex of the token "<id>.<secret>"; empty until the TV collects it.
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    paired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("paired by"),
    )
    paired_at = models.DateTimeField(_("paired at"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DisplayQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("wall display")
        verbose_name_plural = _("wall displays")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="center", site__isnull=True, team__isnull=True)
                    | Q(scope="site", site__isnull=False, team__isnull=True)
                    | Q(scope="team", site__isnull=True, team__isnull=False)
                ),
                name="display_scope_names_its_target",
            ),
            models.CheckConstraint(
                condition=Q(rotate_seconds__gte=5) & Q(rotate_seconds__lte=600),
                name="display_rotate_5_to_600_s",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.scope == DisplayScope.SITE and not self.site_id:
            raise ValidationError({"site": _("Choose the site this display shows.")})
        if self.scope == DisplayScope.TEAM and not self.team_id:
            raise ValidationError({"team": _("Choose the team this display shows.")})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_online(self) -> bool:
        return (
            not self.is_revoked
            and self.last_seen_at is not None
            and timezone.now() - self.last_seen_at <= ONLINE_WITHIN
        )

    @property
    def status(self) -> str:
        if self.is_revoked:
            return "revoked"
        if not self.token_hash:
            return "waiting"
        return "online" if self.is_online else "offline"

    @property
    def target_name(self) -> str:
        """What the display shows, for people: the site, the team or the center."""
        if self.scope == DisplayScope.SITE and self.site_id:
            return self.site.name
        if self.scope == DisplayScope.TEAM and self.team_id:
            return self.team.name
        return str(DisplayScope.CENTER.label)

    @property
    def panel_labels(self) -> list[str]:
        return [str(Panel(p).label) for p in self.panels if p in Panel.values]

    def group(self) -> str:
        return groups.display(self.pk)


class PairingCode(models.Model):
    """A code a TV shows until a manager claims it. Only the browser that
    asked for it (holding the secret whose hash is ``browser_hash``) can
    collect the display's token afterwards: reading the code off the screen
    is not enough to become the display."""

    code = models.CharField(max_length=8, unique=True)
    browser_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    display = models.OneToOneField(
        Display,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pairing",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(display__isnull=True, claimed_at__isnull=True)
                | Q(display__isnull=False, claimed_at__isnull=False),
                name="pairing_claimed_with_display",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
