"""The leaderboard's models, one module per concept."""

from leaderboard.models.csat import *  # noqa: F403
from leaderboard.models.displays import *  # noqa: F403
from leaderboard.models.kudos import *  # noqa: F403
from leaderboard.models.points import *  # noqa: F403
