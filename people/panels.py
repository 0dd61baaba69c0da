"""Home-page panels contributed by other apps.

people sits at the bottom of the import graph, so it cannot ask contests or
training what to show; those apps register a panel here in their
``AppConfig.ready()`` instead, as Django's admin lets apps register models.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

Panel = Callable[[HttpRequest], str]
_panels: list[tuple[int, str, Panel]] = []


def register(name: str, panel: Panel, *, order: int = 50) -> None:
    """Add ``panel(request) -> html`` to every home page (once per name)."""
    if any(existing == name for _order, existing, _panel in _panels):
        return
    _panels.append((order, name, panel))
    _panels.sort(key=lambda entry: entry[0])


def render_panels(request: HttpRequest) -> list[SafeString]:
    return [SafeString(panel(request)) for _order, _name, panel in _panels]
