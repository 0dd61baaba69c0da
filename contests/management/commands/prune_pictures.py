"""``python manage.py prune_pictures``: delete question pictures nobody uses.

A question's picture file is shared with every quiz that copied the question,
so replacing or deleting the picture in the bank keeps the file
(training.services.save_question). This finds the files under the
questions' folder that no bank question and no contest round names any
more, and deletes those older than a grace period (a picture being uploaded
is written before its question is saved). Safe to run at any time, e.g. from
a weekly timer (docs/operations.md).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from contests.models import Round
from training.models import Question

FOLDER = "questions"


class Command(BaseCommand):
    help = "Delete question pictures that no question or quiz uses any more."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=24,
            help="Keep files younger than this (default 24).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List, delete nothing."
        )

    def handle(self, *args, older_than_hours: float, dry_run: bool, **options):
        storage = Question._meta.get_field("image").storage
        in_use = set(Question.objects.exclude(image="").values_list("image", flat=True))
        in_use |= set(Round.objects.exclude(media="").values_list("media", flat=True))
        cutoff = timezone.now() - timedelta(hours=older_than_hours)
        unused = [
            name
            for name in _files(storage, FOLDER)
            if name not in in_use and storage.get_modified_time(name) < cutoff
        ]
        freed = 0
        for name in unused:
            freed += storage.size(name)
            if dry_run:
                self.stdout.write(name)
            else:
                storage.delete(name)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {len(unused)} unused pictures ({freed / 1024:.0f} KB); "
            f"{len(in_use)} in use"
        )


def _files(storage, folder: str):
    """Every file name under ``folder`` in ``storage``, recursively."""
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _files(storage, f"{folder}/{sub}")
