"""Writes to question banks. Each is one function in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import RestrictedError

from people.models import User
from training.models import Bank, Category, Deletion, DeletionKind, Question
from training.sheet_columns import QuestionRow


class CategoryNotEmpty(Exception):
    def __init__(self, question_count: int):
        super().__init__(question_count)
        self.question_count = question_count


@dataclass
class ImportSummary:
    question_count: int
    new_categories: list[str]


@transaction.atomic
def create_bank(*, name: str, description: str, created_by: User) -> Bank:
    return Bank.objects.create(
        name=name.strip(), description=description.strip(), created_by=created_by
    )


@transaction.atomic
def update_bank(*, bank: Bank, name: str, description: str) -> Bank:
    bank.name = name.strip()
    bank.description = description.strip()
    bank.save(update_fields=["name", "description", "updated_at"])
    return bank


@transaction.atomic
def set_co_owners(*, bank: Bank, co_owners: list[User]) -> Bank:
    bank.co_owners.set([person for person in co_owners if person.pk != bank.owner_id])
    return bank


@transaction.atomic
def delete_bank(*, bank: Bank, deleted_by: User | None) -> None:
    """The bank with its categories and questions. Quizzes keep their frozen
    copies of the questions, and picture files stay for them (see
    delete_question)."""
    Deletion.objects.create(
        kind=DeletionKind.BANK,
        object_id=bank.pk,
        name=bank.name,
        bank_name=bank.name,
        question_count=bank.questions.count(),
        deleted_by=deleted_by,
    )
    bank.delete()


@transaction.atomic
def add_category(*, bank: Bank, name: str) -> Category:
    return Category.objects.create(bank=bank, name=name.strip())


@transaction.atomic
def rename_category(*, category: Category, name: str) -> Category:
    category.name = name.strip()
    category.save(update_fields=["name"])
    return category


@transaction.atomic
def delete_category(*, category: Category, deleted_by: User | None) -> None:
    """Delete an empty category; raise CategoryNotEmpty if questions use it.

    The foreign key is RESTRICT, so a question added by a colleague a moment
    ago also stops the delete, in the database itself.
    """
    category_id = category.pk
    try:
        with transaction.atomic():
            category.delete()
    except RestrictedError:
        raise CategoryNotEmpty(category.questions.count()) from None
    Deletion.objects.create(
        kind=DeletionKind.CATEGORY,
        object_id=category_id,
        name=category.name,
        bank_name=category.bank.name,
        deleted_by=deleted_by,
    )


@transaction.atomic
def save_question(
    *,
    question: Question,
    fields: dict,
    category: Category | None,
    new_category: str = "",
    image: ContentFile | None = None,
    remove_image: bool = False,
) -> Question:
    """Save a new or changed question with ``fields`` the form has validated.

    ``new_category``, when given, names a category to use or create;
    otherwise ``category`` is one of the bank's. ``image`` is already
    re-encoded (uploads.images).

    A replaced picture's file is kept: quizzes copy a question, picture file
    name included, so a file may outlive the question that brought it.
    """
    if new_category.strip():
        category, _created = Category.objects.get_or_create(
            bank=question.bank, name=new_category.strip()
        )
    for name, value in fields.items():
        setattr(question, name, value)
    question.category = category
    if image is not None:
        question.image.save(image.name, image, save=False)
    elif remove_image:
        question.image = ""
    question.clean()
    question.save()
    return question


@transaction.atomic
def delete_question(*, question: Question, deleted_by: User | None) -> None:
    Deletion.objects.create(
        kind=DeletionKind.QUESTION,
        object_id=question.pk,
        name=question.prompt[:200],
        bank_name=question.bank.name,
        question_count=1,
        deleted_by=deleted_by,
    )
    # The picture file stays for the quizzes that copied it (see save_question).
    question.delete()


def import_questions(*, bank: Bank, rows: list[QuestionRow]) -> ImportSummary:
    """Add every row to the bank, or none of them.

    Rows come from training.spreadsheets.read_questions, already validated.
    Pictures are written to storage first; if the transaction fails they are
    removed again so that no file is left without a question.
    """
    storage = Question._meta.get_field("image").storage
    saved_pictures: list[str] = []
    try:
        with transaction.atomic():
            categories = {c.name: c for c in bank.categories.all()}
            new_categories = []
            questions = []
            for row in rows:
                if row.category not in categories:
                    category, created = Category.objects.get_or_create(
                        bank=bank, name=row.category
                    )
                    categories[row.category] = category
                    if created:
                        new_categories.append(row.category)
                question = Question(
                    bank=bank,
                    category=categories[row.category],
                    kind=row.kind,
                    prompt=row.prompt,
                    options=row.options,
                    correct=row.correct,
                    explanation=row.explanation,
                    language=row.language,
                )
                if row.image is not None:
                    field = Question._meta.get_field("image")
                    name = field.generate_filename(question, row.image.name)
                    question.image = storage.save(name, row.image)
                    saved_pictures.append(question.image.name)
                questions.append(question)
            Question.objects.bulk_create(questions, batch_size=500)
    except BaseException:
        for name in saved_pictures:
            storage.delete(name)
        raise
    return ImportSummary(len(questions), new_categories)
