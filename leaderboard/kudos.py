"""Sending and hiding kudos. A kudos is points for its receiver, by the
kudos rule; hiding one reverses them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leaderboard import ledger, live
from leaderboard.models import Kudos, PointEntry, Source
from leaderboard.periods import day_bounds
from people.models import User

MAX_PER_DAY = 5


class KudosRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sent_today(sender: User) -> int:
    start, end = day_bounds(timezone.localdate())
    return Kudos.objects.sent_by_on(sender, start, end).count()


@transaction.atomic
def send_kudos(*, sender: User, receiver: User, heart: str, message: str) -> Kudos:
    # The sender's row is locked so two tabs cannot both send the fifth kudos.
    User.objects.select_for_update().filter(pk=sender.pk).first()
    if receiver.pk == sender.pk:
        raise KudosRefused(_("Kudos are for colleagues, not for yourself."))
    if not receiver.is_active:
        raise KudosRefused(_("This colleague can no longer receive kudos."))
    if sent_today(sender) >= MAX_PER_DAY:
        raise KudosRefused(
            _("You have sent %(n)d kudos today, the most a day. Try again tomorrow.")
            % {"n": MAX_PER_DAY}
        )
    kudos = Kudos.objects.create(
        sender=sender, receiver=receiver, heart=heart, message=message.strip()
    )
    ledger.award(
        person=receiver,
        source=Source.KUDOS,
        reference=f"kudos:{kudos.pk}",
        units=1,
        detail={"sender": sender.name, "heart": heart},
        occurred_at=kudos.created_at,
    )
    live.kudos_changed(kudos)
    return kudos


@transaction.atomic
def hide_kudos(*, kudos: Kudos, by: User) -> Kudos:
    """Hide a kudos from every board; its points are reversed."""
    kudos = Kudos.objects.select_for_update().get(pk=kudos.pk)
    if kudos.hidden_at is not None:
        return kudos
    kudos.hidden_at = timezone.now()
    kudos.hidden_by = by
    kudos.save(update_fields=["hidden_at", "hidden_by"])
    entry = PointEntry.objects.filter(
        source=Source.KUDOS, reference=f"kudos:{kudos.pk}", person=kudos.receiver
    ).first()
    if entry is not None:
        ledger.reverse(entry=entry, why="kudos_hidden", by=by.name)
    live.kudos_changed(kudos)
    return kudos
