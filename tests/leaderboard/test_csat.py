"""CSAT import: every bad row reported and nothing imported, the sample-size
rule, and a re-imported month that replaces its points instead of adding."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from leaderboard import csat, ledger, rankings
from leaderboard.csat import (
    CsatClash,
    CsatRejected,
    adjusted_rate,
    import_csat,
    read_csat,
    score,
)
from leaderboard.csat_sheets import MAX_ROWS, parse_period
from leaderboard.models import CsatImport, PointEntry, PointTotal
from leaderboard.reasons import reason
from tests.factories import make_user
from uploads.spreadsheets import UnreadableFile

NOVEMBER = date(2026, 11, 20)  # "today" for the pure reading tests
OCTOBER = date(2026, 10, 1)
HEADER = "工号,姓名,周期,评价数,满意数"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def xlsx_file(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems_by_row(reading) -> dict[int, str]:
    return {p.row: " ".join(p.reasons) for p in reading.problems}


def month_total(person, month=OCTOBER) -> int:
    row = PointTotal.objects.filter(period="month", starts_on=month, person=person)
    return row.values_list("points", flat=True).first() or 0


def run_import(data: bytes, by, name="csat.csv") -> CsatImport:
    return import_csat(reading=read_csat(data), file_name=name, uploaded_by=by)


# Scoring: pure functions ----------------------------------------------------

rates = st.fractions(min_value=0, max_value=1)
counts = st.integers(min_value=1, max_value=100_000)
weights = st.integers(min_value=0, max_value=500)


@given(rated=counts, data=st.data(), center=rates, weight=weights)
def test_the_adjusted_rate_lies_between_the_raw_rate_and_the_center(
    rated, data, center, weight
):
    satisfied = data.draw(st.integers(0, rated))
    raw = Fraction(satisfied, rated)
    adjusted = adjusted_rate(
        satisfied=satisfied, rated=rated, center=center, prior_weight=weight
    )
    assert min(raw, center) <= adjusted <= max(raw, center)


@given(
    rated=st.integers(1, 1000),
    data=st.data(),
    times=st.integers(2, 50),
    center=rates,
    weight=st.integers(1, 500),
)
def test_more_ratings_at_the_same_rate_move_it_closer_to_the_raw_rate(
    rated, data, times, center, weight
):
    satisfied = data.draw(st.integers(0, rated))
    raw = Fraction(satisfied, rated)
    assume(raw != center)
    few = adjusted_rate(
        satisfied=satisfied, rated=rated, center=center, prior_weight=weight
    )
    many = adjusted_rate(
        satisfied=satisfied * times,
        rated=rated * times,
        center=center,
        prior_weight=weight,
    )
    assert abs(many - raw) < abs(few - raw)


@given(minimum=st.integers(1, 200), data=st.data(), center=rates, weight=weights)
def test_under_the_minimum_there_are_no_points(minimum, data, center, weight):
    rated = data.draw(st.integers(0, minimum - 1))
    satisfied = data.draw(st.integers(0, rated))
    scored = score(
        satisfied=satisfied,
        rated=rated,
        center=center,
        min_ratings=minimum,
        prior_weight=weight,
    )
    assert not scored.counted and scored.units == 0


@given(
    rated=st.integers(0, 100_000),
    data=st.data(),
    center=rates,
    weight=weights,
    rule_weight=st.decimals(0, 1000, places=2),
)
def test_points_are_never_negative(rated, data, center, weight, rule_weight):
    satisfied = data.draw(st.integers(0, rated))
    scored = score(
        satisfied=satisfied,
        rated=rated,
        center=center,
        min_ratings=0,
        prior_weight=weight,
    )
    points = (csat.as_decimal(scored.units) * rule_weight).quantize(0, ROUND_HALF_UP)
    assert scored.units >= 0 and points >= 0


def test_fifty_ratings_are_pulled_half_way_and_five_hundred_barely():
    center = Fraction(86, 100)
    fifty = adjusted_rate(satisfied=50, rated=50, center=center, prior_weight=50)
    five_hundred = adjusted_rate(
        satisfied=500, rated=500, center=center, prior_weight=50
    )
    assert fifty == Fraction(93, 100)  # half-way from 100% to 86%
    assert five_hundred > Fraction(98, 100)


# Reading the file -------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_row_number_and_reason():
    reading = read_csat(
        csv_file(
            "E1,李晓婷,2026-10,120,110",  # row 2: fine
            ",无工号,2026-10,10,5",  # 3
            "E3,,十月,10,5",  # 4
            "E4,,2026-12,10,5",  # 5: not started on NOVEMBER
            "E5,,2026-10,十,-2",  # 6
            "E6,,2026-10,10,12",  # 7
            "E7,,2026-10,10.5,",  # 8
            "E1,李晓婷,2026-10,30,30",  # 9: E1 again
            "E9,,2026-09,40,30",  # 10: another month
        ),
        today=NOVEMBER,
    )
    problems = problems_by_row(reading)
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert "employee number is empty" in problems[3]
    assert "“十月” is not a month" in problems[4]
    assert "2026-12 has not started" in problems[5]
    assert "Rated calls “十” is not a whole number" in problems[6]
    assert "Satisfied calls cannot be negative" in problems[6]
    assert "More satisfied calls (12) than rated calls (10)" in problems[7]
    assert "“10.5” is not a whole number" in problems[8]
    assert "Satisfied calls is empty" in problems[8]
    assert "E1 is also in row 9" in problems[2]
    assert "E1 is also in row 2" in problems[9]
    assert "for 2026-09 but the file is for 2026-10" in problems[10]
    assert reading.period == OCTOBER and reading.rows == []


def test_english_headers_in_any_order_under_a_title_and_excel_cells():
    data = xlsx_file(
        [
            ["October satisfaction"],
            ["Satisfied calls", "Employee number", "Rated", "Month", "Name", "Note"],
            [171.0, 10023, 186.0, datetime(2026, 10, 1), "李晓婷", "x"],
            [12, "00024", 12, "2026年10月", "王佳怡", None],
        ]
    )
    reading = read_csat(data, today=NOVEMBER)
    assert reading.problems == []
    assert reading.period == OCTOBER and reading.ignored_columns == ["Note"]
    assert [(r.row, r.employee_number, r.rated, r.satisfied) for r in reading.rows] == [
        (3, "10023", 186, 171),
        (4, "00024", 12, 12),
    ]


@pytest.mark.parametrize(
    "cell",
    ["2026-10", "2026/10", "2026年10月", "2026.10", "202610", "2026-10-31",
     "2026/10/1 0:00", "Oct-26", "October 2026", datetime(2026, 10, 17)],
)  # fmt: skip
def test_a_period_names_its_month_in_the_ways_people_write_it(cell):
    assert parse_period(cell) == OCTOBER


@pytest.mark.parametrize("cell", ["2026-13", "10/2026", "Q4 2026", "1999-10"])
def test_a_period_that_is_not_a_month_is_refused(cell):
    assert parse_period(cell) is None


def test_a_gb18030_csv_from_chinese_excel_reads():
    data = csv_file("E1,李晓婷,2026/10,100,90").decode().encode("gb18030")
    assert read_csat(data, today=NOVEMBER).rows[0].rated == 100


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a spreadsheet"),
        (b"PK\x03\x04 not really a zip", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old .xls"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
        (csv_file("E1,2026-10,1,1", header="工号,周期,评价数"), "Missing: 满意数"),
        (csv_file(), "no results"),
        (csv_file(*["E1,,2026-10,1,1"] * (MAX_ROWS + 1)), "more than 10000 rows"),
    ],
    ids=["empty", "png", "bad-zip", "xls", "too-big", "no-header", "no-rows", "long"],
)
def test_a_file_that_cannot_be_used_says_why(data, message):
    with pytest.raises(UnreadableFile, match=message):
        read_csat(data, today=NOVEMBER)


# Importing --------------------------------------------------------------------


@pytest.fixture
def staff(db, team):
    return {
        number: make_user(employee_number=number, team=team)
        for number in ("A1", "B2", "C3", "D4")
    }


def test_an_unknown_or_inactive_person_is_a_bad_row_and_nothing_is_imported(
    staff, manager
):
    staff["D4"].is_active = False
    staff["D4"].save()
    data = csv_file(
        "A1,,2026-10,100,95", "D4,,2026-10,100,95", "Z9,,2026-10,abc,1", "B2,,,1,1"
    )
    with pytest.raises(CsatRejected) as rejected:
        run_import(data, manager)
    problems = {p.row: " ".join(p.reasons) for p in rejected.value.problems}
    assert sorted(problems) == [3, 4, 5]
    assert "No active staff member has the employee number “D4”" in problems[3]
    assert "“Z9”" in problems[4] and "“abc” is not a whole number" in problems[4]
    assert "period is empty" in problems[5]
    assert not CsatImport.objects.exists() and not PointEntry.objects.exists()


def test_points_follow_the_sample_size_rule(staff, manager):
    batch = run_import(
        csv_file(
            "A1,,2026-10,200,190",  # 95% raw
            "B2,,2026-10,10,10",  # 100% raw but under the minimum of 20
            "C3,,2026-10,100,70",  # 70%: below 80% after adjusting
            "D4,,2026-10,20,20",  # exactly the minimum: counts
        ),
        manager,
    )
    center = Fraction(290, 330)
    adjusted = (190 + 50 * center) / (200 + 50)
    expected = int(
        (csat.as_decimal((adjusted - Fraction(4, 5)) * 100) * 10).quantize(
            Decimal(1), ROUND_HALF_UP
        )
    )
    results = {r.person.employee_number: r for r in batch.results.all()}
    assert batch.center == csat.as_decimal(center) and batch.row_count == 4
    assert results["A1"].points == expected > 0 and month_total(staff["A1"]) == expected
    assert results["B2"].below_minimum and results["B2"].entry is None
    assert results["C3"].points == 0 and results["C3"].entry is None
    assert month_total(staff["B2"]) == month_total(staff["C3"]) == 0
    assert not results["D4"].below_minimum and results["D4"].points > 0

    entry = results["A1"].entry
    assert entry.reference == f"csat:2026-10:{batch.pk}"
    assert entry.occurred_at == timezone.make_aware(datetime(2026, 10, 31, 12))
    assert entry.detail["rated"] == 200 and entry.detail["period"] == "2026-10"
    assert reason(entry).startswith("Customer satisfaction 2026-10: 190 of 200")


def test_a_months_satisfaction_counts_in_the_month_and_all_time_not_a_week(
    staff, manager, team
):
    # October's last day is a Saturday: its week also holds this quiz.
    last_day = date(2026, 10, 31)
    quiz_at = timezone.make_aware(datetime(2026, 10, 30, 15))
    ledger.award(
        person=staff["B2"],
        source="quiz",
        reference="quiz:1",
        units=30,
        detail={"title": "擂台赛", "rank": 1, "players": 2, "score": 3000},
        occurred_at=quiz_at,
    )
    data = csv_file("A1,,2026-10,200,190", "B2,,2026-10,300,290")
    run_import(data, manager)
    run_import(data, manager)  # a re-import reverses and replaces: same rule
    csat_points = month_total(staff["A1"])
    assert csat_points > 100
    assert rankings.totals_for(staff["A1"], day=last_day) == {
        "week": 0,
        "month": csat_points,
        "all": csat_points,
    }
    b2 = rankings.totals_for(staff["B2"], day=last_day)
    assert b2["week"] == 30 and b2["month"] == b2["all"] > 30
    movers = rankings.movers(day=last_day)
    assert [row.person_id for row in movers] == [staff["B2"].pk]
    assert movers[0].points == 30 and movers[0].movement == 0  # nothing today
    week = rankings.team_ranking("week", day=last_day)
    assert [(row.team_id, row.points) for row in week] == [(team.pk, 30)]


@pytest.mark.parametrize("minimum", [5, 20])
def test_the_minimum_comes_from_the_settings(staff, manager, settings, minimum):
    settings.CSAT_MIN_RATINGS = minimum
    batch = run_import(csv_file("A1,,2026-10,100,80", "B2,,2026-10,10,10"), manager)
    b2 = batch.results.get(person=staff["B2"])
    assert batch.min_ratings == minimum
    assert (b2.points > 0) is (minimum == 5) and b2.below_minimum is (minimum == 20)


def test_importing_the_same_month_twice_counts_it_once(staff, manager):
    data = csv_file("A1,,2026-10,200,190", "B2,,2026-10,300,290")
    first = run_import(data, manager)
    once = {number: month_total(staff[number]) for number in ("A1", "B2")}
    second = run_import(data, manager)
    assert {n: month_total(staff[n]) for n in ("A1", "B2")} == once
    assert once["A1"] > 0 and once["B2"] > 0
    assert second.replaces == first and not first.is_current and second.is_current
    assert list(CsatImport.objects.current()) == [second]
    reversals = PointEntry.objects.filter(reverses__isnull=False)
    assert sorted(r.points for r in reversals) == sorted(-p for p in once.values())
    assert all("a newer satisfaction file replaced" in reason(r) for r in reversals)


def test_a_changed_file_replaces_the_months_numbers(staff, manager):
    september = run_import(csv_file("A1,,2026-09,100,99"), manager)
    september_points = month_total(staff["A1"], date(2026, 9, 1))
    run_import(csv_file("A1,,2026-10,200,190", "B2,,2026-10,300,290"), manager)
    changed = run_import(csv_file("A1,,2026-10,200,120", "C3,,2026-10,100,99"), manager)
    results = {r.person.employee_number: r for r in changed.results.all()}
    assert month_total(staff["A1"]) == results["A1"].points == 0
    assert month_total(staff["B2"]) == 0  # not in the new file
    assert month_total(staff["C3"]) == results["C3"].points > 0
    # Another month is left alone.
    assert september.is_current
    assert month_total(staff["A1"], date(2026, 9, 1)) == september_points > 0


def test_an_import_racing_another_for_the_same_month_writes_nothing(
    staff, manager, monkeypatch
):
    run_import(csv_file("A1,,2026-10,200,190"), manager)
    reading = read_csat(csv_file("A1,,2026-10,200,100"))
    # As if the first import committed after this one looked for it.
    monkeypatch.setattr(
        type(CsatImport.objects.all()), "current", lambda self: self.none()
    )
    with pytest.raises(CsatClash):
        import_csat(reading=reading, file_name="late.csv", uploaded_by=manager)
    assert CsatImport.objects.count() == 1 and PointEntry.objects.count() == 1


# The pages --------------------------------------------------------------------


def test_only_managers_open_the_csat_pages(client, agent, trainer, manager):
    batch = CsatImport.objects.create(
        period=OCTOBER,
        uploaded_by=manager,
        file_name="f.csv",
        row_count=0,
        rated_total=0,
        satisfied_total=0,
        center=0,
        min_ratings=20,
        prior_weight=50,
    )
    urls = [
        reverse("leaderboard:csat"),
        reverse("leaderboard:csat_template"),
        reverse("leaderboard:csat_detail", args=[batch.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    for person in (agent, trainer):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 403
        upload = io.BytesIO(csv_file("A1,,2026-10,1,1"))
        upload.name = "x.csv"
        assert client.post(urls[0], {"file": upload}).status_code == 403
    client.force_login(manager)
    assert all(client.get(url).status_code == 200 for url in urls)


def upload(client, data: bytes, name: str, **headers):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("leaderboard:csat"), {"file": file}, **headers)


def test_a_manager_imports_a_workbook_and_reads_who_earned_points(
    client, staff, manager
):
    client.force_login(manager)
    data = xlsx_file(
        [
            ["工号", "姓名", "周期", "评价数", "满意数"],
            ["A1", "甲", "2026-10", 200, 190],
            ["B2", "乙", "2026-10", 8, 8],
        ]
    )
    response = upload(client, data, "十月满意度.xlsx")
    batch = CsatImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("leaderboard:csat_detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "十月满意度.xlsx" in page and "under the minimum" in page
    assert str(batch.results.get(person=staff["A1"]).points) in page
    listing = client.get(reverse("leaderboard:csat")).content.decode()
    assert "2026-10" in listing and "十月满意度.xlsx" in listing


def test_bad_rows_are_listed_on_the_page_and_nothing_is_imported(
    client, staff, manager
):
    client.force_login(manager)
    data = csv_file("A1,,2026-10,100,90", "B2,,2026-10,10,20")
    response = upload(client, data, "bad.csv", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page  # the partial
    assert "Row 3" in page and "More satisfied calls (20)" in page
    assert not CsatImport.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_gets_an_error_next_to_the_field(
    client, manager
):
    client.force_login(manager)
    response = upload(client, b"%PDF-1.4\n\x00\x01\x02binary", "report.pdf")
    assert response.status_code == 200
    assert "“report.pdf” is not an Excel or CSV file" in response.content.decode()
    assert response.context["form"].errors["file"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "满意度.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "“满意度.pdf” is not an Excel or CSV",
        ),
        ("满意度.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a spreadsheet"),
        ("说明.txt", "十月满意度说明\n请按模板填写\n".encode(), "not a spreadsheet"),
    ],
    ids=["pdf", "pdf-named-csv", "prose"],
)
def test_a_file_that_is_not_excel_or_csv_is_not_reported_as_missing_columns(
    client, manager, name, data, message
):
    client.force_login(manager)
    response = upload(client, data, name)
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors and "Missing" not in errors
    assert not CsatImport.objects.exists()


def test_an_htmx_upload_that_imports_goes_to_the_results(client, staff, manager):
    client.force_login(manager)
    response = upload(client, csv_file("A1,,2026-10,100,90"), "ok.csv",
                      HTTP_HX_REQUEST="true")  # fmt: skip
    batch = CsatImport.objects.get()
    assert response["HX-Redirect"] == reverse(
        "leaderboard:csat_detail", args=[batch.pk]
    )


def test_the_template_has_instructions_in_both_languages_and_imports_once_filled(
    client, staff, manager
):
    client.force_login(manager)
    response = client.get(reverse("leaderboard:csat_template"))
    book = load_workbook(io.BytesIO(response.content))
    instructions = " ".join(
        str(cell) for row in book.worksheets[1].values for cell in row if cell
    )
    assert "每人一行" in instructions and "One row per person" in instructions
    book.worksheets[0].append(["A1", "甲", "2026-10", 100, 90])
    filled = io.BytesIO()
    book.save(filled)
    reading = read_csat(filled.getvalue())
    assert reading.problems == [] and reading.rows[0].employee_number == "A1"
