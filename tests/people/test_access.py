"""Who may open which page: anonymous → login, agents → 403 on staff pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD

TRAINER_PAGES = ["people:roster"]
MANAGER_PAGES = ["people:teams"]


@pytest.mark.parametrize(
    "name", ["people:home", "people:profile", *TRAINER_PAGES, *MANAGER_PAGES]
)
def test_anonymous_people_are_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('people:login')}?next={reverse(name)}"


def test_agent_cannot_open_trainer_or_manager_pages(client, agent, team):
    client.force_login(agent)
    for name in [*TRAINER_PAGES, *MANAGER_PAGES]:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("people:team_edit", args=[team.pk])).status_code == 403
    assert client.get(reverse("people:staff_edit", args=[agent.pk])).status_code == 403
    response = client.post(reverse("people:notice_create"), {"text": "hi"})
    assert response.status_code == 403


def test_trainer_opens_the_roster_but_not_manager_pages(client, trainer, agent):
    client.force_login(trainer)
    roster = client.get(reverse("people:roster"))
    assert roster.status_code == 200
    assert agent.display_name in roster.content.decode()
    assert client.get(reverse("people:teams")).status_code == 403
    assert client.get(reverse("people:staff_edit", args=[agent.pk])).status_code == 403


def test_agent_logs_in_and_lands_on_their_home(client, agent):
    response = client.post(
        reverse("people:login"), {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:home")
    home = client.get(reverse("people:home"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    page = home.content.decode()
    assert "你好，李晓婷" in page
    assert agent.team.name in page


def test_wrong_password_is_refused_with_a_message(client, agent):
    response = client.post(
        reverse("people:login"),
        {"username": "alice", "password": "nope"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post_and_ends_the_session(client, agent):
    client.force_login(agent)
    assert client.get(reverse("people:logout")).status_code == 405
    response = client.post(reverse("people:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_manager_moves_an_agent_to_another_team(client, manager, agent, other_team):
    client.force_login(manager)
    response = client.post(
        reverse("people:staff_edit", args=[agent.pk]),
        {
            "display_name": agent.display_name,
            "employee_number": agent.employee_number,
            "team": other_team.pk,
            "role": "agent",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.team == other_team


def test_manager_cannot_demote_themselves(client, manager):
    client.force_login(manager)
    client.post(
        reverse("people:staff_edit", args=[manager.pk]),
        {"display_name": "沈经理", "employee_number": "", "role": "agent"},
    )
    manager.refresh_from_db()
    assert manager.role == "manager"
    assert manager.is_active


def test_employee_numbers_are_unique(client, manager, agent, other_agent):
    client.force_login(manager)
    response = client.post(
        reverse("people:staff_edit", args=[other_agent.pk]),
        {
            "display_name": other_agent.display_name,
            "employee_number": agent.employee_number,
            "role": "agent",
            "is_active": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Another colleague has this employee number." in response.content.decode()


def test_manager_creates_a_team(client, manager, team):
    client.force_login(manager)
    response = client.post(
        reverse("people:teams"), {"name": "投诉处理班", "site": team.site.pk}
    )
    assert response.status_code == 302
    assert team.site.teams.filter(name="投诉处理班").exists()
    duplicate = client.post(
        reverse("people:teams"), {"name": "投诉处理班", "site": team.site.pk}
    )
    assert duplicate.status_code == 200
    assert team.site.teams.filter(name="投诉处理班").count() == 1


def forget_failures(*usernames: str, address: str = "127.0.0.1") -> None:
    # Never cache.clear(): with Redis that flushes a database others share.
    cache.delete_many(
        [f"login-failures:user:{name}" for name in usernames]
        + [f"login-failures:ip:{address}"]
    )


def log_in(client, username: str, password: str, **extra):
    return client.post(
        reverse("people:login"),
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def test_logins_pause_after_ten_failures_even_with_the_right_password(
    client, agent, settings
):
    forget_failures("alice")
    for _ in range(settings.LOGIN_FAILURES_ALLOWED):
        log_in(client, "alice", "nope")
    response = log_in(client, "alice", PASSWORD)
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    forget_failures("alice")
    assert log_in(client, "alice", PASSWORD).status_code == 302


TYPOED = [f"agent{n:02d}" for n in range(1, 31)]


def test_ten_typos_on_ten_usernames_do_not_lock_a_shared_address_out(client, agent):
    forget_failures("alice", *TYPOED)
    for username in TYPOED[:10]:  # a floor behind one NAT address
        log_in(client, username, "typo")
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_an_address_pauses_at_its_own_limit_and_a_username_at_its_own(
    client, agent, settings
):
    settings.LOGIN_FAILURES_ALLOWED = 3
    settings.LOGIN_FAILURES_ALLOWED_PER_ADDRESS = 20
    forget_failures("alice", *TYPOED)
    forget_failures(address="10.0.0.9")
    for username in TYPOED[:19]:
        log_in(client, username, "typo")
    assert log_in(client, "alice", PASSWORD).status_code == 302  # 19 < 20
    client.logout()
    log_in(client, TYPOED[19], "typo")
    refused = log_in(client, "alice", PASSWORD)
    assert "Too many failed logins" in refused.content.decode()
    # The username's own limit counts across addresses.
    for _ in range(3):
        log_in(client, "alice", "nope", REMOTE_ADDR="10.0.0.9")
    elsewhere = log_in(client, "alice", PASSWORD, REMOTE_ADDR="10.0.0.10")
    assert "Too many failed logins" in elsewhere.content.decode()
    forget_failures("alice", *TYPOED)
    forget_failures(address="10.0.0.9")


@pytest.mark.parametrize(
    ("language", "ours", "stock"),
    [
        ("en", "Untick to stop this colleague logging in.", "Designates whether"),
        ("zh-hans", "取消勾选后，该同事将无法登录", "指明用户是否被认为是活跃的"),
    ],
)
def test_the_staff_page_explains_logging_in_in_our_words(
    client, manager, agent, language, ours, stock
):
    client.force_login(manager)
    page = client.get(
        reverse("people:staff_edit", args=[agent.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert ours in page and stock not in page
