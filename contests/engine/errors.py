from __future__ import annotations


class ContestError(Exception):
    """An action the contest refuses; ``message`` is for the person who tried it."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code
