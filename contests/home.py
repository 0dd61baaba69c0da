"""The "live now" panel on everyone's home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from contests.models import Quiz
from contests.stage import LIVE_NOW


def live_now_panel(request: HttpRequest) -> str:
    quizzes = Quiz.objects.live().select_related("host").order_by("created_at")
    return render_to_string(LIVE_NOW, {"live_quizzes": list(quizzes)}, request=request)
