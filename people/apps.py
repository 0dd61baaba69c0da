from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and teams")

    def ready(self) -> None:
        from people import receivers  # noqa: F401  (connects them)
