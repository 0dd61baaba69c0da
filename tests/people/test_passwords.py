"""Changing one's own password, and a manager's temporary password for someone
who forgot theirs (changed by its owner before anything else)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import password_validation
from django.test import AsyncClient, Client
from django.urls import reverse

from people.forms import temporary_password
from people.models import User
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "quiet-harbour-72"
TEMPORARY = "mk7p-x3qa-9rtz"


def log_in(client: Client, username: str, password: str):
    return client.post(
        reverse("people:login"), {"username": username, "password": password}
    )


def change_password(client: Client, current: str, new: str = NEW_PASSWORD, **extra):
    return client.post(
        reverse("people:password_change"),
        {"old_password": current, "new_password1": new, "new_password2": new},
        **extra,
    )


def set_temporary(client: Client, colleague: User, password: str = TEMPORARY):
    return client.post(
        reverse("people:staff_password", args=[colleague.pk]),
        {"password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def signed_in(client: Client) -> bool:
    return client.get(reverse("people:home")).status_code == 200


# Changing one's own password.


def test_the_profile_page_leads_to_the_password_change(client, agent):
    client.force_login(agent)
    profile = client.get(reverse("people:profile"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert reverse("people:password_change") in profile.content.decode()
    page = client.get(reverse("people:password_change"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'class="topbar"' in text  # the site's layout
    assert "修改密码" in text and "当前密码" in text and "再次输入新密码" in text
    english = client.get(reverse("people:password_change"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Current password" in english.content.decode()


def test_an_agent_changes_their_password_and_stays_signed_in(client, agent):
    log_in(client, "alice", PASSWORD)
    response = change_password(client, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:password_change_done")
    done = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "Password changed" in done.content.decode()
    assert signed_in(client)
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
    assert log_in(Client(), "alice", NEW_PASSWORD).status_code == 302


def test_the_other_sessions_are_signed_out_by_the_change(client, agent):
    elsewhere = Client()
    log_in(elsewhere, "alice", PASSWORD)
    log_in(client, "alice", PASSWORD)
    change_password(client, PASSWORD)
    assert signed_in(client)
    assert not signed_in(elsewhere)


def test_a_wrong_current_password_changes_nothing(client, agent):
    client.force_login(agent)
    response = change_password(client, "not-it", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_in_chinese(client, agent):
    client.force_login(agent)
    response = change_password(
        client, PASSWORD, "12345678", HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    assert response.status_code == 200
    assert "你的密码不能全都是数字" in response.content.decode()
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


# A manager's temporary password.


def test_the_staff_page_suggests_a_temporary_password_that_passes_the_rules(
    client, manager, agent
):
    client.force_login(manager)
    page = client.get(
        reverse("people:staff_edit", args=[agent.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page.content.decode()
    assert "Set temporary password" in text
    assert reverse("people:staff_password", args=[agent.pk]) in text
    assert PASSWORD not in text
    suggestion = page.context["password_form"]["password"].value()
    assert suggestion in text
    password_validation.validate_password(suggestion, agent)  # raises if not
    assert temporary_password() != temporary_password()


def test_a_forgetful_agent_gets_a_temporary_password_and_must_change_it(
    client, manager, agent
):
    old_session = Client()
    log_in(old_session, "alice", PASSWORD)
    client.force_login(manager)

    response = set_temporary(client, agent)

    assert response.status_code == 302
    after = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "李晓婷 has a temporary password now" in after.content.decode()
    assert TEMPORARY not in after.content.decode()
    agent.refresh_from_db()
    assert agent.must_change_password
    assert agent.check_password(TEMPORARY)
    assert not signed_in(old_session)  # nobody stays in on the old password

    # The agent logs in with it and is sent to change it, whatever they open.
    agent_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert log_in(agent_client, "alice", TEMPORARY).status_code == 302
    change_page = reverse("people:password_change")
    for name in ["people:home", "people:profile", "leaderboard:board", "contests:join"]:
        response = agent_client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == change_page, name
    htmx = agent_client.get(reverse("people:home"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == change_page
    page = agent_client.get(change_page)
    assert page.status_code == 200
    assert "Your manager gave you a temporary password" in page.content.decode()
    # Switching the language still works.
    switched = agent_client.post(
        reverse("set_language"), {"language": "zh-hans", "next": change_page}
    )
    assert switched["Location"] == change_page

    # They can log out, and back in.
    logged_out = agent_client.post(reverse("people:logout"))
    assert logged_out["Location"] == reverse("people:login")
    assert "_auth_user_id" not in agent_client.session
    log_in(agent_client, "alice", TEMPORARY)

    # They change it, and are free.
    assert change_password(agent_client, TEMPORARY).status_code == 302
    agent.refresh_from_db()
    assert not agent.must_change_password
    assert agent.check_password(NEW_PASSWORD)
    assert agent_client.get(reverse("people:home")).status_code == 200
    assert agent_client.get(reverse("leaderboard:board")).status_code == 200


def test_static_files_are_not_detoured(client, agent):
    agent.must_change_password = True
    agent.save()
    client.force_login(agent)
    response = client.get("/static/css/app.css")
    assert response.get("Location") != reverse("people:password_change")


def test_a_temporary_password_must_pass_the_rules(client, manager, agent):
    client.force_login(manager)
    response = set_temporary(client, agent, "12345678")
    assert response.status_code == 200
    assert "This password is entirely numeric." in response.content.decode()
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)
    assert not agent.must_change_password


@pytest.mark.parametrize("persona", ["agent", "trainer"])
def test_only_managers_set_someone_elses_password(client, db, request, persona):
    someone = make_user(username="erin")
    client.force_login(request.getfixturevalue(persona))
    assert set_temporary(client, someone).status_code == 403
    someone.refresh_from_db()
    assert someone.check_password(PASSWORD)
    assert not someone.must_change_password


def test_a_trainer_can_be_given_a_temporary_password(client, manager, trainer):
    client.force_login(manager)
    assert set_temporary(client, trainer).status_code == 302
    trainer.refresh_from_db()
    assert trainer.must_change_password


@pytest.mark.parametrize(
    "colleague",
    [
        {"role": "manager"},
        {"role": "agent", "is_superuser": True, "is_staff": True},
        {"role": "trainer", "is_staff": True},
    ],
    ids=["another manager", "a superuser", "an admin user"],
)
def test_a_manager_cannot_take_over_a_manager_or_admin_account(
    client, manager, colleague
):
    other = make_user(username="erin", **colleague)
    client.force_login(manager)
    page = client.get(reverse("people:staff_edit", args=[other.pk]))
    assert "password_form" not in page.context or page.context["password_form"] is None
    assert set_temporary(client, other).status_code == 403
    other.refresh_from_db()
    assert other.check_password(PASSWORD)
    assert not other.must_change_password


def test_a_manager_changes_their_own_password_on_their_profile(client, manager):
    client.force_login(manager)
    assert set_temporary(client, manager).status_code == 403
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_detour_holds_on_the_asgi_path_too():
    """daphne serves every page through the async middleware chain."""
    flagged = await sync_to_async(make_user)(
        username="frank", must_change_password=True
    )
    client = AsyncClient()
    await client.aforce_login(flagged)
    home = await client.get(reverse("people:home"))
    assert home.status_code == 302
    assert home["Location"] == reverse("people:password_change")
    assert (await client.get(reverse("people:password_change"))).status_code == 200
    assert (await client.get(reverse("healthz"))).status_code == 200
