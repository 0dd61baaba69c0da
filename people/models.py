"""Sites, teams (班组) and the people in them."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Site(models.Model):
    """A contact-center site: one building or floor with its own wall displays."""

    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team (班组) of agents led by a team leader."""

    name = models.CharField(_("name"), max_length=80)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="teams", verbose_name=_("site")
    )

    class Meta:
        ordering = ["site__name", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"], name="team_unique_per_site"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    TRAINER = "trainer", _("Trainer")
    MANAGER = "manager", _("Manager")


class UserQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def agents(self):
        return self.active().filter(role=Role.AGENT)

    def staff_of(self, team: Team):
        return self.active().filter(team=team)


class UserManager(AuthUserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.MANAGER)
        return super().create_superuser(username, email, password, **extra_fields)


def initials_of(name: str) -> str:
    """What stands in for a missing photo: one character for a CJK name (the
    family name), two letters otherwise."""
    name = name.strip()
    if not name:
        return "?"
    if not name.isascii():
        return name[0]
    return "".join(part[0] for part in name.split()[:2]).upper()


def avatar_path(instance: User, filename: str) -> str:
    # Random names: an avatar's address says nothing about whose it is.
    return f"avatars/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class User(AbstractUser):
    """A member of staff: agent, trainer (team leader) or manager."""

    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    employee_number = models.CharField(_("employee number"), max_length=20, blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Role, default=Role.AGENT, db_index=True
    )
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    board_alias = models.CharField(
        _("name on public boards"),
        max_length=20,
        blank=True,
        help_text=_(
            "Shown instead of your name on TVs and shared boards. Leave "
            "empty to show your name."
        ),
    )

    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set with a temporary password: the person chooses their own "
            "before they can open any other page."
        ),
    )

    objects = UserManager()

    # A change to any of these ends or changes the person's sessions and so
    # closes their open sockets (people/receivers.py).
    SESSION_FIELDS = ("is_active", "role", "is_superuser", "password")

    class Meta:
        ordering = ["username"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.UniqueConstraint(
                fields=["employee_number"],
                condition=~Q(employee_number=""),
                name="employee_number_unique_when_set",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user.remember_session_fields()
        return user

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        self.remember_session_fields(kwargs.get("fields"))

    def remember_session_fields(self, names=None) -> None:
        """Note the session fields as the database holds them (all loaded
        ones, or ``names``), to tell later which a save changed."""
        saved = self.__dict__.setdefault("_saved_session_fields", {})
        for name in self.SESSION_FIELDS if names is None else names:
            if name in self.__dict__:
                saved[name] = self.__dict__[name]

    def changed_session_fields(self, names=None) -> set[str]:
        """The session fields (among ``names``) whose value differs from the
        one noted when the person was loaded or last saved."""
        saved = self.__dict__.get("_saved_session_fields", {})
        return {
            name
            for name in (self.SESSION_FIELDS if names is None else names)
            if name in saved and self.__dict__.get(name) != saved[name]
        }

    @property
    def name(self) -> str:
        return str(self)

    @property
    def public_name(self) -> str:
        """The name for boards everyone can see: the alias, if the person chose one."""
        return self.board_alias or self.name

    @property
    def initials(self) -> str:
        return initials_of(self.name)

    @property
    def can_train(self) -> bool:
        return self.is_active and (
            self.is_superuser or self.role in (Role.TRAINER, Role.MANAGER)
        )

    @property
    def can_manage(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.MANAGER)


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user: User):
        """Notices for the whole center and for the user's own team."""
        return self.filter(Q(team__isnull=True) | Q(team_id=user.team_id))


class Notice(models.Model):
    """A short announcement from a trainer or manager, pushed live to the floor."""

    sender = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="notices_sent",
        verbose_name=_("sender"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("team"),
        help_text=_("Leave empty to reach everyone."),
    )
    text = models.CharField(_("text"), max_length=200)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.text
