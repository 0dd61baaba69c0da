"""Question banks: categories and questions that quizzes and courses draw on."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_OPTIONS = 2
MAX_OPTIONS = 6
OPTION_LETTERS = "ABCDEF"


class BankQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(
            question_count=models.Count("questions", distinct=True),
            category_count=models.Count("categories", distinct=True),
        )


class Bank(models.Model):
    """A question bank (题库). Every trainer of the center reads it; only its
    owner, the co-owners they name and managers change it (training.permissions).
    """

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="banks",
        verbose_name=_("created by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_banks",
        verbose_name=_("owner"),
    )
    co_owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_owned_banks",
        verbose_name=_("co-owners"),
        help_text=_("Trainers the owner lets edit the bank's questions."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BankQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Whoever creates a bank owns it until a manager hands it over.
        if self.owner_id is None:
            self.owner_id = self.created_by_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("training:bank_detail", args=[self.pk])

    def get_add_question_url(self) -> str:
        return reverse("training:question_create", args=[self.pk])


class CategoryQuerySet(models.QuerySet):
    def with_question_counts(self):
        return self.annotate(question_count=models.Count("questions"))


class Category(models.Model):
    bank = models.ForeignKey(
        Bank,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("bank"),
    )
    name = models.CharField(_("name"), max_length=60)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "name"], name="category_unique_per_bank"
            )
        ]

    def __str__(self) -> str:
        return self.name


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    TEXT = "text", _("Typed answer")


class QuestionQuerySet(models.QuerySet):
    def in_categories(self, categories):
        return self.filter(category__in=categories)


def question_image_path(instance: Question, filename: str) -> str:
    return f"questions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.webp"


class Question(models.Model):
    """One question. What the correct answer is depends on its kind:

    - single / multiple: ``options`` holds 2-6 texts, ``correct`` the indexes
      of the right ones (one for single, one or more for multiple: a multiple
      choice answer scores only when it picks exactly those).
    - true_false: ``options`` is empty, ``correct`` is ``[0]`` (true) or
      ``[1]`` (false).
    - text: ``options`` is empty, ``correct`` lists the accepted answers,
      compared by training.matching.
    """

    bank = models.ForeignKey(
        Bank, on_delete=models.CASCADE, related_name="questions", verbose_name=_("bank")
    )
    # RESTRICT, not PROTECT: a category with questions cannot be deleted on
    # its own, yet deleting the whole bank (which deletes both) is allowed,
    # from the admin too.
    category = models.ForeignKey(
        Category,
        on_delete=models.RESTRICT,
        related_name="questions",
        verbose_name=_("category"),
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=QuestionKind, default=QuestionKind.SINGLE
    )
    prompt = models.TextField(_("question"), max_length=500)
    options = models.JSONField(_("options"), default=list, blank=True)
    correct = models.JSONField(_("correct answer"), default=list)
    explanation = models.TextField(_("explanation"), blank=True, max_length=1000)
    image = models.ImageField(_("image"), upload_to=question_image_path, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["category__name", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.prompt[:60]

    @property
    def is_choice(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    def clean(self) -> None:
        errors = question_shape_errors(self.kind, self.options, self.correct)
        if self.category_id and self.bank_id and self.category.bank_id != self.bank_id:
            errors.setdefault("category", []).append(
                _("The category belongs to another bank.")
            )
        if errors:
            raise ValidationError(errors)


def question_shape_errors(kind: str, options: list, correct: list) -> dict[str, list]:
    """What is wrong with a question's options and answer, by field; {} if fine."""
    errors: dict[str, list] = {}
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        texts = [o for o in options if isinstance(o, str) and o.strip()]
        if len(texts) != len(options) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            errors["options"] = [
                _("A choice question needs 2 to 6 options, none of them empty.")
            ]
        elif len({o.strip() for o in options}) != len(options):
            errors["options"] = [_("Two options have the same text.")]
        valid = all(isinstance(i, int) and 0 <= i < len(options) for i in correct)
        if not correct or not valid or len(set(correct)) != len(correct):
            errors["correct"] = [_("Mark which options are correct.")]
        elif kind == QuestionKind.SINGLE and len(correct) != 1:
            errors["correct"] = [
                _("A single-choice question has exactly one correct option.")
            ]
    elif kind == QuestionKind.TRUE_FALSE:
        if options:
            errors["options"] = [_("A true-or-false question has no options.")]
        if correct not in ([0], [1]):
            errors["correct"] = [_("Say whether the statement is true or false.")]
    elif kind == QuestionKind.TEXT:
        if options:
            errors["options"] = [_("A typed-answer question has no options.")]
        accepted = [a for a in correct if isinstance(a, str) and a.strip()]
        if not accepted or len(accepted) != len(correct):
            errors["correct"] = [_("Give at least one accepted answer.")]
    else:
        errors["kind"] = [_("Unknown question type.")]
    return errors


class DeletionKind(models.TextChoices):
    BANK = "bank", _("Question bank")
    CATEGORY = "category", _("Category")
    QUESTION = "question", _("Question")


class Deletion(models.Model):
    """What someone deleted from the question banks, kept for managers to read."""

    kind = models.CharField(_("what"), max_length=10, choices=DeletionKind)
    object_id = models.PositiveBigIntegerField(_("its id"))
    name = models.CharField(_("name"), max_length=200)
    bank_name = models.CharField(_("bank"), max_length=100)
    question_count = models.PositiveIntegerField(_("questions deleted"), default=0)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )
    deleted_at = models.DateTimeField(
        _("deleted at"), default=timezone.now, db_index=True
    )

    class Meta:
        ordering = ["-deleted_at", "-id"]
        verbose_name = _("deletion")
        verbose_name_plural = _("deletions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"
