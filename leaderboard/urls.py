from __future__ import annotations

from django.urls import include, path

app_name = "leaderboard"

urlpatterns = [
    path("", include("leaderboard.csat_urls")),
    path("", include("leaderboard.display_urls")),
]
