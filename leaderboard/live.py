"""Telling boards and wall displays that something changed.

The functions here are the leaderboard's only way to reach screens; each is
called inside the transaction that made the change and acts after commit.
"""

from __future__ import annotations


def points_changed(entry) -> None:
    """A ledger entry was added: refresh rankings on boards (coalesced)."""
    return None


def kudos_changed(kudos) -> None:
    """A kudos was sent or hidden: refresh the kudos panels."""
    return None


def celebrate(award) -> None:
    """A manager confirmed a service star: interrupt displays to celebrate."""
    return None
