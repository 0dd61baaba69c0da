from __future__ import annotations

from itertools import pairwise

from django import forms
from django.utils.translation import gettext_lazy as _

from leaderboard.models import HEART_HINTS, MAX_MESSAGE, Heart, PointRule
from people.models import User


class HeartSelect(forms.RadioSelect):
    option_template_name = "leaderboard/_heart_option.html"

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["hint"] = HEART_HINTS.get(option["value"], "")
        return option


class KudosForm(forms.Form):
    receiver = forms.ModelChoiceField(
        User.objects.none(), label=_("Colleague"), empty_label=_("Choose a colleague")
    )
    heart = forms.ChoiceField(
        label=_("Which heart did they show?"), choices=Heart.choices, widget=HeartSelect
    )
    message = forms.CharField(
        label=_("What did they do?"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_MESSAGE}),
        help_text=_("Up to 200 characters. Be specific: it means more."),
    )

    def __init__(self, *args, sender: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = (
            User.objects.active()
            .exclude(pk=sender.pk)
            .select_related("team")
            .order_by("team__name", "display_name")
        )
        self.fields["receiver"].label_from_instance = lambda user: (
            f"{user.name} · {user.team.name}" if user.team else user.name
        )


class RuleForm(forms.ModelForm):
    class Meta:
        model = PointRule
        fields = ["weight", "daily_cap"]


class ThresholdsForm(forms.Form):
    """Points needed in a month for one to five stars, each more than the last."""

    def __init__(self, *args, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        for stars in range(1, 6):
            self.fields[f"stars_{stars}"] = forms.IntegerField(
                label="★" * stars, min_value=1, initial=current.get(stars)
            )

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(f"stars_{n}") for n in range(1, 6)]
        if None not in values and any(a >= b for a, b in pairwise(values)):
            raise forms.ValidationError(
                _("Each star needs more points than the one before.")
            )
        return cleaned

    def thresholds(self) -> dict[int, int]:
        return {n: self.cleaned_data[f"stars_{n}"] for n in range(1, 6)}
