"""Every group name comes from realtime/groups.py and docs/protocol.md lists it."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from realtime import groups

PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
SOME_ID = 918273


def names_made_by_the_module() -> list[str]:
    """Each group the module can name, with SOME_ID for every id and "site"
    for the one textual part (a board's scope)."""
    names = [
        value
        for name, value in vars(groups).items()
        if name.isupper() and isinstance(value, str)
    ]
    for _name, function in inspect.getmembers(groups, inspect.isfunction):
        arguments = [
            SOME_ID if parameter.annotation == "int" else "site"
            for parameter in inspect.signature(function).parameters.values()
        ]
        names.append(function(*arguments))
    return names


def test_docs_protocol_lists_every_group_name():
    listed = PROTOCOL.read_text()
    names = names_made_by_the_module()
    assert len(names) >= 11
    for name in names:
        # The page writes ids as placeholders: `contest-<quiz id>-host`.
        pattern = re.escape(name).replace(str(SOME_ID), "<[^>`]+>")
        assert re.search(f"`{pattern}`", listed), f"{name} is not in {PROTOCOL.name}"
