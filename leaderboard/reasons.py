"""Why an entry has its points, in the reader's language, and where it came from."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from leaderboard.models import Heart, PointEntry, Source

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


REVERSALS = {
    "kudos_hidden": lambda: _("the kudos was hidden by %(by)s"),
    "csat_replaced": lambda: _("a newer satisfaction file replaced this one"),
}


def reason(entry: PointEntry) -> str:
    template = TEMPLATES.get(entry.source)
    detail = entry.detail
    if entry.source == Source.KUDOS and detail.get("heart") in Heart.values:
        detail = {**detail, "heart": Heart(detail["heart"]).label}
    try:
        text = template() % detail if template else entry.get_source_display()
    except (KeyError, TypeError, ValueError):
        text = entry.get_source_display()
    if "capped_from" in entry.detail:
        text += " " + _(
            "(daily cap reached: %(points)s points would have been earned)"
        ) % {"points": entry.detail["capped_from"]}
    if entry.reverses_id:
        why = entry.detail.get("reversal", "")
        if why in REVERSALS:
            try:
                why = REVERSALS[why]() % entry.detail
            except (KeyError, TypeError, ValueError):
                why = ""
        text = _("Correction: %(why)s — %(reason)s") % {"why": why, "reason": text}
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
