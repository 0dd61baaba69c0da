"""Points and rankings as people see them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leaderboard import rankings, reasons
from leaderboard.models import Period, PointEntry, ServiceStarAward
from leaderboard.periods import today
from leaderboard.stars import last_month

ENTRIES_PER_PAGE = 50


@login_required
@require_GET
def my_points(request: HttpRequest) -> HttpResponse:
    """Every entry with its reason and link, totals, and where I stand."""
    user = request.user
    entries = PointEntry.objects.of(user).select_related("reverses")
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"entry": e, "reason": reasons.reason(e), "link": reasons.link(e)} for e in page
    ]
    totals = rankings.totals_for(user)
    context = {
        "page": page,
        "rows": rows,
        "totals": totals,
        "stars": rankings.stars_for(totals["month"], rankings.thresholds()),
        "week_around": rankings.around(user, "week"),
        "month_around": rankings.around(user, "month"),
    }
    return render(request, "leaderboard/my_points.html", context)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The shared board: the top N only, never the bottom. My own place is
    shown to me alone."""
    period = request.GET.get("period", Period.MONTH)
    if period not in Period.values:
        period = Period.MONTH
    context = {
        "period": period,
        "periods": Period.choices,
        "people": rankings.people_ranking(period),
        "teams": rankings.team_ranking(period),
        "mine": rankings.around(request.user, period),
        "stars": ServiceStarAward.objects.filter(
            month=last_month(today()), confirmed_at__isnull=False
        ).select_related("person", "team"),
    }
    template = "leaderboard/board.html"
    if request.htmx:
        template += "#board-body"
    return render(request, template, context)
