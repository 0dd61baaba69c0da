"""Kudos: not to oneself, five a day, points to the receiver, hidden by trainers."""

from __future__ import annotations

from django.urls import reverse

from leaderboard.models import Kudos, PointEntry
from leaderboard.rankings import totals_for
from tests.factories import make_user


def send(client, receiver, heart="patient", message="耐心安抚了一位投诉客户"):
    return client.post(
        reverse("leaderboard:kudos"),
        {"receiver": receiver.pk, "heart": heart, "message": message},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_kudos_gives_the_receiver_points_with_a_reason(client, agent, other_agent):
    client.force_login(agent)
    assert send(client, other_agent).status_code == 302
    kudos = Kudos.objects.get()
    assert (kudos.sender, kudos.receiver, kudos.heart) == (
        agent,
        other_agent,
        "patient",
    )
    entry = PointEntry.objects.get(person=other_agent)
    assert entry.points == 5 and entry.reference == f"kudos:{kudos.pk}"
    client.force_login(other_agent)
    page = client.get(reverse("leaderboard:my_points"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Kudos from 李晓婷: Patient heart" in page.content.decode()


def test_nobody_sends_kudos_to_themselves(client, agent):
    client.force_login(agent)
    response = send(client, agent)
    assert response.status_code == 200
    assert not Kudos.objects.exists()


def test_at_most_five_kudos_a_day(client, agent, team):
    colleagues = [make_user(team=team) for _ in range(6)]
    client.force_login(agent)
    for colleague in colleagues[:5]:
        assert send(client, colleague).status_code == 302
    refused = send(client, colleagues[5])
    assert "the most a day" in refused.content.decode()
    assert Kudos.objects.count() == 5


def test_messages_are_at_most_200_characters(client, agent, other_agent):
    client.force_login(agent)
    response = send(client, other_agent, message="好" * 201)
    assert "at most 200 characters" in response.content.decode()
    assert not Kudos.objects.exists()


def test_a_trainer_hides_a_kudos_and_its_points_are_reversed(
    client, agent, other_agent, trainer
):
    client.force_login(agent)
    send(client, other_agent)
    kudos = Kudos.objects.get()
    assert (
        client.post(reverse("leaderboard:kudos_hide", args=[kudos.pk])).status_code
        == 403
    )
    client.force_login(trainer)
    client.post(reverse("leaderboard:kudos_hide", args=[kudos.pk]))
    kudos.refresh_from_db()
    assert kudos.hidden_by == trainer
    assert totals_for(other_agent)["month"] == 0
    client.force_login(agent)
    page = client.get(reverse("leaderboard:kudos"), HTTP_ACCEPT_LANGUAGE="en")
    assert "耐心安抚了一位投诉客户" not in page.content.decode()


def test_recognition_says_never_thanked_not_never_logged_in(client, trainer, team):
    make_user(display_name="没人夸过", team=team)
    client.force_login(trainer)
    page = client.get(
        reverse("leaderboard:recognition"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    table = page.content.decode().split("<tbody>")[1]
    assert "从未收到点赞" in table and "从未登录" not in table


def test_team_leaders_see_who_has_waited_longest_for_recognition(
    client, agent, other_agent, trainer, team
):
    quiet = make_user(username="quiet", display_name="没人夸过", team=team)
    client.force_login(other_agent)
    send(client, agent)
    client.force_login(trainer)
    page = client.get(reverse("leaderboard:recognition"), HTTP_ACCEPT_LANGUAGE="en")
    table = page.content.decode().split("<tbody>")[1]
    assert table.index("没人夸过") < table.index(agent.display_name)
    assert other_agent.display_name not in table  # another team
    client.force_login(quiet)
    assert client.get(reverse("leaderboard:recognition")).status_code == 403
