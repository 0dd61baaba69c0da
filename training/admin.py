from __future__ import annotations

from django.contrib import admin

from training.models import Bank, Category, Question


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "updated_at"]
    search_fields = ["name"]
    inlines = [CategoryInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["prompt", "bank", "category", "kind", "language"]
    list_filter = ["bank", "kind", "language"]
    search_fields = ["prompt"]
    list_select_related = ["bank", "category"]
