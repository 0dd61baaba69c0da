"""Banks made before owners existed get one: whoever created them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("training", "0001_question_bank")]


@pytest.mark.django_db(transaction=True)
def test_existing_banks_are_owned_by_their_creator(trainer):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Bank = old_apps.get_model("training", "Bank")
    bank = Bank.objects.create(name="老题库", created_by_id=trainer.pk)

    # Forward to every app's latest migration, as the other tests expect.
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(latest)
    new_apps = executor.loader.project_state(latest).apps
    Bank = new_apps.get_model("training", "Bank")
    assert Bank.objects.get(pk=bank.pk).owner_id == trainer.pk
