from __future__ import annotations

from django.urls import include, path

from leaderboard import kudos_views, manage_views, views

app_name = "leaderboard"

urlpatterns = [
    path("points/", views.my_points, name="my_points"),
    path("leaderboard/", views.board, name="board"),
    path("kudos/", kudos_views.kudos_page, name="kudos"),
    path("kudos/<int:kudos_id>/", kudos_views.kudos_detail, name="kudos_detail"),
    path("kudos/<int:kudos_id>/hide/", kudos_views.kudos_hide, name="kudos_hide"),
    path("kudos/recognition/", kudos_views.recognition, name="recognition"),
    path("leaderboard/rules/", manage_views.rules_page, name="rules"),
    path("leaderboard/stars/", manage_views.stars_page, name="stars"),
    path(
        "leaderboard/stars/<int:award_id>/confirm/",
        manage_views.star_confirm,
        name="star_confirm",
    ),
    path("", include("leaderboard.csat_urls")),
    path("", include("leaderboard.display_urls")),
]
