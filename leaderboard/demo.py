"""Demo points: kudos, so the boards have a story (the demo quizzes' points
come from the quizzes themselves, played by contests.demo).

Idempotent: every entry has a stable reference, and kudos are found by
sender, receiver and message. A database an older demo loaded holds quiz
points with no quiz behind them (``quiz:demo-N``); they are taken out, with
their share of the totals, since the real demo quizzes now give those points.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from leaderboard import ledger
from leaderboard.models import Heart, Kudos, PointEntry, PointTotal, Source
from leaderboard.periods import period_start
from leaderboard.rules import set_thresholds
from people.models import User

THRESHOLDS = {1: 100, 2: 250, 3: 500, 4: 800, 5: 1200}
KUDOS = [
    (
        "agent02",
        "agent01",
        Heart.PATIENT,
        "一位老人连续问了五遍电费怎么交，你每次都耐心讲清楚。",
    ),
    (
        "agent03",
        "agent07",
        Heart.CAREFUL,
        "工单地址核对得特别仔细，抢修队一次就找到了。",
    ),
    ("agent12", "agent15", Heart.WARM, "客户挂电话前说“听你说话心情都好了”。"),
    ("agent21", "agent24", Heart.TOLERANT, "被客户骂了十分钟还能平静地把问题解决。"),
    ("agent05", "agent09", Heart.CHEERFUL, "早班第一通电话就听得出你在微笑。"),
    (
        "agent18",
        "agent11",
        Heart.HUMBLE,
        "主动请教老同事停电报修的新流程，还整理成了笔记分享给大家。",
    ),
    (
        "agent26",
        "agent22",
        Heart.PERSEVERING,
        "一个跨部门的水压投诉跟了三天，直到客户确认解决。",
    ),
    (
        "agent08",
        "agent04",
        Heart.GENUINE,
        "没有答应客户做不到的事，而是如实说明并给出替代方案。",
    ),
    (
        "agent14",
        "agent19",
        Heart.FOCUSED,
        "高峰期连续接线，每一通都没有让客户重复问题。",
    ),
    (
        "agent29",
        "agent27",
        Heart.SINCERE,
        "给投诉客户回访时的道歉很真诚，客户撤回了投诉。",
    ),
]


@transaction.atomic
def load(out) -> None:
    set_thresholds(THRESHOLDS)
    retire_quizzes_without_a_quiz()
    agents = {u.username: u for u in User.objects.agents()}
    now = timezone.now()
    for index, (sender, receiver, heart, message) in enumerate(KUDOS):
        if sender not in agents or receiver not in agents:
            continue
        kudos, _created = Kudos.objects.get_or_create(
            sender=agents[sender],
            receiver=agents[receiver],
            message=message,
            defaults={"heart": heart, "created_at": now - timedelta(days=index % 9)},
        )
        ledger.award(
            person=kudos.receiver,
            source=Source.KUDOS,
            reference=f"kudos:{kudos.pk}",
            units=1,
            detail={"sender": kudos.sender.name, "heart": kudos.heart},
            occurred_at=kudos.created_at,
        )
    out.write(f"Leaderboard: {len(KUDOS)} kudos of demo points.")


def retire_quizzes_without_a_quiz() -> None:
    """Delete the older demo's ``quiz:demo-N`` entries and their points from
    the running totals (demo data only: real points are never deleted)."""
    old = PointEntry.objects.filter(
        source=Source.QUIZ, reference__startswith="quiz:demo-"
    )
    for entry in old:
        day = timezone.localdate(entry.occurred_at)
        owners = [{"person_id": entry.person_id}]
        if entry.team_id:
            owners.append({"team_id": entry.team_id})
        for period in ledger.counted_in(entry):
            for owner in owners:
                PointTotal.objects.filter(
                    period=period, starts_on=period_start(period, day), **owner
                ).update(points=F("points") - entry.points)
    old.delete()
