"""The trainer's question bank: banks, categories, questions, Excel in and out."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from people.permissions import trainer_required
from training import excel, services
from training.forms import (
    BankForm,
    CategoryForm,
    CoOwnersForm,
    ImportForm,
    QuestionForm,
)
from training.models import OPTION_LETTERS, Bank, Category, Question, QuestionKind
from training.permissions import can_edit_bank, can_manage_bank
from training.sheet_columns import letters_for
from training.spreadsheets import (
    MAX_FILE_BYTES,
    MAX_QUESTIONS,
    UnreadableFile,
    read_questions,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bank_to_edit(request: HttpRequest, bank: Bank) -> Bank:
    """The bank, if the person asking may change it; 403 for everyone else."""
    if not can_edit_bank(request.user, bank):
        raise PermissionDenied
    return bank


def _bank_to_manage(request: HttpRequest, bank: Bank) -> Bank:
    """The bank, if the person asking may delete it or name its co-owners."""
    if not can_manage_bank(request.user, bank):
        raise PermissionDenied
    return bank


@trainer_required
@require_http_methods(["GET", "POST"])
def bank_list(request: HttpRequest) -> HttpResponse:
    form = BankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        bank = services.create_bank(
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            created_by=request.user,
        )
        messages.success(request, _("Bank “%(name)s” created.") % {"name": bank.name})
        if request.htmx:
            return HttpResponseClientRedirect(bank.get_absolute_url())
        return redirect(bank)
    if request.htmx:
        return render(request, "training/bank_list.html#bank-form", {"form": form})
    banks = Bank.objects.with_counts().select_related("owner")
    return render(request, "training/bank_list.html", {"form": form, "banks": banks})


@trainer_required
@require_GET
def bank_detail(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = get_object_or_404(Bank.objects.select_related("owner"), pk=bank_id)
    context = {
        "bank": bank,
        "can_edit": can_edit_bank(request.user, bank),
        **_question_list(bank, request.GET),
    }
    if request.htmx and request.htmx.target == "question-list":
        return render(request, "training/bank_detail.html#question-list", context)
    context.update(_category_panel(bank, request.user))
    context["co_owners"] = bank.co_owners.all()
    context["can_manage"] = can_manage_bank(request.user, bank)
    if context["can_manage"]:
        context["co_owners_form"] = CoOwnersForm(bank=bank)
    return render(request, "training/bank_detail.html", context)


@trainer_required
@require_http_methods(["GET", "POST"])
def bank_edit(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = _bank_to_edit(request, get_object_or_404(Bank, pk=bank_id))
    form = BankForm(request.POST or None, instance=bank)
    if request.method == "POST" and form.is_valid():
        services.update_bank(
            bank=bank,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, _("Bank “%(name)s” saved.") % {"name": bank.name})
        return redirect(bank)
    return render(request, "training/bank_edit.html", {"form": form, "bank": bank})


@trainer_required
@require_http_methods(["GET", "POST"])
def bank_delete(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = _bank_to_manage(
        request, get_object_or_404(Bank.objects.with_counts(), pk=bank_id)
    )
    if request.method == "POST":
        services.delete_bank(bank=bank, deleted_by=request.user)
        messages.success(request, _("Bank “%(name)s” deleted.") % {"name": bank.name})
        return redirect("training:bank_list")
    return render(request, "training/bank_confirm_delete.html", {"bank": bank})


@trainer_required
@require_POST
def category_add(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = _bank_to_edit(request, get_object_or_404(Bank, pk=bank_id))
    form = CategoryForm(request.POST, bank=bank)
    if form.is_valid():
        category = services.add_category(bank=bank, name=form.cleaned_data["name"])
        note = _("Category “%(name)s” added.") % {"name": category.name}
        return _category_reply(request, bank, note=note)
    return _category_reply(request, bank, add_form=form)


@trainer_required
@require_POST
def category_rename(request: HttpRequest, category_id: int) -> HttpResponse:
    category = get_object_or_404(
        Category.objects.select_related("bank"), pk=category_id
    )
    _bank_to_edit(request, category.bank)
    form = CategoryForm(request.POST, bank=category.bank, category=category)
    if form.is_valid():
        services.rename_category(category=category, name=form.cleaned_data["name"])
        note = _("Category renamed to “%(name)s”.") % {"name": category.name}
        return _category_reply(request, category.bank, note=note)
    return _category_reply(
        request, category.bank, failed=category, errors=form.errors["name"]
    )


@trainer_required
@require_POST
def category_delete(request: HttpRequest, category_id: int) -> HttpResponse:
    category = get_object_or_404(
        Category.objects.select_related("bank"), pk=category_id
    )
    _bank_to_edit(request, category.bank)
    try:
        services.delete_category(category=category, deleted_by=request.user)
    except services.CategoryNotEmpty as refusal:
        reason = ngettext(
            "“%(name)s” still has %(count)s question. Move or delete it first.",
            "“%(name)s” still has %(count)s questions. Move or delete them first.",
            refusal.question_count,
        ) % {"name": category.name, "count": refusal.question_count}
        return _category_reply(request, category.bank, failed=category, errors=[reason])
    note = _("Category “%(name)s” deleted.") % {"name": category.name}
    return _category_reply(request, category.bank, note=note)


@trainer_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = _bank_to_edit(request, get_object_or_404(Bank, pk=bank_id))
    initial = {"kind": QuestionKind.SINGLE, "language": "zh-hans"}
    categories = list(bank.categories.values_list("pk", flat=True)[:2])
    if chosen := _chosen_category(bank, request.GET):
        initial["category"] = chosen.pk  # "save and add another" keeps it
    elif len(categories) == 1:
        initial["category"] = categories[0]
    return _question_form(request, bank, Question(bank=bank), initial=initial)


@trainer_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.select_related("bank"), pk=question_id
    )
    _bank_to_edit(request, question.bank)
    return _question_form(request, question.bank, question)


@trainer_required
@require_GET
def question_preview(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.select_related("bank", "category"), pk=question_id
    )
    options = list(zip(OPTION_LETTERS, question.options, strict=False))
    context = {
        "question": question,
        "bank": question.bank,
        "options": options,
        "correct_letters": letters_for(question.correct) if question.is_choice else "",
        "can_edit": can_edit_bank(request.user, question.bank),
    }
    return render(request, "training/question_preview.html", context)


@trainer_required
@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.select_related("bank", "category"), pk=question_id
    )
    bank = _bank_to_edit(request, question.bank)
    if request.method == "POST":
        services.delete_question(question=question, deleted_by=request.user)
        messages.success(request, _("Question deleted."))
        return redirect(bank)
    return render(
        request,
        "training/question_confirm_delete.html",
        {"question": question, "bank": bank},
    )


@trainer_required
@require_GET
def bank_export(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = get_object_or_404(Bank, pk=bank_id)
    questions = bank.questions.select_related("category").order_by(
        "category__name", "id"
    )
    name = bank.name
    category = _chosen_category(bank, request.GET)
    if category is not None:
        questions = questions.filter(category=category)
        name = f"{bank.name} {category.name}"
    content = excel.export_workbook(questions, language=request.LANGUAGE_CODE)
    return _xlsx_response(content, f"{name} {timezone.localdate():%Y-%m-%d}.xlsx")


@trainer_required
@require_GET
def bank_template(request: HttpRequest) -> HttpResponse:
    content = excel.template_workbook(language=request.LANGUAGE_CODE)
    return _xlsx_response(content, _("question-bank-template.xlsx"))


@trainer_required
@require_http_methods(["GET", "POST"])
def bank_import(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = _bank_to_edit(request, get_object_or_404(Bank, pk=bank_id))
    form = ImportForm(request.POST or None, request.FILES or None)
    reading = None
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["file"]
            reading = read_questions(upload.read(), file_name=upload.name)
        except UnreadableFile as error:
            form.add_error("file", str(error))
        else:
            if not reading.problems:
                summary = services.import_questions(bank=bank, rows=reading.questions)
                messages.success(request, _import_note(summary, reading))
                return redirect(bank)
    context = {
        "bank": bank,
        "form": form,
        "reading": reading,
        "max_questions": MAX_QUESTIONS,
        "max_megabytes": MAX_FILE_BYTES // (1024 * 1024),
    }
    return render(request, "training/bank_import.html", context)


@trainer_required
@require_POST
def bank_co_owners(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = _bank_to_manage(request, get_object_or_404(Bank, pk=bank_id))
    form = CoOwnersForm(request.POST, bank=bank)
    if form.is_valid():
        services.set_co_owners(
            bank=bank, co_owners=list(form.cleaned_data["co_owners"])
        )
        messages.success(request, _("Co-owners saved."))
    for error in form.errors.get("co_owners", []):
        messages.error(request, error)
    return redirect(bank)


# Helpers ---------------------------------------------------------------------


def _question_form(
    request: HttpRequest, bank: Bank, question: Question, initial: dict | None = None
) -> HttpResponse:
    existing = question.pk is not None
    form = QuestionForm(
        request.POST or None,
        request.FILES or None,
        bank=bank,
        question=question if existing else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        services.save_question(
            question=question,
            fields=form.question_fields(),
            category=form.cleaned_data["category"],
            new_category=form.cleaned_data["new_category"],
            image=form.cleaned_data["image"],
            remove_image=form.cleaned_data["remove_image"],
        )
        messages.success(
            request, _("Question saved.") if existing else _("Question added.")
        )
        if "add_another" in request.POST:
            url = f"{bank.get_add_question_url()}?category={question.category_id}"
            return redirect(url)
        return redirect(bank)
    context = {"bank": bank, "question": question if existing else None, "form": form}
    return render(request, "training/question_form.html", context)


def _chosen_category(bank: Bank, params) -> Category | None:
    category_id = params.get("category", "")
    if not category_id.isdigit():
        return None
    return bank.categories.filter(pk=category_id).first()


def _question_list(bank: Bank, params) -> dict:
    category = _chosen_category(bank, params)
    kind = params.get("kind", "")
    kind = kind if kind in QuestionKind.values else ""
    questions = bank.questions.select_related("category")
    if category is not None:
        questions = questions.filter(category=category)
    in_category = questions
    if kind:
        questions = questions.filter(kind=kind)
    kind_counts = dict(
        in_category.order_by().values_list("kind").annotate(count=Count("id"))
    )
    return {
        "questions": questions.order_by("category__name", "id"),
        "chosen_category": category,
        "chosen_kind": kind,
        "kinds": [
            (k, label, kind_counts.get(k, 0)) for k, label in QuestionKind.choices
        ],
        "shown_count": sum(kind_counts.values())
        if not kind
        else kind_counts.get(kind, 0),
        "filter_categories": bank.categories.with_question_counts(),
    }


def _category_panel(bank: Bank, user, **extra) -> dict:
    return {
        "bank": bank,
        "can_edit": can_edit_bank(user, bank),
        "categories": bank.categories.with_question_counts(),
        "add_form": extra.pop("add_form", None) or CategoryForm(bank=bank),
        "failed": extra.pop("failed", None),
        "failed_errors": extra.pop("errors", []),
        "note": extra.pop("note", ""),
    }


def _category_reply(request: HttpRequest, bank: Bank, **extra) -> HttpResponse:
    """The category panel again (htmx), or back to the bank page with a message."""
    if request.htmx:
        context = _category_panel(bank, request.user, **extra)
        return render(request, "training/bank_detail.html#category-panel", context)
    if extra.get("note"):
        messages.success(request, extra["note"])
    for error in extra.get("errors", []):
        messages.error(request, error)
    if extra.get("add_form") is not None:
        for error in extra["add_form"].errors.get("name", []):
            messages.error(request, error)
    return redirect(bank)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def _import_note(summary: services.ImportSummary, reading) -> str:
    note = ngettext(
        "Imported %(count)s question.",
        "Imported %(count)s questions.",
        summary.question_count,
    ) % {"count": summary.question_count}
    if summary.new_categories:
        note += " " + ngettext(
            "%(count)s new category: %(names)s.",
            "%(count)s new categories: %(names)s.",
            len(summary.new_categories),
        ) % {
            "count": len(summary.new_categories),
            "names": "、".join(summary.new_categories),
        }
    if reading.ignored_columns:
        note += " " + _("Columns not recognised and skipped: %(names)s.") % {
            "names": "、".join(reading.ignored_columns)
        }
    return note
