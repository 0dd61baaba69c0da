from __future__ import annotations

from django import forms
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from contests.kinds.quiz.models import MAX_SECONDS, MIN_SECONDS, Points
from contests.models import TieRule
from training.models import Bank, Category, Question

MAX_RANDOM = 100
SECONDS = {"min": MIN_SECONDS, "max": MAX_SECONDS}
SECONDS_REFUSED = format_lazy(
    _("A question lasts from {min} to {max} seconds: choose a number in between."),
    **SECONDS,
)


class QuizForm(forms.Form):
    """A new quiz: its settings and where its questions come from."""

    SETTINGS = (
        "title",
        "seconds_per_question",
        "points_per_question",
        "speed_scoring",
        "streak_bonus",
        "shuffle_options",
        "team_mode",
        "tie_rule",
    )

    title = forms.CharField(label=capfirst(_("title")), max_length=100)
    seconds_per_question = forms.IntegerField(
        label=capfirst(_("seconds per question")),
        min_value=MIN_SECONDS,
        max_value=MAX_SECONDS,
        initial=20,
        # format_lazy, not %: formatting here, at import, would fix the text
        # in whatever language was active then, for every page after.
        help_text=format_lazy(_("From {min} to {max} seconds."), **SECONDS),
        error_messages={
            "min_value": SECONDS_REFUSED,
            "max_value": SECONDS_REFUSED,
            "invalid": _("Enter the seconds as a whole number."),
        },
        widget=forms.NumberInput(
            attrs={"min": MIN_SECONDS, "max": MAX_SECONDS, "step": 1}
        ),
    )
    points_per_question = forms.TypedChoiceField(
        label=capfirst(_("points per question")),
        choices=Points.choices,
        coerce=int,
        initial=Points.STANDARD,
    )
    speed_scoring = forms.BooleanField(
        label=capfirst(_("faster answers score more")), required=False, initial=True
    )
    streak_bonus = forms.BooleanField(
        label=capfirst(_("bonus for answer streaks")), required=False, initial=True
    )
    shuffle_options = forms.BooleanField(
        label=capfirst(_("shuffle options per player")), required=False, initial=True
    )
    team_mode = forms.BooleanField(
        label=capfirst(_("teams play against each other")),
        required=False,
        help_text=_(
            "Teams (班组) are ranked by the average score of their members who joined."
        ),
    )

    tie_rule = forms.ChoiceField(
        label=capfirst(_("tie rule")),
        choices=TieRule.choices,
        initial=TieRule.SHARED,
        required=False,  # a form sent without it shares places
        help_text=_(
            "Equal scores share a place (1, 2, 2, 4), or the faster total "
            "answer time ranks higher."
        ),
    )

    CHOSEN = "chosen"
    RANDOM = "random"

    bank = forms.ModelChoiceField(Bank.objects.all(), label=_("Question bank"))
    selection = forms.ChoiceField(
        label=_("Questions"),
        choices=[
            (CHOSEN, _("The questions I tick")),
            (RANDOM, _("A number of random questions from the categories I tick")),
        ],
        initial=CHOSEN,
        widget=forms.RadioSelect,
    )
    questions = forms.ModelMultipleChoiceField(
        Question.objects.none(),
        required=False,
        label=_("Questions to ask, in this order"),
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.ModelMultipleChoiceField(
        Category.objects.none(),
        required=False,
        label=_("Categories"),
        widget=forms.CheckboxSelectMultiple,
    )
    count = forms.IntegerField(
        label=_("How many random questions"),
        min_value=1,
        max_value=MAX_RANDOM,
        initial=10,
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language of the questions"),
        choices=[("", _("Any")), ("zh-hans", "中文"), ("en", "English")],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bank = self._chosen_bank()
        if bank is not None:
            self.fields["questions"].queryset = bank.questions.select_related(
                "category"
            ).order_by("category__name", "id")
            self.fields["categories"].queryset = bank.categories.all()

    def _chosen_bank(self) -> Bank | None:
        raw = self.data.get("bank") if self.is_bound else self.initial.get("bank")
        if isinstance(raw, Bank):
            return raw
        try:
            return Bank.objects.filter(pk=int(raw)).first() if raw else None
        except (TypeError, ValueError):
            return None

    def clean_tie_rule(self) -> str:
        return self.cleaned_data["tie_rule"] or TieRule.SHARED

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("selection") == self.CHOSEN:
            if not cleaned.get("questions"):
                self.add_error("questions", _("Tick at least one question."))
        elif cleaned.get("selection") == self.RANDOM:
            if not cleaned.get("categories"):
                self.add_error("categories", _("Tick at least one category."))
            if not cleaned.get("count"):
                self.add_error("count", _("Say how many questions to draw."))
        return cleaned

    def settings(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SETTINGS}


class JoinForm(forms.Form):
    pin = forms.CharField(
        label=_("Quiz PIN"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "pattern": "[0-9]{6}",
                "placeholder": "000000",
                "class": "pin-input",
            }
        ),
    )

    def clean_pin(self):
        pin = self.cleaned_data["pin"].strip()
        if not pin.isdigit():
            raise forms.ValidationError(_("The PIN is six digits."))
        return pin
