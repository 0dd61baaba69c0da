"""The admin as a backstop: the ledger is read-only here too."""

from __future__ import annotations

from django.contrib import admin

from leaderboard.models import (
    CsatImport,
    CsatResult,
    Display,
    Kudos,
    PointEntry,
    PointRule,
    RuleChange,
    ServiceStarAward,
    StarThreshold,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnly):
    list_display = ["occurred_at", "person", "team", "source", "points", "reference"]
    list_filter = ["source", "team"]
    search_fields = ["person__username", "person__display_name", "reference"]
    list_select_related = ["person", "team"]
    date_hierarchy = "occurred_at"


@admin.register(RuleChange)
class RuleChangeAdmin(ReadOnly):
    list_display = ["changed_at", "rule", "changed_by", "before", "after"]


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    list_display = ["source", "weight", "daily_cap", "updated_at"]

    def has_change_permission(self, request, obj=None):
        return False  # changes go through the rules page, which logs them


@admin.register(StarThreshold)
class StarThresholdAdmin(admin.ModelAdmin):
    list_display = ["stars", "min_points"]


@admin.register(ServiceStarAward)
class ServiceStarAwardAdmin(admin.ModelAdmin):
    list_display = ["month", "scope", "team", "person", "points", "confirmed_at"]
    list_filter = ["scope", "month"]


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_display = ["created_at", "sender", "receiver", "heart", "hidden_at"]
    list_filter = ["heart"]
    search_fields = ["message", "sender__display_name", "receiver__display_name"]
    list_select_related = ["sender", "receiver"]
    # Hiding goes through the kudos page, which reverses the points.
    readonly_fields = [
        "sender",
        "receiver",
        "heart",
        "message",
        "created_at",
        "hidden_at",
        "hidden_by",
    ]


class CsatResultInline(admin.TabularInline):
    model = CsatResult
    extra = 0
    readonly_fields = ["person", "row", "rated", "satisfied", "adjusted", "points"]
    fields = readonly_fields
    can_delete = False


@admin.register(CsatImport)
class CsatImportAdmin(ReadOnly):
    list_display = ["period", "file_name", "uploaded_by", "uploaded_at", "row_count"]
    inlines = [CsatResultInline]


@admin.register(Display)
class DisplayAdmin(admin.ModelAdmin):
    """Pairing and revoking go through the wall-displays page; the token hash
    is never shown."""

    list_display = ["name", "scope", "language", "last_seen_at", "revoked_at"]
    exclude = ["token_hash"]
    readonly_fields = [
        "paired_by",
        "paired_at",
        "last_seen_at",
        "revoked_at",
        "revoked_by",
    ]
