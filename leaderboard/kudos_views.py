"""Kudos: send one, read them, hide one (trainers), spot who waits for one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leaderboard import kudos as kudos_service
from leaderboard.forms import PICKER_LIMIT, KudosForm, search_recipients
from leaderboard.models import Kudos
from people.models import Role, User
from people.permissions import trainer_required

RECENT = 30


@login_required
@require_http_methods(["GET", "POST"])
def kudos_page(request: HttpRequest) -> HttpResponse:
    form = KudosForm(request.POST or None, sender=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            sent = kudos_service.send_kudos(
                sender=request.user,
                receiver=form.cleaned_data["receiver"],
                heart=form.cleaned_data["heart"],
                message=form.cleaned_data["message"],
            )
        except kudos_service.KudosRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Kudos sent to %(name)s. Thank you for noticing!")
                % {"name": sent.receiver.name},
            )
            return redirect("leaderboard:kudos")
    query = request.GET.get("q", "").strip()[:50]
    picker = {
        "query": query,
        "limit": PICKER_LIMIT,
        "show_numbers": request.user.can_train,
    }
    if query:
        found = list(search_recipients(request.user, query)[: PICKER_LIMIT + 1])
        picker |= {"matches": found[:PICKER_LIMIT], "more": len(found) > PICKER_LIMIT}
    if request.htmx and request.method == "GET":
        return render(
            request,
            "leaderboard/kudos.html#recipient-picker",
            {"form": form, "picker": picker},
        )
    recent = Kudos.objects.select_related("sender", "receiver")
    if not request.user.can_train:
        recent = recent.shown()
    context = {
        "form": form,
        "picker": picker,
        "recent": recent[:RECENT],
        "left_today": max(
            0, kudos_service.MAX_PER_DAY - kudos_service.sent_today(request.user)
        ),
        "mine": Kudos.objects.shown()
        .filter(receiver=request.user)
        .select_related("sender")[:10],
    }
    return render(request, "leaderboard/kudos.html", context)


@login_required
@require_GET
def kudos_detail(request: HttpRequest, kudos_id: int) -> HttpResponse:
    kudos = get_object_or_404(
        Kudos.objects.select_related("sender", "receiver"), pk=kudos_id
    )
    if kudos.hidden_at and not request.user.can_train:
        return redirect("leaderboard:kudos")
    return render(request, "leaderboard/kudos_detail.html", {"kudos": kudos})


@trainer_required
@require_POST
def kudos_hide(request: HttpRequest, kudos_id: int) -> HttpResponse:
    kudos = get_object_or_404(Kudos, pk=kudos_id)
    kudos_service.hide_kudos(kudos=kudos, by=request.user)
    messages.success(request, _("The kudos is hidden and its points reversed."))
    return redirect("leaderboard:kudos")


@trainer_required
@require_GET
def recognition(request: HttpRequest) -> HttpResponse:
    """Days since each agent was last recognised: nobody goes unseen for weeks."""
    agents = User.objects.agents().select_related("team")
    if not request.user.can_manage and request.user.team_id:
        agents = agents.filter(team_id=request.user.team_id)
    agents = agents.annotate(
        last_kudos=Max(
            "kudos_received__created_at",
            filter=Q(kudos_received__hidden_at__isnull=True),
        )
    )
    now = timezone.now()
    rows = sorted(
        (
            {
                "agent": agent,
                "last": agent.last_kudos,
                "days": (now - agent.last_kudos).days if agent.last_kudos else None,
            }
            for agent in agents
        ),
        key=lambda row: (
            row["days"] is not None,
            -(row["days"] or 0),
            row["agent"].name,
        ),
    )
    return render(request, "leaderboard/recognition.html", {"rows": rows, "Role": Role})
