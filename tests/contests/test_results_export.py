"""The results workbook a manager keeps, and the results page."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contests.engine import lifecycle
from contests.models import Contest, Submission, TieRule, Verdict

BOTH_RIGHT = "确认客户没有其他问题; 致谢并道别"


def answered(entry, position, payload, *, ms, verdict, score=0, bonus=0):
    Submission.objects.create(
        entry=entry,
        round=entry.contest.rounds.get(position=position),
        payload=payload,
        received_at=timezone.now(),
        elapsed_ms=ms,
        score=score,
        bonus=bonus,
        verdict=verdict,
    )


@pytest.fixture
def played(quiz, players):
    """A finished quiz: 选手1 answered all four questions, 选手2 one, 选手3 none."""
    first, second, _third = players
    for n, entry in enumerate(players, start=1):
        entry.user.employee_number = f"E00{n}"
        entry.user.save()
    answered(first, 0, [0], ms=4000, verdict=Verdict.RIGHT, score=900, bonus=0)
    answered(first, 1, [0, 2], ms=6000, verdict=Verdict.RIGHT, score=800, bonus=100)
    answered(first, 2, [1], ms=3000, verdict=Verdict.WRONG)
    answered(first, 3, "95598", ms=11000, verdict=Verdict.RIGHT, score=500)
    answered(second, 0, [1], ms=2500, verdict=Verdict.WRONG)
    type(first).objects.filter(pk=first.pk).update(score=2300, right_count=3)
    lifecycle.start_contest(contest_id=quiz.pk, by=quiz.host)
    lifecycle.end_contest(contest_id=quiz.pk, by=quiz.host)
    quiz.refresh_from_db()
    return quiz


def export(client, quiz, language="en"):
    client.force_login(quiz.host)
    response = client.get(
        reverse("contests:results_export", args=[quiz.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response


def book(response):
    return load_workbook(io.BytesIO(response.content))


def test_the_players_sheet_has_employee_numbers_ranks_and_average_times(client, played):
    players = list(book(export(client, played))["Players"].values)
    assert players[0] == (
        "Employee number",
        "Name",
        "Team",
        "Score",
        "Rank",
        "Correct answers",
        "Average time (s)",
    )
    assert players[1] == ("E001", "选手1", "话务一班", 2300, 1, 3, 6.0)
    assert players[2][:2] == ("E002", "选手2") and players[2][-1] == 2.5
    assert players[3][0] == "E003" and players[3][-1] is None  # sent nothing


def test_every_player_and_question_is_a_row_of_what_they_answered_in_words(
    client, played
):
    rows = list(book(export(client, played))["Player answers"].values)
    assert rows[0] == (
        "Employee number",
        "Name",
        "Team",
        "No.",
        "Question",
        "Answer",
        "Result",
        "Time (s)",
        "Points",
    )
    assert len(rows) == 1 + 3 * 4
    first = [row[3:] for row in rows[1:5]]
    assert first == [
        (1, "停电故障报修拨打哪个号码？", "95598", "Right", 4.0, 900),
        (2, "哪些做法符合通话结束规范？", BOTH_RIGHT, "Right", 6.0, 900),
        (3, "微笑可以通过声音传递给客户。", "False", "Wrong", 3.0, 0),
        (4, "电力服务热线号码是多少？", "95598", "Right", 11.0, 500),
    ]
    third = rows[9:13]
    assert {row[1] for row in third} == {"选手3"}
    assert [row[5:] for row in third] == [(None, "No answer", None, 0)] * 4


def test_true_or_false_is_written_in_the_language_of_the_export(client, played):
    sheets = book(export(client, played, "zh-hans"))
    assert sheets.sheetnames[3] == "选手作答明细"
    true_false = sheets.worksheets[3]["F4"]
    assert true_false.value == "错"


def test_the_distribution_names_each_option_by_its_text(client, played):
    questions = list(book(export(client, played))["Questions"].values)
    assert questions[0][-1] == "Distribution"
    assert questions[1][2] == "95598"  # the right answer
    assert questions[1][-1] == "A. 95598: 1; B. 10086: 1; C. 12345: 0"
    assert questions[3][-1] == "True: 0; False: 1"


def test_the_first_sheet_holds_the_contests_own_details(client, played):
    Contest.objects.filter(pk=played.pk).update(tie_rule=TieRule.FASTER)
    sheets = book(export(client, played))
    assert sheets.sheetnames[0] == "Contest"
    details = {row[0]: row[1] for row in sheets["Contest"].values}
    assert details["Title"] == "业务知识擂台赛"
    assert details["Host"] == played.host.name
    assert details["Date"] == timezone.localdate(played.started_at).isoformat()
    assert details["Seconds per round"] == 20
    assert details["Tie rule"] == "Faster total time wins"
    assert details["Points per question"]
    assert details["Shuffle options per player"] == "Yes"
    assert details["Players"] == 3


def test_columns_are_as_wide_as_what_they_hold(client, played):
    sheet = book(export(client, played))["Player answers"]
    question = sheet.column_dimensions["E"].width
    number = sheet.column_dimensions["D"].width
    assert question > 20 > number


def test_the_file_is_named_after_the_contest_and_its_day(client, played):
    header = export(client, played)["Content-Disposition"]
    day = timezone.localdate(played.started_at).isoformat()
    fallback, real = header.split("; ")[1:]
    assert fallback == f'filename="contest-{played.pk}-{day}.xlsx"'
    assert real.startswith("filename*=UTF-8''")
    name = unquote(real.removeprefix("filename*=UTF-8''"))
    assert name == f"业务知识擂台赛-{day}.xlsx"


def test_an_ascii_title_keeps_its_words_in_the_fallback_name(client, played):
    Contest.objects.filter(pk=played.pk).update(title='Q4 "billing" quiz / 账单')
    header = export(client, played)["Content-Disposition"]
    day = timezone.localdate(played.started_at).isoformat()
    assert f'filename="Q4-billing-quiz-{day}.xlsx"' in header
    assert "filename*=UTF-8''Q4%20billing%20quiz%20%E8%B4%A6%E5%8D%95-" in header


def test_formula_like_text_is_kept_as_text_without_an_apostrophe(client, played):
    Contest.objects.filter(pk=played.pk).update(title="=HYPERLINK(1)")
    user = played.entries.get(user__username="p2").user
    user.display_name = "-1+2"
    user.save()
    response = export(client, played)
    sheets = book(response)
    title = sheets["Contest"]["B2"]
    assert title.value == "=HYPERLINK(1)" and title.data_type == "s"
    name = sheets["Players"]["B3"]
    assert name.value == "-1+2" and name.data_type == "s"
    assert name.quotePrefix  # Excel keeps it text if someone edits the cell
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    for member in archive.namelist():
        if member.startswith("xl/worksheets/"):
            xml = archive.read(member).decode()
            assert "<f>" not in xml and "'=HYPERLINK" not in xml


def test_the_results_page_shows_option_texts_employee_numbers_and_run_again(
    client, played
):
    client.force_login(played.host)
    page = client.get(
        reverse("contests:results", args=[played.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "B. 10086" in page and "C. 12345" in page
    assert "E001" in page
    assert "Run again" in page
    assert reverse("contests:rerun", args=[played.pk]) in page
