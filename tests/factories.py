"""Plain factories: make_x(**kwargs) with defaults set by setdefault."""

from __future__ import annotations

import itertools

from leaderboard import boards, displays
from leaderboard.models import Display
from people.models import Role, Site, Team, User
from training.models import Bank, Category, Question

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


def make_bank(created_by) -> Bank:
    """A bank of four questions, one of each kind, in the order the quiz tests
    play them: single choice, multiple choice, true/false, typed answer."""
    bank = Bank.objects.create(name="客服题库", created_by=created_by)
    product = Category.objects.create(bank=bank, name="业务知识")
    norms = Category.objects.create(bank=bank, name="服务规范")
    Question.objects.create(
        bank=bank,
        category=product,
        kind="single",
        prompt="停电故障报修拨打哪个号码？",
        options=["95598", "10086", "12345"],
        correct=[0],
        explanation="95598 是电力服务热线。",
    )
    Question.objects.create(
        bank=bank,
        category=norms,
        kind="multiple",
        prompt="哪些做法符合通话结束规范？",
        options=["确认客户没有其他问题", "先于客户挂机", "致谢并道别"],
        correct=[0, 2],
        explanation="等客户先挂机，并确认再无其他需求。",
    )
    Question.objects.create(
        bank=bank,
        category=norms,
        kind="true_false",
        prompt="微笑可以通过声音传递给客户。",
        options=[],
        correct=[0],
        explanation="微笑会改变语调。",
    )
    Question.objects.create(
        bank=bank,
        category=product,
        kind="text",
        prompt="电力服务热线号码是多少？",
        options=[],
        correct=["95598"],
        explanation="记住这个号码。",
    )
    return bank


def pair_display(manager, **fields) -> tuple[Display, str]:
    """A display paired the whole way: TV asks, manager claims, TV collects.
    Returns the display and its token."""
    code, secret = displays.start_pairing(browser_secret=None)
    values = {"name": "Floor 3", "language": "en", "panels": list(boards.ALL_PANELS)}
    values.update(fields)
    displays.claim_code(code=code.code, by=manager, **values)
    collected = displays.collect_token(browser_secret=secret)
    return collected.display, collected.token
