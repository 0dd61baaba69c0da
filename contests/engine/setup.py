"""Making a contest, and who plays in it."""

from __future__ import annotations

import copy
import secrets

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.engine import broadcast, registry
from contests.engine.errors import ContestError
from contests.models import Contest, Entry, Round, Status
from contests.permissions import can_read_results

PIN_ATTEMPTS = 20


def create_contest(
    *, kind: str, host, title: str, material, options=None, **settings
) -> Contest:
    """A contest in its lobby with a fresh PIN (unique among live contests of
    every kind), a round frozen from each piece of ``material`` in order (by
    the kind's ``freeze_round``), and the kind's options row.

    ``options``: an unsaved row of the kind's options table, its ``contest``
    set here. ``settings``: Contest fields (seconds_per_round, team_mode).
    """
    freeze = registry.get(kind).freeze_round
    rounds = [freeze(piece) for piece in material]
    return _create(
        kind=kind, host=host, title=title, rounds=rounds, options=options, **settings
    )


RERUN_SETTINGS = ("seconds_per_round", "team_mode", "tie_rule")


def rerun_contest(*, contest: Contest, by) -> Contest:
    """A new contest in its lobby, hosted by ``by``, playing ``contest`` again:
    the same rounds as they were frozen (not re-read from the material, which
    may have changed or gone), the same settings and the same kind's options.
    The finished contest is left as it was.
    """
    if contest.status != Status.FINISHED:
        raise ContestError(_("Only a finished contest can be run again."), "live")
    if not can_read_results(by, contest):
        raise ContestError(_("You may not run this contest again."), "forbidden")
    rounds = [
        Round(content=copy.deepcopy(each.content), media=each.media.name)
        for each in contest.rounds.order_by("position")
    ]
    try:
        options = registry.kind_of(contest).options(contest)
    except ObjectDoesNotExist:
        options = None
    if options is not None:
        options = copy.copy(options)
        options.pk = None
        options._state.adding = True
    return _create(
        kind=contest.kind,
        host=by,
        title=contest.title,
        rounds=rounds,
        options=options,
        **{name: getattr(contest, name) for name in RERUN_SETTINGS},
    )


def _create(*, kind, host, title, rounds, options, **settings) -> Contest:
    if not rounds:
        raise ContestError(_("A contest needs at least one round."), "empty")
    for _attempt in range(PIN_ATTEMPTS):
        try:
            with transaction.atomic():
                contest = Contest.objects.create(
                    kind=kind, host=host, title=title, pin=_new_pin(), **settings
                )
                for position, round in enumerate(rounds):
                    round.pk = None
                    round.contest = contest
                    round.position = position
                Round.objects.bulk_create(rounds)
                if options is not None:
                    options.contest = contest
                    options.save()
                broadcast.live_contests_changed()
                return contest
        except IntegrityError:
            continue  # the PIN was taken by another live contest a moment ago
    raise ContestError(_("Could not find a free PIN; try again."), "pin")


def _new_pin() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


@transaction.atomic
def join_contest(*, contest: Contest, user) -> Entry:
    """Join (or come back to) a contest. Idempotent: one entry per person."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    if contest.host_id == user.pk:
        raise ContestError(_("You are hosting this contest."), "host")
    entry = Entry.objects.filter(contest=contest, user=user).first()
    if entry is not None:
        if entry.removed_at is not None:
            raise ContestError(_("The host removed you from this contest."), "removed")
        return entry
    if contest.status == Status.FINISHED:
        raise ContestError(_("This contest has ended."), "finished")
    entry = Entry.objects.create(contest=contest, user=user, team=user.team)
    broadcast.roster_changed(contest)
    return entry


@transaction.atomic
def remove_entry(*, contest_id: int, entry_id: int, by) -> Entry:
    contest = Contest.objects.select_for_update().get(pk=contest_id)
    if contest.host_id != by.pk:
        raise ContestError(_("Only the contest's host can do that."), "not_host")
    try:
        entry = contest.entries.get(pk=entry_id)
    except Entry.DoesNotExist:
        raise ContestError(
            _("That player is not in this contest."), "not_found"
        ) from None
    if entry.removed_at is None:
        entry.removed_at = timezone.now()
        entry.save(update_fields=["removed_at"])
        broadcast.player_removed(entry)
        broadcast.roster_changed(contest)
    return entry
