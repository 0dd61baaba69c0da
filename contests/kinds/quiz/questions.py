"""A quiz round is a question frozen from the bank (``Round.content``): how it
reads, how an answer to it is cleaned and shown, how the room answered it."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from contests.engine.errors import ContestError
from contests.models import Contest, Round, Verdict
from realtime.messages import storable
from training.matching import normalize_answer
from training.models import OPTION_LETTERS, QuestionKind

MAX_TEXT_ANSWER = 200


@dataclass(frozen=True)
class Question:
    """A round's question as templates and the judge read it."""

    pk: int
    position: int
    kind: str
    prompt: str
    options: list = field(default_factory=list)
    correct: list = field(default_factory=list)
    explanation: str = ""
    image: FieldFile | None = None
    source_id: int | None = None

    @classmethod
    def of(cls, round: Round) -> Question:
        content = round.content
        return cls(
            pk=round.pk,
            position=round.position,
            kind=content["kind"],
            prompt=content["prompt"],
            options=list(content.get("options") or []),
            correct=list(content.get("correct") or []),
            explanation=content.get("explanation", ""),
            image=round.media or None,
            source_id=content.get("source"),
        )

    @property
    def number(self) -> int:
        return self.position + 1


def freeze(question) -> Round:
    """An unsaved Round holding a bank question as it is now."""
    return Round(
        content={
            "kind": question.kind,
            "prompt": question.prompt,
            "options": question.options,
            "correct": question.correct,
            "explanation": question.explanation,
            "source": question.pk,
        },
        media=question.image.name if question.image else "",
    )


def clean_choice(question: Question, choice) -> list[int] | str:
    """The answer in its stored form, or ContestError if it cannot answer
    this question."""
    invalid = ContestError(_("That is not an answer to this question."), "invalid")
    if question.kind == QuestionKind.TEXT:
        if not isinstance(choice, str) or not choice.strip():
            raise invalid
        if not storable(choice):  # PostgreSQL refuses NUL in text
            raise invalid
        if len(choice) > MAX_TEXT_ANSWER:
            raise ContestError(
                _("Answers are at most %(n)d characters.") % {"n": MAX_TEXT_ANSWER},
                "invalid",
            )
        return choice.strip()
    width = 2 if question.kind == QuestionKind.TRUE_FALSE else len(question.options)
    if isinstance(choice, int | str):
        choice = [choice]
    if not isinstance(choice, list) or not choice:
        raise invalid
    try:
        indexes = sorted({int(c) for c in choice})
    except (TypeError, ValueError, OverflowError):  # OverflowError: infinity
        raise invalid from None
    if any(i < 0 or i >= width for i in indexes):
        raise invalid
    if question.kind != QuestionKind.MULTIPLE and len(indexes) != 1:
        raise invalid
    return indexes


def options(question: Question | None) -> list[dict]:
    """Options in canonical order. Correctness is not part of them."""
    if question is None:
        return []
    if question.kind == QuestionKind.TRUE_FALSE:
        return [{"index": 0, "tf": True}, {"index": 1, "tf": False}]
    return [
        {"index": i, "text": text, "letter": OPTION_LETTERS[i]}
        for i, text in enumerate(question.options)
    ]


def answer_labels(question: Question | None, choice) -> list:
    """What a player picked as they saw it: option texts, true/false, or text."""
    if question is None or choice is None:
        return []
    if isinstance(choice, str):
        return [choice]
    if question.kind == QuestionKind.TRUE_FALSE:
        return [{"tf": index == 0} for index in choice]
    return [question.options[i] for i in choice if 0 <= i < len(question.options)]


def correct_labels(question: Question) -> list:
    """The right answer as people read it (for after the reveal only)."""
    if question.kind == QuestionKind.TEXT:
        return list(question.correct)
    return answer_labels(question, question.correct)


def shuffle_key(contest: Contest, entry_id: int, shuffle: bool) -> int | None:
    """A per-player number the page uses to order options; stable per quiz."""
    if not shuffle:
        return None
    digest = hashlib.sha256(f"{contest.pk}:{entry_id}:{contest.pin}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True)
class Distribution:
    """How the room answered one question."""

    answered: int
    correct: int
    # Choice questions: one count per option (true/false: true, false).
    option_counts: list[int]
    # Typed answers: the most common normalised answers with their counts.
    common_texts: list[tuple[str, int]]

    @property
    def peak(self) -> int:
        return max(self.option_counts, default=0) or 1


def distribution(question: Question, rows) -> Distribution:
    """``rows``: (payload, verdict) of the question's submissions."""
    correct = sum(1 for _choice, verdict in rows if verdict == Verdict.RIGHT)
    if question.kind == QuestionKind.TEXT:
        texts = Counter(normalize_answer(c) for c, _v in rows if isinstance(c, str))
        return Distribution(len(rows), correct, [], texts.most_common(5))
    width = 2 if question.kind == QuestionKind.TRUE_FALSE else len(question.options)
    counts = [0] * width
    for choice, _verdict in rows:
        for index in choice if isinstance(choice, list) else []:
            if isinstance(index, int) and 0 <= index < width:
                counts[index] += 1
    return Distribution(len(rows), correct, counts, [])


def bars(question: Question, shares: Distribution) -> list[dict]:
    """The reveal's bar chart: one bar per option, the correct ones marked."""
    correct = set(question.correct) if question.kind != QuestionKind.TEXT else set()
    return [
        {
            **option,
            "count": count,
            "percent": round(100 * count / shares.peak) if shares.peak else 0,
            "correct": option["index"] in correct,
        }
        for option, count in zip(options(question), shares.option_counts, strict=False)
    ]
