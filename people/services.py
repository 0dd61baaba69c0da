"""Writes to people and teams. Each is one function in one transaction."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from people.models import Notice, Team, User
from realtime import groups, live


@transaction.atomic
def post_notice(*, sender: User, text: str, team: Team | None = None) -> Notice:
    """Save a notice and push it, after commit, to the people it is for."""
    notice = Notice.objects.create(sender=sender, team=team, text=text.strip())
    group = groups.team(team.pk) if team else groups.FLOOR
    fragments = live.render_per_language(
        "people/_notice_pushed.html", {"notice": notice}
    )
    live.send_after_commit(group, {"type": "feed.fragment", "html": fragments})
    return notice


@transaction.atomic
def change_avatar(*, user: User, image: ContentFile | None) -> User:
    """Replace (or, given None, remove) the user's avatar; the old file goes.

    ``image`` is already re-encoded (uploads.images.reencode_image).
    """
    old = user.avatar.name if user.avatar else ""
    if image is None:
        user.avatar = ""
    else:
        user.avatar.save(image.name, image, save=False)
    user.save(update_fields=["avatar"])
    if old:
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(old))
    return user


@transaction.atomic
def set_temporary_password(*, user: User, password: str) -> User:
    """Give ``user`` a password a manager chose for them, to be replaced by
    their own at their next login (people/middleware.py).

    Saving the password signs every session of theirs out and closes its
    sockets (people/receivers.py), so nobody stays in on the old one."""
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return user
