"""The "my points" panel on everyone's home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from leaderboard import rankings


def points_panel(request: HttpRequest) -> str:
    user = request.user
    totals = rankings.totals_for(user)
    context = {
        "totals": totals,
        "stars": rankings.stars_for(totals["month"], rankings.thresholds()),
        "month_rank": rankings.rank_of(user, "month"),
    }
    return render_to_string("leaderboard/_points_panel.html", context, request=request)
