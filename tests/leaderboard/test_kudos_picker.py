"""The kudos recipient picker: search by name or employee number, own team
first, at most twenty, and the send still checks who the recipient is."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from leaderboard.models import Kudos
from tests.factories import make_user

KUDOS = reverse("leaderboard:kudos")


def search(client, query, lang="en", htmx=True):
    headers = {"HTTP_ACCEPT_LANGUAGE": lang}
    if htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    return client.get(KUDOS, {"q": query}, **headers).content.decode()


def offered(html):
    """The recipient ids the picker offers, in order."""
    return [int(pk) for pk in re.findall(r'name="receiver" value="(\d+)"', html)]


def test_search_finds_people_by_part_of_their_name(client, agent, other_agent):
    make_user(display_name="王小明")
    client.force_login(agent)
    html = search(client, "佳")
    assert offered(html) == [other_agent.pk]
    assert "王佳怡" in html and "话务二班" in html


def test_search_finds_people_by_their_whole_employee_number(client, agent):
    wanted = make_user(display_name="赵敏", employee_number="A1024")
    make_user(display_name="钱程", employee_number="A1025")
    client.force_login(agent)
    assert offered(search(client, "a1024")) == [wanted.pk]


def test_agents_cannot_guess_employee_numbers_and_are_not_shown_them(
    client, agent, other_agent
):
    other_agent.employee_number = "A1024"
    other_agent.save()
    client.force_login(agent)
    assert offered(search(client, "A10")) == []
    html = search(client, "王佳怡")
    assert offered(html) == [other_agent.pk]
    assert "A1024" not in html


def test_trainers_search_by_part_of_an_employee_number_and_see_it(
    client, trainer, other_agent
):
    other_agent.employee_number = "A1024"
    other_agent.save()
    client.force_login(trainer)
    html = search(client, "A10")
    assert offered(html) == [other_agent.pk]
    assert "A1024" in html


def test_own_team_comes_first(client, other_agent, team, other_team):
    # 王佳怡 is in 话务二班, which sorts after 话务一班 by name.
    stranger = make_user(display_name="阿明 一号", team=team)
    teammate = make_user(display_name="阿明 二号", team=other_team)
    client.force_login(other_agent)
    assert offered(search(client, "阿明")) == [teammate.pk, stranger.pk]
    # The select for browsers without scripts lists the own team first too.
    html = client.get(KUDOS).content.decode()
    options = re.findall(r'<option value="(\d+)"', html)
    assert options.index(str(teammate.pk)) < options.index(str(stranger.pk))


def test_at_most_twenty_people_are_offered(client, agent, team):
    for n in range(25):
        make_user(display_name=f"客服{n:02d}", team=team)
    client.force_login(agent)
    html = search(client, "客服")
    assert len(offered(html)) == 20
    assert "Showing the first 20 matches" in html


def test_nobody_is_offered_themselves_or_an_inactive_colleague(client, agent, team):
    make_user(display_name="李晓婷的前同事", team=team, is_active=False)
    client.force_login(agent)
    html = search(client, "李晓婷")
    assert offered(html) == []
    assert "Nobody matches “李晓婷”" in html


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Nobody matches “没有这个人”"),
        ("zh-hans", "没有找到“没有这个人”"),
    ],
)
def test_no_match_is_said_plainly_in_both_languages(client, agent, lang, text):
    client.force_login(agent)
    assert text in search(client, "没有这个人", lang=lang)


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "Find a colleague"), ("zh-hans", "查找同事")]
)
def test_the_page_has_a_search_box_in_both_languages(client, agent, lang, label):
    client.force_login(agent)
    html = client.get(KUDOS, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert label in html and 'name="q"' in html


def test_what_was_typed_is_shown_as_text_not_markup(client, agent):
    client.force_login(agent)
    html = search(client, "<b>王</b>")
    assert "<b>王</b>" not in html and "&lt;b&gt;王&lt;/b&gt;" in html


def test_the_htmx_answer_is_only_the_picker(client, agent, other_agent):
    client.force_login(agent)
    html = search(client, "王")
    assert html.lstrip().startswith('<div id="recipient-picker"')
    assert "Recent kudos" not in html


def test_without_scripts_the_search_reloads_the_page_with_the_matches(
    client, agent, other_agent
):
    client.force_login(agent)
    html = search(client, "王佳", htmx=False)
    assert offered(html) == [other_agent.pk]
    assert "Recent kudos" in html and 'value="王佳"' in html


def test_a_kudos_to_a_searched_colleague_is_sent(client, agent, other_agent):
    client.force_login(agent)
    [pk] = offered(search(client, "王佳怡"))
    response = client.post(
        KUDOS, {"receiver": pk, "heart": "patient", "message": "耐心安抚了客户"}
    )
    assert response.status_code == 302
    assert Kudos.objects.get().receiver == other_agent


@pytest.mark.parametrize("forged", ["self", "inactive", "missing"])
def test_a_forged_recipient_is_refused(client, agent, team, forged):
    target = {
        "self": lambda: agent.pk,
        "inactive": lambda: make_user(team=team, is_active=False).pk,
        "missing": lambda: 999999,
    }[forged]()
    client.force_login(agent)
    response = client.post(
        KUDOS,
        {"receiver": target, "heart": "patient", "message": "耐心安抚了客户"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Kudos.objects.exists()
