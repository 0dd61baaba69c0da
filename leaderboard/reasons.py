"""Why an entry has its points, in the reader's language, and where it came from."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from leaderboard.models import PointEntry, Source

TEMPLATES = {
    Source.QUIZ: lambda: _(
        "Quiz “%(title)s”: #%(rank)s of %(players)s with %(score)s quiz points"
    ),
    Source.KUDOS: lambda: _("Kudos from %(sender)s: %(heart)s"),
    Source.CSAT: lambda: _(
        "Customer satisfaction %(period)s: %(satisfied)s of %(rated)s rated calls "
        "satisfied"
    ),
    Source.COURSE: lambda: _("Completed the course “%(title)s”"),
}


def reason(entry: PointEntry) -> str:
    template = TEMPLATES.get(entry.source)
    try:
        text = template() % entry.detail if template else entry.get_source_display()
    except (KeyError, TypeError, ValueError):
        text = entry.get_source_display()
    if "capped_from" in entry.detail:
        text += " " + _(
            "(daily cap reached: %(points)s points would have been earned)"
        ) % {"points": entry.detail["capped_from"]}
    if entry.reverses_id:
        text = _("Correction: %(why)s — %(reason)s") % {
            "why": entry.detail.get("reversal", ""),
            "reason": text,
        }
    return text


def link(entry: PointEntry) -> str:
    """The page of what earned the points, or "" when there is none."""
    kind, _sep, rest = entry.reference.partition(":")
    key = rest.split(":")[0]
    try:
        if kind == "quiz":
            return reverse("contests:my_result", args=[int(key)])
        if kind == "kudos":
            return reverse("leaderboard:kudos_detail", args=[int(key)])
        if kind == "csat":
            return reverse("leaderboard:my_points") + f"#csat-{key}"
    except (NoReverseMatch, ValueError):
        return ""
    return ""
