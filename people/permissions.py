"""One gate per role. Anonymous people go to the login page; others get 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from people.models import Role, User

View = Callable[..., HttpResponse]


def _role_gate(allowed: Callable[[object], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return gated

    return decorator


trainer_required = _role_gate(lambda user: user.can_train)
trainer_required.__doc__ = "Trainers (team leaders) and managers."

manager_required = _role_gate(lambda user: user.can_manage)
manager_required.__doc__ = "Managers only."


def may_set_password_of(editor: User, colleague: User) -> bool:
    """Whether ``editor`` may give ``colleague`` a temporary password.

    Managers do it for agents and trainers. A manager's, an admin's or their
    own password is changed by its owner or in the Django admin: no manager
    can take over another's account with it."""
    return (
        editor.can_manage
        and colleague.pk != editor.pk
        and colleague.role in (Role.AGENT, Role.TRAINER)
        and not (colleague.is_superuser or colleague.is_staff)
    )
