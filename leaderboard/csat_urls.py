from __future__ import annotations

from django.urls import path

from leaderboard import csat_views

# Included into the "leaderboard" namespace by leaderboard.urls.
urlpatterns = [
    path("csat/", csat_views.csat, name="csat"),
    path("csat/template.xlsx", csat_views.csat_template, name="csat_template"),
    path("csat/<int:import_id>/", csat_views.csat_detail, name="csat_detail"),
]
