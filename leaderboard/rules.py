"""The rules that turn what happened into points, and their defaults."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from leaderboard.models import PointRule, RuleChange, Source, StarThreshold

# What one unit is, per source, and the rule a new center starts with.
UNITS = {
    Source.QUIZ: _("per 100 quiz points"),
    Source.TYPING: _("per 100 contest points"),
    Source.LISTENING: _("per 100 contest points"),
    Source.WORK_ORDER: _("per 100 contest points"),
    Source.SMILE: _("per vote won"),
    Source.COURSE: _("per completed course"),
    Source.KUDOS: _("per kudos received"),
    Source.CSAT: _("per satisfaction point above 80%"),
}
DEFAULTS = {
    Source.QUIZ: (Decimal("1"), 100),
    Source.TYPING: (Decimal("1"), 100),
    Source.LISTENING: (Decimal("1"), 100),
    Source.WORK_ORDER: (Decimal("1"), 100),
    Source.SMILE: (Decimal("2"), 40),
    Source.COURSE: (Decimal("20"), 60),
    Source.KUDOS: (Decimal("5"), 25),
    Source.CSAT: (Decimal("10"), None),
}


def rule_for(source: str) -> PointRule:
    """The source's rule, created with its default the first time it is needed."""
    weight, cap = DEFAULTS[source]
    rule, _created = PointRule.objects.get_or_create(
        source=source, defaults={"weight": weight, "daily_cap": cap}
    )
    return rule


def all_rules() -> list[PointRule]:
    return [rule_for(source) for source in Source.values]


def _snapshot(rule: PointRule) -> dict:
    fields = model_to_dict(rule, fields=["weight", "daily_cap"])
    weight = Decimal(str(fields["weight"])).quantize(Decimal("0.01"))
    return {"weight": str(weight), "daily_cap": fields["daily_cap"]}


@transaction.atomic
def change_rule(
    *, rule: PointRule, weight: Decimal, daily_cap: int | None, by
) -> PointRule:
    """Change a rule and log who changed what. New points follow it; points
    already earned stay as they were."""
    rule = PointRule.objects.select_for_update().get(pk=rule.pk)
    before = _snapshot(rule)
    rule.weight, rule.daily_cap = weight, daily_cap
    after = _snapshot(rule)
    if before != after:
        rule.save(update_fields=["weight", "daily_cap", "updated_at"])
        RuleChange.objects.create(rule=rule, changed_by=by, before=before, after=after)
    return rule


@transaction.atomic
def set_thresholds(thresholds: dict[int, int]) -> None:
    """Points needed in a month for each number of stars (1 to 5)."""
    for stars, min_points in thresholds.items():
        StarThreshold.objects.update_or_create(
            stars=stars, defaults={"min_points": min_points}
        )
