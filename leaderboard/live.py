"""Placeholder: boards refresh after points change (filled in with the displays)."""

from __future__ import annotations


def points_changed(entry) -> None:
    return None
