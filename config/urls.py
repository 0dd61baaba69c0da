from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from django.views.static import serve

from people.views import healthz

admin.site.site_header = "ServiceStar"
admin.site.site_title = "ServiceStar"

urlpatterns = [
    path("", include("people.urls")),
    path("training/", include("training.urls")),
    path("", include("contests.urls")),
    path("", include("leaderboard.urls")),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Uploaded media (already re-encoded) for logged-in staff. Behind nginx the
    # proxy may serve MEDIA_ROOT itself (docs/operations.md).
    re_path(
        r"^media/(?P<path>.+)$",
        login_required(serve),
        {"document_root": settings.MEDIA_ROOT},
    ),
]
