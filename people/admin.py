from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as AuthUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from people.forms import AVATAR_PIXELS
from people.models import Notice, Site, Team, User
from uploads.images import reencode_image


class StaffChangeForm(UserChangeForm):
    def clean_avatar(self):
        # Uploads through the admin are re-encoded like any other.
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, UploadedFile):
            return reencode_image(avatar, box=AVATAR_PIXELS, square=True)
        return avatar


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "site"]
    list_filter = ["site"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(AuthUserAdmin):
    form = StaffChangeForm
    list_display = ["username", "display_name", "employee_number", "team", "role"]
    list_filter = ["role", "team", "is_active"]
    search_fields = ["username", "display_name", "employee_number"]
    list_select_related = ["team"]
    fieldsets = [
        *AuthUserAdmin.fieldsets,
        (
            _("ServiceStar"),
            {
                "fields": [
                    "display_name",
                    "employee_number",
                    "team",
                    "role",
                    "avatar",
                    "must_change_password",
                ]
            },
        ),
    ]
    add_fieldsets = [
        *AuthUserAdmin.add_fieldsets,
        (
            _("ServiceStar"),
            {"fields": ["display_name", "employee_number", "team", "role"]},
        ),
    ]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["text", "sender", "team", "created_at"]
    list_filter = ["team"]
    list_select_related = ["sender", "team"]
    date_hierarchy = "created_at"
