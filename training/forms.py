from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from people.models import Role, User
from training.models import (
    OPTION_LETTERS,
    Bank,
    Category,
    Question,
    QuestionKind,
    question_shape_errors,
)
from training.sheet_columns import (
    ANSWER_SEPARATOR,
    MAX_OPTION_LENGTH,
    QUESTION_IMAGE_BOX,
)
from training.spreadsheets import MAX_FILE_BYTES
from uploads.images import reencode_image

CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
TRUTH_CHOICES = [("true", _("True")), ("false", _("False"))]


class BankForm(forms.ModelForm):
    class Meta:
        model = Bank
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self):
        name = self.cleaned_data["name"]
        if Bank.objects.filter(name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("There is already a bank with this name."))
        return name


class CoOwnersForm(forms.Form):
    co_owners = forms.ModelMultipleChoiceField(
        label=_("Co-owners"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They may edit the bank's questions and categories."),
    )

    def __init__(self, *args, bank: Bank, **kw):
        super().__init__(*args, **kw)
        # Managers edit every bank already; only trainers need naming.
        self.fields["co_owners"].queryset = (
            User.objects.active()
            .filter(role=Role.TRAINER)
            .exclude(pk=bank.owner_id)
            .order_by("display_name", "username")
        )
        self.initial.setdefault("co_owners", [p.pk for p in bank.co_owners.all()])


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_("Category name"),
        max_length=Category._meta.get_field("name").max_length,
    )

    def __init__(self, *args, bank: Bank, category: Category | None = None, **kw):
        super().__init__(*args, **kw)
        self.bank = bank
        self.category = category

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = self.bank.categories.filter(name=name)
        if self.category is not None:
            taken = taken.exclude(pk=self.category.pk)
        if taken.exists():
            raise forms.ValidationError(_("This bank already has that category."))
        return name


class QuestionForm(forms.Form):
    """One form for every kind; fields a kind does not use are ignored.

    The page hides those fields with a little JavaScript, but the server decides:
    options only count for choice questions, the true/false radio only for
    true-or-false, the accepted answers only for typed answers.
    """

    kind = forms.ChoiceField(
        label=_("Type"),
        choices=QuestionKind.choices,
        help_text=_(
            "Multiple choice is all or nothing: a player scores only by picking "
            "every correct option and no other."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    new_category = forms.CharField(
        label=_("Or a new category"),
        max_length=Category._meta.get_field("name").max_length,
        required=False,
        help_text=_("When filled in, it is used instead of the category chosen."),
    )
    prompt = forms.CharField(
        label=_("Question"),
        max_length=Question._meta.get_field("prompt").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    correct = forms.MultipleChoiceField(
        label=_("Correct"),
        choices=[(letter, letter) for letter in OPTION_LETTERS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    truth = forms.ChoiceField(
        label=_("The statement is"),
        choices=TRUTH_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    accepted = forms.CharField(
        label=_("Accepted answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line. Matching ignores case, full-width or half-width "
            "characters and punctuation at the end."
        ),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=Question._meta.get_field("explanation").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to players after the question closes."),
    )
    image = forms.FileField(
        label=_("Picture"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=_("Optional. JPEG, PNG, WebP or GIF, up to 5 MB."),
    )
    remove_image = forms.BooleanField(label=_("Remove the picture"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, bank: Bank, question: Question | None = None, **kw):
        if question is not None and not kw.get("initial"):
            kw["initial"] = initial_for(question)
        super().__init__(*args, **kw)
        self.bank = bank
        self.question = question
        self.fields["category"].queryset = bank.categories.all()
        for letter in OPTION_LETTERS:
            self.fields[option_field(letter)] = forms.CharField(
                label=_("Option %(letter)s") % {"letter": letter},
                max_length=MAX_OPTION_LENGTH,
                required=False,
            )

    def option_rows(self):
        """(letter, text field, is marked correct) for the A-F table."""
        marked = set(self.data.getlist("correct") if self.is_bound else [])
        if not self.is_bound:
            marked = set(self.initial.get("correct", []))
        return [
            (letter, self[option_field(letter)], letter in marked)
            for letter in OPTION_LETTERS
        ]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            return reencode_image(image, box=QUESTION_IMAGE_BOX, square=False)
        return None

    def clean(self):
        data = super().clean()
        if not data.get("category") and not data.get("new_category", "").strip():
            self.add_error("category", _("Choose a category or name a new one."))
        kind = data.get("kind")
        if kind is None:
            return data
        options, correct, placed = self._answer(kind, data)
        errors = question_shape_errors(kind, options, correct)
        for key, messages in errors.items():
            for message in messages:
                self.add_error(placed.get(key, "kind"), message)
        data["options"], data["correct_answer"] = options, correct
        return data

    def _answer(self, kind: str, data: dict) -> tuple[list, list, dict]:
        """The options and answer of this kind, and which field shows errors."""
        if kind in CHOICE_KINDS:
            texts = [data.get(option_field(letter), "") for letter in OPTION_LETTERS]
            while texts and not texts[-1]:
                texts.pop()
            marked = [
                OPTION_LETTERS.index(letter) for letter in data.get("correct", [])
            ]
            for index in marked:
                if index >= len(texts) or not texts[index]:
                    self.add_error(
                        "correct",
                        _("Option %(letter)s is marked correct but has no text.")
                        % {"letter": OPTION_LETTERS[index]},
                    )
                    marked = [i for i in marked if i < len(texts)]
            return texts, marked, {"options": "correct", "correct": "correct"}
        if kind == QuestionKind.TRUE_FALSE:
            truth = data.get("truth")
            correct = {"true": [0], "false": [1]}.get(truth, [])
            return [], correct, {"correct": "truth"}
        lines = [line.strip() for line in data.get("accepted", "").splitlines()]
        accepted = [line for line in lines if line]
        if any(ANSWER_SEPARATOR in line for line in accepted):
            self.add_error(
                "accepted",
                _("An answer cannot contain “|”: spreadsheets use it between answers."),
            )
        return [], accepted, {"correct": "accepted"}

    def question_fields(self) -> dict:
        """The cleaned values as Question fields."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "prompt": data["prompt"],
            "options": data["options"],
            "correct": data["correct_answer"],
            "explanation": data["explanation"],
            "language": data["language"],
        }


def option_field(letter: str) -> str:
    return f"option_{letter.lower()}"


def initial_for(question: Question) -> dict:
    initial = {
        "kind": question.kind,
        "category": question.category_id,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "language": question.language,
    }
    if question.is_choice:
        for letter, text in zip(OPTION_LETTERS, question.options, strict=False):
            initial[option_field(letter)] = text
        initial["correct"] = [OPTION_LETTERS[i] for i in question.correct]
    elif question.kind == QuestionKind.TRUE_FALSE:
        initial["truth"] = "true" if question.correct == [0] else "false"
    else:
        initial["accepted"] = "\n".join(question.correct)
    return initial


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=_("An .xlsx workbook or a CSV file, up to 5 MB and 2000 questions."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB. Split it into parts.")
            )
        return upload
