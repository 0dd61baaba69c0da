"""``manage.py prune_pictures`` deletes question pictures nobody uses, only."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from contests.kinds.quiz import setup as quiz_setup

pytestmark = pytest.mark.django_db

TWO_DAYS = 2 * 24 * 3600


def aged(name: str) -> str:
    """Make a stored file look two days old."""
    path = default_storage.path(name)
    then = time.time() - TWO_DAYS
    os.utime(path, (then, then))
    return name


def prune(*args) -> str:
    out = io.StringIO()
    call_command("prune_pictures", *args, stdout=out)
    return out.getvalue()


def test_only_pictures_no_question_or_quiz_names_are_deleted(
    bank, trainer, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    question = bank.questions.get(kind="single")
    question.image.save("first.webp", ContentFile(b"first"), save=True)
    first = aged(question.image.name)
    quiz = quiz_setup.create_quiz(
        host=trainer, title="看图答题", bank=bank, questions=[question]
    )
    # The trainer replaces the picture: the quiz still shows the first one.
    question.image.save("second.webp", ContentFile(b"second"), save=True)
    second = aged(question.image.name)
    stray = aged(default_storage.save("questions/2025/01/lost.webp", ContentFile(b"x")))
    uploading = default_storage.save("questions/2025/01/new.webp", ContentFile(b"y"))

    listed = prune("--dry-run")
    assert stray in listed and "would delete 1 unused pictures" in listed
    assert default_storage.exists(stray)

    assert "deleted 1 unused pictures" in prune()
    assert not default_storage.exists(stray)
    for name in (first, second, uploading):
        assert default_storage.exists(name), name

    quiz.delete()  # nothing names the first picture any more
    assert "deleted 1 unused pictures" in prune()
    assert not default_storage.exists(first)
    assert default_storage.exists(second)
