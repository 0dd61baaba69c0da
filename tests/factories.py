"""Plain factories: make_x(**kwargs) with defaults set by setdefault."""

from __future__ import annotations

import itertools

from people.models import Role, Site, Team, User

_numbers = itertools.count(1)
PASSWORD = "correct horse battery"


def make_site(**kwargs) -> Site:
    kwargs.setdefault("name", f"Site {next(_numbers)}")
    return Site.objects.create(**kwargs)


def make_team(**kwargs) -> Team:
    kwargs.setdefault("name", f"Team {next(_numbers)}")
    if "site" not in kwargs:
        kwargs["site"] = make_site()
    return Team.objects.create(**kwargs)


def make_user(**kwargs) -> User:
    number = next(_numbers)
    kwargs.setdefault("username", f"user{number}")
    kwargs.setdefault("display_name", f"Person {number}")
    kwargs.setdefault("employee_number", f"E{number:05d}")
    kwargs.setdefault("role", Role.AGENT)
    password = kwargs.pop("password", PASSWORD)
    user = User(**kwargs)
    user.set_password(password)
    user.save()
    return user
