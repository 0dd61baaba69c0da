from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from training import services
from training.models import Bank, Category, Deletion, Question
from training.sheet_columns import QUESTION_IMAGE_BOX
from uploads.images import reencode_image


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "created_by", "updated_at"]
    list_select_related = ["owner", "created_by"]
    search_fields = ["name"]
    autocomplete_fields = ["owner", "co_owners"]
    # Who created a bank is history; handing it over changes its owner.
    readonly_fields = ["created_by", "created_at"]
    inlines = [CategoryInline]

    # Deletions from the admin are recorded like those from the bank pages.
    def delete_model(self, request, obj):
        services.delete_bank(bank=obj, deleted_by=request.user)

    def delete_queryset(self, request, queryset):
        for bank in queryset:
            services.delete_bank(bank=bank, deleted_by=request.user)

    def save_formset(self, request, form, formset, change):
        categories = formset.save(commit=False)
        for category in formset.deleted_objects:
            services.delete_category(category=category, deleted_by=request.user)
        for category in categories:
            category.save()
        formset.save_m2m()


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "bank",
            "category",
            "kind",
            "prompt",
            "options",
            "correct",
            "explanation",
            "image",
            "language",
        ]

    def clean_image(self):
        # Uploads through the admin are re-encoded like any other.
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            return reencode_image(image, box=QUESTION_IMAGE_BOX, square=False)
        return image


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ["prompt", "bank", "category", "kind", "language"]
    list_filter = ["bank", "kind", "language"]
    search_fields = ["prompt"]
    list_select_related = ["bank", "category"]

    def delete_model(self, request, obj):
        services.delete_question(question=obj, deleted_by=request.user)

    def delete_queryset(self, request, queryset):
        for question in queryset.select_related("bank"):
            services.delete_question(question=question, deleted_by=request.user)


@admin.register(Deletion)
class DeletionAdmin(admin.ModelAdmin):
    """Read-only: the record of who deleted what from the question banks."""

    list_display = [
        "deleted_at",
        "deleted_by",
        "kind",
        "name",
        "bank_name",
        "question_count",
    ]
    list_filter = ["kind", "deleted_at"]
    search_fields = ["name", "bank_name"]
    list_select_related = ["deleted_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
