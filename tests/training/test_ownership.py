"""Who may change a bank: its owner, the co-owners the owner names, managers.

Every write view is tried by each persona. A refused write gets 403 and
changes nothing; every trainer still reads every bank.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_user
from tests.training.test_bank_pages import csv_upload, form_data, png_bytes
from training.models import Bank, Category, Deletion, Question


@dataclass
class World:
    bank: Bank
    category: Category  # holds the question
    empty_category: Category
    question: Question
    owner: object
    co_owner: object
    other_trainer: object
    manager: object
    agent: object


@pytest.fixture
def world(trainer, manager, agent, team) -> World:
    co_owner = make_user(username="dave", role="trainer", team=team)
    other_trainer = make_user(username="erin", role="trainer", team=team)
    bank = Bank.objects.create(name="业务知识", created_by=trainer)
    bank.co_owners.add(co_owner)
    category = Category.objects.create(bank=bank, name="话费")
    question = Question.objects.create(
        bank=bank,
        category=category,
        kind="single",
        prompt="客户查询话费，先做什么？",
        options=["核实身份", "推荐套餐"],
        correct=[0],
    )
    return World(
        bank=bank,
        category=category,
        empty_category=Category.objects.create(bank=bank, name="空的"),
        question=question,
        owner=trainer,
        co_owner=co_owner,
        other_trainer=other_trainer,
        manager=manager,
        agent=agent,
    )


def bank_state(bank_id: int):
    """Everything a write could change, to prove a refused one changed nothing."""
    bank = Bank.objects.filter(pk=bank_id).first()
    if bank is None:
        return None
    questions = bank.questions.order_by("pk").values_list(
        "prompt", "kind", "options", "correct", "category__name", "image"
    )
    return (
        bank.name,
        bank.description,
        list(bank.co_owners.order_by("pk").values_list("pk", flat=True)),
        list(bank.categories.order_by("pk").values_list("name", flat=True)),
        list(questions),
        Deletion.objects.count(),
    )


def picture():
    return SimpleUploadedFile("photo.png", png_bytes((40, 30)))


# (view, its object, the data posted, who besides managers may do it)
EDIT = ("owner", "co_owner")
MANAGE = ("owner",)
WRITES = {
    "bank_edit": (
        lambda w: w.bank,
        lambda w: {"name": "改过的题库", "description": "新说明"},
        EDIT,
    ),
    "bank_delete": (lambda w: w.bank, lambda w: {}, MANAGE),
    "bank_co_owners": (
        lambda w: w.bank,
        lambda w: {"co_owners": [w.other_trainer.pk]},
        MANAGE,
    ),
    "category_add": (lambda w: w.bank, lambda w: {"name": "新分类"}, EDIT),
    "category_rename": (lambda w: w.category, lambda w: {"name": "改名"}, EDIT),
    "category_delete": (lambda w: w.empty_category, lambda w: {}, EDIT),
    "question_create": (
        lambda w: w.bank,
        lambda w: form_data(
            w.category, option_a="甲", option_b="乙", correct="A", image=picture()
        ),
        EDIT,
    ),
    "question_edit": (
        lambda w: w.question,
        lambda w: form_data(
            w.category, prompt="改过的题目", option_a="甲", option_b="乙", correct="B"
        ),
        EDIT,
    ),
    "question_edit_picture": (
        lambda w: w.question,
        lambda w: form_data(
            w.category,
            prompt=w.question.prompt,
            option_a="核实身份",
            option_b="推荐套餐",
            correct="A",
            image=picture(),
        ),
        EDIT,
    ),
    "question_delete": (lambda w: w.question, lambda w: {}, EDIT),
    "bank_import": (
        lambda w: w.bank,
        lambda w: {
            "file": csv_upload("题目,答案,题型,分类\n微笑能被听见,对,判断,话费\n")
        },
        EDIT,
    ),
}
PERSONAS = ["owner", "co_owner", "manager", "other_trainer", "agent"]


def write_url(view: str, target) -> str:
    name = "question_edit" if view == "question_edit_picture" else view
    return reverse(f"training:{name}", args=[target.pk])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", list(WRITES))
def test_every_write_is_allowed_exactly_to_those_the_policy_names(
    client, world, view, persona
):
    target, data, allowed = WRITES[view]
    client.force_login(getattr(world, persona))
    before = bank_state(world.bank.pk)
    response = client.post(write_url(view, target(world)), data(world))
    if persona == "manager" or persona in allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert bank_state(world.bank.pk) != before
    else:
        assert response.status_code == 403
        assert bank_state(world.bank.pk) == before


@pytest.mark.parametrize(
    "view",
    [
        "bank_edit",
        "bank_delete",
        "bank_import",
        "question_create",
        "question_edit",
        "question_delete",
    ],
)
def test_the_write_forms_do_not_open_for_another_trainer(client, world, view):
    target = WRITES[view][0](world)
    client.force_login(world.other_trainer)
    assert client.get(write_url(view, target)).status_code == 403
    client.force_login(world.owner)
    assert client.get(write_url(view, target)).status_code == 200


def test_another_trainer_reads_the_bank_without_the_buttons_to_change_it(client, world):
    client.force_login(world.other_trainer)
    page = client.get(
        world.bank.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert world.question.prompt in page and "许老师" in page  # the owner
    for name, target in [
        ("question_edit", world.question),
        ("question_delete", world.question),
        ("question_create", world.bank),
        ("bank_import", world.bank),
        ("bank_edit", world.bank),
        ("bank_delete", world.bank),
        ("category_rename", world.category),
        ("category_delete", world.category),
        ("category_add", world.bank),
        ("bank_co_owners", world.bank),
    ]:
        assert reverse(f"training:{name}", args=[target.pk]) not in page, name
    assert "Only its owner, its co-owners and managers can change it." in page
    preview = client.get(
        reverse("training:question_preview", args=[world.question.pk])
    ).content.decode()
    assert reverse("training:question_edit", args=[world.question.pk]) not in preview
    export = client.get(reverse("training:bank_export", args=[world.bank.pk]))
    assert export.status_code == 200


def test_a_co_owner_edits_but_neither_deletes_the_bank_nor_names_co_owners(
    client, world
):
    client.force_login(world.co_owner)
    page = client.get(world.bank.get_absolute_url()).content.decode()
    assert reverse("training:question_edit", args=[world.question.pk]) in page
    assert reverse("training:category_add", args=[world.bank.pk]) in page
    assert reverse("training:bank_delete", args=[world.bank.pk]) not in page
    assert reverse("training:bank_co_owners", args=[world.bank.pk]) not in page
    client.force_login(world.owner)
    page = client.get(world.bank.get_absolute_url()).content.decode()
    assert reverse("training:bank_delete", args=[world.bank.pk]) in page
    assert reverse("training:bank_co_owners", args=[world.bank.pk]) in page


def test_a_co_owner_who_is_no_longer_a_trainer_loses_the_right(client, world):
    world.co_owner.role = "agent"
    world.co_owner.save()
    client.force_login(world.co_owner)
    response = client.post(
        reverse("training:category_add", args=[world.bank.pk]), {"name": "新分类"}
    )
    assert response.status_code == 403
    assert not world.bank.categories.filter(name="新分类").exists()


@pytest.mark.parametrize(
    "chosen", [["abc"], ["999999"], "agent", "manager", "owner"], ids=str
)
def test_only_trainers_can_be_named_co_owners(client, world, chosen):
    if isinstance(chosen, str):
        chosen = [getattr(world, chosen).pk]
    client.force_login(world.owner)
    response = client.post(
        reverse("training:bank_co_owners", args=[world.bank.pk]),
        {"co_owners": chosen},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert list(world.bank.co_owners.all()) == [world.co_owner]
    note = client.get(response["Location"]).content.decode()
    assert 'class="flash-error"' in note


def test_the_owner_names_and_removes_co_owners(client, world):
    client.force_login(world.owner)
    client.post(
        reverse("training:bank_co_owners", args=[world.bank.pk]),
        {"co_owners": [world.other_trainer.pk]},
    )
    assert list(world.bank.co_owners.all()) == [world.other_trainer]
    client.force_login(world.other_trainer)
    response = client.post(
        reverse("training:category_add", args=[world.bank.pk]), {"name": "新分类"}
    )
    assert response.status_code == 302


def test_a_new_bank_belongs_to_whoever_created_it(client, world):
    client.force_login(world.other_trainer)
    client.post(reverse("training:bank_list"), {"name": "我的题库", "description": ""})
    bank = Bank.objects.get(name="我的题库")
    assert bank.owner == bank.created_by == world.other_trainer


def test_deleting_a_bank_records_who_when_and_how_many_questions(client, world):
    client.force_login(world.manager)
    client.post(reverse("training:bank_delete", args=[world.bank.pk]))
    (record,) = Deletion.objects.all()
    assert (record.kind, record.name, record.object_id) == (
        "bank",
        "业务知识",
        world.bank.pk,
    )
    assert (record.deleted_by, record.question_count) == (world.manager, 1)
    assert record.deleted_at is not None


def test_deleting_a_question_or_a_category_is_recorded_with_its_bank(client, world):
    client.force_login(world.co_owner)
    client.post(reverse("training:question_delete", args=[world.question.pk]))
    client.post(reverse("training:category_delete", args=[world.empty_category.pk]))
    records = Deletion.objects.order_by("pk")
    assert [(r.kind, r.name, r.bank_name, r.deleted_by) for r in records] == [
        ("question", "客户查询话费，先做什么？", "业务知识", world.co_owner),
        ("category", "空的", "业务知识", world.co_owner),
    ]


def test_a_refused_category_delete_records_nothing(client, world):
    client.force_login(world.owner)
    client.post(reverse("training:category_delete", args=[world.category.pk]))
    assert world.bank.categories.filter(pk=world.category.pk).exists()
    assert not Deletion.objects.exists()


@pytest.fixture
def admin_client(client, world):
    world.manager.is_staff = True
    world.manager.save()
    world.manager.user_permissions.set(
        Permission.objects.filter(content_type__app_label="training")
    )
    client.force_login(world.manager)
    return client


def delete_in_admin(client, model: str, pk: int):
    return client.post(
        reverse(f"admin:training_{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
    )


def test_deleting_a_bank_with_questions_in_the_admin_is_recorded(admin_client, world):
    assert delete_in_admin(admin_client, "bank", world.bank.pk).status_code == 302
    assert not Bank.objects.exists() and not Question.objects.exists()
    (record,) = Deletion.objects.all()
    assert (record.kind, record.question_count, record.deleted_by) == (
        "bank",
        1,
        world.manager,
    )


def test_deleting_a_question_or_a_category_in_the_admin_is_recorded(
    admin_client, world
):
    response = delete_in_admin(admin_client, "question", world.question.pk)
    assert response.status_code == 302
    assert not Question.objects.exists()
    categories = world.bank.categories.order_by("pk")
    inline = {
        "categories-TOTAL_FORMS": "2",
        "categories-INITIAL_FORMS": "2",
        "categories-0-id": categories[0].pk,
        "categories-0-bank": world.bank.pk,
        "categories-0-name": categories[0].name,
        "categories-1-id": categories[1].pk,
        "categories-1-bank": world.bank.pk,
        "categories-1-name": categories[1].name,
        "categories-1-DELETE": "on",
    }
    response = admin_client.post(
        reverse("admin:training_bank_change", args=[world.bank.pk]),
        {"name": world.bank.name, "description": "", "owner": world.owner.pk} | inline,
    )
    assert response.status_code == 302
    assert [
        (r.kind, r.name, r.deleted_by) for r in Deletion.objects.order_by("pk")
    ] == [
        ("question", world.question.prompt, world.manager),
        ("category", "空的", world.manager),
    ]


def test_the_record_of_deletions_is_read_only_in_the_admin(admin_client, world):
    delete_in_admin(admin_client, "question", world.question.pk)
    (record,) = Deletion.objects.all()
    listing = admin_client.get(reverse("admin:training_deletion_changelist"))
    assert listing.status_code == 200 and "业务知识" in listing.content.decode()
    change = reverse("admin:training_deletion_change", args=[record.pk])
    assert admin_client.post(change, {"name": "改"}).status_code == 403
    delete = reverse("admin:training_deletion_delete", args=[record.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Deletion.objects.get().name == world.question.prompt
