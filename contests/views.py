from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from contests.engine import registry, setup, snapshots, standings
from contests.engine.errors import ContestError
from contests.engine.results import attachment_header, results_workbook
from contests.kinds.quiz import setup as quiz_setup
from contests.kinds.quiz.forms import JoinForm, QuizForm
from contests.models import Contest, Entry, Status, TieRule
from contests.permissions import can_read_results
from people.permissions import trainer_required


def _hosted_quiz(request: HttpRequest, quiz_id: int) -> Contest:
    """The contest, if the person asking hosts it; 403 for everyone else."""
    quiz = get_object_or_404(Contest, pk=quiz_id)
    if quiz.host_id != request.user.pk:
        raise PermissionDenied
    return quiz


def _quiz_results(request: HttpRequest, quiz: Contest) -> Contest:
    """The contest, if the person asking may read its results; 403 otherwise."""
    if not can_read_results(request.user, quiz):
        raise PermissionDenied
    return quiz


def _own_entry(request: HttpRequest, quiz: Contest) -> Entry:
    participant = quiz.entries.filter(user=request.user).first()
    if participant is None or participant.removed_at is not None:
        raise PermissionDenied
    return participant


@trainer_required
@require_GET
def quiz_list(request: HttpRequest) -> HttpResponse:
    quizzes = Contest.objects.select_related("host").order_by("-created_at")[:100]
    return render(request, "contests/quiz_list.html", {"quizzes": quizzes})


@trainer_required
@require_http_methods(["GET", "POST"])
def quiz_create(request: HttpRequest) -> HttpResponse:
    initial = {"bank": request.GET.get("bank")} if request.GET.get("bank") else {}
    form = QuizForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["selection"] == QuizForm.RANDOM:
            questions = quiz_setup.pick_random_questions(
                bank=data["bank"],
                categories=list(data["categories"]),
                count=data["count"],
                language=data["language"],
            )
        else:
            questions = list(data["questions"])
        try:
            quiz = quiz_setup.create_quiz(
                host=request.user,
                bank=data["bank"],
                questions=questions,
                **form.settings(),
            )
        except ContestError as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("contests:console", quiz_id=quiz.pk)
    template = "contests/quiz/quiz_form.html"
    if request.htmx and request.method == "GET":
        template += "#question-picker"
    return render(request, template, {"form": form})


@trainer_required
@require_GET
def console(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _hosted_quiz(request, quiz_id)
    return render(
        request,
        registry.kind_of(quiz).templates.console,
        {"quiz": quiz, "initial": snapshots.host_view(quiz)},
    )


@trainer_required
@require_GET
def join_qr(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _hosted_quiz(request, quiz_id)
    url = request.build_absolute_uri(reverse("contests:join_pin", args=[quiz.pin]))
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=8, border=2)
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        quiz = Contest.objects.live().filter(pin=form.cleaned_data["pin"]).first()
        if quiz is None:
            form.add_error(
                "pin", _("No live quiz has this PIN. Check it with the host.")
            )
        else:
            return _join_and_play(request, quiz)
    return render(request, "contests/join.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def join_pin(request: HttpRequest, pin: str) -> HttpResponse:
    """Where the QR code points: confirm, then join."""
    quiz = Contest.objects.live().filter(pin=pin).select_related("host").first()
    if quiz is None:
        messages.error(request, _("No live quiz has this PIN. Check it with the host."))
        return redirect("contests:join")
    if quiz.host_id == request.user.pk:
        return redirect("contests:console", quiz_id=quiz.pk)
    if request.method == "POST":
        return _join_and_play(request, quiz)
    return render(request, "contests/join_confirm.html", {"quiz": quiz})


def _join_and_play(request: HttpRequest, quiz: Contest) -> HttpResponse:
    if quiz.host_id == request.user.pk:
        return redirect("contests:console", quiz_id=quiz.pk)
    try:
        setup.join_contest(contest=quiz, user=request.user)
    except ContestError as refused:
        messages.error(request, refused.message)
        return redirect("contests:join")
    return redirect("contests:play", quiz_id=quiz.pk)


@login_required
@require_GET
def play(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_object_or_404(Contest, pk=quiz_id)
    participant = quiz.entries.filter(user=request.user).select_related("user").first()
    if participant is None:
        if quiz.host_id == request.user.pk:
            return redirect("contests:console", quiz_id=quiz.pk)
        if quiz.is_live:
            return redirect("contests:join_pin", pin=quiz.pin)
        raise PermissionDenied
    if participant.removed_at is not None:
        raise PermissionDenied
    return render(
        request,
        registry.kind_of(quiz).templates.play,
        {"quiz": quiz, "initial": snapshots.player_view(quiz, participant)},
    )


@trainer_required
@require_GET
def results(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _quiz_results(
        request, get_object_or_404(Contest.objects.select_related("host"), pk=quiz_id)
    )
    kind = registry.kind_of(quiz)
    context = {
        "quiz": quiz,
        "people": standings.individual_standings(quiz),
        "teams": standings.team_standings(quiz),
        "by_time": quiz.tie_rule == TieRule.FASTER,
        **kind.results_context(quiz),
    }
    return render(request, kind.templates.results, context)


@trainer_required
@require_POST
def rerun(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Play a finished contest again: a new lobby with the same rounds and
    settings, hosted by whoever asked, and its console."""
    quiz = _quiz_results(request, get_object_or_404(Contest, pk=quiz_id))
    try:
        again = setup.rerun_contest(contest=quiz, by=request.user)
    except ContestError as refused:
        messages.error(request, refused.message)
        return redirect("contests:results", quiz_id=quiz.pk)
    return redirect("contests:console", quiz_id=again.pk)


@trainer_required
@require_GET
def results_export(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _quiz_results(request, get_object_or_404(Contest, pk=quiz_id))
    response = HttpResponse(
        results_workbook(quiz),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = attachment_header(quiz)
    return response


@login_required
@require_GET
def my_result(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_object_or_404(Contest, pk=quiz_id)
    participant = _own_entry(request, quiz)
    if quiz.status != Status.FINISHED:
        return redirect("contests:play", quiz_id=quiz.pk)
    kind = registry.kind_of(quiz)
    rows = kind.my_result_rows(quiz, participant)
    return render(
        request,
        kind.templates.my_result,
        {"quiz": quiz, "participant": participant, "rows": rows},
    )
