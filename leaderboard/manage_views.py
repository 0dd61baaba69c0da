"""Managers: point rules, star thresholds, monthly service stars."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leaderboard import rules, stars
from leaderboard.forms import RuleForm, ThresholdsForm
from leaderboard.models import RuleChange, ServiceStarAward, StarThreshold
from leaderboard.periods import today
from people.permissions import manager_required


@manager_required
@require_http_methods(["GET", "POST"])
def rules_page(request: HttpRequest) -> HttpResponse:
    all_rules = rules.all_rules()
    forms = [
        (rule, RuleForm(request.POST or None, instance=rule, prefix=rule.source))
        for rule in all_rules
    ]
    current = dict(StarThreshold.objects.values_list("stars", "min_points"))
    thresholds = ThresholdsForm(request.POST or None, current=current, prefix="stars")
    checked = [form.is_valid() for _rule, form in forms] + [thresholds.is_valid()]
    if request.method == "POST" and all(checked):
        with transaction.atomic():
            for rule, form in forms:
                rules.change_rule(
                    rule=rule,
                    weight=form.cleaned_data["weight"],
                    daily_cap=form.cleaned_data["daily_cap"],
                    by=request.user,
                )
            rules.set_thresholds(thresholds.thresholds())
        messages.success(request, _("Rules saved. New points follow them."))
        return redirect("leaderboard:rules")
    context = {
        "forms": forms,
        "units": rules.UNITS,
        "thresholds": thresholds,
        "changes": RuleChange.objects.select_related("rule", "changed_by")[:30],
    }
    return render(request, "leaderboard/rules.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def stars_page(request: HttpRequest) -> HttpResponse:
    month = _month(request) or stars.last_month(today())
    awards = stars.propose(month)
    return render(
        request,
        "leaderboard/stars.html",
        {
            "month": month,
            "awards": awards,
            "tie_rule": stars.TIE_RULE,
            "previous": stars.last_month(month),
            "next": _next_month(month) if _next_month(month) <= today() else None,
        },
    )


@manager_required
@require_POST
def star_confirm(request: HttpRequest, award_id: int) -> HttpResponse:
    award = get_object_or_404(ServiceStarAward, pk=award_id)
    choice = request.POST.get("choice", "")
    try:
        stars.confirm(
            award=award, by=request.user, choice=int(choice) if choice else None
        )
    except (ValueError, stars.NotTied):
        messages.error(
            request, _("That choice is not tied for the award. Nothing was confirmed.")
        )
    else:
        messages.success(request, _("Confirmed. The displays are celebrating."))
    return redirect(f"{reverse('leaderboard:stars')}?month={award.month:%Y-%m}")


def _month(request: HttpRequest) -> date | None:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)
