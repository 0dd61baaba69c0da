"""The customer-satisfaction entries already in a ledger leave the weekly
totals (leaderboard 0007), keeping their month and all-time points."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from leaderboard.models import PointEntry, PointTotal
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = migrate([("leaderboard", "0006_point_entry_monthly")])
    yield apps
    migrate()


def test_csat_already_imported_leaves_the_week_and_keeps_the_month(old_apps, team):
    agent = make_user(team=team)
    Entry = old_apps.get_model("leaderboard", "PointEntry")
    Total = old_apps.get_model("leaderboard", "PointTotal")
    last_day = timezone.make_aware(datetime(2026, 10, 31, 12))
    monday, october = date(2026, 10, 26), date(2026, 10, 1)
    # As the ledger used to write them: CSAT 152 and a quiz 30, both in the
    # week of October's last day.
    Entry.objects.create(
        person_id=agent.pk,
        team_id=team.pk,
        source="csat",
        reference="csat:2026-10:1",
        points=152,
        occurred_at=last_day,
    )
    Entry.objects.create(
        person_id=agent.pk,
        team_id=team.pk,
        source="quiz",
        reference="quiz:1",
        points=30,
        occurred_at=last_day,
    )
    for period, starts_on in [("week", monday), ("month", october), ("all", None)]:
        starts_on = starts_on or date(2000, 1, 1)
        Total.objects.create(
            period=period, starts_on=starts_on, person_id=agent.pk, points=182
        )
        Total.objects.create(
            period=period, starts_on=starts_on, team_id=team.pk, points=182
        )

    migrate()

    totals = {
        (t.period, "person" if t.person_id else "team"): t.points
        for t in PointTotal.objects.all()
    }
    assert totals[("week", "person")] == totals[("week", "team")] == 30
    assert totals[("month", "person")] == totals[("all", "team")] == 182
    assert PointEntry.objects.get(source="csat").monthly
    assert not PointEntry.objects.get(source="quiz").monthly
