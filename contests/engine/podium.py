"""The podium at a contest's end: places 1 to 3, as steps.

Everyone who shares a place shares its step, marked tied; a step names at
most a few of them and counts the rest. Nobody stands on it without points:
a contest where nobody scored has an empty podium.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

PLACES = 3
NAMES_PER_STEP = 3


class Ranked(Protocol):
    rank: int
    score: float


@dataclass(frozen=True)
class Step:
    place: int
    score: float  # the same for everyone on the step
    shown: tuple  # the standings named on the step, best first
    more: int  # how many more share the place, not named

    @property
    def tied(self) -> bool:
        return len(self.shown) + self.more > 1


def podium_steps(
    standings: Iterable[Ranked],
    *,
    places: int = PLACES,
    names_per_step: int = NAMES_PER_STEP,
) -> list[Step]:
    """The steps of the podium, first place first. ``standings`` are ranked
    best first (standings.Standing or TeamStanding): a place that nobody
    holds, because a tie above took it, has no step."""
    by_place: dict[int, list[Ranked]] = {}
    for standing in standings:
        if standing.rank <= places and standing.score > 0:
            by_place.setdefault(standing.rank, []).append(standing)
    return [
        Step(
            place=place,
            score=group[0].score,
            shown=tuple(group[:names_per_step]),
            more=max(0, len(group) - names_per_step),
        )
        for place, group in sorted(by_place.items())
    ]
