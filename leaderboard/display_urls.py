from __future__ import annotations

from django.urls import path

from leaderboard import display_views

urlpatterns = [
    # The TV's side: no login.
    path("display/", display_views.board, name="display"),
    path("display/pairing/", display_views.pairing_status, name="display_pairing"),
    path("display/avatar/<int:user_id>/", display_views.avatar, name="display_avatar"),
    # The managers' side.
    path("displays/", display_views.display_list, name="displays"),
    path("displays/pair/", display_views.pair, name="display_pair"),
    path("displays/<int:display_id>/", display_views.edit, name="display_edit"),
    path(
        "displays/<int:display_id>/revoke/",
        display_views.revoke,
        name="display_revoke",
    ),
]
