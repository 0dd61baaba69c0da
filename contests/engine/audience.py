"""The audience API: everything the wall displays and the "live now" panel
know of contests, whatever their kind.

- ``live_contest_ids()``: the live contests, oldest first.
- ``audience_snapshot()``: a contest as a TV shows it (``#audience-stage``).
- ``audience_group()``: the group that carries its changes afterwards:
  ``contest.audience`` events ``{"type": "contest.audience", "html":
  {language: fragment}}``, an ``#audience-stage`` or ``#audience-answered``
  fragment for an htmx out-of-band swap (and ``contest.progress`` for kinds
  that show live progress).
- ``arrivals_fragment()``: a lobby's "N players have joined"
  (``#audience-arrivals``), sent after ``contest.arrivals`` events.
- ``live_now_panel()``: the home page's "live now" panel.
- signals.live_contests_changed tells when the list changes.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from contests.engine import registry, snapshots
from contests.models import Contest, Status
from realtime import groups

LIVE_NOW = "contests/_live_now.html"
LIVE_NOW_PUSHED = "contests/_live_now_pushed.html"
ARRIVALS = "contests/_audience_arrivals.html"


def live_contests():
    return Contest.objects.live().select_related("host").order_by("created_at")


def live_contest_ids() -> list[int]:
    return list(live_contests().values_list("pk", flat=True))


def audience_group(contest_id: int) -> str:
    return groups.contest_audience(contest_id)


def audience_snapshot(*, contest_id: int, language: str) -> str:
    """The contest as a TV shows it, for a screen that tunes in mid-contest."""
    contest = Contest.objects.get(pk=contest_id)
    template = registry.kind_of(contest).templates.audience_stage
    with translation.override(language):
        return render_to_string(template, snapshots.stage_context(contest))


def arrivals_fragment(*, contest_id: int, language: str) -> str:
    """How many have joined a contest in its lobby, or "" once it started."""
    contest = Contest.objects.filter(pk=contest_id, status=Status.LOBBY).first()
    if contest is None:
        return ""
    players = contest.entries.playing().count()
    with translation.override(language):
        return render_to_string(ARRIVALS, {"quiz": contest, "players": players})


def live_now_panel(request: HttpRequest) -> str:
    return render_to_string(
        LIVE_NOW, {"live_quizzes": list(live_contests())}, request=request
    )


def live_now_context() -> dict:
    return {"live_quizzes": list(live_contests())}
