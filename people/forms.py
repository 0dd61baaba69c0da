from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from people.models import Notice, Site, Team, User
from uploads.images import reencode_image

AVATAR_PIXELS = 256


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label=_("New photo"),
        help_text=_("JPEG, PNG, WebP or GIF, up to 5 MB. It is cropped to a square."),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )

    def clean_avatar(self):
        return reencode_image(
            self.cleaned_data["avatar"], box=AVATAR_PIXELS, square=True
        )


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["text", "team"]
        widgets = {
            "text": forms.TextInput(
                attrs={"placeholder": _("e.g. The knowledge quiz starts at 15:00.")}
            )
        }
        labels = {"team": _("Send to")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].empty_label = _("Everyone")
        self.fields["team"].queryset = Team.objects.select_related("site")


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "site"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sites = Site.objects.all()
        self.fields["site"].queryset = sites
        if not self.instance.pk and len(sites) == 1:
            self.fields["site"].initial = sites[0]


class StaffForm(forms.ModelForm):
    """What a manager may change about a colleague."""

    class Meta:
        model = User
        fields = ["display_name", "employee_number", "team", "role", "is_active"]
        labels = {"is_active": _("Can log in")}
        # Our words, not Django's stock "Designates whether this user should
        # be treated as active...".
        help_texts = {
            "is_active": _(
                "Untick to stop this colleague logging in. Their points, "
                "results and history stay."
            )
        }

    def __init__(self, *args, editor: User, **kwargs):
        super().__init__(*args, **kwargs)
        if editor.pk == self.instance.pk:
            # Nobody can demote or lock themselves out of the manager pages.
            self.fields["role"].disabled = True
            self.fields["is_active"].disabled = True

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Every colleague needs a display name."))
        return name

    def clean_employee_number(self):
        number = self.cleaned_data["employee_number"].strip()
        if (
            number
            and User.objects.filter(employee_number=number)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(
                _("Another colleague has this employee number.")
            )
        return number


class BoardNameForm(forms.ModelForm):
    """The name a person shows on TVs and shared boards."""

    class Meta:
        model = User
        fields = ["board_alias"]


class ThrottledLoginForm(AuthenticationForm):
    """Login that pauses a username after LOGIN_FAILURES_ALLOWED failures, and
    a client address after LOGIN_FAILURES_ALLOWED_PER_ADDRESS, for
    LOGIN_PAUSE_MINUTES. A whole floor may share one address behind NAT, so
    its limit is the higher one: ten typos must not lock the floor out."""

    def clean(self):
        counters = self._counters()
        if any(cache.get(key, 0) >= allowed for key, allowed in counters):
            raise forms.ValidationError(
                _("Too many failed logins. Wait %(minutes)d minutes and try again.")
                % {"minutes": settings.LOGIN_PAUSE_MINUTES},
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            for key, _allowed in counters:
                cache.add(key, 0, timeout=settings.LOGIN_PAUSE_MINUTES * 60)
                cache.incr(key)
            raise

    def _counters(self) -> list[tuple[str, int]]:
        """Each failure counter with the number of failures it allows."""
        username = (self.data.get("username") or "").strip().lower()
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        return [
            (f"login-failures:user:{username}", settings.LOGIN_FAILURES_ALLOWED),
            (
                f"login-failures:ip:{address}",
                settings.LOGIN_FAILURES_ALLOWED_PER_ADDRESS,
            ),
        ]


class OwnPasswordChangeForm(PasswordChangeForm):
    """A person changing their own password; it ends a temporary password's
    hold on them (people/middleware.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")
        # Django's help is an HTML list, which the field partial puts in a <p>.
        self.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def save(self, commit: bool = True) -> User:
        self.user.must_change_password = False
        return super().save(commit=commit)


# Easy to read out and type on a phone: no 0/o, 1/l/i.
READABLE_CHARACTERS = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """A fresh suggestion like ``k7pm-x3qa-9rtz`` (about 59 bits)."""
    return "-".join(
        "".join(secrets.choice(READABLE_CHARACTERS) for _letter in range(4))
        for _group in range(3)
    )


class TemporaryPasswordForm(forms.Form):
    """A password a manager gives a colleague who forgot theirs."""

    password = forms.CharField(
        label=_("Temporary password"),
        help_text=_(
            "A new one is suggested each time this page opens; you may type "
            "your own. Tell it to them in person: they choose their own when "
            "they next log in, and every session of theirs is signed out now."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, colleague: User, **kwargs):
        kwargs.setdefault("initial", {"password": temporary_password()})
        super().__init__(*args, **kwargs)
        self.colleague = colleague

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, self.colleague)
        return password
