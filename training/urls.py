from __future__ import annotations

from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("banks/", views.bank_list, name="bank_list"),
    path("banks/template.xlsx", views.bank_template, name="bank_template"),
    path("banks/<int:bank_id>/", views.bank_detail, name="bank_detail"),
    path("banks/<int:bank_id>/edit/", views.bank_edit, name="bank_edit"),
    path("banks/<int:bank_id>/delete/", views.bank_delete, name="bank_delete"),
    path("banks/<int:bank_id>/export/", views.bank_export, name="bank_export"),
    path("banks/<int:bank_id>/import/", views.bank_import, name="bank_import"),
    path("banks/<int:bank_id>/co-owners/", views.bank_co_owners, name="bank_co_owners"),
    path("banks/<int:bank_id>/categories/", views.category_add, name="category_add"),
    path(
        "categories/<int:category_id>/rename/",
        views.category_rename,
        name="category_rename",
    ),
    path(
        "categories/<int:category_id>/delete/",
        views.category_delete,
        name="category_delete",
    ),
    path(
        "banks/<int:bank_id>/questions/new/",
        views.question_create,
        name="question_create",
    ),
    path(
        "questions/<int:question_id>/edit/", views.question_edit, name="question_edit"
    ),
    path(
        "questions/<int:question_id>/preview/",
        views.question_preview,
        name="question_preview",
    ),
    path(
        "questions/<int:question_id>/delete/",
        views.question_delete,
        name="question_delete",
    ),
]
