from __future__ import annotations

from itertools import pairwise

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from leaderboard.models import HEART_HINTS, MAX_MESSAGE, Heart, PointRule
from people.models import User


class HeartSelect(forms.RadioSelect):
    option_template_name = "leaderboard/_heart_option.html"

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["hint"] = HEART_HINTS.get(option["value"], "")
        return option


PICKER_LIMIT = 20


def kudos_recipients(sender: User) -> QuerySet[User]:
    """Who ``sender`` may thank: active people but themselves, own team first."""
    return (
        User.objects.active()
        .exclude(pk=sender.pk)
        .select_related("team")
        .annotate(
            other_team=Case(
                When(team_id=sender.team_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
            if sender.team_id
            else Value(1, output_field=IntegerField())
        )
        .order_by("other_team", "team__name", "display_name", "username")
    )


def search_recipients(sender: User, query: str) -> QuerySet[User]:
    """Recipients whose name contains ``query``, or whose employee number
    matches it. Only people who may see employee numbers (trainers and
    managers) match on part of one; others must type it whole, so the search
    cannot be used to guess numbers they are not shown."""
    query = query.strip()
    if not query:
        return kudos_recipients(sender).none()
    by_number = (
        Q(employee_number__icontains=query)
        if sender.can_train
        else Q(employee_number__iexact=query)
    )
    return kudos_recipients(sender).filter(
        Q(display_name__icontains=query)
        | Q(display_name="", username__icontains=query)
        | by_number
    )


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
        self.fields["receiver"].queryset = kudos_recipients(sender)
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
