"""A person with a temporary password chooses their own before anything else.

A manager's temporary password (people.services.set_temporary_password) marks
the person ``must_change_password``. Until they change it, every page sends
them to the password change page; logging out, switching the language, static
and uploaded files and the health check still answer as usual.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.decorators import sync_and_async_middleware
from django_htmx.http import HttpResponseClientRedirect

# URL names a person with a temporary password may still open.
OPEN_VIEWS = (
    "people:password_change",
    "people:logout",
    "admin:logout",
    "set_language",
    "healthz",
)


def _is_open(request: HttpRequest) -> bool:
    path = request.path_info
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return True
    try:
        match = resolve(path, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.view_name in OPEN_VIEWS


def _detour(request: HttpRequest) -> HttpResponse | None:
    """Where a person who must change their password goes instead, if they
    must. Reads the user (cached on the request for the view)."""
    user = request.user
    if not (user.is_authenticated and user.must_change_password):
        return None
    target = reverse("people:password_change")
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(target)
    return redirect(target)


@sync_and_async_middleware
def password_change_required(get_response):
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> HttpResponse:
            # The open paths (the health check among them) never wait for
            # the database thread.
            if not _is_open(request):
                detour = await sync_to_async(_detour)(request)
                if detour is not None:
                    return detour
            return await get_response(request)

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            if not _is_open(request):
                detour = _detour(request)
                if detour is not None:
                    return detour
            return get_response(request)

    return middleware
