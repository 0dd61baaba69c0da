from __future__ import annotations

from django.db import migrations
from django.db.models import F


def owners_from_creators(apps, schema_editor):
    """Banks made before owners existed belong to whoever created them."""
    Bank = apps.get_model("training", "Bank")
    Bank.objects.filter(owner__isnull=True).update(owner=F("created_by"))


class Migration(migrations.Migration):
    dependencies = [("training", "0002_bank_owner_co_owners_and_deletions")]

    operations = [
        migrations.RunPython(owners_from_creators, migrations.RunPython.noop),
    ]
