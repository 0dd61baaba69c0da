"""Demo question banks: 客服技能题库 (Chinese) and Contact Center Basics (English).

Loading twice changes nothing. A bank is found by its name, a category by its
bank and name, a question by its bank and prompt; each is brought back to the
text in training.demo_questions. Questions a trainer added to a demo bank are
left alone, and so is a demo question whose prompt was edited (it no longer
matches, so it counts as the trainer's own and the original is added again).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from people.models import User
from training.demo_questions import BANKS, DemoBank, DemoQuestion
from training.models import Bank, Category, Question, question_shape_errors

DEMO_AUTHOR = "trainer1"  # created by people.demo, which loads first
# Who keeps each demo bank (owner, co-owners): trainer1 edits both; trainer2
# and trainer3 each edit one and only read the other, so the demo shows both
# sides of the rule. The manager edits every bank anyway.
DEMO_KEEPERS = {
    "客服技能题库": ("trainer1", ["trainer3"]),
    "Contact Center Basics": ("trainer2", ["trainer1"]),
}
PROMPT_MAX = Question._meta.get_field("prompt").max_length
EXPLANATION_MAX = Question._meta.get_field("explanation").max_length


def stored_answer(question: DemoQuestion) -> dict:
    """The options and correct answer as Question stores them (JSON lists)."""
    return {"options": list(question.options), "correct": list(question.correct)}


def demo_errors() -> list[str]:
    """Every problem in the demo content, one line each; [] when it is sound."""
    languages = {code for code, _name in settings.LANGUAGES}
    problems = []
    for bank in BANKS:
        if bank.language not in languages:
            problems.append(f"{bank.name}: unknown language {bank.language!r}")
        prompts = set()
        for question in bank.questions:
            where = f"{bank.name} / {question.prompt[:40]}"
            stored = stored_answer(question)
            for field, errors in question_shape_errors(
                question.kind, stored["options"], stored["correct"]
            ).items():
                problems.extend(f"{where}: {field}: {error}" for error in errors)
            if question.category not in bank.categories:
                problems.append(f"{where}: unknown category {question.category!r}")
            if question.prompt in prompts:
                problems.append(f"{where}: the prompt appears twice in the bank")
            prompts.add(question.prompt)
            if len(question.prompt) > PROMPT_MAX:
                problems.append(f"{where}: prompt longer than {PROMPT_MAX}")
            if not question.explanation.strip():
                problems.append(f"{where}: no explanation")
            elif len(question.explanation) > EXPLANATION_MAX:
                problems.append(f"{where}: explanation longer than {EXPLANATION_MAX}")
    return problems


@transaction.atomic
def load(out) -> None:
    problems = demo_errors()
    if problems:
        raise ValueError("The demo questions are malformed:\n" + "\n".join(problems))
    author = User.objects.get(username=DEMO_AUTHOR)
    added = restored = 0
    for spec in BANKS:
        bank_added, bank_restored = load_bank(spec, author)
        added += bank_added
        restored += bank_restored
    total = sum(len(spec.questions) for spec in BANKS)
    out.write(
        f"Training: {len(BANKS)} demo question banks, {total} questions "
        f"({added} added, {restored} restored)."
    )


def load_bank(spec: DemoBank, author: User) -> tuple[int, int]:
    """Create or restore one demo bank; (questions added, questions restored)."""
    bank = Bank.objects.filter(name=spec.name).order_by("id").first()
    owner_name, co_owner_names = DEMO_KEEPERS[spec.name]
    owner = User.objects.get(username=owner_name)
    if bank is None:
        bank = Bank.objects.create(
            name=spec.name,
            description=spec.description,
            created_by=author,
            owner=owner,
        )
    elif (bank.description, bank.created_by_id, bank.owner_id) != (
        spec.description,
        author.id,
        owner.id,
    ):
        bank.description = spec.description
        bank.created_by = author
        bank.owner = owner
        bank.save(update_fields=["description", "created_by", "owner", "updated_at"])
    # Co-owners someone added since are kept; the demo's own come back.
    bank.co_owners.add(*User.objects.filter(username__in=co_owner_names))
    categories = {
        name: Category.objects.get_or_create(bank=bank, name=name)[0].id
        for name in spec.categories
    }
    # The oldest question wins when a trainer has copied a prompt.
    existing: dict[str, Question] = {}
    for question in bank.questions.order_by("-id"):
        existing[question.prompt] = question
    added = restored = 0
    for item in spec.questions:
        wanted = {
            "category_id": categories[item.category],
            "kind": item.kind,
            "explanation": item.explanation,
            "language": spec.language,
            **stored_answer(item),
        }
        question = existing.get(item.prompt)
        if question is None:
            Question.objects.create(bank=bank, prompt=item.prompt, **wanted)
            added += 1
            continue
        changed = [
            name for name, value in wanted.items() if getattr(question, name) != value
        ]
        if changed:
            for name in changed:
                setattr(question, name, wanted[name])
            question.save(update_fields=[*changed, "updated_at"])
            restored += 1
    return added, restored
