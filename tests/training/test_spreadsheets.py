"""Question banks in and out of Excel and CSV, as a trainer's files really are."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.drawing.image import Image as SheetImage
from PIL import Image

from training import excel, services
from training.models import Bank, Category, Question
from training.spreadsheets import UnreadableFile, read_questions
from uploads.spreadsheets import MAX_SHARED_STRINGS, _count_strings

HEADER = ["分类", "题型", "题目", "选项A", "选项B", "选项C", "答案", "解析", "语言"]


def xlsx(rows, pictures=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cell, size in pictures:
        sheet.add_image(SheetImage(png(size)), cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def png(size=(40, 30)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 140, 200)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def add_question(bank, category_name="业务", **fields) -> Question:
    category, _ = Category.objects.get_or_create(bank=bank, name=category_name)
    return Question.objects.create(bank=bank, category=category, **fields)


def problems_by_row(reading) -> dict[int, list[str]]:
    return {problem.row: problem.reasons for problem in reading.problems}


def test_every_bad_row_is_reported_with_the_row_number_excel_shows():
    data = xlsx(
        [
            HEADER,
            ["业务", "单选", "先核实什么？", "身份", "住址", "", "A", "", ""],
            ["业务", "问答", "题型不对", "", "", "", "x", "", ""],
            [None] * 9,  # an empty row: skipped, but it still counts in Excel
            ["业务", "单选", "答案越界", "甲", "乙", "", "C", "", ""],
            ["业务", "单选", "两个答案", "甲", "乙", "丙", "A,B", "", ""],
            ["业务", "判断", "答案不是对错", "", "", "", "也许", "", ""],
            ["", "填空", "", "", "", "", "", "", "法语"],
            ["业务", "多选", "A 空着", "", "乙", "丙", "B,C", "", ""],
        ]
    )
    reading = read_questions(data)
    problems = problems_by_row(reading)
    assert sorted(problems) == [3, 5, 6, 7, 8, 9]
    assert "not one we know" in problems[3][0]
    assert problems[5] == ["The answer names option C, which is empty."]
    assert problems[6] == ["A single-choice question has exactly one correct option."]
    assert "对 or 错" in problems[7][0]
    assert len(problems[8]) == 4  # no category, no question, no answer, language
    assert problems[9] == ["Option A is empty but a later option is filled."]
    assert [q.row for q in reading.questions] == [2]


def test_headers_in_either_language_any_order_and_every_answer_spelling():
    rows = [
        ["ANSWER", "Option B", "question", "Kind", "Option A", "Category", "语言"],
        ["AB", "乙", "多选一", "多选题", "甲", "c", ""],
        ["B、A", "乙", "多选二", "multiple", "甲", "c", "英文"],
        ["√", "", "判断对", "判断", "", "c", "en"],
        ["×", "", "判断错", "true_false", "", "c", "中文"],
        ["正确", "", "判断对二", "判断题", "", "c", ""],
        ["F", "", "判断错二", "判断", "", "c", ""],
        ["95598 | 九五五九八", "", "热线", "填空", "", "c", ""],
        ["ｂ", "乙", "单选", "单选", "甲", "c", ""],
    ]
    reading = read_questions(xlsx(rows))
    assert reading.problems == []
    got = [(q.kind, q.correct, q.language) for q in reading.questions]
    assert got == [
        ("multiple", [0, 1], "zh-hans"),
        ("multiple", [0, 1], "en"),
        ("true_false", [0], "en"),
        ("true_false", [1], "zh-hans"),
        ("true_false", [0], "zh-hans"),
        ("true_false", [1], "zh-hans"),
        ("text", ["95598", "九五五九八"], "zh-hans"),
        ("single", [1], "zh-hans"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_from_chinese_excel_reads_in_any_of_its_encodings(encoding):
    text = (
        "分类,题型,题目,选项A,选项B,答案,解析\r\n"
        '情绪安抚,单选,"客户说“我要投诉”，先做什么？",道歉并倾听,挂断,A,先接住情绪\r\n'
        ",,,,,,\r\n"
        "服务规范,判断,微笑可以被听见,,,对,\r\n"
    )
    reading = read_questions(text.encode(encoding))
    assert reading.problems == []
    first, second = reading.questions
    assert first.prompt == "客户说“我要投诉”，先做什么？"
    assert first.options == ["道歉并倾听", "挂断"]
    assert (second.row, second.category, second.correct) == (4, "服务规范", [0])


@pytest.mark.parametrize(
    "data",
    [
        png().getvalue(),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,  # old .xls
        b"PK\x03\x04 not really a zip",
        b"",
        b"just some notes\nwith no header row\n",
    ],
    ids=["png", "xls", "broken-zip", "empty", "text"],
)
def test_a_file_that_is_not_a_question_sheet_gets_a_clear_reason(data):
    with pytest.raises(UnreadableFile) as refusal:
        read_questions(data)
    assert str(refusal.value)


def test_more_than_2000_questions_are_refused_as_a_whole():
    lines = ["分类,题型,题目,答案"] + [f"c,判断,题{i},对" for i in range(2001)]
    with pytest.raises(UnreadableFile, match="more than 2000"):
        read_questions("\n".join(lines).encode())
    assert len(read_questions("\n".join(lines[:2001]).encode()).questions) == 2000


def test_a_picture_belongs_to_the_row_it_floats_over():
    rows = [
        ["分类", "题型", "题目", "答案", "图片"],
        ["c", "判断", "看图：这是蓝色吗？", "对", None],
        ["c", "判断", "没有图", "对", None],
        [],
        ["c", "判断", "两张图", "错", None],
    ]
    pictures = [
        ("E2", (1600, 1200)),
        ("E4", (10, 10)),
        ("E5", (10, 10)),
        ("B5", (9, 9)),
    ]
    reading = read_questions(xlsx(rows, pictures))
    assert problems_by_row(reading) == {
        4: ["This row has a picture but no question."],
        5: ["This row has more than one picture; a question has one."],
    }
    with_picture, without = (read_questions(xlsx(rows[:3], pictures[:1]))).questions
    assert without.image is None
    with Image.open(with_picture.image) as stored:
        assert stored.format == "WEBP"
        assert stored.size == (1024, 768)  # re-encoded within the question box


def with_zeros(data: bytes, name: str, size: int, declared: int | None = None):
    """The workbook with member ``name`` replaced by ``size`` zero bytes,
    deflated; its central directory may declare ``declared`` instead."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
                continue
            with target.open(name, "w") as member:
                for _ in range(size // 2**20):
                    member.write(bytes(2**20))
    data = bytearray(out.getvalue())
    if declared is not None:
        entry = data.index(b"PK\x01\x02")
        while data[entry + 46 : entry + 46 + len(name)] != name.encode():
            entry = data.index(b"PK\x01\x02", entry + 4)
        data[entry + 24 : entry + 28] = declared.to_bytes(4, "little")
    return bytes(data)


@pytest.mark.parametrize(
    ("declared", "reason"),
    [
        (None, "A picture in the file is larger than 5.0\xa0MB"),
        (2000, "This file is not a spreadsheet we can read"),
    ],
    ids=["picture-bomb", "lying-header"],
)
def test_a_picture_that_inflates_to_300_mb_is_refused_before_it_is_inflated(
    declared, reason
):
    rows = [["分类", "题型", "题目", "答案", "图片"], ["c", "判断", "看图", "对", None]]
    bomb = with_zeros(
        xlsx(rows, [("E2", (10, 10))]), "xl/media/image1.png", 300 * 2**20, declared
    )
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile, match=reason):
            read_questions(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * 2**20


def with_shared_strings(data: bytes, count: int) -> bytes:
    """The workbook with ``count`` short shared strings added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    part = b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/>' % (
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    )
    strings = b"".join(b"<si><t>%x</t></si>" % n for n in range(count))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = source.read(info)
            if info.filename == "[Content_Types].xml":
                member = member.replace(b"</Types>", part + b"</Types>")
            target.writestr(info, member)
        target.writestr("xl/sharedStrings.xml", b"<sst>" + strings + b"</sst>")
    return out.getvalue()


def test_a_workbook_of_a_million_tiny_texts_is_refused_before_openpyxl_reads_it():
    # Each costs openpyxl an object: 2 million took ~260 MB and minutes.
    rows = [["分类", "题型", "题目", "答案"], ["c", "判断", "题", "对"]]
    with pytest.raises(UnreadableFile, match="too large to read"):
        read_questions(with_shared_strings(xlsx(rows), MAX_SHARED_STRINGS + 1))


def test_shared_strings_are_counted_wherever_the_pieces_are_cut():
    xml = b"<sst>" + b"<si><t>a</t></si><x:si>b</x:si><si/><sign/>" * 50 + b"</sst>"
    for size in (1, 2, 3, 5, 64):
        pieces = [xml[i : i + size] for i in range(0, len(xml), size)]
        assert _count_strings(pieces) == 150


def test_export_then_import_into_an_empty_bank_gives_the_same_questions(bank, trainer):
    add_question(
        bank,
        kind="single",
        prompt="客户来电首先要做什么？\n（单选）",
        options=["核实身份", "推荐套餐", "=1+1"],
        correct=[0],
        explanation="先核实身份。",
    )
    add_question(
        bank,
        "情绪",
        kind="multiple",
        prompt="Which help?",
        options=["Listen", "-Argue", "Repeat back", "@once", "Hang up", "+Promise"],
        correct=[0, 2, 3],
        language="en",
    )
    add_question(bank, "情绪", kind="true_false", prompt="Smile", correct=[1])
    add_question(
        bank, kind="text", prompt="热线号码？", correct=["95598", "九五五九八"]
    )
    pictured = add_question(bank, kind="true_false", prompt="看图", correct=[0])
    pictured.image.save("x.webp", ContentFile(webp((300, 200))))

    exported = excel.export_workbook(
        bank.questions.select_related("category"), language="zh-hans"
    )
    copy = Bank.objects.create(name="副本", created_by=trainer)
    reading = read_questions(exported)
    assert reading.problems == []
    summary = services.import_questions(bank=copy, rows=reading.questions)

    assert summary.question_count == 5
    assert sorted(summary.new_categories) == ["业务", "情绪"]
    assert described(copy) == described(bank)
    image = copy.questions.get(prompt="看图").image
    with Image.open(image) as restored:
        assert restored.size == (300, 200)


def test_english_export_round_trips_too(bank, trainer):
    add_question(bank, kind="true_false", prompt="True?", correct=[0], language="en")
    add_question(bank, kind="multiple", prompt="Q", options=["a", "b"], correct=[0, 1])
    exported = excel.export_workbook(bank.questions.all(), language="en")
    copy = Bank.objects.create(name="copy", created_by=trainer)
    services.import_questions(bank=copy, rows=read_questions(exported).questions)
    assert described(copy) == described(bank)


def test_formula_looking_text_is_exported_as_plain_text(bank):
    prompt = '=HYPERLINK("http://example.invalid","点我")'
    add_question(
        bank,
        kind="single",
        prompt=prompt,
        options=["+86 95598", "-1", "@SUM(A1)"],
        correct=[0],
    )
    exported = excel.export_workbook(bank.questions.all(), language="zh-hans")
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = load_workbook(io.BytesIO(exported)).worksheets[0]
    cells = {cell.value: cell for cell in sheet[2] if cell.value}
    for text in [prompt, "+86 95598", "-1", "@SUM(A1)"]:
        assert cells[text].data_type == "s"
        assert cells[text].quotePrefix, text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_template_opens_and_its_examples_import_cleanly(
    client, trainer, bank, language
):
    client.force_login(trainer)
    response = client.get(
        reverse("training:bank_template"), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["题目 Questions", "说明 Instructions"]
    assert "答案 answer" in [cell.value for cell in book.worksheets[0][1]]

    upload = ContentFile(response.content, name="template.xlsx")
    response = client.post(
        reverse("training:bank_import", args=[bank.pk]), {"file": upload}
    )
    assert response.status_code == 302
    kinds = sorted(bank.questions.values_list("kind", flat=True))
    assert kinds == ["multiple", "single", "text", "true_false"]


def described(bank) -> list[tuple]:
    return sorted(
        (
            q.category.name,
            q.kind,
            q.prompt,
            q.options,
            q.correct,
            q.explanation,
            q.language,
            bool(q.image),
        )
        for q in bank.questions.select_related("category")
    )


def webp(size) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 60)).save(buffer, "WEBP")
    return buffer.getvalue()
