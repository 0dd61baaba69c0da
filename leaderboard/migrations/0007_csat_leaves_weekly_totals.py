"""Customer-satisfaction entries already in the ledger become a month's
result: marked monthly, and taken out of the weekly totals they were added
to (the week holding their month's last day). Month and all-time totals keep
them."""

from __future__ import annotations

from datetime import timedelta

from django.db import migrations
from django.db.models import F
from django.utils import timezone


def take_csat_out_of_weeks(apps, schema_editor):
    PointEntry = apps.get_model("leaderboard", "PointEntry")
    PointTotal = apps.get_model("leaderboard", "PointTotal")
    entries = PointEntry.objects.filter(source="csat", monthly=False)
    for entry in entries.exclude(points=0).iterator():
        day = timezone.localdate(entry.occurred_at)
        monday = day - timedelta(days=day.weekday())
        owners = [{"person_id": entry.person_id}]
        if entry.team_id:
            owners.append({"team_id": entry.team_id})
        for owner in owners:
            PointTotal.objects.filter(period="week", starts_on=monday, **owner).update(
                points=F("points") - entry.points
            )
    # A queryset update, not save(): the ledger's models refuse edits, and
    # this only says what the entries always were.
    entries.update(monthly=True)


class Migration(migrations.Migration):
    dependencies = [("leaderboard", "0006_point_entry_monthly")]

    operations = [
        migrations.RunPython(take_csat_out_of_weeks, migrations.RunPython.noop)
    ]
