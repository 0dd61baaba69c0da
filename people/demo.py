"""Demo people: one center, three teams, 30 agents, 3 trainers, 1 manager.

Every demo account has the password ``servicestar``. Loading twice changes
nothing: people are found by username and brought back to the state below.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from people.models import Role, Site, Team, User

DEMO_PASSWORD = "servicestar"  # noqa: S105 - demo data only, never production
SITE_NAME = "滨江客服中心"
TEAMS = ["话务一班", "话务二班", "投诉处理班"]
AGENT_NAMES = [
    "李晓婷",
    "王佳怡",
    "张雨欣",
    "刘子涵",
    "陈思琪",
    "杨梦瑶",
    "赵欣然",
    "黄诗雨",
    "周可馨",
    "吴宇航",
    "徐浩然",
    "孙悦",
    "胡静怡",
    "朱俊杰",
    "高雅琪",
    "林嘉欣",
    "何志强",
    "郭晓东",
    "马丽娜",
    "罗文博",
    "梁海燕",
    "宋佳琪",
    "郑凯文",
    "谢雨桐",
    "韩冰",
    "唐小芳",
    "冯晨曦",
    "于洋",
    "董明轩",
    "萧若兰",
]
TRAINER_NAMES = ["许老师", "邓老师", "曹老师"]
MANAGER_NAME = "沈经理"


def accounts() -> list[tuple[str, str, str, str]]:
    """(username, display name, role, team) for every demo account."""
    rows = []
    for index, name in enumerate(AGENT_NAMES, start=1):
        rows.append((f"agent{index:02d}", name, Role.AGENT, TEAMS[(index - 1) // 10]))
    for index, name in enumerate(TRAINER_NAMES, start=1):
        rows.append((f"trainer{index}", name, Role.TRAINER, TEAMS[index - 1]))
    rows.append(("manager", MANAGER_NAME, Role.MANAGER, ""))
    return rows


@transaction.atomic
def load(out) -> None:
    site, _ = Site.objects.get_or_create(name=SITE_NAME)
    teams = {
        name: Team.objects.get_or_create(site=site, name=name)[0] for name in TEAMS
    }
    # One hash for every demo account: hashing 34 times would take ten seconds.
    password = make_password(DEMO_PASSWORD)
    employee_prefix = {Role.AGENT: "E1", Role.TRAINER: "T2", Role.MANAGER: "M3"}
    counters = dict.fromkeys(employee_prefix, 0)
    for username, display_name, role, team_name in accounts():
        counters[role] += 1
        User.objects.update_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "employee_number": f"{employee_prefix[role]}{counters[role]:03d}",
                "role": role,
                "team": teams.get(team_name),
                "password": password,
                "is_active": True,
                "is_staff": role == Role.MANAGER,
                "is_superuser": role == Role.MANAGER,
            },
        )
    out.write(
        f"People: {site.name}, {len(teams)} teams, "
        f"{User.objects.filter(username__in=[a[0] for a in accounts()]).count()} "
        "demo accounts."
    )
