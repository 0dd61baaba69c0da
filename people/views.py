from __future__ import annotations

import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from people import panels, services
from people.forms import (
    AvatarForm,
    BoardNameForm,
    NoticeForm,
    StaffForm,
    TeamForm,
    TemporaryPasswordForm,
)
from people.models import Notice, Role, Team, User
from people.permissions import (
    manager_required,
    may_set_password_of,
    trainer_required,
)

logger = logging.getLogger("servicestar.people")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    notices = Notice.objects.visible_to(user).select_related("sender")[:8]
    context = {"notices": notices, "panels": panels.render_panels(request)}
    if user.can_train:
        context["notice_form"] = NoticeForm()
        context["teams"] = _teams_with_counts()
        return render(request, "people/home_staff.html", context)
    context["teammates"] = (
        User.objects.staff_of(user.team).exclude(pk=user.pk).order_by("display_name")
        if user.team_id
        else User.objects.none()
    )
    return render(request, "people/home_agent.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = AvatarForm()
    alias_form = BoardNameForm(instance=request.user)
    if request.method == "POST" and "board_alias" in request.POST:
        alias_form = BoardNameForm(request.POST, instance=request.user)
        if alias_form.is_valid():
            alias_form.save()
            messages.success(request, _("Your name on public boards is saved."))
            return redirect("people:profile")
    elif request.method == "POST":
        if "remove" in request.POST:
            services.change_avatar(user=request.user, image=None)
            messages.success(request, _("Your photo was removed."))
            return redirect("people:profile")
        form = AvatarForm(request.POST, request.FILES)
        if form.is_valid():
            services.change_avatar(user=request.user, image=form.cleaned_data["avatar"])
            messages.success(request, _("Your new photo is saved."))
            return redirect("people:profile")
    return render(
        request, "people/profile.html", {"form": form, "alias_form": alias_form}
    )


@trainer_required
@require_POST
def notice_create(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST)
    if form.is_valid():
        services.post_notice(
            sender=request.user,
            text=form.cleaned_data["text"],
            team=form.cleaned_data["team"],
        )
        form = NoticeForm()
    elif not request.htmx:
        messages.error(request, _("The notice was not sent: please check it."))
        return redirect("people:home")
    if not request.htmx:
        messages.success(request, _("Notice sent."))
        return redirect("people:home")
    notices = Notice.objects.visible_to(request.user).select_related("sender")[:8]
    return render(
        request,
        "people/home_staff.html#notice-panel",
        {"notice_form": form, "notices": notices},
    )


@trainer_required
@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.select_related("site").prefetch_related("members")
    unassigned = User.objects.active().filter(team__isnull=True)
    return render(
        request, "people/roster.html", {"teams": teams, "unassigned": unassigned}
    )


@manager_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    """The manager's hub: teams, points, stars, satisfaction, displays."""
    return render(request, "people/manage.html")


@manager_required
@require_http_methods(["GET", "POST"])
def teams(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = form.save()
        messages.success(request, _("Team “%(name)s” created.") % {"name": team.name})
        return redirect("people:teams")
    return render(
        request, "people/teams.html", {"form": form, "teams": _teams_with_counts()}
    )


@manager_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=team_id)
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Team “%(name)s” saved.") % {"name": team.name})
        return redirect("people:teams")
    return render(request, "people/team_edit.html", {"form": form, "team": team})


@manager_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    colleague = get_object_or_404(User, pk=user_id)
    form = StaffForm(request.POST or None, instance=colleague, editor=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(name)s saved.") % {"name": colleague.name})
        return redirect("people:roster")
    return _render_staff_edit(request, colleague, form)


@manager_required
@require_POST
@sensitive_post_parameters("password")
def staff_password(request: HttpRequest, user_id: int) -> HttpResponse:
    """Give a colleague who forgot their password a temporary one."""
    colleague = get_object_or_404(User, pk=user_id)
    if not may_set_password_of(request.user, colleague):
        raise PermissionDenied
    form = TemporaryPasswordForm(request.POST, colleague=colleague)
    if not form.is_valid():
        staff_form = StaffForm(instance=colleague, editor=request.user)
        return _render_staff_edit(request, colleague, staff_form, form)
    services.set_temporary_password(
        user=colleague, password=form.cleaned_data["password"]
    )
    messages.success(
        request,
        _(
            "%(name)s has a temporary password now. They choose their own "
            "when they next log in."
        )
        % {"name": colleague.name},
    )
    return redirect("people:staff_edit", user_id=colleague.pk)


def _render_staff_edit(
    request: HttpRequest,
    colleague: User,
    form: StaffForm,
    password_form: TemporaryPasswordForm | None = None,
) -> HttpResponse:
    may_set_password = may_set_password_of(request.user, colleague)
    if may_set_password and password_form is None:
        password_form = TemporaryPasswordForm(colleague=colleague)
    return render(
        request,
        "people/staff_edit.html",
        {
            "form": form,
            "colleague": colleague,
            "password_form": password_form if may_set_password else None,
        },
    )


def _teams_with_counts():
    return Team.objects.select_related("site").annotate(
        agent_count=Count(
            "members", filter=Q(members__role=Role.AGENT, members__is_active=True)
        ),
        leader_count=Count(
            "members",
            filter=Q(members__role=Role.TRAINER, members__is_active=True),
        ),
    )


HEALTH_TIMEOUT_S = 2.0


@never_cache
async def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the channel layer answer; 503 naming what failed."""
    checks = {
        "database": await _check("database", sync_to_async(_ping_database)),
        "channel_layer": await _check("channel_layer", _ping_channel_layer),
    }
    failed = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "fail" if failed else "ok", **checks}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)


async def _check(name: str, probe) -> str:
    try:
        await asyncio.wait_for(probe(), HEALTH_TIMEOUT_S)
    except Exception as error:  # any failure is the answer
        logger.warning("Health check of the %s failed: %r", name, error)
        return "fail"
    return "ok"


def _ping_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _ping_channel_layer() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await layer.receive(channel)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned another message")
