"""Closing a person's sockets when their session ends or their account changes.

Connected in PeopleConfig.ready. Each sends its ending after the transaction
commits (realtime/session_end.py), wherever the change came from: the staff
page, the Django admin (its password pages too), ``manage.py changepassword``.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from people.models import User
from realtime import session_end


@receiver(user_logged_out)
def close_the_sessions_sockets(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    session_end.end_session(getattr(session, "session_key", None) or "")


@receiver(post_save, sender=User)
def close_sockets_after_an_account_change(
    sender, instance: User, created: bool, update_fields=None, **kwargs
) -> None:
    saved = list(update_fields) if update_fields else list(User.SESSION_FIELDS)
    saved = [name for name in saved if name in User.SESSION_FIELDS]
    changed = set() if created else instance.changed_session_fields(saved)
    instance.remember_session_fields(saved)
    if not changed:
        return
    if "is_active" in changed and not instance.is_active:
        session_end.end_user_sessions(instance.pk)
    elif changed & {"role", "is_superuser"}:
        session_end.end_user_sessions(
            instance.pk, code=session_end.CLOSE_ACCOUNT_CHANGED
        )
    elif "password" in changed:
        session_end.recheck_user_sessions(instance.pk)


@receiver(post_delete, sender=User)
def close_a_deleted_persons_sockets(sender, instance: User, **kwargs) -> None:
    session_end.end_user_sessions(instance.pk)
