from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from people.images import reencode_image
from training.models import Bank, Category, Question
from training.sheet_columns import QUESTION_IMAGE_BOX


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "updated_at"]
    search_fields = ["name"]
    inlines = [CategoryInline]


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
