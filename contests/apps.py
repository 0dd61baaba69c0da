from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Contests")

    def ready(self) -> None:
        from contests.engine import registry
        from contests.engine.audience import live_now_panel
        from people import panels

        registry.discover()
        panels.register("contests.live_now", live_now_panel, order=10)
