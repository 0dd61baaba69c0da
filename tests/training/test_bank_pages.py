"""The trainer's question bank pages: who gets in, and building questions by form."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from training.admin import QuestionAdminForm
from training.models import Bank, Category, Question
from training.spreadsheets import read_questions


@pytest.fixture
def category(bank):
    return Category.objects.create(bank=bank, name="话费")


@pytest.fixture
def question(bank, category):
    return Question.objects.create(
        bank=bank,
        category=category,
        kind="single",
        prompt="客户查询话费，先做什么？",
        options=["核实身份", "推荐套餐"],
        correct=[0],
        explanation="先核实身份。",
    )


def get(client, name, *args, **params):
    return client.get(reverse(name, args=args), params, HTTP_ACCEPT_LANGUAGE="en")


def post(client, name, *args, data=None, **headers):
    return client.post(
        reverse(name, args=args), data or {}, HTTP_ACCEPT_LANGUAGE="en", **headers
    )


def section(html: str, element_id: str) -> str:
    """The markup of the element with this id, up to its closing tag."""
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)
    return html[start : html.index(f"</{name}>", start)]


def field_block(html: str, name: str) -> str:
    """The partials/field.html block of the form field ``name``."""
    at = html.index(f'id="id_{name}"')
    return html[html.rfind('<div class="field', 0, at) : html.index("</div>", at)]


def all_pages(bank, category, question):
    return [
        ("training:bank_list", ()),
        ("training:bank_template", ()),
        ("training:bank_detail", (bank.pk,)),
        ("training:bank_export", (bank.pk,)),
        ("training:bank_import", (bank.pk,)),
        ("training:question_create", (bank.pk,)),
        ("training:question_edit", (question.pk,)),
        ("training:question_preview", (question.pk,)),
        ("training:question_delete", (question.pk,)),
    ]


def test_anonymous_people_are_sent_to_login(client, bank, category, question):
    for name, args in all_pages(bank, category, question):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("people:login")), name


def test_agents_get_403_everywhere_including_export_and_import(
    client, agent, bank, category, question
):
    client.force_login(agent)
    for name, args in all_pages(bank, category, question):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    upload = SimpleUploadedFile("q.csv", "分类,题型,题目,答案\nc,判断,x,对\n".encode())
    response = post(client, "training:bank_import", bank.pk, data={"file": upload})
    assert response.status_code == 403
    assert post(client, "training:question_delete", question.pk).status_code == 403
    response = post(client, "training:category_add", bank.pk, data={"name": "x"})
    assert response.status_code == 403
    assert post(client, "training:category_delete", category.pk).status_code == 403
    assert Question.objects.count() == 1 and Category.objects.count() == 1


def test_every_trainer_and_manager_sees_every_bank_with_its_counts(
    client, manager, bank, question
):
    client.force_login(manager)
    page = get(client, "training:bank_list").content.decode()
    row = page[page.index(bank.name) :]
    assert re.search(r'class="num">1</td>\s*<td class="num">1</td>', row)
    for name, args in all_pages(bank, question.category, question):
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_a_trainer_creates_a_bank_and_an_empty_name_is_refused_by_the_field(
    client, trainer
):
    client.force_login(trainer)
    htmx = {"HTTP_HX_REQUEST": "true"}
    refused = post(client, "training:bank_list", data={"name": " "}, **htmx)
    assert "This field is required." in field_block(refused.content.decode(), "name")
    data = {"name": "服务规范", "description": "十心服务"}
    created = post(client, "training:bank_list", data=data, **htmx)
    bank = Bank.objects.get(name="服务规范")
    assert created["HX-Redirect"] == bank.get_absolute_url()
    assert bank.created_by == trainer
    again = post(client, "training:bank_list", data=data, **htmx)
    assert "There is already a bank with this name." in field_block(
        again.content.decode(), "name"
    )


def form_data(in_category, **overrides):
    data = {
        "kind": "single",
        "category": in_category.pk,
        "new_category": "",
        "prompt": "题目",
        "explanation": "",
        "language": "zh-hans",
        "accepted": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("fields", "options", "correct"),
    [
        (
            {"kind": "single", "option_a": "甲", "option_b": "乙", "correct": "B"},
            ["甲", "乙"],
            [1],
        ),
        (
            {
                "kind": "multiple",
                **{f"option_{x}": x.upper() * 2 for x in "abcdef"},
                "correct": ["A", "C", "F"],
            },
            ["AA", "BB", "CC", "DD", "EE", "FF"],
            [0, 2, 5],
        ),
        # Options typed before switching the kind are hidden, and ignored.
        ({"kind": "true_false", "truth": "false", "option_a": "甲"}, [], [1]),
        (
            {"kind": "text", "accepted": " 95598 \n\n九五五九八\n"},
            [],
            ["95598", "九五五九八"],
        ),
    ],
    ids=["single", "multiple", "true_false", "text"],
)
def test_a_trainer_adds_each_kind_of_question_with_the_one_form(
    client, trainer, bank, category, fields, options, correct
):
    client.force_login(trainer)
    data = form_data(category, prompt="新题", explanation="解析", **fields)
    response = post(client, "training:question_create", bank.pk, data=data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get(prompt="新题")
    assert (question.kind, question.options, question.correct) == (
        fields["kind"],
        options,
        correct,
    )
    assert (question.category, question.explanation) == (category, "解析")


@pytest.mark.parametrize(
    ("fields", "element", "message"),
    [
        (
            {
                "kind": "single",
                "option_a": "甲",
                "option_b": "乙",
                "correct": ["A", "B"],
            },
            "options-part",
            "A single-choice question has exactly one correct option.",
        ),
        (
            {"kind": "multiple", "option_a": "甲", "correct": ["A"]},
            "options-part",
            "A choice question needs 2 to 6 options, none of them empty.",
        ),
        (
            {"kind": "single", "option_a": "甲", "option_b": "乙", "correct": ["D"]},
            "options-part",
            "Option D is marked correct but has no text.",
        ),
        (
            {"kind": "true_false"},
            "truth-part",
            "Say whether the statement is true or false.",
        ),
        (
            {"kind": "text", "accepted": "  "},
            "accepted-part",
            "Give at least one accepted answer.",
        ),
        (
            {"kind": "text", "accepted": "a|b"},
            "accepted-part",
            "An answer cannot contain",
        ),
    ],
    ids=[
        "single-two-correct",
        "too-few-options",
        "empty-correct",
        "truth",
        "text",
        "pipe",
    ],
)
def test_a_wrong_answer_shape_is_shown_beside_its_part_of_the_form(
    client, trainer, bank, category, fields, element, message
):
    client.force_login(trainer)
    response = post(
        client, "training:question_create", bank.pk, data=form_data(category, **fields)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in section(html, element)
    assert html.count(message) == 1
    assert not Question.objects.exists()


def test_a_question_needs_a_category_and_can_bring_a_new_one(
    client, trainer, bank, category
):
    client.force_login(trainer)
    data = form_data(category, category="", kind="true_false", truth="true")
    refused = post(client, "training:question_create", bank.pk, data=data)
    assert "Choose a category or name a new one." in field_block(
        refused.content.decode(), "category"
    )
    # A typed new category wins over the one preselected in the list.
    data.update(category=category.pk, new_category="服务规范")
    assert (
        post(client, "training:question_create", bank.pk, data=data).status_code == 302
    )
    assert Question.objects.get().category.name == "服务规范"


def test_a_category_of_another_bank_cannot_be_chosen(client, trainer, bank, category):
    other = Category.objects.create(
        bank=Bank.objects.create(name="其他", created_by=trainer), name="别的"
    )
    client.force_login(trainer)
    data = form_data(other, kind="true_false", truth="true")
    response = post(client, "training:question_create", bank.pk, data=data)
    assert "Select a valid choice" in field_block(response.content.decode(), "category")


def test_editing_shows_the_answer_and_can_change_the_kind(client, trainer, question):
    client.force_login(trainer)
    page = get(client, "training:question_edit", question.pk).content.decode()
    assert 'value="核实身份"' in page
    assert re.search(r'name="correct" value="A" checked', page)
    assert "Multiple choice is all or nothing" in field_block(page, "kind")
    data = form_data(
        question.category, kind="text", prompt="热线号码？", accepted="95598"
    )
    response = post(client, "training:question_edit", question.pk, data=data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.kind, question.options, question.correct) == (
        "text",
        [],
        ["95598"],
    )


def test_an_uploaded_picture_is_re_encoded_and_can_be_removed(
    client, trainer, question
):
    client.force_login(trainer)
    data = form_data(question.category, option_a="甲", option_b="乙", correct="A")
    data["image"] = SimpleUploadedFile("photo.png", png_bytes((2000, 1000)))
    assert (
        post(client, "training:question_edit", question.pk, data=data).status_code
        == 302
    )
    question.refresh_from_db()
    with Image.open(question.image.path) as stored:
        assert (stored.format, stored.size) == ("WEBP", (1024, 512))
    preview = get(client, "training:question_preview", question.pk).content.decode()
    assert question.image.url in preview

    data = form_data(question.category, option_a="甲", option_b="乙", correct="A")
    data["image"] = SimpleUploadedFile("notes.png", b"<svg onload=alert(1)>")
    refused = post(client, "training:question_edit", question.pk, data=data)
    assert "Please upload a JPEG, PNG, WebP or GIF image." in field_block(
        refused.content.decode(), "image"
    )
    data = form_data(
        question.category, option_a="甲", option_b="乙", correct="A", remove_image="on"
    )
    post(client, "training:question_edit", question.pk, data=data)
    question.refresh_from_db()
    assert not question.image


def test_the_admin_re_encodes_question_pictures_too(bank, category):
    data = {
        "bank": bank.pk,
        "category": category.pk,
        "kind": "true_false",
        "prompt": "看图",
        "options": "[]",
        "correct": "[0]",
        "language": "zh-hans",
    }
    files = {"image": SimpleUploadedFile("big.jpg", png_bytes((3000, 1500), "JPEG"))}
    form = QuestionAdminForm(data, files)
    assert form.is_valid(), form.errors
    question = form.save()
    with Image.open(question.image.path) as stored:
        assert (stored.format, stored.size) == ("WEBP", (1024, 512))


def test_the_preview_shows_the_player_view_then_the_answer(
    client, trainer, bank, category
):
    question = Question.objects.create(
        bank=bank,
        category=category,
        kind="multiple",
        prompt="哪些做法能安抚客户？",
        options=["倾听", "争辩", "复述"],
        correct=[0, 2],
        explanation="倾听与复述。",
    )
    client.force_login(trainer)
    html = get(client, "training:question_preview", question.pk).content.decode()
    player, key = html.split('class="answer-key"')
    assert re.search(r"<strong>C</strong>\s*复述", player)
    assert "倾听与复述" not in player and "A,C" not in player
    assert "A,C" in key and "倾听与复述。" in key and "All or nothing" in key


def test_deleting_a_question_asks_first(client, trainer, question):
    client.force_login(trainer)
    confirm = get(client, "training:question_delete", question.pk)
    assert question.prompt in confirm.content.decode()
    assert Question.objects.exists()
    response = post(client, "training:question_delete", question.pk)
    assert response["Location"] == question.bank.get_absolute_url()
    assert not Question.objects.exists()


def test_the_bank_page_filters_by_category_and_kind_with_counts(
    client, trainer, bank, category, question
):
    other = Category.objects.create(bank=bank, name="情绪安抚")
    Question.objects.create(
        bank=bank, category=other, kind="true_false", prompt="要微笑", correct=[0]
    )
    Question.objects.create(
        bank=bank, category=other, kind="text", prompt="热线号码", correct=["95598"]
    )
    client.force_login(trainer)
    page = get(client, "training:bank_detail", bank.pk).content.decode()
    assert "情绪安抚 (2)" in page and "话费 (1)" in page
    partial = get(
        client, "training:bank_detail", bank.pk, category=other.pk, kind="text"
    )
    html = partial.content.decode()
    assert "热线号码" in html and "要微笑" not in html and question.prompt not in html
    htmx = client.get(
        reverse("training:bank_detail", args=[bank.pk]),
        {"category": other.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="question-list",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "<html" not in htmx and "2 questions shown." in htmx
    assert (
        "True or false (1)"
        in get(
            client, "training:bank_detail", bank.pk, category=other.pk
        ).content.decode()
    )


def test_categories_are_added_renamed_and_deleted_only_when_empty(
    client, trainer, bank, category, question
):
    client.force_login(trainer)
    htmx = {"HTTP_HX_REQUEST": "true"}
    post(client, "training:category_add", bank.pk, data={"name": "投诉处理"}, **htmx)
    empty = Category.objects.get(name="投诉处理")
    duplicate = post(
        client, "training:category_add", bank.pk, data={"name": "话费"}, **htmx
    )
    assert "This bank already has that category." in field_block(
        duplicate.content.decode(), "name"
    )

    post(
        client,
        "training:category_rename",
        category.pk,
        data={"name": "话费查询"},
        **htmx,
    )
    category.refresh_from_db()
    assert category.name == "话费查询"

    refused = post(
        client, "training:category_delete", category.pk, **htmx
    ).content.decode()
    assert "“话费查询” still has 1 question. Move or delete it first." in section(
        refused, f"category-{category.pk}"
    )
    assert Category.objects.filter(pk=category.pk).exists()
    post(client, "training:category_delete", empty.pk, **htmx)
    assert not Category.objects.filter(pk=empty.pk).exists()


def csv_upload(text: str, encoding="utf-8", name="题库.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_an_import_with_bad_rows_lists_every_one_and_imports_nothing(
    client, trainer, bank
):
    client.force_login(trainer)
    text = (
        "分类,题型,题目,选项A,选项B,答案\n"
        "新分类,单选,好的一题,甲,乙,A\n"
        "新分类,单选,坏的一题,甲,乙,E\n"
        ",,,,,\n"
        "新分类,猜谜,也坏,,,对\n"
    )
    response = post(
        client, "training:bank_import", bank.pk, data={"file": csv_upload(text)}
    )
    assert response.status_code == 200
    problems = section(response.content.decode(), "import-problems")
    assert "Nothing was imported: 2 rows have problems." in problems
    assert re.search(
        r"Row 3</td><td>The answer names option E, which is empty.", problems
    )
    assert re.search(r"Row 5</td><td>The kind “猜谜” is not one we know", problems)
    assert not bank.questions.exists() and not bank.categories.exists()


def test_a_gb18030_csv_imports_and_says_what_it_added(client, trainer, bank, category):
    client.force_login(trainer)
    text = (
        "题目,答案,题型,分类,备注\n"
        "微笑能被听见,对,判断,服务规范,第一题\n"
        "话费怎么查,10086,填空,话费,\n"
    )
    response = post(
        client,
        "training:bank_import",
        bank.pk,
        data={"file": csv_upload(text, "gb18030")},
    )
    assert response.status_code == 302
    note = client.get(response["Location"]).content.decode()
    assert "Imported 2 questions." in note
    assert "1 new category: 服务规范." in note
    assert "Columns not recognised and skipped: 备注." in note
    assert sorted(bank.questions.values_list("prompt", flat=True)) == [
        "微笑能被听见",
        "话费怎么查",
    ]


def test_a_file_that_is_not_a_spreadsheet_is_refused_beside_the_upload(
    client, trainer, bank
):
    client.force_login(trainer)
    upload = SimpleUploadedFile("photo.xlsx", png_bytes((10, 10)))
    response = post(client, "training:bank_import", bank.pk, data={"file": upload})
    assert response.status_code == 200
    assert "This file is not a spreadsheet we can read." in field_block(
        response.content.decode(), "file"
    )
    big = SimpleUploadedFile("big.csv", b"a" * (5 * 1024 * 1024 + 1))
    response = post(client, "training:bank_import", bank.pk, data={"file": big})
    assert "larger than 5 MB" in field_block(response.content.decode(), "file")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "会议纪要.docx",
            b"PK\x03\x04 a Word file",
            "“会议纪要.docx” is not an Excel or CSV file",
        ),
        (
            "通知.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "is not an Excel or CSV file",
        ),
        ("questions.csv", b"<html><body>saved page</body></html>", "not a spreadsheet"),
        ("notes.txt", "明天开会\n记得带工牌\n".encode(), "not a spreadsheet"),
    ],
    ids=["docx", "pdf", "html-as-csv", "prose"],
)
def test_a_file_that_is_not_excel_or_csv_is_not_reported_as_missing_columns(
    client, trainer, bank, name, data, message
):
    client.force_login(trainer)
    upload = SimpleUploadedFile(name, data)
    response = post(client, "training:bank_import", bank.pk, data={"file": upload})
    error = field_block(response.content.decode(), "file")
    assert message in error and "Missing" not in error


def test_export_downloads_the_bank_or_one_category(
    client, trainer, bank, category, question
):
    other = Category.objects.create(bank=bank, name="情绪")
    Question.objects.create(
        bank=bank, category=other, kind="true_false", prompt="要微笑", correct=[0]
    )
    client.force_login(trainer)
    whole = get(client, "training:bank_export", bank.pk)
    assert "attachment" in whole["Content-Disposition"]
    one = get(client, "training:bank_export", bank.pk, category=other.pk)
    assert len(read_questions(whole.content).questions) == 2
    assert [q.prompt for q in read_questions(one.content).questions] == ["要微笑"]


def png_bytes(size, fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 160, 120)).save(buffer, fmt)
    return buffer.getvalue()
