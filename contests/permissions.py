"""Who may read a quiz's results."""

from __future__ import annotations

from contests.models import Quiz, QuizStatus
from people.models import User


def can_read_results(user: User, quiz: Quiz) -> bool:
    """The host at any time; every other trainer and manager once it has ended.

    Nobody else may look during the quiz: the results page shows the correct
    options and everyone's answers, and a trainer or manager who joined as a
    player would read them mid-question.
    """
    if not user.can_train:
        return False
    return quiz.host_id == user.pk or quiz.status == QuizStatus.FINISHED
