"""``python manage.py demo``: load the demo center, idempotently.

Each installed app with a ``demo`` module contributes its part, in the order
of INSTALLED_APPS (people first, then training, contests, leaderboard), so an
app's demo data can rely on the apps it imports.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from people import demo as people_demo


class Command(BaseCommand):
    help = "Create or refresh the demo center (accounts with a known password)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off. Never on a real center's database.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "The demo creates accounts whose password is public. It runs "
                "only with DEBUG=true (make demo sets it) or with --force."
            )
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            ours = Path(config.path).is_relative_to(settings.BASE_DIR)
            if not ours or find_spec(module_name) is None:
                continue
            import_module(module_name).load(self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo accounts (password: servicestar)"))
        for username, name, role, team in people_demo.accounts():
            self.stdout.write(f"  {username:<10} {name:<6} {role:<8} {team}")
