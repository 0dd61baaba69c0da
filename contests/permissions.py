"""Who may read a contest's results."""

from __future__ import annotations

from contests.models import Contest, Status
from people.models import User


def can_read_results(user: User, contest: Contest) -> bool:
    """The host at any time; every other trainer and manager once it has ended.

    Nobody else may look during the contest: the results page shows the
    right answers and everyone's submissions, and a trainer or manager who
    joined as a player would read them mid-round.
    """
    if not user.can_train:
        return False
    return contest.host_id == user.pk or contest.status == Status.FINISHED
