from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaderboardConfig(AppConfig):
    name = "leaderboard"
    verbose_name = _("Leaderboard")

    def ready(self) -> None:
        from leaderboard import receivers  # noqa: F401 - connects the receivers
        from leaderboard.home import points_panel
        from people import panels

        panels.register("leaderboard.points", points_panel, order=20)
