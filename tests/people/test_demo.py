from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from people.models import Role, Team, User


def test_demo_loads_the_center_and_is_idempotent(db, client, settings):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    User.objects.filter(username="agent05").update(display_name="改过的名字")
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert User.objects.filter(role=Role.AGENT).count() == 30
    assert User.objects.filter(role=Role.TRAINER).count() == 3
    assert User.objects.filter(role=Role.MANAGER).count() == 1
    assert Team.objects.count() == 3
    assert all(
        team.members.filter(role=Role.AGENT).count() == 10
        for team in Team.objects.all()
    )
    assert User.objects.get(username="agent05").display_name != "改过的名字"
    assert "agent30" in out.getvalue() and "servicestar" in out.getvalue()
    assert client.login(username="agent01", password="servicestar")
    assert client.login(username="manager", password="servicestar")


def test_demo_refuses_to_create_known_passwords_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("demo", stdout=io.StringIO())
    assert not User.objects.exists()
